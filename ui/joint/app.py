"""The window of a joint exercise: `ui.app.App`, with typing in its text boxes kept whole.

Its seats type messages and observations; the window's "?" shortcut for the help must
not fire while the cursor is in a text box, so such key presses go to the text box only.
"""
from __future__ import annotations

from typing import Optional

import pygame
from pygame_gui.elements import UITextEntryLine

from ui.app import App
from ui.style.fonts import reset_fonts


class JointApp(App):
    def __init__(self, *args, **kwargs):
        reset_fonts()  # fonts cached before a pygame.quit() elsewhere in the process are dead
        super().__init__(*args, **kwargs)

    def frame(self, events: Optional[list] = None, dt: float = 1 / 30) -> None:
        events = pygame.event.get() if events is None else events
        if any(isinstance(el, UITextEntryLine) for el in self.manager.get_focus_set() or ()):
            events = [e for e in events if not (e.type == pygame.KEYDOWN and getattr(e, "unicode", "") == "?")]
        super().frame(events, dt)
