"""Behaviour of people on small maps made for each test: fleeing and cordons, queueing at a
door, walking speed, breach times, and interviews with and without a shared language."""
from __future__ import annotations

import math
import statistics

import pytest

from engine_maps import (events_of, first_time, flat, has_event, load_text, police_unit,
                         run_until, scenario_yaml)
from sim.engine import entry
from sim.engine.agents import base
from sim.engine.exercise import Exercise


# -- 1. flight, cordons and the flee probability ---------------------------------------

def runner(reaction: dict, **extra) -> dict:
    return {"id": "runner", "name": "Runner", "role": "manager", "at": "bedroom",
            "alert_reaction": reaction, "flee_via": ["bedroom_window"], **extra}


def alert_all(at: float) -> list[dict]:
    return [{"id": "tipoff", "at": at, "message": "Someone has warned them.",
             "effects": [{"alert": "all"}]}]


def flee_scenario(orders: list[dict], alert_at: float = 90):
    # The bedroom door is locked: the unit in the hall cannot see or reach him, so only
    # the window cordon decides whether he gets away.
    return flat(perpetrators=[runner({"flee": 1.0})], bedroom_door={"locked": True},
                injects=alert_all(alert_at), plan_orders=orders)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_perpetrator_climbing_out_of_a_cordoned_window_is_arrested(seed):
    # Alerted at 47 s he decides to flee before the cordon is up (60 s), and reaches the
    # window after it is: the cordon arrests him there.
    scenario = flee_scenario([{"unit": "team", "do": "cordon", "target": "bedroom_window"}], alert_at=47)
    ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
    ex.run_to_end()
    cordon = first_time(ex, "cordon_set", "bedroom_window")
    assert cordon is not None
    assert [e["reaction"] for e in events_of(ex, "perpetrator_reaction")] == ["flee"]
    arrests = events_of(ex, "perpetrator_arrested", subject="runner")
    assert len(arrests) == 1
    assert arrests[0]["by"] == "team" and arrests[0]["where"] == "bedroom_window"
    assert arrests[0]["t"] > cordon
    assert not events_of(ex, "perpetrator_fled")
    assert ex.world.agents["runner"].arrested and not ex.world.agents["runner"].fled


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_perpetrator_whose_only_route_is_already_cordoned_does_not_try_it(seed):
    # The cordon is up long before he is alerted: with no way out he gives up (he is
    # unarmed and has no escalation to a barricade).
    scenario = flee_scenario([{"unit": "team", "do": "cordon", "target": "bedroom_window"}])
    ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
    ex.run_to_end()
    reaction = events_of(ex, "perpetrator_reaction")
    assert [e["reaction"] for e in reaction] == ["surrender"]
    assert reaction[0]["route_open"] is False
    assert events_of(ex, "flight_blocked") == [] and not events_of(ex, "perpetrator_fled")


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_perpetrator_climbing_out_of_an_uncovered_window_escapes(seed):
    scenario = flee_scenario([])
    ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
    ex.run_to_end()
    fled = events_of(ex, "perpetrator_fled", subject="runner")
    assert len(fled) == 1 and fled[0]["via"] == "bedroom_window"
    assert fled[0]["t"] > 90  # he only moves once alerted
    assert not events_of(ex, "perpetrator_arrested")
    agent = ex.world.agents["runner"]
    assert agent.fled and not agent.present
    marker = ex.snapshot("trainer").marker("runner")
    assert marker is not None and marker.state == "fled" and not marker.present


def test_cordon_set_after_he_is_gone_does_not_catch_him():
    # Alerted at once: he is out of the window (about 4 s to think, 20 s to climb) long
    # before the cordon (a 60 s detour round the building) is in place.
    scenario = flee_scenario([{"unit": "team", "do": "cordon", "target": "bedroom_window"}], alert_at=0)
    for seed in range(5):
        ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
        ex.run_to_end()
        fled = first_time(ex, "perpetrator_fled", "runner")
        assert fled is not None and fled < first_time(ex, "cordon_set", "bedroom_window")
        assert not events_of(ex, "perpetrator_arrested")


