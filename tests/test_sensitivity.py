"""The trainers' sensitivity table: the plan's elements are found in the plan itself, and
on a small flat made for it each change moves the bad outcome its mechanism causes, on
common seeds (only where the engine already causes it: a cordon left out lets a
perpetrator escape; handcuffing everyone frightens women into hurting themselves)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sim.evaluation.sensitivity import markdown_table, sensitivity, variants
from sim.format.spec import Plan
from tests.engine_maps import flat_yaml, load_text, police_unit

ROOT = Path(__file__).resolve().parent.parent


def _scenario():
    return load_text(_scenario_text())


def _scenario_text():
    return (flat_yaml(
        bedroom_door={"locked": True},
        victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"], "nationality": "Thai",
                  "fear": 0.9, "trust_in_police": 0.2}],
        perpetrators=[{"id": "guard", "name": "Guard", "role": "guard", "at": "bedroom", "vigilance": 0.9,
                       "flee_via": ["bedroom_window"],
                       "alert_reaction": {"flee": 0.7, "surrender": 0.3}}],
        units=[police_unit("team", size=4, equipment=["manual_ram", "halligan"]),
               police_unit("perimeter", kind="perimeter", size=2),
               police_unit("liaison", languages=["th", "en"], kind="liaison_officer", skills=["interview"],
                           equipment=[])],
        plan_orders=[{"unit": "perimeter", "do": "cordon", "target": "bedroom_window"},
                     {"unit": "team", "do": "breach", "door": "bedroom_door", "method": "manual_ram",
                      "on": "cordon_set bedroom_window"},
                     {"unit": "team", "do": "clear", "room": "bedroom"},
                     {"unit": "liaison", "do": "interview", "victim": "mai", "when": "room_cleared bedroom"}]))


def test_every_element_is_found_in_the_plan():
    scenario = _scenario()
    found = {(v.element, v.label.split(" (")[0]) for v in variants(scenario.spec, scenario.spec.doctrine_plan)}
    assert ("cordon", "no cordon on Bedroom window") in found
    assert ("entry method", "key first, then force") not in found  # nobody who breaches has a key
    assert ("entry method", "knock and announce first, then force") in found
    assert ("entry method", "force at once") not in found  # the plan already forces at once
    assert ("language", "without Liaison") in found and ("language", "Liaison 10 min late") in found
    assert ("restraint", "every clearance hard: handcuff everyone") in found
    assert ("time of entry", "no stack or breach before T+10 min") in found


def test_an_uncovered_route_is_cordoned_by_an_idle_perimeter_unit_and_nothing_absent_is_varied():
    scenario = _scenario()
    bare = Plan(name="bare", orders=(scenario.spec.doctrine_plan.orders[2],))  # a clearance alone
    found = {(v.element, v.label) for v in variants(scenario.spec, bare)}
    assert found == {("cordon", "cordon on Bedroom window (Perimeter)"),
                     ("restraint", "every clearance hard: handcuff everyone")}


def test_leaving_the_cordon_out_lets_him_escape_and_handcuffing_hurts_her():
    scenario = _scenario()
    report = sensitivity(scenario, scenario.spec.doctrine_plan, runs=60, workers=1)
    rows = {v.label.split(" (")[0]: effects for v, _shares, effects in report.rows}
    escaped = rows["no cordon on Bedroom window"]["perpetrator escaped"]
    assert escaped.difference > 0 and escaped.clear, escaped
    assert report.baseline["perpetrator escaped"] == 0.0  # the cordon held him in every run
    harmed = rows["every clearance hard: handcuff everyone"]["victim harmed"]
    assert harmed.difference > 0 and harmed.clear, harmed
    timing = rows["no stack or breach before T+10 min"]
    assert not timing["perpetrator escaped"].clear  # covered, waiting does not let him out
    assert "| `test_map`: doctrine as planned |" in markdown_table(report, "test_map")


def test_the_command_prints_the_table_and_refuses_plan_without_sensitivity(tmp_path):
    done = subprocess.run([sys.executable, "run_exercise.py", "calibrate", "scenarios/tutorial.yaml",
                           "--sensitivity", "--runs", "8", "--workers", "1"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for element in ("ENTRY METHOD", "LANGUAGE", "RESTRAINT", "TIME OF ENTRY"):
        assert element in done.stdout
    done = subprocess.run([sys.executable, "run_exercise.py", "calibrate", "scenarios/tutorial.yaml",
                           "--plan", "scenarios/plans/tutorial_reckless.yaml"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "only with --sensitivity" in done.stderr and "Traceback" not in done.stderr


def test_a_decision_the_plan_leaves_open_stays_open_in_every_variant():
    from sim.format.scenario import load
    scenario = load(ROOT / "scenarios" / "kowloon_flat.yaml")
    open_plan = scenario.spec.doctrine_plan.model_copy(update={"decisions": {}})
    for variant in variants(scenario.spec, open_plan):
        if variant.element == "language" and "decision" in variant.label:
            assert set(variant.plan.decisions) == {"first_words"}  # switched, as a commander without him would
        elif variant.element == "decision":  # the one decision it answers otherwise, the others still open
            assert len(variant.plan.decisions) == 1 and variant.plan.name.endswith(
                f"({next(iter(variant.plan.decisions))}: {next(iter(variant.plan.decisions.values()))})")
        else:
            assert variant.plan.decisions == {}, variant.label


def _armed_guard_flat(**kw):
    """A knife-armed guard who fights whoever comes in, a team with shields, one decision."""
    return load_text(flat_yaml(
        perpetrators=[{"id": "guard", "name": "Guard", "role": "guard", "at": "bedroom", "armed": "knife",
                       "vigilance": 0.9, "alert_reaction": {"resist": 1.0}}],
        units=[police_unit("team", size=1, equipment=["manual_ram", "shields"])],
        decisions=[{"id": "approach", "at": 1, "prompt": "How do you go in?", "time_allowed": 30,
                    "options": [{"id": "shout", "label": "Shout and go in", "orders": [
                                    {"unit": "team", "do": "clear", "room": "bedroom"}]},
                                {"id": "quiet", "label": "Calmly", "orders": [
                                    {"unit": "team", "do": "clear", "room": "bedroom", "approach": "calm"}]}],
                    "default": "shout"}],
        plan_orders=[{"unit": "team", "do": "breach", "door": "bedroom_door", "method": "manual_ram"}], **kw))


def test_going_in_without_shields_hurts_more_officers_and_each_decision_option_is_a_variant():
    scenario = _armed_guard_flat()
    plan = scenario.spec.doctrine_plan
    found = {(v.element, v.label) for v in variants(scenario.spec, plan)}
    assert ("protection", "no shields: Team") in found
    assert ("decision", "decision 'approach': Calmly (plan: Shout and go in)") in found
    assert not any(v.element == "decision" and v.label.startswith("decision 'approach': Shout")
               for v in variants(scenario.spec, plan))  # the option the plan takes is no change
    report = sensitivity(scenario, plan, runs=120, workers=1,
                         only=[v for v in variants(scenario.spec, plan) if v.element == "protection"])
    hurt = report.rows[0][2]["officer injured"]
    assert hurt.difference > 0 and hurt.clear, hurt


def test_an_outcome_no_change_moves_is_explained_only_by_the_scenario_itself():
    from sim.evaluation.sensitivity import steady_reasons
    from sim.format.scenario import load
    tutorial = load(ROOT / "scenarios" / "tutorial.yaml")
    reasons = steady_reasons(tutorial.spec, ["officer injured", "hostage taken"])
    assert set(reasons) == {"officer injured"} and "unarmed" in reasons["officer injured"]


def test_the_plan_as_planned_scores_and_fails_as_calibrate_says_on_the_same_seeds(tmp_path):
    """Two commands answer 'how does the doctrine plan do on these seeds': the same numbers."""
    from sim.evaluation.calibrate import BAD_OUTCOMES, calibrate
    from sim.evaluation.sensitivity import SCORE
    from sim.format.scenario import load
    path = tmp_path / "flat.yaml"
    path.write_text(_scenario_text(), encoding="utf-8")
    scenario = load(path)
    plan = scenario.spec.doctrine_plan
    report = sensitivity(scenario, plan, runs=30, first_seed=5, workers=1, only=[])
    result = calibrate(scenario, {"doctrine": plan}, runs=30, first_seed=5, workers=1)["doctrine"]
    assert report.baseline[SCORE] == result.mean
    for name in BAD_OUTCOMES:
        assert report.baseline[name] == result.share(name), name


def test_a_key_is_tried_first_only_where_the_unit_that_breaches_carries_one():
    keyed = load_text(_scenario_text().replace("- manual_ram\n  - halligan", "- manual_ram\n  - halligan\n  - key", 1))
    found = {(v.element, v.label.split(" (")[0]): v for v in variants(keyed.spec, keyed.spec.doctrine_plan)}
    variant = found[("entry method", "key first, then force")]
    assert [o.method for o in variant.plan.orders if o.do == "breach"] == ["key", "manual_ram"]


def test_the_markdown_table_names_the_plan_it_varies():
    scenario = _scenario()
    report = sensitivity(scenario, scenario.spec.doctrine_plan, runs=4, workers=1, only=[])
    assert markdown_table(report, "test_map").startswith("| change from the doctrine plan |")
    other = markdown_table(report, "test_map", "Cautious")
    assert other.startswith("| change from the plan 'Cautious' |") and "| `test_map`: 'Cautious' as planned |" in other
