"""The joint view of a joint run's debrief: for each important fact, when each seat came
to know it and how (seen by which unit, told by which seat and channel, intelligence),
and the messages on the timeline. From the event log alone."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sim.engine.narrate import clock, names_of
from sim.format.spec import Scenario as ScenarioSpec

FACT_WORDS = {"perpetrator_fled": "{} fled", "hostage_taken": "{} taken hostage", "barricade_built": "{} barricaded",
              "victim_injured": "{} injured", "evidence_destroyed": "{} destroyed",
              "perpetrator_arrested": "{} arrested", "victim_safe": "{} safe"}


@dataclass(frozen=True)
class Knowing:
    seat: str
    t: Optional[float]  # None: the seat never knew
    how: str  # seen / told / intelligence / never
    by: str = ""
    via: str = ""


@dataclass(frozen=True)
class Fact:
    subject: str
    words: str  # "Nok located", "guard fled"
    happened: float  # when some seat first knew it
    knowing: tuple[Knowing, ...]  # one per seat, in the scenario's order


def facts(spec: ScenarioSpec, events: list[dict]) -> list[Fact]:
    names = names_of(spec) | {s.id: s.name for s in spec.seats} | {c.id: c.name for c in spec.channels}
    learned: dict[str, dict[str, dict]] = {}
    for e in events:
        if e["kind"] == "seat_learned":
            learned.setdefault(e["subject"], {}).setdefault(e["seat"], e)
    out = []
    for subject, by_seat in learned.items():
        if " " in subject:
            kind, thing = subject.split(" ", 1)
            words = FACT_WORDS.get(kind, "{} " + kind).format(names.get(thing, thing))
        else:
            words = f"{names.get(subject, subject)} located"
        rows = []
        for seat in spec.seats:
            e = by_seat.get(seat.id)
            if e is None:
                rows.append(Knowing(seat.id, None, "never"))
            else:
                rows.append(Knowing(seat.id, e["t"], e["how"], names.get(e.get("by", ""), e.get("by", "")),
                                    names.get(e.get("via", ""), e.get("via", "")) if e.get("via") else ""))
        out.append(Fact(subject, words, min(e["t"] for e in by_seat.values()), tuple(rows)))
    return sorted(out, key=lambda f: (f.happened, f.subject))


def how_text(k: Knowing) -> str:
    if k.t is None:
        return "never knew"
    if k.how == "seen":
        return f"{clock(k.t)} seen ({k.by})"
    if k.how == "told":
        return f"{clock(k.t)} told by {k.by} via {k.via}"
    return f"{clock(k.t)} intelligence ({k.by})"


def message_lines(spec: ScenarioSpec, events: list[dict]) -> list[str]:
    names = {s.id: s.name for s in spec.seats} | {c.id: c.name for c in spec.channels} | names_of(spec)
    sent = {e["subject"]: e for e in events if e["kind"] == "message_sent"}
    lines = []
    for e in events:
        if e["kind"] == "message_delivered":
            s = sent.get(e["subject"], {})
            what = e.get("text") or (f"sighting of {names.get(e.get('about'), e.get('about'))}" if e.get("about") else "")
            lines.append(f"{clock(s.get('t', e['t']))} -> {clock(e['t'])}  {names.get(e['sender'], e['sender'])} to "
                         f"{names.get(e['to'], e['to'])} by {names.get(e['via'], e['via'])}: {what}")
        elif e["kind"] == "message_failed":
            lines.append(f"{clock(e['t'])}  {e.get('sender')} could not send by {e.get('via')}: {e.get('reason')}")
    return lines


def joint_view_text(spec: ScenarioSpec, events: list[dict]) -> str:
    """The joint view as plain text (the command line and the window both show it)."""
    seats = [s.id for s in spec.seats]
    lines = ["Who knew what, and when", ""]
    for fact in facts(spec, events):
        lines.append(f"{clock(fact.happened)}  {fact.words}")
        for k in fact.knowing:
            lines.append(f"    {k.seat:<16} {how_text(k)}")
    lines += ["", "Messages"] + ["  " + m for m in message_lines(spec, events)]
    if len(seats) == 0:
        return "not a joint run"
    return "\n".join(lines)
