"""What is written on the preview's plan, and how each label draws itself.

Room names (in the room where they fit, else beside it), exit tags, escape-route notes,
the names of people and items, and one callout per place where several units start.
Each comes as a `Label` for the placer (`ui.preview.placer`) to put somewhere free, or,
for room names that fit inside their room, as a fixed spot; `ui.preview.plan` draws them.
"""
from __future__ import annotations

import math
import os
from typing import Callable, Optional, Protocol

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import numpy as np  # noqa: E402
import pygame  # noqa: E402

from sim.format import floorplan  # noqa: E402
from sim.format.spec import FloorPlan, Scenario as ScenarioSpec  # noqa: E402
from ui.style import palette  # noqa: E402
from ui.style.fonts import MIN_TEXT, block_size, draw_lines, draw_text, fit_text, font, text_size, wrap  # noqa: E402
from ui.style.labels import draw_label, label_box  # noqa: E402
from ui.style.markers import draw_marker  # noqa: E402
from ui.style.plan_symbols import draw_exit_tag, exit_tag_box  # noqa: E402
from ui.style.shapes import draw_plate  # noqa: E402
from ui.preview.markers import Marker  # noqa: E402
from ui.preview.placer import EXIT_ZONE, OUTSIDE_ZONE, Geometry, Label  # noqa: E402
from ui.preview.words import arrival_text, arrives_later, place_name, weapon  # noqa: E402

Draw = Callable[[pygame.Surface, pygame.Rect], None]


class PlanFacts(Protocol):
    """What the labels read of the plan they are written on. `ui.preview.plan.PlanPanel` is
    one; it is named here so that the labels need not import the plan that imports them."""
    spec: ScenarioSpec
    plan: FloorPlan
    grid: floorplan.Grid
    width: int
    compact: bool
    starts: dict[str, tuple[int, int]]
    unit_codes: dict[str, str]
    arrow_tips: dict[str, tuple[float, float]]

    def unit_groups(self) -> dict[str, list]: ...


def label_size(cell: int) -> int:
    """Text size of the labels on a plan drawn with `cell`-pixel grid squares."""
    return max(MIN_TEXT, min(17, round(cell * 0.46)))


# --- people, items and units ------------------------------------------------------------------

def marker_labels(panel: PlanFacts, geo: Geometry, markers: list[Marker]) -> list[Label]:
    """A name for every marker; units that start together share one callout."""
    size = label_size(geo.cell)
    by_id = {m.ident: m for m in markers}
    max_w = max(150, geo.cell * 7)
    people: list[Label] = []
    callouts: list[Label] = []
    items: list[Label] = []

    def plain(into: list, ident: str, words: str, accent) -> None:
        m = by_id.get(ident)
        if m is None:
            return
        lines = wrap(words, max_w, size)
        box = label_box(lines, size)
        box.width += 2
        into.append(Label(m.centre, m.radius * 1.1, _plain_drawer(lines, size, accent), box,
                          home=_home(panel, ident), names_marker=True))

    for victim in panel.spec.victims:
        plain(people, victim.id, victim.name, palette.SKY)
    for perp in panel.spec.perpetrators:
        armed = weapon(perp)
        plain(people, perp.id, f"{perp.name} \u00b7 {armed}" if armed else perp.name, palette.VERMILLION)
    for units in panel.unit_groups().values():
        if len(units) == 1:
            unit = units[0]
            when = arrival_text(unit)
            words = f"{unit.name} ({unit.size})" + ("" if when == "on scene" else f" \u00b7 {when}")
            plain(people, unit.id, words, palette.GREEN)
            continue
        centres = [by_id[u.id].centre for u in units]
        cx = sum(x for x, _ in centres) / len(centres)
        cy = sum(y for _, y in centres) / len(centres)
        reach = max(math.hypot(x - cx, y - cy) for x, y in centres) + by_id[units[0].id].radius
        box, drawer = callout(panel, units, size)
        callouts.append(Label((cx, cy), reach, drawer, box, stray=20))
    for item in panel.spec.evidence:
        plain(items, item.id, item.name, palette.YELLOW)
    # big boxes first, while the margins are free; then people; items last
    return callouts + people + items


def _home(panel: PlanFacts, ident: str) -> frozenset:
    """Where a person's or item's label may sit freely: its room (or, at an exit, the outside)."""
    cell = panel.starts[ident]
    index = int(panel.grid.room[cell])
    return frozenset({index}) if index >= 0 else frozenset({EXIT_ZONE, OUTSIDE_ZONE})


