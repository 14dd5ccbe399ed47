"""Draws the floor plan and a snapshot: a pure function of what it is given.

The engine holds no colours or pixels; here a marker's kind and state become a shape,
a colour from the Okabe-Ito colour-blind-safe palette, and a label, so nothing is told
by colour alone: victims are circles, perpetrators triangles, units squares, evidence
diamonds, and a last-known position is a hollow outline with its age.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

import pygame

from sim.format import floorplan
from sim.format.scenario import Scenario
from sim.engine.snapshot import Marker, Snapshot
from ui.style.markers import draw_marker as draw_role_marker
from ui.style.palette import GREEN, INK, ORANGE, VERMILLION, YELLOW
from ui.style.fonts import fit_text
from ui.widgets import font

WHITE = (240, 240, 240)

FLOOR = (196, 190, 178)
FLOOR_SHARED = (165, 170, 176)  # corridors, landings, stairwells
WALL = (38, 40, 46)
OUTSIDE = (52, 58, 66)
DOOR_COLOURS = {"open": (120, 200, 120), "closed": (150, 110, 70), "locked": (150, 110, 70),
                "barricaded": VERMILLION, "forced": (110, 110, 110)}
SHARED_KINDS = {"corridor", "landing", "stairwell", "lift", "street", "staging", "yard", "roof"}


@dataclass
class MapView:
    """Where the map sits on screen and how cells map to pixels."""
    rect: pygame.Rect
    rows: int
    cols: int

    @property
    def scale(self) -> float:
        return max(2.0, min(self.rect.width / self.cols, self.rect.height / self.rows))

    @property
    def origin(self) -> tuple[float, float]:
        s = self.scale
        return (self.rect.centerx - s * self.cols / 2, self.rect.centery - s * self.rows / 2)

    def cell_rect(self, cell: tuple[int, int]) -> pygame.Rect:
        s = self.scale
        ox, oy = self.origin
        r, c = cell
        return pygame.Rect(round(ox + c * s), round(oy + r * s), math.ceil(s), math.ceil(s))

    def centre(self, cell: tuple[int, int]) -> tuple[int, int]:
        s = self.scale
        ox, oy = self.origin
        return (round(ox + (cell[1] + 0.5) * s), round(oy + (cell[0] + 0.5) * s))

    def cell_at(self, pos: tuple[int, int]) -> Optional[tuple[int, int]]:
        s = self.scale
        ox, oy = self.origin
        c, r = int((pos[0] - ox) // s), int((pos[1] - oy) // s)
        if 0 <= r < self.rows and 0 <= c < self.cols:
            return (r, c)
        return None


def place_at(scenario: Scenario, view: MapView, pos, kinds) -> Optional[str]:
    """The room, door, window or exit of one of `kinds` under (or right beside) a click."""
    cell = view.cell_at(pos)
    if cell is None:
        return None
    found = []
    for dr in (0, -1, 1):
        for dc in (0, -1, 1):
            near = (cell[0] + dr, cell[1] + dc)
            if scenario.grid.inside(near):
                for ident in (scenario.grid.feature_at(near), scenario.grid.room_at(near)):
                    if ident and scenario.kind_of(ident) in kinds:
                        found.append((abs(dr) + abs(dc), ident))
    return min(found)[1] if found else None


def view_for(scenario: Scenario, rect: pygame.Rect) -> MapView:
    rows, cols = scenario.grid.shape
    return MapView(rect, rows, cols)


def draw_plan(surface: pygame.Surface, view: MapView, scenario: Scenario,
              doors: Optional[dict[str, str]] = None, *, highlight: Optional[set] = None) -> list[pygame.Rect]:
    """Rooms, walls, doors (by state), windows and exits, with their names; returns where
    the names are, so what is drawn over the plan can keep clear of them."""
    grid = scenario.grid
    plan = scenario.spec.floor_plan
    origin, layer = _cells_layer(view, scenario, highlight)
    surface.blit(layer, origin)
    s = view.scale
    for door in plan.doors:
        state = (doors or {}).get(door.id) or ("open" if door.open or door.kind == "doorway" else
                                               "locked" if door.locked else "closed")
        _draw_door(surface, view, grid.cells.get(door.id, ()), door.kind, state,
                   highlight is not None and door.id in highlight)
    for window in plan.windows:
        for cell in grid.cells.get(window.id, ()):
            rect = view.cell_rect(cell)
            if window.grille:
                for i in range(1, 4):
                    x = rect.left + rect.width * i // 4
                    pygame.draw.line(surface, INK, (x, rect.top), (x, rect.bottom), max(1, int(s / 8)))
            elif window.escape != "none":
                pygame.draw.rect(surface, ORANGE, rect, max(1, int(s / 6)))
            if highlight and window.id in highlight:
                pygame.draw.rect(surface, YELLOW, rect.inflate(4, 4), 2)
    taken = []
    for images, rect, box, colour in _plan_labels(view, scenario):
        if box is not None:
            pygame.draw.rect(surface, box, rect, border_radius=3)
        y = rect.top + (1 if box is not None else 0)
        for image in images:
            surface.blit(image, image.get_rect(midtop=(rect.centerx, y)))
            y += image.get_height()
        taken.append(rect)
    return taken


ROOM_INK = (70, 64, 56)
EXIT_INK, EXIT_BOX = (30, 60, 40), (200, 230, 210)
LABEL_SIZE = 14  # the smallest text the window uses (ui.style.fonts.MIN_TEXT): map names never go smaller
_LABELS: dict = {}  # the plan's names laid out once per plan and place on screen


def _plan_labels(view: MapView, scenario: Scenario) -> list:
    """Where each name goes on the plan, laid out so that none covers another: the exits
    first (boxed tags at the edge, what cordons are named by), then the rooms, largest
    first, each inside its own walls on up to three lines. A name with no free place is
    left out; the pointer's tag (`draw_pointer_name`) names any place."""
    key = (scenario.sha256, tuple(view.rect), view.rows, view.cols)
    found = _LABELS.get(key)
    if found is not None:
        return found
    if len(_LABELS) > 32:
        _LABELS.clear()
    grid, plan = scenario.grid, scenario.spec.floor_plan
    f = font(LABEL_SIZE)
    out, taken = [], []
    for exit_ in plan.exits:
        if not grid.cells.get(exit_.id):
            continue
        image = f.render(exit_.name, True, EXIT_INK)
        rect = image.get_rect(center=view.centre(grid.centre(exit_.id))).inflate(6, 2).clamp(view.rect)
        spot = _free_spot(rect, taken, view.rect)
        if spot is not None:
            out.append(([image], spot, EXIT_BOX, EXIT_INK))
            taken.append(spot)
    rooms = [r for r in plan.rooms if r.id in grid.cells and r.kind != "lift"]
    for room in sorted(rooms, key=lambda r: (-len(grid.cells[r.id]), r.id)):
        need = (math.ceil((f.get_linesize() + 2) / view.scale), math.ceil((f.size(room.name)[0] + 6) / view.scale))
        (top, left), (bottom, right) = _largest_block(grid.cells[room.id], need)
        space = view.cell_rect((top, left)).union(view.cell_rect((bottom, right)))
        fitted = fit_text(room.name, space.width - 6, space.height - 2, LABEL_SIZE, smallest=LABEL_SIZE)
        if fitted is None:
            continue  # it would stand over walls or other rooms: the pointer's tag names it
        images = [f.render(line, True, ROOM_INK) for line in fitted[1]]
        block = pygame.Rect(0, 0, max(i.get_width() for i in images) + 4, sum(i.get_height() for i in images))
        block.center = space.center
        spot = _free_spot(block, taken, space.clip(view.rect))
        if spot is not None:
            out.append((images, spot, None, ROOM_INK))
            taken.append(spot)
    _LABELS[key] = out
    return out


