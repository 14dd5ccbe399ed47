"""Where the preview's labels go: each label near what it names, clear of the others.

The plan's geometry (grid cells to pixels) and a label placer that avoids collisions:
a label takes the cheapest spot around its anchor and is joined to it by a leader line
when it had to move away. What the labels say, and drawing them, is `ui.preview.labels`;
the plan that hosts them is `ui.preview.plan`.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import numpy as np  # noqa: E402
import pygame  # noqa: E402

from sim.format import floorplan  # noqa: E402 

DIRECTIONS = ((1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (1, 1), (-1, -1), (-1, 1))
"""Where a label may sit around its anchor, in order of preference: right, left, above, below, diagonals."""

OUTSIDE_ZONE, WALL_ZONE, EXIT_ZONE = -3, -2, -1
"""Zones of the map for label placement; rooms are zones 0, 1, ... (their index in the grid)."""


def zones(grid: floorplan.Grid) -> np.ndarray:
    """The zone of every cell of the grid: its room's index, or one of the zones above."""
    kind = grid.kind
    out = np.where(kind == floorplan.OUTSIDE, OUTSIDE_ZONE, WALL_ZONE).astype(np.int16)
    out[kind == floorplan.EXIT] = EXIT_ZONE
    floor = kind == floorplan.FLOOR
    out[floor] = grid.room[floor]
    return out


@dataclass
class Geometry:
    """Cells to pixels on the map surface."""
    left: int
    top: int
    cell: int
    rows: int
    cols: int

    def rect(self, cell: tuple[int, int]) -> pygame.Rect:
        r, c = cell
        return pygame.Rect(self.left + c * self.cell, self.top + r * self.cell, self.cell, self.cell)

    def centre(self, cell: tuple[int, int]) -> tuple[float, float]:
        r, c = cell
        return (self.left + (c + 0.5) * self.cell, self.top + (r + 0.5) * self.cell)

    def bounds(self, cells: Sequence[tuple[int, int]]) -> pygame.Rect:
        rows = [r for r, _ in cells]
        cols = [c for _, c in cells]
        return pygame.Rect(self.left + min(cols) * self.cell, self.top + min(rows) * self.cell,
                           (max(cols) - min(cols) + 1) * self.cell, (max(rows) - min(rows) + 1) * self.cell)


@dataclass
class Label:
    """Something to write on the plan: what it names (anchor, reach), how it draws, its size."""
    anchor: tuple[float, float]
    reach: float  # radius of what the label labels, around the anchor
    draw: Callable[[pygame.Surface, pygame.Rect], None]
    box: pygame.Rect
    home: frozenset = frozenset({OUTSIDE_ZONE})
    """Zones the label may cover freely: its person's room, or the outside for callouts."""
    stray: float = 3.0
    """Cost, in cells of distance, of covering only zones that are not home."""
    names_marker: bool = False
    """Labels a single marker: it must sit nearer that marker than any other (else a leader shows which)."""
    rect: Optional[pygame.Rect] = None
    leader: bool = False


