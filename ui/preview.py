"""A scenario's floor plan and everyone's starting position, as a PNG for a briefing slide.

    save_preview(scenario, Path("results/kowloon_flat_preview.png"), width=1600)

Layout only: colours, fonts and symbols come from `ui.style`, starting cells from
`sim.placement` (the same answer the engine uses). Works without a display: it draws on
a plain Surface and only initialises pygame's font module.

The page, top to bottom: a title band (title, id, difficulty, length, storey); the plan
fitted to the width, with room names in their rooms, people and items with labels that
step clear of each other (joined to their marker by a leader line when they had to move
away), one callout per place where several units start, a scale bar and the storey; then
the key, the units by agency and the people and evidence, flowed into columns. The page
is as tall as its content needs: width is what a slide or a screen fixes.
"""
from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import numpy as np  # noqa: E402
import pygame  # noqa: E402

from sim import floorplan  # noqa: E402
from sim.placement import start_cells  # noqa: E402
from ui import style  # noqa: E402

MIN_LAYOUT_WIDTH = 640
"""Narrower requests are laid out at this width and scaled down at the end."""
MAX_WIDTH = 6000

LANGUAGES = {"th": "Thai", "zh": "Mandarin", "yue": "Cantonese", "en": "English", "vi": "Vietnamese",
             "tl": "Tagalog", "fil": "Filipino", "id": "Indonesian", "ms": "Malay", "km": "Khmer", "lo": "Lao",
             "my": "Burmese", "ne": "Nepali", "ru": "Russian", "uk": "Ukrainian", "ro": "Romanian",
             "bg": "Bulgarian", "es": "Spanish", "pt": "Portuguese", "fr": "French", "ar": "Arabic",
             "hi": "Hindi", "bn": "Bengali", "ur": "Urdu", "ko": "Korean", "ja": "Japanese", "si": "Sinhala",
             "ta": "Tamil", "de": "German", "it": "Italian", "pl": "Polish", "sw": "Swahili", "am": "Amharic",
             "ti": "Tigrinya", "so": "Somali", "fa": "Persian", "tr": "Turkish", "sq": "Albanian"}

DIRECTIONS = ((1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (1, 1), (-1, -1), (-1, 1))
"""Where a label may sit around its anchor, in order of preference: right, left, above, below, diagonals."""


def save_preview(scenario, out: Path, width: int = 1600) -> None:
    """Draw `scenario` (a loaded sim.scenario.Scenario) to a PNG at `out`, `width` pixels wide.

    The folder is created if missing; the file is written to a temporary name in the same
    folder and then renamed, so a reader never sees half a picture.
    """
    out = Path(out)
    pygame.font.init()
    style.reset_fonts()  # fonts cached before a pygame.quit() elsewhere are dead
    image = render_preview(scenario, width)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=".png", dir=out.parent)
    os.close(handle)
    try:
        try:
            pygame.image.save(image, temp)
        except pygame.error as exc:  # e.g. the disk is full: an OSError for the caller
            raise OSError(f"cannot write {out}: {exc}") from exc
        umask = os.umask(0)  # mkstemp makes the file private; give it the usual permissions
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, out)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def render_preview(scenario, width: int = 1600) -> pygame.Surface:
    """The preview as a Surface exactly `width` pixels wide (its height follows the content)."""
    _check_width(width)
    pygame.font.init()
    layout_width = max(width, MIN_LAYOUT_WIDTH)
    page = _Page(scenario, layout_width).draw()
    if layout_width != width:
        height = max(1, round(page.get_height() * width / layout_width))
        page = pygame.transform.smoothscale(page, (width, height))
    return page


def render_plan(scenario, width: int = 1200) -> pygame.Surface:
    """Only the floor-plan panel (plan, markers, labels, scale bar), `width` pixels wide:
    for a briefing screen that has its own key."""
    _check_width(width)
    pygame.font.init()
    layout_width = max(width, MIN_LAYOUT_WIDTH)
    plan = _Page(scenario, layout_width).plan_panel(layout_width)
    if layout_width != width:
        plan = pygame.transform.smoothscale(plan, (width, max(1, round(plan.get_height() * width / layout_width))))
    return plan


def _check_width(width: int) -> None:
    if not 1 <= width <= MAX_WIDTH:
        from sim.problems import InputError, Problem
        raise InputError([Problem("--width", 1, 1, "", f"the image width must be 1 to {MAX_WIDTH} pixels, "
                                                      f"not {width} (1600 suits a slide, 800 a document)")])


# --- plan geometry --------------------------------------------------------------------------

@dataclass
class _Geometry:
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


@dataclass
class _Marker:
    """A person or item on the plan: who, drawn how, and where."""
    ident: str
    role: str
    centre: tuple[float, float]
    radius: float
    bounds: pygame.Rect
    looks: dict  # keyword arguments of style.draw_marker (code, armed, hollow)


# --- label placement ------------------------------------------------------------------------

OUTSIDE_ZONE, WALL_ZONE, EXIT_ZONE = -3, -2, -1
"""Zones of the map for label placement; rooms are zones 0, 1, ... (their index in the grid)."""


@dataclass
class _Label:
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


