"""People and things on a map, told apart by shape: victims are circles, perpetrators
triangles, units rounded squares with a number, evidence small diamonds; an armed
perpetrator carries a lettered badge."""
from __future__ import annotations

import os
from typing import Optional

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from ui.style.fonts import MIN_TEXT, draw_text  # noqa: E402
from ui.style.palette import INK, PAPER, PURPLE, ROLE_COLOURS  # noqa: E402
from ui.style.shapes import Point, draw_dashed_rect  # noqa: E402

ROLE_SHAPES: dict[str, str] = {"victim": "circle", "perpetrator": "triangle", "unit": "rounded square",
                               "evidence": "diamond"}
WEAPON_LETTERS: dict[str, str] = {"blunt": "B", "knife": "K", "firearm": "F"}


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
