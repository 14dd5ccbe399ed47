"""The floor plan's symbols: doors (their kind by the shape of the leaf), the padlock on a
locked one, windows (grilles, escape routes), stairs, lifts and exit tags."""
from __future__ import annotations

import math
import os
from typing import Sequence

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from ui.style.fonts import block_size, draw_text, font  # noqa: E402
from ui.style.palette import (BLUE, EXIT_TAG, GLASS, INK, MUTED_INK, PAPER, THRESHOLD, VERMILLION,  # noqa: E402
                              WALL, YELLOW, Colour)
from ui.style.shapes import Point, draw_arrow, draw_dashed_line, draw_dashed_rect  # noqa: E402

DOOR_NAMES: dict[str, str] = {"doorway": "Doorway (no door)", "wooden": "Door",
                              "reinforced": "Reinforced door", "iron_gate": "Iron gate",
                              "fire_door": "Fire door"}
_LEAF = {"wooden": (133, 84, 44), "reinforced": BLUE, "iron_gate": INK, "fire_door": VERMILLION}


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
