"""Invariants that hold whatever the seed and whatever orders a trainee gives, checked with
hypothesis on a small flat: nobody stands in a wall or outside, nobody is created or lost,
time never runs backwards, and a victim is only made safe with no free perpetrator by her."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_maps import ORDERS, PERPETRATORS, STANDING_KINDS, VICTIMS, crowded_flat_yaml, load_text
from sim.format import floorplan
from sim.engine.exercise import Exercise
from sim.format.orders import ORDER_CLASSES

SCENARIO = load_text(crowded_flat_yaml())

orders_strategy = st.lists(
    st.tuples(st.floats(min_value=0.5, max_value=40.0),  # seconds to advance before the order
              st.sampled_from(("team", "liaison")),
              st.sampled_from(ORDERS),
              st.booleans()),  # queue it behind the unit's current orders
    max_size=8)


def check_people(ex: Exercise) -> None:
    snap = ex.snapshot("trainer")
    grid = ex.scenario.grid
    people = [m for m in snap.markers if m.kind in ("victim", "perpetrator", "unit")]
    assert sorted(m.id for m in people if m.kind == "victim") == sorted(VICTIMS)
    assert sorted(m.id for m in people if m.kind == "perpetrator") == sorted(PERPETRATORS)
    assert sorted(m.id for m in people if m.kind == "unit") == ["liaison", "team"]
    for m in snap.markers:
        assert grid.inside(m.cell), (m.id, m.cell)
        kind = grid.kind_at(m.cell)
        assert kind in STANDING_KINDS, (m.id, m.cell, floorplan.KIND_NAMES[kind], snap.t)
        if kind == floorplan.WINDOW:
            # Only a perpetrator at the window he climbs out of, or a unit that went round
            # the building to cover it (see test_engine_arrests for where it is left).
            assert m.kind in ("perpetrator", "unit"), (m.id, m.cell, m.state)


def watch_safety(ex: Exercise, problems: list) -> None:
    """On every victim_safe event, look at her room at that very moment."""
    world = ex.world

    def look(event: dict) -> None:
        if event["kind"] != "victim_safe":
            return
        victim = world.agents[event["subject"]]
        room = world.room_of(victim.cell)
        if room is None:
            return
        free = [p.id for p in world.in_room(room, "perpetrator") if not p.controlled]
        if free:
            problems.append((event, free))
        if victim.hostage_of:
            problems.append((event, "hostage"))

    world.log.listen(look)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**31 - 1), orders=orders_strategy,
       slice_s=st.floats(min_value=2.0, max_value=30.0))
def test_invariants_hold_for_any_seed_and_orders(seed, orders, slice_s):
    ex = Exercise(SCENARIO, seed, SCENARIO.spec.doctrine_plan)
    unsafe: list = []
    watch_safety(ex, unsafe)
    check_people(ex)
    for wait, unit, fields, queue in orders:
        ex.advance(wait)
        check_people(ex)
        if ex.finished:
            break
        ex.apply(ORDER_CLASSES[fields["do"]](unit=unit, **fields), queue=queue)
        check_people(ex)
    horizon = ex.now + 400
    while not ex.finished and ex.now < horizon:
        ex.advance(slice_s)
        check_people(ex)
    events = ex.events
    times = [e["t"] for e in events]
    assert times == sorted(times), "simulated time went backwards in the log"
    assert times[-1] <= round(ex.now, 3) + 1e-9
    assert events[0]["kind"] == "exercise_started"
    assert not unsafe, unsafe
    # Once-only events happen once per subject.
    # (perpetrator_arrested and evidence_secured are checked in test_engine_arrests, where
    # known bugs let two units each log one.)
    for kind in ("victim_safe", "victim_found", "perpetrator_fled", "perpetrator_alerted",
                 "evidence_destroyed"):
        subjects = [e["subject"] for e in events if e["kind"] == kind]
        assert len(subjects) == len(set(subjects)), (kind, subjects)
    # Nobody is both arrested and escaped; an item is not both destroyed and secured.
    arrested = {e["subject"] for e in events if e["kind"] == "perpetrator_arrested"}
    fled = {e["subject"] for e in events if e["kind"] == "perpetrator_fled"}
    assert not arrested & fled
    ended = [e for e in events if e["kind"] == "exercise_ended"]
    assert len(ended) <= 1 and (not ended or events[-1] is ended[0])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_doctrine_like_run_keeps_everyone_on_the_map(seed):
    # A complete operation with the run driven in one go: the final state obeys the same rules.
    plan = SCENARIO.spec.doctrine_plan.model_copy(update={"orders": tuple(
        ORDER_CLASSES[o["do"]](unit=u, **o) for u, o in [
            ("team", dict(do="cordon", target="street")),
            ("team", dict(do="breach", door="bedroom_door", method="manual_ram")),
            ("team", dict(do="clear", room="bedroom")), ("team", dict(do="clear", room="back_room")),
            ("liaison", dict(do="interview", victim="mai")), ("team", dict(do="escort", victim="lin", to="street"))])})
    ex = Exercise(SCENARIO, seed, plan)
    unsafe: list = []
    watch_safety(ex, unsafe)
    ex.run_to_end()
    check_people(ex)
    times = [e["t"] for e in ex.events]
    assert times == sorted(times)
    assert not unsafe, unsafe