def _largest_block(cells, need: tuple[int, int] = (1, 1)) -> tuple[tuple[int, int], tuple[int, int]]:
    """The rectangle of a room's cells (top-left and bottom-right cell) where its name can
    stand inside its walls: the one that holds most of a block `need` cells (rows,
    columns) in size, then the largest. An L-shaped corridor's name goes in the arm it fits."""
    inside = set(cells)
    rows = [r for r, _ in inside]
    cols = [c for _, c in inside]
    heights = {c: 0 for c in range(min(cols), max(cols) + 1)}
    best, found = (-1, -1), (min(inside), min(inside))
    for r in range(min(rows), max(rows) + 1):
        for c in heights:
            heights[c] = heights[c] + 1 if (r, c) in inside else 0
        stack: list[tuple[int, int]] = []  # (first column, height): the histogram method
        for c in list(heights) + [max(heights) + 1]:
            h = heights.get(c, 0)
            start = c
            while stack and stack[-1][1] >= h:
                start, height = stack.pop()
                area = (min(height, need[0]) * min(c - start, need[1]), height * (c - start))
                if height and area > best:
                    best, found = area, ((r - height + 1, start), (r, c - 1))
            stack.append((start, h))
    return found


def _free_spot(rect: pygame.Rect, taken: Sequence[pygame.Rect], bounds: pygame.Rect) -> Optional[pygame.Rect]:
    """`rect`, or the nearest place a few steps above, below or beside it, that covers no
    rect in `taken` and stays in `bounds`; None if there is none."""
    h, w = rect.height + 2, rect.width // 2 + 2
    return _first_free([rect.move(dx, dy) for dx, dy in ((0, 0), (0, -h), (0, h), (-w, 0), (w, 0), (0, -2 * h),
                                                         (0, 2 * h), (-w, -h), (w, -h), (-w, h), (w, h))],
                       taken, bounds)


