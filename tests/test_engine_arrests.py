"""Arrests, negotiation, evidence and cordons when more than one thing happens at once:
each person is arrested once, each item ends either secured or destroyed, and a unit that
covered a window can be given its next order."""
from __future__ import annotations

import pytest

from engine_maps import FLAT_WINDOW_CELL, events_of, first_time, flat, has_event, police_unit, run_until
from sim.engine.exercise import Exercise
from sim.format.orders import ORDER_CLASSES


def order(**fields):
    return ORDER_CLASSES[fields["do"]](**fields)


GUARD = {"id": "guard", "name": "Guard", "role": "guard", "at": "bedroom", "armed": "knife",
         "alert_reaction": {"resist": 1.0}}


# -- one arrest per person -----------------------------------------------------------------

def test_one_unit_clearing_a_room_arrests_the_guard_once():
    scenario = flat(perpetrators=[GUARD], plan_orders=[{"unit": "team", "do": "clear", "room": "bedroom"}])
    for seed in range(10):
        ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
        ex.run_to_end()
        arrests = events_of(ex, "perpetrator_arrested", subject="guard")
        assert len(arrests) == 1 and arrests[0]["by"] == "team"
        assert ex.world.agents["guard"].arrested
        assert "bedroom" in ex.world.cleared_rooms


def test_two_units_clearing_the_same_room_arrest_the_guard_once():
    scenario = flat(perpetrators=[GUARD],
                    units=[police_unit("team", size=4), police_unit("second", size=2)],
                    plan_orders=[{"unit": "team", "do": "clear", "room": "bedroom"},
                                 {"unit": "second", "do": "clear", "room": "bedroom", "at": 3}])
    for seed in range(10):
        ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
        ex.run_to_end()
        arrests = events_of(ex, "perpetrator_arrested", subject="guard")
        assert len(arrests) == 1, (seed, arrests)
        after = [e for e in ex.events if e["t"] > arrests[0]["t"] and
                 e["kind"] in ("struggle", "officer_injured", "force_used") and
                 (e.get("subject") == "guard" or e.get("by") == "guard")]
        assert not after, (seed, after)


# -- negotiation ------------------------------------------------------------------------------

def negotiation_scenario(reaction: dict, alert_at: float | None):
    perp = {"id": "guard", "name": "Guard", "role": "guard", "at": "bedroom", "languages": ["en"],
            "alert_reaction": reaction, "flee_via": ["bedroom_window"]}
    injects = [] if alert_at is None else [{"id": "warned", "at": alert_at, "message": "He is warned.",
                                            "effects": [{"alert": "guard"}]}]
    return flat(perpetrators=[perp], bedroom_door={"locked": True}, injects=injects,
                units=[police_unit("team", languages=["en"], skills=["negotiation", "arrest"])],
                plan_orders=[{"unit": "team", "do": "negotiate", "target": "bedroom"}])


def test_negotiation_talks_a_guard_out_of_a_locked_room():
    scenario = negotiation_scenario({"surrender": 1.0}, None)
    talked_out = 0
    for seed in range(20):
        ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
        ex.run_to_end()
        reactions = events_of(ex, "perpetrator_reaction", subject="guard")
        if reactions:
            talked_out += 1
            assert reactions[0]["reaction"] == "surrender" and reactions[0]["by"] == "team"
            opened = events_of(ex, "door_opened", subject="bedroom_door")
            assert opened and opened[0]["how"] == "opened from inside"
            arrests = events_of(ex, "perpetrator_arrested", subject="guard")
            assert len(arrests) == 1 and arrests[0]["force"] == "none"
    assert talked_out >= 10  # 75 % with a shared language


def test_negotiation_does_not_talk_out_a_man_who_has_already_fled():
    scenario = negotiation_scenario({"flee": 1.0}, alert_at=5)
    for seed in range(8):
        ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
        ex.run_to_end()
        fled = first_time(ex, "perpetrator_fled", "guard")
        assert fled is not None, seed
        late = [e for e in ex.events if e["t"] >= fled and e.get("subject") in ("guard", "bedroom_door")
                and e["kind"] in ("perpetrator_reaction", "door_opened")]
        assert not late, (seed, late)
        assert ex.world.agents["guard"].state == "fled"


