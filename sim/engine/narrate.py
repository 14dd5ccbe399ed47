"""Events in plain words, for the terminal outcome, the window's feed and the debrief."""
from __future__ import annotations

import re
from typing import Optional

from sim.format.catalogue import language_name
from sim.format.spec import Scenario as ScenarioSpec

# The events worth a line in a timeline of highlights.
HIGHLIGHTS = {
    "unit_arrived", "breach_started", "breach_failed", "door_opened", "perpetrator_alerted",
    "perpetrator_reaction", "barricade_built", "hostage_taken", "hostage_released", "room_cleared",
    "victim_found", "victim_panicked", "victim_safe", "spoken_in_language", "victim_identified",
    "victim_treated_as_offender", "victim_treated", "victim_handed_over", "perpetrator_arrested",
    "perpetrator_fled", "evidence_destroyed", "evidence_secured", "officer_injured", "victim_injured",
    "inject", "decision_made", "order_failed", "cordon_set", "exercise_ended", "unit_requested",
    "interview_done", "order_interrupted", "unit_guarding", "perpetrator_stopped", "pressure",
    "victim_moved_away", "seat_handed",
}


def names_of(spec: ScenarioSpec) -> dict[str, str]:
    plan = spec.floor_plan
    names: dict[str, str] = {}
    for group in (plan.rooms, plan.exits, spec.victims, spec.perpetrators, spec.evidence, spec.units):
        for item in group:
            names[item.id] = item.name
    for group in (plan.doors, plan.windows):
        for item in group:
            names[item.id] = item.name or item.id.replace("_", " ")
    for seat in spec.seats:  # apart: a seat may share its id with an agency or unit
        names[f"seat:{seat.id}"] = seat.name
    for decision in spec.decisions:  # apart too: an option may share its id with a unit ('detectives')
        names[f"decision:{decision.id}"] = decision.id.replace("_", " ")
        for option in decision.options:
            names[f"option:{decision.id}:{option.id}"] = option.label
    return names


# how the engine names a decision in a reason: 'replaced by decision gate_method (spreader)'
_DECISION = re.compile(r"\bdecision (\w+) \((\w+)\)")


def humanise(words: str, names: dict[str, str]) -> str:
    """Replace the ids in an engine line ('breaching bedroom1_door') by the names people know;
    'decision gate_method (spreader)' by the decision's name and the option's label."""
    parts, last = [], 0
    for match in _DECISION.finditer(words):
        decision, option = match.groups()
        if f"decision:{decision}" not in names:
            continue
        label = names.get(f"option:{decision}:{option}", option.replace("_", " "))
        parts += [_tokens(words[last:match.start()], names), f"the decision on {names[f'decision:{decision}']}: {label}"]
        last = match.end()
    return "".join(parts) + _tokens(words[last:], names)


def _tokens(words: str, names: dict[str, str]) -> str:
    out = []
    for token in words.split(" "):
        core = token.strip("():,;'")
        out.append(token.replace(core, names[core].split(" (")[0]) if core in names else token.replace("_", " "))
    return " ".join(out)


def clock(t: float) -> str:
    t = int(round(t))
    return f"{t // 60:02d}:{t % 60:02d}"


def because(event: dict, names: dict[str, str]) -> str:
    """The event's cause in words, if it has one: ' (because ...)'."""
    cause = event.get("cause")
    return f": {humanise(str(cause), names)}" if cause else ""


def describe(event: dict, names: dict[str, str]) -> Optional[str]:
    """The event in a line, with its cause for a bad outcome."""
    text = _describe(event, names)
    if text is not None and event["kind"] in CAUSED:
        text += because(event, names)
    return text


# Bad outcomes and pressures: their line says why.
CAUSED = {"hostage_taken", "victim_injured", "perpetrator_fled", "evidence_destroyed", "victim_treated_as_offender",
          "officer_injured", "victim_moved_away", "pressure"}


