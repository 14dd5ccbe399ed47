"""ASCII floor plan -> a grid of cells with rooms, doors, windows and exits.

The grid is held in numpy arrays (row, column). Walking distances are distance fields:
for a destination, the walking distance in metres from every cell, computed once with
a vectorised wavefront (4 straight and 4 diagonal neighbours) and cached, so moving a
person is a lookup per step, not a search.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .spec import FloorPlan

# Cell kinds.
WALL, OUTSIDE, FLOOR, DOOR, WINDOW, EXIT = 0, 1, 2, 3, 4, 5
KIND_NAMES = {WALL: "wall", OUTSIDE: "outside", FLOOR: "floor", DOOR: "door",
              WINDOW: "window", EXIT: "exit"}
TERRAIN = {"wall": WALL, "outside": OUTSIDE}

STEPS = [(-1, 0, 1.0), (1, 0, 1.0), (0, -1, 1.0), (0, 1, 1.0),
         (-1, -1, math.sqrt(2)), (-1, 1, math.sqrt(2)), (1, -1, math.sqrt(2)), (1, 1, math.sqrt(2))]
# The order a walker looks at its neighbours in, which decides between equally short ways.
NEIGHBOURS = [(dr, dc, math.hypot(dr, dc)) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if dr or dc]


@dataclass(frozen=True)
class MapProblem:
    """A problem at a map cell (row, column), turned into a file position by the checker."""
    row: int
    column: int
    message: str


@dataclass
class Grid:
    """The parsed floor plan. Immutable after construction by convention."""
    cell_size: float
    kind: np.ndarray  # int8 [rows, cols]
    room: np.ndarray  # int16 index into room_ids, -1 where none
    feature: np.ndarray  # int16 index into feature_ids (doors, windows, exits), -1 where none
    room_ids: tuple[str, ...]
    feature_ids: tuple[str, ...]
    cells: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    _fields: dict = field(default_factory=dict, repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        return self.kind.shape

    def kind_at(self, cell: tuple[int, int]) -> int:
        return int(self.kind[cell])

    def inside(self, cell: tuple[int, int]) -> bool:
        r, c = cell
        return 0 <= r < self.kind.shape[0] and 0 <= c < self.kind.shape[1]

    def room_at(self, cell: tuple[int, int]) -> str | None:
        index = int(self.room[cell])
        return self.room_ids[index] if index >= 0 else None

    def feature_at(self, cell: tuple[int, int]) -> str | None:
        index = int(self.feature[cell])
        return self.feature_ids[index] if index >= 0 else None

    def walkable(self) -> np.ndarray:
        """Cells a person can stand on, with every door passable."""
        return np.isin(self.kind, (FLOOR, DOOR, EXIT))

    def neighbours_of(self, ident: str) -> set[str]:
        """Ids of rooms and features that touch any cell of `ident` (4-neighbourhood)."""
        found: set[str] = set()
        for r, c in self.cells.get(ident, ()):
            for dr, dc, _ in STEPS[:4]:
                cell = (r + dr, c + dc)
                if not self.inside(cell):
                    continue
                for other in (self.room_at(cell), self.feature_at(cell)):
                    if other and other != ident:
                        found.add(other)
        return found

    def centre(self, ident: str) -> tuple[int, int]:
        """The cell of `ident` nearest its centroid (a stable label and meeting point)."""
        cells = self.cells[ident]
        mean_r = sum(r for r, _ in cells) / len(cells)
        mean_c = sum(c for _, c in cells) / len(cells)
        return min(cells, key=lambda rc: ((rc[0] - mean_r) ** 2 + (rc[1] - mean_c) ** 2, rc))

    def distance_field(self, targets: tuple[tuple[int, int], ...], passable: np.ndarray) -> np.ndarray:
        """Walking distance in metres from every cell to the nearest target (inf if none).

        `passable` is a bool grid; callers cache by their own key (door states change).
        Diagonal steps may not cut a wall corner.
        """
        return distance_field(targets, passable, self.cell_size)

    def reachable_from(self, starts: list[tuple[int, int]], passable: np.ndarray | None = None) -> np.ndarray:
        if passable is None:
            passable = self.walkable()
        if not starts:
            return np.zeros(self.kind.shape, dtype=bool)
        return np.isfinite(self.distance_field(tuple(starts), passable))


def distance_field(targets: tuple[tuple[int, int], ...], passable: np.ndarray,
                   cell_size: float) -> np.ndarray:
    """Exact 8-neighbour shortest distances, by vectorised relaxation to a fixed point.

    Each round relaxes every cell from its 8 neighbours and then sweeps straight runs of
    open cells in the four directions (a cumulative minimum per run), so a long corridor
    is crossed in one round, not one cell per round.
    """
    rows, cols = passable.shape
    ok = passable.copy()
    dist = np.full((rows, cols), np.inf)
    for r, c in targets:
        dist[r, c] = 0.0
        ok[r, c] = True  # a target is reachable even if it is, say, a window
    padded_ok = np.zeros((rows + 2, cols + 2), dtype=bool)
    padded_ok[1:-1, 1:-1] = ok
    corners = {}
    for dr, dc, _ in STEPS:
        if dr and dc:  # diagonal: both orthogonal neighbours must be open
            corners[(dr, dc)] = padded_ok[1 + dr:rows + 1 + dr, 1:-1] & padded_ok[1:-1, 1 + dc:cols + 1 + dc]
    padded = np.full((rows + 2, cols + 2), np.inf)
    sweep_runs = _run_sweeps(ok)
    while True:
        before = dist.copy()
        padded[1:-1, 1:-1] = dist
        for dr, dc, cost in STEPS:
            shifted = padded[1 + dr:rows + 1 + dr, 1 + dc:cols + 1 + dc] + cost
            if dr and dc:
                shifted = np.where(corners[(dr, dc)], shifted, np.inf)
            np.minimum(dist, shifted, out=dist)
        dist[~ok] = np.inf
        dist = sweep_runs(dist)
        if np.array_equal(dist, before):
            break
    return dist * cell_size


def distance_fields(targets: list[tuple[int, int]], passable: np.ndarray, cell_size: float) -> np.ndarray:
    """`distance_field` to each of several single targets at once, stacked: layer i is, bit for
    bit, `distance_field((targets[i],), passable, cell_size)`. Every target must be passable
    (so one set of corner and run masks serves all). A layer that has settled is at its
    fixed point, so the rounds the others still need leave it as it is; one stack costs a
    few numpy calls per round instead of a few per round per target."""
    rows, cols = passable.shape
    ok = passable
    dist = np.full((len(targets), rows, cols), np.inf)
    for i, (r, c) in enumerate(targets):
        assert ok[r, c], "distance_fields: every target must be passable"
        dist[i, r, c] = 0.0
    padded_ok = np.zeros((rows + 2, cols + 2), dtype=bool)
    padded_ok[1:-1, 1:-1] = ok
    corners = {}
    for dr, dc, _ in STEPS:
        if dr and dc:
            corners[(dr, dc)] = padded_ok[1 + dr:rows + 1 + dr, 1:-1] & padded_ok[1:-1, 1 + dc:cols + 1 + dc]
    padded = np.full((len(targets), rows + 2, cols + 2), np.inf)
    sweep_runs = _run_sweeps(ok, stacked=True)
    closed = ~ok
    while True:
        before = dist.copy()
        padded[:, 1:-1, 1:-1] = dist
        for dr, dc, cost in STEPS:
            shifted = padded[:, 1 + dr:rows + 1 + dr, 1 + dc:cols + 1 + dc] + cost
            if dr and dc:
                shifted = np.where(corners[(dr, dc)], shifted, np.inf)
            np.minimum(dist, shifted, out=dist)
        dist[:, closed] = np.inf
        dist = sweep_runs(dist)
        if np.array_equal(dist, before):
            break
    return dist * cell_size


# Distances that differ by less than this (metres) are equal: the sums of a field round
# alike wherever it is worked out, to within a few units in the last place (1e-13 m), while
# two truly different ways on a floor plan differ by more than 1e-5 m
# (|a + b*sqrt(2)| >= 1/(2*sqrt(2)*max(|a|, |b|)) for whole numbers of cells).
TIE_METRES = 1e-7


def downhill_steps(field: np.ndarray, passable: np.ndarray,
                   origin: tuple[int, int] = (0, 0)) -> list[list[Optional[tuple[int, int]]]]:
    """The neighbour a walker steps to from each cell: the first of the eight neighbours,
    in NEIGHBOURS order, that is lower than every one before it by more than rounding
    (TIE_METRES), so ties always break the same way, whatever window the field covers. A diagonal step needs both cells beside it passable: no cutting corners.
    None where no neighbour is lower (the target) or there is no way from the cell."""
    rows, cols = field.shape
    padded = np.full((rows + 2, cols + 2), np.inf)
    padded[1:-1, 1:-1] = field
    open_ = np.zeros((rows + 2, cols + 2), dtype=bool)
    open_[1:-1, 1:-1] = passable
    best = field.copy()
    choice = np.full(field.shape, -1, dtype=np.int8)
    for i, (dr, dc, _) in enumerate(NEIGHBOURS):
        value = padded[1 + dr:rows + 1 + dr, 1 + dc:cols + 1 + dc]
        if dr and dc:
            beside = open_[1 + dr:rows + 1 + dr, 1:-1] & open_[1:-1, 1 + dc:cols + 1 + dc]
            value = np.where(beside, value, np.inf)
        lower = value < best - TIE_METRES
        best = np.where(lower, value, best)
        choice[lower] = i
    choice[~np.isfinite(field)] = -1  # no way from here, even if a neighbour has one
    r0, c0 = origin  # the field's top-left cell on the whole floor (a window's), for the cells given
    return [[None if k < 0 else (r + NEIGHBOURS[k][0], c + NEIGHBOURS[k][1]) for c, k in enumerate(row, c0)]
            for r, row in enumerate(choice.tolist(), r0)]


def _run_sweeps(ok: np.ndarray, stacked: bool = False):
    """A function that relaxes a field along every straight run of open cells, both ways
    along rows and columns; what depends only on which cells are open is worked out here,
    once per field, not once per round.

    A prefix minimum by doubling: after the pass of step s every cell holds the best of
    itself and the cells up to 2s back in its run, each plus its distance. Every sum is a
    distance plus a whole number of cells, as a walk adds them, never an absolute index,
    so a field worked out over a window rounds exactly as the whole floor's does."""
    plans = []
    for transpose in (False, True):
        o = ok.T if transpose else ok
        for flip in (False, True):
            oo = o[:, ::-1] if flip else o
            index = np.arange(oo.shape[1])
            # where each cell's run begins: just after the last closed cell before it
            start = np.maximum.accumulate(np.where(oo, -1, index), axis=1) + 1
            longest = int((index - start).max(initial=0)) + 1  # no pass beyond the longest run
            passes, step = [], 1
            while step < longest:
                passes.append((step, index[step:] - step < start[:, step:]))  # not in the same run
                step *= 2
            plans.append((transpose, flip, ~oo, passes))

    def sweep(dist: np.ndarray) -> np.ndarray:
        for transpose, flip, closed, passes in plans:
            d = dist.T if transpose else dist
            best = (d[:, ::-1] if flip else d).copy()
            for step, elsewhere in passes:
                carried = best[:, :-step] + step  # a copy: this pass reads the last one's values
                carried[elsewhere] = np.inf
                np.minimum(best[:, step:], carried, out=best[:, step:])
            best[closed] = np.inf
            best = best[:, ::-1] if flip else best
            dist = np.ascontiguousarray(best.T if transpose else best)
        return dist

    def sweep_stacked(dist: np.ndarray) -> np.ndarray:
        """The same sums, element by element, on a stack of fields (layers first)."""
        for transpose, flip, closed, passes in plans:
            d = dist.transpose(0, 2, 1) if transpose else dist
            best = (d[:, :, ::-1] if flip else d).copy()
            for step, elsewhere in passes:
                carried = best[:, :, :-step] + step
                carried[:, elsewhere] = np.inf
                np.minimum(best[:, :, step:], carried, out=best[:, :, step:])
            best[:, closed] = np.inf
            best = best[:, :, ::-1] if flip else best
            dist = np.ascontiguousarray(best.transpose(0, 2, 1) if transpose else best)
        return dist

    return sweep_stacked if stacked else sweep


