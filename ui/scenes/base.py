"""A screen of the window: builds its widgets, turns their events into commands, draws."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

if TYPE_CHECKING:
    from ui.app import App


class Scene:
    name = "scene"

    def __init__(self, app: "App"):
        self.app = app
        self.ctx = app.ctx
        self.manager = app.manager

    def enter(self) -> None:
        self.build()

    def build(self) -> None:
        """Create the widgets for the current window size (called again on resize)."""

    def exit(self) -> None:
        """Leave the scene (save what must be saved)."""

    def handle_event(self, event: pygame.event.Event) -> None:
        pass

    def update(self, dt: float) -> None:
        pass

    def draw(self, surface: pygame.Surface) -> None:
        pass

    def draw_over(self, surface: pygame.Surface) -> None:
        """Drawn after the widgets (overlays, tooltips)."""

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("?", "show or hide this help"), ("Esc", "back to the menu")]