def _first_free(tries: Sequence[pygame.Rect], taken: Sequence[pygame.Rect], bounds: pygame.Rect,
                margin: tuple[int, int] = (0, 0)) -> Optional[pygame.Rect]:
    """The first of `tries` inside `bounds` that, grown by `margin` (a label's plate), covers
    no rect in `taken`."""
    return next((r for r in tries if bounds.contains(r) and r.inflate(*margin).collidelist(taken) < 0), None)


def place_name_at(scenario: Scenario, view: MapView, pos) -> Optional[str]:
    """The name of the room, door, window or exit under the pointer."""
    ident = place_at(scenario, view, pos, ("room", "door", "window", "exit"))
    if ident is None:
        return None
    plan = scenario.spec.floor_plan
    for item in (*plan.rooms, *plan.doors, *plan.windows, *plan.exits):
        if item.id == ident:
            return item.name
    return None


def draw_pointer_name(surface: pygame.Surface, view: MapView, scenario: Scenario, pos=None) -> None:
    """A tag beside the pointer naming the place under it, so a name left off a crowded
    plan is one move of the mouse away."""
    pos = pygame.mouse.get_pos() if pos is None else pos
    if not view.rect.collidepoint(pos):
        return
    name = place_name_at(scenario, view, pos)
    if not name:
        return
    image = font(LABEL_SIZE).render(name, True, INK)
    rect = image.get_rect(bottomleft=(pos[0] + 14, pos[1] - 6)).inflate(8, 4)
    rect.clamp_ip(view.rect)
    pygame.draw.rect(surface, YELLOW, rect, border_radius=3)
    surface.blit(image, image.get_rect(center=rect.center))


_LAYERS: dict = {}  # the cells of a plan drawn once per place on screen (and highlight), not every frame


def forget_layers() -> None:
    """Drop the drawn plans (a new window: the old display's surfaces are not to be reused)."""
    _LAYERS.clear()
    _LABELS.clear()


def _cells_layer(view: MapView, scenario: Scenario, highlight: Optional[set]) -> tuple[tuple[int, int], pygame.Surface]:
    """Every cell's colour, on a surface of its own: filling a thousand cells each frame
    cost more than everything else a frame draws."""
    key = (scenario.sha256, tuple(view.rect), view.rows, view.cols, frozenset(highlight) if highlight else None)
    found = _LAYERS.get(key)
    if found is not None:
        return found
    grid = scenario.grid
    room_kind = {r.id: r.kind for r in scenario.spec.floor_plan.rooms}
    kinds = grid.kind
    box = view.cell_rect((0, 0)).union(view.cell_rect((view.rows - 1, view.cols - 1)))
    layer = pygame.Surface(box.size)
    for r in range(view.rows):
        for c in range(view.cols):
            k = kinds[r, c]
            rect = view.cell_rect((r, c)).move(-box.left, -box.top)
            if k == floorplan.WALL:
                colour = WALL
            elif k == floorplan.OUTSIDE:
                colour = OUTSIDE
            elif k == floorplan.FLOOR:
                colour = FLOOR_SHARED if room_kind.get(grid.room_at((r, c))) in SHARED_KINDS else FLOOR
                if highlight and grid.room_at((r, c)) in highlight:
                    colour = (226, 214, 160)
            elif k == floorplan.EXIT:
                colour = (120, 170, 140)
            elif k == floorplan.WINDOW:
                colour = (150, 190, 220)
            else:
                colour = FLOOR_SHARED
            layer.fill(colour, rect)
    if pygame.display.get_surface() is not None:
        layer = layer.convert()  # the screen's pixel format: a plain copy each frame
    if len(_LAYERS) > 32:
        _LAYERS.clear()
    found = _LAYERS[key] = (box.topleft, layer)
    return found


