"""Run records: saved, loaded, re-simulated and verified; tampering is caught; a trainee's
inputs (orders and decisions at the moment they were made) replay exactly."""
from __future__ import annotations

import json

import pytest

from engine_maps import events_of, flat_yaml, load_text, police_unit
from sim.evaluation import record as records
from sim.engine.eventlog import to_jsonl
from sim.engine.exercise import Exercise
from sim.format.orders import ORDER_CLASSES
from sim.evaluation.replay import Replay
from sim.format.problems import InputError


def order(**fields):
    return ORDER_CLASSES[fields["do"]](**fields)


DECISION = {"id": "entry", "on": "unit_in_position team", "prompt": "How do you open the bedroom door?",
            "time_allowed": 30, "clock": "paused", "default": "ram",
            "options": [{"id": "ram", "label": "Ram it",
                         "orders": [{"unit": "team", "do": "breach", "door": "bedroom_door", "method": "manual_ram"},
                                    {"unit": "team", "do": "clear", "room": "bedroom"}]},
                        {"id": "knock", "label": "Knock and announce",
                         "orders": [{"unit": "team", "do": "breach", "door": "bedroom_door",
                                     "method": "knock_and_announce"},
                                    {"unit": "team", "do": "clear", "room": "bedroom"}]}]}
CARE = {"id": "care", "on": "victim_safe mai", "prompt": "Who speaks with her first?", "time_allowed": 60,
        "clock": "paused", "default": "liaison",
        "options": [{"id": "liaison", "label": "The liaison officer, in Thai",
                     "orders": [{"unit": "liaison", "do": "interview", "victim": "mai"}]},
                    {"id": "team", "label": "The entry team, in English",
                     "orders": [{"unit": "team", "do": "interview", "victim": "mai"}]}]}


def record_flat_yaml(**kw) -> str:
    return flat_yaml(victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"],
                               "nationality": "Thai", "fear": 0.3, "trust_in_police": 0.4}],
                     perpetrators=[{"id": "guard", "name": "Guard", "role": "guard", "at": "bedroom",
                                    "armed": "blunt", "alert_reaction": {"surrender": 0.5, "resist": 0.5}}],
                     evidence=[{"id": "phone", "name": "Phone", "kind": "phone", "at": "back_room"}],
                     bedroom_door={"locked": True},
                     units=[police_unit(size=4), police_unit("liaison", languages=["th", "en"], kind="liaison_officer",
                                                             skills=["interview"], equipment=[], arrives=20)],
                     decisions=[DECISION, CARE],
                     plan_orders=[{"unit": "team", "do": "stack", "door": "bedroom_door"},
                                  {"unit": "liaison", "do": "move", "to": "hall"},
                                  {"unit": "liaison", "do": "interview", "victim": "mai", "when": "victim_safe mai"}],
                     **kw)


@pytest.fixture(scope="module")
def scenario():
    return load_text(record_flat_yaml())


def plan_run(scenario, seed=3):
    ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
    ex.run_to_end()
    return ex


# -- 10. verify catches tampering ------------------------------------------------------

@pytest.fixture
def saved(scenario, tmp_path):
    ex = plan_run(scenario)
    path = records.save(records.make_record(ex), tmp_path)
    return path


