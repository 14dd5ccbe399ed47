"""Injects fire on time and on their event; decision points open, default and pause the clock."""
from __future__ import annotations

import pytest

from engine_maps import events_of, first_time, flat, has_event, police_unit, run_until
from sim.engine.exercise import Exercise
from sim.format.orders import ORDER_CLASSES


def message(ident: str, **trigger) -> dict:
    return {"id": ident, "message": f"Inject {ident}.", **trigger}


# -- 6. injects -------------------------------------------------------------------------

def inject_scenario(**kw):
    return flat(injects=[message("timed", at=30),
                         message("on_door", on="door_opened bedroom_door"),
                         message("on_cleared", when="room_cleared bedroom")],
                plan_orders=[{"unit": "team", "do": "clear", "room": "bedroom", "at": 12}], **kw)


@pytest.mark.parametrize("seed", [0, 5])
def test_timed_inject_fires_at_its_second(seed):
    scenario = inject_scenario()
    ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
    ex.run_to_end()
    fired = events_of(ex, "inject", subject="timed")
    assert len(fired) == 1
    assert fired[0]["t"] == 30.0
    assert fired[0]["message"] == "Inject timed."


@pytest.mark.parametrize("seed", [0, 5])
def test_inject_on_an_event_fires_at_the_time_of_that_event(seed):
    scenario = inject_scenario()
    ex = Exercise(scenario, seed, scenario.spec.doctrine_plan)
    ex.run_to_end()
    opened = events_of(ex, "door_opened", subject="bedroom_door")
    fired = events_of(ex, "inject", subject="on_door")
    assert len(opened) == 1 and len(fired) == 1
    assert opened[0]["t"] > 12  # the door is opened by the unit, after its order starts
    assert fired[0]["t"] == opened[0]["t"]
    assert ex.events.index(fired[0]) > ex.events.index(opened[0])
    cleared = events_of(ex, "room_cleared", subject="bedroom")
    on_cleared = events_of(ex, "inject", subject="on_cleared")
    assert len(cleared) == 1 and len(on_cleared) == 1
    assert on_cleared[0]["t"] == cleared[0]["t"]


def test_inject_whose_event_never_happens_never_fires():
    scenario = flat(injects=[message("never", on="door_opened back_door")],
                    plan_orders=[{"unit": "team", "do": "clear", "room": "bedroom"}])
    ex = Exercise(scenario, 0, scenario.spec.doctrine_plan)
    ex.run_to_end()
    assert ex.finished
    assert not events_of(ex, "inject")


def test_timed_inject_fires_on_time_when_driven_in_uneven_slices():
    scenario = inject_scenario()
    ex = Exercise(scenario, 1, scenario.spec.doctrine_plan)
    for dt in (0.7, 13.3, 15.99, 0.005, 0.005, 7):
        ex.advance(dt)
    assert [e["t"] for e in events_of(ex, "inject", subject="timed")] == [30.0]


def test_inject_effects_alert_and_delay():
    perp = {"id": "guard", "name": "Guard", "role": "guard", "at": "back_room",
            "alert_reaction": {"surrender": 1.0}}
    scenario = flat(perpetrators=[perp],
                    units=[police_unit(), police_unit("late", arrives=20)],
                    injects=[message("alarm", at=5, effects=[{"alert": "guard"}]),
                             message("traffic", at=0, effects=[{"delay_unit": "late", "seconds": 40}])])
    ex = Exercise(scenario, 0, scenario.spec.doctrine_plan)
    ex.advance(100)
    alerted = events_of(ex, "perpetrator_alerted", subject="guard")
    assert alerted and alerted[0]["t"] == 5.0 and alerted[0]["why"] == "inject alarm"
    assert first_time(ex, "unit_arrived", "late") == 60.0


# -- 7. decision points -----------------------------------------------------------------

def decision(clock: str, *, time_allowed: float = 20, at: float = 10) -> dict:
    return {"id": "route", "at": at, "prompt": "Which room first?", "time_allowed": time_allowed,
            "clock": clock, "default": "bedroom_first",
            "options": [{"id": "bedroom_first", "label": "Bedroom first",
                         "orders": [{"unit": "team", "do": "clear", "room": "bedroom"}]},
                        {"id": "back_first", "label": "Back room first",
                         "orders": [{"unit": "team", "do": "clear", "room": "back_room"}]}]}


