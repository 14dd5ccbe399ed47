"""The plan panel of the preview: the floor plan drawn to scale with everyone's start.

Rooms tinted by kind, walls, stairs and lifts, doors (by kind, open or locked) and
windows (with grilles, or escape arrows), exits, and a marker for every person, item
and unit where `sim.format.placement` starts them; then a caption, a scale bar and the labels
(`ui.preview.labels`, placed by `ui.preview.placer`). It also notes which symbols it
used, so that the key below the plan (`ui.preview.key`) lists only those.
"""
from __future__ import annotations

import math
import os
from typing import Sequence

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from sim.format import floorplan  # noqa: E402 
from sim.format.placement import start_cells  # noqa: E402
from ui.style import palette  # noqa: E402
from ui.style.fonts import MIN_TEXT, draw_text, font  # noqa: E402
from ui.style.labels import draw_leader  # noqa: E402
from ui.style.markers import draw_marker  # noqa: E402
from ui.style.plan_symbols import draw_door, draw_escape_arrow, draw_lift, draw_padlock, draw_stairs, draw_window  # noqa: E402
from ui.style.scale_bar import draw_scale_bar  # noqa: E402
from ui.preview.markers import Marker, marker_bounds  # noqa: E402
from ui.preview.labels import (callout, escape_labels, exit_labels, label_size,  # noqa: E402
                               marker_labels, room_labels)
from ui.preview.placer import Geometry, Placer, zones  # noqa: E402
from ui.preview.words import arrives_later, storey_text, unit_codes, weapon  # noqa: E402


