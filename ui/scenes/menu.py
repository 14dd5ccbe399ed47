"""The menu: the scenarios in the scenarios folder, with title, difficulty and length."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UITextEntryLine

from sim.format.problems import InputError
from sim.format.scenario import load
from ui.scenes.base import Next, Scene
from ui.widgets import ACCENT, MUTED, TEXT, text

DIFFICULTY_ORDER = {"introductory": 0, "intermediate": 1, "advanced": 2, "expert": 3}


def list_scenarios(folder: Path) -> list[tuple[Path, object]]:
    """(path, Scenario or the InputError) for every scenario file, easiest first."""
    found = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            found.append((path, load(path)))
        except InputError as exc:
            found.append((path, exc))
    return sorted(found, key=lambda pf: (isinstance(pf[1], InputError),
                                         DIFFICULTY_ORDER.get(getattr(getattr(pf[1], "spec", None), "difficulty", ""), 9),
                                         str(pf[0])))


class MenuScene(Scene):
    name = "menu"

    def enter(self) -> None:
        self.entries = list_scenarios(self.ctx.scenarios_dir)
        self.build()

    def build(self) -> None:
        w, h = self.window.size
        self.buttons: dict[object, Path] = {}
        top = 190
        for i, (path, scenario) in enumerate(self.entries):
            rect = pygame.Rect(w // 2 - 380, top + i * 62, 760, 54)
            if isinstance(scenario, InputError):
                label = f"{path.name}: cannot be played ({len(scenario.problems)} problems; run validate)"
                button = UIButton(rect, label, self.manager)
                button.disable()
            else:
                spec = scenario.spec
                label = f"{spec.title}   ·   {spec.difficulty}   ·   about {spec.estimated_minutes} min"
                button = UIButton(rect, label, self.manager, tool_tip_text=spec.summary)
            self.buttons[button] = path
        self.name_entry = UITextEntryLine(pygame.Rect(w // 2 - 380, 120, 360, 36), self.manager,
                                          placeholder_text="Trainee name (for the record)")
        if self.ctx.trainee:
            self.name_entry.set_text(self.ctx.trainee)
        self.quit_button = UIButton(pygame.Rect(w - 140, h - 60, 120, 40), "Quit", self.manager)

    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.quit_button:
                return Next.QUIT
            if event.ui_element in self.buttons:
                return self.start(self.buttons[event.ui_element])
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            return Next.QUIT
        return None

    def start(self, path: Path) -> Next:
        """Choose the scenario at `path`: on to its briefing."""
        known = {p.resolve(): s for p, s in self.entries}
        scenario = known.get(Path(path).resolve())
        if scenario is None or isinstance(scenario, InputError):
            scenario = load(path)
        name = self.name_entry.get_text().strip()
        self.ctx.trainee = name or self.ctx.trainee
        self.ctx.scenario = scenario
        self.ctx.plan = None
        return Next.BRIEFING

    def draw(self, surface: pygame.Surface) -> None:
        w, _ = surface.get_size()
        text(surface, "JOINT RESCUE EXERCISE", (w // 2 - 380, 40), size=30, bold=True, colour=ACCENT)
        text(surface, "Choose a scenario. Victims' safety and well-being first; then arrests and evidence.",
             (w // 2 - 380, 82), size=17, colour=TEXT)
        text(surface, f"Scenarios from {self.ctx.scenarios_dir}/", (w // 2 - 380, 166), size=15, colour=MUTED)
        if self.ctx.message:
            text(surface, self.ctx.message, (w // 2 - 380, surface.get_height() - 50), size=16, colour=ACCENT)

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("click", "choose a scenario"), ("?", "show or hide this help"), ("Esc", "quit")]
