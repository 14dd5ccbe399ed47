"""Entry points of the window, called by run_exercise.py: play, resume, replay, autoplay.

Each builds the typed context, opens the window and names the first screen (`App.go`);
from there the scenes hand over among themselves through `ui.flow`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from sim.evaluation import journal as journals
from sim.evaluation import record as records
from sim.format.problems import InputError, Problem
from sim.format.scenario import load


def play(scenario_path: Optional[str], *, trainee: Optional[str], seed: int, resume: Optional[str],
         autoplay: bool, screenshots: Optional[str], results: str, scenarios_dir: str = "scenarios",
         max_frames: Optional[int] = None) -> list[Path]:
    if autoplay:
        os.environ.setdefault("SDL_VIDEODRIVER", os.environ.get("SDL_VIDEODRIVER", "dummy")
                              if os.environ.get("DISPLAY") else "dummy")
    from ui.app import App
    from ui.context import Context
    from ui.scenes.base import Next

    folder = Path(scenarios_dir)
    if not folder.is_dir():  # run from elsewhere: the project's own scenarios
        folder = Path(__file__).resolve().parents[1] / "scenarios"
    from ui.style.fonts import reset_fonts
    reset_fonts()  # fonts cached by an earlier window of this process died with its pygame.quit()
    ctx = Context(scenarios_dir=folder, results_dir=Path(results), trainee=trainee, seed=seed,
                  autoplay=autoplay, screenshots=Path(screenshots) if screenshots else None)
    if resume:
        header, _ = journals.read(resume)  # checked for shape: a damaged journal is a located error
        if "joint" in header:
            raise InputError([Problem(str(resume), 1, 1, "joint", "this is the journal of a joint exercise: "
                                      "continue it with `host --resume`")])
        scenario = load(header["scenario"]["path"])
        exercise, journal = journals.resume(resume, scenario)
        ctx.scenario, ctx.exercise, ctx.journal = scenario, exercise, journal
        ctx.seed, ctx.trainee, ctx.plan = exercise.seed, exercise.trainee, exercise.plan
        ctx.show_help = False
    elif scenario_path:
        ctx.scenario = load(scenario_path)
    app = App(ctx)
    if resume:
        app.go(Next.EXECUTION)
    elif autoplay:
        from ui.autoplay import Autoplay
        if not scenario_path:
            scenario_path = str(folder / "kowloon_flat.yaml")
            ctx.scenario = load(scenario_path)
        app.on_frame.append(Autoplay(app, Path(scenario_path)))
        ctx.show_help = False
        app.go(Next.MENU)
    elif ctx.scenario is not None:
        app.go(Next.BRIEFING)
    else:
        app.go(Next.MENU)
    frames = 0
    while app.running:
        dt = 1 / 30 if autoplay else app.clock.tick(30) / 1000.0
        app.frame(dt=dt)
        frames += 1
        if max_frames is not None and frames >= max_frames:
            app.quit()
    import pygame
    pygame.quit()
    if ctx.record_path is not None:
        print(f"run record: {ctx.record_path}")
    elif ctx.journal is not None:
        print(f"the run is kept in its journal: {ctx.journal.path} (play --resume it)")
    return list(ctx.shots)


def replay(record_path: str, *, scenario_path: Optional[str] = None) -> None:
    from ui.app import App
    from ui.context import Context
    from ui.scenes.base import Next

    record = records.load(record_path)
    path = scenario_path or record["scenario"].get("path")
    if not path or not Path(path).exists():
        raise InputError([Problem(record_path, 1, 1, "scenario.path",
                                  f"scenario file {path!r} not found; give it with --scenario FILE")])
    scenario = load(path)
    if scenario.sha256 != record["scenario"]["sha256"]:
        raise InputError([Problem(record_path, 1, 1, "scenario.sha256",
                                  f"the record was made with another version of {path}")])
    records.resimulate(scenario, record)  # a damaged record is a located error here, not a crash in the window
    ctx = Context(scenario=scenario, record=record, record_path=Path(record_path), trainee=record.get("trainee"),
                  seed=record["seed"])
    app = App(ctx)
    app.go(Next.DEBRIEF)
    while app.running:
        app.frame(dt=app.clock.tick(30) / 1000.0)
