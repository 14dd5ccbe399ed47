"""Behaviour that depends on the situation, on small maps made for the purpose.

Each test compares two situations that differ in one thing (a route covered or not,
shields or none, a Thai speaker or none) over many seeds. The seeds are shared, so the
two sides meet the same luck wherever they meet the same situation (common random
numbers): a difference is the behaviour's, not chance's.
"""
from __future__ import annotations

from engine_maps import events_of, first_time, flat, police_unit
from sim.engine.exercise import Exercise
from sim.evaluation.metrics import measure
from sim.format.orders import ORDER_CLASSES
from sim.format.spec import Plan

SEEDS = range(80)


def run(scenario, seed: int, orders=()) -> Exercise:
    plan = Plan(name="test", orders=tuple(ORDER_CLASSES[o["do"]](**o) for o in orders))
    exercise = Exercise(scenario, seed, plan)
    exercise.run_to_end()
    return exercise


def count(scenario, kind: str, orders=(), seeds=SEEDS) -> int:
    return sum(bool(events_of(run(scenario, s, orders), kind)) for s in seeds)


# -- perpetrators: the situation weighs the reaction ---------------------------------

def cornered_flat():
    """A knife-armed guard in the bedroom with a woman; he would go out of the window if he
    can. He is alerted by an inject after a unit has had time to cover the window (or not)."""
    return flat(
        victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"], "nationality": "Thai",
                  "fear": 0.3}],
        perpetrators=[{"id": "guard", "name": "Guard", "role": "guard", "at": [3, 3], "armed": "knife",
                       "vigilance": 0.0, "flee_via": ["bedroom_window"],
                       "alert_reaction": {"flee": 0.5, "take_hostage": 0.2, "surrender": 0.3}}],
        injects=[{"id": "shout", "at": 150, "message": "A neighbour shouts.", "effects": [{"alert": "guard"}]}],
        units=[police_unit("team", at="street")])


def test_a_perpetrator_with_no_way_out_takes_a_hostage_more_often_than_one_with_an_open_route():
    seeds = range(120)
    open_route = count(cornered_flat(), "hostage_taken", (), seeds)
    covered = [{"unit": "team", "do": "cordon", "target": "bedroom_window"}]
    no_route = count(cornered_flat(), "hostage_taken", covered, seeds)
    assert no_route > open_route * 1.3 and no_route - open_route >= 8, (open_route, no_route)
    assert open_route > 0  # the reaction is possible with a way out too, only rarer


def test_a_cordon_on_his_route_turns_flight_into_a_barricade_by_his_escalation():
    scenario = flat(
        victims=[{"id": "mai", "name": "Mai", "at": "back_room", "languages": ["th"], "nationality": "Thai"}],
        perpetrators=[{"id": "guard", "name": "Guard", "role": "guard", "at": "bedroom", "vigilance": 0.0,
                       "flee_via": ["bedroom_window"], "alert_reaction": {"flee": 1.0},
                       "escalation": {"blocked_to_barricade": 1.0}}],
        injects=[{"id": "shout", "at": 120, "message": "A neighbour shouts.", "effects": [{"alert": "guard"}]}],
        units=[police_unit("team", at="street")])
    cordon = [{"unit": "team", "do": "cordon", "target": "bedroom_window"}]
    covered = [run(scenario, s, cordon) for s in range(10)]
    assert all(events_of(ex, "barricade_built") for ex in covered)
    assert all(ex.world.room_of(ex.world.agents["guard"].cell) == "bedroom" for ex in covered)  # back inside
    assert not any(events_of(ex, "perpetrator_fled") for ex in covered)
    uncovered = [run(scenario, s) for s in range(10)]
    assert all(events_of(ex, "perpetrator_fled") for ex in uncovered)
    assert not any(events_of(ex, "barricade_built") for ex in uncovered)


def struggle_flat(equipment):
    return flat(perpetrators=[{"id": "guard", "name": "Guard", "role": "guard", "at": "bedroom", "armed": "knife",
                               "vigilance": 1.0, "alert_reaction": {"resist": 1.0}}],
                injects=[{"id": "shout", "at": 1, "message": "Noise.", "effects": [{"alert": "guard"}]}],
                units=[police_unit("team", at="street", size=4, equipment=equipment)])


def test_a_shielded_team_is_injured_less_often_in_struggles():
    orders = [{"unit": "team", "do": "clear", "room": "bedroom"}]
    seeds = range(200)
    bare = count(struggle_flat(["manual_ram"]), "officer_injured", orders, seeds)
    shielded = count(struggle_flat(["manual_ram", "shields"]), "officer_injured", orders, seeds)
    assert bare > 0
    assert shielded < bare * 0.75, (shielded, bare)


def test_resisting_with_a_woman_at_arm_s_length_he_may_seize_her_as_a_shield():
    def scenario(shield: float):
        return flat(victims=[{"id": "mai", "name": "Mai", "at": [3, 3], "languages": ["th"], "nationality": "Thai",
                              "fear": 0.3}],
                    perpetrators=[{"id": "guard", "name": "Guard", "role": "guard", "at": [4, 3], "armed": "knife",
                                   "vigilance": 1.0, "alert_reaction": {"resist": 1.0},
                                   "escalation": {"resist_to_hostage": shield}}],
                    injects=[{"id": "shout", "at": 1, "message": "Noise.", "effects": [{"alert": "guard"}]}],
                    units=[police_unit("team", at="street", size=4)])
    orders = [{"unit": "team", "do": "clear", "room": "bedroom"}]
    assert count(scenario(0.0), "hostage_taken", orders, range(20)) == 0
    shields = [run(scenario(1.0), s, orders) for s in range(20)]
    assert all(e["how"] == "human shield" for ex in shields for e in events_of(ex, "hostage_taken"))
    assert sum(bool(events_of(ex, "hostage_taken")) for ex in shields) >= 15


