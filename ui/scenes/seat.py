"""An agency's seat in a joint exercise: its own units, what it knows, its messages.

Left: the seat's units and orders (unit, then order, then its target on the map, as in
solo play), and the message composer (recipient, a channel that joins the two seats, with
its delay; text; optionally the selected sighting or a place marked on the map). On the
map: the seat's own picture; a decision it owns opens over the map's foot with its time
left, and a banner says which seat is taking any other. Every command goes to the host
through the seat's client, which never waits; the host's refusals come back as errors.
"""
from __future__ import annotations

from typing import Optional

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIDropDownMenu, UITextEntryLine

from sim.engine.narrate import humanise
from sim.engine.snapshot import Snapshot
from ui import render
from ui.scenes.base import Next
from ui.order_tools import ORDER_TOOLS
from ui.order_choices import method_buttons, ORDER_PROBLEMS, breach_choices, problem_status, problem_unit
from ui.scenes.joint_base import JointScene
from ui.style.fonts import cut_to_width
from ui.widgets import (ACCENT, MESSAGE_SPACE, MUTED, TEXT, YELLOW_TEXT, draw_option_words, fit_button_words,
                        option_buttons, options_height, text, text_block, wrap)

COMPOSER_HEIGHT = 232


class SeatScene(JointScene):
    name = "seat"
    view_title = "Your agency's picture: seen by your units, or told"

    def enter(self) -> None:
        self.unit: Optional[str] = None
        self.verb: Optional[str] = None
        self.fields: dict[str, str] = {}
        self.marking = False  # the next map click marks a place for the message
        self.mark: Optional[dict] = None  # {"cell": [r, c], "label": ...}
        self.about: Optional[str] = None  # the sighting the message is about
        self.to: Optional[str] = None
        self.via: Optional[str] = None
        self.decision_id: Optional[str] = None
        self.decision_buttons: dict = {}
        self.method_buttons: dict = {}  # a breach asking for its method
        self.asking: Optional[tuple[dict, bool]] = None
        super().enter()
        plan = getattr(self.ctx, "seat_plan", None)
        if plan is not None:
            waiting = f"{len(plan.held)} wait for {self.link.seat_name(plan.on_go_of)}'s go" if plan.held else ""
            queued = f"{len(plan.now)} orders queued" if plan.now or not plan.held else ""
            self.say(f"Ready: {', '.join(p for p in (queued, waiting) if p)}.")
        elif not self.link.started:
            self.say("Waiting for the controller to start the exercise. Read your units and channels meanwhile.")

    @property
    def units(self) -> list[str]:
        return list(self.link.welcome.get("units", []))

    # -- layout --------------------------------------------------------------------------------
    def build_left(self) -> None:
        left = self.left
        self.orders_top = left.bottom - COMPOSER_HEIGHT - 12 - ((len(ORDER_TOOLS) + 1) // 2) * 30
        step = max(28, min(44, (self.orders_top - 28 - (left.top + 34)) // max(1, len(self.units))))
        self.unit_step = step
        self.unit_buttons = {}
        y = left.top + 34
        for unit in self.units:
            name = self.link.names.get(unit, unit)
            shown = fit_button_words(self.manager, name, left.width - 16)
            b = UIButton(pygame.Rect(left.left + 8, y, left.width - 16, 26 if step >= 40 else step - 3),
                         shown, self.manager, tool_tip_text=name if shown != name else None)
            self.unit_buttons[b] = unit
            y += step
        self.order_buttons = {}
        half = (left.width - 20) // 2
        for i, verb in enumerate(ORDER_TOOLS):
            rect = pygame.Rect(left.left + 8 + (i % 2) * (half + 4), self.orders_top + (i // 2) * 30, half, 27)
            self.order_buttons[UIButton(rect, verb.replace("_", " "), self.manager)] = verb
        self.build_composer()
        self.decision_id, self.decision_buttons, self.option_words = None, {}, {}

    def build_composer(self) -> None:
        left = self.left
        top = left.bottom - COMPOSER_HEIGHT
        self.composer = pygame.Rect(left.left + 6, top, left.width - 12, COMPOSER_HEIGHT - 6)
        x, w = self.composer.left + 4, self.composer.width - 8
        recipients = self.link.recipients()
        if self.to not in recipients:
            self.to = recipients[0] if recipients else None
        self.to_labels = {self.link.seat_name(s): s for s in recipients}
        self.to_menu = UIDropDownMenu(list(self.to_labels) or ["(nobody)"],
                                      self.link.seat_name(self.to) if self.to else "(nobody)",
                                      pygame.Rect(x + 30, top + 26, w - 30, 28), self.manager)
        self.via_menu = None
        self._build_channels()
        self.text_entry = UITextEntryLine(pygame.Rect(x, top + 94, w, 30), self.manager,
                                          placeholder_text="Message text…")
        self.text_entry.set_text_length_limit(400)
        self.about_button = UIButton(pygame.Rect(x, top + 130, w // 2 - 2, 28), "Attach selected", self.manager,
                                     tool_tip_text="attach the sighting selected on the map or in the list")
        self.mark_button = UIButton(pygame.Rect(x + w // 2 + 2, top + 130, w // 2 - 2, 28), "Mark on map",
                                    self.manager, tool_tip_text="then click the place on the map")
        self.send_button = UIButton(pygame.Rect(x, top + 188, w, 32), "Send message", self.manager)

    def _build_channels(self) -> None:
        if self.via_menu is not None:
            self.via_menu.kill()
        channels = self.link.channels_to(self.to) if self.to else []
        if self.via not in channels:
            self.via = channels[0] if channels else None
        self.via_labels = {self.link.channel_label(c, delay_first=True): c for c in channels}
        top, x, w = self.composer.top, self.composer.left + 4, self.composer.width - 8
        self.via_menu = UIDropDownMenu(list(self.via_labels) or ["(no channel)"],
                                       self.link.channel_label(self.via, delay_first=True) if self.via
                                       else "(no channel)",
                                       pygame.Rect(x + 30, top + 60, w - 30, 28), self.manager)

    # -- commands ------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            el = event.ui_element
            if el in self.method_buttons:
                (fields, queue), method = self.asking, self.method_buttons[el]
                self._close_methods()
                self.give({**fields, "method": method}, queue=queue)
            elif el in self.unit_buttons:
                self.select(self.unit_buttons[el])
            elif el in self.order_buttons:
                self.pick_verb(self.order_buttons[el])
            elif el in self.decision_buttons:
                self.choose(self.decision_buttons[el])
            elif el is self.about_button:
                self.attach_selected()
            elif el is self.mark_button:
                self.start_marking()
            elif el is self.send_button:
                self.send()
            return None
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if event.ui_element is self.to_menu and event.text in self.to_labels:
                self.set_recipient(self.to_labels[event.text])
            elif event.ui_element is self.via_menu and event.text in self.via_labels:
                self.via = self.via_labels[event.text]
            return None
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.text_entry:
            self.send()
            return None
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 3:
            self.cancel()
            return None
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.cancel()
            return None
        return super().handle_event(event)

    def cancel(self) -> None:
        self.verb, self.fields, self.marking = None, {}, False
        self._close_methods()
        self.say("Cancelled.")

    def _ask_method(self, fields: dict, queue: bool) -> None:
        self._close_methods()
        door = next(d for d in self.link.scenario.spec.floor_plan.doors if d.id == fields["door"])
        choices = breach_choices(self.link.scenario, self.unit, door.kind)
        self.asking = (fields, queue)
        self.method_buttons = method_buttons(self.manager, self._method_rect(len(choices)), choices)
        self.say(f"Breach {self.link.names.get(door.id, door.id)}: choose how (right-click or Esc cancels).")

    def _method_rect(self, count: int) -> pygame.Rect:
        rect = pygame.Rect(0, 0, min(440, self.map_rect.width - 24), 48 + 34 * count)
        rect.topleft = (self.map_rect.left + 12, self.map_rect.top + 36)
        return rect

    def _close_methods(self) -> None:
        for b in getattr(self, "method_buttons", {}):
            b.kill()
        self.method_buttons, self.asking = {}, None

    def select(self, unit: str) -> None:
        self.unit, self.selected = unit, unit
        self.verb, self.fields = None, {}
        self.say(f"{self.link.names.get(unit, unit)} selected: choose an order.")

    def pick_verb(self, verb: str) -> None:
        if not self.unit:
            self.say("Select one of your units first.")
            return
        self.verb, self.fields = verb, {}
        if not ORDER_TOOLS[verb]:
            self.give({})
            return
        kinds = ORDER_TOOLS[verb][0][1]
        self.say(f"{verb.replace('_', ' ')}: click a {' or '.join(kinds)} on the map (right-click cancels).")

    def click_map(self, pos, *, queue: bool = False) -> None:
        if self.method_buttons:
            return  # the method question waits for its answer
        if self.marking:
            self.mark_at(pos)
            return
        if not self.verb:
            super().click_map(pos)
            ident = self.selected
            if ident in self.units:
                self.select(ident)
            return
        field, kinds = ORDER_TOOLS[self.verb][len(self.fields)]
        view = render.view_for(self.link.scenario, self.map_inner)
        target = self.marker_at(pos, kinds) or render.place_at(self.link.scenario, view, pos, kinds)
        if target is None:
            self.say(f"No {' or '.join(kinds)} there.")
            return
        self.fields[field] = target
        if len(self.fields) < len(ORDER_TOOLS[self.verb]):
            nxt = ORDER_TOOLS[self.verb][len(self.fields)][1]
            self.say(f"{self.verb.replace('_', ' ')} {self.link.names.get(target, target)}: now click a "
                     f"{' or '.join(nxt)}.")
            return
        self.give(dict(self.fields), queue=queue or bool(pygame.key.get_mods() & pygame.KMOD_SHIFT))

    def give(self, fields: dict, *, queue: bool = False) -> Optional[int]:
        """Send the order to the host; its refusal, if any, comes back as an error. A breach
        first asks for its method, as planning does."""
        verb = self.verb
        if verb == "breach" and "method" not in fields:
            self._ask_method(fields, queue)
            return None
        order = {"unit": self.unit, "do": verb, **fields}
        ref = self.link.client.order(order, queue=queue)
        names = self.link.names
        described = ", ".join(names.get(v, v.replace("_", " ")) for v in fields.values())
        self.say(f"Order sent: {names.get(self.unit, self.unit)} {verb.replace('_', ' ')} {described}".strip())
        self.verb, self.fields = None, {}
        return ref

    def choose(self, option: str) -> None:
        snap = self.link.snapshot()
        if snap is not None and snap.decision is not None:
            self.link.client.decide(snap.decision.id, option)
            label = dict(snap.decision.options).get(option, option)
            self.say(f"Decided: {label}")

    def set_recipient(self, seat: str) -> None:
        self.to = seat
        self._build_channels()

    def attach_selected(self) -> None:
        snap = self.link.snapshot()
        m = snap.marker(self.selected) if snap and self.selected else None
        if m is None or m.kind == "unit":
            self.about = None
            self.say("Select a sighting (a person or item) on the map or in the list first.")
            return
        self.about, self.mark = m.id, None
        self.say(f"The message will carry your sighting of {self.link.names.get(m.id, m.name)}.")

    def start_marking(self) -> None:
        self.marking, self.verb = True, None
        self.say("Click the place on the map to mark it for the message.")

    def mark_at(self, pos) -> None:
        view = render.view_for(self.link.scenario, self.map_inner)
        cell = view.cell_at(pos)
        self.marking = False
        if cell is None:
            self.say("That is off the map.")
            return
        room = self.link.scenario.grid.room_at(cell)
        label = (self.text_entry.get_text().strip() or f"marked: {self.link.names.get(room, room or 'here')}")[:80]
        self.mark, self.about = {"cell": [int(cell[0]), int(cell[1])], "label": label}, None
        self.say(f"Map mark set in {self.link.names.get(room, room) if room else 'the map'}.")

    def send(self) -> Optional[int]:
        words = self.text_entry.get_text().strip()
        if not self.to or not self.via:
            self.say("There is no channel to that seat.", error=True)
            return None
        if not words and not self.about and not self.mark:
            self.say("Write something, or attach a sighting or a map mark.")
            return None
        ref = self.link.client.message(self.to, self.via, words, about=self.about, marker=self.mark)
        self.say(f"Sent to {self.link.seat_name(self.to)} by {self.link.channel_label(self.via)}; "
                 "it arrives after the channel's delay.")
        self.text_entry.set_text("")
        self.about, self.mark = None, None
        return ref

    # -- time ----------------------------------------------------------------------------------
    def update_left(self) -> None:
        if self.message.startswith(("Waiting for the controller", "Ready:")) and self.link.started:
            plan = getattr(self.ctx, "seat_plan", None)
            if plan is not None and plan.held:
                self.say(f"The exercise has started; {len(plan.held)} planned orders wait for "
                         f"{self.link.seat_name(plan.on_go_of)}'s go.")
            else:
                self.say("The exercise has started (the top bar says whether it runs or is paused).")
        snap = self.link.snapshot()
        if snap is not None:
            self._release_on_go(snap)
        decision = snap.decision if snap is not None else None
        current = decision.id if decision else None
        if self.decision_id is not None and current != self.decision_id and snap is not None:
            self._say_if_defaulted(snap, self.decision_id)
        if current == self.decision_id:
            return
        for b in self.decision_buttons:
            b.kill()
        self.decision_buttons, self.decision_id, self.option_words = {}, current, {}
        if decision is None:
            return
        self.decision_labels = dict(decision.options)
        rect = self._decision_rect(decision)
        self.decision_buttons, self.option_words = option_buttons(self.manager, rect.left + 14, rect.bottom - 10,
                                                                  rect.width - 28, _option_words(decision))

    def _release_on_go(self, snap: Snapshot) -> None:
        """Orders the plan holds for another seat's go are given when its go arrives."""
        plan = getattr(self.ctx, "seat_plan", None)
        if plan is None or not plan.held or not any(plan.is_go(e) for e in snap.feed):
            return
        for order in plan.held:
            self.link.client.order(order.model_dump(exclude_none=True), queue=True)
        self.say(f"{self.link.seat_name(plan.on_go_of)}'s go: {len(plan.held)} planned orders given.")
        plan.held = []

    def _say_if_defaulted(self, snap: Snapshot, decision_id: str) -> None:
        """A decision of ours that ran out of time says so, not only in the feed."""
        made = next((e for e in reversed(snap.feed) if e["kind"] == "decision_made"
                     and e.get("subject") == decision_id), None)
        if made is not None and made.get("how") == "defaulted":
            label = getattr(self, "decision_labels", {}).get(made.get("option"), made.get("option"))
            self.say(f"Out of time, the default was taken: {str(label).split(' (')[0]}.", error=True)

    def _decision_rect(self, decision) -> pygame.Rect:
        width = min(640, self.map_rect.width - 30)
        prompt = wrap(decision.prompt, width - 28, 16)
        buttons = options_height(_option_words(decision), width - 28)
        height = 62 + len(prompt) * 22 + buttons + 8
        rect = pygame.Rect(0, 0, width, min(height, max(int(self.map_rect.height * 0.62), buttons + 110)))
        rect.midtop = (self.map_rect.centerx, self.map_inner.bottom + 8)  # under the map where it fits
        if rect.bottom > self.map_rect.bottom - MESSAGE_SPACE:
            rect.bottom = self.map_rect.bottom - MESSAGE_SPACE
        return rect

    # -- drawing -------------------------------------------------------------------------------
    def left_title(self) -> str:
        return "Your units"

    def draw_left(self, surface: pygame.Surface, snap: Optional[Snapshot]) -> None:
        for b, unit in self.unit_buttons.items():
            m = snap.marker(unit) if snap else None
            if m is not None and self.unit_step >= 40:
                status = humanise(m.state, self.link.names) if m.present else "not yet on scene"
                colour = YELLOW_TEXT if unit == self.unit else MUTED
                problem = _latest_problem(snap, unit, self.link.names)
                if problem:  # an order that failed or was replaced: told at once
                    status, colour = f"! {problem}", ACCENT
                text(surface, cut_to_width(status, b.rect.width - 8, 14), (b.rect.left + 4, b.rect.bottom + 1), size=14,
                     colour=colour)
        text(surface, "ORDERS (unit, order, then the map)", (self.left.left + 10, self.orders_top - 20), size=14,
             colour=MUTED, bold=True)
        c = self.composer
        pygame.draw.line(surface, (70, 76, 88), (c.left, c.top - 6), (c.right, c.top - 6))
        text(surface, "MESSAGE ANOTHER AGENCY", (c.left + 4, c.top + 4), size=14, colour=MUTED, bold=True)
        text(surface, "To", (c.left + 4, c.top + 32), size=15, colour=TEXT)
        text(surface, "By", (c.left + 4, c.top + 66), size=15, colour=TEXT)
        attached = "Attached: none"
        if self.about:
            attached = f"Attached: sighting of {self.link.names.get(self.about, self.about)}"
        elif self.mark:
            attached = f"Attached: map mark '{self.mark['label']}'"
        elif self.marking:
            attached = "Click the map to place the mark…"
        text(surface, cut_to_width(attached, c.width - 8, 14), (c.left + 4, c.top + 164), size=14,
             colour=ACCENT if (self.about or self.mark or self.marking) else MUTED)

    def draw_on_map(self, surface, view, snap: Snapshot) -> None:
        if self.mark:
            centre = view.centre(tuple(self.mark["cell"]))
            pygame.draw.circle(surface, ACCENT, centre, max(8, int(view.scale * 0.7)), 3)
        self._draw_decision(surface, snap)
        if self.method_buttons:
            box = self._method_rect(len(self.method_buttons))
            shade = pygame.Surface(box.size, pygame.SRCALPHA)
            shade.fill((20, 22, 28, 240))
            surface.blit(shade, box)
            pygame.draw.rect(surface, ACCENT, box, 2, border_radius=6)
            door = self.link.names.get(self.asking[0]["door"], "the door") if self.asking else "the door"
            text(surface, cut_to_width(f"BREACH {door.upper()}: BY WHICH METHOD?", box.width - 24, 15, bold=True),
                 (box.left + 12, box.top + 10), size=15, bold=True, colour=ACCENT)

    def draw_over(self, surface: pygame.Surface) -> None:
        draw_option_words(surface, self.option_words)

    def _draw_decision(self, surface: pygame.Surface, snap: Snapshot) -> None:
        decision = snap.decision
        if decision is None or not self.decision_buttons:
            return
        rect = self._decision_rect(decision)
        shade = pygame.Surface(rect.size, pygame.SRCALPHA)
        shade.fill((20, 22, 28, 238))
        surface.blit(shade, rect)
        pygame.draw.rect(surface, ACCENT, rect, 2, border_radius=6)
        clock_words = "clock stopped" if decision.paused else "clock running"
        text(surface, f"YOUR DECISION  ·  {clock_words}  ·  {decision.time_left:.0f} s left",
             (rect.left + 14, rect.top + 10), size=16, bold=True, colour=ACCENT)
        first = min(b.rect.top for b in self.decision_buttons)
        text_block(surface, decision.prompt, pygame.Rect(rect.left + 14, rect.top + 38, rect.width - 28,
                                                         first - rect.top - 42), size=16)

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("unit, order, map", "select your unit, pick an order, click its target"),
                ("shift-click", "queue the order after the unit's current one"),
                ("right-click / Esc", "cancel the order or the map mark"),
                ("click a marker", "select it: how you know it, and how old it is"),
                ("Attach selected", "send the selected sighting with your message"),
                ("Enter", "send the message"), ("?", "show or hide this help")]


def _option_words(decision) -> dict[str, str]:
    return {option: label + ("  (default)" if option == decision.default else "") for option, label in decision.options}


PROBLEM_SHOWN_S = 30.0  # simulated seconds a failed or replaced order stays in the unit's status


def _latest_problem(snap: Snapshot, unit: str, names: dict) -> Optional[str]:
    """The unit's last order problem in the seat's feed, if recent and no order started since."""
    for event in reversed(snap.feed):
        if problem_unit(event) != unit:
            continue
        if event["kind"] in ORDER_PROBLEMS:
            return problem_status(event, names) if snap.t - event["t"] <= PROBLEM_SHOWN_S else None
        if event["kind"] == "order_started":
            return None
    return None
