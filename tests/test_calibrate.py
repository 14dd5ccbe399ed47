"""Calibration for trainers: it finds a scenario's plan files by the scenario's id, fails
loudly (exit 2, a located message saying what a plan file holds) when one is missing, and
does not count the joint-only metrics, which do not apply to solo runs, as scores."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from sim.engine.exercise import Exercise
from sim.evaluation.calibrate import PLAN_KINDS, PlanResult, plan_files, targets_met
from sim.evaluation.metrics import JOINT_ONLY, evaluate
from sim.format.scenario import load
from tests.engine_maps import flat_yaml, load_text

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run_exercise.py", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_plan_files_are_named_by_the_scenario_id_not_the_file_name(tmp_path):
    copy = tmp_path / "my_exercise.yaml"  # a trainer's copy under another name
    shutil.copy(TUTORIAL, copy)
    files = plan_files(load(copy))
    assert {kind: path.name for kind, path in files.items()} == {k: f"tutorial_{k}.yaml" for k in PLAN_KINDS}
    assert all(path.parent == tmp_path / "plans" for path in files.values())


def test_a_missing_plan_file_fails_with_exit_2_and_says_what_a_plan_file_holds(tmp_path):
    copy = tmp_path / "my_exercise.yaml"
    shutil.copy(TUTORIAL, copy)
    (tmp_path / "plans").mkdir()
    shutil.copy(ROOT / "scenarios" / "plans" / "tutorial_doctrine.yaml", tmp_path / "plans")
    done = cli("calibrate", copy, "--runs", "2", "--workers", "1")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2  # reckless and cautious; the doctrine file is there
    for line in lines:
        assert line.startswith(f"{copy}:4:1: id: ")  # the line of `id: tutorial`
        assert "tutorial_" in line and "orders" in line and "decisions" in line
    assert "reckless" in done.stderr and "cautious" in done.stderr
    assert not done.stdout  # nothing calibrated


def test_calibrate_finds_the_plans_of_a_renamed_copy_by_its_id(tmp_path):
    copy = tmp_path / "my_exercise.yaml"
    shutil.copy(TUTORIAL, copy)
    shutil.copytree(ROOT / "scenarios" / "plans", tmp_path / "plans")
    done = cli("calibrate", copy, "--runs", "4", "--workers", "1")
    assert done.returncode == 0, done.stderr
    rows = [line.split()[0] for line in done.stdout.splitlines()[2:5]]
    assert rows == list(PLAN_KINDS)
    assert not any(name in done.stdout for name in JOINT_ONLY)  # never 'flat': they do not apply


def test_joint_only_metrics_have_no_score_in_a_solo_run():
    scenario = load(TUTORIAL)
    exercise = Exercise(scenario, 3, scenario.spec.doctrine_plan)
    exercise.run_to_end()
    result = evaluate(scenario.spec, exercise.events)
    assert all(result["scores"][name] is None for name in JOINT_ONLY)
    assert all(result["scores"][name] is not None for name in result["scores"] if name not in JOINT_ONLY)


def _weighted_flat(weights: dict[str, float]):
    text = flat_yaml(victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"],
                               "nationality": "Thai"}])
    import yaml
    data = yaml.safe_load(text)
    data["scoring"]["capabilities"] = [
        {"id": "safety", "name": "Safety", "metrics": {"victims_safe": {"weight": weights["victims_safe"]}}},
        {"id": "sharing", "name": "Sharing", "metrics": {n: {"weight": weights[n]} for n in JOINT_ONLY}}]
    return load_text(yaml.safe_dump(data, sort_keys=False))


def test_the_overall_score_is_weighted_over_the_metrics_that_apply():
    scenario = _weighted_flat({"victims_safe": 0.4, "information_latency": 0.2, "informed_decisions": 0.2,
                               "channel_choice": 0.2})
    events = [{"t": 0.0, "kind": "exercise_started"}, {"t": 30.0, "kind": "victim_safe", "subject": "mai"},
              {"t": 40.0, "kind": "exercise_ended"}]
    result = evaluate(scenario.spec, events)
    safety, sharing = result["capabilities"]
    assert safety["score"] == 1.0 and safety["rating"] == "P"
    assert sharing["score"] is None and sharing["rating"] == "n/a"
    assert result["overall"]["score"] == 1.0  # victims_safe alone, not 0.4 + 0.6 x 1.0 (or 0)
    unsafe = evaluate(scenario.spec, events[:1] + events[2:])
    assert unsafe["overall"]["score"] == 0.0


def test_calibration_does_not_call_a_metric_that_applies_to_no_run_flat():
    def runs(overall: float, harmed: bool) -> list[dict]:
        return [{"seed": s, "overall": overall + 0.01 * s, "rating": "S" if s else "P",
                 "scores": {"victims_safe": 0.5 + 0.1 * s, **dict.fromkeys(JOINT_ONLY)},
                 "bad": {"victim harmed": harmed and s == 0, "hostage taken": False}} for s in range(4)]
    results = {"reckless": PlanResult("r", runs(0.3, True)), "cautious": PlanResult("c", runs(0.5, False)),
               "doctrine": PlanResult("d", runs(0.8, False))}
    assert results["doctrine"].sd("information_latency") is None
    flat_line = [text for text, _ in targets_met(results) if text.startswith("no metric")][0]
    assert dict(targets_met(results))[flat_line]
    for name in JOINT_ONLY:
        assert name not in flat_line
