"""The shared state of one exercise: who is where, the doors, the evidence, the log.

Agents (sim/agents) read and change the world; the world answers spatial questions
(paths, sight, hearing) from cached numpy grids so an agent's step is cheap.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

import numpy as np
import simpy

from . import floorplan
from .eventlog import EventLog
from .placement import start_cells
from .rng import Streams
from .scenario import Scenario

if TYPE_CHECKING:
    from .agents.base import Agent

Cell = tuple[int, int]

# Hearing: how much sound is lost crossing a wall or a closed door (dB), and the level a
# perpetrator is certain to notice. Interior walls of flats lose ~30-40 dB; doors ~20.
WALL_LOSS_DB = 30.0
CLOSED_DOOR_LOSS_DB = 20.0
NOTICE_FROM_DB = 35.0
NOTICE_CERTAIN_DB = 60.0
SIGHT_RANGE_M = 15.0
HEARING_RANGE_M = 30.0  # beyond this, several walls and doors stand between in any building
_FIELDS: dict = {}  # distance fields shared by all exercises in this process
_NEXT_STEPS: dict = {}  # the downhill step from every cell, per distance field
_STATIC: dict = {}  # per scenario: what never changes during a run (see _static_layout)
_SIGHT: dict = {}  # per scenario and set of open doors: (cell, cell) -> can see


@dataclass
class DoorState:
    id: str
    kind: str
    cells: tuple[Cell, ...]
    locked: bool
    open: bool
    resource: simpy.Resource
    barricaded: bool = False
    broken: bool = False

    @property
    def passable(self) -> bool:
        return self.open or self.broken or (not self.locked and not self.barricaded)

    @property
    def label(self) -> str:
        if self.broken:
            return "forced"
        if self.barricaded:
            return "barricaded"
        if self.open:
            return "open"
        return "locked" if self.locked else "closed"


@dataclass
class EvidenceState:
    id: str
    name: str
    kind: str
    cell: Cell
    destroy_seconds: float
    state: str = "intact"  # intact, destroying, destroyed, secured


@dataclass
class Noise:
    t: float
    cell: Cell
    level_db: float
    cause: str


@dataclass
class World:
    env: simpy.Environment
    scenario: Scenario
    streams: Streams
    log: EventLog = field(default_factory=EventLog)
    agents: dict[str, "Agent"] = field(default_factory=dict)
    doors: dict[str, DoorState] = field(default_factory=dict)
    evidence: dict[str, EvidenceState] = field(default_factory=dict)
    cordons: dict[str, str] = field(default_factory=dict)  # target id -> unit id
    cleared_rooms: set = field(default_factory=set)
    noises: list[Noise] = field(default_factory=list)
    last_seen: dict[str, tuple[float, Cell, str]] = field(default_factory=dict)  # fog of war
    happened: dict[str, set] = field(default_factory=dict)  # event kind -> subjects (for triggers)
    _door_version: int = 0
    _sight: dict = field(default_factory=dict)
    _hearing: dict = field(default_factory=dict)
    _signature: Optional[tuple] = None
    changed: Optional[simpy.Event] = None  # set while perception waits for the world to change
    _sight_version: int = -1
    _people: Optional[tuple[int, dict]] = None
    _passable: Optional[tuple[int, np.ndarray]] = None
    _transparent: Optional[tuple[int, np.ndarray]] = None

    def __post_init__(self) -> None:
        grid = self.grid
        for door in self.scenario.spec.floor_plan.doors:
            self.doors[door.id] = DoorState(door.id, door.kind, grid.cells[door.id],
                                            locked=door.locked, open=door.open or door.kind == "doorway",
                                            resource=simpy.Resource(self.env, capacity=1))
        static = _STATIC.get(self.scenario.sha256)
        if static is None:
            if len(_STATIC) > 64:
                _STATIC.clear()
            static = _STATIC[self.scenario.sha256] = _static_layout(self.scenario)
        self.starts, self.slow_cells, self._rooms, self.room_area = static
        for item in self.scenario.spec.evidence:
            self.evidence[item.id] = EvidenceState(item.id, item.name, item.kind, self.starts[item.id],
                                                   item.destroy_seconds)
        self.door_at = {cell: door_id for door_id, door in self.doors.items() for cell in door.cells}
        self.log.listen(self._remember)

    # -- basics ------------------------------------------------------------------------
    @property
    def grid(self) -> floorplan.Grid:
        return self.scenario.grid

    @property
    def now(self) -> float:
        return self.env.now

    def emit(self, kind: str, **fields) -> dict:
        self.poke()
        return self.log.add(self.env.now, kind, **fields)

    def poke(self) -> None:
        """Something changed: wake the perception process if it is waiting for a change."""
        changed = self.changed
        if changed is not None and not changed.triggered:
            changed.succeed()

    def _remember(self, event: dict) -> None:
        subject = event.get("subject")
        self.happened.setdefault(event["kind"], set()).add(subject)

    def has_happened(self, kind: str, subject: Optional[str] = None) -> bool:
        subjects = self.happened.get(kind)
        if not subjects:
            return False
        return subject is None or subject in subjects

    def people(self, kind: Optional[str] = None) -> tuple["Agent", ...]:
        """Everyone of a kind, in the scenario's order (kept: asked many times a second)."""
        if self._people is None or self._people[0] != len(self.agents):
            by_kind: dict = {None: tuple(self.agents.values())}
            for agent in self.agents.values():
                by_kind[agent.kind] = by_kind.get(agent.kind, ()) + (agent,)
            self._people = (len(self.agents), by_kind)
        return self._people[1].get(kind, ())

    def room_of(self, cell: Cell) -> Optional[str]:
        return self._rooms[cell[0]][cell[1]]

    def in_room(self, room: str, kind: Optional[str] = None) -> list["Agent"]:
        return [a for a in self.people(kind) if a.present and self.room_of(a.cell) == room]

    # -- doors and paths -----------------------------------------------------------------
    def door_changed(self) -> None:
        self._door_version += 1
        self.poke()

    def passable(self) -> np.ndarray:
        if self._passable is None or self._passable[0] != self._door_version:
            grid = self.grid
            ok = np.isin(grid.kind, (floorplan.FLOOR, floorplan.EXIT))
            for door in self.doors.values():
                if door.passable:
                    for cell in door.cells:
                        ok[cell] = True
            self._passable = (self._door_version, ok)
        return self._passable[1]

    def optimistic_passable(self) -> np.ndarray:
        """As if every door could be opened: to find which locked door is in the way."""
        return self.grid.walkable()

    def distance_to(self, targets: tuple[Cell, ...], *, optimistic: bool = False) -> np.ndarray:
        """Distance field (metres) to `targets` for the doors as they are now.

        Cached by the scenario, the destination and which doors are passable, and shared by
        every exercise in the process: a batch of runs computes each field once.
        """
        # keyed by the target cells themselves: a person one walks to moves
        doors = None if optimistic else self._door_signature()
        cache_key = (self.scenario.sha256, targets, doors)
        found = _FIELDS.get(cache_key)
        if found is None:
            passable = self.optimistic_passable() if optimistic else self.passable()
            found = self.grid.distance_field(targets, passable)
            found.setflags(write=False)
            if len(_FIELDS) > 8192:
                _FIELDS.clear()
                _NEXT_STEPS.clear()
            _FIELDS[cache_key] = found
        return found

    def next_steps(self, targets: tuple[Cell, ...]) -> list[list[Optional[Cell]]]:
        """For every cell, the neighbour one step downhill towards `targets` (None: there,
        or no way), for the doors as they are now. Worked out for the whole field at once
        with numpy and cached with it, so a walker's step is a list lookup."""
        field = self.distance_to(targets)
        cache_key = (self.scenario.sha256, targets, self._door_signature())
        found = _NEXT_STEPS.get(cache_key)
        if found is None:
            found = floorplan.downhill_steps(field, self.passable())
            _NEXT_STEPS[cache_key] = found
        return found

    def _door_signature(self) -> tuple:
        if self._signature is None or self._signature[0] != self._door_version:
            self._signature = (self._door_version, tuple(d.passable for d in self.doors.values()))
        return self._signature[1]

    def targets_of(self, ident: str) -> tuple[Cell, ...]:
        """The cells that count as 'at' a room, door, window, exit, person or item."""
        if ident in self.agents:
            return (self.agents[ident].cell,)
        if ident in self.evidence:
            return (self.evidence[ident].cell,)
        return self.grid.cells[ident]

    # -- sight and sound -----------------------------------------------------------------
    def transparent(self) -> np.ndarray:
        if self._transparent is None or self._transparent[0] != self._door_version:
            grid = self.grid
            see = np.isin(grid.kind, (floorplan.FLOOR, floorplan.EXIT))
            for door in self.doors.values():
                if door.open or door.broken:
                    for cell in door.cells:
                        see[cell] = True
            self._transparent = (self._door_version, see)
        return self._transparent[1]

    def can_see(self, a: Cell, b: Cell) -> bool:
        sight = self._sight_lines()
        key = (a, b)
        seen = sight.get(key)
        if seen is None:
            seen = sight[key] = self._trace(a, b)
        return seen

    def _sight_lines(self) -> dict:
        """Sight lines (and, beside them, sound losses) already traced, per pair of cells.

        Kept per scenario and set of open doors and shared, like the distance fields, by
        every exercise in the process: people mostly stand still or walk the same ways, and
        the once-a-second perception would otherwise trace the same lines again and again."""
        if self._sight_version != self._door_version:
            key = (self.scenario.sha256, tuple(d.open or d.broken for d in self.doors.values()))
            found = _SIGHT.get(key)
            if found is None:
                if len(_SIGHT) > 256:
                    _SIGHT.clear()
                found = _SIGHT[key] = ({}, {})
            self._sight, self._hearing = found
            self._sight_version = self._door_version
        if len(self._sight) > 200_000 or len(self._hearing) > 200_000:
            self._sight.clear()
            self._hearing.clear()
        return self._sight

    def _trace(self, a: Cell, b: Cell) -> bool:
        if a == b:
            return True
        if math.dist(a, b) * self.grid.cell_size > SIGHT_RANGE_M:
            return False
        see = self.transparent()
        for cell in _line(a, b)[1:-1]:
            if not see[cell]:
                return False
        return True

    def heard_level(self, source: Cell, listener: Cell, level_db: float) -> float:
        """Sound level (dB) at `listener`: spreading loss plus walls and closed doors crossed."""
        self._sight_lines()  # the sound losses are kept beside the sight lines, per set of open doors
        loss = self._hearing.get((source, listener))
        if loss is None:
            loss = self._hearing[(source, listener)] = self._sound_loss(source, listener)
        return level_db - loss

    def _sound_loss(self, source: Cell, listener: Cell) -> float:
        metres = max(1.0, math.dist(source, listener) * self.grid.cell_size)
        loss = 20 * math.log10(metres)
        kind = self.grid.kind
        in_wall = False
        for cell in _line(source, listener)[1:-1]:
            k = kind[cell]
            if k == floorplan.WALL or k == floorplan.WINDOW:
                if not in_wall:
                    loss += WALL_LOSS_DB
                in_wall = True
                continue
            in_wall = False
            if k == floorplan.DOOR:
                door = self.doors.get(self.door_at.get(cell, ""))
                if door is not None and not (door.open or door.broken):
                    loss += CLOSED_DOOR_LOSS_DB
        return loss

    def make_noise(self, cell: Cell, level_db: float, cause: str) -> None:
        """A loud event: logged, shown on the map, and heard by everyone near enough."""
        self.noises.append(Noise(self.env.now, cell, level_db, cause))
        self.emit("noise", subject=self.room_of(cell) or self.door_at.get(cell), cause=cause,
                  level_db=round(level_db), cell=list(cell))
        reach = HEARING_RANGE_M / self.grid.cell_size
        for agent in list(self.agents.values()):
            if agent.present and agent.kind != "unit" and \
                    abs(agent.cell[0] - cell[0]) <= reach and abs(agent.cell[1] - cell[1]) <= reach:
                heard = self.heard_level(cell, agent.cell, level_db)
                agent.hear(heard, cause)


