"""A lookout's call: alerted, he warns the others about ten seconds later, unless the police
have reached him first. In Sham Shui Po the detectives come through the fire door five
metres below him and have hold of him before his call; an entry that leaves the roof open
lets him bolt over it, and then his call goes out."""
from __future__ import annotations

from engine_maps import SCENARIO_DIR
from sim.engine.exercise import Exercise
from sim.format.scenario import load, load_plan

SCENARIO = SCENARIO_DIR / "subdivided_floor.yaml"
SEEDS = range(12)


def _warned_by_lookout(events: list) -> bool:
    return any(e["kind"] == "perpetrator_alerted" and e.get("why") == "warned by lookout" for e in events)


def _run(plan_name: str, seed: int) -> list:
    scenario = load(SCENARIO)
    plan = scenario.spec.doctrine_plan if plan_name == "doctrine" else \
        load_plan(SCENARIO_DIR / "plans" / f"subdivided_floor_{plan_name}.yaml", scenario)
    exercise = Exercise(scenario, seed, plan)
    exercise.run_to_end()
    return exercise.events


def test_a_lookout_reached_before_his_call_warns_nobody():
    for seed in SEEDS:
        events = _run("doctrine", seed)
        assert any(e["kind"] == "perpetrator_alerted" and e["subject"] == "lookout" for e in events)
        assert not _warned_by_lookout(events), f"seed {seed}: the lookout warned the floor while held"


def test_a_lookout_who_bolts_over_an_open_roof_makes_his_call():
    assert any(_warned_by_lookout(_run("reckless", seed)) for seed in SEEDS)