def parse(plan: FloorPlan) -> tuple[Grid | None, list[MapProblem]]:
    """Parse the ASCII map. Returns the grid (None if unusable) and every problem found."""
    problems: list[MapProblem] = []
    lines = plan.map.split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    if not lines:
        return None, [MapProblem(0, 0, "the map is empty")]
    width = len(lines[0])
    for r, line in enumerate(lines):
        if len(line) != width:
            problems.append(MapProblem(r, min(len(line), width),
                                       f"row {r} is {len(line)} characters long; row 0 is {width}: "
                                       "every row must have the same length (pad with the "
                                       "'outside' character)"))
    room_ids = tuple(room.id for room in plan.rooms)
    feature_kind: dict[str, int] = {}
    for door in plan.doors:
        feature_kind[door.id] = DOOR
    for window in plan.windows:
        feature_kind[window.id] = WINDOW
    for exit_ in plan.exits:
        feature_kind[exit_.id] = EXIT
    feature_ids = tuple(feature_kind)
    height = len(lines)
    kind = np.full((height, width), OUTSIDE, dtype=np.int8)
    room = np.full((height, width), -1, dtype=np.int16)
    feature = np.full((height, width), -1, dtype=np.int16)
    cells: dict[str, list[tuple[int, int]]] = {}
    unknown_chars: set[str] = set()
    for r, line in enumerate(lines):
        for c, ch in enumerate(line[:width]):
            meaning = plan.legend.get(ch)
            if meaning is None:
                if ch not in unknown_chars:
                    from .problems import one_of
                    shown = repr(ch) if ch.strip() else f"{ch!r} (a space)"
                    problems.append(MapProblem(r, c, f"character {shown} is not in the legend; "
                                                     f"the legend has {one_of(plan.legend)}"))
                    unknown_chars.add(ch)
                continue
            if meaning in TERRAIN:
                kind[r, c] = TERRAIN[meaning]
            elif meaning in room_ids:
                kind[r, c] = FLOOR
                room[r, c] = room_ids.index(meaning)
            elif meaning in feature_kind:
                kind[r, c] = feature_kind[meaning]
                feature[r, c] = feature_ids.index(meaning)
            else:
                continue  # an unknown legend target is reported by the legend check
            cells.setdefault(meaning, []).append((r, c))
    grid = Grid(plan.cell_size, kind, room, feature, room_ids, feature_ids,
                {k: tuple(v) for k, v in cells.items()})
    return grid, problems