# -- evidence: secured or destroyed, not both --------------------------------------------------

def evidence_race_scenario():
    # The team starts seizing the phone (about 40 s); the guard, warned at 10 s, comes from
    # the back room and starts destroying it (120 s) while the team is still at it.
    return flat(perpetrators=[{"id": "guard", "name": "Guard", "role": "guard", "at": "back_room",
                               "alert_reaction": {"destroy_evidence": 1.0}}],
                evidence=[{"id": "phone", "name": "Phone", "kind": "phone", "at": [3, 2],
                           "destroy_seconds": 120}],
                injects=[{"id": "warned", "at": 10, "message": "He is warned.",
                          "effects": [{"alert": "guard"}]}],
                plan_orders=[{"unit": "team", "do": "secure_evidence", "target": "phone"}])


def test_item_is_either_secured_or_destroyed_not_both():
    scenario = evidence_race_scenario()
    for seed in range(5):
        ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
        ex.run_to_end()
        secured = events_of(ex, "evidence_secured", subject="phone")
        destroyed = events_of(ex, "evidence_destroyed", subject="phone")
        assert len(secured) + len(destroyed) == 1, (seed, secured, destroyed)
        assert ex.world.evidence["phone"].state == ("secured" if secured else "destroyed")


def test_unit_arriving_during_destruction_stops_it_and_secures_the_item():
    # The guard starts at once (alerted at 0, the phone beside him); the team arrives mid-way.
    scenario = flat(perpetrators=[{"id": "guard", "name": "Guard", "role": "guard", "at": "bedroom",
                                   "alert_reaction": {"destroy_evidence": 1.0}}],
                    evidence=[{"id": "phone", "name": "Phone", "kind": "phone", "at": [3, 2],
                               "destroy_seconds": 200}],
                    injects=[{"id": "warned", "at": 0, "message": "He is warned.",
                              "effects": [{"alert": "guard"}]}],
                    plan_orders=[{"unit": "team", "do": "secure_evidence", "target": "phone", "at": 20}])
    for seed in range(5):
        ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
        ex.run_to_end()
        assert first_time(ex, "evidence_destruction_started", "phone") < 20
        assert events_of(ex, "perpetrator_arrested", subject="guard")
        assert len(events_of(ex, "evidence_secured", subject="phone")) == 1
        assert not events_of(ex, "evidence_destroyed")


# -- a unit covering a window --------------------------------------------------------------

def test_cordon_on_a_window_is_held_from_outside_after_a_detour():
    scenario = flat(plan_orders=[{"unit": "team", "do": "cordon", "target": "bedroom_window"}])
    ex = Exercise(scenario, 0, scenario.spec.doctrine_plan)
    assert run_until(ex, has_event("cordon_set", "bedroom_window"), limit=200)
    assert first_time(ex, "cordon_set", "bedroom_window") >= 60.0
    assert ex.world.cordons == {"bedroom_window": "team"}
    assert ex.world.agents["team"].cell == FLAT_WINDOW_CELL


def test_new_order_lifts_the_cordon():
    scenario = flat(plan_orders=[{"unit": "team", "do": "cordon", "target": "street"}])
    ex = Exercise(scenario, 0, scenario.spec.doctrine_plan)
    assert run_until(ex, has_event("cordon_set", "street"), limit=200)
    ex.apply(order(unit="team", do="move", to="bedroom"))
    assert run_until(ex, has_event("unit_in_position", "team"), limit=200)
    assert ex.world.cordons == {}


def test_unit_that_covered_a_window_can_be_sent_elsewhere_afterwards():
    scenario = flat(plan_orders=[{"unit": "team", "do": "cordon", "target": "bedroom_window"}])
    ex = Exercise(scenario, 0, scenario.spec.doctrine_plan)
    assert run_until(ex, has_event("cordon_set", "bedroom_window"), limit=200)
    ex.apply(order(unit="team", do="move", to="hall"))
    ex.advance(200)
    assert not events_of(ex, "order_failed"), events_of(ex, "order_failed")
    assert first_time(ex, "unit_in_position", "team") is not None
    assert ex.world.room_of(ex.world.agents["team"].cell) == "hall"