# -- victims: fear and trust ---------------------------------------------------------

def frightened_flat(reaction: dict, **victim):
    return flat(victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"], "nationality": "Thai",
                          "fear": 0.9, "fear_reaction": reaction, **victim}],
                units=[police_unit("team", at="street", size=4)])


def test_a_fleeing_victim_is_stopped_by_a_cordon_and_otherwise_counts_neither_safe_nor_harmed():
    def scenario():
        return flat(bedroom_door={"locked": True},
                    victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"], "nationality": "Thai",
                              "fear": 0.9, "fear_reaction": {"flee": 1.0}, "flee_via": ["bedroom_window"]}],
                    units=[police_unit("team", at="street", size=4), police_unit("post", at="street")])
    ram = {"unit": "team", "do": "breach", "door": "bedroom_door", "method": "manual_ram", "at": 150}
    for seed in range(5):
        ex = run(scenario(), seed, [ram])
        on_ledge = events_of(ex, "victim_on_ledge", subject="mai")
        assert on_ledge, seed
        before = [e for e in ex.events if e["t"] <= on_ledge[0]["t"]]
        facts = measure(ex.scenario.spec, before)
        assert facts["victims_safe"] == 0 and facts["victims_harmed"] == []
        brought_in = first_time(ex, "victim_brought_in", "mai")
        assert brought_in is None  # nobody went into the bedroom or to its window
        assert measure(ex.scenario.spec, ex.events)["victims_safe"] == 0
    cordon = {"unit": "post", "do": "cordon", "target": "bedroom_window"}
    stopped = run(scenario(), 0, [cordon, ram])
    assert events_of(stopped, "victim_stopped", subject="mai")
    assert measure(stopped.scenario.spec, stopped.events)["victims_safe"] == 1


def test_a_hiding_victim_is_found_by_a_search_more_surely_with_the_search_skill():
    def scenario(skills):
        return flat(bedroom_door={"locked": True}, victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"],
                              "nationality": "Thai", "fear": 0.9, "fear_reaction": {"hide": 1.0}}],
                    units=[police_unit("team", at="street", size=4, skills=skills)])
    orders = [{"unit": "team", "do": "breach", "door": "bedroom_door", "method": "manual_ram"},
              {"unit": "team", "do": "clear", "room": "bedroom"}]
    seeds = range(40)
    searchers = count(scenario(["breach", "arrest", "search"]), "victim_found", orders, seeds)
    others = count(scenario(["breach", "arrest"]), "victim_found", orders, seeds)
    assert searchers == len(seeds)
    assert 0 < others < searchers


def trust_after(approach: str, **unit) -> float:
    scenario = flat(victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"],
                              "nationality": "Thai", "fear": 0.3, "trust_in_police": 0.5}],
                    units=[police_unit("team", at="street", **unit)])
    exercise = run(scenario, 1, [{"unit": "team", "do": "clear", "room": "bedroom", "approach": approach}])
    return exercise.world.agents["mai"].trust


def test_handcuffs_and_shouting_cost_trust_and_a_calm_entry_does_not():
    assert trust_after("hard") < trust_after("dynamic") < trust_after("calm") == 0.5


def test_a_female_officer_builds_trust():
    def trust(female: bool) -> float:
        scenario = flat(victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"],
                                  "nationality": "Thai", "fear": 0.3, "trust_in_police": 0.3}],
                        units=[police_unit("team", at="street", female_officer=female)])
        ex = run(scenario, 1, [{"unit": "team", "do": "escort", "victim": "mai", "to": "hall"}])
        return ex.world.agents["mai"].trust
    assert trust(True) > trust(False)


# -- units: skills and equipment -----------------------------------------------------

def interview_flat(units):
    return flat(victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"], "nationality": "Thai",
                          "fear": 0.3, "trust_in_police": 0.8}], units=units)


def test_no_interview_in_thai_without_a_thai_speaker_or_an_interpreter():
    alone = interview_flat([police_unit("team", at="street")])
    orders = [{"unit": "team", "do": "interview", "victim": "mai"}]
    assert count(alone, "victim_identified", orders, range(20)) == 0
    with_interpreter = interview_flat([police_unit("team", at="street"),
                                       police_unit("terp", at="street", languages=["th", "en"], kind="interpreter",
                                                   skills=["interpreting"])])
    orders_with = [{"unit": "terp", "do": "move", "to": "bedroom"},
                   {"unit": "team", "do": "interview", "victim": "mai", "at": 30}]
    assert count(with_interpreter, "victim_identified", orders_with, range(20)) >= 10


def test_no_treatment_beyond_first_aid_without_a_medical_kit():
    def scenario(equipment):
        return flat(victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"], "nationality": "Thai",
                              "condition": ["injured"], "fear": 0.3, "trust_in_police": 0.9}],
                    units=[police_unit("medic", at="street", kind="medic", languages=["th"],
                                       skills=["first_aid"], equipment=equipment)])
    orders = [{"unit": "medic", "do": "treat", "victim": "mai"}]
    seeds = range(20)
    assert count(scenario([]), "victim_treated", orders, seeds) == 0
    assert count(scenario([]), "first_aid_given", orders, seeds) > 0
    assert count(scenario(["medical_kit"]), "victim_treated", orders, seeds) >= 15


def test_an_injured_or_pregnant_woman_walks_slower_than_a_well_one():
    def speed(condition):
        scenario = flat(victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"],
                                  "nationality": "Thai", "condition": condition}])
        return Exercise(scenario, 3).world.agents["mai"].speed()
    assert speed(["injured"]) < speed(["pregnant"]) < speed([]) == speed(["minor"])
