"""The debrief's background luck-adjusted score and the evaluators' review screen, driven
under the dummy video driver."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from sim.engine.exercise import Exercise  # noqa: E402
from sim.evaluation import record as records  # noqa: E402
from sim.evaluation.store import Store, run_key  # noqa: E402
from sim.format.scenario import load, load_plan  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KOWLOON = ROOT / "scenarios" / "kowloon_flat.yaml"


@pytest.fixture
def debrief(tmp_path):
    from ui.app import App
    from ui.context import Context
    from ui.scenes.base import Next
    from ui.style.fonts import reset_fonts

    reset_fonts()  # an earlier test's window may have quit pygame's font module
    scenario = load(KOWLOON)
    plan = load_plan(ROOT / "scenarios" / "plans" / "kowloon_flat_reckless.yaml", scenario)
    exercise = Exercise(scenario, 5, plan, trainee="bob")
    exercise.run_to_end()
    record = records.make_record(exercise)
    path = records.save(record, tmp_path)
    Store(tmp_path / "exercise.db").add(record, source="headless", record_path=str(path))
    ctx = Context(scenarios_dir=ROOT / "scenarios", results_dir=tmp_path, scenario=scenario, record=record,
                  record_path=path, show_help=False, trainee="bob", luck_runs=12)
    app = App(ctx, size=(1280, 800))
    app.go(Next.DEBRIEF)
    yield app
    app.quit()


def test_the_luck_adjusted_score_arrives_without_freezing_the_window(debrief):
    app = debrief
    job = app.ctx.luck
    assert job is not None and not job.done  # started, not waited for
    frames, worst = 0, 0.0
    deadline = time.monotonic() + 120
    while not job.done and time.monotonic() < deadline:
        start = time.monotonic()
        app.frame()
        worst = max(worst, time.monotonic() - start)
        frames += 1
    assert job.done and job.error is None
    assert frames >= 3  # the window went on drawing while the runs were made
    report = job.report
    assert report.runs == 12 and report.doctrine.mean > report.trainee.mean
    assert [c.decision for c in report.costs][0] == "first_words"  # detectives first costs most
    from sim.evaluation.background import luck_lines
    lines = luck_lines(job)
    assert "Luck-adjusted (12 seeds" in lines[0] and "OCTB detectives question them now" in lines[1]  # words, not ids


def test_review_screen_changes_a_rating_and_jumps_to_its_evidence(debrief):
    from ui.scenes.base import Next

    app = debrief
    app.ctx.luck.wait(120)
    app.scene.scrub(200.0)
    app.go(app.scene.to_review())
    review = app.scene
    assert review.name == "review"
    review.cycle("arrests")
    review.save()
    assert "evaluator's name" in review.status  # nothing stored without a name
    review.evaluator_entry.set_text("Insp. Chan")
    review.save()
    assert "reason" in review.status
    review.reason_entry.set_text("the manager was arrested at the stairs")
    review.save()
    assert review.status.startswith("Saved 1 rating")
    store = Store(app.ctx.results_dir / "exercise.db")
    run = store.run_by_key(run_key(app.ctx.record))
    rows = store.reviews(run["id"])
    assert [(r["item"], r["draft"], r["evaluator"]) for r in rows] == [("arrests", "partly met", "Insp. Chan")]
    review.observation_entry.set_text("calm voice on the radio")
    review.observe()
    assert store.observations(run["id"])[0]["t"] == pytest.approx(200.0)
    jump, t = next(iter(review.jump_buttons.items()))
    app.go(review.handle_event(type("E", (), {"type": __import__("pygame_gui").UI_BUTTON_PRESSED,
                                               "ui_element": jump})()))
    assert app.scene.name == "debrief" and app.scene.t == pytest.approx(t)
    assert Next.REVIEW.value == "review"
