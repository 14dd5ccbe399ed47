"""A seat's picture holds only what its own units perceived, what was passed to it, and
intelligence addressed to it; a seat commands only its own units."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import ROOT
from sim.engine.exercise import Exercise
from sim.engine.joint_inputs import NotYours
from sim.engine.seats import MessageRefused
from sim.evaluation.record import make_record, order_of, verify
from sim.format.scenario import load

KOWLOON = load(ROOT / "scenarios" / "kowloon_flat.yaml")
SEATS = [s.id for s in KOWLOON.spec.seats]


def _allowed(exercise: Exercise, seat: str) -> dict[str, set]:
    """What the log says the seat may know of: per thing, how."""
    seats = exercise.seats
    mine = {u for u, s in seats.seat_of_unit.items() if s == seat}
    told_about = set()
    allowed: dict[str, set] = {}
    for e in exercise.events:
        if e["kind"] == "message_delivered" and e.get("to") == seat and e.get("about"):
            told_about.add(e["about"])
        if e["kind"] == "seat_learned" and e["seat"] == seat:
            how = e["how"]
            if how == "seen":
                assert e["by"] in mine, f"{seat} 'saw' {e['subject']} by another seat's unit {e['by']}"
            elif how == "told":
                assert e["subject"] in told_about, f"{seat} was 'told' of {e['subject']} by no message"
            else:
                inject = next(i for i in KOWLOON.spec.injects if i.id == e["by"])
                assert (inject.to or seats.lead) == seat
            allowed.setdefault(e["subject"], set()).add(how)
    return allowed


def _check_pictures(exercise: Exercise) -> None:
    for seat in SEATS:
        snap = exercise.snapshot(seat)
        allowed = _allowed(exercise, seat)
        for marker in snap.markers:
            if marker.kind == "unit":
                assert exercise.seats.seat_of_unit[marker.id] == seat, f"{seat} sees another seat's unit"
            else:
                assert marker.id in allowed, f"{seat} shows {marker.id} it never perceived nor was told of"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), humans=st.sets(st.sampled_from(SEATS)),
       messages=st.lists(st.tuples(st.sampled_from(SEATS), st.sampled_from(SEATS),
                                   st.sampled_from([c.id for c in KOWLOON.spec.channels]),
                                   st.integers(10, 600)), max_size=6))
def test_no_seat_ever_pictures_what_it_did_not_perceive_and_was_not_told(seed, humans, messages):
    exercise = Exercise(KOWLOON, seed, KOWLOON.spec.doctrine_plan, joint=tuple(sorted(humans)))
    pending = sorted(messages, key=lambda m: m[3])
    t = 0.0
    while not exercise.finished and t < 1500:
        t += 15.0
        decision = exercise.pending_decision
        if decision is not None:
            exercise.decide(decision.id, decision.decision.default, how="chosen")
        exercise.advance(15.0)
        while pending and pending[0][3] <= exercise.now and not exercise.finished:
            sender, to, via, _ = pending.pop(0)
            about = next(iter(exercise.seats.pictures[sender]), None)
            try:
                exercise.send(sender, to, via, "what we know", about=about)
            except MessageRefused:
                pass  # not linked, the channel's unit is away, or to itself
        _check_pictures(exercise)
    if not exercise.finished:  # a seat nobody plays leaves work undone: the run goes on to its time limit
        exercise.run_to_end()
        _check_pictures(exercise)
    assert verify(KOWLOON, make_record(exercise)).ok


def test_a_seat_orders_only_its_own_units_and_takes_only_its_own_decisions():
    exercise = Exercise(KOWLOON, 1, KOWLOON.spec.doctrine_plan, joint=tuple(SEATS), interactive=True)
    with pytest.raises(NotYours):
        exercise.apply(order_of({"unit": "octb", "do": "move", "to": "corridor"}), seat="thai_liaison")
    exercise.apply(order_of({"unit": "octb", "do": "move", "to": "corridor"}), seat="crime_bureau")
    exercise.apply(order_of({"unit": "eu_entry", "do": "stack", "door": "front_gate"}), seat="hk_command")
    decision = exercise.run_until_decision_or_end(limit=300)
    assert decision is not None and decision.id == "gate_entry"
    with pytest.raises(NotYours):
        exercise.decide("gate_entry", "key", seat="crime_bureau")
    exercise.decide("gate_entry", "key", seat="hk_command")


def test_a_message_arrives_after_its_channels_delay_and_only_by_a_channel_that_links_the_seats():
    exercise = Exercise(KOWLOON, 1, KOWLOON.spec.doctrine_plan, joint=tuple(SEATS))
    with pytest.raises(MessageRefused, match="needs thai_lo"):  # the liaison officer is not there yet
        exercise.send("hk_command", "thai_liaison", "liaison_direct", "where are you?")
    with pytest.raises(MessageRefused, match="does not link"):
        exercise.send("hk_command", "crime_bureau", "phone", "the phone line is to the Thai liaison officer")
    exercise.send("hk_command", "thai_liaison", "phone", "we are at the building")
    sent = exercise.now
    exercise.advance(89)
    assert not any(e["kind"] == "message_delivered" for e in exercise.events)
    exercise.advance(2)
    delivered = [e for e in exercise.events if e["kind"] == "message_delivered"]
    assert len(delivered) == 1 and delivered[0]["t"] == pytest.approx(sent + 90)
    assert delivered[0] in exercise.snapshot("thai_liaison").feed
    assert delivered[0] not in exercise.snapshot("crime_bureau").feed


def test_the_channel_chosen_in_planning_changes_when_the_team_knows():
    """The Thai tip: by direct liaison (the doctrine plan's route) within minutes; by formal
    request (the inject's own channel), forty minutes later."""
    def learned(plan):
        exercise = Exercise(KOWLOON, 1, plan, joint=())
        exercise.run_to_end()
        return next((e["t"] for e in exercise.events if e["kind"] == "seat_learned"
                     and e["subject"] == "passports" and e["seat"] == "hk_command"
                     and e["how"] == "intelligence"), None)

    doctrine = KOWLOON.spec.doctrine_plan
    fast = learned(doctrine)
    slow = learned(doctrine.model_copy(update={"routes": {}}))
    assert fast is not None and fast < 180
    assert slow is None or slow > 2400  # the run may be over before it comes


def test_other_seats_see_that_a_decision_is_taken_not_what_nor_the_controllers_alerts():
    exercise = Exercise(KOWLOON, 1, KOWLOON.spec.doctrine_plan, joint=tuple(SEATS), interactive=True)
    exercise.apply(order_of({"unit": "eu_entry", "do": "stack", "door": "front_gate"}), seat="hk_command")
    decision = exercise.run_until_decision_or_end(limit=300)
    assert exercise.snapshot("thai_liaison").decisions_elsewhere == (("a decision", "HKPF incident command (Emergency Unit)"),)
    exercise.decide(decision.id, "key", seat="hk_command")
    exercise.control({"do": "alert", "perpetrator": "manager"})
    for seat in ("thai_liaison", "crime_bureau"):
        feed = exercise.snapshot(seat).feed
        assert not any(e.get("option") == "key" for e in feed)
        assert not any("alerted" in str(e.get("message", "")) for e in feed)
    assert any(e.get("option") == "key" for e in exercise.snapshot("hk_command").feed)


def test_a_map_mark_reaches_only_the_receivers_map_after_the_channels_delay():
    from sim.joint.protocol import snapshot_from_dict, snapshot_to_dict
    exercise = Exercise(KOWLOON, 1, KOWLOON.spec.doctrine_plan, joint=tuple(SEATS), interactive=True)
    with pytest.raises(MessageRefused, match="on the map"):
        exercise.send("hk_command", "thai_liaison", "phone", "", marker={"cell": [999, 0], "label": "x"})
    exercise.send("hk_command", "thai_liaison", "phone", "meet here", marker={"cell": [6, 16], "label": "staging"})
    exercise.advance(80)
    assert exercise.snapshot("thai_liaison").notes == ()
    exercise.advance(15)
    notes = exercise.snapshot("thai_liaison").notes
    assert [(n[0], n[1]) for n in notes] == [((6, 16), "staging")]
    assert exercise.snapshot("crime_bureau").notes == () and exercise.snapshot("hk_command").notes == ()
    snap = exercise.snapshot("thai_liaison")
    assert snapshot_from_dict(snapshot_to_dict(snap)) == snap
