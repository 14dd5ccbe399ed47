"""Information sharing in a joint run, from its event log: how long a seat that needed a
fact took to learn it, which channels messages went by, and which decisions were taken
while another seat held what the deciding seat needed.

A solo run (one trainee commands every unit and sees all they see) has nothing to pass
on: its sharing facts are empty and the sharing metrics do not apply (no score).
"""
from __future__ import annotations

from typing import Any, Iterable

from sim.format.joint import channels_linking
from sim.format.spec import Scenario as ScenarioSpec

KINDS = {"victim": "victims", "perpetrator": "perpetrators", "evidence": "evidence"}
NEVER_TOLD_S = 1800.0  # a seat that never learned what it needed: as if told half an hour late


def _kind_of(spec: ScenarioSpec) -> dict[str, str]:
    return {**{v.id: "victims" for v in spec.victims}, **{p.id: "perpetrators" for p in spec.perpetrators},
            **{e.id: "evidence" for e in spec.evidence}}


def measure_sharing(spec: ScenarioSpec, events: Iterable[dict]) -> dict[str, Any]:
    events = list(events)
    if not spec.seats or not any(e["kind"] == "exercise_started" and "seats" in e for e in events):
        return {"joint": False}
    kind_of = _kind_of(spec)
    needs = {s.id: set(s.needs) for s in spec.seats}
    lead = next(s.id for s in spec.seats if spec.lead_agency in s.agencies)
    owner = {d.id: d.owner or lead for d in spec.decisions}
    known: dict[str, dict[str, float]] = {s.id: {} for s in spec.seats}
    first_known: dict[str, float] = {}
    arrived: set[str] = set()
    by_channel: dict[str, int] = {}
    fastest_used = messages = 0
    uninformed: list[dict] = []
    decisions = 0
    end = 0.0
    for e in events:
        kind, t = e["kind"], e["t"]
        end = max(end, t)
        if kind == "unit_arrived":
            arrived.add(e.get("subject"))
        elif kind == "seat_learned":
            thing, seat = e["subject"], e["seat"]
            known[seat].setdefault(thing, t)
            if e.get("how") == "seen":  # the clock starts when a unit sees it, not at a tip
                first_known.setdefault(thing, (t, seat))
        elif kind == "message_sent":
            messages += 1
            by_channel[e["via"]] = by_channel.get(e["via"], 0) + 1
            usable = [c.delay for c in channels_linking(spec.seats, spec.channels, e["sender"], e["to"])
                      if c.requires_unit is None or c.requires_unit in arrived]
            if usable and e.get("delay", 0) <= min(usable) + 1e-9:
                fastest_used += 1
        elif kind == "decision_made":
            decisions += 1
            seat = owner.get(e["subject"], lead)
            missing = sorted(thing for other, things in known.items() if other != seat for thing in things
                             if kind_of.get(thing) in needs[seat] and thing not in known[seat])
            if missing:
                uninformed.append({"decision": e["subject"], "seat": seat, "t": t, "missing": missing})
    latencies = []
    for seat, wanted in needs.items():
        for thing, (first, seer) in first_known.items():
            if kind_of.get(thing) not in wanted or seer == seat:
                continue  # its own sighting is no sharing: only what others had to pass on counts
            knew = known[seat].get(thing)
            # never told: the worst a late message could be, however soon the run ended
            latency = knew - first if knew is not None else NEVER_TOLD_S
            latencies.append({"seat": seat, "thing": thing, "first_s": first, "knew_s": knew,
                              "latency_s": round(max(0.0, latency), 3)})
    return {"joint": True, "latencies": latencies, "messages_by_channel": dict(sorted(by_channel.items())),
            "messages": messages, "fastest_channel_messages": fastest_used, "decisions": decisions,
            "uninformed_decisions": uninformed}


def mean_latency(sharing: dict[str, Any]) -> float:
    rows = sharing.get("latencies") or []
    return sum(r["latency_s"] for r in rows) / len(rows) if rows else 0.0


def explain_sharing(name: str, sharing: dict[str, Any], target: float) -> str:
    if not sharing.get("joint"):
        return "not applicable: a solo run, where one command saw everything its units saw"
    if name == "information_latency":
        rows = sharing["latencies"]
        late = [r for r in rows if r["latency_s"] > target]
        return (f"mean {mean_latency(sharing):.0f} s from a first sighting to the seat that needed it "
                f"(target {target:.0f} s)" + (f"; late: {', '.join(r['thing'] + ' to ' + r['seat'] for r in late[:4])}"
                                             if late else ""))
    if name == "informed_decisions":
        bad = sharing["uninformed_decisions"]
        return (f"{sharing['decisions'] - len(bad)} of {sharing['decisions']} decisions taken with what other "
                "agencies knew" + (f"; without: {', '.join(b['decision'] for b in bad)}" if bad else ""))
    if name == "channel_choice":
        by = ", ".join(f"{c}: {n}" for c, n in sharing["messages_by_channel"].items()) or "none"
        return f"{sharing['fastest_channel_messages']} of {sharing['messages']} messages by the fastest open channel ({by})"
    return name
