"""Trying the scenario out from the editor, as it stands (saved or not), never freezing
the window: Run (the doctrine plan, headless, in a thread) with the debrief's score card;
Calibrate (the three plans, in a separate process with progress and a stop button); Play
(the trainee's window, a separate process); Preview (the PNG `preview` writes).

The unsaved scenario is written to results/editor/try/ (with its plan files) and run
from there, so trying never touches the trainer's file.
"""
from __future__ import annotations

import queue
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Optional

import pygame
import pygame_gui

from ui.editor import plans
from ui.editor.document import atomic_write


TRY_DIR = Path("results") / "editor" / "try"
ENTRY = Path(__file__).resolve().parent.parent.parent / "run_exercise.py"


class Trial:
    def __init__(self, app: "ui.editor.app.EditorApp"):
        self.app = app
        self.output = "Try the scenario as it stands: it must have no problems first."
        self.busy: Optional[str] = None
        self.proc: Optional[subprocess.Popen] = None
        self.lines: "queue.Queue[str]" = queue.Queue()
        self.progress = ""
        self._changed = False
        self.box = None

    def build(self, rect: pygame.Rect) -> None:
        app = self.app
        x = rect.left
        for words, tip, command in (
                ("Run", "run the doctrine plan headless (seed 1) and show the score card", self.run),
                ("Calibrate", "the reckless, cautious and doctrine plans over a few seeds, in the background",
                 self.calibrate),
                ("Stop", "stop the calibration", self.stop),
                ("Play", "open the trainee's window on the scenario as it stands", self.play),
                ("Preview", "write the floor-plan PNG that the preview command writes", self.preview)):
            width = (rect.width - 16) // 5
            button = pygame_gui.elements.UIButton(pygame.Rect(x, rect.top, width, 32), words, app.manager,
                                                  tool_tip_text=tip)
            app.commands[button] = command
            if words == "Stop" and self.proc is None:
                button.disable()
            x += width + 4
        y = rect.top + 40
        button = pygame_gui.elements.UIButton(
            pygame.Rect(rect.left, y, rect.width, 32), "Draft calibration plans", app.manager,
            tool_tip_text="write the reckless and cautious plans (and the doctrine plan) drafted from the doctrine "
                          "plan, as scenarios/plans/ID_KIND.yaml; existing files are kept")
        app.commands[button] = self.draft
        y += 38
        width = (rect.width - 8) // 3
        for i, kind in enumerate(plans.KINDS[::-1]):
            button = pygame_gui.elements.UIButton(
                pygame.Rect(rect.left + i * (width + 4), y, width, 32), f"Plan: {kind}", app.manager,
                tool_tip_text=f"draw the {kind} plan in the trainee's planning screen"
                              + (" (kept in the scenario)" if kind == "doctrine" else " (kept in its plan file)"))
            app.commands[button] = lambda k=kind: app.open_plan(k)
        y += 40
        self.box = pygame_gui.elements.UITextBox(self._html(), pygame.Rect(rect.left, y, rect.width, rect.bottom - y),
                                                 app.manager)

    def _html(self) -> str:
        import html
        text = self.output if "<" in self.output and self.output.startswith("<") else \
            html.escape(self.output).replace("\n", "<br>")
        head = f"<b>{html.escape(self.progress)}</b><br>" if self.progress else ""
        return head + text

    def _show(self, words: str, *, markup: bool = False) -> None:
        import html
        self.output = words if markup else html.escape(words).replace("\n", "<br>")
        self.output = self.output if self.output.startswith("<") else "<p>" + self.output + "</p>"
        self._changed = True

    def _scenario(self):
        """The scenario as it stands, written to the try folder; None (and a word) if it has problems."""
        self.app.refresh(force=True)
        if self.app.result.problems:
            self._show(f"The scenario has {len(self.app.result.problems)} problem(s); fix them first (Problems).")
            self.app.say("Fix the problems first: the scenario must validate to be tried.", warn=True)
            return None
        ident = self.app.doc.plain(("id",))
        path = TRY_DIR / f"{ident}.yaml"
        atomic_write(path, self.app.doc.text())
        from sim.format.scenario import load
        return load(path)

    def run(self) -> None:
        if self.busy:
            return
        scenario = self._scenario()
        if scenario is None:
            return
        self.busy = "run"
        self.progress = "Running the doctrine plan..."
        self._changed = True

        def work():
            try:
                from sim.engine.exercise import Exercise
                from sim.evaluation import record as records
                from ui.scorecard import scorecard_html
                exercise = Exercise(scenario, seed=1, plan=scenario.spec.doctrine_plan)
                exercise.run_to_end()
                record = records.make_record(exercise)
                self.output = "<p>" + scorecard_html(record["metrics"]) + "</p>"
                self.progress = "Doctrine plan, seed 1:"
            except Exception as exc:  # a crash in a run is shown, never loses the editor
                self.output = f"<p>The run failed: {exc}</p>"
                self.progress = ""
            self.busy = None
            self._changed = True

        threading.Thread(target=work, daemon=True).start()

    def calibrate(self, runs: int = 10) -> None:
        if self.busy:
            return
        scenario = self._scenario()
        if scenario is None:
            return
        ident = scenario.id
        saved = plans.save_plans(self.app.doc) if self.app.doc.path else []
        folder = TRY_DIR / "plans"
        folder.mkdir(parents=True, exist_ok=True)
        for kind in plans.KINDS:
            source = plans.plan_path(self.app.doc.path or "", ident, kind) if self.app.doc.path else None
            target = folder / f"{ident}_{kind}.yaml"
            if source is not None and source.exists():
                shutil.copyfile(source, target)
            else:
                doc = self.app.doc
                atomic_write(target, plans.plan_text(plans.draft(doc.plain(("doctrine_plan",), {}) or {},
                                                                 doc.plain(("decisions",), []) or [], kind), ident, kind))
        self.busy = "calibrate"
        self.progress = f"Calibrating over {runs} seeds per plan..."
        self._show("")
        self.proc = subprocess.Popen([sys.executable, str(ENTRY), "calibrate", str(TRY_DIR / f"{ident}.yaml"),
                                      "--runs", str(runs), "--workers", "1"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        proc = self.proc

        def read():
            for line in proc.stdout:
                self.lines.put(line.rstrip("\n"))
            proc.wait()
            self.lines.put(f"\x00{proc.returncode}")

        threading.Thread(target=read, daemon=True).start()
        self.app.build()
        if saved:
            self.app.say("Calibration plans: " + ", ".join(f"{p} ({'written' if w else 'kept'})" for p, w in saved))

    def poll(self) -> None:
        got = []
        while True:
            try:
                got.append(self.lines.get_nowait())
            except queue.Empty:
                break
        for line in got:
            if line.startswith("\x00"):
                code = line[1:]
                self.progress = "Calibration done." if code == "0" else f"Calibration stopped (exit {code})."
                self.busy, self.proc = None, None
                self.app.build()
            else:
                body = self.output[3:-4] if self.output.startswith("<p>") else self.output
                import html
                shown = re.sub(r" {2,}", "  ·  ", line.strip())  # the table's columns, readable when wrapped
                self.output = "<p>" + body + ("<br>" if body else "") + html.escape(shown) + "</p>"
                self.progress = f"Calibrating... {line[:60]}"
                self._changed = True
        if self._changed and self.box is not None and self.app.panel == "Try it":
            self._changed = False
            self.box.set_text(self._html())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.progress = "Stopping..."
            self._changed = True

    def play(self) -> None:
        scenario = self._scenario()
        if scenario is None:
            return
        subprocess.Popen([sys.executable, str(ENTRY), "play", scenario.path])
        self._show(f"The trainee's window opens on {scenario.path} (a copy of the scenario as it stands).")

    def preview(self) -> None:
        scenario = self._scenario()
        if scenario is None:
            return
        from ui.preview import save_preview
        out = Path("results") / f"{scenario.id}_preview.png"
        save_preview(scenario, out)
        self._show(f"Preview written to {out}")
        self.app.say(f"Preview written to {out}")

    def draft(self) -> None:
        if self.app.doc.path is None:
            self.app.save()
        saved = plans.save_plans(self.app.doc)
        self._show("\n".join(f"{p}: {'drafted' if w else 'already there, kept'}" for p, w in saved) +
                   "\nOpen them in the planning screen or a text editor to refine them.")

    def stop_all(self) -> None:
        self.stop()