def _draw_door(surface, view: MapView, cells, kind: str, state: str, highlighted: bool) -> None:
    s = view.scale
    for cell in cells:
        rect = view.cell_rect(cell)
        surface.fill(FLOOR_SHARED, rect)
        if state in ("open", "forced") or kind == "doorway":
            colour = DOOR_COLOURS["forced" if state == "forced" else "open"]
            pygame.draw.rect(surface, colour, rect, max(1, int(s / 8)))
        else:
            colour = DOOR_COLOURS.get(state, DOOR_COLOURS["closed"])
            surface.fill(colour, rect.inflate(-int(s / 5), -int(s / 5)))
            if kind == "iron_gate":
                for i in range(1, 4):
                    x = rect.left + rect.width * i // 4
                    pygame.draw.line(surface, INK, (x, rect.top), (x, rect.bottom), max(1, int(s / 10)))
            if state == "locked":
                pygame.draw.circle(surface, INK, rect.center, max(2, int(s / 5)))
            if state == "barricaded":
                pygame.draw.line(surface, INK, rect.topleft, rect.bottomright, 2)
                pygame.draw.line(surface, INK, rect.topright, rect.bottomleft, 2)
        if highlighted:
            pygame.draw.rect(surface, YELLOW, rect.inflate(4, 4), 2)


def _label(surface, view: MapView, cell, words: str, size: int, colour, *, box=None, offset=(0, 0),
           avoid: Sequence[pygame.Rect] = ()) -> pygame.Rect:
    """Words centred on a cell; moved above or below it where they would cover a label in `avoid`."""
    image = font(size).render(words, True, colour)
    x, y = view.centre(cell)
    rect = image.get_rect(center=(x + offset[0], y + offset[1]))
    rect.clamp_ip(view.rect)
    step = rect.height + 4
    for dy in (0, -step, step, -2 * step, 2 * step):
        tried = rect.move(0, dy).clamp(view.rect)
        if tried.inflate(6, 2).collidelist(avoid) < 0:
            rect = tried
            break
    if box is not None:
        pygame.draw.rect(surface, box, rect.inflate(6, 2), border_radius=3)
    surface.blit(image, rect)
    return rect.inflate(6, 2)


def draw_marker(surface: pygame.Surface, centre: tuple[int, int], kind: str, radius: int, *,
                stale: bool = False, selected: bool = False, armed: Optional[str] = None) -> None:
    """One person or item, drawn as on the preview (ui/style/markers.py); hollow when last-known."""
    draw_role_marker(surface, kind, centre, radius, armed=armed if armed != "none" else None, hollow=stale,
                     dashed=stale)
    if selected:
        pygame.draw.circle(surface, YELLOW, centre, radius + 5, 2)


