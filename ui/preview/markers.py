"""The people, items and units on the preview's plan, as `ui.preview.plan` places them and
`ui.preview.labels` names them: who, drawn how, and where."""
from __future__ import annotations

import os
from dataclasses import dataclass

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from ui.style.markers import draw_marker  # noqa: E402


@dataclass
class Marker:
    """A person or item on the plan: who, drawn how, and where."""
    ident: str
    role: str
    centre: tuple[float, float]
    radius: float
    bounds: pygame.Rect
    looks: dict  # keyword arguments of draw_marker (code, armed, hollow)


def marker_bounds(role: str, centre: tuple[float, float], radius: float, looks: dict) -> pygame.Rect:
    """Where a marker would draw (measured on a scratch surface, nothing shown)."""
    return draw_marker(pygame.Surface((1, 1)), role, centre, radius, **looks)
