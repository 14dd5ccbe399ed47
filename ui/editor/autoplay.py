"""Autoplay: the editor walks every panel by itself and saves a PNG of each (for
demonstrations and tests; works with SDL_VIDEODRIVER=dummy), as `play --autoplay` does.
It presses the same commands a click would."""
from __future__ import annotations




class Autoplay:
    def __init__(self, app: "ui.editor.app.EditorApp"):
        self.app = app
        self.steps = list(self._steps())
        self.wait = 2

    def __call__(self, app: "ui.editor.app.EditorApp") -> None:
        if self.wait > 0:
            self.wait -= 1
            return
        if not self.steps:
            app.quit()
            return
        step = self.steps.pop(0)
        result = step()
        self.wait = result if isinstance(result, int) else 2

    def _steps(self):
        app = self.app
        yield lambda: app.refresh(force=True) or app.show_panel("Problems")
        yield lambda: app.screenshot("map_and_problems")
        yield lambda: app.set_tool("room")
        yield lambda: app.screenshot("tool_room")
        yield lambda: app.toggle_help()
        yield lambda: app.screenshot("help")
        yield lambda: app.toggle_help() or app.set_tool("select")
        for section, name in (("victims", "victim"), ("perpetrators", "perpetrator"), ("units", "unit"),
                              (("floor_plan", "doors"), "door")):
            path = section if isinstance(section, tuple) else (section,)
            if app.doc.plain(path, []):
                yield lambda p=path: app.select(p + (0,))
                yield lambda n=name: app.screenshot(f"properties_{n}")
        yield lambda: app.show_panel("Scenario")
        yield lambda: app.screenshot("scenario_sections")
        yield lambda: app.select(("floor_plan",))
        yield lambda: app.screenshot("floor_plan_settings")
        yield lambda: app.select(("briefing",))
        yield lambda: app.screenshot("briefing")
        yield lambda: app.select(("agencies",))
        yield lambda: app.screenshot("agencies")
        yield lambda: app.show_panel("Timeline")
        yield lambda: app.screenshot("timeline")
        yield lambda: app.view.zoom_at(app.map_rect.center, 2.5)
        yield lambda: app.screenshot("zoomed_in")
        yield lambda: app.view.fit() or app.open_plan("doctrine")
        yield lambda: app.screenshot("doctrine_plan_in_planning_screen") if app.plan_mode else None
        yield self._leave_plan
        yield lambda: app.show_panel("Try it")
        yield self._run
        yield self._wait_run
        yield lambda: app.screenshot("try_it_run")

    def _leave_plan(self):
        self.app.plan_mode = None
        self.app.build()

    def _run(self):
        self.app.trial.run()
        return 2

    def _wait_run(self):
        if self.app.trial.busy:
            self.steps.insert(0, self._wait_run)
            return 5
        return 2
