"""What one seat of a joint run sees: its own units, its own picture, its own feed.

Its picture holds only what its own units perceive, what was passed to it, and the
intelligence addressed to it, each with its age and how the seat knows it. It sees that
another seat is taking a decision, not the decision itself.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .world import NOTICE_FROM_DB
from .snapshot import (FEED_LENGTH, NOISE_SHOWN_SECONDS, QUIET_EVENTS, TRAINEE_EVENTS, DecisionView,
                       DoorView, Marker, NoiseView, Snapshot)

if TYPE_CHECKING:
    from .injects import OpenDecision
    from .seats import Seats
    from .world import World

JOINT_EVENTS = {"message_sent", "message_delivered", "message_failed", "decision_extended"}


def seat_feed(world: "World", seats: "Seats", seat: str) -> list[dict]:
    """The events a seat learns of: what its own units do, see and hear, the messages it
    sends and receives, the injects addressed to it, and decisions (its own in full)."""
    mine = {u for u, s in seats.seat_of_unit.items() if s == seat}
    owners = {d.id: seats.owner_of(d) for d in world.scenario.spec.decisions}
    out = []
    for event in world.log.events:
        kind = event["kind"]
        if kind in QUIET_EVENTS:
            continue
        if kind in ("message_sent", "message_failed"):
            keep = event.get("sender") == seat
        elif kind == "message_delivered":
            keep = event.get("to") == seat
        elif kind == "inject":
            keep = event.get("to") in (None, seat)
        elif kind in ("decision_opened", "decision_made", "decision_extended"):
            keep = owners.get(event.get("subject")) == seat or kind == "decision_opened"
            if keep and owners.get(event.get("subject")) != seat:  # only that one is being taken
                event = {"t": event["t"], "kind": "decision_opened", "subject": event["subject"],
                         "elsewhere": owners.get(event.get("subject"))}
        elif kind in ("exercise_started", "exercise_ended"):
            keep = True
        elif kind == "seat_handed":  # told when it rejoins: why its orders were refused meanwhile
            keep = event.get("subject") == seat
        elif kind == "seat_learned":
            keep = event.get("seat") == seat and event.get("how") != "seen"
        elif kind in TRAINEE_EVENTS:
            keep = event.get("by") in mine or event.get("subject") in mine or event.get("unit") in mine
        else:
            keep = False
        if keep:
            out.append(event)
    return out


def _source(sighting, names: dict[str, str]) -> str:
    if sighting.how == "seen":
        return f"seen by {names.get(sighting.by, sighting.by)}"
    if sighting.how == "told":
        return f"told by {names.get(sighting.by, sighting.by)} via {names.get(sighting.via, sighting.via)}"
    return f"intelligence ({sighting.by})"


def take_seat_snapshot(world: "World", seats: "Seats", seat: str, *, open_decisions: list["OpenDecision"],
                       finished: bool, end_reason: str) -> Snapshot:
    if seat not in seats.seats:
        raise ValueError(f"unknown seat {seat!r}; one of {', '.join(seats.seats)}")
    now = world.now
    spec = world.scenario.spec
    names = {s.id: s.name for s in spec.seats} | {c.id: c.name for c in spec.channels} | \
        {u.id: u.name for u in spec.units}
    picture, in_sight = seats.pictures[seat], seats.in_sight[seat]
    markers: list[Marker] = []
    for agent in world.agents.values():
        if agent.kind == "unit":
            if seats.seat_of_unit[agent.id] == seat:
                markers.append(Marker(agent.id, "unit", agent.name, agent.spec.kind, agent.cell, agent.label,
                                      agent.present, False, None, agent.spec.agency))
            continue
        known = picture.get(agent.id)
        if known is None:
            continue
        fresh = agent.id in in_sight
        role = agent.spec.role if agent.kind == "perpetrator" else "victim"
        armed = agent.spec.armed if agent.kind == "perpetrator" else None
        markers.append(Marker(agent.id, agent.kind, agent.name, role, agent.cell if fresh else known.cell,
                              agent.label if fresh else known.state, agent.present or not fresh, not fresh,
                              known.t, None, armed, _source(known, names)))
    for item in world.evidence.values():
        known = picture.get(item.id)
        if known is None:
            continue
        fresh = item.id in in_sight
        markers.append(Marker(item.id, "evidence", item.name, item.kind, item.cell,
                              item.state if fresh else known.state, True, not fresh, known.t,
                              source=_source(known, names)))
    seen_doors = seats.doors_seen[seat]
    planned = {d.id: "open" if d.open or d.kind == "doorway" else "locked" if d.locked else "closed"
               for d in spec.floor_plan.doors}  # as the plan shows it, until a unit sees it
    doors = tuple(DoorView(d.id, d.kind, d.cells, seen_doors.get(d.id, planned[d.id]))
                  for d in world.doors.values())
    ears = [u.cell for u in world.people("unit") if u.present and seats.seat_of_unit[u.id] == seat]
    noises = tuple(NoiseView(n.cell, n.t, n.level_db, n.cause) for n in world.noises
                   if now - n.t <= NOISE_SHOWN_SECONDS
                   and any(world.heard_level(n.cell, ear, n.level_db) >= NOTICE_FROM_DB for ear in ears))
    decision, elsewhere = None, []
    for state in open_decisions:
        owner = seats.owner_of(state.decision)
        if owner == seat and decision is None:
            d = state.decision
            decision = DecisionView(d.id, d.prompt, tuple((o.id, o.label) for o in d.options), d.default,
                                    max(0.0, state.deadline - now), state.paused)
        elif owner != seat:  # that it is being taken, not what it is about
            elsewhere.append(("a decision", names.get(owner, owner)))
    own_units = {u for u, s in seats.seat_of_unit.items() if s == seat}
    cordons = tuple(sorted((t, u) for t, u in world.cordons.items() if u in own_units))
    feed = seat_feed(world, seats, seat)
    notes = tuple((cell, label, names.get(sender, sender), t) for cell, label, sender, t in seats.notes[seat])
    return Snapshot(now, seat, tuple(sorted(markers, key=lambda m: (m.kind, m.id))), doors, noises, cordons,
                    decision, tuple(feed[-FEED_LENGTH:]), finished, end_reason, tuple(elsewhere), seat, notes)
