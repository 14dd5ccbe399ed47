"""A seat's briefing at a joint exercise: the shared situation, intelligence and objectives,
what the seat itself commands (its units and when they arrive), and its channels to every
other seat with their delays. From here the seat plans its units, or goes straight to the
operation."""
from __future__ import annotations

from typing import Optional

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UITextBox

from ui import render
from ui.joint.seat_plan import seat_briefing_html, seat_scenario
from ui.scenes.base import Next, Scene
from ui.scenes.briefing import units_html
from ui.widgets import ACCENT, MUTED, YELLOW_TEXT, panel, text


class JointBriefingScene(Scene):
    name = "joint_briefing"

    def enter(self) -> None:
        self.link = self.ctx.link
        self.build()

    def build(self) -> None:
        w, h = self.window.size
        scenario, seat = self.ctx.scenario, self.link.seat
        self.text_rect = pygame.Rect(20, 76, int(w * 0.46), h - 156)
        self.map_rect = pygame.Rect(self.text_rect.right + 20, 76, w - self.text_rect.right - 40, int((h - 156) * 0.55))
        self.units_rect = pygame.Rect(self.map_rect.left, self.map_rect.bottom + 40, self.map_rect.width,
                                      h - 80 - self.map_rect.bottom - 40)
        self.brief_box = UITextBox(seat_briefing_html(scenario, seat), self.text_rect, self.manager)
        self.units_box = UITextBox(units_html(seat_scenario(scenario, seat).spec) or "<i>No units.</i>",
                                   self.units_rect, self.manager)
        self.plan_button = UIButton(pygame.Rect(w - 280, h - 62, 260, 44), "Plan your units  >", self.manager)
        if not seat_scenario(scenario, seat).spec.units:  # nothing of its own to plan
            self.plan_button.disable()
        self.skip_button = UIButton(pygame.Rect(20, h - 62, 260, 44), "Straight to the operation", self.manager,
                                    tool_tip_text="No plan: give your orders as the operation runs")

    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.plan_button:
                return Next.JOINT_PLANNING
            if event.ui_element is self.skip_button:
                return Next.SEAT
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_RETURN and self.plan_button.is_enabled:
            return Next.JOINT_PLANNING
        return None

    def update(self, dt: float) -> Optional[Next]:
        snap = self.link.snapshot()
        if snap is not None and snap.finished and self.link.record_path:
            return Next.JOINT_DEBRIEF
        return None

    def draw(self, surface: pygame.Surface) -> None:
        spec = self.ctx.scenario.spec
        w, h = surface.get_size()
        text(surface, f"BRIEFING · {self.link.seat_name(self.link.seat)}", (20, 14), size=26, bold=True, colour=ACCENT)
        status = self.link.status_words()
        text(surface, f"{spec.title}  ·  {status.lower()}", (20, 46), size=15,
             colour=YELLOW_TEXT if not self.link.started else MUTED)
        inner = panel(surface, self.map_rect, "Floor plan as known")
        view = render.view_for(self.ctx.scenario, inner)
        render.draw_plan(surface, view, self.ctx.scenario)
        render.draw_pointer_name(surface, view, self.ctx.scenario)
        text(surface, "YOUR UNITS", (self.units_rect.left, self.units_rect.top - 24), size=15, colour=MUTED, bold=True)
        text(surface, "Enter: plan your units", (w // 2, h - 38), size=15, colour=MUTED, anchor="center")

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("Enter", "plan your units"), ("?", "show or hide this help")]
