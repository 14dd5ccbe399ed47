"""Palette, fonts and map symbols shared by the scenario preview and the in-game renderer.

Everything here is plain drawing: it takes pixels, sizes and a few words (a role, a door
kind, a label) and knows nothing of the engine, so a preview, a briefing slide and a live
snapshot all show a victim, a locked gate or an escape window the same way.

Colours come from the Okabe-Ito palette, which stays distinct for the common kinds of
colour blindness, and no meaning is carried by colour alone: victims are circles,
perpetrators triangles, units rounded squares with a number, evidence small diamonds;
door kinds differ by the shape of the leaf and a lock is a padlock glyph.

No pygame initialisation happens at import time; `font()` initialises the font module on
first use.
"""
from __future__ import annotations

import math
import os
from typing import Optional, Sequence

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

Colour = tuple[int, int, int]
Point = tuple[float, float]

# --- palette ----------------------------------------------------------------------------

# Okabe-Ito, "Color Universal Design" (2008).
BLACK: Colour = (0, 0, 0)
ORANGE: Colour = (230, 159, 0)
SKY: Colour = (86, 180, 233)
GREEN: Colour = (0, 158, 115)  # "bluish green"
YELLOW: Colour = (240, 228, 66)
BLUE: Colour = (0, 114, 178)
VERMILLION: Colour = (213, 94, 0)
PURPLE: Colour = (204, 121, 167)  # "reddish purple"

INK: Colour = (24, 26, 31)
MUTED_INK: Colour = (88, 94, 104)
PAPER: Colour = (255, 255, 255)
RULE: Colour = (200, 203, 208)
BAND: Colour = (28, 44, 66)  # title band, dark navy
BAND_TEXT: Colour = (255, 255, 255)
BAND_MUTED: Colour = (196, 210, 226)

WALL: Colour = (46, 49, 57)
OUTSIDE: Colour = (236, 235, 231)
THRESHOLD: Colour = (250, 249, 246)
GLASS: Colour = (205, 230, 245)
EXIT_FILL: Colour = (210, 236, 226)
EXIT_TAG: Colour = (0, 104, 78)  # bluish green darkened for white text (contrast > 6:1)
LEADER: Colour = (70, 74, 82)

ROOM_TINTS: dict[str, Colour] = {
    "room": (244, 238, 226),
    "bedroom": (236, 230, 244),
    "living": (250, 241, 214),
    "kitchen": (226, 242, 230),
    "bathroom": (222, 237, 248),
    "office": (244, 236, 222),
    "corridor": (230, 231, 228),
    "landing": (230, 231, 228),
    "stairwell": (222, 223, 221),
    "lift": (214, 216, 218),
    "yard": (229, 238, 222),
    "roof": (229, 232, 236),
    "street": (229, 229, 226),
    "staging": (226, 238, 232),
}
ROOM_LABEL: Colour = (62, 66, 74)

ROLE_COLOURS: dict[str, Colour] = {"victim": SKY, "perpetrator": VERMILLION, "unit": GREEN,
                                    "evidence": YELLOW}
ROLE_SHAPES: dict[str, str] = {"victim": "circle", "perpetrator": "triangle", "unit": "rounded square",
                               "evidence": "diamond"}
WEAPON_LETTERS: dict[str, str] = {"blunt": "B", "knife": "K", "firearm": "F"}

DOOR_NAMES: dict[str, str] = {"doorway": "Doorway (no door)", "wooden": "Door",
                              "reinforced": "Reinforced door", "iron_gate": "Iron gate",
                              "fire_door": "Fire door"}
_LEAF = {"wooden": (133, 84, 44), "reinforced": BLUE, "iron_gate": INK, "fire_door": VERMILLION}

MIN_TEXT = 14
"""The smallest text size used anywhere (pixels)."""

# --- fonts ------------------------------------------------------------------------------

_FONT_FAMILIES = "dejavusans,liberationsans,freesans,notosans,arial,helvetica"
_font_files: dict[bool, Optional[str]] = {}
_fonts: dict[tuple[int, bool], pygame.font.Font] = {}


def _font_file(bold: bool) -> Optional[str]:
    if bold not in _font_files:
        try:
            path = pygame.font.match_font(_FONT_FAMILIES, bold=bold)
        except Exception:  # no fontconfig, odd platforms: fall back to pygame's own font
            path = None
        _font_files[bold] = path
    return _font_files[bold]


