"""The map key's samples: each symbol a key can list, its default wording, and how to
draw a sample of it."""
from __future__ import annotations

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from ui.style.markers import draw_marker  # noqa: E402
from ui.style.palette import EXIT_TAG, OUTSIDE, PAPER, ROOM_TINTS, RULE, WALL  # noqa: E402
from ui.style.plan_symbols import draw_door, draw_exit_glyph, draw_lift, draw_padlock, draw_stairs, draw_window  # noqa: E402
from ui.style.shapes import draw_arrow  # noqa: E402


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