def test_fraction_who_try_to_flee_matches_the_alert_reaction_probability():
    p_flee, seeds = 0.35, 200
    scenario = flat(perpetrators=[runner({"flee": p_flee, "surrender": 1 - p_flee})],
                    bedroom_door={"locked": True}, injects=alert_all(0))
    reactions = []
    for seed in range(seeds):
        ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
        assert run_until(ex, has_event("perpetrator_reaction", "runner"), limit=120)
        reactions.append(events_of(ex, "perpetrator_reaction")[0]["reaction"])
    assert set(reactions) <= {"flee", "surrender"}
    fled = reactions.count("flee")
    sd = math.sqrt(seeds * p_flee * (1 - p_flee))
    assert abs(fled - seeds * p_flee) <= 4 * sd, (fled, seeds * p_flee, sd)


# -- 2. two people queue at one door ---------------------------------------------------

# The street exit opens straight onto a doorway into a small room: both units stand on
# the exit cell, next to the doorway, when they are ordered in.
DOORWAY_ROWS = ("~~~~~~~",
                "~#####~",
                "~#rrr#~",
                "~#rrr#~",
                "~##d##~",
                "~##E##~",
                "~~~~~~~")
DOORWAY_CELL = (4, 3)
DOORWAY_LEGEND = {"~": "outside", "#": "wall", "r": "room", "d": "doorway", "E": "street"}


def doorway_scenario(units: list[dict], orders: list[dict], door: dict | None = None):
    return load_text(scenario_yaml(
        map_rows=DOORWAY_ROWS, legend=DOORWAY_LEGEND,
        rooms=[{"id": "room", "name": "Room"}],
        doors=[{"id": "doorway", "name": "Doorway", "kind": "doorway", **(door or {})}],
        exits=[{"id": "street", "name": "Street", "kind": "street"}],
        units=units, plan_orders=orders))


def _door_track(ex: Exercise, units: list[str], dt: float = 0.05, limit: float = 60.0):
    """For each unit: (first time seen on the doorway cell, first time seen past it)."""
    on: dict[str, float] = {}
    past: dict[str, float] = {}
    samples = []
    while ex.now < limit and len(past) < len(units):
        ex.advance(dt)
        cells = {u: ex.world.agents[u].cell for u in units}
        samples.append(cells)
        for u, cell in cells.items():
            if cell == DOORWAY_CELL:
                on.setdefault(u, ex.now)
            elif cell[0] < DOORWAY_CELL[0]:
                past.setdefault(u, ex.now)
    return on, past, samples


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_two_units_ordered_through_one_doorway_pass_one_after_the_other(seed):
    units = [police_unit("alpha", size=4), police_unit("bravo", size=1)]
    both = [{"unit": "alpha", "do": "move", "to": "room"}, {"unit": "bravo", "do": "move", "to": "room"}]
    scenario = doorway_scenario(units, both)
    ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
    on, past, samples = _door_track(ex, ["alpha", "bravo"])
    assert set(past) == {"alpha", "bravo"}
    assert all(list(s.values()).count(DOORWAY_CELL) <= 1 for s in samples), "two on one doorway cell"
    first, second = sorted(["alpha", "bravo"], key=lambda u: on[u])
    # The second steps into the doorway only once the first has left it.
    assert on[second] >= past[first]

    # Alone, the second would have gone through sooner: the queue cost it time.
    alone_plan = [o for o in both if o["unit"] == second]
    alone_scenario = doorway_scenario(units, alone_plan)
    alone = Exercise(alone_scenario, seed, alone_scenario.spec.doctrine_plan)
    _, alone_past, _ = _door_track(alone, [second])
    assert past[second] > alone_past[second] + 0.5
    # Its walking speed is its own (common random numbers), so the whole delay is the queue.
    assert ex.world.agents[second].free_speed == alone.world.agents[second].free_speed
    t_joint = first_time(ex, "unit_in_position", second)
    t_alone = first_time(alone, "unit_in_position", second)
    assert t_joint > t_alone


