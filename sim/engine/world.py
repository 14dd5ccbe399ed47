"""The shared state of one exercise: who is where, the doors, the evidence, the log.

Agents (`sim.engine.agents`) read and change the world; the world answers spatial questions
(paths, sight, hearing) from cached numpy grids so an agent's step is cheap.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Iterator, NamedTuple, Optional, Protocol

import numpy as np
import simpy

from sim.format import floorplan
from sim.format.placement import start_cells
from sim.format.scenario import Scenario
from .eventlog import EventLog
from .rng import Streams

Cell = tuple[int, int]


class Person(Protocol):
    """What the world asks of anyone on the plan. The agents (`sim.engine.agents`) build on
    the world, so the world names only this, not them."""
    id: str
    kind: str  # victim, perpetrator or unit
    cell: Cell
    present: bool

# Hearing: how much sound is lost crossing a wall or a closed door (dB), and the level a
# perpetrator is certain to notice. Interior walls of flats lose ~30-40 dB; doors ~20.
WALL_LOSS_DB = 30.0
CLOSED_DOOR_LOSS_DB = 20.0
NOTICE_FROM_DB = 35.0
NOTICE_CERTAIN_DB = 60.0
LOUD_NOISE_DB = 75.0  # a knock and "Police!", forcing a door, shouting: the neighbours hear it
SIGHT_RANGE_M = 15.0
HEARING_RANGE_M = 30.0  # beyond this, several walls and doors stand between in any building
_FIELDS: dict = {}  # distance fields shared by all exercises in this process
_WAYS: dict = {}  # distance fields in windows, with their downhill steps (see World.way_to)
_NEAR: dict = {}  # distance fields in a window round a person, for short ways (see World.distance_near)
WAY_MIN_MARGIN = 8  # cells around the walker and the destination, at least
_STATIC: dict = {}  # scenario hash -> Layout: what never changes during a run
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


@dataclass(frozen=True)
class Way:
    """A distance field over a window of the floor (top-left at `top`, `left`) and the
    downhill step from each of its cells, valid while `doors` are as in `door_state`."""
    top: int
    left: int
    field: np.ndarray
    steps: list
    doors: tuple[str, ...]
    door_state: tuple[bool, ...]

    def distance(self, cell: Cell) -> float:
        return float(self.field[cell[0] - self.top, cell[1] - self.left])

    def step_from(self, cell: Cell) -> Optional[Cell]:
        return self.steps[cell[0] - self.top][cell[1] - self.left]

    def still_good(self, doors: dict) -> bool:
        return all(doors[d].passable == was for d, was in zip(self.doors, self.door_state))


@dataclass
class World:
    env: simpy.Environment
    scenario: Scenario
    streams: Streams
    log: EventLog = field(default_factory=EventLog)
    agents: dict[str, "Person"] = field(default_factory=dict)
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
    on_change: Optional[Callable[[], None]] = None  # set while perception waits for a change
    _sight_version: int = -1
    _people: Optional[tuple[int, dict]] = None
    _doors_in: dict = field(default_factory=dict)  # window -> ids of the doors in it
    _passable: Optional[tuple[int, np.ndarray]] = None
    _transparent: Optional[tuple[int, list]] = None

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
        self.starts, self.slow_cells, self.room_area = static.starts, static.slow_cells, static.room_area
        self._rooms, self._kinds = static.room_at, static.kind_at
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
        if self.on_change is not None:
            self.on_change()

    def _remember(self, event: dict) -> None:
        subject = event.get("subject")
        self.happened.setdefault(event["kind"], set()).add(subject)

    def has_happened(self, kind: str, subject: Optional[str] = None) -> bool:
        subjects = self.happened.get(kind)
        if not subjects:
            return False
        return subject is None or subject in subjects

    def people(self, kind: Optional[str] = None) -> tuple["Person", ...]:
        """Everyone of a kind, in the scenario's order (kept: asked many times a second)."""
        if self._people is None or self._people[0] != len(self.agents):
            by_kind: dict = {None: tuple(self.agents.values())}
            for agent in self.agents.values():
                by_kind[agent.kind] = by_kind.get(agent.kind, ()) + (agent,)
            self._people = (len(self.agents), by_kind)
        return self._people[1].get(kind, ())

    def room_of(self, cell: Cell) -> Optional[str]:
        return self._rooms[cell[0]][cell[1]]

    def in_room(self, room: str, kind: Optional[str] = None) -> list["Person"]:
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
            _FIELDS[cache_key] = found
        return found

    def way_to(self, targets: tuple[Cell, ...], start: Cell) -> "Way":
        """The way from `start` to the nearest of `targets`, for the doors as they are now.

        The distance field is worked out only in a window around the start and the
        targets, widened until no way out of the window and back could be as short as the
        way found inside it. The walker then takes exactly the steps the whole floor's
        field would give (see Way), but a field costs what the window costs, not what the
        floor costs, and the doors beyond the window do not matter to it.
        """
        rows, cols = self.grid.shape
        rs, cs = [r for r, _ in targets] + [start[0]], [c for _, c in targets] + [start[1]]
        top, bottom, left, right = min(rs), max(rs), min(cs), max(cs)
        margin = max(WAY_MIN_MARGIN, 3 * max(bottom - top, right - left) // 4 + 4)
        while True:
            # snapped outward to a grid of 8 cells, so walkers starting near each other share one
            r0, c0 = max(0, (top - margin) // 8 * 8), max(0, (left - margin) // 8 * 8)
            r1, c1 = min(rows, -(-(bottom + 1 + margin) // 8) * 8), min(cols, -(-(right + 1 + margin) // 8) * 8)
            way = self._way(targets, (r0, r1, c0, c1))
            gaps = [g for g, open_side in ((top - r0, r0 > 0), (r1 - 1 - bottom, r1 < rows),
                                           (left - c0, c0 > 0), (c1 - 1 - right, c1 < cols)) if open_side]
            # leaving the window and coming back is at least 2 * (gap + 1) cells; requiring
            # 2 * gap keeps the neighbours of every cell on the way exact as well
            if not gaps or way.distance(start) <= 2 * min(gaps) * self.grid.cell_size:
                return way
            margin *= 2

    def _way(self, targets: tuple[Cell, ...], window: tuple[int, int, int, int]) -> "Way":
        doors = self._doors_in.get(window)
        if doors is None:
            r0, r1, c0, c1 = window
            doors = self._doors_in[window] = tuple(
                d.id for d in self.doors.values() if any(r0 <= r < r1 and c0 <= c < c1 for r, c in d.cells))
        state = tuple(self.doors[d].passable for d in doors)
        key = (self.scenario.sha256, targets, window, doors, state)
        found = _WAYS.get(key)
        if found is None:
            r0, r1, c0, c1 = window
            passable = self.passable()[r0:r1, c0:c1]
            field = self.grid.distance_field(tuple((r - r0, c - c0) for r, c in targets), passable)
            steps = floorplan.downhill_steps(field, passable, origin=(r0, c0))
            if len(_WAYS) > 8192:
                _WAYS.clear()
            found = _WAYS[key] = Way(r0, c0, field, steps, doors, state)
        return found

    def distances_near(self, start: Cell, goals: list[Cell], reach: float) -> list[float]:
        """Walking distance in metres from `start` to each of `goals`, the same number as the
        whole floor's field gives, wherever the way is at most `reach` cells long; a longer
        way gives more than that (or inf), never less.

        A bounded search. A way of at most `reach` cells stays within that many cells of
        `start`, so fields are worked out only in that window (snapped to a grid of 8 cells,
        so nearby starts share it; only the doors inside it matter), and goals farther as the
        crow flies are not looked at. One field from `start` tells which goals are within
        reach, to rounding; only for those is the field from the goal worked out (all of them
        together, floorplan.distance_fields), and its value is the answer: the very number
        the whole floor's field from the goal gives (a field rounds bit for bit alike
        wherever it is worked out, see floorplan._run_sweeps), so ties break as they did."""
        r, c = start
        radius = int(math.floor(reach + 1e-9))
        rows, cols = self.grid.shape
        r0, r1 = max(0, (r - radius) // 8 * 8), min(rows, -(-(r + radius + 1) // 8) * 8)
        c0, c1 = max(0, (c - radius) // 8 * 8), min(cols, -(-(c + radius + 1) // 8) * 8)
        window = (r0, r1, c0, c1)
        doors = self._doors_in.get(window)
        if doors is None:
            doors = self._doors_in[window] = tuple(
                d.id for d in self.doors.values() if any(r0 <= dr < r1 and c0 <= dc < c1 for dr, dc in d.cells))
        base = (self.scenario.sha256, window, doors, tuple(self.doors[d].passable for d in doors))
        out = [math.inf] * len(goals)
        missing: dict[Cell, list[int]] = {}
        for i, goal in enumerate(goals):
            if max(abs(goal[0] - r), abs(goal[1] - c)) > radius:
                continue
            field = _NEAR.get(base + (goal,))
            if field is None:
                missing.setdefault(goal, []).append(i)
            else:
                out[i] = float(field[r - r0, c - c0])
        if not missing:
            return out
        passable = self.passable()[r0:r1, c0:c1]
        local = {goal: (goal[0] - r0, goal[1] - c0) for goal in missing}
        together = [goal for goal in missing if passable[local[goal]]]
        if len(together) > 1:  # which are within reach at all: one field from here, not one each
            key = base + (("from", start),)
            here = _NEAR.get(key)
            if here is None:
                here = _NEAR[key] = self.grid.distance_field(((r - r0, c - c0),), passable)
            limit = reach * self.grid.cell_size + 1e-6  # rounding apart, never a way within reach
            together = [g for g in together if here[local[g]] <= limit]
        fields = dict(zip(together, floorplan.distance_fields([local[g] for g in together], passable,
                                                               self.grid.cell_size))) if together else {}
        for goal in missing:
            if not passable[local[goal]]:  # a goal on a shut cell: the field of its own, as the floor's
                fields[goal] = self.grid.distance_field((local[goal],), passable)
        if len(_NEAR) > 8192:
            _NEAR.clear()
        for goal, indices in missing.items():
            if goal not in fields:
                continue  # out of reach: stays inf (its field is not kept, so it is asked again later)
            _NEAR[base + (goal,)] = fields[goal]
            for i in indices:
                out[i] = float(fields[goal][r - r0, c - c0])
        return out

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
    def transparent(self) -> list[list[bool]]:
        """Whether one can see through each cell, as rows of a list (read cell by cell)."""
        if self._transparent is None or self._transparent[0] != self._door_version:
            grid = self.grid
            see = np.isin(grid.kind, (floorplan.FLOOR, floorplan.EXIT))
            for door in self.doors.values():
                if door.open or door.broken:
                    for cell in door.cells:
                        see[cell] = True
            self._transparent = (self._door_version, see.tolist())
        return self._transparent[1]

    def can_see(self, a: Cell, b: Cell) -> bool:
        sight, _ = self.traced_lines()
        key = (a, b)
        seen = sight.get(key)
        if seen is None:
            seen = sight[key] = self._trace(a, b)
        return seen

    def traced_lines(self) -> tuple[dict, dict]:
        """Sight lines and sound losses already traced, per pair of cells.

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
        return self._sight, self._hearing

    def _trace(self, a: Cell, b: Cell) -> bool:
        if a == b:
            return True
        if math.dist(a, b) * self.grid.cell_size > SIGHT_RANGE_M:
            return False
        see = self.transparent()
        for r, c in _cells_between(a, b):
            if not see[r][c]:
                return False  # the first wall or shut door ends the look
        return True

    def heard_level(self, source: Cell, listener: Cell, level_db: float) -> float:
        """Sound level (dB) at `listener`: spreading loss plus walls and closed doors crossed."""
        _, hearing = self.traced_lines()
        loss = hearing.get((source, listener))
        if loss is None:
            loss = hearing[(source, listener)] = self._sound_loss(source, listener)
        return level_db - loss

    def _sound_loss(self, source: Cell, listener: Cell) -> float:
        metres = max(1.0, math.dist(source, listener) * self.grid.cell_size)
        loss = 20 * math.log10(metres)
        kind = self._kinds
        in_wall = False
        for cell in _cells_between(source, listener):
            k = kind[cell[0]][cell[1]]
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
        where = self.room_of(cell) or self.door_at.get(cell)
        self.emit("noise", subject=where, cause=cause, level_db=round(level_db), cell=list(cell))
        if level_db >= LOUD_NOISE_DB:
            self.emit("loud_noise", subject=where, cause=cause, level_db=round(level_db))
        reach = HEARING_RANGE_M / self.grid.cell_size
        for agent in list(self.agents.values()):
            if agent.present and agent.kind != "unit" and \
                    abs(agent.cell[0] - cell[0]) <= reach and abs(agent.cell[1] - cell[1]) <= reach:
                heard = self.heard_level(cell, agent.cell, level_db)
                agent.hear(heard, cause)


def clear_shared_caches() -> None:
    """Forget every field, way, sight line and layout shared between runs (benchmarks
    use it to time a first run again)."""
    for cache in (_FIELDS, _WAYS, _NEAR, _SIGHT, _STATIC):
        cache.clear()


class Layout(NamedTuple):
    """What never changes during a run, worked out once per scenario and shared by every
    run in the process."""
    starts: dict[str, Cell]
    slow_cells: np.ndarray  # stairs: people walk slower
    room_at: list[list[Optional[str]]]  # the room of every cell, as rows of a list
    room_area: dict[str, float]  # square metres
    kind_at: list[list[int]]  # the kind of every cell, as rows of a list


def _static_layout(scenario: Scenario) -> Layout:
    grid = scenario.grid
    rooms = {r.id: r for r in scenario.spec.floor_plan.rooms}
    slow_cells = np.zeros(grid.shape, dtype=bool)
    for room_id, room in rooms.items():
        if room.kind == "stairwell":
            for cell in grid.cells.get(room_id, ()):
                slow_cells[cell] = True
    slow_cells.setflags(write=False)
    room_at = [[grid.room_at((r, c)) for c in range(grid.shape[1])] for r in range(grid.shape[0])]
    room_area = {rid: len(grid.cells.get(rid, ())) * grid.cell_size ** 2 for rid in rooms}
    return Layout(start_cells(scenario), slow_cells, room_at, room_area, grid.kind.tolist())


def notice_probability(heard_db: float, vigilance: float) -> float:
    span = NOTICE_CERTAIN_DB - NOTICE_FROM_DB
    loudness = min(1.0, max(0.0, (heard_db - NOTICE_FROM_DB) / span))
    return loudness * (0.3 + 0.7 * vigilance)


def _cells_between(a: Cell, b: Cell) -> Iterator[Cell]:
    """Cells on the straight line from a to b (Bresenham), neither end included; lazily,
    so a look stops at the first wall."""
    (r0, c0), (r1, c1) = a, b
    dr, dc = abs(r1 - r0), abs(c1 - c0)
    sr, sc = (1 if r1 > r0 else -1), (1 if c1 > c0 else -1)
    err = dc - dr
    while True:
        e2 = 2 * err
        if e2 > -dr:
            err -= dr
            c0 += sc
        if e2 < dc:
            err += dc
            r0 += sr
        if r0 == r1 and c0 == c1:
            return
        yield r0, c0