def reset_fonts() -> None:
    """Forget cached fonts (call after pygame.font.quit() / re-init)."""
    _fonts.clear()


def font(size: int, bold: bool = False) -> pygame.font.Font:
    """A sans-serif font (DejaVu or Liberation Sans where installed, else pygame's own) of `size` px."""
    if not pygame.font.get_init():
        pygame.font.init()
        _fonts.clear()
    size = max(1, int(size))
    key = (size, bold)
    found = _fonts.get(key)
    if found is None:
        path = _font_file(bold)
        if path:
            found = pygame.font.Font(path, size)
        else:  # pygame's default font runs small
            found = pygame.font.Font(None, round(size * 1.3))
            found.set_bold(bold)
        _fonts[key] = found
    return found


def text_size(words: str, size: int, bold: bool = False) -> tuple[int, int]:
    return font(size, bold).size(words)


def wrap(words: str, width: int, size: int, bold: bool = False) -> list[str]:
    """Greedy word wrap to `width` pixels (a single over-long word stays on its own line)."""
    f = font(size, bold)
    lines: list[str] = []
    for paragraph in words.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if not line or f.size(trial)[0] <= width:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def fit_text(words: str, width: int, height: int, largest: int, *, smallest: int = MIN_TEXT,
             bold: bool = False, max_lines: int = 3) -> Optional[tuple[int, list[str]]]:
    """The largest size (and its lines) at which `words` fits in width x height, or None."""
    for size in range(max(largest, smallest), smallest - 1, -1):
        lines = wrap(words, width, size, bold)
        if len(lines) > max_lines:
            continue
        w = max(text_size(line, size, bold)[0] for line in lines)
        h = font(size, bold).get_linesize() * len(lines)
        if w <= width and h <= height:
            return size, lines
    return None


def block_size(lines: Sequence[str], size: int, bold: bool = False) -> tuple[int, int]:
    f = font(size, bold)
    width = max((f.size(line)[0] for line in lines), default=0)
    return width, f.get_linesize() * len(lines)


def draw_text(surface: pygame.Surface, words: str, pos: Point, *, size: int = 16,
              colour: Colour = INK, bold: bool = False, anchor: str = "topleft") -> pygame.Rect:
    image = font(size, bold).render(words, True, colour)
    rect = image.get_rect(**{anchor: (round(pos[0]), round(pos[1]))})
    surface.blit(image, rect)
    return rect


def draw_lines(surface: pygame.Surface, lines: Sequence[str], rect: pygame.Rect, *, size: int,
               colour: Colour = INK, bold: bool = False, align: str = "center") -> None:
    """Lines of text centred vertically in rect, aligned left or centre."""
    f = font(size, bold)
    step = f.get_linesize()
    y = rect.centery - step * len(lines) / 2
    for line in lines:
        image = f.render(line, True, colour)
        if align == "left":
            r = image.get_rect(topleft=(rect.left, round(y)))
        else:
            r = image.get_rect(midtop=(rect.centerx, round(y)))
        surface.blit(image, r)
        y += step


# --- small shapes -----------------------------------------------------------------------

def draw_plate(surface: pygame.Surface, rect: pygame.Rect, *, fill: Colour = PAPER, alpha: int = 236,
               border: Optional[Colour] = RULE, width: int = 1, radius: int = 4) -> None:
    """A rounded, slightly translucent plate behind a label."""
    plate = pygame.Surface(rect.size, pygame.SRCALPHA)
    pygame.draw.rect(plate, (*fill, alpha), plate.get_rect(), border_radius=radius)
    surface.blit(plate, rect)
    if border is not None and width > 0:
        pygame.draw.rect(surface, border, rect, width, border_radius=radius)


