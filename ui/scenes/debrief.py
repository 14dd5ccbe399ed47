"""Debrief: score card with P/S/M/U ratings and reasons, the timeline, a replay with a
scrubber (all-seeing or what the trainee saw), the doctrine plan on the same seed beside
it, and what-if: swap one decision and see the run re-simulated and compared."""
from __future__ import annotations

import html
from typing import Optional

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIHorizontalSlider, UITextBox

from sim.engine.narrate import clock, names_of, timeline
from sim.evaluation.background import LuckJob, luck_lines
from sim.evaluation.replay import Film, Replay, decisions_in, doctrine_replay, film, what_if
from ui import render
from ui.scenes.base import Next, Scene
from ui.scorecard import people_names, scorecard_html
from ui.widgets import ACCENT, MUTED, TEXT, YELLOW_TEXT, panel, text, text_block

RATING_SHADE = {"P": (0, 158, 115), "S": (86, 180, 233), "M": (230, 159, 0), "U": (213, 94, 0)}


class DebriefScene(Scene):
    name = "debrief"

    def enter(self) -> None:
        ctx = self.ctx
        self.record = ctx.record
        self.names = names_of(ctx.scenario.spec)
        self.own: Film = film(Replay.of_record(ctx.scenario, self.record))
        self.other: Film = film(doctrine_replay(ctx.scenario, self.record["seed"]))
        self.other_name = "Doctrine plan, same seed"
        self.view = "trainer"
        self.t = 0.0
        self.playing = False
        self.decisions = decisions_in(self.record["events"])
        self.alternative: dict[str, int] = {}
        if ctx.replay_t is not None:  # back from review: at the moment it asked for
            self.t, ctx.replay_t = min(max(0.0, ctx.replay_t), self.duration), None
        self.start_luck()
        self.build()

    def start_luck(self) -> None:
        """The luck-adjusted score, computed in the background (once per run, kept across screens)."""
        ctx = self.ctx
        job = ctx.luck
        if ctx.luck_runs <= 0 or (job is not None and job.record is self.record):
            return
        runs = min(ctx.luck_runs, 20) if ctx.autoplay else ctx.luck_runs  # autoplay only shows the screen
        ctx.luck = LuckJob(ctx.scenario, self.record, ctx.results_dir / "exercise.db", runs=runs).start()

    @property
    def duration(self) -> float:
        return max(self.own.duration, self.other.duration, 1.0)

    def build(self) -> None:
        w, h = self.window.size
        self.left = pygame.Rect(12, 64, 380, h - 76)
        self.right = pygame.Rect(w - 340, 64, 328, h - 76)
        self.centre = pygame.Rect(self.left.right + 10, 64, self.right.left - self.left.right - 20, h - 150)
        score_rect = self.left.inflate(-12, -40).move(0, 14)
        score_rect.height -= 150  # below it: the luck-adjusted score and the review button
        self.score_box = UITextBox(scorecard_html(self.record["metrics"], self.other.metrics, self.other_name,
                                                 people_names(self.ctx.scenario.spec)),
                                   score_rect, self.manager)
        self.review_button = UIButton(pygame.Rect(self.left.left + 6, self.left.bottom - 40, self.left.width - 12, 34),
                                      "Review ratings (evaluator)", self.manager, tool_tip_text="R")
        bar_y = self.centre.bottom + 12
        self.play_button = UIButton(pygame.Rect(self.centre.left, bar_y, 90, 34), "Play", self.manager,
                                    tool_tip_text="Space")
        self.slider = UIHorizontalSlider(pygame.Rect(self.centre.left + 96, bar_y, self.centre.width - 300, 34),
                                         self.t, (0.0, self.duration), self.manager)
        self.view_button = UIButton(pygame.Rect(self.centre.right - 196, bar_y, 196, 34), "", self.manager,
                                    tool_tip_text="V")
        tl_height = int(self.right.height * 0.55)
        lines = timeline(self.record["events"], self.ctx.scenario.spec)
        self.timeline_box = UITextBox("<br>".join(html.escape(l) for l in lines),
                                      pygame.Rect(self.right.left + 6, self.right.top + 30, self.right.width - 12,
                                                  tl_height), self.manager)
        y = self.right.top + 30 + tl_height + 36
        self.decision_buttons = {}
        for i, d in enumerate(self.decisions):
            b = UIButton(pygame.Rect(self.right.left + 6, y, self.right.width - 12, 30), "", self.manager)
            self.decision_buttons[b] = i
            y += 34
        self.whatif_button = UIButton(pygame.Rect(self.right.left + 6, y + 4, self.right.width - 12, 34),
                                      "Re-simulate what-if", self.manager)
        if not self.decisions:
            self.whatif_button.disable()
        self.doctrine_button = UIButton(pygame.Rect(self.right.left + 6, y + 42, self.right.width - 12, 30),
                                        "Compare with doctrine again", self.manager)
        self.menu_button = UIButton(pygame.Rect(w - 110, 10, 98, 36), "Menu", self.manager)
        self._labels()

    def _labels(self) -> None:
        self.view_button.set_text("View: all-seeing" if self.view == "trainer" else "View: what you saw")
        self.play_button.set_text("Pause" if self.playing else "Play")
        for b, i in self.decision_buttons.items():
            d = self.decisions[i]
            option = self._option(i)
            mark = "" if option == d["option"] else "   (what if)"
            decision = next(x for x in self.ctx.scenario.spec.decisions if x.id == d["decision"])
            label = next(o.label for o in decision.options if o.id == option)
            words = f"{d['decision'].replace('_', ' ')}: {label}"
            limit = 40 - len(mark)
            b.set_text((words if len(words) <= limit else words[:limit - 1] + "…") + mark)

    def _option(self, i: int) -> str:
        d = self.decisions[i]
        decision = next(x for x in self.ctx.scenario.spec.decisions if x.id == d["decision"])
        ids = [o.id for o in decision.options]
        return ids[(ids.index(d["option"]) + self.alternative.get(d["decision"], 0)) % len(ids)]

    # -- commands ----------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            el = event.ui_element
            if el is self.play_button:
                self.toggle_play()
            elif el is self.view_button:
                self.toggle_view()
            elif el in self.decision_buttons:
                d = self.decisions[self.decision_buttons[el]]
                self.alternative[d["decision"]] = self.alternative.get(d["decision"], 0) + 1
                self._labels()
            elif el is self.whatif_button:
                self.run_what_if()
            elif el is self.doctrine_button:
                self.other = film(doctrine_replay(self.ctx.scenario, self.record["seed"]))
                self.other_name = "Doctrine plan, same seed"
                self.score_box.set_text(scorecard_html(self.record["metrics"], self.other.metrics, self.other_name,
                                                 people_names(self.ctx.scenario.spec)))
            elif el is self.menu_button:
                return self.to_menu()
            elif el is self.review_button:
                return self.to_review()
        elif event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED and event.ui_element is self.slider:
            self.scrub(float(event.value))
        elif event.type == pygame.KEYDOWN:
            if event.key == pygame.K_SPACE:
                self.toggle_play()
            elif event.key == pygame.K_v:
                self.toggle_view()
            elif event.key == pygame.K_RIGHT:
                self.scrub(self.t + 10)
            elif event.key == pygame.K_LEFT:
                self.scrub(self.t - 10)
            elif event.key == pygame.K_ESCAPE:
                return self.to_menu()
            elif event.key == pygame.K_r:
                return self.to_review()
        return None

    def to_review(self) -> Next:
        self.ctx.debrief_t = self.t
        return Next.REVIEW

    def toggle_play(self) -> None:
        self.playing = not self.playing
        self._labels()

    def toggle_view(self) -> None:
        self.view = "trainee" if self.view == "trainer" else "trainer"
        self._labels()

    def scrub(self, t: float) -> None:
        self.t = min(max(0.0, t), self.duration)
        if abs(self.slider.get_current_value() - self.t) > 0.5:
            self.slider.set_current_value(self.t)

    def run_what_if(self) -> None:
        changed = [(self.decisions[i]["decision"], self._option(i), self.decisions[i]["opened"])
                   for i in range(len(self.decisions)) if self._option(i) != self.decisions[i]["option"]]
        if not changed:
            self.ctx.message = "Click a decision on the right to pick another option first."
            return
        decision_id, option_id, opened = changed[0]
        self.other = film(what_if(self.ctx.scenario, self.record, decision_id, option_id, opened))
        decision = next(x for x in self.ctx.scenario.spec.decisions if x.id == decision_id)
        label = next(o.label for o in decision.options if o.id == option_id)
        self.other_name = f"What if: {label}"
        self.score_box.set_text(scorecard_html(self.record["metrics"], self.other.metrics, self.other_name,
                                                 people_names(self.ctx.scenario.spec)))
        self.ctx.message = ""

    def to_menu(self) -> Next:
        self.ctx.luck = None  # a finished job's pool stays warm for the next run
        self.ctx.exercise = None
        self.ctx.journal = None
        self.ctx.message = f"Run saved: {self.ctx.record_path}" if self.ctx.record_path else ""
        return Next.MENU

    def update(self, dt: float) -> Optional[Next]:
        if self.playing:
            self.scrub(self.t + dt * 20)
            if self.t >= self.duration:
                self.playing = False
                self._labels()
        return None

    # -- drawing -----------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        spec = self.ctx.scenario.spec
        overall = self.record["metrics"]["overall"]
        text(surface, f"DEBRIEF  ·  {spec.title}", (16, 14), size=22, bold=True, colour=ACCENT)
        who = self.record.get("trainee") or self.record["plan"].get("name")
        text(surface, f"{who}  ·  seed {self.record['seed']}  ·  {self.record['end_reason']}  ·  "
                      f"overall {overall['score']:.2f} ({overall['rating']})", (16, 42), size=15, colour=MUTED)
        panel(surface, self.left, "Score card")
        if self.ctx.luck is not None:
            y = self.score_box.rect.bottom + 6
            for i, line in enumerate(luck_lines(self.ctx.luck)):
                rect = pygame.Rect(self.left.left + 10, y, self.left.width - 20, self.review_button.rect.top - y - 4)
                y = text_block(surface, line, rect, size=14 if i else 15, colour=TEXT if i else ACCENT)
        panel(surface, self.right, "Timeline  ·  what if")
        text(surface, "WHAT IF: click a decision to change it", (self.right.left + 10, self.timeline_box.rect.bottom + 8),
             size=14, colour=MUTED, bold=True)
        half = (self.centre.height - 10) // 2
        for i, (film_, title) in enumerate(((self.own, "Your run"), (self.other, self.other_name))):
            rect = pygame.Rect(self.centre.left, self.centre.top + i * (half + 10), self.centre.width, half)
            inner = panel(surface, rect, title)
            snapshot = film_.at(self.t, self.view)
            view = render.view_for(self.ctx.scenario, pygame.Rect(inner.left, inner.top, inner.width, inner.height - 28))
            render.draw_snapshot(surface, view, self.ctx.scenario, snapshot, show_labels=view.scale >= 11)
            # the trainee's own strip shows the run record's score, as the score card does: one source
            metrics = self.record["metrics"] if film_ is self.own else film_.metrics
            overall = metrics["overall"]
            score = text(surface, f"T+{clock(snapshot.t)}   score {overall['score']:.2f} ({overall['rating']})",
                         (inner.left, inner.bottom - 20), size=15, colour=TEXT, bold=True)
            self._ratings(surface, metrics, (score.right + 14, inner.bottom - 19))
        if self.ctx.message:
            text(surface, self.ctx.message, (self.centre.left, surface.get_height() - 26), size=15, colour=YELLOW_TEXT)

    def _ratings(self, surface, metrics, pos) -> None:
        x, y = pos
        for cap in metrics["capabilities"]:
            label = f"{cap['rating']} {cap['name']}"
            if x + 8 * len(label) > self.centre.right:
                break
            shade = RATING_SHADE.get(cap["rating"], MUTED)  # 'n/a': no measure of it applies
            rect = text(surface, label, (x + 4, y), size=14, colour=(15, 15, 15))
            pygame.draw.rect(surface, shade, rect.inflate(6, 2), border_radius=3)
            text(surface, label, (x + 4, y), size=14, colour=(15, 15, 15))
            x = rect.right + 12

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("Space", "play / pause the replay"), ("Left / Right", "10 s back / forward"),
                ("V", "switch all-seeing / what you saw"), ("decision button", "pick another option"),
                ("Re-simulate what-if", "same seed, another choice: compare"), ("R", "review the ratings (evaluator)"),
                ("Esc", "back to the menu"),
                ("?", "show or hide this help")]
