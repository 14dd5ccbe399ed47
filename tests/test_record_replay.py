"""Property: whatever a trainee does, and however the window drives the clock, the record
re-simulates to the same event log and verifies."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_maps import ORDERS, crowded_flat_yaml, load_text
from sim.evaluation import record as records
from sim.engine.eventlog import to_jsonl
from sim.engine.exercise import Exercise
from sim.format.orders import ORDER_CLASSES
from sim.evaluation.replay import Replay

# The property flat with a decision point whose clock stops for the trainee.
DECISION = {"id": "entry", "at": 20, "prompt": "Go in now?", "time_allowed": 30, "clock": "paused",
            "default": "wait", "options": [
                {"id": "go", "label": "Ram the bedroom door",
                 "orders": [{"unit": "team", "do": "breach", "door": "bedroom_door", "method": "manual_ram"},
                            {"unit": "team", "do": "clear", "room": "bedroom"}]},
                {"id": "wait", "label": "Wait", "orders": [{"unit": "team", "do": "hold", "seconds": 20}]}]}
SCENARIO = load_text(crowded_flat_yaml(decisions=[DECISION]))

inputs_strategy = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.floats(min_value=0.01, max_value=25.0)),
        st.tuples(st.just("order"), st.sampled_from(("team", "liaison")), st.sampled_from(ORDERS), st.booleans()),
        st.tuples(st.just("decide"), st.sampled_from(("go", "wait")))),
    max_size=12)


def play(scenario, seed: int, script) -> Exercise:
    """A trainee's session: the script's steps, then to the end, answering any decision
    left open with its default (as the trainee's own choice, so it is an input)."""
    ex = Exercise(scenario, seed, scenario.spec.doctrine_plan, interactive=True, trainee="prop")
    for step in script:
        if ex.finished:
            break
        if step[0] == "advance":
            ex.advance(step[1])
        elif step[0] == "order":
            _, unit, fields, queue = step
            ex.apply(ORDER_CLASSES[fields["do"]](unit=unit, **fields), queue=queue)
        elif ex.pending_decision is not None:
            ex.decide(ex.pending_decision.id, step[1])
    while not ex.finished:
        state = ex.run_until_decision_or_end()
        if state is not None:
            ex.decide(state.id, state.decision.default)
    return ex


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10_000), script=inputs_strategy)
def test_any_trainee_session_resimulates_exactly(seed, script):
    ex = play(SCENARIO, seed, script)
    again = records.resimulate(SCENARIO, records.make_record(ex))
    assert to_jsonl(again.events) == to_jsonl(ex.events)
    assert again.inputs == ex.inputs


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10_000), script=inputs_strategy,
       scrub=st.lists(st.floats(min_value=0.0, max_value=200.0), max_size=5))
def test_session_verifies_and_replays_when_scrubbed(seed, script, scrub):
    ex = play(SCENARIO, seed, script)
    rec = records.make_record(ex)
    verdict = records.verify(SCENARIO, rec)
    assert verdict.ok, verdict.message
    replay = Replay.of_record(SCENARIO, rec)
    for t in sorted(scrub):
        replay.advance_to(t)
    replay.run_to_end()
    assert to_jsonl(replay.exercise.events) == to_jsonl(ex.events)
