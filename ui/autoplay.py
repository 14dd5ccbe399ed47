"""Autoplay: the window plays the doctrine plan by itself, through every scene, saving a
PNG of each (for demonstrations, kiosks and tests; works with SDL_VIDEODRIVER=dummy).

It presses each scene's buttons by calling the scene's commands, and hands the `Next`
they return to the window (`App.go`), as a click would."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.format.doctrine import doctrine_choice

if TYPE_CHECKING:
    from ui.app import App

EXECUTION_SHOTS = (20.0, 120.0, 300.0)  # simulated seconds at which to photograph the map


class Autoplay:
    def __init__(self, app: "App", scenario_path):
        self.app = app
        self.scenario_path = scenario_path
        self.wait = 0
        self.done: set[str] = set()
        self.shots_taken = 0
        app.time_scale = 4.0  # 16x becomes 64x: a full run in a few hundred frames

    def __call__(self, app: "App") -> None:
        scene = app.scene
        if scene is None:
            return
        if self.wait > 0:
            self.wait -= 1
            return
        handler = getattr(self, f"on_{scene.name}", None)
        if handler:
            handler(scene)

    def shot(self, name: str) -> None:
        if name not in self.done:
            self.done.add(name)
            self.app.screenshot(name)

    def on_menu(self, scene) -> None:
        if "menu" in self.done:
            self.app.quit()
            return
        self.shot("menu")
        self.app.go(scene.start(self.scenario_path))
        self.wait = 1

    def on_briefing(self, scene) -> None:
        self.shot("briefing")
        self.app.go(scene.go_on())
        self.wait = 1

    def on_planning(self, scene) -> None:
        if "planning_filled" not in self.done:
            from ui.planning_model import PlanDraft
            scene.draft = PlanDraft.from_plan(self.app.ctx.scenario, self.app.ctx.scenario.spec.doctrine_plan)
            scene.tool = "breach"
            scene.unit = next((o.unit for o in scene.draft.orders if o.do in ("breach", "stack", "clear")), scene.unit)
            scene.method = None
            scene._refresh()
            self.done.add("planning_filled")
            return  # photographed on the next frame, once drawn
        if "planning" not in self.done:
            self.shot("planning")
            return
        next_ = scene.start()
        if next_ is None and scene.warned:  # a first start only shows the warnings
            next_ = scene.start()
        if next_ is not None:
            self.app.go(next_)
        self.tries = getattr(self, "tries", 0) + 1
        if self.app.scene is scene and self.tries > 3:  # the plan cannot start: say so and stop
            print(f"autoplay: the doctrine plan did not pass the plan check: "
                  f"{'; '.join(m for m, _ in scene.messages)}")
            self.app.quit()

    def on_execution(self, scene) -> None:
        ex = scene.exercise
        if "execution_start" not in self.done:
            self.shot("execution_start")
            scene.set_speed(16)
            return
        pending = ex.pending_decision
        if pending is not None and scene.decision_buttons:
            name = f"decision_{pending.id}"
            if name not in self.done:
                self.shot(name)
                return
            scene.choose(doctrine_choice(self.app.ctx.scenario.spec, pending.id))
            scene.set_speed(16)  # a decision drops the speed to 1x for a person; not for autoplay
            return
        for t in EXECUTION_SHOTS:
            if ex.now >= t and f"execution_t{int(t)}" not in self.done:
                self.shot(f"execution_t{int(t)}")
                return

    def on_debrief(self, scene) -> None:
        if "debrief" not in self.done:
            self.shot("debrief")
            scene.scrub(scene.duration / 2)
            return
        if "replay_middle" not in self.done:
            self.shot("replay_middle")
            scene.toggle_view()
            return
        if "replay_trainee_view" not in self.done:
            self.shot("replay_trainee_view")
            if scene.decisions:
                first = scene.decisions[0]["decision"]
                scene.alternative[first] = 1
                scene._labels()
                scene.run_what_if()
                scene.toggle_view()
            return
        if "what_if" not in self.done:
            self.shot("what_if")
            return
        self.app.quit()