@pytest.mark.parametrize("clock", ["running", "paused"])
def test_unanswered_decision_defaults_when_its_time_runs_out(clock):
    # Headless (not interactive), a paused clock cannot wait for anyone: both default.
    scenario = flat(decisions=[decision(clock)])
    ex = Exercise(scenario, 0, scenario.spec.doctrine_plan)
    ex.run_to_end()
    opened = events_of(ex, "decision_opened", subject="route")
    made = events_of(ex, "decision_made", subject="route")
    assert len(opened) == 1 and opened[0]["t"] == 10.0
    assert len(made) == 1
    assert made[0]["how"] == "defaulted" and made[0]["option"] == "bedroom_first"
    assert made[0]["t"] == 30.0 and made[0]["took"] == 20.0
    assert ex.decided["route"] == {"option": "bedroom_first", "how": "defaulted", "t": 30.0}
    # The default's orders were carried out.
    assert events_of(ex, "room_cleared", subject="bedroom")
    assert not events_of(ex, "room_cleared", subject="back_room")
    assert ex.inputs == []  # the engine's own default is not an input


def test_interactive_decision_with_running_clock_defaults_while_the_trainee_waits():
    scenario = flat(decisions=[decision("running")])
    ex = Exercise(scenario, 0, scenario.spec.doctrine_plan, interactive=True)
    state = ex.run_until_decision_or_end()
    assert state is not None and state.id == "route" and not state.paused
    assert ex.now == 10.0
    ex.advance(15)
    assert ex.now == 25.0 and ex.pending_decision is state
    view = ex.snapshot("trainee").decision
    assert view is not None and view.time_left == pytest.approx(5.0) and not view.paused
    ex.advance(10)
    assert ex.pending_decision is None
    made = events_of(ex, "decision_made", subject="route")
    assert [(m["t"], m["how"], m["option"]) for m in made] == [(30.0, "defaulted", "bedroom_first")]


def test_paused_clock_stands_still_until_the_trainee_decides():
    scenario = flat(decisions=[decision("paused")])
    ex = Exercise(scenario, 0, scenario.spec.doctrine_plan, interactive=True)
    state = ex.run_until_decision_or_end()
    assert state is not None and state.paused and ex.clock_stopped
    opened_at = ex.now
    assert opened_at == 10.0
    count = len(ex.events)
    for _ in range(3):
        ex.advance(60)
        assert ex.now == opened_at
    ex.run_until_decision_or_end()
    assert ex.now == opened_at
    assert len(ex.events) == count  # nothing happens while the clock is stopped
    assert ex.pending_decision is state
    assert not events_of(ex, "decision_made")
    ex.decide("route", "back_first")
    made = events_of(ex, "decision_made", subject="route")
    assert [(m["t"], m["how"], m["option"], m["took"]) for m in made] == [(10.0, "chosen", "back_first", 0.0)]
    ex.advance(5)
    assert ex.now == opened_at + 5  # the clock runs again
    ex.run_to_end()
    assert events_of(ex, "room_cleared", subject="back_room")
    assert not events_of(ex, "room_cleared", subject="bedroom")
    assert [i["type"] for i in ex.inputs] == ["decision"]


def test_planned_choice_is_applied_at_once_and_recorded_as_planned():
    scenario = flat(decisions=[decision("paused")], plan_decisions={"route": "back_first"})
    ex = Exercise(scenario, 0, scenario.spec.doctrine_plan, interactive=True)
    assert ex.run_until_decision_or_end() is None  # nothing waits for the trainee
    made = events_of(ex, "decision_made", subject="route")
    assert [(m["t"], m["how"], m["option"]) for m in made] == [(10.0, "planned", "back_first")]
    assert ex.finished


def test_deciding_a_decision_that_is_not_open_is_refused():
    scenario = flat(decisions=[decision("paused")])
    ex = Exercise(scenario, 0, scenario.spec.doctrine_plan, interactive=True)
    with pytest.raises(ValueError):
        ex.decide("route", "bedroom_first")  # not open yet
    ex.run_until_decision_or_end()
    with pytest.raises(ValueError):
        ex.decide("route", "no_such_option")
    with pytest.raises(ValueError):
        ex.decide("other", "bedroom_first")
    assert ex.pending_decision is not None


def test_trainee_order_during_a_running_decision_is_carried_out():
    scenario = flat(decisions=[decision("running", time_allowed=600)])
    ex = Exercise(scenario, 0, scenario.spec.doctrine_plan, interactive=True)
    ex.run_until_decision_or_end()
    ex.apply(ORDER_CLASSES["move"](unit="team", do="move", to="back_room"))
    assert run_until(ex, has_event("unit_in_position", "team"), limit=200)
    assert ex.world.room_of(ex.world.agents["team"].cell) == "back_room"
    assert ex.pending_decision is not None
