"""The scale bar: a black-and-white bar of a round length (1-2-5) in metres."""
from __future__ import annotations

import math
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from ui.style.fonts import MIN_TEXT, draw_text  # noqa: E402
from ui.style.palette import INK, PAPER  # noqa: E402
from ui.style.shapes import Point  # noqa: E402


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
