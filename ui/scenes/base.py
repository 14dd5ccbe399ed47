"""A screen of the window: builds its widgets, turns their events into commands, draws,
and says which screen comes next.

A scene never makes another scene: `handle_event` and `update` return a `Next` naming
where to go, and `ui.flow` (the one place that knows every scene) makes it. So the
scenes need not import one another, and the window is reached only through `Window`.
"""
from __future__ import annotations

from enum import Enum
from typing import Optional, Protocol

import pygame
import pygame_gui

from ui.context import Context


class Next(Enum):
    """Where a scene hands over: the screen to show next, or the end of the session."""
    MENU = "menu"
    BRIEFING = "briefing"
    PLANNING = "planning"
    EXECUTION = "execution"
    DEBRIEF = "debrief"
    REVIEW = "review"  # the evaluators' review of the debriefed run
    SEAT = "seat"  # the joint exercise's windows: an agency's seat, control, observer, debrief
    CONTROL = "control"
    OBSERVE = "observe"
    JOINT_DEBRIEF = "joint_debrief"
    JOINT_BRIEFING = "joint_briefing"  # a seat's own briefing and planning before the start
    JOINT_PLANNING = "joint_planning"
    QUIT = "quit"


class Window(Protocol):
    """What a scene uses of the window it is shown in (`ui.app.App` is one)."""
    ctx: Context
    manager: pygame_gui.UIManager
    help_visible: bool
    time_scale: float  # simulated time runs this many times faster (autoplay sets it)

    @property
    def size(self) -> tuple[int, int]: ...


class Scene:
    name = "scene"

    def __init__(self, window: Window):
        self.window = window
        self.ctx = window.ctx
        self.manager = window.manager

    def enter(self) -> None:
        self.build()

    def build(self) -> None:
        """Create the widgets for the current window size (called again on resize)."""

    def exit(self) -> None:
        """Leave the scene (save what must be saved)."""

    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        """Turn one event into commands; return where to go if the scene is done."""
        return None

    def update(self, dt: float) -> Optional[Next]:
        """Advance by `dt` seconds of wall time; return where to go if the scene is done."""
        return None

    def draw(self, surface: pygame.Surface) -> None:
        pass

    def draw_over(self, surface: pygame.Surface) -> None:
        """Drawn after the widgets (overlays, tooltips)."""

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("?", "show or hide this help"), ("Esc", "back to the menu")]