def test_second_unit_waits_for_the_whole_team_to_file_through():
    # A team of 8 files through a doorway one by one (0.8 s for each further member) and
    # holds it meanwhile: the single officer queued behind it is held up at least that long.
    units = [police_unit("alpha", size=8), police_unit("bravo", size=1)]
    orders = [{"unit": "alpha", "do": "move", "to": "room"}, {"unit": "bravo", "do": "move", "to": "room"}]
    for seed in range(4):
        scenario = doorway_scenario(units, orders)
        ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
        on, past, _ = _door_track(ex, ["alpha", "bravo"])
        alone_scenario = doorway_scenario(units, orders[1:])
        alone = Exercise(alone_scenario, seed, alone_scenario.spec.doctrine_plan)
        alone_on, _, _ = _door_track(alone, ["bravo"])
        if on["alpha"] < on["bravo"]:
            assert on["bravo"] - alone_on["bravo"] >= base.SECONDS_PER_FILE * 7 - 0.1
            assert on["bravo"] >= past["alpha"]
        else:  # bravo reached the doorway first; alpha queued behind her
            assert on["alpha"] >= past["bravo"]


# -- 3. walking speed along a 40 m corridor --------------------------------------------

CORRIDOR_CELLS = 80  # steps of 0.5 m from one end to the other: 40 m
CORRIDOR_ROWS = ("~" + "#" * (CORRIDOR_CELLS + 1) + "~",
                 "~W" + "c" * (CORRIDOR_CELLS - 1) + "X~",
                 "~" + "#" * (CORRIDOR_CELLS + 1) + "~")


def corridor_scenario():
    return load_text(scenario_yaml(
        map_rows=CORRIDOR_ROWS, legend={"~": "outside", "#": "wall", "c": "corridor",
                                        "W": "west_end", "X": "east_end"},
        rooms=[{"id": "corridor", "name": "Corridor", "kind": "corridor"}],
        exits=[{"id": "west_end", "name": "West end", "kind": "street"},
               {"id": "east_end", "name": "East end", "kind": "street"}],
        units=[police_unit("walker", at="west_end")],
        plan_orders=[{"unit": "walker", "do": "move", "to": "east_end"}]))


