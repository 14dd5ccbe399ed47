"""The observer's seat: an evaluator sees everything, changes nothing, and writes
observations that the host stamps with the exercise time and keeps in the run record."""
from __future__ import annotations

from typing import Optional

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UITextEntryLine

from sim.engine.narrate import clock
from sim.engine.snapshot import Snapshot
from ui.scenes.base import Next
from ui.scenes.joint_base import JointScene
from ui.widgets import MUTED, TEXT, text, wrap

KINDS = (("strength", "Strength"), ("improvement", "To improve"), ("note", "Note"))
KIND_COLOURS = {"strength": (0, 158, 115), "improvement": (213, 94, 0), "note": (160, 166, 175)}


def _observe(client, words: str, kind: str) -> int:
    return client.observe(words, kind=kind)


class ObserveScene(JointScene):
    name = "observe"
    view_title = "Observer: everything, read-only"

    def enter(self) -> None:
        self.kind = "note"
        super().enter()
        self.say("Read-only: you see everything. Your observations go into the run record.")

    def known_title(self) -> str:
        return "Everyone and everything"

    def build_left(self) -> None:
        x, w, y = self.left.left + 8, self.left.width - 16, self.left.top + 34
        self.kind_buttons = {}
        third = (w - 8) // 3
        for i, (kind, label) in enumerate(KINDS):
            self.kind_buttons[UIButton(pygame.Rect(x + i * (third + 4), y, third, 30), label, self.manager)] = kind
        self.entry = UITextEntryLine(pygame.Rect(x, y + 38, w, 30), self.manager,
                                     placeholder_text="What did you see? (Enter records it)")
        self.entry.set_text_length_limit(1000)
        self.record_button = UIButton(pygame.Rect(x, y + 74, w, 32), "Record observation", self.manager)
        self.list_top = y + 130
        self._mark_kind()

    @property
    def observations(self) -> list:
        return self.ctx.observations  # kept in the context: they outlive a resize

    def _mark_kind(self) -> None:
        for b, kind in self.kind_buttons.items():
            b.select() if kind == self.kind else b.unselect()

    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element in self.kind_buttons:
                self.set_kind(self.kind_buttons[event.ui_element])
            elif event.ui_element is self.record_button:
                self.record()
            return None
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.entry:
            self.record()
            return None
        return super().handle_event(event)

    def set_kind(self, kind: str) -> None:
        self.kind = kind
        self._mark_kind()

    def record(self) -> Optional[int]:
        words = self.entry.get_text().strip()
        if not words:
            self.say("Write the observation first.")
            return None
        snap = self.link.snapshot()
        ref = _observe(self.link.client, words, self.kind)
        # stamped now with the picture's time; replaced by the host's time once it acknowledges
        self.observations.append({"ref": ref, "kind": self.kind, "text": words, "t": snap.t if snap else 0.0})
        self.entry.set_text("")
        self.say("Observation recorded.")
        return ref

    def left_title(self) -> str:
        return "Observations"

    def draw_left(self, surface: pygame.Surface, snap: Optional[Snapshot]) -> None:
        x, w = self.left.left + 10, self.left.width - 20
        text(surface, f"YOURS ({len(self.observations)})", (x, self.list_top - 22), size=14, colour=MUTED, bold=True)
        y = self.list_top
        acks = self.link.client.acks
        for o in reversed(self.observations):
            if y > self.left.bottom - 40:
                break
            t = acks.get(o["ref"], o["t"])
            colour = KIND_COLOURS[o["kind"]]
            label = dict(KINDS)[o["kind"]]
            text(surface, f"T+{clock(t)}  {label}" + ("" if o["ref"] in acks else "  (sending…)"), (x, y), size=14,
                 bold=True, colour=colour)
            y += 19
            for line in wrap(o["text"], w - 8, 14)[:4]:
                text(surface, line, (x + 8, y), size=14, colour=TEXT)
                y += 18
            y += 8
        if not self.observations:
            text(surface, "None yet.", (x, y), size=14, colour=MUTED)