def _direction(start: Point, end: Point) -> Optional[tuple[float, float, float]]:
    """Length of the segment and its unit vector; None if it has no length."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy)
    return None if length == 0 else (length, dx / length, dy / length)


def draw_dashed_line(surface: pygame.Surface, colour: Colour, start: Point, end: Point, width: int = 1,
                     dash: float = 6, gap: float = 4) -> None:
    along = _direction(start, end)
    if along is None:
        return
    length, ux, uy = along
    x0, y0 = start
    t = 0.0
    while t < length:
        t2 = min(length, t + dash)
        pygame.draw.line(surface, colour, (x0 + ux * t, y0 + uy * t), (x0 + ux * t2, y0 + uy * t2), width)
        t = t2 + gap


def draw_dashed_rect(surface: pygame.Surface, colour: Colour, rect: pygame.Rect, width: int = 2,
                     dash: float = 6, gap: float = 4) -> None:
    corners = [rect.topleft, (rect.right - 1, rect.top), (rect.right - 1, rect.bottom - 1),
               (rect.left, rect.bottom - 1)]
    for a, b in zip(corners, corners[1:] + corners[:1]):
        draw_dashed_line(surface, colour, a, b, width, dash, gap)


def draw_arrow(surface: pygame.Surface, start: Point, end: Point, *, colour: Colour = VERMILLION,
               width: int = 4, head: float = 12, outline: Optional[Colour] = INK) -> None:
    """A straight arrow from start to end with a filled head (outlined for contrast)."""
    along = _direction(start, end)
    if along is None:
        return
    length, ux, uy = along
    x0, y0 = start
    x1, y1 = end
    px, py = -uy, ux
    head = min(head, length * 0.7)
    base = (x1 - ux * head, y1 - uy * head)
    shaft = [(x0 + px * width / 2, y0 + py * width / 2), (base[0] + px * width / 2, base[1] + py * width / 2),
             (base[0] + px * head * 0.6, base[1] + py * head * 0.6), (x1, y1),
             (base[0] - px * head * 0.6, base[1] - py * head * 0.6),
             (base[0] - px * width / 2, base[1] - py * width / 2), (x0 - px * width / 2, y0 - py * width / 2)]
    pygame.draw.polygon(surface, colour, shaft)
    if outline is not None:
        pygame.draw.polygon(surface, outline, shaft, 1)


def draw_padlock(surface: pygame.Surface, centre: Point, size: float) -> pygame.Rect:
    """A padlock glyph (yellow body, dark shackle) marking a locked door; returns its bounds."""
    cx, cy = centre
    w = max(8, round(size * 0.72))
    h = max(6, round(size * 0.52))
    body = pygame.Rect(0, 0, w, h)
    body.midbottom = (round(cx), round(cy + size / 2))
    shackle_r = max(3, round(w * 0.32))
    thick = max(2, round(size / 9))
    arc = pygame.Rect(0, 0, shackle_r * 2, shackle_r * 2 + 2)
    arc.midbottom = (body.centerx, body.top + shackle_r + 1)
    # a white halo so the glyph reads on a dark wall and a pale floor alike
    halo = body.union(arc).inflate(4, 4)
    pygame.draw.rect(surface, PAPER, halo, border_radius=3)
    pygame.draw.arc(surface, INK, arc, 0, math.pi, thick)
    pygame.draw.line(surface, INK, (arc.left + thick // 2, arc.centery), (arc.left + thick // 2, body.top), thick)
    pygame.draw.line(surface, INK, (arc.right - 1 - thick // 2, arc.centery), (arc.right - 1 - thick // 2, body.top),
                     thick)
    pygame.draw.rect(surface, YELLOW, body, border_radius=2)
    pygame.draw.rect(surface, INK, body, max(1, thick // 2 + 1), border_radius=2)
    pygame.draw.circle(surface, INK, (body.centerx, body.centery), max(1, round(h / 6)))
    return halo


# --- people and things --------------------------------------------------------------------

def marker_radius(role: str, radius: float) -> float:
    """Evidence is drawn smaller than people so that a room full of items still reads."""
    return radius * 0.8 if role == "evidence" else radius


def draw_marker(surface: pygame.Surface, role: str, centre: Point, radius: float, *,
                code: Optional[str] = None, armed: Optional[str] = None, hollow: bool = False,
                dashed: bool = False) -> pygame.Rect:
    """Draw one person or item by role at centre; returns its bounding rect.

    role: victim (circle), perpetrator (triangle), unit (rounded square, `code` written
    inside), evidence (diamond). armed: 'knife', 'blunt' or 'firearm' adds a dark badge with
    K, B or F. hollow: a white fill with a thick coloured edge (a unit not yet on scene, or
    a last-known position); dashed: a dashed edge.
    """
    colour = ROLE_COLOURS.get(role, PURPLE)
    x, y = centre
    r = marker_radius(role, radius)
    edge = max(2, round(r / 6))
    fill = PAPER if hollow else colour
    if role == "victim":
        pygame.draw.circle(surface, fill, (round(x), round(y)), round(r))
        pygame.draw.circle(surface, INK if not hollow else colour, (round(x), round(y)), round(r),
                           edge if not hollow else edge + 1)
        bounds = pygame.Rect(0, 0, round(2 * r), round(2 * r))
    elif role == "perpetrator":
        r = r * 1.15  # a triangle looks smaller than a circle of the same radius
        points = [(x, y - r), (x + r * 0.95, y + r * 0.68), (x - r * 0.95, y + r * 0.68)]
        pygame.draw.polygon(surface, fill, points)
        pygame.draw.polygon(surface, INK if not hollow else colour, points, edge if not hollow else edge + 1)
        bounds = pygame.Rect(0, 0, round(1.9 * r), round(1.7 * r))
        bounds.center = (round(x), round(y - 0.16 * r))
    elif role == "unit":
        bounds = pygame.Rect(0, 0, round(2 * r), round(2 * r))
        bounds.center = (round(x), round(y))
        pygame.draw.rect(surface, fill, bounds, border_radius=max(3, round(r / 3)))
        if dashed:
            draw_dashed_rect(surface, colour, bounds, edge + 1, dash=max(4, r / 2), gap=max(3, r / 3))
        else:
            pygame.draw.rect(surface, INK if not hollow else colour, bounds, edge if not hollow else edge + 1,
                             border_radius=max(3, round(r / 3)))
        if code:
            size = max(MIN_TEXT, min(round(r * 1.25), 22))
            if len(code) > 1:
                size = max(MIN_TEXT, round(size * 0.85))
            draw_text(surface, code, (x, y + 1), size=size, colour=INK, bold=True, anchor="center")
    else:  # evidence
        points = [(x, y - r * 1.1), (x + r, y), (x, y + r * 1.1), (x - r, y)]
        pygame.draw.polygon(surface, fill, points)
        pygame.draw.polygon(surface, INK if not hollow else colour, points, edge if not hollow else edge + 1)
        bounds = pygame.Rect(0, 0, round(2 * r), round(2.2 * r))
    if role != "perpetrator" and role != "unit":
        bounds.center = (round(x), round(y))
    if armed and armed != "none":
        bounds = bounds.union(_draw_badge(surface, (x + r * 0.95, y + r * 0.55), max(8, r * 0.62),
                                          WEAPON_LETTERS.get(armed, "!")))
    return bounds


def _draw_badge(surface: pygame.Surface, centre: Point, radius: float, letter: str) -> pygame.Rect:
    cx, cy = round(centre[0]), round(centre[1])
    radius = max(round(radius), 9)
    pygame.draw.circle(surface, INK, (cx, cy), radius)
    pygame.draw.circle(surface, PAPER, (cx, cy), radius, 1)
    draw_text(surface, letter, (cx, cy + 1), size=MIN_TEXT, colour=PAPER, bold=True, anchor="center")
    return pygame.Rect(cx - radius, cy - radius, 2 * radius, 2 * radius)


def label_box(lines: Sequence[str], size: int, *, bold_first: bool = False, pad: tuple[int, int] = (6, 3)
              ) -> pygame.Rect:
    """The size of a label plate holding `lines` (position it, then call draw_label)."""
    widths = [text_size(line, size, bold_first and i == 0)[0] for i, line in enumerate(lines)]
    height = font(size).get_linesize() * len(lines)
    return pygame.Rect(0, 0, max(widths, default=0) + 2 * pad[0], height + 2 * pad[1])


def draw_label(surface: pygame.Surface, rect: pygame.Rect, lines: Sequence[str], size: int, *,
               accent: Optional[Colour] = None, fill: Colour = PAPER, colour: Colour = INK,
               bold_first: bool = False, pad: tuple[int, int] = (6, 3), align: str = "left") -> None:
    """A label plate: pale rounded plate, a coloured edge on the left (the role), dark text."""
    draw_plate(surface, rect, fill=fill, border=RULE if accent is None else accent, width=1)
    if accent is not None:
        pygame.draw.rect(surface, accent, pygame.Rect(rect.left, rect.top, 4, rect.height),
                         border_top_left_radius=4, border_bottom_left_radius=4)
    y = rect.top + pad[1]
    step = font(size).get_linesize()
    for i, line in enumerate(lines):
        bold = bold_first and i == 0
        if align == "center":
            draw_text(surface, line, (rect.centerx, y), size=size, colour=colour, bold=bold, anchor="midtop")
        else:
            draw_text(surface, line, (rect.left + pad[0] + (2 if accent else 0), y), size=size, colour=colour,
                      bold=bold)
        y += step


def draw_marker_with_label(surface: pygame.Surface, role: str, centre: Point, radius: float, label: str, *,
                           size: int = 15, **marker: object) -> pygame.Rect:
    """A marker with its label to the right; returns the union of both rects."""
    bounds = draw_marker(surface, role, centre, radius, **marker)  # type: ignore[arg-type]
    rect = label_box([label], size)
    rect.midleft = (bounds.right + 5, round(centre[1]))
    draw_label(surface, rect, [label], size, accent=ROLE_COLOURS.get(role))
    return bounds.union(rect)


def draw_leader(surface: pygame.Surface, anchor: Point, rect: pygame.Rect, *, colour: Colour = LEADER) -> None:
    """A thin line from an anchor point to the nearest point of a label, with a dot at the anchor."""
    x = min(max(anchor[0], rect.left), rect.right - 1)
    y = min(max(anchor[1], rect.top), rect.bottom - 1)
    pygame.draw.line(surface, colour, anchor, (x, y), 2)
    pygame.draw.circle(surface, colour, (round(anchor[0]), round(anchor[1])), 3)


# --- floor-plan symbols -------------------------------------------------------------------

def draw_door(surface: pygame.Surface, rect: pygame.Rect, kind: str, *, horizontal: bool = True,
              open_: bool = False, swing: int = -1, background: Colour = THRESHOLD) -> None:
    """A door in a wall opening `rect`. horizontal: the wall runs left-right (people pass up/down).

    By shape: doorway = an empty gap with a dotted threshold; door = a thin leaf; reinforced
    = a thick leaf with a steel core line; iron gate = a barred grille; fire door = a double
    leaf. An open door's leaf is drawn swung 90 degrees to the side `swing` (-1 up/left,
    +1 down/right) with its arc dashed.
    """
    surface.fill(background, rect)
    long_ = rect.width if horizontal else rect.height
    thin = rect.height if horizontal else rect.width
    def bar(offset: float, thickness: float, colour: Colour, *, inset: float = 0) -> None:
        t = max(2, round(thickness))
        if horizontal:
            r = pygame.Rect(round(rect.left + inset), round(rect.centery + offset - t / 2), round(long_ - 2 * inset), t)
        else:
            r = pygame.Rect(round(rect.centerx + offset - t / 2), round(rect.top + inset), t, round(long_ - 2 * inset))
        surface.fill(colour, r)
    # jambs: short dark stubs of wall either side, so a gap still reads as an opening
    jamb = max(2, round(thin * 0.12))
    if horizontal:
        surface.fill(WALL, pygame.Rect(rect.left, rect.top, jamb, rect.height))
        surface.fill(WALL, pygame.Rect(rect.right - jamb, rect.top, jamb, rect.height))
    else:
        surface.fill(WALL, pygame.Rect(rect.left, rect.top, rect.width, jamb))
        surface.fill(WALL, pygame.Rect(rect.left, rect.bottom - jamb, rect.width, jamb))
    if kind == "doorway":
        if horizontal:
            draw_dashed_line(surface, MUTED_INK, (rect.left + jamb, rect.centery), (rect.right - jamb, rect.centery),
                             1, dash=3, gap=3)
        else:
            draw_dashed_line(surface, MUTED_INK, (rect.centerx, rect.top + jamb), (rect.centerx, rect.bottom - jamb),
                             1, dash=3, gap=3)
        return
    colour = _LEAF.get(kind, _LEAF["wooden"])
    if open_ and kind != "iron_gate":
        _open_leaf(surface, rect, horizontal, swing, colour, max(2, round(thin * 0.12)), jamb)
        return
    if kind == "wooden":
        bar(0, thin * 0.14, colour, inset=jamb)
    elif kind == "reinforced":
        bar(0, thin * 0.44, colour, inset=jamb)
        bar(0, max(2, thin * 0.08), PAPER, inset=jamb + thin * 0.12)
    elif kind == "fire_door":
        gap = thin * 0.14
        bar(-gap, thin * 0.1, colour, inset=jamb)
        bar(+gap, thin * 0.1, colour, inset=jamb)
    elif kind == "iron_gate":
        rail = max(2, round(thin * 0.08))
        bar(-thin * 0.22, rail, colour, inset=jamb)
        bar(+thin * 0.22, rail, colour, inset=jamb)
        step = max(4, thin / 5)
        count = max(2, int((long_ - 2 * jamb) / step))
        for i in range(count + 1):
            pos = jamb + (long_ - 2 * jamb) * i / count
            if horizontal:
                x = rect.left + pos
                pygame.draw.line(surface, colour, (x, rect.centery - thin * 0.3), (x, rect.centery + thin * 0.3),
                                 max(1, rail - 1))
            else:
                y = rect.top + pos
                pygame.draw.line(surface, colour, (rect.centerx - thin * 0.3, y), (rect.centerx + thin * 0.3, y),
                                 max(1, rail - 1))


def _open_leaf(surface: pygame.Surface, rect: pygame.Rect, horizontal: bool, swing: int, colour: Colour,
               width: int, jamb: int) -> None:
    if horizontal:
        hinge = (rect.left + jamb, rect.top if swing < 0 else rect.bottom)
        length = rect.width - 2 * jamb
        tip = (hinge[0], hinge[1] + swing * length)
        closed = (hinge[0] + length, hinge[1])
    else:
        hinge = (rect.left if swing < 0 else rect.right, rect.top + jamb)
        length = rect.height - 2 * jamb
        tip = (hinge[0] + swing * length, hinge[1])
        closed = (hinge[0], hinge[1] + length)
    pygame.draw.line(surface, colour, hinge, tip, width)
    steps = 10
    points = []
    a0 = math.atan2(closed[1] - hinge[1], closed[0] - hinge[0])
    a1 = math.atan2(tip[1] - hinge[1], tip[0] - hinge[0])
    if a1 - a0 > math.pi:
        a1 -= 2 * math.pi
    elif a0 - a1 > math.pi:
        a1 += 2 * math.pi
    for i in range(steps + 1):
        a = a0 + (a1 - a0) * i / steps
        points.append((hinge[0] + length * math.cos(a), hinge[1] + length * math.sin(a)))
    for a, b in zip(points[::2], points[1::2]):
        pygame.draw.line(surface, colour, a, b, 1)


def draw_window(surface: pygame.Surface, rect: pygame.Rect, *, horizontal: bool = True, grille: bool = False,
                escape: bool = False) -> None:
    """A window in a wall: white frame, a band of glass with its edges drawn; dark bars
    across the whole frame for a grille; a thick dashed vermillion outline for a window
    that is an escape route."""
    thin = rect.height if horizontal else rect.width
    surface.fill(PAPER, rect)
    band = round(thin * 0.5)
    glass = rect.inflate(0, band - thin) if horizontal else rect.inflate(band - thin, 0)
    surface.fill(GLASS, glass)
    line = max(1, round(thin / 20))
    if horizontal:
        for y in (glass.top, glass.bottom - 1):
            pygame.draw.line(surface, INK, (rect.left, y), (rect.right - 1, y), line)
    else:
        for x in (glass.left, glass.right - 1):
            pygame.draw.line(surface, INK, (x, rect.top), (x, rect.bottom - 1), line)
    pygame.draw.rect(surface, INK, rect, 1)
    if grille:
        long_ = rect.width if horizontal else rect.height
        count = max(3, round(long_ / max(4, thin / 4)))
        bar = max(2, round(thin / 9))
        for i in range(1, count):
            if horizontal:
                x = rect.left + long_ * i / count
                pygame.draw.line(surface, INK, (x, rect.top), (x, rect.bottom - 1), bar)
            else:
                y = rect.top + long_ * i / count
                pygame.draw.line(surface, INK, (rect.left, y), (rect.right - 1, y), bar)
    if escape:
        draw_dashed_rect(surface, VERMILLION, rect.inflate(6, 6), max(3, round(thin / 9)), dash=max(5, thin / 4),
                         gap=max(3, thin / 7))


def draw_escape_arrow(surface: pygame.Surface, rect: pygame.Rect, direction: tuple[int, int], cell: float) -> Point:
    """An arrow pointing out of an escape window; returns the arrow's tip."""
    dx, dy = direction
    cx, cy = rect.center
    start = (cx + dx * rect.width * 0.5, cy + dy * rect.height * 0.5)
    length = max(18, cell * 1.3)
    end = (start[0] + dx * length, start[1] + dy * length)
    draw_arrow(surface, start, end, colour=VERMILLION, width=max(3, round(cell / 7)), head=max(10, cell * 0.55))
    return end


