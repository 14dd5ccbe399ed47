"""A decision the trainee let time out is still the trainee's: the debrief counts what the
default cost against doctrine's option, and says it was not answered (it once said 'every
choice matched doctrine' beside a difference larger than luck explains)."""
from __future__ import annotations

from pathlib import Path

from sim.engine.exercise import Exercise
from sim.evaluation.background import LuckJob, luck_lines
from sim.evaluation.record import make_record
from sim.evaluation.skill import skill
from sim.evaluation.store import Store
from sim.format.scenario import load

TUTORIAL = Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml"


def test_a_default_that_differs_from_doctrine_is_costed_and_said_to_be_the_default(tmp_path):
    scenario = load(TUTORIAL)
    unanswered = scenario.spec.doctrine_plan.model_copy(update={"decisions": {}})
    exercise = Exercise(scenario, 3, unanswered)
    exercise.run_to_end()
    record = make_record(exercise)
    first_words = next(d for d in scenario.spec.decisions if d.id == "first_words")
    assert scenario.spec.doctrine_plan.decisions["first_words"] != first_words.default  # the case in point
    store = Store(tmp_path / "exercise.db")
    try:
        report = skill(scenario, record, runs=6, store=store, workers=1)
    finally:
        store.close()
    cost = next(c for c in report.costs if c.decision == "first_words")
    assert cost.defaulted and cost.trainee_option == first_words.default and cost.cost > 0
    job = LuckJob(scenario, record, tmp_path / "exercise.db", runs=6, workers=1).start()
    assert job.wait(600) and job.error is None, job.error
    lines = "\n".join(luck_lines(job))
    assert "(the default: not answered) instead of" in lines and "every decision matched" not in lines