def _static_layout(scenario: Scenario) -> tuple:
    """What never changes during a run, worked out once per scenario and shared by every
    run in the process: start cells, stair cells, the room of every cell, room areas."""
    grid = scenario.grid
    rooms = {r.id: r for r in scenario.spec.floor_plan.rooms}
    slow_cells = np.zeros(grid.shape, dtype=bool)  # stairs: people walk slower
    for room_id, room in rooms.items():
        if room.kind == "stairwell":
            for cell in grid.cells.get(room_id, ()):
                slow_cells[cell] = True
    slow_cells.setflags(write=False)
    room_at = [[grid.room_at((r, c)) for c in range(grid.shape[1])] for r in range(grid.shape[0])]
    room_area = {rid: len(grid.cells.get(rid, ())) * grid.cell_size ** 2 for rid in rooms}
    return start_cells(scenario), slow_cells, room_at, room_area


def notice_probability(heard_db: float, vigilance: float) -> float:
    span = NOTICE_CERTAIN_DB - NOTICE_FROM_DB
    loudness = min(1.0, max(0.0, (heard_db - NOTICE_FROM_DB) / span))
    return loudness * (0.3 + 0.7 * vigilance)


def _line(a: Cell, b: Cell) -> list[Cell]:
    """Cells on the straight line from a to b (Bresenham), both ends included."""
    (r0, c0), (r1, c1) = a, b
    dr, dc = abs(r1 - r0), abs(c1 - c0)
    sr, sc = (1 if r1 > r0 else -1), (1 if c1 > c0 else -1)
    err = dc - dr
    cells = [(r0, c0)]
    while (r0, c0) != (r1, c1):
        e2 = 2 * err
        if e2 > -dr:
            err -= dr
            c0 += sc
        if e2 < dc:
            err += dc
            r0 += sr
        cells.append((r0, c0))
    return cells