def rewrite(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    return records.load(path)


def test_saved_record_verifies(scenario, saved):
    loaded = records.load(saved)
    verdict = records.verify(scenario, loaded)
    assert verdict.ok, verdict.message
    assert "match" in verdict.message
    assert loaded["scenario"]["sha256"] == scenario.sha256
    assert loaded["events_sha256"] == records.events_digest(loaded["events"])


def test_saving_the_same_run_twice_gives_the_same_bytes(scenario, tmp_path):
    first = records.save(records.make_record(plan_run(scenario)), tmp_path / "a", key_dir=tmp_path)
    second = records.save(records.make_record(plan_run(scenario)), tmp_path / "b", key_dir=tmp_path)
    assert first.name == second.name
    assert first.read_bytes() == second.read_bytes()


def test_edited_overall_score_fails_verification(scenario, saved):
    def cheat(data):
        data["metrics"]["overall"]["score"] = min(1.0, data["metrics"]["overall"]["score"] + 0.25) \
            if data["metrics"]["overall"]["score"] < 0.9 else 0.1
    verdict = records.verify(scenario, rewrite(saved, cheat))
    assert not verdict.ok
    assert "overall" in verdict.message


def test_a_record_from_another_version_that_differs_says_the_engine_may_have_changed(scenario, saved):
    def older(d):
        d["software_version"] = "0.0.9"
        d["events"][-1]["t"] = round(d["events"][-1]["t"] + 1.0, 3)
    verdict = records.verify(scenario, rewrite(saved, older))
    assert not verdict.ok
    assert "made by version 0.0.9" in verdict.message
    from sim import __version__
    same_version = records.verify(scenario, rewrite(saved, lambda d: d.update(software_version=__version__)))
    assert not same_version.ok
    assert "made by version" not in same_version.message


def test_edited_event_fails_verification_naming_the_first_that_differs(scenario, saved):
    data = json.loads(saved.read_text(encoding="utf-8"))
    arrests = [i for i, e in enumerate(data["events"]) if e["kind"] in ("perpetrator_arrested", "room_cleared")]
    assert len(arrests) >= 2
    first, later = arrests[0], arrests[-1]

    def cheat(d):
        d["events"][later]["t"] = round(d["events"][later]["t"] - 5.0, 3)
        d["events"][first]["by"] = "liaison"
    verdict = records.verify(scenario, rewrite(saved, cheat))
    assert not verdict.ok
    assert verdict.message.startswith(f"event {first} differs")
    assert '"by": "liaison"' in verdict.message  # the record's version is shown
    assert '"by": "team"' in verdict.message  # and the simulation's


def test_edited_event_with_a_matching_digest_still_fails(scenario, saved):
    def cheat(d):
        d["events"][1]["t"] = 0.5
        d["events_sha256"] = records.events_digest(d["events"])
    verdict = records.verify(scenario, rewrite(saved, cheat))
    assert not verdict.ok and verdict.message.startswith("event 1 differs")


def test_dropped_last_events_fail_verification(scenario, saved):
    def cheat(d):
        del d["events"][-2:]
    verdict = records.verify(scenario, rewrite(saved, cheat))
    assert not verdict.ok
    assert "events" in verdict.message and "simulation gives" in verdict.message


def test_edited_seed_fails_verification(scenario, saved):
    verdict = records.verify(scenario, rewrite(saved, lambda d: d.update(seed=d["seed"] + 1)))
    assert not verdict.ok and verdict.message.startswith("event 0 differs")


def test_record_of_a_modified_scenario_is_refused(scenario, saved):
    changed_text = record_flat_yaml().replace("title: Engine test map", "title: Engine test map, revised")
    changed = load_text(changed_text)
    assert changed.sha256 != scenario.sha256
    verdict = records.verify(changed, records.load(saved))
    assert not verdict.ok
    assert "another version of scenario" in verdict.message
    assert changed.sha256[:12] in verdict.message


def test_damaged_record_files_are_input_errors(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "rescue-exercise-run", ', encoding="utf-8")
    with pytest.raises(InputError) as info:
        records.load(broken)
    assert info.value.problems[0].file == str(broken)
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="not a run record"):
        records.load(foreign)


# -- 12. replay of a trainee's inputs ---------------------------------------------------

def trainee_run(scenario, seed: int = 4) -> Exercise:
    """A trainee at the window: an order early on, a decision while the clock is paused
    (with an order queued just before it), and later a second order."""
    ex = Exercise(scenario, seed, scenario.spec.doctrine_plan, interactive=True, trainee="Trainee A")
    ex.advance(3.3)
    # The trainee sends the liaison officer out to the street (overriding the plan's move)...
    ex.apply(order(unit="liaison", do="move", to="street"))
    state = ex.run_until_decision_or_end()
    assert state is not None and state.id == "entry" and state.paused
    t_open = ex.now
    ex.advance(60)  # the clock stands still while the trainee thinks
    assert ex.now == t_open
    # ...queues a search of the back room for the team, chooses how to open the door,
    ex.apply(order(unit="team", do="secure_evidence", target="back_room"), queue=True)
    ex.decide("entry", "ram")
    # ...and, once the woman is safe, sends the liaison officer to her and lets the team
    # interview her too.
    state = ex.run_until_decision_or_end()
    assert state is not None and state.id == "care"
    ex.apply(order(unit="liaison", do="move", to="bedroom"))
    ex.decide("care", "team")
    ex.run_to_end()
    return ex


def sliced_trainee_run(scenario, seed: int = 4, dt: float = 0.7) -> Exercise:
    """The same trainee, driven as the window drives the engine: advance(dt) once a frame."""
    ex = Exercise(scenario, seed, scenario.spec.doctrine_plan, interactive=True, trainee="Trainee B")
    while ex.now < 3.3:
        ex.advance(dt)
    ex.apply(order(unit="liaison", do="move", to="street"))
    while ex.pending_decision is None and not ex.finished:
        ex.advance(dt)
    ex.apply(order(unit="team", do="secure_evidence", target="back_room"), queue=True)
    ex.decide("entry", "ram")
    while ex.pending_decision is None and not ex.finished:
        ex.advance(dt)
    ex.apply(order(unit="liaison", do="move", to="bedroom"))
    ex.decide("care", "team")
    ex.run_to_end()
    return ex


def test_trainee_inputs_are_recorded_with_where_they_were_applied(scenario):
    ex = trainee_run(scenario)
    kinds = [(i["type"], i.get("queue")) for i in ex.inputs]
    if ex.end_reason.startswith("time limit reached"):  # something was left to do: the limit is an input
        assert kinds.pop() == ("end_operation", None) and ex.inputs[-1]["by"] == "limit"
    assert kinds == [("order", False), ("order", True), ("decision", None), ("order", False), ("decision", None)]
    assert ex.inputs[0]["t"] == pytest.approx(3.3)
    assert all(a["step"] <= b["step"] for a, b in zip(ex.inputs, ex.inputs[1:]))
    made = events_of(ex, "decision_made", subject="entry")
    assert [(m["how"], m["option"]) for m in made] == [("chosen", "ram")]
    assert [e["option"] for e in events_of(ex, "decision_made", subject="care")] == ["team"]
    issued = [e for e in ex.events if e["kind"] == "order_issued" and e["source"] == "trainee"]
    assert [e["t"] for e in issued] == [round(i["t"], 3) for i in ex.inputs if i["type"] == "order"]


@pytest.mark.parametrize("seed", [0, 4, 9])
def test_resimulating_a_trainee_record_reproduces_every_event(scenario, seed, tmp_path):
    ex = trainee_run(scenario, seed)
    rec = records.make_record(ex)
    again = records.resimulate(scenario, rec)
    assert again.events == ex.events
    assert to_jsonl(again.events) == to_jsonl(ex.events)
    assert again.inputs == ex.inputs
    # ...also after a round trip through the file, and `verify` agrees.
    loaded = records.load(records.save(rec, tmp_path))
    assert records.resimulate(scenario, loaded).events == ex.events
    verdict = records.verify(scenario, loaded)
    assert verdict.ok, verdict.message


# Regression: env.run(until=t) left SimPy's stop event in the queue, an extra step that
# shifted the step count by which inputs are replayed whenever the clock was advanced to a
# moment when nothing happens.
def test_step_count_does_not_depend_on_how_the_clock_was_advanced(scenario):
    whole = Exercise(scenario, 4, scenario.spec.doctrine_plan)
    whole.advance(10.0)
    sliced = Exercise(scenario, 4, scenario.spec.doctrine_plan)
    for _ in range(4):
        sliced.advance(2.5)
    assert whole.events == sliced.events
    assert whole.now == sliced.now == 10.0
    assert whole.steps == sliced.steps


@pytest.mark.parametrize("seed", [4])
def test_resimulating_a_record_made_frame_by_frame_reproduces_every_event(scenario, seed):
    ex = sliced_trainee_run(scenario, seed)
    again = records.resimulate(scenario, records.make_record(ex))
    assert to_jsonl(again.events) == to_jsonl(ex.events)


def test_replay_scrubbed_to_intermediate_times_reproduces_a_trainee_record(scenario):
    ex = trainee_run(scenario)
    replay = Replay.of_record(scenario, records.make_record(ex))
    for t in (1.0, 3.3, 10.5, 20.25):
        replay.advance_to(t)
    replay.run_to_end()
    assert replay.exercise.events == ex.events


def test_replay_run_straight_to_the_end_reproduces_a_trainee_record(scenario):
    ex = trainee_run(scenario)
    replay = Replay.of_record(scenario, records.make_record(ex))
    replay.run_to_end()
    assert replay.exercise.events == ex.events


def test_resimulating_part_of_the_inputs_resumes_at_the_same_point(scenario):
    ex = trainee_run(scenario)
    rec = records.make_record(ex)
    partial = records.resimulate(scenario, rec, upto_input=1)
    assert len(partial.inputs) == 1
    n = len(partial.events)
    assert partial.events == ex.events[:n]
    assert partial.events[-1]["kind"] in ("order_started", "order_issued", "order_interrupted")


def test_trainee_inputs_change_the_run(scenario):
    # The inputs matter: without them the same seed runs differently.
    ex = trainee_run(scenario)
    plain = Exercise(scenario, 4, scenario.spec.doctrine_plan, interactive=True)
    plain.run_to_end()
    assert to_jsonl(plain.events) != to_jsonl(ex.events)
