"""Root causes read from the event log, and the corrective action each one suggests.

A bad outcome's event says how it came about: a perpetrator fled *via* a window, evidence
was destroyed *by* someone, a victim was hurt or treated as an offender *by* a unit and
*why*; the engine may also give a `cause` in words. This module turns those into a root
cause an evaluator can check against the replay ("no cordon on the front bedroom window;
the manager left by it at T+01:11"), and drafts the corrective action that cause calls for,
with its HSEEP capability element (planning, organisation, equipment, training, exercise).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sim.engine.narrate import humanise, names_of
from sim.format import triggers
from .ratings import clock

BAD_OUTCOMES = ("perpetrator_fled", "evidence_destroyed", "victim_injured", "victim_treated_as_offender",
                "hostage_taken", "officer_injured")


@dataclass(frozen=True)
class Cause:
    t: float
    text: str  # the root cause in words, names not ids
    action: str  # the corrective action it calls for
    element: str  # planning, organisation, equipment, training or exercise


def _name(names: dict[str, str], ident: Optional[str]) -> str:
    return names.get(ident, ident.replace("_", " ")) if ident else "someone"


def cause_of(event: dict, events: list[dict], spec) -> Optional[Cause]:
    """The root cause of one bad-outcome event, from its own fields and what came before it."""
    names = names_of(spec)
    kind, t, who = event["kind"], event["t"], _name(names, event.get("subject"))
    when = clock(t)
    given = event.get("cause")  # the engine's own words, where it gives them (with ids: named here)
    if given:
        given = humanise(str(given), names)
    if kind == "perpetrator_fled":
        via = event.get("via")
        where = _name(names, via)
        covered = [e for e in events if e["kind"] == "cordon_set" and e["t"] <= t and via and
                   via in (e.get("target"), e.get("subject"), e.get("exit"))]
        text = given or (f"the cordon on the {where} did not hold; {who} left by it at {when}" if covered else
                         f"no cordon on the {where}; {who} left by it at {when}")
        return Cause(t, text, f"Cover every way out, the {where} included, with a cordon in place before entry",
                     "planning")
    if kind == "evidence_destroyed":
        by = _name(names, event.get("by"))
        text = given or f"{who} destroyed by {by} at {when}, before any unit secured it"
        return Cause(t, text, f"Secure the {who} early: task the evidence team to it in the first wave, and "
                     "keep the perpetrators from it (fast, quiet entry)", "planning")
    if kind == "victim_treated_as_offender":
        by = _name(names, event.get("by"))
        why = event.get("why")
        text = given or f"{who} was treated as an offender by {by} at {when}" + (f": {why}" if why else "")
        return Cause(t, text, "Train every interviewing unit to screen for trafficking indicators, and interview "
                     "victims only through a speaker of their language", "training")
    if kind == "victim_injured":
        by = _name(names, event.get("by"))
        why = event.get("why")
        text = given or f"{who} was hurt at {when} by {by}" + (f": {why}" if why else "")
        return Cause(t, text, "Brief the entry team to tell victims from perpetrators on entry and not to "
                     "restrain frightened victims; rehearse the entry with that brief", "training")
    if kind == "hostage_taken":
        by = _name(names, event.get("by"))
        text = given or f"{who} was taken hostage by {by} at {when}"
        return Cause(t, text, "Plan the entry so that perpetrators are reached before they can reach the "
                     "victims (speed, surprise, every room covered)", "planning")
    if kind == "officer_injured":
        text = given or f"{who} was injured at {when}" + (f" ({event['why']})" if event.get("why") else "")
        return Cause(t, text, "Review the entry team's protective equipment and the order of clearing rooms",
                     "equipment")
    return None


def causes_for_task(task, events: list[dict], spec) -> list[Cause]:
    """The root causes behind a task not met: each event its `never` forbids, or, for an `on`
    task, the bad outcomes that touched its subjects."""
    expect = getattr(task, "expect", None)
    if expect is None and spec.evaluation_guide is not None:  # a rated task: find its guide entry
        expect = next((k.expect for c in spec.evaluation_guide.capabilities for t in c.targets for k in t.tasks
                       if k.id == task.id), None)
    out = []
    if expect is not None and expect.never is not None:
        trig = triggers.parse("on", expect.never)
        for e in events:
            if e["kind"] == trig.name and trig.argument in (None, e.get("subject")):
                cause = cause_of(e, events, spec)
                if cause:
                    out.append(cause)
    return out


def first_cause(events: list[dict], spec, kinds: tuple[str, ...] = BAD_OUTCOMES) -> Optional[Cause]:
    for e in events:
        if e["kind"] in kinds:
            cause = cause_of(e, events, spec)
            if cause:
                return cause
    return None
