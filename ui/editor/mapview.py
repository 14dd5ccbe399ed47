"""The editor's map: zoom and pan over the floor plan, drawn from the document as it
stands (problems and all), with the trainee window's colours and markers.

Labels never overlap: each is placed only where it covers no label already drawn (the
selected object's label first), and a room's name is drawn only where it fits inside
the room, so the map reads at every zoom.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pygame

from ui.editor.floor import Floor
from ui.render import DOOR_COLOURS, FLOOR, FLOOR_SHARED, OUTSIDE, SHARED_KINDS, WALL
from ui.style.markers import draw_marker
from ui.style.palette import GREEN, INK, VERMILLION, YELLOW
from ui.widgets import font

KIND_COLOUR = {"wall": WALL, "outside": OUTSIDE, "door": DOOR_COLOURS["closed"], "window": (150, 190, 220),
               "exit": (120, 170, 140), "unknown": (200, 60, 160), "room": FLOOR}
PEOPLE = (("victims", "victim"), ("perpetrators", "perpetrator"), ("evidence", "evidence"), ("units", "unit"))
MIN_ZOOM, MAX_ZOOM = 3.0, 80.0


@dataclass
class View:
    rect: pygame.Rect
    rows: int
    cols: int
    zoom: float = 16.0  # pixels per cell
    origin: list = field(default_factory=lambda: [0.0, 0.0])  # screen position of cell (0, 0)

    def fit(self) -> None:
        if not self.rows or not self.cols:
            return
        self.zoom = max(MIN_ZOOM, min(MAX_ZOOM, (self.rect.width - 20) / self.cols, (self.rect.height - 20) / self.rows))
        self.origin = [self.rect.centerx - self.zoom * self.cols / 2, self.rect.centery - self.zoom * self.rows / 2]

    def cell_at(self, pos, *, clamp: bool = False) -> Optional[tuple[int, int]]:
        c = int((pos[0] - self.origin[0]) // self.zoom)
        r = int((pos[1] - self.origin[1]) // self.zoom)
        if clamp:
            return min(max(r, 0), self.rows - 1), min(max(c, 0), self.cols - 1)
        return (r, c) if 0 <= r < self.rows and 0 <= c < self.cols else None

    def cell_rect(self, cell) -> pygame.Rect:
        r, c = cell
        x, y = self.origin[0] + c * self.zoom, self.origin[1] + r * self.zoom
        return pygame.Rect(round(x), round(y), round(x + self.zoom) - round(x), round(y + self.zoom) - round(y))

    def centre(self, cell) -> tuple[int, int]:
        return (round(self.origin[0] + (cell[1] + 0.5) * self.zoom), round(self.origin[1] + (cell[0] + 0.5) * self.zoom))

    def zoom_at(self, pos, factor: float) -> None:
        new = max(MIN_ZOOM, min(MAX_ZOOM, self.zoom * factor))
        for i in (0, 1):
            self.origin[i] = pos[i] - (pos[i] - self.origin[i]) * new / self.zoom
        self.zoom = new

    def pan(self, dx: float, dy: float) -> None:
        self.origin[0] += dx
        self.origin[1] += dy


def where_is(doc, floor: Floor, path: tuple, cells: dict) -> Optional[tuple[int, int]]:
    """The cell a person or item is drawn at: its [column, row], or the middle of its room."""
    at = doc.plain(path + ("at",))
    if isinstance(at, list) and len(at) == 2 and all(isinstance(v, int) for v in at):
        return at[1], at[0]
    if isinstance(at, str):
        return floor.centre(cells.get(at, []))
    return None


def people(doc, floor: Floor) -> list[tuple[tuple, str, dict, tuple[int, int]]]:
    """(path, role, item, cell) of everyone and everything placed on the map."""
    cells = floor.all_cells()
    out = []
    for section, role in PEOPLE:
        for i, item in enumerate(doc.plain((section,), []) or []):
            if isinstance(item, dict):
                cell = where_is(doc, floor, (section, i), cells)
                if cell is not None:
                    out.append(((section, i), role, item, cell))
    return out


def draw(surface: pygame.Surface, view: View, doc, floor: Floor, *, selected: Optional[tuple] = None,
         flagged: frozenset = frozenset(), flagged_cells: frozenset = frozenset(),
         background: Optional[pygame.Surface] = None, background_scale: float = 0.0,
         preview_cells: tuple = (), measure: tuple = ()) -> None:
    """The map, everyone on it, problem marks (`flagged` object paths and map cells) and
    the selection."""
    clip = surface.get_clip()
    surface.set_clip(view.rect)
    surface.fill((30, 33, 40), view.rect)
    rooms = {i.get("id"): i for i in doc.plain(("floor_plan", "rooms"), []) or [] if isinstance(i, dict)}
    if background is not None and background_scale > 0:
        size = (max(1, round(background.get_width() * background_scale * view.zoom)),
                max(1, round(background.get_height() * background_scale * view.zoom)))
        if size[0] * size[1] < 40_000_000:
            surface.blit(pygame.transform.smoothscale(background, size), (round(view.origin[0]), round(view.origin[1])))
    r0, c0 = view.cell_at(view.rect.topleft, clamp=True)
    r1, c1 = view.cell_at(view.rect.bottomright, clamp=True)
    tint = 150 if background is not None else 255  # a traced plan shows through the cells
    for r in range(r0, r1 + 1):
        row = floor.rows[r] if r < len(floor.rows) else ""
        for c in range(c0, min(c1 + 1, len(row))):
            target = floor.legend.get(row[c])
            kind = floor.kind_at((r, c))
            colour = KIND_COLOUR.get(kind, KIND_COLOUR["unknown"])
            if kind == "room" and rooms.get(target, {}).get("kind") in SHARED_KINDS:
                colour = FLOOR_SHARED
            rect = view.cell_rect((r, c))
            if tint < 255:
                cell = pygame.Surface(rect.size, pygame.SRCALPHA)
                cell.fill((*colour, 90 if kind == "outside" else tint))
                surface.blit(cell, rect)
            else:
                surface.fill(colour, rect)
    if view.zoom >= 8:  # a faint grid, so a cell can be aimed at on an empty floor
        grid = pygame.Surface(view.rect.size, pygame.SRCALPHA)
        for r in range(r0, r1 + 2):
            y = round(view.origin[1] + r * view.zoom) - view.rect.top
            pygame.draw.line(grid, (0, 0, 0, 28), (0, y), (view.rect.width, y))
        for c in range(c0, c1 + 2):
            x = round(view.origin[0] + c * view.zoom) - view.rect.left
            pygame.draw.line(grid, (0, 0, 0, 28), (x, 0), (x, view.rect.height))
        surface.blit(grid, view.rect.topleft)
    all_cells = floor.all_cells()
    selected_id = doc.plain(selected + ("id",)) if selected and selected[0] == "floor_plan" and len(selected) == 3 else None
    for ident, cells in all_cells.items():
        kind = floor.kinds.get(ident)
        if kind is None:
            continue
        path = ("floor_plan", kind + "s", _index(doc, kind, ident))
        if path in flagged:
            _outline(surface, view, cells, VERMILLION, max(2, int(view.zoom / 6)))
        if ident == selected_id:
            _outline(surface, view, cells, YELLOW, max(2, int(view.zoom / 5)))
    for cell in flagged_cells:
        pygame.draw.rect(surface, VERMILLION, view.cell_rect(cell).inflate(4, 4), 3)
    for cell in preview_cells:
        pygame.draw.rect(surface, YELLOW, view.cell_rect(cell), 2)
    taken: list[pygame.Rect] = []
    size = max(12, min(16, int(view.zoom * 0.9)))
    radius = max(5, min(14, int(view.zoom * 0.45)))
    marks = people(doc, floor)
    stacked: dict = {}
    placed = []
    for path, role, item, cell in marks:
        n = stacked.get(cell, 0)
        stacked[cell] = n + 1
        x, y = view.centre(cell)
        centre = (x + n * (radius + 2), y - n * (radius // 2))
        armed = item.get("armed") if role == "perpetrator" and item.get("armed") not in (None, "none") else None
        box = draw_marker(surface, role, centre, radius, armed=armed if isinstance(armed, str) else None)
        taken.append(box)
        if path in flagged:
            pygame.draw.circle(surface, VERMILLION, centre, radius + 4, 3)
        if path == selected:
            pygame.draw.circle(surface, YELLOW, centre, radius + 7, 3)
        placed.append((path, item, centre))
    # labels: the selected one first, then people, then rooms (each only where it is free)
    order = sorted(placed, key=lambda p: p[0] != selected)
    for path, item, centre in order:
        _label(surface, str(item.get("name") or item.get("id")), (centre[0] + radius + 4, centre[1]), size,
               taken, view.rect, plate=True, important=path == selected)
    for ident, cells in all_cells.items():
        if floor.kinds.get(ident) not in ("room", "exit"):
            continue
        words = floor.names.get(ident, ident)
        rows = [c[0] for c in cells]
        cols = [c[1] for c in cells]
        width = (max(cols) - min(cols) + 1) * view.zoom
        middle = round(view.origin[0] + (min(cols) + max(cols) + 1) / 2 * view.zoom)
        _label(surface, words, (middle, round(view.origin[1] + (min(rows) + 0.3) * view.zoom)), size, taken,
               view.rect, max_width=width, anchor="midtop", colour=(60, 56, 50) if floor.kinds[ident] == "room" else (20, 60, 40))
    for i, point in enumerate(measure):  # the two points of a scale measurement
        pygame.draw.circle(surface, GREEN, point, 6, 3)
        if i:
            pygame.draw.line(surface, GREEN, measure[0], point, 2)
    pygame.draw.rect(surface, (70, 76, 88), view.rect, 1)
    surface.set_clip(clip)


def _outline(surface, view: View, cells, colour, width: int) -> None:
    """The outer edge of a set of cells (a room's outline, not a grid of squares)."""
    inside = set(cells)
    for r, c in cells:
        rect = view.cell_rect((r, c))
        if (r - 1, c) not in inside:
            pygame.draw.line(surface, colour, rect.topleft, rect.topright, width)
        if (r + 1, c) not in inside:
            pygame.draw.line(surface, colour, rect.bottomleft, rect.bottomright, width)
        if (r, c - 1) not in inside:
            pygame.draw.line(surface, colour, rect.topleft, rect.bottomleft, width)
        if (r, c + 1) not in inside:
            pygame.draw.line(surface, colour, rect.topright, rect.bottomright, width)


def _index(doc, kind: str, ident: str) -> int:
    for i, item in enumerate(doc.plain(("floor_plan", kind + "s"), []) or []):
        if isinstance(item, dict) and item.get("id") == ident:
            return i
    return -1


def _label(surface, words: str, pos, size: int, taken: list, bounds: pygame.Rect, *, plate: bool = False,
           important: bool = False, max_width: float = 1e9, anchor: str = "midleft", colour=INK) -> None:
    image = font(size).render(words, True, (240, 240, 240) if plate else colour)
    if image.get_width() > max_width and not important:
        return  # the name does not fit in its room at this zoom: zoom in to read it
    rect = image.get_rect(**{anchor: pos})
    for _ in range(3):
        if rect.collidelist(taken) < 0 and bounds.contains(rect):
            break
        rect.move_ip(0, rect.height + 2)
    else:
        if not important:
            return  # no free room here: the shape still shows, and the panel names it
        rect.clamp_ip(bounds)
    taken.append(rect.inflate(4, 2))
    if plate:
        back = pygame.Surface(rect.inflate(6, 2).size, pygame.SRCALPHA)
        back.fill((0, 0, 0, 170))
        surface.blit(back, rect.inflate(6, 2))
    surface.blit(image, rect)
