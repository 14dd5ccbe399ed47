"""A plan drawn in the trainee's own planning screen (ui/scenes/planning.py), hosted in
the editor's window: the doctrine plan (written into the scenario, one undoable edit) or a
calibration plan (written to its plan file). "Start" in that screen means "use this plan";
Back or Esc returns to the editor without a change.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import pygame

from sim.format.scenario import load_plan
from ui.context import Context
from ui.editor import edits as E
from ui.editor import plans
from ui.editor.document import atomic_write
from ui.planning_model import PlanDraft
from ui.scenes.base import Next
from ui.flow import scene_for  # the one place that knows the scenes
from ui.widgets import ACCENT, font


class PlanMode:
    def __init__(self, app, scenario, kind: str):
        self.app, self.kind = app, kind
        self.ctx = Context(scenario=scenario, show_help=False)
        self.help_visible = False
        self.time_scale = 1.0
        self.manager = app.manager
        self.file: Optional[Path] = None
        app.manager.clear_and_reset()
        self.scene = scene_for(Next.PLANNING, self)
        self.scene.enter()
        if kind == "doctrine":
            self.scene.draft = PlanDraft.from_plan(scenario, scenario.spec.doctrine_plan)
        else:
            self.file = plans.plan_path(app.doc.path or f"scenarios/{scenario.id}.yaml", scenario.id, kind)
            if self.file.exists():
                self.scene.draft = PlanDraft.from_plan(scenario, load_plan(self.file, scenario))
            else:
                drafted = plans.draft(app.doc.plain(("doctrine_plan",), {}) or {},
                                      app.doc.plain(("decisions",), []) or [], kind)
                from sim.format.spec import Plan
                self.scene.draft = PlanDraft.from_plan(scenario, Plan.model_validate(_tuples(drafted), strict=True))
        self.scene._refresh()

    @property
    def size(self) -> tuple[int, int]:
        return self.app.size

    def handle(self, event) -> Optional[bool]:
        """True when done (the plan taken), False when cancelled, None to go on."""
        result = self.scene.handle_event(event)
        if result is Next.EXECUTION:
            self.take(self.ctx.plan)
            return True
        if result in (Next.BRIEFING, Next.MENU):
            self.app.say("Plan left unchanged.")
            return False
        return None

    def take(self, plan) -> None:
        orders = [o.model_dump(mode="json", exclude_none=True, exclude_defaults=True) | {"unit": o.unit, "do": o.do}
                  for o in plan.orders]
        orders = [{"unit": o.pop("unit"), "do": o.pop("do"), **o} for o in orders]
        if self.kind == "doctrine":
            self.app.execute(E.Group((E.SetValue(("doctrine_plan", "orders"), orders),), "doctrine plan drawn"))
            return
        data = plans.draft(self.app.doc.plain(("doctrine_plan",), {}) or {},
                           self.app.doc.plain(("decisions",), []) or [], self.kind)
        data["orders"] = orders
        atomic_write(self.file, plans.plan_text(data, self.ctx.scenario.id, self.kind))
        self.app.say(f"{self.kind} plan saved to {self.file}")

    def update(self, dt: float) -> None:
        self.scene.update(dt)

    def draw(self, surface: pygame.Surface) -> None:
        self.scene.draw(surface)
        words = (f"Drawing the {self.kind} plan in the trainee's planning screen: Start keeps it "
                 f"({'in the scenario' if self.kind == 'doctrine' else 'in ' + str(self.file)}); Back or Esc leaves it.")
        image = font(14, True).render(words, True, ACCENT)
        surface.blit(image, image.get_rect(topright=(self.app.size[0] - 16, 4)))


def _tuples(value):
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value
