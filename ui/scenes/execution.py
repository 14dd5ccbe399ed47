"""Execution: the operation unfolds on the map, in the trainee's fog of war.

Time controls (pause, 1x-16x, single step) with the simulated clock always visible; a
feed of events; orders by selecting a unit, then an order, then a target on the map;
decision points in a panel with the options and the time left. Every order and
decision goes to the journal on disk as it is made.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import pygame
import pygame_gui
from pygame_gui.elements import UIButton

from sim.evaluation import record as records
from sim.engine.exercise import Exercise
from sim.evaluation.journal import Journal
from sim.engine.narrate import clock, describe, humanise, names_of
from sim.format.orders import ORDER_CLASSES
from sim.format.problems import InputError
from ui import render
from ui.feed_box import FeedBox
from ui.scenes.base import Next, Scene
from ui.order_choices import method_buttons, ORDER_PROBLEMS, breach_choices, problem_line, problem_status, problem_unit
from ui.order_tools import ORDER_TOOLS
from ui.widgets import (ACCENT, MESSAGE_SPACE, MESSAGE_TEXT, MUTED, TEXT, YELLOW_TEXT, draw_option_words,
                        fit_button_words, font, message_lines, option_buttons, options_height, panel, text, text_block,
                        wrap)

SPEEDS = (1, 2, 4, 8, 16)
PROBLEM_SHOWN_S = 30.0  # simulated seconds a failed or replaced order stays in the unit's status
DECISION_SPACE = 250


def journal_path(ctx) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    who = (ctx.trainee or "trainee").replace(" ", "-").lower()
    return ctx.results_dir / "sessions" / f"{ctx.scenario.id}_{who}_seed{ctx.seed}_{stamp}.journal.jsonl"


class ExecutionScene(Scene):
    name = "execution"

    def enter(self) -> None:
        ctx = self.ctx
        self.names = names_of(ctx.scenario.spec)
        if ctx.exercise is None:  # a fresh start (a resume arrives with exercise and journal set)
            ctx.exercise = Exercise(ctx.scenario, ctx.seed, ctx.plan, interactive=True, trainee=ctx.trainee)
            ctx.journal = Journal.start(journal_path(ctx), ctx.exercise)
            ctx.exercise._on_input = ctx.journal.append
            if ctx.luck_runs > 0 and not ctx.autoplay:  # a head start for the debrief's luck-adjusted score
                from sim.evaluation.background import prepare_doctrine
                prepare_doctrine(ctx.scenario, ctx.results_dir / "exercise.db", runs=ctx.luck_runs)
        self.exercise: Exercise = ctx.exercise
        self.speed = 1
        self.paused = True  # the trainee starts the clock
        self.selected: Optional[str] = None
        self.verb: Optional[str] = None
        self.fields: dict[str, str] = {}
        self.queue_mode = False
        self.message = "Press Space or 1x to start the clock."
        self.decision_id: Optional[str] = None
        self.decision_wall = 0.0
        self.menu_open = False
        self.feed_count, self.feed_newest = -1, None  # the feed as last shown (-1: to be shown)
        self.finished_shown = False
        self.problems: dict[str, tuple[float, str]] = {}  # unit -> (when, what went wrong), shown at once
        self.events_read = len(self.exercise.events)
        self.method_buttons: dict = {}  # a breach asking for its method
        self.asking: Optional[tuple[dict, bool]] = None
        if ctx.show_help:
            self.window.help_visible = True
            ctx.show_help = False
        self.build()

    # -- layout ------------------------------------------------------------------------
    def build(self) -> None:
        w, h = self.window.size
        self.top = pygame.Rect(0, 0, w, 56)
        self.left = pygame.Rect(12, 64, 290, h - 76)
        self.right = pygame.Rect(w - 372, 64, 360, h - 76)
        self.map_rect = pygame.Rect(self.left.right + 10, 64, self.right.left - self.left.right - 20, h - 76)
        self.speed_buttons = {}
        x = 330
        self.pause_button = UIButton(pygame.Rect(x, 10, 80, 36), "Pause", self.manager, tool_tip_text="Space")
        x += 86
        for i, s in enumerate(SPEEDS, 1):
            b = UIButton(pygame.Rect(x, 10, 52, 36), f"{s}x", self.manager, tool_tip_text=f"key {i}")
            self.speed_buttons[b] = s
            x += 56
        self.step_button = UIButton(pygame.Rect(x, 10, 70, 36), "Step", self.manager,
                                    tool_tip_text="advance one simulated second (S)")
        self.menu_button = UIButton(pygame.Rect(w - 110, 10, 98, 36), "Menu", self.manager, tool_tip_text="Esc")
        # orders at the foot of the panel; the unit list above shares out the rest
        rows = (len(ORDER_TOOLS) + 1) // 2
        self.orders_top = self.left.bottom - 10 - rows * 31
        units = self.ctx.scenario.spec.units
        step = max(30, min(44, (self.orders_top - 30 - (self.left.top + 34)) // max(1, len(units))))
        self.unit_step = step
        self.unit_buttons = {}
        y = self.left.top + 34
        for unit in units:
            width = self.left.width - 16
            shown = fit_button_words(self.manager, unit.name, width)
            b = UIButton(pygame.Rect(self.left.left + 8, y, width, 26 if step >= 40 else step - 3),
                         shown, self.manager, tool_tip_text=unit.name if shown != unit.name else None)
            self.unit_buttons[b] = unit.id
            y += step
        self.order_buttons = {}
        col, row = 0, 0
        for verb in ORDER_TOOLS:
            rect = pygame.Rect(self.left.left + 8 + col * 138, self.orders_top + row * 31, 134, 28)
            self.order_buttons[UIButton(rect, verb.replace("_", " "), self.manager)] = verb
            col = (col + 1) % 2
            row += col == 0
        # the bottom of the map panel is kept for decision points, so they never hide the map
        self.map_inner = pygame.Rect(self.map_rect.left + 12, self.map_rect.top + 32,
                                     self.map_rect.width - 24, self.map_rect.height - 42 - DECISION_SPACE)
        self.feed_box = FeedBox("", pygame.Rect(self.right.left + 6, self.right.top + 30, self.right.width - 12,
                                                self.right.height - 36), self.manager)
        self.feed_count, self.feed_newest = -1, None
        self.decision_buttons: dict = {}
        self.option_words: dict = {}
        self.decision_id = None
        self.menu_buttons: dict = {}
        if self.menu_open:
            self._open_menu()

    # -- commands ----------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            el = event.ui_element
            if el in self.menu_buttons:
                return self._menu_choice(self.menu_buttons[el])
            elif el in self.method_buttons:
                (fields, queue), method = self.asking, self.method_buttons[el]
                self._close_methods()
                self.give({**fields, "method": method}, queue=queue)
            elif el in self.decision_buttons:
                self.choose(self.decision_buttons[el])
            elif el is self.pause_button:
                self.paused = not self.paused
            elif el in self.speed_buttons:
                self.set_speed(self.speed_buttons[el])
            elif el is self.step_button:
                self.step()
            elif el is self.menu_button:
                self._open_menu()
            elif el in self.unit_buttons:
                self.select(self.unit_buttons[el])
            elif el in self.order_buttons:
                self.pick_verb(self.order_buttons[el])
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.map_rect.collidepoint(event.pos) \
                and not self.menu_open and not self.method_buttons:  # the method question waits for its answer
            self.click_map(event.pos, queue=bool(pygame.key.get_mods() & pygame.KMOD_SHIFT))
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 3:
            self.verb, self.fields = None, {}
            self._close_methods()
            self.message = "Order cancelled."
        elif event.type == pygame.KEYDOWN:
            self.key(event)
        return None

    def key(self, event) -> None:
        if event.key == pygame.K_SPACE:
            self.paused = not self.paused
            if self.menu_open:
                self._close_menu()
                self.paused = False
        elif pygame.K_1 <= event.key <= pygame.K_5:
            self.set_speed(SPEEDS[event.key - pygame.K_1])
        elif event.key == pygame.K_s:
            self.step()
        elif event.key == pygame.K_ESCAPE:
            if self.verb:
                self.verb, self.fields = None, {}
                self._close_methods()
                self.message = "Order cancelled."
            elif self.menu_open:
                self._close_menu()
            else:
                self._open_menu()
        elif event.key == pygame.K_TAB:
            units = [u.id for u in self.ctx.scenario.spec.units]
            i = units.index(self.selected) + 1 if self.selected in units else 0
            self.select(units[i % len(units)])

    def set_speed(self, speed: int) -> None:
        self.speed = speed
        self.paused = False
        if self.message.startswith("Press Space"):
            self.message = ""
        if self.menu_open:
            self._close_menu()

    def step(self) -> None:
        self.paused = True
        if not self.exercise.clock_stopped:
            self.exercise.advance(1.0)

    def select(self, unit_id: str) -> None:
        self.selected = unit_id
        self.verb, self.fields = None, {}
        self.message = f"{self.names[unit_id]} selected: choose an order."

    def pick_verb(self, verb: str) -> None:
        if not self.selected:
            self.message = "Select a unit first (left, or Tab)."
            return
        self.verb, self.fields = verb, {}
        if not ORDER_TOOLS[verb]:
            self.give({})
            return
        field, kinds = ORDER_TOOLS[verb][0]
        self.message = f"{verb.replace('_', ' ')}: click a {' or '.join(kinds)} on the map (right-click cancels)."

    def click_map(self, pos, *, queue: bool = False) -> None:
        view = render.view_for(self.ctx.scenario, self.map_inner)
        snapshot = self.exercise.snapshot("trainee")
        if not self.verb:
            unit = self._marker_at(view, snapshot, pos, ("unit",))
            if unit:
                self.select(unit)
            return
        field, kinds = ORDER_TOOLS[self.verb][len(self.fields)]
        target = self._marker_at(view, snapshot, pos, kinds) or render.place_at(self.ctx.scenario, view, pos, kinds)
        if target is None:
            self.message = f"No {' or '.join(kinds)} there."
            return
        self.fields[field] = target
        if len(self.fields) < len(ORDER_TOOLS[self.verb]):
            nxt = ORDER_TOOLS[self.verb][len(self.fields)]
            self.message = f"{self.verb.replace('_', ' ')} {self.names.get(target, target)}: now click a {' or '.join(nxt[1])}."
            return
        self.give(dict(self.fields), queue=queue)

    def give(self, fields: dict, *, queue: bool = False) -> None:
        verb = self.verb
        if verb == "breach" and "method" not in fields:
            self._ask_method(fields, queue)  # as planning does: never a method the trainee did not pick
            return
        order = ORDER_CLASSES[verb].model_validate({"unit": self.selected, "do": verb, **fields}, strict=True)
        if self.exercise.finished:
            return
        self.exercise.apply(order, queue=queue)
        described = ", ".join(self.names.get(v, v.replace("_", " ")) for v in fields.values())
        self.message = f"Order: {self.names[self.selected]} {verb.replace('_', ' ')} {described}".strip()
        self.verb, self.fields = None, {}

    def _ask_method(self, fields: dict, queue: bool) -> None:
        self._close_methods()
        door = next(d for d in self.ctx.scenario.spec.floor_plan.doors if d.id == fields["door"])
        choices = breach_choices(self.ctx.scenario, self.selected, door.kind)
        self.asking = (fields, queue)
        self.method_buttons = method_buttons(self.manager, self._method_rect(len(choices)), choices)
        self.message = f"Breach {self.names.get(door.id, door.id)}: choose how (right-click or Esc cancels)."

    def _method_rect(self, count: int) -> pygame.Rect:
        """Below the map, where decisions go, so the door stays in sight; above it while a
        decision point is open there."""
        rect = pygame.Rect(0, 0, min(440, self.map_rect.width - 24), 48 + 34 * count)
        if self.exercise.pending_decision is None:
            rect.bottomleft = (self.map_rect.left + 12, self.map_rect.bottom - MESSAGE_SPACE)
        else:
            rect.topleft = (self.map_rect.left + 12, self.map_rect.top + 36)
        return rect

    def _close_methods(self) -> None:
        for b in self.method_buttons:
            b.kill()
        self.method_buttons = {}
        self.asking = None

    def _read_problems(self) -> None:
        """Orders that failed or were replaced since the last frame: told at once, in the
        message line and the unit's status (the feed has them too)."""
        events = self.exercise.events
        for event in events[self.events_read:]:
            if event["kind"] == "order_started" and self.problems.get(event.get("subject"), (0, ""))[1].startswith(
                    "could not"):
                del self.problems[event["subject"]]  # a failed order stays in the status until the next one
            if event["kind"] in ORDER_PROBLEMS:
                self.problems[problem_unit(event)] = (event["t"], problem_status(event, self.names))
                self.message = f"T+{clock(event['t'])} {problem_line(event, self.names)}"
        self.events_read = len(events)

    def _marker_at(self, view, snapshot, pos, kinds) -> Optional[str]:
        best = None
        limit = max(10, view.scale * 1.2)
        for m in snapshot.markers:
            if m.kind not in kinds or not m.present:
                continue
            x, y = view.centre(m.cell)
            d = ((x - pos[0]) ** 2 + (y - pos[1]) ** 2) ** 0.5
            if d <= limit and (best is None or d < best[0]):
                best = (d, m.id)
        return best[1] if best else None

    def choose(self, option_id: str) -> None:
        pending = self.exercise.pending_decision
        if pending is not None:
            self.exercise.decide(pending.id, option_id)
            label = next(o.label for o in pending.decision.options if o.id == option_id)
            self.message = f"Decided: {label}"

    # -- the Esc menu ------------------------------------------------------------------
    def _open_menu(self) -> None:
        self.menu_open = True
        self.paused = True
        w, h = self.window.size
        labels = [("resume", "Resume"), ("finish", "End the operation now and debrief"),
                  ("leave", "Leave to the menu (the journal keeps the run)")]
        self.menu_buttons = {}
        for i, (key, label) in enumerate(labels):
            rect = pygame.Rect(w // 2 - 220, h // 2 - 70 + i * 52, 440, 44)
            self.menu_buttons[UIButton(rect, label, self.manager, starting_height=5)] = key

    def _close_menu(self) -> None:
        for b in self.menu_buttons:
            b.kill()
        self.menu_buttons = {}
        self.menu_open = False

    def _menu_choice(self, key: str) -> Optional[Next]:
        self._close_menu()
        if key == "finish":
            if not self.exercise.finished:  # an input: the record says where the trainee stopped
                self.exercise.end_operation("trainee")
        elif key == "leave":
            self.ctx.message = f"Run kept in {self.ctx.journal.path}: play --resume it later."
            self.exit()
            self.ctx.exercise = None
            return Next.MENU
        return None

    # -- time --------------------------------------------------------------------------
    def update(self, dt: float) -> Optional[Next]:
        ex = self.exercise
        if ex.finished:
            return self.finish()
        pending = ex.pending_decision
        if pending is not None and pending.paused:
            self.decision_wall += dt
            if self.decision_wall >= pending.decision.time_allowed:
                ex.decide(pending.id, pending.decision.default, how="defaulted")
                label = next(o.label for o in pending.decision.options if o.id == pending.decision.default)
                self.message = f"Time ran out; the default was taken: {label}"
        elif not self.paused and not self.menu_open:
            ex.advance(dt * self.speed * self.window.time_scale)
        self._sync_decision()
        self._read_problems()
        if ex.finished:
            return self.finish()
        return None

    def _sync_decision(self) -> None:
        pending = self.exercise.pending_decision
        current = pending.id if pending else None
        if current == self.decision_id:
            return
        for b in self.decision_buttons:
            b.kill()
        self.decision_buttons, self.option_words = {}, {}
        self.decision_id = current
        self.decision_wall = 0.0
        if pending is None:
            if self.message.startswith("Decision point:"):  # said while it was open, stale once it closes
                self.message = ""
            return
        if not pending.paused and self.speed > 1:  # the trainee needs real time to decide
            self.speed = 1
            self.message = "Decision point: speed set to 1x."
        rect = self._decision_rect()
        self.decision_buttons, self.option_words = option_buttons(self.manager, rect.left + 14, rect.bottom - 12,
                                                                  rect.width - 28, self._option_words(pending))

    @staticmethod
    def _option_words(pending) -> dict[str, str]:
        return {o.id: o.label + ("  (default)" if o.id == pending.decision.default else "")
                for o in pending.decision.options}

    def _decision_rect(self) -> pygame.Rect:
        pending = self.exercise.pending_decision
        n = len(pending.decision.options) if pending else 2
        width = min(680, self.map_rect.width - 40)
        prompt = wrap(pending.decision.prompt, width - 28, 16) if pending else []
        buttons = options_height(self._option_words(pending), width - 28) if pending else 40 * n
        height = 64 + len(prompt) * (font(16).get_linesize() + 3) + buttons + 8
        # the whole prompt must show; a long one may reach up over the map
        rect = pygame.Rect(0, 0, width, min(height, max(int(self.map_rect.height * 0.6), buttons + 120)))
        rect.midbottom = (self.map_rect.centerx, self.map_rect.bottom - MESSAGE_SPACE)
        return rect

    def finish(self) -> Optional[Next]:
        """Save the record (and store it), close the journal: on to the debrief, once."""
        if self.finished_shown:
            return None
        self.finished_shown = True
        ctx = self.ctx
        record = records.make_record(self.exercise)
        ctx.record = record
        try:
            ctx.record_path = records.save(record, ctx.results_dir)
        except Exception as exc:  # a full disk must not cost the run: the journal keeps every input
            ctx.record_path = None
            where = ctx.journal.path if ctx.journal is not None else "its journal"
            ctx.message = (f"The run record could not be written ({type(exc).__name__}: {exc}); nothing is lost: "
                           f"play --resume {where} once it is fixed")
            if ctx.journal is not None:
                ctx.journal.close()  # no end line: the journal stays one to resume
            return Next.DEBRIEF
        try:  # every played run also lands in the results store for evaluators
            from sim.evaluation.store import Store
            store = Store(ctx.results_dir / "exercise.db")
            try:
                store.add(record, source="played", record_path=str(ctx.record_path))
            finally:
                store.close()
        except InputError as exc:  # a damaged store must not cost the trainee the run
            ctx.message = f"Run saved to {ctx.record_path}, but not to the store: {exc.problems[0].message}"
        except Exception as exc:  # nor a locked or full one (sqlite3.Error, OSError)
            ctx.message = f"Run saved to {ctx.record_path}, but not to the store: {type(exc).__name__}: {exc}"
        if ctx.journal is not None:
            ctx.journal.append({"type": "end", "record": str(ctx.record_path)})
            ctx.journal.close()
        return Next.DEBRIEF

    def exit(self) -> None:
        if self.ctx.journal is not None and not self.exercise.finished:
            self.ctx.journal.close()

    # -- drawing -----------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        ex = self.exercise
        snapshot = ex.snapshot("trainee")
        pygame.draw.rect(surface, (30, 34, 42), self.top)
        state = "DECISION" if ex.clock_stopped else "PAUSED" if self.paused else f"{self.speed}x"
        text(surface, f"T+{clock(ex.now)}", (16, 8), size=30, bold=True, colour=ACCENT)
        text(surface, state, (150, 16), size=20, bold=True, colour=TEXT if state != "PAUSED" else YELLOW_TEXT)
        text(surface, self.ctx.scenario.spec.title, (self.top.right - 130, 28), size=14, colour=MUTED, anchor="topright")
        panel(surface, self.left, "Units")
        for b, unit_id in self.unit_buttons.items():
            marker = snapshot.marker(unit_id)
            if marker is not None and self.unit_step >= 40:  # room for a status line
                colour = YELLOW_TEXT if unit_id == self.selected else MUTED
                status = humanise(marker.state, self.names) if marker.present else self._arrival(unit_id)
                problem = self.problems.get(unit_id)
                if problem is not None and ex.now - problem[0] <= PROBLEM_SHOWN_S:
                    status, colour = f"! {problem[1]}", ACCENT
                shown = wrap(status, b.rect.width - 8, 14)
                text(surface, shown[0] + ("…" if len(shown) > 1 else ""), (b.rect.left + 4, b.rect.bottom + 1),
                     size=14, colour=colour)
        text(surface, "ORDERS (shift-click: add after current)", (self.left.left + 10, self.orders_top - 22),
             size=14, colour=MUTED, bold=True)
        panel(surface, self.right, "What the units report")
        panel(surface, self.map_rect, "Trainee view: only what your units see and hear")
        view = render.view_for(self.ctx.scenario, self.map_inner)
        render.draw_snapshot(surface, view, self.ctx.scenario, snapshot, selected=self.selected)
        render.draw_pointer_name(surface, view, self.ctx.scenario)
        self._feed(snapshot)
        self._draw_decision(surface)
        self._draw_methods(surface)
        self._draw_menu(surface)
        self._draw_message(surface)

    def _draw_message(self, surface: pygame.Surface) -> None:
        """The message line at the map's foot, wrapped onto a second line rather than run
        past the panel (a third line, if any, is cut with '…')."""
        lines = message_lines(self.message, self.map_rect.width - 24)
        height = font(MESSAGE_TEXT).get_linesize()
        y = self.map_rect.bottom - 6 - height * len(lines)
        for line in lines:
            text(surface, line, (self.map_rect.left + 12, y), size=MESSAGE_TEXT, colour=YELLOW_TEXT)
            y += height

    def _draw_decision(self, surface: pygame.Surface) -> None:
        pending = self.exercise.pending_decision
        if pending is not None and self.decision_buttons:
            rect = self._decision_rect()
            shade = pygame.Surface(rect.size, pygame.SRCALPHA)
            shade.fill((20, 22, 28, 235))
            surface.blit(shade, rect)
            pygame.draw.rect(surface, ACCENT, rect, 2, border_radius=6)
            if pending.paused:
                left = max(0.0, pending.decision.time_allowed - self.decision_wall)
                clock_text = f"clock stopped  ·  {left:.0f} s to decide"
            else:
                left = max(0.0, pending.deadline - self.exercise.now)
                clock_text = f"clock running  ·  {left:.0f} s (simulated) to decide"
            text(surface, f"DECISION  ·  {clock_text}", (rect.left + 14, rect.top + 10), size=16, bold=True, colour=ACCENT)
            frac = left / pending.decision.time_allowed
            pygame.draw.rect(surface, (60, 60, 60), (rect.left + 14, rect.top + 34, rect.width - 28, 6))
            pygame.draw.rect(surface, ACCENT, (rect.left + 14, rect.top + 34, int((rect.width - 28) * frac), 6))
            first_button = min(b.rect.top for b in self.decision_buttons)
            text_block(surface, pending.decision.prompt,
                       pygame.Rect(rect.left + 14, rect.top + 48, rect.width - 28, first_button - rect.top - 52), size=16)

    def draw_over(self, surface: pygame.Surface) -> None:
        if not self.menu_open:  # the pause menu sits over the decision panel
            draw_option_words(surface, self.option_words)

    def _draw_methods(self, surface: pygame.Surface) -> None:
        if self.method_buttons:
            box = self._method_rect(len(self.method_buttons))
            shade = pygame.Surface(box.size, pygame.SRCALPHA)
            shade.fill((20, 22, 28, 240))
            surface.blit(shade, box)
            pygame.draw.rect(surface, ACCENT, box, 2, border_radius=6)
            door = self.names.get(self.asking[0]["door"], "the door") if self.asking else "the door"
            text(surface, f"BREACH {door.upper()}: BY WHICH METHOD?", (box.left + 12, box.top + 10), size=15,
                 bold=True, colour=ACCENT)

    def _draw_menu(self, surface: pygame.Surface) -> None:
        # drawn before the widgets, so the menu's buttons sit on top of its panel
        if self.menu_open:
            w, h = surface.get_size()
            box = pygame.Rect(w // 2 - 240, h // 2 - 120, 480, 230)
            pygame.draw.rect(surface, (20, 22, 28), box, border_radius=8)
            pygame.draw.rect(surface, ACCENT, box, 2, border_radius=8)
            text(surface, "PAUSED", (box.centerx, box.top + 22), size=20, bold=True, colour=ACCENT, anchor="center")

    def _feed(self, snapshot) -> None:
        # the newest report as well as the count: the feed keeps the last FEED_LENGTH reports,
        # so once it is full a new one leaves the count as it was
        newest = snapshot.feed[-1] if snapshot.feed else None
        if self.feed_count == len(snapshot.feed) and self.feed_newest is newest:
            return
        self.feed_count, self.feed_newest = len(snapshot.feed), newest
        lines = []
        for event in reversed(snapshot.feed):
            words = problem_line(event, self.names) or describe(event, self.names)
            if words:
                tag = "<b>" if event["kind"] in ("inject", "decision_opened", "victim_safe", "hostage_taken",
                                                 "perpetrator_arrested", "officer_injured") else ""
                end = "</b>" if tag else ""
                if event["kind"] in ORDER_PROBLEMS:  # what the trainee must act on stands out
                    tag, end = "<font color='#e69f00'><b>", "</b></font>"
                lines.append(f"<font color='#9aa0a6'>{clock(event['t'])}</font> {tag}{_escape(words)}{end}")
        self.feed_box.set_text("<br>".join(lines) or "<i>Nothing reported yet.</i>")

    def _arrival(self, unit_id: str) -> str:
        unit = self.exercise.world.agents[unit_id]
        if unit.spec.on_request and not getattr(unit, "requested", False):
            return "on request"
        if unit.due_at is None:
            return "arriving"
        # due as the engine times it; an inject that held the unit up adds its delay
        due = unit.due_at + getattr(unit, "extra_delay", 0.0)
        return f"on the way (due T+{clock(due)})" if due > self.exercise.now else "arriving"

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("Space", "pause / resume the clock"), ("1 2 3 4 5", "speed 1x 2x 4x 8x 16x"),
                ("S", "single step (one simulated second)"), ("Tab", "select the next unit"),
                ("unit, order, map", "select a unit, pick an order, click its target"),
                ("shift-click", "queue the order after the unit's current one"),
                ("right-click / Esc", "cancel the order being given"), ("Esc", "pause menu"),
                ("?", "show or hide this help")]


def _escape(words: str) -> str:
    return words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
