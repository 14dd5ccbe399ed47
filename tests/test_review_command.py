"""A review is checked whole before anything is stored: a refused command leaves the store
byte for byte as it was (hypothesis over mixes of good and bad words); confirming ratings
never accepts the improvement plan or writes a reason over the evidence; times, dates and
agencies are checked; a plan item can hold any text."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from sim.engine.exercise import Exercise
from sim.evaluation.record import make_record
from sim.evaluation.review_command import DRAFT, ReviewCommand, apply_review
from sim.evaluation.store import Store
from sim.format.problems import InputError
from sim.format.scenario import load, load_plan

ROOT = Path(__file__).resolve().parent.parent
KOWLOON = ROOT / "scenarios" / "kowloon_flat.yaml"


@pytest.fixture(scope="module")
def reviewed_store(tmp_path_factory):
    """A store holding one reckless run of Kowloon (the manager escapes by the window)."""
    scenario = load(KOWLOON)
    plan = load_plan(str(ROOT / "scenarios" / "plans" / "kowloon_flat_reckless.yaml"), scenario)
    exercise = Exercise(scenario, 1, plan, trainee="Zed")
    exercise.run_to_end()
    record = make_record(exercise)
    folder = tmp_path_factory.mktemp("review")
    store = Store(folder / "pristine.db")
    store.add(record, source="headless")
    store.close()
    return scenario, record, folder / "pristine.db"


GOOD_SETS = ["victims_protected=M", "no_escape=partly", "victim_safety=S"]
BAD_SETS = ["nothing=met", "victims_protected=Q", "no_escape=maybe", "novalue"]
GOOD_OBS = ["T+01:12 area apprehension: nobody watched the window", "30 strength: calm approach"]
BAD_OBS = ["T+03:99 strength: x", "T+99:00 strength: x", "soon strength: x", "T+01:00 praise: x",
           "T+01:00 area marine_rescue: x"]
GOOD_ITEMS = ["issue=Window open\\; manager left; action=Cordon it; agency=hkpf_eu; element=planning",
              "issue=a; action=b; start=2027-01-01; due=2027-02-01"]
BAD_ITEMS = ["issue=a; action=b; agency=nasa", "issue=a; action=b; start=2027-03-01; due=2027-01-01",
             "issue=a; action=b; due=2027-02-30", "action=only", "issue=a; action=b; element=luck", "colour=red"]


@st.composite
def commands(draw):
    pick = lambda good, bad: draw(st.lists(st.sampled_from(good + bad), max_size=2))  # noqa: E731
    sets = pick(GOOD_SETS, BAD_SETS)
    reasons = draw(st.sampled_from([[], ["because"], ["a", "b"], [" "]])) if sets else []
    return ReviewCommand(evaluator=draw(st.sampled_from(["Insp. Chan", None, " "])), sets=sets, reasons=reasons,
                         confirms=pick(["all", "no_escape"], ["nothing"]), observes=pick(GOOD_OBS, BAD_OBS),
                         plan_items=pick(GOOD_ITEMS, BAD_ITEMS),
                         edits=draw(st.lists(st.tuples(st.sampled_from([1, 99, "x"]),
                                                       st.sampled_from(["due=2027-05-01", "due=never", "agency=nasa"])),
                                             max_size=1)),
                         removes=draw(st.lists(st.sampled_from([1, 99]), max_size=1)),
                         accept_plan=draw(st.booleans()))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=commands())
def test_a_refused_review_leaves_the_store_byte_identical(reviewed_store, tmp_path, command):
    scenario, record, pristine = reviewed_store
    db = tmp_path / "try.db"
    shutil.copyfile(pristine, db)
    before = db.read_bytes()
    store = Store(db)
    try:
        apply_review(store, scenario.spec, record, command, at="2027-01-01T00:00:00Z")
    except InputError:
        store.close()
        assert db.read_bytes() == before, f"a refused review changed the store: {command}"
        assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    else:
        store.close()
    db.unlink()


def _fresh(reviewed_store, tmp_path):
    scenario, record, pristine = reviewed_store
    shutil.copyfile(pristine, tmp_path / "s.db")
    return scenario, record, Store(tmp_path / "s.db")


def test_confirming_all_accepts_no_plan_item_and_keeps_the_evidence(reviewed_store, tmp_path):
    scenario, record, store = _fresh(reviewed_store, tmp_path)
    reviewed, _ = apply_review(store, scenario.spec, record, ReviewCommand(evaluator="Insp. Chan", confirms=["all"]))
    assert store.plan_items(reviewed.run["id"]) == []  # confirming ratings never touches the plan
    task = next(t for t in reviewed.tasks() if t.id == "no_escape")
    assert "perpetrator fled" in task.reason and "confirmed" not in task.reason  # the evidence, not a stamp
    assert all(r["reason"] == "" for r in store.reviews(reviewed.run["id"]))  # no reason written for them
    # drafted items are stored as nobody's until a named evaluator accepts them
    reviewed, _ = apply_review(store, scenario.spec, record, ReviewCommand(evaluator="Insp. Chan", removes=[]))
    reviewed, _ = apply_review(store, scenario.spec, record,
                               ReviewCommand(evaluator="Insp. Chan", plan_items=["issue=x; action=y"]))
    plan = store.plan_items(reviewed.run["id"])
    assert plan[-1]["evaluator"] == "Insp. Chan" and all(p["evaluator"] == DRAFT for p in plan[:-1])
    reviewed, _ = apply_review(store, scenario.spec, record, ReviewCommand(evaluator="Sgt. Lee", accept_plan=True))
    assert {p["evaluator"] for p in store.plan_items(reviewed.run["id"])} == {"Insp. Chan", "Sgt. Lee"}


def test_the_drafted_plan_says_what_to_change_from_the_root_cause(reviewed_store, tmp_path):
    scenario, record, store = _fresh(reviewed_store, tmp_path)
    reviewed, _ = apply_review(store, scenario.spec, record, ReviewCommand(evaluator="Insp. Chan", accept_plan=True))
    plan = store.plan_items(reviewed.run["id"])
    escape = next(p for p in plan if p["issue"].startswith("No perpetrator escapes"))
    assert "no cordon on the Front bedroom window" in escape["issue"] and "Manager left by it at T+01:12" in escape["issue"]
    assert escape["action"].startswith("Cover every way out") and escape["element"] == "planning"
    assert not any(p["action"].startswith("Rehearse and brief") for p in plan)
    assert all(p["start"] and p["due"] and p["start"] <= p["due"] for p in plan)


def test_a_reviewed_capability_moves_the_overall(reviewed_store, tmp_path):
    scenario, record, store = _fresh(reviewed_store, tmp_path)
    draft = apply_review(store, scenario.spec, record, ReviewCommand())[0]
    assert draft.overall == draft.overall_draft
    reviewed, _ = apply_review(store, scenario.spec, record, ReviewCommand(
        evaluator="Insp. Chan", sets=["officer_safety=U"], reasons=["an officer was hurt off camera"]))
    officer = next(c for c in reviewed.capabilities if c.id == "officer_safety")
    assert (officer.draft, officer.rating) == ("P", "U")
    assert reviewed.overall_draft == draft.overall_draft  # both kept
    assert reviewed.overall[0] < draft.overall[0]


def test_plan_item_text_may_hold_a_semicolon(reviewed_store, tmp_path):
    scenario, record, store = _fresh(reviewed_store, tmp_path)
    reviewed, _ = apply_review(store, scenario.spec, record, ReviewCommand(
        evaluator="Insp. Chan", plan_items=["issue=Window open\\; the manager left; action=Cordon it; "
                                            "agency=Royal Thai Consulate-General, Hong Kong"]))
    item = store.plan_items(reviewed.run["id"])[-1]
    assert item["issue"] == "Window open; the manager left" and item["agency"] == "thai_consulate"