def _plain_drawer(lines: list[str], size: int, accent) -> Draw:
    def draw(surface: pygame.Surface, rect: pygame.Rect) -> None:
        draw_label(surface, rect, lines, size, accent=accent)
    return draw


def callout(panel: PlanFacts, units: list, size: int) -> tuple[pygame.Rect, Draw]:
    """The box listing the units that start at one place (number, name and size, arrival),
    and how to draw it. On a narrow page the names are left to the units list below the plan."""
    compact = panel.compact
    head = "Units here" if compact else f"Units at {place_name(panel.plan, units[0].at)}"
    rows = [(u, f"{u.name} ({u.size})", arrival_text(u), arrives_later(u)) for u in units]
    icon = font(size).get_linesize() + 4
    row_w = max(icon + 8 + (0 if compact else text_size(name, size)[0] + 14)
                + text_size(when, size, later)[0] for _, name, when, later in rows)
    head_lines = wrap(head, max(260, row_w), size, bold=True)
    name_w = 0 if compact else max(text_size(name, size)[0] for _, name, _, _ in rows) + 14
    when_w = max(text_size(when, size, later)[0] for _, _, when, later in rows)
    head_w, head_h = block_size(head_lines, size, bold=True)
    width = max(head_w, icon + 8 + name_w + when_w) + 16
    box = pygame.Rect(0, 0, width, head_h + 10 + (icon + 3) * len(rows) + 2)

    def draw(surface: pygame.Surface, rect: pygame.Rect) -> None:
        draw_plate(surface, rect, border=palette.GREEN, width=2, alpha=245)
        y = rect.top + 5
        for line in head_lines:
            draw_text(surface, line, (rect.left + 8, y), size=size, bold=True)
            y += font(size, True).get_linesize()
        y += 4
        for unit, name, when, later in rows:
            mid = y + icon / 2
            draw_marker(surface, "unit", (rect.left + 8 + icon / 2, mid), icon / 2 - 1,
                              code=panel.unit_codes[unit.id], hollow=later)
            colour = palette.INK if later else palette.MUTED_INK
            if compact:
                draw_text(surface, when, (rect.left + 8 + icon + 8, mid), size=size, bold=later,
                                colour=colour, anchor="midleft")
            else:
                draw_text(surface, name, (rect.left + 8 + icon + 8, mid), size=size, anchor="midleft")
                draw_text(surface, when, (rect.right - 8, mid), size=size, bold=later, colour=colour,
                                anchor="midright")
            y += icon + 3
    return box, draw


# --- room names, exits, escape windows ----------------------------------------------------------

def room_labels(panel: PlanFacts, geo: Geometry, markers: list[Marker]) -> tuple[list, list[Label]]:
    """Room names: (spot, draw) pairs for those that fit in their room clear of the markers,
    and labels to place for the rest (beside the room, with a leader line)."""
    grid = panel.grid
    fixed: list = []
    floating: list[Label] = []
    obstacles = [m.bounds.inflate(2, 2) for m in markers]
    scale = max(geo.cell * 0.85, panel.width / 90)  # names in proportion to the plan and the page
    for room in panel.plan.rooms:
        cells = grid.cells.get(room.id)
        if not cells:
            continue
        rows = [r for r, _ in cells]
        cols = [c for _, c in cells]
        r0, c0 = min(rows), min(cols)
        mask = np.zeros((max(rows) - r0 + 1, max(cols) - c0 + 1), dtype=bool)
        for r, c in cells:
            mask[r - r0, c - c0] = True
        top, left, h, w = _largest_rectangle(mask)
        area = pygame.Rect(geo.left + (c0 + left) * geo.cell, geo.top + (r0 + top) * geo.cell,
                           w * geo.cell, h * geo.cell)
        tint = palette.ROOM_TINTS.get(room.kind, palette.ROOM_TINTS["room"])
        largest = max(MIN_TEXT, min(24, round(min(area.height / 3.5, area.width / 7, scale))))
        spot = None
        while spot is None and largest >= MIN_TEXT:  # shrink until a free spot is found
            fitted = fit_text(room.name, area.width - 8, area.height - 4, largest, bold=True,
                                    max_lines=3)
            if fitted is None:
                break
            size, lines = fitted
            bw, bh = block_size(lines, size, bold=True)
            spot = _room_spot(area, pygame.Rect(0, 0, bw + 8, bh + 2), obstacles)
            largest = size - 2
        if spot is not None:
            fixed.append((spot, _room_drawer(lines, size, tint)))
            continue
        # too small (or too crowded) for its name: write it beside, with a leader line
        size = MIN_TEXT
        lines = wrap(room.name, max(140, geo.cell * 6), size, bold=True)
        bw, bh = block_size(lines, size, bold=True)
        box = pygame.Rect(0, 0, bw + 10, bh + 4)
        centre = geo.centre(grid.centre(room.id))
        floating.append(Label(centre, 2, _room_float_drawer(lines, size), box))
    return fixed, floating


