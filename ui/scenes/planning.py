"""Planning: stage each unit, pick the entry door and method, cordon exits and windows,
set when to go, decide whether to wait for the interpreter; the plan is checked first."""
from __future__ import annotations

import html
from typing import Optional

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UITextBox

from sim.engine.narrate import humanise, names_of
from ui import render
from ui.planning_model import TOOLS, PlanDraft, methods_for
from ui.preview.words import languages
from ui.scenes.base import Next, Scene
from ui.widgets import ACCENT, MUTED, TEXT, YELLOW_TEXT, fit_button_words, panel, text, text_size, wrap


def order_line(order, names: dict[str, str]) -> str:
    fields = [names.get(getattr(order, k), getattr(order, k)) for k in ("to", "door", "room", "target", "victim")
              if getattr(order, k, None)]
    extra = f" by {order.method.replace('_', ' ')}" if getattr(order, "method", None) else ""
    trigger = order.when or order.on
    if trigger:
        trigger = humanise(trigger, names)
    when = f" [at {order.at:g} s]" if order.at is not None else f" [when {trigger}]" if trigger else ""
    return f"{order.do.replace('_', ' ')} {' '.join(fields)}{extra}{when}"


class PlanningScene(Scene):
    name = "planning"

    def enter(self) -> None:
        scenario = self.ctx.scenario
        self.names = names_of(scenario.spec)
        self.draft = PlanDraft(scenario)
        self.unit: Optional[str] = scenario.spec.units[0].id
        self.tool: Optional[str] = None
        self.method: Optional[str] = None
        self.messages: list[tuple[str, tuple]] = []
        self.warned = False
        self.build()

    def build(self) -> None:
        w, h = self.window.size
        spec = self.ctx.scenario.spec
        self.left = pygame.Rect(16, 64, 300, h - 140)
        self.right = pygame.Rect(w - 360, 64, 344, h - 140)
        self.map_rect = pygame.Rect(self.left.right + 12, 64, self.right.left - self.left.right - 24, h - 140)
        self.map_inner = pygame.Rect(self.map_rect.left + 12, self.map_rect.top + 32,
                                     self.map_rect.width - 24, self.map_rect.height - 42)
        self.unit_buttons = {}
        y = self.left.top + 36
        for unit in spec.units:
            shown = fit_button_words(self.manager, unit.name, self.left.width - 20)
            tip = f"{unit.kind.replace('_', ' ')}, {unit.size}, speaks {languages(unit.languages)}"
            b = UIButton(pygame.Rect(self.left.left + 10, y, self.left.width - 20, 30), shown, self.manager,
                         tool_tip_text=tip if shown == unit.name else f"{unit.name}: {tip}")
            self.unit_buttons[b] = unit.id
            y += 34
        y += 10
        self.tool_buttons = {}
        for key, (label, _) in TOOLS.items():
            b = UIButton(pygame.Rect(self.left.left + 10, y, self.left.width - 20, 30), label, self.manager)
            self.tool_buttons[b] = key
            y += 34
        self.method_top = y + 6
        self.method_buttons: dict = {}
        self.undo_button = UIButton(pygame.Rect(self.left.left + 10, self.left.bottom - 40, 135, 30), "Undo", self.manager)
        self.clear_button = UIButton(pygame.Rect(self.left.left + 155, self.left.bottom - 40, 135, 30),
                                     "Clear unit", self.manager)
        ry = self.right.top + 36
        self.doctrine_button = UIButton(pygame.Rect(self.right.left + 10, ry, 160, 30), "Load doctrine", self.manager,
                                        tool_tip_text="Start from the doctrine plan of this scenario")
        self.empty_button = UIButton(pygame.Rect(self.right.left + 176, ry, 158, 30), "Empty plan", self.manager)
        ry += 36
        self.go_button = UIButton(pygame.Rect(self.right.left + 10, ry, 324, 30), "", self.manager)
        ry += 34
        liaison = self._language_unit()
        self.wait_button = UIButton(pygame.Rect(self.right.left + 10, ry, 324, 30), "", self.manager)
        if liaison is None:
            self.wait_button.disable()
        ry += 34
        self.support_button = UIButton(pygame.Rect(self.right.left + 10, ry, 324, 30), "", self.manager)
        if not self.draft.on_request_units():
            self.support_button.disable()
        ry += 40
        self.plan_box = UITextBox("", pygame.Rect(self.right.left + 10, ry, 324, self.right.bottom - ry - 10),
                                  self.manager)
        self.start_button = UIButton(pygame.Rect(w - 260, h - 62, 244, 46), "Start the operation  >", self.manager)
        self.back_button = UIButton(pygame.Rect(16, h - 62, 140, 46), "<  Briefing", self.manager)
        self._refresh()

    def _language_unit(self) -> Optional[str]:
        spec = self.ctx.scenario.spec
        victim_languages = {lang for v in spec.victims for lang in v.languages}
        for unit in spec.units:
            if unit.kind in ("liaison_officer", "interpreter", "victim_care") and set(unit.languages) & victim_languages:
                if unit.arrives > 0 or unit.on_request:
                    return unit.id
        return None

    def _refresh(self) -> None:
        d = self.draft
        self.go_button.set_text("Go: on command" if d.go_at is None else f"Go: at T+{d.go_at:g} s")
        liaison = self._language_unit()
        who = self.names.get(liaison, "interpreter") if liaison else "interpreter"
        self.wait_button.set_text(f"Wait for {who}: {'yes' if d.wait_for else 'no'}")
        self.support_button.set_text(f"Request consul / victim care now: {'yes' if d.request_support else 'no'}")
        lines = []
        # the plan's check, live: what will not work as planned comes first, where it is seen
        errors, warnings = d.check()
        if errors or warnings:
            lines.append(f"<font color='#e69f00'><b>Check ({len(errors) + len(warnings)})</b></font>")
            lines += [f"<font color='#f07864'>{html.escape(e)}</font>" for e in errors]
            lines += [f"<font color='#f0e442'>{html.escape(w)}</font>" for w in warnings]
            lines.append("")
        plan_lines = []
        for unit in self.ctx.scenario.spec.units:
            orders = d.orders_of(unit.id)
            if orders:
                plan_lines.append(f"<b>{html.escape(unit.name)}</b>")
                plan_lines += [f"  {i}. {html.escape(order_line(o, self.names))}" for i, o in enumerate(orders, 1)]
        lines += plan_lines or ["<i>No orders yet. Pick a unit, a tool, then click the map.</i>"]
        self.plan_box.set_text("<br>".join(lines))
        for b in self.method_buttons:
            b.kill()
        self.method_buttons = {}
        if self.tool == "breach" and self.unit:
            y = self.method_top
            for m in methods_for(self.ctx.scenario, self.unit):
                b = UIButton(pygame.Rect(self.left.left + 24, y, self.left.width - 34, 28),
                             m.replace("_", " "), self.manager)
                if m == self.method:
                    b.select()
                self.method_buttons[b] = m
                y += 30

    # -- commands ----------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            el = event.ui_element
            if el in self.unit_buttons:
                self.unit = self.unit_buttons[el]
                self._refresh()
            elif el in self.tool_buttons:
                self.tool = self.tool_buttons[el]
                self.method = methods_for(self.ctx.scenario, self.unit)[0] if self.tool == "breach" else None
                self._refresh()
            elif el in self.method_buttons:
                self.method = self.method_buttons[el]
                self._refresh()
            elif el is self.undo_button:
                self.draft.undo(self.unit)
                self._refresh()
            elif el is self.clear_button:
                self.draft.clear_unit(self.unit)
                self._refresh()
            elif el is self.doctrine_button:
                self.draft = PlanDraft.from_plan(self.ctx.scenario, self.ctx.scenario.spec.doctrine_plan)
                self.ctx.plan = None
                self._refresh()
            elif el is self.empty_button:
                self.draft = PlanDraft(self.ctx.scenario)
                self._refresh()
            elif el is self.go_button:
                steps = [None, 30.0, 60.0, 120.0]
                self.draft.go_at = steps[(steps.index(self.draft.go_at) + 1) % len(steps)]
                self._refresh()
            elif el is self.wait_button:
                self.draft.wait_for = None if self.draft.wait_for else self._language_unit()
                self._refresh()
            elif el is self.support_button:
                self.draft.request_support = not self.draft.request_support
                self._refresh()
            elif el is self.start_button:
                return self.start()
            elif el is self.back_button:
                return Next.BRIEFING
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.map_rect.collidepoint(event.pos):
            self.click_map(event.pos)
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            return Next.MENU
        return None

    def click_map(self, pos) -> None:
        if not (self.unit and self.tool):
            self.messages = [("Pick a unit and a tool first.", ACCENT)]
            return
        view = render.view_for(self.ctx.scenario, self.map_inner)
        target = render.place_at(self.ctx.scenario, view, pos, TOOLS[self.tool][1])
        if target is None:
            wanted = " or ".join(TOOLS[self.tool][1])
            self.messages = [(f"Click a {wanted} for this tool.", ACCENT)]
            return
        field = {"move": "to", "stack": "door", "breach": "door", "clear": "room", "cordon": "target"}[self.tool]
        extra = {"method": self.method} if self.tool == "breach" else {}
        self.draft.add(self.tool, self.unit, **{field: target}, **extra)
        self.messages = [(f"{self.names.get(self.unit)}: {self.tool} {self.names.get(target, target)}", TEXT)]
        self.warned = False
        self._refresh()

    def start(self) -> Optional[Next]:
        """On to the operation if the plan passes its check; None while errors or a first
        warning keep the trainee here."""
        errors, warnings = self.draft.check()
        if errors:
            self.messages = [(e, (240, 120, 100)) for e in errors]
            return None
        if warnings and not self.warned:
            count = f"{len(warnings)} warning{'s' if len(warnings) > 1 else ''}"
            self.messages = [(f"{count} in the plan's check (right): {warnings[0]}", ACCENT),
                             ("Press Start again to go as planned.", TEXT)]
            self.warned = True
            return None
        self.ctx.plan = self.draft.build(name=f"{self.ctx.trainee or 'Trainee'} plan")
        return Next.EXECUTION

    # -- drawing -----------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        spec = self.ctx.scenario.spec
        text(surface, f"PLANNING  ·  {spec.title}", (16, 20), size=22, bold=True, colour=ACCENT)
        panel(surface, self.left, "Units and tools")
        panel(surface, self.right, "Your plan")
        inner = panel(surface, self.map_rect, "Click the map to place the selected order")
        view = render.view_for(self.ctx.scenario, inner)
        self.map_rect_inner = inner
        highlight = self._targets()
        render.draw_plan(surface, view, self.ctx.scenario, highlight=highlight)
        starts = {u.id: u for u in spec.units}
        from sim.format.placement import start_cells
        cells = start_cells(self.ctx.scenario)
        radius = max(5, int(view.scale * 0.45))
        for unit_id in starts:
            render.draw_marker(surface, view.centre(cells[unit_id]), "unit", radius, selected=unit_id == self.unit)
        if self.unit:
            x, y = view.centre(cells[self.unit])
            wide = text_size(self.names[self.unit], 14)[0]
            if x + radius + 6 + wide <= inner.right:
                text(surface, self.names[self.unit], (x + radius + 6, y), size=14, colour=YELLOW_TEXT, anchor="midleft")
            else:  # at the plan's right edge: the name goes on the marker's left, not off the map
                text(surface, self.names[self.unit], (x - radius - 6, y), size=14, colour=YELLOW_TEXT,
                     anchor="midright")
        # each unit's orders as a route: start -> 1 -> 2 ...; numbered for the selected unit
        last: dict[str, tuple[int, int]] = {}
        counts: dict[str, int] = {}
        for order in self.draft.orders:
            target = getattr(order, "door", None) or getattr(order, "room", None) or getattr(order, "target", None) \
                or getattr(order, "to", None)
            if target not in self.ctx.scenario.grid.cells:
                continue
            centre = view.centre(self.ctx.scenario.grid.centre(target))
            start = last.get(order.unit, view.centre(cells[order.unit]))
            mine = order.unit == self.unit
            pygame.draw.line(surface, render.GREEN if mine else (95, 110, 105), start, centre, 3 if mine else 1)
            last[order.unit] = centre
            counts[order.unit] = counts.get(order.unit, 0) + 1
            if mine:
                pygame.draw.circle(surface, render.GREEN, centre, 11)
                text(surface, str(counts[order.unit]), centre, size=14, colour=(10, 10, 10), bold=True,
                     anchor="center")
        y = surface.get_height() - 58
        room = self.start_button.rect.left - 12 - 170  # between the Briefing and Start buttons
        for message, colour in self.messages[-2:]:
            shown = wrap(message, room, 16)
            line = shown[0] + ("…" if len(shown) > 1 else "")  # the whole text is in the check (right)
            text(surface, line, (170, y), size=16, colour=colour)
            y += 22
        if self.unit:
            text(surface, f"Selected: {self.names.get(self.unit)}" + (f"  ·  tool: {TOOLS[self.tool][0]}" if self.tool else ""),
                 (self.map_rect.left + 12, self.map_rect.bottom - 26), size=15, colour=YELLOW_TEXT)
        render.draw_pointer_name(surface, view, self.ctx.scenario)

    def _targets(self) -> Optional[set]:
        if not self.tool:
            return None
        kinds = TOOLS[self.tool][1]
        return {i for i, k in ((x, self.ctx.scenario.kind_of(x)) for x in self.ctx.scenario.grid.cells) if k in kinds}

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("unit button", "select the unit to give orders to"), ("tool button", "choose what it should do"),
                ("click map", "place the order on a room, door, window or exit"),
                ("Undo", "remove the unit's last order"), ("Esc", "back to the menu"), ("?", "show or hide this help")]