def draw_stairs(surface: pygame.Surface, rect: pygame.Rect, *, vertical_treads: bool = True,
                spacing: float = 8, colour: Colour = (110, 114, 122)) -> None:
    """Stair treads: parallel lines across rect (aligned to absolute pixels so cells join up)."""
    if vertical_treads:
        start = math.ceil(rect.left / spacing) * spacing
        x = start
        while x < rect.right:
            pygame.draw.line(surface, colour, (round(x), rect.top), (round(x), rect.bottom - 1), 1)
            x += spacing
    else:
        y = math.ceil(rect.top / spacing) * spacing
        while y < rect.bottom:
            pygame.draw.line(surface, colour, (rect.left, round(y)), (rect.right - 1, round(y)), 1)
            y += spacing


def draw_lift(surface: pygame.Surface, rect: pygame.Rect, *, colour: Colour = (96, 100, 108)) -> None:
    """The plan symbol for a lift car: a box with a diagonal cross."""
    box = rect.inflate(-max(4, rect.width // 8), -max(4, rect.height // 8))
    width = max(1, round(min(rect.width, rect.height) / 40))
    pygame.draw.rect(surface, colour, box, width + 1)
    pygame.draw.line(surface, colour, box.topleft, (box.right - 1, box.bottom - 1), width)
    pygame.draw.line(surface, colour, (box.right - 1, box.top), (box.left, box.bottom - 1), width)


def draw_exit_glyph(surface: pygame.Surface, centre: Point, size: float, colour: Colour = PAPER) -> None:
    """A small 'leave here' glyph (door frame and an arrow through it) for exit tags."""
    x, y = centre
    h = size
    frame = pygame.Rect(0, 0, round(h * 0.5), round(h))
    frame.center = (round(x - h * 0.2), round(y))
    pygame.draw.rect(surface, colour, frame, 2)
    draw_arrow(surface, (x - h * 0.25, y), (x + h * 0.5, y), colour=colour, width=2, head=h * 0.4, outline=None)


def draw_exit_tag(surface: pygame.Surface, rect: pygame.Rect, lines: Sequence[str], size: int) -> None:
    """An exit's name on a dark bluish-green tag with an exit glyph."""
    pygame.draw.rect(surface, EXIT_TAG, rect, border_radius=4)
    pygame.draw.rect(surface, PAPER, rect, 1, border_radius=4)
    glyph = font(size).get_linesize()
    draw_exit_glyph(surface, (rect.left + 6 + glyph * 0.45, rect.centery), glyph * 0.8)
    y = rect.top + 3
    for line in lines:
        draw_text(surface, line, (rect.left + 10 + glyph, y), size=size, colour=PAPER, bold=True)
        y += font(size).get_linesize()


def exit_tag_box(lines: Sequence[str], size: int) -> pygame.Rect:
    glyph = font(size).get_linesize()
    w, h = block_size(lines, size, bold=True)
    return pygame.Rect(0, 0, w + glyph + 16, h + 6)


def nice_length(metres: float) -> float:
    """The largest 1-2-5 length not above `metres`."""
    if metres <= 0:
        return 0.0
    exponent = math.floor(math.log10(metres))
    for mantissa in (5, 2, 1):
        value = mantissa * 10 ** exponent
        if value <= metres:
            return value
    return 10 ** exponent


def draw_scale_bar(surface: pygame.Surface, bottom_left: Point, pixels_per_metre: float, max_width: float, *,
                   size: int = MIN_TEXT) -> pygame.Rect:
    """A black-and-white scale bar with 0 and the length in metres; returns its bounds."""
    metres = nice_length(max_width / pixels_per_metre)
    length = metres * pixels_per_metre
    x, y = bottom_left
    parts = 5 if metres in (5, 50, 500) or metres % 5 == 0 else 4 if metres % 2 == 0 else 2
    bar_h = 8
    top = y - bar_h
    for i in range(parts):
        seg = pygame.Rect(round(x + length * i / parts), round(top), math.ceil(length / parts), bar_h)
        surface.fill(INK if i % 2 == 0 else PAPER, seg)
    pygame.draw.rect(surface, INK, pygame.Rect(round(x), round(top), round(length) + 1, bar_h), 1)
    a = draw_text(surface, "0", (x, top - 2), size=size, colour=INK, anchor="midbottom")
    label = f"{metres:g} m"
    b = draw_text(surface, label, (x + length, top - 2), size=size, colour=INK, anchor="midbottom")
    return pygame.Rect(round(x), round(top), round(length), bar_h).union(a).union(b)


KEY_TEXT: dict[str, str] = {
    "victim": "Victim",
    "perpetrator": "Perpetrator",
    "armed:knife": "Armed perpetrator (K = knife)",
    "armed:blunt": "Armed perpetrator (B = blunt weapon)",
    "armed:firearm": "Armed perpetrator (F = firearm)",
    "unit": "Unit on scene at the start (# = its number)",
    "unit:later": "Unit arriving later or on request",
    "evidence": "Evidence to secure",
    "door:doorway": "Doorway (opening, no door)",
    "door:wooden": "Door",
    "door:reinforced": "Reinforced door",
    "door:iron_gate": "Iron security gate",
    "door:fire_door": "Fire door",
    "door:open": "Door standing open",
    "locked": "Locked",
    "window": "Window",
    "window:grille": "Window with grille (no way out)",
    "window:escape": "Escape-route window (arrow points out)",
    "stairs": "Stairs",
    "lift": "Lift",
    "exit": "Exit from the plan, named on its tag",
    "wall": "Wall",
    "outside": "Outside the building",
}
"""Default wording of the key entry for each symbol `draw_key_symbol` knows."""


def draw_key_symbol(surface: pygame.Surface, rect: pygame.Rect, symbol: str, *, cell: int = 26,
                    marker: float = 11) -> None:
    """Draw the sample of one key entry (a name from KEY_TEXT) centred in rect."""
    cx, cy = rect.center
    if symbol in ("victim", "perpetrator", "evidence"):
        draw_marker(surface, symbol, (cx, cy), marker)
    elif symbol.startswith("armed:"):
        draw_marker(surface, "perpetrator", (cx - 3, cy), marker, armed=symbol.split(":", 1)[1])
    elif symbol == "unit":
        draw_marker(surface, "unit", (cx, cy), marker, code="#")
    elif symbol == "unit:later":
        draw_marker(surface, "unit", (cx, cy), marker, code="#", hollow=True)
    elif symbol == "window:escape":  # a wall running up-down, the arrow pointing out to the right
        pane = pygame.Rect(0, 0, round(cell * 0.8), min(rect.height, cell + 4))
        pane.center = (round(cx - cell * 0.45), cy)
        surface.fill(WALL, pane.inflate(0, 8))
        draw_window(surface, pane, horizontal=False, escape=True)
        draw_arrow(surface, (pane.right + 3, cy), (pane.right + cell * 0.95, cy), width=3, head=9)
    elif symbol.startswith("door:") or symbol.startswith("window"):
        segment = pygame.Rect(0, 0, cell * 2, cell)
        segment.center = (cx, cy)
        surface.fill(WALL, segment)
        opening = pygame.Rect(0, 0, cell, cell)
        opening.center = (cx, cy)
        if symbol == "door:open":
            draw_door(surface, opening, "wooden", open_=True, swing=-1)
        elif symbol.startswith("door:"):
            draw_door(surface, opening, symbol.split(":", 1)[1])
        else:
            draw_window(surface, opening, grille=symbol == "window:grille")
    elif symbol == "locked":
        segment = pygame.Rect(0, 0, cell * 2, cell)
        segment.center = (cx, cy)
        surface.fill(WALL, segment)
        draw_padlock(surface, (cx, cy), cell * 0.75)
    elif symbol == "exit":
        tag = pygame.Rect(0, 0, round(cell * 1.8), round(cell * 0.95))
        tag.center = (cx, cy)
        pygame.draw.rect(surface, EXIT_TAG, tag, border_radius=4)
        draw_exit_glyph(surface, tag.center, cell * 0.62)
    else:
        swatch = pygame.Rect(0, 0, round(cell * 1.8), round(cell * 0.95))
        swatch.center = (cx, cy)
        fill = {"wall": WALL, "outside": OUTSIDE, "stairs": ROOM_TINTS["stairwell"],
                "lift": ROOM_TINTS["lift"]}.get(symbol, PAPER)
        surface.fill(fill, swatch)
        if symbol == "stairs":
            draw_stairs(surface, swatch, spacing=max(4, cell / 4))
        elif symbol == "lift":
            draw_lift(surface, swatch)
        pygame.draw.rect(surface, RULE, swatch, 1)
