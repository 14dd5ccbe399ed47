"""Review: the evaluators' screen of the debriefed run. Each capability target and critical
task with its draft rating, the reason and the evidence; a click changes a rating, 'Go'
jumps the debrief's replay to the evidence; observations (strength or area for improvement)
are tied to the replay time the debrief was at. Saved to the results store with who and
when (sim/evaluation/review.py); the draft is kept."""
from __future__ import annotations

from typing import Optional

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UITextEntryLine

from sim.evaluation.ratings import TASK_RATINGS, clock
from sim.evaluation.review import TARGET_RATINGS, now_utc, reviewed_run
from sim.evaluation.store import Store, run_key
from ui.scenes.base import Next, Scene
from ui.widgets import ACCENT, MUTED, TEXT, YELLOW_TEXT, panel, text

ROW = 27


class ReviewScene(Scene):
    name = "review"

    def enter(self) -> None:
        ctx = self.ctx
        self.spec = ctx.scenario.spec
        self.store = Store(ctx.results_dir / "exercise.db")
        record = ctx.record
        row = self.store.run_by_key(run_key(record))
        if row is None:  # a replayed record from elsewhere: store it so its review has a home
            self.store.add(record, source="played" if record.get("interactive") else "headless",
                           record_path=str(ctx.record_path) if ctx.record_path else None)
            row = self.store.run_by_key(run_key(record))
        self.run = row
        self.pending: dict[str, str] = {}
        self.observation_kind = "strength"
        self.status = ""
        self.load()
        self.build()

    def load(self) -> None:
        self.reviewed = reviewed_run(self.store, self.spec, self.run, self.ctx.record["events"])
        self.items = []  # (level, item id, words, evidence time or None)
        for target in self.reviewed.targets:
            self.items.append(("target", target.id, target.target, None))
            for task in target.tasks:
                first = task.evidence[-1].t if task.evidence else None
                self.items.append(("task", task.id, task.task, first))

    def rating_of(self, item: str) -> str:
        return self.pending.get(item, self.reviewed.verdicts[item].rating)

    def build(self) -> None:
        w, h = self.window.size
        self.list_rect = pygame.Rect(12, 64, w - 400, h - 76)
        self.side = pygame.Rect(w - 380, 64, 368, h - 76)
        self.rating_buttons: dict[UIButton, str] = {}
        self.jump_buttons: dict[UIButton, float] = {}
        y = self.list_rect.top + 34
        for level, item, words, t in self.items:
            width = 70 if level == "task" else 40
            x = self.list_rect.left + (40 if level == "task" else 12)
            b = UIButton(pygame.Rect(x, y, width + (20 if level == "task" else 0), ROW - 3), "", self.manager,
                         tool_tip_text="click: next rating")
            self.rating_buttons[b] = item
            if t is not None:
                j = UIButton(pygame.Rect(self.list_rect.right - 118, y, 106, ROW - 3), f"Go {clock(t)}", self.manager,
                             tool_tip_text="show this moment in the replay")
                self.jump_buttons[j] = t
            y += ROW
        inner = self.side.inflate(-24, 0)
        y = self.side.top + 40
        self.evaluator_entry = UITextEntryLine(pygame.Rect(inner.left, y + 20, inner.width, 32), self.manager)
        self.evaluator_entry.set_text(self.ctx.evaluator or "")
        y += 76
        self.reason_entry = UITextEntryLine(pygame.Rect(inner.left, y + 20, inner.width, 32), self.manager)
        y += 62
        self.save_button = UIButton(pygame.Rect(inner.left, y, inner.width, 34), "Save changed ratings", self.manager)
        y += 64
        self.kind_button = UIButton(pygame.Rect(inner.left, y + 20, 170, 30), "", self.manager,
                                    tool_tip_text="strength or area for improvement")
        self.observation_entry = UITextEntryLine(pygame.Rect(inner.left, y + 56, inner.width, 32), self.manager)
        self.observe_button = UIButton(pygame.Rect(inner.left, y + 94, inner.width, 32),
                                       f"Add observation at {clock(self.ctx.debrief_t)}", self.manager)
        self.back_button = UIButton(pygame.Rect(w - 170, 10, 158, 36), "Back to debrief", self.manager)
        self._labels()

    def _labels(self) -> None:
        for b, item in self.rating_buttons.items():
            rating = self.rating_of(item)
            b.set_text(rating + ("*" if item in self.pending else ""))
        self.kind_button.set_text("Strength" if self.observation_kind == "strength" else "Area for improvement")

    # -- commands ----------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            el = event.ui_element
            if el in self.rating_buttons:
                self.cycle(self.rating_buttons[el])
            elif el in self.jump_buttons:
                self.ctx.replay_t = self.jump_buttons[el]
                return self.back()
            elif el is self.save_button:
                self.save()
            elif el is self.kind_button:
                self.observation_kind = "area for improvement" if self.observation_kind == "strength" else "strength"
                self._labels()
            elif el is self.observe_button:
                self.observe()
            elif el is self.back_button:
                return self.back()
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            return self.back()
        return None

    def cycle(self, item: str) -> None:
        level = self.reviewed.verdicts[item].level
        choices = TASK_RATINGS if level == "task" else TARGET_RATINGS
        rating = choices[(choices.index(self.rating_of(item)) + 1) % len(choices)]
        if rating == self.reviewed.verdicts[item].rating:
            self.pending.pop(item, None)
        else:
            self.pending[item] = rating
        self.status = f"{item}: {rating} (not saved yet: give a reason and save)"
        self._labels()

    def _evaluator(self) -> Optional[str]:
        name = self.evaluator_entry.get_text().strip()
        if not name:
            self.status = "Type the evaluator's name first: it is kept with every rating and observation."
            return None
        self.ctx.evaluator = name
        return name

    def save(self) -> None:
        if not self.pending:
            self.status = "Nothing changed: click a rating to change it."
            return
        evaluator = self._evaluator()
        if evaluator is None:
            return
        reason = self.reason_entry.get_text().strip()
        if not reason:
            self.status = "A changed rating needs its reason: type it in 'Reason'."
            return
        at = now_utc()
        for item, rating in self.pending.items():
            verdict = self.reviewed.verdicts[item]
            self.store.add_review(self.run["id"], item, verdict.level, verdict.draft, rating, reason, evaluator, at)
        self.status = f"Saved {len(self.pending)} rating{'s' if len(self.pending) != 1 else ''} by {evaluator}."
        self.pending.clear()
        self.reason_entry.set_text("")
        self.load()
        self._labels()

    def observe(self) -> None:
        evaluator = self._evaluator()
        words = self.observation_entry.get_text().strip()
        if evaluator is None:
            return
        if not words:
            self.status = "Type the observation first."
            return
        self.store.add_observation(self.run["id"], self.observation_kind, self.ctx.debrief_t, None, words,
                                   evaluator, now_utc())
        self.observation_entry.set_text("")
        self.status = f"Observation saved at {clock(self.ctx.debrief_t)}."
        self.load()

    def back(self) -> Next:
        if self.ctx.replay_t is None:
            self.ctx.replay_t = self.ctx.debrief_t
        return Next.DEBRIEF

    def exit(self) -> None:
        self.store.close()

    # -- drawing -----------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        record = self.ctx.record
        who = record.get("trainee") or record["plan"].get("name")
        text(surface, f"REVIEW  ·  {self.spec.title}", (16, 14), size=22, bold=True, colour=ACCENT)
        changed = len(self.reviewed.changed)
        text(surface, f"{who}  ·  seed {record['seed']}  ·  {changed} rating{'s' if changed != 1 else ''} changed "
                      "in review so far  ·  * not saved yet", (16, 42), size=15, colour=MUTED)
        panel(surface, self.list_rect, "Capability targets and critical tasks (draft, or as reviewed)")
        y = self.list_rect.top + 34
        for level, item, words, t in self.items:
            x = self.list_rect.left + (140 if level == "task" else 62)
            limit = self.list_rect.right - 128 - x
            reason = self._reason(item)
            line = f"{words}  —  {reason}"
            while len(line) > 10 and pygame.font.Font.size(self._font(level), line)[0] > limit:
                line = line[:-4] + "…"
            colour = TEXT if level == "task" else ACCENT
            text(surface, line, (x, y + 4), size=14, colour=colour, bold=level == "target")
            y += ROW
        panel(surface, self.side, "Evaluator")
        inner = self.side.inflate(-24, 0)
        text(surface, "Your name", (inner.left, self.evaluator_entry.rect.top - 20), size=14, colour=MUTED)
        text(surface, "Reason for the changed ratings", (inner.left, self.reason_entry.rect.top - 20), size=14,
             colour=MUTED)
        text(surface, "Observation (tied to the replay time)", (inner.left, self.kind_button.rect.top - 20), size=14,
             colour=MUTED)
        if self.status:
            text(surface, self.status, (16, surface.get_height() - 26), size=15, colour=YELLOW_TEXT)
        y = self.observe_button.rect.bottom + 14
        for o in self.reviewed.observations[-6:]:
            text(surface, f"{clock(o['t'] or 0)} {o['kind']}: {o['text']}"[:52], (inner.left, y), size=13, colour=TEXT)
            y += 18

    def _font(self, level: str):
        from ui.widgets import font
        return font(14, level == "target")

    def _reason(self, item: str) -> str:
        v = self.reviewed.verdicts[item]
        for target in self.reviewed.targets:
            if target.id == item:
                return (f"changed from {v.draft} by {v.evaluator}: {v.reason}" if v.changed else target.reason)
            for task in target.tasks:
                if task.id == item:
                    return (f"changed from {v.draft} by {v.evaluator}: {v.reason}" if v.changed else task.reason)
        return ""

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("rating button", "next rating (met / partly / not met; P / S / M / U)"),
                ("Go T+MM:SS", "show that moment in the replay"), ("Save", "store the changes with your reason"),
                ("Esc", "back to the debrief"), ("?", "show or hide this help")]