def _largest_rectangle(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(row, col, height, width) of the largest all-True rectangle in a bool mask."""
    rows, cols = mask.shape
    heights = [0] * cols
    best = (0, 0, 0, 0)
    best_score = -1.0
    for r in range(rows):
        for c in range(cols):
            heights[c] = heights[c] + 1 if mask[r, c] else 0
        stack: list[int] = []
        for c in range(cols + 1):
            h = heights[c] if c < cols else 0
            while stack and heights[stack[-1]] >= h:
                top = stack.pop()
                height = heights[top]
                left = stack[-1] + 1 if stack else 0
                width = c - left
                # prefer wide rectangles a little: names are written across
                score = height * width * (1 + 0.15 * min(width / max(height, 1), 4))
                if height and width and score > best_score:
                    best_score = score
                    best = (r - height + 1, left, height, width)
            stack.append(c)
    return best


def _room_spot(area: pygame.Rect, box: pygame.Rect, obstacles: list[pygame.Rect]) -> Optional[pygame.Rect]:
    """Centred in the room if that is free; else the free spot nearest the centre,
    moving up or down before sideways. None if every spot is taken."""
    inner = area.inflate(-4, -2)
    if box.width > inner.width or box.height > inner.height:
        return None

    def offsets(span: int, step: int) -> list[int]:
        out = {0, span, -span}
        out.update(k * step for k in range(-(span // step), span // step + 1))
        return sorted(out, key=abs)

    best = None
    for dx in offsets((inner.width - box.width) // 2, max(6, box.height // 2)):
        for dy in offsets((inner.height - box.height) // 2, max(4, box.height // 3)):
            rect = box.copy()
            rect.center = (inner.centerx + dx, inner.centery + dy)
            rect.clamp_ip(inner)
            if rect.collidelist(obstacles) >= 0:
                continue
            cost = abs(dy) + 2 * abs(dx)
            if best is None or cost < best[0]:
                best = (cost, rect)
    return None if best is None else best[1]


def _room_drawer(lines: list[str], size: int, tint) -> Draw:
    def draw(surface: pygame.Surface, rect: pygame.Rect) -> None:
        pygame.draw.rect(surface, tint, rect, border_radius=3)  # hides stair hatching under the name
        draw_lines(surface, lines, rect, size=size, colour=palette.ROOM_LABEL, bold=True)
    return draw


def _room_float_drawer(lines: list[str], size: int) -> Draw:
    def draw(surface: pygame.Surface, rect: pygame.Rect) -> None:
        draw_plate(surface, rect, border=palette.RULE)
        draw_lines(surface, lines, rect, size=size, colour=palette.ROOM_LABEL, bold=True)
    return draw


def exit_labels(panel: PlanFacts, geo: Geometry) -> list[Label]:
    """A tag with the name of each exit, outside the building where there is room."""
    size = label_size(geo.cell)
    labels = []
    for exit_ in panel.plan.exits:
        cells = panel.grid.cells.get(exit_.id)
        if not cells:
            continue
        lines = wrap(exit_.name, max(160, geo.cell * 7), size, bold=True)
        box = exit_tag_box(lines, size)
        rect = geo.bounds(cells)
        centre = rect.center
        reach = min(rect.width, rect.height) / 2

        def draw(surface: pygame.Surface, r: pygame.Rect, lines=lines) -> None:
            draw_exit_tag(surface, r, lines, size)
        labels.append(Label(centre, reach, draw, box, home=frozenset({OUTSIDE_ZONE, EXIT_ZONE}), stray=5))
    return labels


def escape_labels(panel: PlanFacts, geo: Geometry) -> list[Label]:
    """A note at the tip of each escape window's arrow, saying where the route leads."""
    size = label_size(geo.cell)
    windows = {window.id: window for window in panel.plan.windows}
    labels = []
    for window_id, tip in panel.arrow_tips.items():
        words = f"Escape route: {windows[window_id].escape.replace('_', ' ')}"
        lines = [words]
        box = label_box(lines, size)

        def draw(surface: pygame.Surface, r: pygame.Rect, lines=lines) -> None:
            draw_label(surface, r, lines, size, accent=palette.VERMILLION, fill=(255, 244, 236))
        labels.append(Label(tip, 6, draw, box))
    return labels