def draw_snapshot(surface: pygame.Surface, view: MapView, scenario: Scenario, snapshot: Snapshot, *,
                  selected: Optional[str] = None, show_labels: bool = True) -> None:
    """The plan with doors as they are now, noises, cordons and everyone the view shows."""
    names = draw_plan(surface, view, scenario, {d.id: d.state for d in snapshot.doors})
    s = view.scale
    for noise in snapshot.noises:  # rings that spread and fade, louder noises wider
        age = max(0.0, snapshot.t - noise.t)
        radius = int(s * (1.0 + age * 0.5) * (noise.level_db / 80.0))
        fade = max(0, int(220 * (1 - age / 8.0)))
        ring = pygame.Surface((2 * radius + 4, 2 * radius + 4), pygame.SRCALPHA)
        pygame.draw.circle(ring, (*ORANGE, fade), (radius + 2, radius + 2), radius, 3)
        centre = view.centre(noise.cell)
        surface.blit(ring, (centre[0] - radius - 2, centre[1] - radius - 2))
    for target, unit in snapshot.cordons:
        for cell in scenario.grid.cells.get(target, ()):
            pygame.draw.rect(surface, GREEN, view.cell_rect(cell).inflate(6, 6), 3)
    for cell, label, sender, _t in snapshot.notes:  # a map mark another seat passed on
        x, y = view.centre(cell)
        pygame.draw.line(surface, INK, (x, y), (x, y - int(s * 1.2)), 2)
        pygame.draw.rect(surface, YELLOW, pygame.Rect(x, y - int(s * 1.2), int(s * 0.7), int(s * 0.5)))
        _label(surface, view, cell, f"{label} (from {sender})", max(11, int(s * 0.5)), INK, box=YELLOW,
               offset=(0, -int(s * 1.6)))
    radius = max(5, int(s * 0.45))
    placed: dict[tuple[int, int], int] = {}
    shown: list[tuple[Marker, tuple[int, int]]] = []
    for marker in snapshot.markers:
        if not marker.present and marker.kind != "evidence":
            continue
        if marker.kind == "evidence" and marker.state in ("secured",):
            continue
        x, y = view.centre(marker.cell)
        stack = placed.get(marker.cell, 0)
        placed[marker.cell] = stack + 1
        centre = (x + stack * radius, y - stack * radius // 2)
        draw_marker(surface, centre, marker.kind, radius if marker.kind != "evidence" else int(radius * 0.75),
                    stale=marker.stale, selected=marker.id == selected, armed=marker.armed)
        shown.append((marker, centre))
    if not show_labels:
        return
    # labels last, clear of the plan's names, of every marker and of each other; the
    # selected unit's first, so it is the one that always shows
    labels: list[pygame.Rect] = list(names)
    labels += [pygame.Rect(c[0] - radius, c[1] - radius, 2 * radius, 2 * radius) for _m, c in shown]
    for marker, centre in sorted(shown, key=lambda mc: mc[0].id != selected):
        _marker_label(surface, centre, radius, marker, snapshot.t, labels, view.rect,
                      compact=view.scale < 18, important=marker.id == selected)


def _marker_label(surface, centre, radius: int, marker: Marker, now: float, taken: list,
                  bounds: pygame.Rect, *, compact: bool = False, important: bool = False) -> None:
    """A label beside a marker; on a crowded small map, short, and left out where it would
    cover another (the selected unit's label always shows)."""
    name = marker.name.split(" (")[0].split('"')[0].strip()
    if marker.kind == "unit":
        name = marker.name if not compact else marker.name.split(" (")[0]
    words = f"{name} · {marker.state}" if marker.state and marker.kind != "unit" and not compact else name
    if marker.stale and marker.seen_at is not None:
        age = int(now - marker.seen_at)
        words = f"{name} · {age} s ago" if compact else f"{name} · {marker.state} · seen {age} s ago"
    size = 14
    image = font(size).render(words, True, WHITE)
    right = image.get_rect(midleft=(centre[0] + radius + 5, centre[1]))
    left = image.get_rect(midright=(centre[0] - radius - 5, centre[1]))
    step = right.height + 4
    # beside the marker, right or left, then a line or two below or above: the first place
    # clear of the names, the markers and the labels already drawn (with their plates)
    tries = [right, left] + [r.move(0, dy) for dy in (step, -step, 2 * step, -2 * step) for r in (right, left)]
    rect = _first_free(tries, taken, bounds, (6, 2))
    if rect is None:
        if not important:
            return  # no room: the marker's shape still shows; the feed and panel name it
        rect = right.clamp(bounds)  # labels stay on the map, off the panels around it
    taken.append(rect.inflate(6, 2))
    plate = pygame.Surface(rect.inflate(6, 2).size, pygame.SRCALPHA)
    plate.fill((0, 0, 0, 150))
    surface.blit(plate, rect.inflate(6, 2))
    surface.blit(image, rect)
