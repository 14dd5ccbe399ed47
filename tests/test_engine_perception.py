"""When perception looks: a second after a change, at the referee's deadlines, and never
twice for one change."""
from __future__ import annotations

import pytest

from engine_maps import flat, police_unit
from sim.engine.exercise import Exercise
from sim.engine.perception import TICK_SECONDS, Perception


def _idle_flat():
    scenario = flat(victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"],
                              "nationality": "Thai"}],
                    units=[police_unit("team", skills=["search"], equipment=[])])
    exercise = Exercise(scenario, 1)  # no orders: nobody will ever do anything
    exercise.advance(5)
    return exercise


def _looks(exercise, monkeypatch) -> list[float]:
    looks: list[float] = []
    look = Perception.look

    def looking(self, *args, **kwargs):
        looks.append(self.env.now)
        return look(self, *args, **kwargs)

    monkeypatch.setattr(Perception, "look", looking)
    return looks


def test_a_deadline_between_a_change_and_its_look_adds_no_look(monkeypatch):
    exercise = _idle_flat()
    looks = _looks(exercise, monkeypatch)
    exercise.referee.idle_since = exercise.now - 29.5  # the 30 s idle deadline falls half a second on
    exercise.perception.wake_by(exercise.referee.next_deadline())
    change = exercise.now
    exercise.world.poke()  # something changed: look a second later, not at the deadline
    exercise.advance(3)
    assert [t for t in looks if t < change + 2] == [pytest.approx(change + TICK_SECONDS)]


def _deadline_landing_early() -> tuple[float, float]:
    """An idle start and a change time for which the timeout to idle + 30 s, set a second
    after the change, lands one rounding step before idle + 30."""
    for i in range(1, 100_000):
        idle = 1.0 + i * 0.001
        for j in range(1, 200):
            look = idle + j * 0.0731 + TICK_SECONDS
            if look < idle + 30.0 and look + (idle + 30.0 - look) < idle + 30.0:
                return idle, idle + j * 0.0731
    raise AssertionError("no such times")


def test_a_deadline_that_lands_a_hair_early_still_ends_a_stalled_exercise():
    # found in review: the 300 s deadline was never set again, and the run went on to 1800 s
    exercise = _idle_flat()
    # what is left is out of reach (otherwise a stalled run waits for the time limit)
    exercise.referee.open_objectives = lambda: ([], ["mai out of reach"])
    idle, change = _deadline_landing_early()
    exercise.referee.idle_since, exercise.env._now = idle, change
    exercise.world.poke()
    exercise.run_to_end()
    assert exercise.end_reason == "no unit could do more; out of reach: mai out of reach"
    assert exercise.now < idle + 300 + 1
