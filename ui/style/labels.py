"""Labels on a map: a pale plate with the role's colour on its edge, and the leader line
that joins a label to what it names."""
from __future__ import annotations

import os
from typing import Optional, Sequence

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from ui.style.fonts import draw_text, font, text_size  # noqa: E402
from ui.style.markers import draw_marker  # noqa: E402
from ui.style.palette import INK, LEADER, PAPER, ROLE_COLOURS, RULE, Colour  # noqa: E402
from ui.style.shapes import Point, draw_plate  # noqa: E402


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