class PlanPanel:
    """The plan of `scenario` for a page `page_width` pixels wide (which sets the text sizes
    and, below 1100 pixels, leaves units' names to the list under the plan)."""

    def __init__(self, scenario, page_width: int) -> None:
        self.spec = scenario.spec
        self.grid: floorplan.Grid = scenario.grid
        self.plan = self.spec.floor_plan
        self.width = page_width
        self.compact = page_width < 1100  # narrow pages list units' arrival only in map callouts
        self.starts = start_cells(scenario)
        self.rooms = {room.id: room for room in self.plan.rooms}
        self.exits = {exit_.id: exit_ for exit_ in self.plan.exits}
        self.unit_codes = unit_codes(self.spec)
        self.used: set[str] = set()  # key entries the plan actually shows
        self.arrow_tips: dict[str, tuple[float, float]] = {}

    def unit_groups(self) -> dict[str, list]:
        """Units on the plan at the start, by the place where they start."""
        groups: dict[str, list] = {}
        for unit in self.spec.units:
            if unit.id in self.starts:
                groups.setdefault(unit.at, []).append(unit)
        return groups

    def draw(self, frame_w: int) -> pygame.Surface:
        """The panel, `frame_w` pixels wide: caption, plan, markers, labels and scale bar."""
        rows, cols = self.grid.shape
        caption_size = max(15, min(18, round(frame_w / 80)))
        caption_h = font(caption_size, True).get_linesize() + 12
        cell = int(frame_w // (cols + 4))
        cell = max(6, min(cell, 64, int(1.3 * self.width // max(rows + 4, 1))))
        pad = max(round(1.6 * cell), 36)
        # units that start together share one callout: keep room for it above or below the
        # building (the page may grow taller, but every pixel of width goes to the plan)
        extra = {"top": pad, "bottom": pad}
        for units in self.unit_groups().values():
            if len(units) > 1:
                mean_row = sum(self.starts[u.id][0] for u in units) / len(units)
                side = "top" if mean_row < rows / 2 else "bottom"
                extra[side] = max(extra[side], callout(self, units, label_size(cell))[0].height + 24)
        grid_w, grid_h = cols * cell, rows * cell
        scale_h = 46
        height = caption_h + extra["top"] + grid_h + extra["bottom"] + scale_h
        surface = pygame.Surface((frame_w, height))
        surface.fill(palette.PAPER)
        pygame.draw.rect(surface, palette.RULE, surface.get_rect(), 1, border_radius=6)
        geo = Geometry(left=(frame_w - grid_w) // 2, top=caption_h + extra["top"], cell=cell, rows=rows, cols=cols)
        draw_text(surface, f"FLOOR PLAN  \u00b7  {storey_text(self.plan.storey).upper()}", (14, 8),
                        size=caption_size, colour=palette.MUTED_INK, bold=True)
        draw_text(surface, f"1 grid square = {self.plan.cell_size:g} m", (frame_w - 14, 8),
                        size=caption_size, colour=palette.MUTED_INK, anchor="topright")
        pygame.draw.line(surface, palette.RULE, (1, caption_h), (frame_w - 2, caption_h), 1)

        self._draw_cells(surface, geo)
        features = self._draw_features(surface, geo)
        markers = self._markers(geo)
        placer = Placer(pygame.Rect(4, caption_h + 4, frame_w - 8, height - caption_h - 8), geo, zones(self.grid))
        placer.soft.extend(features)
        placer.fixed.extend(m.bounds.inflate(4, 4) for m in markers)
        placer.points.extend(m.centre for m in markers)
        bar_bottom = height - 12
        bar = draw_scale_bar(surface, (18, bar_bottom), cell / self.plan.cell_size,
                                   min(frame_w * 0.3, 12 * cell + 60))
        note = draw_text(surface, f"Plan of {storey_text(self.plan.storey)}; grid squares of "
                               f"{self.plan.cell_size:g} m", (bar.right + 28, bar_bottom),
                               size=MIN_TEXT, colour=palette.MUTED_INK, anchor="bottomleft")
        placer.fixed.append(bar.union(note).inflate(8, 8))

        fixed, floating = room_labels(self, geo, markers)
        placer.fixed.extend(rect.inflate(2, 2) for rect, _ in fixed)
        labels = floating + exit_labels(self, geo) + escape_labels(self, geo) + marker_labels(self, geo, markers)
        placer.place_all(labels)
        for label in labels:
            if label.leader or (label.names_marker and placer.ambiguous(label, label.rect)):
                draw_leader(surface, label.anchor, label.rect)
        for marker in markers:
            draw_marker(surface, marker.role, marker.centre, marker.radius, **marker.looks)
        for rect, draw in fixed:
            draw(surface, rect)
        for label in labels:
            label.draw(surface, label.rect)
        return surface

    # -- the building ----------------------------------------------------------------------------
    def _draw_cells(self, surface: pygame.Surface, geo: Geometry) -> None:
        grid = self.grid
        kind = grid.kind
        room_kinds = [self.rooms[rid].kind for rid in grid.room_ids]
        stairs_rooms = {i for i, k in enumerate(room_kinds) if k == "stairwell"}
        exit_kind = {i: self.exits[fid].kind for i, fid in enumerate(grid.feature_ids) if fid in self.exits}
        spacing = max(4, geo.cell / 3)
        for r in range(geo.rows):
            for c in range(geo.cols):
                rect = geo.rect((r, c))
                k = kind[r, c]
                if k == floorplan.WALL:
                    surface.fill(palette.WALL, rect)
                    self.used.add("wall")
                elif k == floorplan.OUTSIDE:
                    surface.fill(palette.OUTSIDE, rect)
                    self.used.add("outside")
                elif k == floorplan.FLOOR:
                    index = int(grid.room[r, c])
                    surface.fill(palette.ROOM_TINTS.get(room_kinds[index], palette.ROOM_TINTS["room"]), rect)
                    if index in stairs_rooms:
                        draw_stairs(surface, rect, spacing=spacing)
                        self.used.add("stairs")
                elif k == floorplan.EXIT:
                    surface.fill(palette.EXIT_FILL, rect)
                    if exit_kind.get(int(grid.feature[r, c])) in ("stairs_down", "stairs_up", "fire_escape"):
                        draw_stairs(surface, rect, spacing=spacing, colour=(70, 120, 100))
                        self.used.add("stairs")
                else:  # doors and windows are drawn with their features
                    surface.fill(palette.WALL, rect)

    def _pieces(self, ident: str) -> list[list[tuple[int, int]]]:
        """The cells of a door, window or lift as 4-connected pieces (a legend letter may be reused)."""
        left = set(self.grid.cells.get(ident, ()))
        pieces = []
        while left:
            stack = [min(left)]
            left.discard(stack[0])
            piece = []
            while stack:
                r, c = stack.pop()
                piece.append((r, c))
                for near in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                    if near in left:
                        left.discard(near)
                        stack.append(near)
            pieces.append(sorted(piece))
        return pieces

    def _draw_features(self, surface: pygame.Surface, geo: Geometry) -> list[pygame.Rect]:
        """Doors, windows, lifts and padlocks; returns their rects (labels should not cover them)."""
        grid = self.grid
        covered: list[pygame.Rect] = []
        lifts = [rid for rid, room in self.rooms.items() if room.kind == "lift"]
        lifts += [eid for eid, e in self.exits.items() if e.kind == "lift"]
        for ident in lifts:
            for cells in self._pieces(ident):
                draw_lift(surface, geo.bounds(cells))
                self.used.add("lift")
        if any(exit_id in grid.cells for exit_id in self.exits):
            self.used.add("exit")
        for door in self.plan.doors:
            for cells in self._pieces(door.id):
                horizontal = _wall_direction(grid, cells)
                rect = geo.bounds(cells)
                draw_door(surface, rect, door.kind, horizontal=horizontal, open_=door.open,
                                swing=self._swing(cells, horizontal))
                self.used.add(f"door:{door.kind}")
                if door.open and door.kind not in ("doorway", "iron_gate"):
                    self.used.add("door:open")
                covered.append(rect)
                if door.locked:
                    centre = self._lock_spot(cells, horizontal, geo)
                    covered.append(draw_padlock(surface, centre, max(13, min(26, geo.cell * 0.66))))
                    self.used.add("locked")
        arrows = []
        for window in self.plan.windows:
            escape = window.escape != "none" and not window.grille
            for cells in self._pieces(window.id):
                horizontal = _wall_direction(grid, cells)
                rect = geo.bounds(cells)
                draw_window(surface, rect, horizontal=horizontal, grille=window.grille, escape=escape)
                covered.append(rect.inflate(6, 6))
                self.used.add("window:escape" if escape else "window:grille" if window.grille else "window")
                if escape:
                    arrows.append((window.id, rect, _outward(grid, cells, horizontal)))
        for window_id, rect, direction in arrows:  # last, so no wall is drawn over an arrow
            tip = draw_escape_arrow(surface, rect, direction, geo.cell)
            covered.append(pygame.Rect(min(rect.centerx, tip[0]) - 10, min(rect.centery, tip[1]) - 10,
                                       abs(rect.centerx - tip[0]) + 20, abs(rect.centery - tip[1]) + 20))
            self.arrow_tips.setdefault(window_id, tip)
        return covered

    def _swing(self, cells: Sequence[tuple[int, int]], horizontal: bool) -> int:
        """Open doors swing into the side that is a room (not a corridor or the outside)."""
        r, c = cells[0]
        before = (r - 1, c) if horizontal else (r, c - 1)
        after = (r + 1, c) if horizontal else (r, c + 1)
        def score(cell: tuple[int, int]) -> int:
            if not self.grid.inside(cell) or self.grid.kind[cell] != floorplan.FLOOR:
                return -1
            kind = self.rooms[self.grid.room_at(cell)].kind
            return 0 if kind in ("corridor", "landing", "stairwell", "lift") else 1
        return -1 if score(before) > score(after) else 1

    def _lock_spot(self, cells: Sequence[tuple[int, int]], horizontal: bool, geo: Geometry) -> tuple[float, float]:
        """A padlock goes on the wall beside the door, not on the leaf."""
        rows = [r for r, _ in cells]
        cols = [c for _, c in cells]
        if horizontal:
            sides = [(min(rows), max(cols) + 1), (min(rows), min(cols) - 1)]
        else:
            sides = [(max(rows) + 1, min(cols)), (min(rows) - 1, min(cols))]
        for cell in sides:
            if self.grid.inside(cell) and self.grid.kind[cell] == floorplan.WALL:
                return geo.centre(cell)
        return geo.centre(cells[0])

    # -- people and things --------------------------------------------------------------------
    def _markers(self, geo: Geometry) -> list[Marker]:
        radius = max(10.0, min(20.0, geo.cell * 0.42))  # a unit number needs a 20 px square
        out: list[Marker] = []
        stacked: dict[tuple[int, int], int] = {}
        spec = self.spec

        def add(ident: str, role: str, **looks) -> None:
            cell = self.starts.get(ident)
            if cell is None:
                return
            x, y = geo.centre(cell)
            k = stacked.get(cell, 0)  # two things placed on one cell: start them apart
            stacked[cell] = k + 1
            centre = (x + k * radius * 0.9, y - k * radius * 0.5)
            out.append(Marker(ident, role, centre, radius, marker_bounds(role, centre, radius, looks), looks))

        def spread() -> None:
            """On a fine grid markers on neighbouring cells overlap: push them apart a little."""
            gap = 2 * radius + 2
            for _ in range(40):
                moved = False
                for i, a in enumerate(out):
                    for b in out[i + 1:]:
                        dx, dy = b.centre[0] - a.centre[0], b.centre[1] - a.centre[1]
                        dist = math.hypot(dx, dy)
                        if dist >= gap:
                            continue
                        if dist < 1e-6:
                            dx, dy, dist = 1.0, 0.0, 1.0
                        push = (gap - dist) / 2 + 0.5
                        ux, uy = dx / dist, dy / dist
                        a.centre = (a.centre[0] - ux * push, a.centre[1] - uy * push)
                        b.centre = (b.centre[0] + ux * push, b.centre[1] + uy * push)
                        moved = True
                if not moved:
                    break
            area = geo.rect((0, 0)).union(geo.rect((geo.rows - 1, geo.cols - 1))).inflate(-2 * radius, -2 * radius)
            for m in out:
                m.centre = (min(max(m.centre[0], area.left), area.right), min(max(m.centre[1], area.top), area.bottom))
                m.bounds = marker_bounds(m.role, m.centre, m.radius, m.looks)

        for victim in spec.victims:
            add(victim.id, "victim")
            self.used.add("victim")
        for perp in spec.perpetrators:
            armed = weapon(perp)
            add(perp.id, "perpetrator", armed=armed)
            self.used.add(f"armed:{armed}" if armed else "perpetrator")
        for item in spec.evidence:
            add(item.id, "evidence")
            self.used.add("evidence")
        for unit in spec.units:
            later = arrives_later(unit)
            add(unit.id, "unit", code=self.unit_codes[unit.id], hollow=later)
            self.used.add("unit:later" if later else "unit")
        spread()
        return out


def _wall_direction(grid: floorplan.Grid, cells: Sequence[tuple[int, int]]) -> bool:
    """True if the feature sits in a wall that runs left-right (people or light pass up/down)."""
    rows = {r for r, _ in cells}
    cols = {c for _, c in cells}
    if len(cols) > len(rows):
        return True
    if len(rows) > len(cols):
        return False
    vertical = horizontal = 0
    for r, c in cells:
        for dr, dc in ((-1, 0), (1, 0)):
            if grid.inside((r + dr, c + dc)) and grid.kind[r + dr, c + dc] != floorplan.WALL:
                vertical += 1
        for dr, dc in ((0, -1), (0, 1)):
            if grid.inside((r + dr, c + dc)) and grid.kind[r + dr, c + dc] != floorplan.WALL:
                horizontal += 1
    return vertical >= horizontal


def _outward(grid: floorplan.Grid, cells: Sequence[tuple[int, int]], horizontal: bool) -> tuple[int, int]:
    """The direction (dx, dy) from a window to the outside."""
    options = ((0, -1), (0, 1)) if horizontal else ((-1, 0), (1, 0))  # (dx, dy)
    scores = []
    for dx, dy in options:
        score = 0
        for r, c in cells:
            cell = (r + dy, c + dx)
            if not grid.inside(cell):
                score += 2
            elif grid.kind[cell] == floorplan.OUTSIDE:
                score += 3
            elif grid.kind[cell] in (floorplan.FLOOR, floorplan.EXIT):
                score -= 3
        scores.append(score)
    return options[0] if scores[0] >= scores[1] else options[1]
