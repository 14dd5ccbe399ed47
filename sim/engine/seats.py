"""The joint exercise in the engine: each seat's own picture, and messages by channel.

A seat knows what its own units perceive, what was passed to it by a channel, and the
intelligence addressed to it; nothing else. Messages arrive after their channel's delay
(exercise time). The first time a seat learns of a person or item, the log says how
(`seat_learned`: seen by which unit, or told by which seat and channel), so the debrief
can show who knew what, and when.

Only a joint run has seats in play; a solo run (one trainee commands every unit) makes
none of these events, so its event log is what it always was.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generator, Optional

from sim.format.joint import Channel, Seat, channels_linking
from sim.format.spec import Plan
from .world import Cell, World

KIND_OF_THING = {"victim": "victims", "perpetrator": "perpetrators", "evidence": "evidence"}
# Events a seat witnesses if its units have the subject (or the door) in sight when they happen.
FACT_EVENTS = ("perpetrator_fled", "hostage_taken", "barricade_built", "victim_injured", "evidence_destroyed",
               "perpetrator_arrested", "victim_safe")


@dataclass(frozen=True)
class Sighting:
    """What a seat knows of a person or item: where, in what state, when, and how."""
    t: float  # when it was seen (for a passed-on sighting: when the sender's units saw it)
    cell: Cell
    state: str
    how: str  # "seen", "told" or "intelligence"
    by: str  # the unit that saw it, or the seat that passed it on, or the inject
    via: Optional[str] = None  # the channel it came by


class MessageRefused(ValueError):
    """A message that cannot go: an unknown seat, or a channel that does not link them."""


class Seats:
    def __init__(self, world: World, humans: tuple[str, ...]):
        spec = world.scenario.spec
        self.world = world
        self.seats: dict[str, Seat] = {s.id: s for s in spec.seats}
        self.humans = tuple(humans)
        self.by_plan: set[str] = set()  # people's seats the controller handed to the plan (handover.py)
        self.channels: dict[str, Channel] = {c.id: c for c in spec.channels}
        self.seat_of_agency = {a: s.id for s in spec.seats for a in s.agencies}
        self.lead = self.seat_of_agency[spec.lead_agency]
        self.seat_of_unit = {u.id: self.seat_of_agency[u.agency] for u in spec.units}
        self.pictures: dict[str, dict[str, Sighting]] = {s: {} for s in self.seats}
        self.in_sight: dict[str, set[str]] = {s: set() for s in self.seats}
        self.doors_seen: dict[str, dict[str, str]] = {s: {} for s in self.seats}
        self.notes: dict[str, list] = {s: [] for s in self.seats}  # map marks passed to each seat
        self.sent = 0
        self._reports: list = []
        world.log.listen(self._witness)

    # -- who is who --------------------------------------------------------------------
    def owner_of(self, decision) -> str:
        return decision.owner or self.lead

    def seat_plan(self, plan: Plan) -> Plan:
        """The part of `plan` the simulated seats play: their units' orders, their decisions
        and their messages. A person at a seat makes that seat's own."""
        spec = self.world.scenario.spec
        owners = {d.id: self.owner_of(d) for d in spec.decisions}
        humans = set(self.humans)
        return plan.model_copy(update={
            "orders": tuple(o for o in plan.orders if self.seat_of_unit.get(o.unit) not in humans),
            "decisions": {d: o for d, o in plan.decisions.items() if owners.get(d) not in humans},
            "messages": tuple(m for m in plan.messages if m.sender not in humans),
            "reports": tuple(r for r in plan.reports if r.sender not in humans),
        })

    def channels_between(self, sender: str, to: str) -> list[Channel]:
        """The channels that link two seats, fastest first."""
        spec = self.world.scenario.spec
        return channels_linking(spec.seats, spec.channels, sender, to)

    def usable(self, channel: Channel) -> bool:
        unit = channel.requires_unit
        return unit is None or bool(getattr(self.world.agents.get(unit), "present", False))

    # -- looking -------------------------------------------------------------------------
    def look(self, units: list, others: list) -> None:
        """After perception's look: what each seat's own units see now."""
        world, now = self.world, self.world.now
        can_see = world.can_see
        by_seat: dict[str, list] = {}
        for unit in units:
            by_seat.setdefault(self.seat_of_unit[unit.id], []).append(unit)
        things = [(a.id, a.kind, a.cell, a.label) for a in others] + \
                 [(i.id, "evidence", i.cell, i.state) for i in world.evidence.values()]
        for seat in self.seats:
            mine = by_seat.get(seat, [])
            seen_now: set[str] = set()
            for ident, kind, cell, state in things:
                unit = next((u for u in mine if can_see(u.cell, cell)), None)
                if unit is None:
                    continue
                seen_now.add(ident)
                self._learn(seat, ident, Sighting(now, cell, state, "seen", unit.id))
            self.in_sight[seat] = seen_now
            doors = self.doors_seen[seat]
            for door in world.doors.values():
                if any(can_see(u.cell, c) for u in mine for c in door.cells[:1]):
                    doors[door.id] = door.label

    def _learn(self, seat: str, ident: str, sighting: Sighting) -> None:
        picture = self.pictures[seat]
        first = ident not in picture
        if not first and sighting.how != "seen" and picture[ident].t >= sighting.t:
            return  # what it is told is older than what it knows
        picture[ident] = sighting
        if first:
            self.world.emit("seat_learned", subject=ident, seat=seat, how=sighting.how, by=sighting.by,
                            via=sighting.via, seen_at=round(sighting.t, 3))
            for report in self._reports if sighting.how != "told" else ():  # no echoes
                kind = self.world.scenario.kind_of(ident)
                if report.sender == seat and KIND_OF_THING.get(kind) in report.about:
                    self._report(report, ident)

    def _report(self, report, ident: str) -> None:
        """A standing report goes by its channel or, while that one is closed (its unit not
        there yet), by the fastest open one between the two seats."""
        channels = [self.channels[report.via]] + self.channels_between(report.sender, report.to)
        channel = next((c for c in channels if self.usable(c)), None)
        if channel is None:
            self.world.emit("message_failed", sender=report.sender, to=report.to, via=report.via,
                            about=ident, reason="no channel open")
            return
        self._send_now(report.sender, report.to, channel.id, "", ident, source="report")

    def _witness(self, event: dict) -> None:
        """A seat whose units see what just happened knows it: `seat_learned` of the fact."""
        kind = event["kind"]
        if kind not in FACT_EVENTS:
            return
        subject = event.get("subject")
        world = self.world
        door = world.doors.get(subject) if kind == "barricade_built" else None
        thing = world.agents.get(subject) or world.evidence.get(subject)
        for seat in self.seats:
            units = [u for u in world.people("unit") if u.present and u.outside_at is None
                     and self.seat_of_unit[u.id] == seat]
            if door is not None:
                witness = next((u.id for u in units if world.can_see(u.cell, door.cells[0])), None)
            elif event.get("by") in self.seat_of_unit and self.seat_of_unit[event["by"]] == seat:
                witness = event["by"]  # its own unit did it
            elif thing is not None and subject in self.in_sight[seat]:
                witness = next((u.id for u in units if world.can_see(u.cell, thing.cell)), None)
            else:
                witness = None
            if witness is not None:
                world.emit("seat_learned", subject=f"{kind} {subject}", seat=seat, how="seen", by=witness,
                           seen_at=round(world.now, 3))

    def reveal(self, ident: str, seat: Optional[str], by: str) -> None:
        """Intelligence shows where a person or item is, to one seat (the lead's by default)."""
        world = self.world
        thing = world.agents.get(ident) or world.evidence.get(ident)
        state = getattr(thing, "label", None) or getattr(thing, "state", "")
        self._learn(seat or self.lead, ident, Sighting(world.now, thing.cell, state, "intelligence", by))

    # -- messages ------------------------------------------------------------------------
    def start(self, plan: Plan) -> None:
        """Arm the plan's messages and standing reports (already cut to the simulated seats)."""
        world = self.world
        self._reports = list(plan.reports)
        for message in plan.messages:
            world.env.process(self._planned(message))

    def _planned(self, message) -> Generator:
        watcher = self.world.watcher
        yield watcher.event_for(watcher.trigger_of(message))
        try:
            self._send_now(message.sender, message.to, message.via, message.text, message.about, source="plan")
        except MessageRefused as refused:  # e.g. the liaison officer is not there (yet)
            self.world.emit("message_failed", sender=message.sender, to=message.to, via=message.via,
                            reason=str(refused))

    def check(self, sender: str, to: str, via: str, about: Optional[str], marker: Optional[dict] = None) -> Channel:
        """The channel a message would go by, or MessageRefused saying why it cannot."""
        if sender not in self.seats or to not in self.seats:
            raise MessageRefused(f"no seat {sender if sender not in self.seats else to!r}")
        if sender == to:
            raise MessageRefused("a seat does not send messages to itself")
        channel = self.channels.get(via)
        if channel is None or channel not in self.channels_between(sender, to):
            usable = ", ".join(c.id for c in self.channels_between(sender, to)) or "none"
            raise MessageRefused(f"channel {via!r} does not link {sender} and {to} (channels: {usable})")
        if not self.usable(channel):
            raise MessageRefused(f"{channel.name} needs {channel.requires_unit} on scene")
        if marker is not None:
            rows, cols = self.world.grid.shape
            cell = marker.get("cell") if isinstance(marker, dict) else None
            if not (isinstance(cell, (list, tuple)) and len(cell) == 2 and 0 <= cell[0] < rows and 0 <= cell[1] < cols):
                raise MessageRefused(f"a map mark must be on the map: [row, column] within {rows} x {cols}")
        if about is not None and about not in self.pictures[sender]:
            raise MessageRefused(f"{sender} knows nothing of {about!r} to pass on")
        return channel

    def _send_now(self, sender: str, to: str, via: str, text: str, about: Optional[str] = None,
                  marker: Optional[dict] = None, source: str = "seat") -> str:
        channel = self.check(sender, to, via, about, marker)
        world = self.world
        self.sent += 1
        ident = f"m{self.sent}"
        sighting = self.pictures[sender].get(about) if about else None
        world.emit("message_sent", subject=ident, sender=sender, to=to, via=via, kind_of=channel.kind,
                   delay=channel.delay, text=text or None, about=about, marker=marker, source=source)
        world.env.process(self._deliver(ident, sender, to, channel, text, about, sighting, marker))
        return ident

    def send(self, sender: str, to: str, via: str, text: str, about: Optional[str] = None,
             marker: Optional[dict] = None) -> str:
        """A seat's message; it arrives after the channel's delay. Returns its id."""
        return self._send_now(sender, to, via, text, about, marker)

    def _deliver(self, ident: str, sender: str, to: str, channel: Channel, text: str,
                 about: Optional[str], sighting: Optional[Sighting], marker: Optional[dict]) -> Generator:
        yield self.world.env.timeout(channel.delay)
        self.world.emit("message_delivered", subject=ident, sender=sender, to=to, via=channel.id,
                        text=text or None, about=about, marker=marker)
        if marker is not None:
            self.notes[to].append((tuple(marker["cell"]), str(marker["label"]), sender, self.world.now))
        if sighting is not None:
            self._learn(to, about, Sighting(sighting.t, sighting.cell, sighting.state, "told", sender, channel.id))