class Placer:
    """Label placement: each label takes the cheapest spot around its anchor, where the cost
    is the distance from it, plus some for covering a door or window, for covering other
    rooms or walls (a share of the label's `stray`), and for leader lines that cross; a
    spot on another label or a marker is ruled out. Greedy first, then a few passes that
    move each label again with all the others in place, which undoes most bad early picks.
    """

    def __init__(self, bounds: pygame.Rect, geo: Geometry, zones: np.ndarray) -> None:
        self.bounds = bounds
        self.geo = geo
        self.cell = geo.cell
        self.zones = zones
        self.fixed: list[pygame.Rect] = []  # markers, room names, the scale bar
        self.soft: list[pygame.Rect] = []  # doors, windows, padlocks, arrows
        self.points: list[tuple[float, float]] = []  # marker centres: a label should sit nearest its own
        self.placed: list[Label] = []

    def place_all(self, labels: list[Label], passes: int = 3) -> None:
        for label in labels:
            self._place(label)
            self.placed.append(label)
        for _ in range(passes):
            moved = False
            for label in labels:
                before = label.rect
                self._place(label)
                moved |= label.rect != before
            moved |= self._uncross(labels)
            if not moved:
                break

    def _uncross(self, labels: list[Label]) -> bool:
        """Where two leader lines cross, place that pair again, each order, and keep the cheaper."""
        changed = False
        for i, a in enumerate(labels):
            for b in labels[i + 1:]:
                if not (a.leader and b.leader and segments_cross(
                        a.anchor, self._leader_end(a.anchor, a.rect), b.anchor, self._leader_end(b.anchor, b.rect))):
                    continue
                keep = (a.rect, a.leader, b.rect, b.leader)
                current = self._cost(a) + self._cost(b)
                options = []
                for first, second in ((a, b), (b, a)):
                    first.rect = second.rect = None
                    self._place(first)
                    self._place(second)
                    options.append((self._cost(a) + self._cost(b), a.rect, a.leader, b.rect, b.leader))
                best = min(options, key=lambda o: o[0])
                if best[0] < current - 1:
                    a.rect, a.leader, b.rect, b.leader = best[1:]
                    changed = True
                else:
                    a.rect, a.leader, b.rect, b.leader = keep
        return changed

    def _cost(self, label: Label) -> float:
        """The cost of a label where it is now (as `_place` would score it)."""
        others = [o for o in self.placed if o is not label and o.rect is not None]
        return self._score(label, label.rect, others, math.hypot(*self._offset(label)))

    def _offset(self, label: Label) -> tuple[float, float]:
        end = self._leader_end(label.anchor, label.rect)
        return (end[0] - label.anchor[0], end[1] - label.anchor[1])

    @staticmethod
    def _leader_end(anchor: tuple[float, float], rect: pygame.Rect) -> tuple[float, float]:
        return (min(max(anchor[0], rect.left), rect.right - 1), min(max(anchor[1], rect.top), rect.bottom - 1))

    def _stray_share(self, rect: pygame.Rect, home: frozenset) -> float:
        """The share of the rect that lies on zones outside `home` (off the grid counts as outside)."""
        geo = self.geo
        xs = np.arange(rect.left + 3, rect.right, 7)
        ys = np.arange(rect.top + 3, rect.bottom, 7)
        cols = np.floor((xs - geo.left) / geo.cell).astype(int)
        rows = np.floor((ys - geo.top) / geo.cell).astype(int)
        rr, cc = np.meshgrid(rows, cols, indexing="ij")
        inside = (rr >= 0) & (rr < geo.rows) & (cc >= 0) & (cc < geo.cols)
        zone = np.full(rr.shape, OUTSIDE_ZONE)
        zone[inside] = self.zones[rr[inside], cc[inside]]
        return float(np.mean(~np.isin(zone, list(home)))) if zone.size else 0.0

    def _candidates(self, label: Label, d: float, first: bool):
        ax, ay = label.anchor
        for rank, (ux, uy) in enumerate(DIRECTIONS):
            for slide in ((0,) if first else (0, -0.5, 0.5)):
                rect = label.box.copy()
                if ux and uy:
                    k = d * 0.72
                    x = ax + ux * k if ux > 0 else ax + ux * k - rect.width
                    y = ay + uy * k if uy > 0 else ay + uy * k - rect.height
                    rect.topleft = (round(x), round(y))
                elif ux > 0:
                    rect.midleft = (round(ax + d), round(ay + slide * rect.height))
                elif ux < 0:
                    rect.midright = (round(ax - d), round(ay + slide * rect.height))
                elif uy < 0:
                    rect.midbottom = (round(ax + slide * rect.width), round(ay - d))
                else:
                    rect.midtop = (round(ax + slide * rect.width), round(ay + d))
                yield rank * 0.6 + abs(slide) * 3, rect

    def _score(self, label: Label, rect: pygame.Rect, others: list[Label], d: float,
               bound: float = math.inf) -> float:
        """What a spot costs: distance, collisions, covered features, leader crossings, straying."""
        hard = self.fixed + [o.rect.inflate(4, 4) for o in others]
        leaders = [(o.anchor, self._leader_end(o.anchor, o.rect)) for o in others if o.leader]
        cost = d + 10_000 * len(rect.collidelistall(hard))
        cost += self.cell * 2 * len(rect.collidelistall(self.soft))
        cost += self.cell * 2 * sum(1 for a, b in leaders if rect.clipline(a, b))
        if d > label.reach + 5:  # this label needs a leader line
            end = self._leader_end(label.anchor, rect)
            cost += self.cell * 8 * sum(1 for a, b in leaders if segments_cross(label.anchor, end, a, b))
            cost += self.cell * 3 * sum(1 for r in hard if not r.collidepoint(label.anchor)
                                        and r.clipline(label.anchor, end))
        if label.names_marker and self.ambiguous(label, rect):
            cost += self.cell * 1.5
        if cost >= bound:
            return cost
        return cost + self.cell * label.stray * self._stray_share(rect, label.home)

    def ambiguous(self, label: Label, rect: pygame.Rect) -> bool:
        """True if some other marker is as near the label as the one it names."""
        def gap(point: tuple[float, float]) -> float:
            end = self._leader_end(point, rect)
            return math.hypot(end[0] - point[0], end[1] - point[1])
        own = gap(label.anchor)
        return any(gap(p) <= own + 2 for p in self.points if math.dist(p, label.anchor) > 1)

    def _place(self, label: Label) -> None:
        ax, ay = label.anchor
        gap = label.reach + 4
        others = [o for o in self.placed if o is not label and o.rect is not None]
        steps = [0, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 13]
        best: Optional[tuple[float, pygame.Rect, float]] = None
        for n, step in enumerate(steps):
            d = gap + step * self.cell
            for bias, rect in self._candidates(label, d, step == 0):
                if not self.bounds.contains(rect):
                    continue
                cost = bias + self._score(label, rect, others, d, best[0] if best else math.inf)
                if best is None or cost < best[0]:
                    best = (cost, rect, d)
            further = gap + steps[n + 1] * self.cell if n + 1 < len(steps) else math.inf
            if best is not None and best[0] <= further:
                break  # every spot further out costs at least its distance
        if best is None:  # nowhere inside the bounds: clamp beside the anchor
            rect = label.box.copy()
            rect.midleft = (round(ax + gap), round(ay))
            rect.clamp_ip(self.bounds)
            best = (0, rect, gap)
        label.rect = best[1]
        label.leader = best[2] > gap + 1


def segments_cross(p1: tuple[float, float], p2: tuple[float, float], q1: tuple[float, float],
                   q2: tuple[float, float]) -> bool:
    """True if segments p1-p2 and q1-q2 properly intersect."""
    def orient(a, b, c) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    d1, d2 = orient(q1, q2, p1), orient(q1, q2, p2)
    d3, d4 = orient(p1, p2, q1), orient(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0

