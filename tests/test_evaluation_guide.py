"""The evaluation guide in the scenario format, and the draft ratings it gives a run."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from sim.evaluation.ratings import MET, NOT_MET, PARTLY, draft_ratings
from sim.format.problems import InputError
from sim.format.scenario import load

ROOT = Path(__file__).resolve().parent.parent
KOWLOON = ROOT / "scenarios" / "kowloon_flat.yaml"


@pytest.fixture(scope="module")
def kowloon():
    return load(KOWLOON)


def test_every_shipped_scenario_has_a_guide_that_rates_its_golden_run():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = load(path)
        guide = scenario.spec.evaluation_guide
        assert guide is not None, path
        events = [json.loads(line) for line in open(ROOT / "tests" / "golden" / f"{scenario.id}.jsonl")]
        targets = draft_ratings(scenario.spec, events)
        assert len(targets) == sum(len(c.targets) for c in guide.capabilities)
        assert all(t.rating in "PSMU" and t.reason for t in targets)
        assert all(task.rating in (MET, PARTLY, NOT_MET) for t in targets for task in t.tasks)


def test_the_guide_comes_right_after_scoring_in_each_file():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        keys = [line.split(":")[0] for line in path.read_text().splitlines() if re.match(r"^[a-z_]+:", line)]
        assert keys[keys.index("scoring") + 1] == "evaluation_guide", path


def _broken(text: str, old: str, new: str, tmp_path: Path) -> list[str]:
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(InputError) as caught:
        load(path)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("old, new, expected", [
    ("expect: {on: victim_safe, each: victim, after: victim_found, within: 300}",
     "expect: {on: victim_saved, each: victim, after: victim_found, within: 300}",
     r"expect\.on: unknown event 'victim_saved' \(did you mean 'victim_safe'\?\)"),
    ("decision: gate_entry", "decision: gate_entri", r"decision: unknown decision 'gate_entri' \(did you mean 'gate_entry'\?\)"),
    ("expect: {never: hostage_taken}", "expect: {never: hostage_taken, within: 60}",
     r"expect\.never: 'never' takes no 'within' or 'after'"),
    ("expect: {on: perpetrator_arrested, each: perpetrator}", "expect: {on: perpetrator_arrested, each: victim}",
     r"expect\.each: 'perpetrator_arrested' is about a perpetrator, not each victim"),
    ("expect: {on: victim_identified, each: victim}", "expect: {each: victim}",
     r"expect: give one of 'on: EVENT' \(it must happen\) or 'never: EVENT'"),
    ("              agency: rtp_atpd", "              agency: rtp_atdp", r"agency: unknown agency 'rtp_atdp' \(did you mean 'rtp_atpd'\?\)"),
    ("            - id: no_hostage", "            - id: safe_after_found", r"id 'safe_after_found' is already used"),
    ("weight: 2\n              decision: gate_entry", "weight: -1\n              decision: gate_entry", r"weight"),
])
def test_guide_mistakes_are_located_and_explained(tmp_path, old, new, expected):
    text = KOWLOON.read_text()
    messages = _broken(text, old, new, tmp_path)
    assert len(messages) == 1, messages
    assert re.search(r"bad\.yaml:\d+:\d+: evaluation_guide\.capabilities\[\d\]\.targets\[\d\]\.tasks\[\d\]", messages[0])
    assert re.search(expected, messages[0]), messages[0]


def test_guide_command_writes_the_checklist(tmp_path):
    out = tmp_path / "guide.html"
    done = subprocess.run([sys.executable, "run_exercise.py", "guide", str(KOWLOON), "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    page = out.read_text()
    spec = load(KOWLOON).spec
    for capability in spec.evaluation_guide.capabilities:
        assert capability.name in page
        for target in capability.targets:
            for task in target.tasks:
                assert task.task in page and task.id in page
    assert "within 10 min of victim found" in page
    bad = subprocess.run([sys.executable, "run_exercise.py", "guide", str(KOWLOON), "--out", str(tmp_path / "g.pdf")],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and ".html" in bad.stderr


# -- draft ratings on made-up event logs: the rule, whatever the times ---------------------

def _task(spec, task_id):
    for capability in spec.evaluation_guide.capabilities:
        for target in capability.targets:
            for task in target.tasks:
                if task.id == task_id:
                    return task
    raise KeyError(task_id)


def _rating(spec, events, task_id):
    for target in draft_ratings(spec, events):
        for task in target.tasks:
            if task.id == task_id:
                return task
    raise KeyError(task_id)


times = st.one_of(st.none(), st.floats(min_value=0, max_value=3000, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(found=st.lists(times, min_size=2, max_size=2), spoken_after=st.lists(times, min_size=2, max_size=2))
def test_each_victim_within_rule(kowloon, found, spoken_after):
    spec = kowloon.spec
    within = _task(spec, "language_within_10").expect.within
    events = []
    outcomes = []
    for victim, f, later in zip(("nok", "ploy"), found, spoken_after):
        if f is not None:
            events.append({"t": f, "kind": "victim_found", "subject": victim})
            if later is not None:
                events.append({"t": f + later, "kind": "spoken_in_language", "subject": victim})
        if f is None or later is None:
            outcomes.append("missing")
        else:
            outcomes.append("on time" if later <= within else "late")
    events.sort(key=lambda e: e["t"])
    rated = _rating(spec, events, "language_within_10")
    if outcomes == ["on time", "on time"]:
        assert rated.rating == MET
    elif outcomes == ["missing", "missing"]:
        assert rated.rating == NOT_MET
    else:
        assert rated.rating == PARTLY
    # the evidence is the event times, in order, for a jump to each in the replay
    assert [e.t for e in rated.evidence] == sorted(e.t for e in rated.evidence)
    assert {round(e["t"], 6) for e in events} <= {round(e.t, 6) for e in rated.evidence} | {
        round(e["t"], 6) for e in events if e["kind"] == "victim_found" and False}


@settings(max_examples=30, deadline=None)
@given(fled=st.lists(st.floats(min_value=0, max_value=2000, allow_nan=False), max_size=3))
def test_never_rule(kowloon, fled):
    events = [{"t": t, "kind": "perpetrator_fled", "subject": "guard"} for t in sorted(fled)]
    rated = _rating(kowloon.spec, events, "no_escape")
    assert rated.rating == (MET if not fled else NOT_MET)
    assert len(rated.evidence) == len(fled)


def test_target_rating_follows_the_weighted_tasks(kowloon):
    events = [json.loads(line) for line in open(ROOT / "tests" / "golden" / "kowloon_flat.jsonl")]
    targets = {t.id: t for t in draft_ratings(kowloon.spec, events)}
    assert targets["own_language"].rating == "P"
    # take away every spoken_in_language: the weight-2 task is not met, the others still are
    events = [e for e in events if e["kind"] != "spoken_in_language"]
    own = {t.id: t for t in draft_ratings(kowloon.spec, events)}["own_language"]
    assert [t.rating for t in own.tasks] == [NOT_MET, MET, MET]
    assert own.score == pytest.approx(3 / 5) and own.rating == "M"
    assert "A Thai speaker" in own.reason and "not met" in own.reason
