"""Every way a run ends is an input: the trainee ending the operation in the window, the
controller ending it, the time limit. So `verify` re-simulates to exactly where the run
stopped, and the debrief's replay stops there too."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from sim.engine.exercise import Exercise  # noqa: E402
from sim.evaluation import record as records  # noqa: E402
from sim.evaluation.replay import Replay, film  # noqa: E402
from sim.format.scenario import load  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KOWLOON = load(ROOT / "scenarios" / "kowloon_flat.yaml")


@pytest.fixture
def app(tmp_path):
    from ui.app import App
    from ui.context import Context

    ctx = Context(scenarios_dir=ROOT / "scenarios", results_dir=tmp_path, scenario=KOWLOON,
                  show_help=False, trainee="Test Trainee", luck_runs=0)
    application = App(ctx, size=(1280, 800))
    yield application
    application.quit()


def test_a_run_ended_early_in_the_window_verifies_and_its_replay_stops_there(app):
    from ui.scenes.base import Next

    app.ctx.plan = KOWLOON.spec.doctrine_plan
    app.go(Next.EXECUTION)
    scene = app.scene
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_3, mod=0, unicode="3", scancode=0))
    for _ in range(40):
        app.frame(dt=0.5)
    stopped_at = scene.exercise.now
    assert 0 < stopped_at and not scene.exercise.finished
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="", scancode=0))
    app.frame()
    finish = next(b for b, key in scene.menu_buttons.items() if key == "finish")
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        pygame.event.post(pygame.event.Event(kind, button=1, pos=finish.rect.center))
    for _ in range(3):
        app.frame()
    assert app.ctx.record_path is not None
    record = records.load(app.ctx.record_path)
    assert record["end_reason"] == "ended by the trainee"
    assert record["inputs"][-1]["type"] == "end_operation"
    assert record["duration_s"] == pytest.approx(stopped_at, abs=1e-3)
    verdict = records.verify(KOWLOON, record, require_signature=True)  # the window signs what it writes
    assert verdict.ok, verdict.message
    replayed = film(Replay.of_record(KOWLOON, record), every=5.0)
    assert replayed.duration == pytest.approx(stopped_at, abs=1e-3)
    assert replayed.events == record["events"]


def test_the_time_limit_of_a_played_run_is_an_input_and_the_record_verifies():
    from sim.format.orders import ORDER_CLASSES
    exercise = Exercise(KOWLOON, 3, None, interactive=True, trainee="pacing")
    rooms = ("corridor", "stairwell")
    for i in range(200):  # a trainee who keeps a unit pacing, so the run goes on to its limit
        if exercise.finished:
            break
        exercise.advance(37.0)  # as a window's frames would, in uneven steps
        if exercise.pending_decision is not None:
            exercise.decide(exercise.pending_decision.id, exercise.pending_decision.decision.default)
        if not exercise.finished:
            exercise.apply(ORDER_CLASSES["move"].model_validate({"unit": "eu_perimeter", "do": "move",
                                                                  "to": rooms[i % 2]}))
    assert exercise.end_reason.startswith("time limit reached")  # and what was left to do
    assert exercise.inputs[-1]["type"] == "end_operation" and exercise.inputs[-1]["by"] == "limit"
    record = records.make_record(exercise)
    assert records.verify(KOWLOON, record).ok


def test_the_controller_ending_the_operation_is_an_input_and_the_record_verifies():
    exercise = Exercise(KOWLOON, 2, KOWLOON.spec.doctrine_plan, interactive=True, joint=("hk_command",))
    exercise.advance(120)
    exercise.control({"do": "end"})
    assert exercise.finished and exercise.end_reason == "ended by the controller"
    record = records.make_record(exercise)
    assert record["inputs"][-1] == {"t": exercise.now, "step": exercise.steps, "type": "control",
                                    "seat": "controller", "action": {"do": "end"}}
    verdict = records.verify(KOWLOON, record)
    assert verdict.ok, verdict.message
    with pytest.raises(RuntimeError):
        exercise.end_operation("trainee")
    with pytest.raises(ValueError):
        Exercise(KOWLOON, 2).end_operation("someone")
