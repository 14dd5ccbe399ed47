"""What a view of the exercise shows at one moment: immutable, with no colours or pixels.

`trainer` sees everything. `trainee` sees only what the units perceive: the units
themselves, people and items a unit sees now, and the last-known place of those seen
before (or reported by intelligence), marked stale with the time they were seen.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from .injects import OpenDecision
    from .world import World

NOISE_SHOWN_SECONDS = 8.0
FEED_LENGTH = 40

# Events a trainee learns of: what units do, see and hear, and what is reported to them.
TRAINEE_EVENTS = {
    "exercise_started", "unit_arrived", "unit_requested", "unit_in_position", "order_issued",
    "order_relayed", "order_done", "order_failed", "order_interrupted", "breach_started",
    "breach_failed", "door_opened", "room_entered", "room_cleared", "cordon_set", "victim_found",
    "victim_safe", "victim_identified", "victim_treated", "victim_handed_over", "victim_panicked",
    "victim_calmed", "victim_treated_as_offender", "interview_done", "spoken_in_language",
    "perpetrator_seen", "perpetrator_arrested", "perpetrator_fled", "struggle", "officer_injured",
    "victim_injured", "hostage_taken", "hostage_released", "evidence_secured", "inject",
    "decision_opened", "decision_made", "exercise_ended", "noise", "seen", "unit_idle", "unit_guarding",
    "perpetrator_stopped",
}  # not barricade_built or perpetrator_alerted: units learn of those only by running into them
QUIET_EVENTS = {"order_started", "order_issued", "noise", "seen", "order_done"}


@dataclass(frozen=True)
class Marker:
    id: str
    kind: str  # victim, perpetrator, unit, evidence
    name: str
    role: str  # unit kind, perpetrator role, evidence kind, or 'victim'
    cell: tuple[int, int]
    state: str
    present: bool = True
    stale: bool = False  # a last-known position, not what is there now
    seen_at: Optional[float] = None
    agency: Optional[str] = None
    armed: Optional[str] = None
    source: Optional[str] = None  # in a seat's view: how the seat knows (seen by, told by, intelligence)


@dataclass(frozen=True)
class DoorView:
    id: str
    kind: str
    cells: tuple[tuple[int, int], ...]
    state: str  # open, closed, locked, barricaded, forced


@dataclass(frozen=True)
class NoiseView:
    cell: tuple[int, int]
    t: float
    level_db: float
    cause: str


@dataclass(frozen=True)
class DecisionView:
    id: str
    prompt: str
    options: tuple[tuple[str, str], ...]  # (option id, label)
    default: str
    time_left: float
    paused: bool


@dataclass(frozen=True)
class Snapshot:
    t: float
    view: str
    markers: tuple[Marker, ...]
    doors: tuple[DoorView, ...]
    noises: tuple[NoiseView, ...]
    cordons: tuple[tuple[str, str], ...]  # (target, unit)
    decision: Optional[DecisionView]
    feed: tuple[dict, ...]
    finished: bool
    end_reason: str
    decisions_elsewhere: tuple[tuple[str, str], ...] = ()  # in a seat's view: (prompt, seat) taken by others
    seat: Optional[str] = None  # the seat whose view this is
    notes: tuple[tuple[tuple[int, int], str, str, float], ...] = ()  # map marks passed to it: (cell, label, from, t)

    def marker(self, ident: str) -> Optional[Marker]:
        return next((m for m in self.markers if m.id == ident), None)


def take_snapshot(world: "World", view: str, *, in_sight: set[str], decision: Optional["OpenDecision"],
                  finished: bool, end_reason: str) -> Snapshot:
    """`in_sight`: what the units saw at the last look, which may be a quiet minute ago;
    `decision`: the one open for the trainee to answer."""
    now = world.now
    everything = view == "trainer"
    markers: list[Marker] = []
    for agent in world.agents.values():
        role = {"unit": getattr(getattr(agent, "spec", None), "kind", "unit"),
                "perpetrator": getattr(getattr(agent, "spec", None), "role", ""),
                "victim": "victim"}[agent.kind]
        agency = agent.spec.agency if agent.kind == "unit" else None
        armed = agent.spec.armed if agent.kind == "perpetrator" else None
        if agent.kind == "unit" or everything:
            markers.append(Marker(agent.id, agent.kind, agent.name, role, agent.cell, agent.label,
                                  agent.present, False, None, agency, armed))
            continue
        seen = world.last_seen.get(agent.id)
        if seen is None:
            continue
        t_seen, cell, state = seen
        fresh = agent.id in in_sight or now - t_seen <= 1.01
        markers.append(Marker(agent.id, agent.kind, agent.name, role, agent.cell if fresh else cell,
                              agent.label if fresh else state, agent.present or not fresh,
                              not fresh, t_seen, None, armed))
    for item in world.evidence.values():
        seen = world.last_seen.get(item.id)
        if everything:
            markers.append(Marker(item.id, "evidence", item.name, item.kind, item.cell, item.state))
        elif seen is not None:
            fresh = item.id in in_sight or now - seen[0] <= 1.01
            markers.append(Marker(item.id, "evidence", item.name, item.kind, item.cell,
                                  item.state if fresh else seen[2], True, not fresh, seen[0]))
    doors = tuple(DoorView(d.id, d.kind, d.cells, d.label) for d in world.doors.values())
    noises = tuple(NoiseView(n.cell, n.t, n.level_db, n.cause) for n in world.noises
                   if now - n.t <= NOISE_SHOWN_SECONDS)
    state, decision = decision, None
    if state is not None:
        d = state.decision
        decision = DecisionView(d.id, d.prompt, tuple((o.id, o.label) for o in d.options), d.default,
                                max(0.0, state.deadline - now), state.paused)
    kinds = TRAINEE_EVENTS if not everything else None
    feed = [e for e in world.log.events
            if (kinds is None or e["kind"] in kinds) and e["kind"] not in QUIET_EVENTS]
    return Snapshot(now, view, tuple(sorted(markers, key=lambda m: (m.kind, m.id))), doors, noises,
                    tuple(sorted(world.cordons.items())), decision, tuple(feed[-FEED_LENGTH:]),
                    finished, end_reason)