def _describe(event: dict, names: dict[str, str]) -> Optional[str]:
    k = event["kind"]
    s = event.get("subject")
    n = names.get(s, s) if s else ""
    by = names.get(event.get("by", ""), event.get("by", ""))
    if k == "unit_arrived":
        return f"{n} on scene"
    if k == "unit_requested":
        return f"{n} requested (arrives in about {event.get('arrives_in', 0):.0f} s)"
    if k == "breach_started":
        return f"{by} starts on {n}: {event.get('method', '').replace('_', ' ')}"
    if k == "breach_failed":
        return f"{by} could not open {n}: {event.get('reason', '')}"
    if k == "door_opened":
        how = event.get("how", "")
        return f"{n} open ({how.replace('_', ' ')})" if how and how != "opened" else f"{n} opened"
    if k == "perpetrator_alerted":
        return f"{n} is alerted ({event.get('why', '')})"
    if k == "perpetrator_reaction":
        return f"{n} reacts: {event.get('reaction', '').replace('_', ' ')}"
    if k == "barricade_built":
        return f"{n} barricaded by {by}"
    if k == "hostage_taken":
        return f"{n} taken hostage by {by}"
    if k == "hostage_released":
        return f"{n} released"
    if k == "room_cleared":
        return f"{n} cleared by {by}"
    if k == "victim_found":
        return f"{n} found by {by}"
    if k == "victim_panicked":
        return f"{n} panics"
    if k == "victim_safe":
        return f"{n} is safe"
    if k == "spoken_in_language":
        return f"{by} speaks to {n} in {language_name(event.get('language', ''))}"
    if k == "victim_identified":
        return f"{n} identified as a victim by {by}"
    if k == "victim_treated_as_offender":
        return f"{n} treated as an offender by {by}"
    if k == "interview_done":
        return f"{by} finished interviewing {n}: {event.get('outcome', '')}"
    if k == "victim_treated":
        return f"{n} medically checked by {by}"
    if k == "victim_handed_over":
        return f"{n} handed over to {names.get(event.get('to', ''), event.get('to'))}"
    if k == "perpetrator_arrested":
        force = " after a struggle" if event.get("force") == "struggle" else ""
        return f"{n} arrested by {by}{force}"
    if k == "perpetrator_fled":
        return f"{n} escaped via {names.get(event.get('via', ''), event.get('via'))}"
    if k == "evidence_destroyed":
        return f"{n} destroyed by {by}"
    if k == "evidence_secured":
        return f"{n} secured by {by}"
    if k == "officer_injured":
        return f"officer of {n} injured by {by}"
    if k == "victim_injured":
        return f"{n} injured"
    if k == "inject":
        source = event.get("source")
        return f"INJECT{f' ({source})' if source else ''}: {event.get('message', '')}"
    if k == "decision_made":
        option = str(event.get("option") or "")
        option = names.get(f"option:{s}:{option}", option.replace("_", " "))
        decision = names.get(f"decision:{s}", s.replace("_", " "))
        if event.get("how") == "defaulted":
            return f"decision on {decision}: no answer in time, so the default was taken: {option}"
        how = {"chosen": "chosen", "planned": "as planned"}.get(str(event.get("how")), event.get("how"))
        return f"decision on {decision}: {option} ({how})"
    if k == "seat_handed":
        seat = names.get(f"seat:{s}", s)
        return (f"{seat} is played by the plan now (the controller handed it over)" if event.get("to") == "plan"
                else f"{seat} is played by its people again (the controller handed it back)")
    if k in ("order_failed", "order_interrupted"):
        reason = humanise(str(event.get("reason", "")), names)
        order = humanise(str(event.get("order", "")), names)
        verb = "could not" if k == "order_failed" else "stopped:"
        return f"{names.get(event.get('unit', s), s)} {verb} {order}: {reason}"
    if k == "unit_idle":
        where = names.get(event.get("room") or "", event.get("room") or "")
        return f"{n} idle{f' in {where}' if where else ''}: awaiting orders"
    if k == "unit_guarding":
        return f"{n} stays with {names.get(event.get('victim', ''), event.get('victim'))} " \
               f"(standing rules: {humanise(str(event.get('reason', '')), names)})"
    if k == "perpetrator_stopped":
        return f"{n} stopped in flight by {by}"
    if k == "pressure":
        return f"{humanise(str(event.get('outcome', '')), names)}"
    if k == "victim_moved_away":
        return f"{n} taken away by {by}"
    if k == "cordon_set":
        return f"{by} covers {n}"
    if k == "exercise_ended":
        return f"exercise ended: {humanise(str(event.get('reason', '')), names)}"
    return None


def timeline(events: list[dict], spec: ScenarioSpec, kinds: set[str] = HIGHLIGHTS) -> list[str]:
    names = names_of(spec)
    lines = []
    for event in events:
        if event["kind"] in kinds:
            text = describe(event, names)
            if text:
                lines.append(f"{clock(event['t'])}  {text}")
    return lines