def test_forty_metre_corridor_takes_about_thirty_seconds_at_free_speed():
    scenario = corridor_scenario()
    grid = scenario.grid
    start, end = grid.cells["west_end"][0], grid.cells["east_end"][0]
    assert (end[1] - start[1]) * grid.cell_size == pytest.approx(40.0)
    times, speeds = [], []
    for seed in range(30):
        ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
        assert run_until(ex, has_event("unit_in_position", "walker"), limit=120)
        walker = ex.world.agents["walker"]
        assert walker.cell == end
        took = first_time(ex, "unit_in_position", "walker") - first_time(ex, "order_started", "walker")
        # Each walker keeps his own free speed the whole way: 40 m at that speed.
        assert took == pytest.approx(40.0 / walker.free_speed, abs=0.01)
        assert base.FREE_SPEED_MIN <= walker.free_speed <= base.FREE_SPEED_MAX
        times.append(took)
        speeds.append(walker.free_speed)
    # An adult at the mean free speed (1.34 m/s) takes 40 / 1.34 = 29.9 s.
    assert 40.0 / base.FREE_SPEED_MEAN == pytest.approx(29.85, abs=0.01)
    assert 26 <= statistics.median(times) <= 34
    assert 26 <= statistics.mean(times) <= 34
    assert statistics.mean(times) == pytest.approx(40 / 1.34, abs=2.5)
    # The typical walker (middle half of speeds) is within 26-34 s.
    middle = sorted(times)[len(times) // 4: 3 * len(times) // 4]
    assert all(24 <= t <= 36 for t in middle), middle
    assert statistics.mean(speeds) == pytest.approx(base.FREE_SPEED_MEAN, abs=0.15)


def test_walking_speeds_across_seeds_have_the_published_spread():
    scenario = corridor_scenario()
    speeds = [Exercise(scenario, seed).world.agents["walker"].free_speed for seed in range(400)]
    assert statistics.mean(speeds) == pytest.approx(base.FREE_SPEED_MEAN, abs=0.04)
    assert statistics.stdev(speeds) == pytest.approx(base.FREE_SPEED_SD, abs=0.04)
    assert min(speeds) >= base.FREE_SPEED_MIN and max(speeds) <= base.FREE_SPEED_MAX


# -- 4. breach times -------------------------------------------------------------------

def breach_times(method: str, door_kind: str, seeds: int) -> tuple[list[float], list[float]]:
    """(successful attempt durations, failed attempt durations) over `seeds` runs."""
    units = [police_unit("team", equipment=[method])]
    scenario = doorway_scenario(units, [{"unit": "team", "do": "breach", "door": "doorway", "method": method}],
                                door={"kind": door_kind, "locked": True})
    ok, failed = [], []
    for seed in range(seeds):
        ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
        assert run_until(ex, has_event("door_opened", "doorway"), limit=600, step=5)
        started = None
        for e in ex.events:
            if e["kind"] == "breach_started":
                started = e["t"]
            elif e["kind"] in ("door_opened", "breach_failed") and started is not None:
                (ok if e["kind"] == "door_opened" else failed).append(e["t"] - started)
                started = None
        assert ex.world.doors["doorway"].broken
    return ok, failed


def test_manual_ram_on_a_locked_wooden_door_takes_about_its_median_time():
    median, works = entry.ENTRY_TIMES["manual_ram"]["wooden"]
    ok, failed = breach_times("manual_ram", "wooden", 120)
    times = ok + failed
    assert len(ok) == 120  # the door always gives way in the end (the ram is pressed home)
    assert statistics.median(times) == pytest.approx(median, rel=0.12)
    low, high = median * math.exp(-4 * entry.SIGMA), median * math.exp(4 * entry.SIGMA)
    assert all(low <= t <= high for t in times), (min(times), max(times))
    spread = statistics.stdev(math.log(t) for t in times)
    assert spread == pytest.approx(entry.SIGMA, abs=0.08)
    assert len(failed) <= 120 * (1 - works) + 4 * math.sqrt(120 * works * (1 - works))


def test_hydraulic_spreader_on_an_iron_gate_takes_about_its_median_time():
    median, _ = entry.ENTRY_TIMES["hydraulic_spreader"]["iron_gate"]
    ok, failed = breach_times("hydraulic_spreader", "iron_gate", 60)
    times = ok + failed
    assert statistics.median(times) == pytest.approx(median, rel=0.15)
    assert all(median * math.exp(-4 * entry.SIGMA) <= t <= median * math.exp(4 * entry.SIGMA) for t in times)


# -- 5. interviews and a shared language -----------------------------------------------

def interview_scenario(unit_languages: list[str], trust: float = 0.6):
    return flat(victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"],
                          "nationality": "Thai", "fear": 0.3, "trust_in_police": trust}],
                units=[police_unit("officer", languages=unit_languages)],
                plan_orders=[{"unit": "officer", "do": "interview", "victim": "mai"}])


def interviews(unit_languages: list[str], seeds: int) -> list[dict]:
    scenario = interview_scenario(unit_languages)
    out = []
    for seed in range(seeds):
        ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
        assert run_until(ex, has_event("interview_done", "mai"), limit=1200, step=30)
        out.append({"identified": bool(events_of(ex, "victim_identified", subject="mai")),
                    "offender": bool(events_of(ex, "victim_treated_as_offender", subject="mai")),
                    "spoken": bool(events_of(ex, "spoken_in_language", subject="mai")),
                    "outcome": events_of(ex, "interview_done")[0]["outcome"]})
    return out


def test_victim_interviewed_with_no_shared_language_is_never_identified():
    results = interviews(["en", "yue"], 40)
    assert not any(r["identified"] for r in results)
    assert not any(r["spoken"] for r in results)
    assert {r["outcome"] for r in results} <= {"no shared language", "treated as an offender"}


def test_victim_interviewed_in_her_language_is_identified_in_most_seeds():
    results = interviews(["en", "th"], 40)
    share = sum(r["identified"] for r in results) / len(results)
    # P(identified) = 0.55 + 0.45 * trust, and speaking Thai first raises her trust.
    assert share >= 0.6, share
    assert all(r["spoken"] for r in results)
    assert not any(r["offender"] for r in results)
