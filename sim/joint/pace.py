"""Decisions at speed: while a person's decision is open the run slows to 1x, or stands
still if the scenario says that decision stops the clock (`clock: paused`), and every seat
is told why. The clock's speed is the host's, not an input of the simulation (it runs in
exercise time), so holding it changes nothing a replay would see.
"""
from __future__ import annotations

from typing import Optional

from sim.engine.exercise import Exercise

DECIDING_SPEED = 1.0


def hold(exercise: Exercise, speed: float) -> tuple[float, Optional[dict]]:
    """The speed the clock runs at now, and why it is held (None when it is not)."""
    seats = exercise.seats
    if seats is None:
        return speed, None
    for state in exercise.open_decisions:
        owner = seats.owner_of(state.decision)
        if owner not in seats.humans or owner in seats.by_plan:
            continue
        name = seats.seats[owner].name.split(" (")[0]
        if state.paused:
            return 0.0, {"why": "paused", "decision": state.id, "seat": owner,
                         "text": f"The clock stands still while {name} decides"}
        if speed > DECIDING_SPEED:
            return DECIDING_SPEED, {"why": "slowed", "decision": state.id, "seat": owner,
                                    "text": f"Slowed to {DECIDING_SPEED:g}x while {name} decides"}
    return speed, None
