"""Small shapes that symbols and labels are built from: plates, dashed lines, arrows."""
from __future__ import annotations

import math
import os
from typing import Optional

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from ui.style.palette import INK, PAPER, RULE, VERMILLION, Colour  # noqa: E402

Point = tuple[float, float]


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