class _Placer:
    """Label placement: each label takes the cheapest spot around its anchor, where the cost
    is the distance from it, plus some for covering a door or window, for covering other
    rooms or walls (a share of the label's `stray`), and for leader lines that cross; a
    spot on another label or a marker is ruled out. Greedy first, then a few passes that
    move each label again with all the others in place, which undoes most bad early picks.
    """

    def __init__(self, bounds: pygame.Rect, geo: _Geometry, zones: np.ndarray) -> None:
        self.bounds = bounds
        self.geo = geo
        self.cell = geo.cell
        self.zones = zones
        self.fixed: list[pygame.Rect] = []  # markers, room names, the scale bar
        self.soft: list[pygame.Rect] = []  # doors, windows, padlocks, arrows
        self.points: list[tuple[float, float]] = []  # marker centres: a label should sit nearest its own
        self.placed: list[_Label] = []

    def place_all(self, labels: list[_Label], passes: int = 3) -> None:
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

    def _uncross(self, labels: list[_Label]) -> bool:
        """Where two leader lines cross, place that pair again, each order, and keep the cheaper."""
        changed = False
        for i, a in enumerate(labels):
            for b in labels[i + 1:]:
                if not (a.leader and b.leader and _segments_cross(
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

    def _cost(self, label: _Label) -> float:
        """The cost of a label where it is now (as `_place` would score it)."""
        others = [o for o in self.placed if o is not label and o.rect is not None]
        return self._score(label, label.rect, others, math.hypot(*self._offset(label)))

    def _offset(self, label: _Label) -> tuple[float, float]:
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

    def _candidates(self, label: _Label, d: float, first: bool):
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

    def _score(self, label: _Label, rect: pygame.Rect, others: list[_Label], d: float,
               bound: float = math.inf) -> float:
        """What a spot costs: distance, collisions, covered features, leader crossings, straying."""
        hard = self.fixed + [o.rect.inflate(4, 4) for o in others]
        leaders = [(o.anchor, self._leader_end(o.anchor, o.rect)) for o in others if o.leader]
        cost = d + 10_000 * len(rect.collidelistall(hard))
        cost += self.cell * 2 * len(rect.collidelistall(self.soft))
        cost += self.cell * 2 * sum(1 for a, b in leaders if rect.clipline(a, b))
        if d > label.reach + 5:  # this label needs a leader line
            end = self._leader_end(label.anchor, rect)
            cost += self.cell * 8 * sum(1 for a, b in leaders if _segments_cross(label.anchor, end, a, b))
            cost += self.cell * 3 * sum(1 for r in hard if not r.collidepoint(label.anchor)
                                        and r.clipline(label.anchor, end))
        if label.names_marker and self.ambiguous(label, rect):
            cost += self.cell * 1.5
        if cost >= bound:
            return cost
        return cost + self.cell * label.stray * self._stray_share(rect, label.home)

    def ambiguous(self, label: _Label, rect: pygame.Rect) -> bool:
        """True if some other marker is as near the label as the one it names."""
        def gap(point: tuple[float, float]) -> float:
            end = self._leader_end(point, rect)
            return math.hypot(end[0] - point[0], end[1] - point[1])
        own = gap(label.anchor)
        return any(gap(p) <= own + 2 for p in self.points if math.dist(p, label.anchor) > 1)

    def _place(self, label: _Label) -> None:
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


def _segments_cross(p1: tuple[float, float], p2: tuple[float, float], q1: tuple[float, float],
                    q2: tuple[float, float]) -> bool:
    """True if segments p1-p2 and q1-q2 properly intersect."""
    def orient(a, b, c) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    d1, d2 = orient(q1, q2, p1), orient(q1, q2, p2)
    d3, d4 = orient(p1, p2, q1), orient(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


# --- the page ---------------------------------------------------------------------------------

def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:g} s"
    minutes = seconds / 60
    return f"{minutes:g} min" if minutes == int(minutes) else f"{minutes:.1f} min"


def arrival_text(unit) -> str:
    """'on scene', 'T+30 s', 'on request' or 'on request, +10 min' for a scenario unit."""
    if unit.on_request:
        return f"on request, +{_duration(unit.arrives)}" if unit.arrives else "on request"
    if unit.arrives > 0:
        return f"T+{_duration(unit.arrives)}"
    return "on scene"


def storey_text(storey: int) -> str:
    if storey == 0:
        return "ground floor (storey 0)"
    if storey < 0:
        return f"basement level {-storey} (storey {storey})"
    return f"storey {storey}"


def _languages(codes: Sequence[str]) -> str:
    return ", ".join(LANGUAGES.get(code.split("-")[0], code) for code in codes)


def _join_fitting(items: Sequence[str], separator: str, width: int, size: int) -> list[str]:
    """Join items with separator into as few lines as fit `width`, never splitting an item."""
    lines: list[str] = []
    for item in items:
        if lines and style.text_size(lines[-1] + separator + item, size)[0] <= width:
            lines[-1] += separator + item
        else:
            lines.append(item)
    return lines


def _flow(blocks: list[pygame.Surface], columns: int, gap: int) -> list[list[pygame.Surface]]:
    """Blocks in order into at most `columns` columns, as evenly tall as possible."""
    heights = [b.get_height() + gap for b in blocks]

    def split(target: int) -> list[list[int]]:
        out: list[list[int]] = [[]]
        height = 0
        for i, h in enumerate(heights):
            if out[-1] and height + h > target:
                out.append([])
                height = 0
            out[-1].append(i)
            height += h
        return out

    low, high = max(heights, default=0), max(sum(heights), 1)
    while low < high:
        middle = (low + high) // 2
        if len(split(middle)) <= columns:
            high = middle
        else:
            low = middle + 1
    return [[blocks[i] for i in column] for column in split(low)]


class _Block:
    """A column-wide strip of text and symbols, drawn top-down and cropped to what was used."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.surface = pygame.Surface((width, 600))
        self.surface.fill(style.PAPER)
        self.y = 0

    def _room_for(self, height: int) -> None:
        if self.y + height > self.surface.get_height():
            bigger = pygame.Surface((self.width, 2 * (self.y + height)))
            bigger.fill(style.PAPER)
            bigger.blit(self.surface, (0, 0))
            self.surface = bigger

    def heading(self, words: str) -> None:
        self._room_for(40)
        rect = style.draw_text(self.surface, words.upper(), (0, self.y), size=17, colour=style.BAND, bold=True)
        pygame.draw.line(self.surface, style.ORANGE, (0, rect.bottom + 3), (self.width, rect.bottom + 3), 2)
        self.y = rect.bottom + 12

    def text(self, words: str, *, x: int = 0, size: int = 15, colour=style.INK, bold: bool = False) -> None:
        for line in style.wrap(words, self.width - x, size, bold):
            self._room_for(style.font(size, bold).get_linesize())
            style.draw_text(self.surface, line, (x, self.y), size=size, colour=colour, bold=bold)
            self.y += style.font(size, bold).get_linesize()

    def row(self, icon: Callable[[pygame.Surface, pygame.Rect], None], title: str, detail: str = "", *,
            icon_w: int = 30, min_h: int = 26) -> None:
        self._room_for(min_h + 6)
        top = self.y
        x = icon_w + 10
        if detail:
            self.text(title, x=x)
            self.text(detail, x=x, size=style.MIN_TEXT, colour=style.MUTED_INK)
        else:
            lines = style.wrap(title, self.width - x, 15)
            height = max(min_h, style.font(15).get_linesize() * len(lines))
            self._room_for(height + 6)
            style.draw_lines(self.surface, lines, pygame.Rect(x, top, self.width - x, height), size=15, align="left")
            self.y = top + height
        first_line = style.font(15).get_linesize()
        icon(self.surface, pygame.Rect(0, top, icon_w, max(first_line, min_h if not detail else first_line)))
        self.y = max(self.y, top + min_h) + 6

    def done(self) -> pygame.Surface:
        self._room_for(0)
        return self.surface.subsurface(pygame.Rect(0, 0, self.width, max(1, self.y - 6))).copy()


KEY_GROUPS = (("People and items", ("victim", "perpetrator", "armed:knife", "armed:blunt", "armed:firearm", "unit",
                                    "unit:later", "evidence")),
              ("Doors and windows", ("door:doorway", "door:wooden", "door:reinforced", "door:iron_gate",
                                     "door:fire_door", "door:open", "locked", "window", "window:grille",
                                     "window:escape")),
              ("Building", ("stairs", "lift", "exit", "wall", "outside")))
KEY_WORDING = {"unit": "Unit on scene at the start (# = its number in Units by agency)",
               "locked": "Locked door or gate (padlock beside it)"}


class _Page:
    def __init__(self, scenario, width: int) -> None:
        self.scenario = scenario
        self.spec = scenario.spec
        self.grid: floorplan.Grid = scenario.grid
        self.plan = self.spec.floor_plan
        self.width = width
        self.margin = max(14, min(28, round(width * 0.016)))
        self.compact = width < 1100  # narrow pages list units' arrival only in map callouts
        self.starts = start_cells(scenario)
        self.rooms = {room.id: room for room in self.plan.rooms}
        self.windows = {window.id: window for window in self.plan.windows}
        self.exits = {exit_.id: exit_ for exit_ in self.plan.exits}
        self.unit_codes = {unit.id: str(i + 1) for i, unit in enumerate(self.spec.units)}
        self.used: set[str] = set()  # key entries the plan actually shows
        self.arrow_tips: dict[str, tuple[float, float]] = {}

    # -- whole page ------------------------------------------------------------------------
    def draw(self) -> pygame.Surface:
        width, m = self.width, self.margin
        inner = width - 2 * m
        band = self._title_band()
        plan = self.plan_panel(inner)
        columns = max(2, min(4, inner // 360))
        gutter = m + 10
        column_w = (inner - (columns - 1) * gutter) // columns
        blocks = self._key_blocks(column_w) + self._unit_blocks(column_w) + self._people_blocks(column_w)
        flowed = _flow(blocks, columns, gap=16)
        info_h = max((sum(b.get_height() + 16 for b in column) - 16 for column in flowed), default=0)
        footer = self._footer(inner)
        height = band.get_height() + m + plan.get_height() + m + info_h + m + footer.get_height() + m
        page = pygame.Surface((width, height))
        page.fill(style.PAPER)
        page.blit(band, (0, 0))
        y = band.get_height() + m
        page.blit(plan, (m, y))
        y += plan.get_height() + m
        for i, column in enumerate(flowed):
            x, yy = m + i * (column_w + gutter), y
            for block in column:
                page.blit(block, (x, yy))
                yy += block.get_height() + 16
        page.blit(footer, (m, height - m - footer.get_height()))
        return page

    def _title_band(self) -> pygame.Surface:
        spec, m = self.spec, self.margin
        title_size = max(22, min(34, round(self.width / 48)))
        meta_size = max(15, min(19, round(self.width / 88)))
        inner = self.width - 2 * m
        title_lines = style.wrap(spec.title, inner, title_size, bold=True)
        meta = [f"Scenario {spec.id} (version {spec.version})", f"Difficulty: {spec.difficulty}",
                f"Estimated length: {spec.estimated_minutes} min", f"Plan: {storey_text(self.plan.storey)}"]
        meta_lines = _join_fitting(meta, "   \u00b7   ", inner, meta_size)
        title_h = style.font(title_size, True).get_linesize()
        meta_h = style.font(meta_size).get_linesize()
        height = m + title_h * len(title_lines) + 6 + meta_h * len(meta_lines) + m
        band = pygame.Surface((self.width, height))
        band.fill(style.BAND)
        y = m
        for line in title_lines:
            style.draw_text(band, line, (m, y), size=title_size, colour=style.BAND_TEXT, bold=True)
            y += title_h
        y += 6
        for line in meta_lines:
            style.draw_text(band, line, (m, y), size=meta_size, colour=style.BAND_MUTED)
            y += meta_h
        band.fill(style.ORANGE, pygame.Rect(0, height - 4, self.width, 4))
        return band

    def _footer(self, width: int) -> pygame.Surface:
        source = Path(self.scenario.path).name
        words = (f"Starting positions as the simulator places them. Source: {source} "
                 f"(SHA-256 {self.scenario.sha256[:12]}).")
        lines = style.wrap(words, width, style.MIN_TEXT)
        step = style.font(style.MIN_TEXT).get_linesize()
        surface = pygame.Surface((width, step * len(lines) + 8))
        surface.fill(style.PAPER)
        pygame.draw.line(surface, style.RULE, (0, 0), (width, 0), 1)
        for i, line in enumerate(lines):
            style.draw_text(surface, line, (0, 6 + i * step), size=style.MIN_TEXT, colour=style.MUTED_INK)
        return surface

    # -- the plan ------------------------------------------------------------------------------
    def _unit_groups(self) -> dict[str, list]:
        groups: dict[str, list] = {}
        for unit in self.spec.units:
            if unit.id in self.starts:
                groups.setdefault(unit.at, []).append(unit)
        return groups

    def plan_panel(self, frame_w: int) -> pygame.Surface:
        rows, cols = self.grid.shape
        caption_size = max(15, min(18, round(frame_w / 80)))
        caption_h = style.font(caption_size, True).get_linesize() + 12
        cell = int(frame_w // (cols + 4))
        cell = max(6, min(cell, 64, int(1.3 * self.width // max(rows + 4, 1))))
        pad = max(round(1.6 * cell), 36)
        # units that start together share one callout: keep room for it above or below the
        # building (the page may grow taller, but every pixel of width goes to the plan)
        extra = {"top": pad, "bottom": pad}
        for units in self._unit_groups().values():
            if len(units) > 1:
                mean_row = sum(self.starts[u.id][0] for u in units) / len(units)
                side = "top" if mean_row < rows / 2 else "bottom"
                extra[side] = max(extra[side], self._callout(units, self._label_size(cell)).height + 24)
        grid_w, grid_h = cols * cell, rows * cell
        scale_h = 46
        height = caption_h + extra["top"] + grid_h + extra["bottom"] + scale_h
        surface = pygame.Surface((frame_w, height))
        surface.fill(style.PAPER)
        pygame.draw.rect(surface, style.RULE, surface.get_rect(), 1, border_radius=6)
        geo = _Geometry(left=(frame_w - grid_w) // 2, top=caption_h + extra["top"], cell=cell, rows=rows, cols=cols)
        style.draw_text(surface, f"FLOOR PLAN  \u00b7  {storey_text(self.plan.storey).upper()}", (14, 8),
                        size=caption_size, colour=style.MUTED_INK, bold=True)
        style.draw_text(surface, f"1 grid square = {self.plan.cell_size:g} m", (frame_w - 14, 8),
                        size=caption_size, colour=style.MUTED_INK, anchor="topright")
        pygame.draw.line(surface, style.RULE, (1, caption_h), (frame_w - 2, caption_h), 1)

        self._draw_cells(surface, geo)
        features = self._draw_features(surface, geo)
        markers = self._markers(geo)
        placer = _Placer(pygame.Rect(4, caption_h + 4, frame_w - 8, height - caption_h - 8), geo, self._zones())
        placer.soft.extend(features)
        placer.fixed.extend(m.bounds.inflate(4, 4) for m in markers)
        placer.points.extend(m.centre for m in markers)
        bar_bottom = height - 12
        bar = style.draw_scale_bar(surface, (18, bar_bottom), cell / self.plan.cell_size,
                                   min(frame_w * 0.3, 12 * cell + 60))
        note = style.draw_text(surface, f"Plan of {storey_text(self.plan.storey)}; grid squares of "
                               f"{self.plan.cell_size:g} m", (bar.right + 28, bar_bottom),
                               size=style.MIN_TEXT, colour=style.MUTED_INK, anchor="bottomleft")
        placer.fixed.append(bar.union(note).inflate(8, 8))

        fixed, floating = self._room_labels(geo, markers)
        placer.fixed.extend(rect.inflate(2, 2) for rect, _ in fixed)
        labels = floating + self._exit_labels(geo) + self._escape_labels(geo) + self._marker_labels(geo, markers)
        placer.place_all(labels)
        for label in labels:
            if label.leader or (label.names_marker and placer.ambiguous(label, label.rect)):
                style.draw_leader(surface, label.anchor, label.rect)
        for marker in markers:
            style.draw_marker(surface, marker.role, marker.centre, marker.radius, **marker.looks)
        for rect, draw in fixed:
            draw(surface, rect)
        for label in labels:
            label.draw(surface, label.rect)
        return surface

    def _zones(self) -> np.ndarray:
        kind = self.grid.kind
        zones = np.where(kind == floorplan.OUTSIDE, OUTSIDE_ZONE, WALL_ZONE).astype(np.int16)
        zones[kind == floorplan.EXIT] = EXIT_ZONE
        floor = kind == floorplan.FLOOR
        zones[floor] = self.grid.room[floor]
        return zones

    def _home(self, ident: str) -> frozenset:
        cell = self.starts[ident]
        index = int(self.grid.room[cell])
        return frozenset({index}) if index >= 0 else frozenset({EXIT_ZONE, OUTSIDE_ZONE})

    def _draw_cells(self, surface: pygame.Surface, geo: _Geometry) -> None:
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
                    surface.fill(style.WALL, rect)
                    self.used.add("wall")
                elif k == floorplan.OUTSIDE:
                    surface.fill(style.OUTSIDE, rect)
                    self.used.add("outside")
                elif k == floorplan.FLOOR:
                    index = int(grid.room[r, c])
                    surface.fill(style.ROOM_TINTS.get(room_kinds[index], style.ROOM_TINTS["room"]), rect)
                    if index in stairs_rooms:
                        style.draw_stairs(surface, rect, spacing=spacing)
                        self.used.add("stairs")
                elif k == floorplan.EXIT:
                    surface.fill(style.EXIT_FILL, rect)
                    if exit_kind.get(int(grid.feature[r, c])) in ("stairs_down", "stairs_up", "fire_escape"):
                        style.draw_stairs(surface, rect, spacing=spacing, colour=(70, 120, 100))
                        self.used.add("stairs")
                else:  # doors and windows are drawn with their features
                    surface.fill(style.WALL, rect)

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

    def _draw_features(self, surface: pygame.Surface, geo: _Geometry) -> list[pygame.Rect]:
        """Doors, windows, lifts and padlocks; returns their rects (labels should not cover them)."""
        grid = self.grid
        covered: list[pygame.Rect] = []
        lifts = [rid for rid, room in self.rooms.items() if room.kind == "lift"]
        lifts += [eid for eid, e in self.exits.items() if e.kind == "lift"]
        for ident in lifts:
            for cells in self._pieces(ident):
                style.draw_lift(surface, geo.bounds(cells))
                self.used.add("lift")
        if any(exit_id in grid.cells for exit_id in self.exits):
            self.used.add("exit")
        for door in self.plan.doors:
            for cells in self._pieces(door.id):
                horizontal = _wall_direction(grid, cells)
                rect = geo.bounds(cells)
                style.draw_door(surface, rect, door.kind, horizontal=horizontal, open_=door.open,
                                swing=self._swing(cells, horizontal))
                self.used.add(f"door:{door.kind}")
                if door.open and door.kind not in ("doorway", "iron_gate"):
                    self.used.add("door:open")
                covered.append(rect)
                if door.locked:
                    centre = self._lock_spot(cells, horizontal, geo)
                    covered.append(style.draw_padlock(surface, centre, max(13, min(26, geo.cell * 0.66))))
                    self.used.add("locked")
        arrows = []
        for window in self.plan.windows:
            escape = window.escape != "none" and not window.grille
            for cells in self._pieces(window.id):
                horizontal = _wall_direction(grid, cells)
                rect = geo.bounds(cells)
                style.draw_window(surface, rect, horizontal=horizontal, grille=window.grille, escape=escape)
                covered.append(rect.inflate(6, 6))
                self.used.add("window:escape" if escape else "window:grille" if window.grille else "window")
                if escape:
                    arrows.append((window.id, rect, _outward(grid, cells, horizontal)))
        for window_id, rect, direction in arrows:  # last, so no wall is drawn over an arrow
            tip = style.draw_escape_arrow(surface, rect, direction, geo.cell)
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

    def _lock_spot(self, cells: Sequence[tuple[int, int]], horizontal: bool, geo: _Geometry) -> tuple[float, float]:
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
    def _markers(self, geo: _Geometry) -> list[_Marker]:
        radius = max(10.0, min(20.0, geo.cell * 0.42))  # a unit number needs a 20 px square
        out: list[_Marker] = []
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
            bounds = style.draw_marker(pygame.Surface((1, 1)), role, centre, radius, **looks)  # measure only
            out.append(_Marker(ident, role, centre, radius, bounds, looks))

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
                m.bounds = style.draw_marker(pygame.Surface((1, 1)), m.role, m.centre, m.radius, **m.looks)

        for victim in spec.victims:
            add(victim.id, "victim")
            self.used.add("victim")
        for perp in spec.perpetrators:
            armed = perp.armed if perp.armed != "none" else None
            add(perp.id, "perpetrator", armed=armed)
            self.used.add(f"armed:{armed}" if armed else "perpetrator")
        for item in spec.evidence:
            add(item.id, "evidence")
            self.used.add("evidence")
        for unit in spec.units:
            later = unit.on_request or unit.arrives > 0
            add(unit.id, "unit", code=self.unit_codes[unit.id], hollow=later)
            self.used.add("unit:later" if later else "unit")
        spread()
        return out

    def _label_size(self, cell: int) -> int:
        return max(style.MIN_TEXT, min(17, round(cell * 0.46)))

    def _marker_labels(self, geo: _Geometry, markers: list[_Marker]) -> list[_Label]:
        size = self._label_size(geo.cell)
        by_id = {m.ident: m for m in markers}
        max_w = max(150, geo.cell * 7)
        people: list[_Label] = []
        callouts: list[_Label] = []
        items: list[_Label] = []

        def plain(into: list, ident: str, words: str, accent) -> None:
            m = by_id.get(ident)
            if m is None:
                return
            lines = style.wrap(words, max_w, size)
            box = style.label_box(lines, size)
            box.width += 2
            into.append(_Label(m.centre, m.radius * 1.1, self._plain_drawer(lines, size, accent), box,
                               home=self._home(ident), names_marker=True))

        for victim in self.spec.victims:
            plain(people, victim.id, victim.name, style.SKY)
        for perp in self.spec.perpetrators:
            words = perp.name if perp.armed == "none" else f"{perp.name} \u00b7 {perp.armed}"
            plain(people, perp.id, words, style.VERMILLION)
        for place, units in self._unit_groups().items():
            if len(units) == 1:
                unit = units[0]
                when = arrival_text(unit)
                words = f"{unit.name} ({unit.size})" + ("" if when == "on scene" else f" \u00b7 {when}")
                plain(people, unit.id, words, style.GREEN)
                continue
            centres = [by_id[u.id].centre for u in units]
            cx = sum(x for x, _ in centres) / len(centres)
            cy = sum(y for _, y in centres) / len(centres)
            reach = max(math.hypot(x - cx, y - cy) for x, y in centres) + by_id[units[0].id].radius
            box = self._callout(units, size)
            drawer = self._callout_drawer(units, size)
            callouts.append(_Label((cx, cy), reach, drawer, box, stray=20))
        for item in self.spec.evidence:
            plain(items, item.id, item.name, style.YELLOW)
        # big boxes first, while the margins are free; then people; items last
        return callouts + people + items

    def _plain_drawer(self, lines: list[str], size: int, accent) -> Callable[[pygame.Surface, pygame.Rect], None]:
        def draw(surface: pygame.Surface, rect: pygame.Rect) -> None:
            style.draw_label(surface, rect, lines, size, accent=accent)
        return draw

    def _callout_rows(self, units: list, size: int) -> tuple[list[str], list[tuple]]:
        head = "Units here" if self.compact else f"Units at {self._place_name(units[0].at)}"
        rows = [(u, f"{u.name} ({u.size})", arrival_text(u), u.on_request or u.arrives > 0) for u in units]
        icon = style.font(size).get_linesize() + 4
        row_w = max(icon + 8 + (0 if self.compact else style.text_size(name, size)[0] + 14)
                    + style.text_size(when, size, later)[0] for _, name, when, later in rows)
        return style.wrap(head, max(260, row_w), size, bold=True), rows

    def _callout(self, units: list, size: int) -> pygame.Rect:
        """The size of the box listing the units that start at one place: number, name and size,
        arrival. On a narrow page the names are left to the units list below the plan."""
        head_lines, rows = self._callout_rows(units, size)
        icon = style.font(size).get_linesize() + 4
        name_w = 0 if self.compact else max(style.text_size(name, size)[0] for _, name, _, _ in rows) + 14
        when_w = max(style.text_size(when, size, later)[0] for _, _, when, later in rows)
        head_w, head_h = style.block_size(head_lines, size, bold=True)
        width = max(head_w, icon + 8 + name_w + when_w) + 16
        return pygame.Rect(0, 0, width, head_h + 10 + (icon + 3) * len(rows) + 2)

    def _callout_drawer(self, units: list, size: int) -> Callable[[pygame.Surface, pygame.Rect], None]:
        head_lines, rows = self._callout_rows(units, size)
        icon = style.font(size).get_linesize() + 4

        def draw(surface: pygame.Surface, rect: pygame.Rect) -> None:
            style.draw_plate(surface, rect, border=style.GREEN, width=2, alpha=245)
            y = rect.top + 5
            for line in head_lines:
                style.draw_text(surface, line, (rect.left + 8, y), size=size, bold=True)
                y += style.font(size, True).get_linesize()
            y += 4
            for unit, name, when, later in rows:
                mid = y + icon / 2
                style.draw_marker(surface, "unit", (rect.left + 8 + icon / 2, mid), icon / 2 - 1,
                                  code=self.unit_codes[unit.id], hollow=later)
                colour = style.INK if later else style.MUTED_INK
                if self.compact:
                    style.draw_text(surface, when, (rect.left + 8 + icon + 8, mid), size=size, bold=later,
                                    colour=colour, anchor="midleft")
                else:
                    style.draw_text(surface, name, (rect.left + 8 + icon + 8, mid), size=size, anchor="midleft")
                    style.draw_text(surface, when, (rect.right - 8, mid), size=size, bold=later, colour=colour,
                                    anchor="midright")
                y += icon + 3
        return draw

    def _place_name(self, ident: str) -> str:
        if ident in self.rooms:
            return self.rooms[ident].name
        if ident in self.exits:
            return self.exits[ident].name
        return ident

    # -- room names, exits, escape windows ------------------------------------------------------
    def _room_labels(self, geo: _Geometry, markers: list[_Marker]) -> tuple[list, list[_Label]]:
        grid = self.grid
        fixed: list = []
        floating: list[_Label] = []
        obstacles = [m.bounds.inflate(2, 2) for m in markers]
        scale = max(geo.cell * 0.85, self.width / 90)  # names in proportion to the plan and the page
        for room in self.plan.rooms:
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
            tint = style.ROOM_TINTS.get(room.kind, style.ROOM_TINTS["room"])
            largest = max(style.MIN_TEXT, min(24, round(min(area.height / 3.5, area.width / 7, scale))))
            spot = None
            while spot is None and largest >= style.MIN_TEXT:  # shrink until a free spot is found
                fitted = style.fit_text(room.name, area.width - 8, area.height - 4, largest, bold=True,
                                        max_lines=3)
                if fitted is None:
                    break
                size, lines = fitted
                bw, bh = style.block_size(lines, size, bold=True)
                spot = self._room_spot(area, pygame.Rect(0, 0, bw + 8, bh + 2), obstacles)
                largest = size - 2
            if spot is not None:
                fixed.append((spot, self._room_drawer(lines, size, tint)))
                continue
            # too small (or too crowded) for its name: write it beside, with a leader line
            size = style.MIN_TEXT
            lines = style.wrap(room.name, max(140, geo.cell * 6), size, bold=True)
            bw, bh = style.block_size(lines, size, bold=True)
            box = pygame.Rect(0, 0, bw + 10, bh + 4)
            centre = geo.centre(grid.centre(room.id))
            floating.append(_Label(centre, 2, self._room_float_drawer(lines, size), box))
        return fixed, floating

    def _room_spot(self, area: pygame.Rect, box: pygame.Rect, obstacles: list[pygame.Rect]) -> Optional[pygame.Rect]:
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

    def _room_drawer(self, lines: list[str], size: int, tint) -> Callable[[pygame.Surface, pygame.Rect], None]:
        def draw(surface: pygame.Surface, rect: pygame.Rect) -> None:
            pygame.draw.rect(surface, tint, rect, border_radius=3)  # hides stair hatching under the name
            style.draw_lines(surface, lines, rect, size=size, colour=style.ROOM_LABEL, bold=True)
        return draw

    def _room_float_drawer(self, lines: list[str], size: int) -> Callable[[pygame.Surface, pygame.Rect], None]:
        def draw(surface: pygame.Surface, rect: pygame.Rect) -> None:
            style.draw_plate(surface, rect, border=style.RULE)
            style.draw_lines(surface, lines, rect, size=size, colour=style.ROOM_LABEL, bold=True)
        return draw

    def _exit_labels(self, geo: _Geometry) -> list[_Label]:
        size = self._label_size(geo.cell)
        labels = []
        for exit_ in self.plan.exits:
            cells = self.grid.cells.get(exit_.id)
            if not cells:
                continue
            lines = style.wrap(exit_.name, max(160, geo.cell * 7), size, bold=True)
            box = style.exit_tag_box(lines, size)
            rect = geo.bounds(cells)
            centre = rect.center
            reach = min(rect.width, rect.height) / 2

            def draw(surface: pygame.Surface, r: pygame.Rect, lines=lines) -> None:
                style.draw_exit_tag(surface, r, lines, size)
            labels.append(_Label(centre, reach, draw, box, home=frozenset({OUTSIDE_ZONE, EXIT_ZONE}), stray=5))
        return labels

    def _escape_labels(self, geo: _Geometry) -> list[_Label]:
        size = self._label_size(geo.cell)
        labels = []
        for window_id, tip in self.arrow_tips.items():
            window = self.windows[window_id]
            words = f"Escape route: {window.escape.replace('_', ' ')}"
            lines = [words]
            box = style.label_box(lines, size)

            def draw(surface: pygame.Surface, r: pygame.Rect, lines=lines) -> None:
                style.draw_label(surface, r, lines, size, accent=style.VERMILLION, fill=(255, 244, 236))
            labels.append(_Label(tip, 6, draw, box))
        return labels


    # -- key, units, people ---------------------------------------------------------------------
    def _key_blocks(self, width: int) -> list[pygame.Surface]:
        blocks = []
        for i, (title, symbols) in enumerate(KEY_GROUPS):
            shown = [symbol for symbol in symbols if symbol in self.used]
            if not shown:
                continue
            block = _Block(width)
            if not blocks:
                block.heading("Key")
            block.text(title, bold=True, colour=style.MUTED_INK)
            block.y += 4
            for symbol in shown:
                def icon(surface: pygame.Surface, rect: pygame.Rect, symbol=symbol) -> None:
                    style.draw_key_symbol(surface, rect, symbol, cell=24, marker=10)
                block.row(icon, KEY_WORDING.get(symbol, style.KEY_TEXT[symbol]), icon_w=52, min_h=28)
            blocks.append(block.done())
        return blocks

    def _unit_blocks(self, width: int) -> list[pygame.Surface]:
        by_agency: dict[str, list] = {}
        for unit in self.spec.units:
            by_agency.setdefault(unit.agency, []).append(unit)
        blocks = []
        for agency in self.spec.agencies:
            block = _Block(width)
            if not blocks:
                block.heading("Units by agency")
            lead = " (lead agency)" if agency.id == self.spec.lead_agency else ""
            block.text(agency.name + lead, bold=True)
            detail = agency.country
            if agency.coordination_delay:
                detail += f" \u00b7 orders reach them after {_duration(agency.coordination_delay)}"
            block.text(detail, size=style.MIN_TEXT, colour=style.MUTED_INK)
            block.y += 6
            units = by_agency.get(agency.id, [])
            if not units:
                block.text("no units in this exercise", x=34, size=style.MIN_TEXT, colour=style.MUTED_INK)
            for n, unit in enumerate(units):
                if n and n % 6 == 0:  # long lists continue in a new block, so columns balance
                    blocks.append(block.done())
                    block = _Block(width)
                later = unit.on_request or unit.arrives > 0
                where = self._place_name(unit.at)
                if not later:
                    when = f"on scene at the start, at {where}"
                elif unit.on_request:
                    when = (f"on request: arrives {_duration(unit.arrives)} after the call, at {where}"
                            if unit.arrives else f"on request: arrives at {where}")
                else:
                    when = f"arrives at T+{_duration(unit.arrives)}, at {where}"
                if unit.languages:
                    when += f" \u00b7 speaks {_languages(unit.languages)}"

                def icon(surface: pygame.Surface, rect: pygame.Rect, unit=unit, later=later) -> None:
                    style.draw_marker(surface, "unit", (rect.centerx, rect.centery + 1), 11,
                                      code=self.unit_codes[unit.id], hollow=later)
                block.row(icon, f"{unit.name}, {unit.size} {'person' if unit.size == 1 else 'people'}", when)
            blocks.append(block.done())
        return blocks

    def _people_blocks(self, width: int) -> list[pygame.Surface]:
        spec = self.spec
        groups = []
        for v in spec.victims:
            detail = f"{v.nationality}; speaks {_languages(v.languages)}"
            if v.condition:
                detail += "; " + ", ".join(v.condition)
            groups.append(("victim", None, v.name, detail, self._place_name(v.at) if isinstance(v.at, str) else None))
        for p in spec.perpetrators:
            armed = p.armed if p.armed != "none" else None
            detail = p.role + (f"; armed: {armed}" if armed else "; unarmed")
            if p.languages:
                detail += f"; speaks {_languages(p.languages)}"
            groups.append(("perpetrator", armed, p.name, detail, None))
        for e in spec.evidence:
            groups.append(("evidence", None, e.name,
                           f"{e.kind.replace('_', ' ')}; destroyed in {_duration(e.destroy_seconds)} if not secured",
                           None))
        if not groups:
            return []
        blocks = []
        titles = {"victim": "Victims", "perpetrator": "Perpetrators", "evidence": "Evidence"}
        for role in ("victim", "perpetrator", "evidence"):
            rows = [g for g in groups if g[0] == role]
            if not rows:
                continue
            block = _Block(width)
            if not blocks:
                block.heading("People and evidence")
            block.text(titles[role], bold=True, colour=style.MUTED_INK)
            block.y += 4
            for _, armed, name, detail, _ in rows:
                def icon(surface: pygame.Surface, rect: pygame.Rect, role=role, armed=armed) -> None:
                    style.draw_marker(surface, role, (rect.centerx - (3 if armed else 0), rect.centery + 1), 10,
                                      armed=armed)
                block.row(icon, name, detail)
            blocks.append(block.done())
        return blocks
