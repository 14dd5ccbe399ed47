"""The controller's seat: the trainer sees everything and steers the running exercise.

Left: the clock (start/pause, speed for everyone, end the operation: asked twice, as it cannot
be undone; an input of the run like any other), the scenario's injects with "fire
now" (fired ones marked), a message typed on the spot to a chosen seat, alerting a
perpetrator, and the open decision (+30 s, +60 s, close it with its default). The feed on
the right shows every message between the seats.
"""
from __future__ import annotations

from typing import Optional

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIDropDownMenu, UITextEntryLine

from sim.engine.narrate import clock
from sim.engine.snapshot import Snapshot
from ui.joint.room_panel import RoomPanel, room_height
from ui.scenes.base import Next
from ui.scenes.joint_base import JointScene
from ui.style.fonts import cut_to_width
from ui.widgets import ACCENT, MESSAGE_SPACE, MUTED, TEXT, YELLOW_TEXT, text, wrap

SPEEDS = (0.5, 1, 2, 4, 8, 16)


class ControlScene(JointScene):
    name = "control"
    view_title = "Exercise control: everything, as it is"

    def enter(self) -> None:
        self.fired: set[str] = set()
        self.message_to: Optional[str] = None
        self.alert_target = "all"
        super().enter()
        self.say("The seats wait for you: press Start when everyone has joined.")

    def known_title(self) -> str:
        return "Everyone and everything"

    def build(self) -> None:
        super().build()
        # the room above what is known: who is there, ready, connected; a seat that dropped
        rect = self.known_rect
        height = min(room_height(len(self.link.scenario.spec.seats)), rect.height - 90)
        room_rect = pygame.Rect(rect.left, rect.top, rect.width, height)
        self.known_rect = pygame.Rect(rect.left, room_rect.bottom + 8, rect.width, rect.bottom - room_rect.bottom - 8)
        self.room = RoomPanel(room_rect, self.link, self.manager)
        self.plan_seat: Optional[str] = getattr(self, "plan_seat", None)  # a seat's plan shown below the room
        self.warned = len(self.link.room.get("warnings", []))

    # -- layout --------------------------------------------------------------------------------
    def build_left(self) -> None:
        left, link = self.left, self.link
        x, w = left.left + 8, left.width - 16
        y = left.top + 34
        self.pause_button = UIButton(pygame.Rect(x, y, w - 90, 34), "Start", self.manager, tool_tip_text="Space")
        self.end_button = UIButton(pygame.Rect(x + w - 86, y, 86, 34), "End", self.manager,
                                   tool_tip_text="end the operation now, for everyone (click twice)")
        self.end_armed = False
        y += 40
        self.speed_top = y
        y += 20
        self.speed_buttons = {}
        bw = (w - 5 * 4) // len(SPEEDS)
        for i, s in enumerate(SPEEDS):
            b = UIButton(pygame.Rect(x + i * (bw + 4), y, bw, 28), f"{s:g}x", self.manager)
            self.speed_buttons[b] = s
        y += 56
        self.injects_top = y - 20
        self.inject_buttons = {}
        for inject in link.scenario.spec.injects:
            b = UIButton(pygame.Rect(x + w - 86, y, 86, 26), "fire now", self.manager,
                         tool_tip_text=inject.message[:200])
            self.inject_buttons[b] = inject.id
            y += 44
        y += 24
        self.custom_top = y - 20
        seats = [s.id for s in link.scenario.spec.seats]
        self.message_to = self.message_to or (seats[0] if seats else None)
        self.seat_labels = {link.seat_name(s): s for s in seats}
        self.to_menu = UIDropDownMenu(list(self.seat_labels) or ["(none)"],
                                      link.seat_name(self.message_to) if self.message_to else "(none)",
                                      pygame.Rect(x, y, w, 28), self.manager)
        y += 32
        self.message_entry = UITextEntryLine(pygame.Rect(x, y, w - 70, 30), self.manager,
                                             placeholder_text="A message typed now…")
        self.message_entry.set_text_length_limit(400)
        self.send_button = UIButton(pygame.Rect(x + w - 66, y, 66, 30), "Send", self.manager)
        y += 58
        self.alert_top = y - 20
        perps = ["all"] + [p.id for p in link.scenario.spec.perpetrators]
        self.alert_labels = {("every perpetrator" if p == "all" else link.names.get(p, p)): p for p in perps}
        self.alert_menu = UIDropDownMenu(list(self.alert_labels), next(k for k, v in self.alert_labels.items()
                                                                       if v == self.alert_target),
                                         pygame.Rect(x, y, w - 70, 28), self.manager)
        self.alert_button = UIButton(pygame.Rect(x + w - 66, y, 66, 28), "Alert", self.manager)
        y += 58
        self.decision_top = y - 20
        self.extend_buttons = {}
        third = (w - 8) // 3
        for i, (label, action) in enumerate((("+30 s", 30), ("+60 s", 60), ("Close now", None))):
            b = UIButton(pygame.Rect(x + i * (third + 4), min(y + 44, left.bottom - 34), third, 28), label,
                         self.manager)
            self.extend_buttons[b] = action

    # -- commands ------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            el = event.ui_element
            if el is self.pause_button:
                self.toggle_clock()
            elif el is self.end_button:
                self.end_operation()
            elif el in self.speed_buttons:
                self.set_speed(self.speed_buttons[el])
            elif el in self.inject_buttons:
                self.fire(self.inject_buttons[el])
            elif el is self.send_button:
                self.send_message()
            elif el is self.alert_button:
                self.alert(self.alert_target)
            elif el in self.extend_buttons:
                self.decision_action(self.extend_buttons[el])
            elif el in self.room.buttons:
                self.hand_over(el)
            return None
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if event.ui_element is self.to_menu and event.text in self.seat_labels:
                self.message_to = self.seat_labels[event.text]
            elif event.ui_element is self.alert_menu and event.text in self.alert_labels:
                self.alert_target = self.alert_labels[event.text]
            return None
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.message_entry:
            self.send_message()
            return None
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.room.rect.collidepoint(event.pos):
            self.show_plan(self.room.seat_at(event.pos))
            return None
        if event.type == pygame.KEYDOWN and event.key == pygame.K_SPACE and not self.message_entry.is_focused:
            self.toggle_clock()
            return None
        return super().handle_event(event)

    def toggle_clock(self) -> None:
        resume = self.link.paused
        self.link.client.control({"do": "resume" if resume else "pause"})
        self.say("Exercise running for everyone." if resume else "Exercise paused for everyone.")

    def end_operation(self) -> Optional[int]:
        """The first click asks, the second ends the operation for every seat (an input of the run)."""
        if not self.end_armed:
            self.end_armed = True
            self.end_button.set_text("Sure?")
            self.say("Click End again to end the operation for everyone; it cannot be undone.")
            return None
        self.end_armed = False
        self.end_button.set_text("End")
        self.say("Operation ended for everyone.")
        return self.link.client.control({"do": "end"})

    def set_speed(self, x: float) -> None:
        self.link.client.control({"do": "speed", "x": x})
        self.say(f"Speed {x:g}x for everyone.")

    def fire(self, inject: str) -> int:
        # marked fired when the host's picture shows it, not before: the host may refuse it
        self.say(f"Inject fired: {inject}.")
        return self.link.client.control({"do": "fire_inject", "inject": inject})

    def send_message(self) -> Optional[int]:
        words = self.message_entry.get_text().strip()
        if not words or not self.message_to:
            self.say("Type the message first.")
            return None
        self.message_entry.set_text("")
        self.say(f"Message sent to {self.link.seat_name(self.message_to)}.")
        return self.link.client.control({"do": "message", "to": self.message_to, "text": words})

    def alert(self, target: str) -> int:
        self.say(f"Alerted: {'every perpetrator' if target == 'all' else self.link.names.get(target, target)}.")
        return self.link.client.control({"do": "alert", "perpetrator": target})

    def decision_action(self, seconds: Optional[int]) -> Optional[int]:
        snap = self.link.snapshot()
        if snap is None or snap.decision is None:
            self.say("No decision is open.")
            return None
        d = snap.decision.id
        if seconds is None:
            self.say(f"Decision {d} closed with its default.")
            return self.link.client.control({"do": "close_decision", "decision": d})
        self.say(f"Decision {d}: {seconds} s more.")
        return self.link.client.control({"do": "extend_decision", "decision": d, "seconds": seconds})

    def show_plan(self, seat: Optional[str]) -> None:
        """A seat's plan (the orders it queued before the start) under the map, in place of the
        messages; the same seat again, or the room's edge, goes back."""
        self.plan_seat = None if seat is None or seat == self.plan_seat else seat

    def hand_over(self, button) -> Optional[int]:
        action = self.room.action_for(button)
        if action is None:
            return None
        name = self.link.seat_name(action["seat"])
        self.say(f"{name}: played by the plan from now." if action["do"] == "hand_to_plan" else
                 f"{name}: handed back to its player.")
        return self.link.client.control(action)

    # -- time ----------------------------------------------------------------------------------
    def update_left(self) -> None:
        people = tuple(s["id"] for s in self.link.welcome.get("seats", []) if s.get("played"))
        self.room.update(people)
        warnings = self.link.room.get("warnings", [])
        if len(warnings) > self.warned:  # a seat dropped (or came back): say so where the eye is
            latest = warnings[-1]
            self.say(f"{latest['text']}" + (": hand it to the plan, or wait" if "dropped" in latest["text"] else "."),
                     error="dropped" in latest["text"])
        self.warned = len(warnings)
        snap = self.link.snapshot()
        if snap is not None:  # fired by anyone (or by their trigger): the feed says so
            self.fired |= {e.get("subject") for e in snap.feed if e["kind"] == "inject"}
        for b, ident in self.inject_buttons.items():  # an inject fires once
            if ident in self.fired and b.is_enabled:
                b.set_text("fired")
                b.disable()
        if self.message.startswith("The seats wait") and self.link.started:
            self.say("The exercise has started (the top bar says whether it runs or is paused).")
        words = "Start" if not self.link.started else "Resume" if self.link.paused else "Pause"
        if self.pause_button.text != words:
            self.pause_button.set_text(words)

    # -- drawing -------------------------------------------------------------------------------
    def left_title(self) -> str:
        return "Exercise control"

    def draw_known(self, surface: pygame.Surface, snap: Snapshot) -> None:
        self.room.draw(surface)
        super().draw_known(surface, snap)

    def draw_messages(self, surface: pygame.Surface, snap: Snapshot) -> None:
        """Under the map: the messages between the seats, or the plan of the seat clicked in the room."""
        if self.plan_seat is None:
            super().draw_messages(surface, snap)
            return
        area = pygame.Rect(self.map_inner.left, self.map_inner.bottom + 8, self.map_inner.width,
                           self.map_rect.bottom - MESSAGE_SPACE - self.map_inner.bottom - 8)
        text(surface, f"{self.link.seat_name(self.plan_seat).upper()}'S PLAN (click its row again to close)",
             (area.left, area.top), size=14, colour=MUTED, bold=True)
        lines = self.room.plan_lines(self.plan_seat) or ["No orders planned before the start."]
        y = area.top + 22
        for i, line in enumerate(lines):
            wrapped = wrap(line, area.width - 4, 15)
            if y + 19 * len(wrapped) > area.bottom:
                text(surface, f"… and {len(lines) - i} more", (area.left, y), size=15, colour=MUTED)
                break
            for part in wrapped:
                text(surface, part, (area.left, y), size=15, colour=TEXT)
                y += 19

    def draw_left(self, surface: pygame.Surface, snap: Optional[Snapshot]) -> None:
        left = self.left
        x, w = left.left + 10, left.width - 20
        text(surface, "SPEED FOR EVERYONE", (x, self.speed_top), size=14, colour=MUTED, bold=True)
        text(surface, "INJECTS", (x, self.injects_top), size=14, colour=MUTED, bold=True)
        for b, ident in self.inject_buttons.items():
            inject = next(i for i in self.link.scenario.spec.injects if i.id == ident)
            fired = ident in self.fired
            when = f"at {clock(inject.at)}" if getattr(inject, "at", None) is not None else \
                f"on {getattr(inject, 'on', '') or 'trigger'}"
            title = ("✓ " if fired else "") + ident.replace("_", " ")
            text(surface, cut_to_width(title, w - 94, 15), (x, b.rect.top), size=15, bold=True,
                 colour=MUTED if fired else TEXT)
            text(surface, cut_to_width(("fired · " if fired else "") + when + (f" · to {self.link.seat_name(inject.to)}"
                                                                      if inject.to else ""), w - 94, 13),
                 (x, b.rect.top + 19), size=13, colour=ACCENT if fired else MUTED)
        text(surface, "MESSAGE TO A SEAT", (x, self.custom_top), size=14, colour=MUTED, bold=True)
        text(surface, "ALERT A PERPETRATOR", (x, self.alert_top), size=14, colour=MUTED, bold=True)
        text(surface, "OPEN DECISION", (x, self.decision_top), size=14, colour=MUTED, bold=True)
        d = snap.decision if snap else None
        words = f"{d.id}: {d.time_left:.0f} s left" if d else "none open"
        text(surface, cut_to_width(words, w, 15), (x, self.decision_top + 20), size=15,
             colour=YELLOW_TEXT if d else MUTED)
        if d is not None:
            text(surface, cut_to_width(d.prompt, w, 13), (x, self.decision_top + 40 - 2), size=13, colour=MUTED)

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("Space", "start / pause the exercise for everyone"),
                ("fire now", "fire a scenario inject at once"),
                ("click a seat in the room", "show its plan; again to close"),
                ("click a marker", "select it"), ("?", "show or hide this help")]
