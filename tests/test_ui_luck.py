"""The luck-adjusted score in the window, through the real play flow: the doctrine runs start
in the background while the trainee plays (their pool starts then, with the window's store
open), the trainee ends the operation early, and the debrief's score must arrive without an
error. It once failed with 'database disk image is malformed': the pool's workers were forked
from the window process while it held SQLite connections."""
from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402,F401

from sim.evaluation.store import Store  # noqa: E402
from sim.format.scenario import load  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KOWLOON = ROOT / "scenarios" / "kowloon_flat.yaml"


def test_a_played_run_ended_early_gets_its_luck_adjusted_score(tmp_path):
    from ui.app import App
    from ui.context import Context
    from ui.scenes.base import Next
    from tests.test_ui import click
    from ui.style.fonts import reset_fonts

    reset_fonts()  # an earlier test's window may have quit pygame's font module
    scenario = load(KOWLOON)
    ctx = Context(scenarios_dir=ROOT / "scenarios", results_dir=tmp_path, scenario=scenario, show_help=False,
                  trainee="Hand Player", luck_runs=12)
    app = App(ctx, size=(1280, 800))
    try:
        ctx.plan = scenario.spec.doctrine_plan.model_copy(update={"decisions": {}})
        app.go(Next.EXECUTION)  # starts the doctrine runs (and their pool) in the background
        scene = app.scene
        while scene.exercise.now < 70:
            scene.exercise.advance(2.0)
            if scene.exercise.pending_decision is not None:
                scene.choose(scene.exercise.pending_decision.decision.default)
            app.frame()
        scene._open_menu()
        app.frame()
        finish = next(b for b, key in scene.menu_buttons.items() if key == "finish")
        click(app, finish)
        for _ in range(20):
            if app.scene.name == "debrief":
                break
            app.frame()
        assert app.scene.name == "debrief"
        job = ctx.luck
        assert job is not None
        assert job.wait(timeout=600), "the luck-adjusted score never arrived"
        assert job.error is None, job.error
        assert job.report is not None and job.report.runs == 12
        app.frame()  # the debrief draws it
        # the store is whole, and holds the played run, the doctrine runs and the policy's
        store = Store(tmp_path / "exercise.db")
        try:
            assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            roles = {r["kind"] for r in store.runs()}
            assert {"doctrine", "policy"} <= roles
        finally:
            store.close()
    finally:
        app.quit()
        from sim.evaluation.batch import stop_pools
        stop_pools()


def test_the_windows_pool_workers_give_way_to_its_frames(tmp_path):
    """While the trainee plays, the doctrine runs of the debrief's score must leave the cores to
    the window's loop (bench/run.py figure 4): the window's pool runs its workers niced."""
    from sim.evaluation.batch import stop_pools, warm_pool, yield_to_window

    try:
        yield_to_window(10)
        worker = warm_pool(1, str(KOWLOON)).submit(os.getpid).result()
        assert os.getpriority(os.PRIO_PROCESS, worker) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    finally:
        yield_to_window(0)  # other tests' batches at the usual priority (the niced pool is closed)
        stop_pools()
