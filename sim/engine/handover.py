"""A seat handed to the plan, and back: the controller's answer to a seat that dropped.

While a seat is played by the plan, the plan takes its decisions (those open when it is
handed over, and those that open later) with the plan's choice, or the default where the
plan has none; its units go on with what they were last told. A person at that seat can
give no orders and take no decisions until the controller hands it back. Both are
controller's inputs, journalled and replayed, so `verify` re-simulates a run that had them.
"""
from __future__ import annotations

from typing import Any

Exercise = Any  # sim.engine.exercise.Exercise, which imports this module (no import back)

HANDOVER_ACTIONS = ("hand_to_plan", "hand_back")


def hand_over(exercise: Exercise, action: dict, *, by: str) -> None:
    """{"do": "hand_to_plan", "seat": S} or {"do": "hand_back", "seat": S}."""
    seats = exercise.seats
    seat = action.get("seat")
    if seat not in seats.humans:
        raise ValueError(f"seat {seat!r} is not played by a person in this run "
                         f"(people play: {', '.join(seats.humans) or 'none'})")
    if action["do"] == "hand_to_plan":
        if seat in seats.by_plan:
            raise ValueError(f"seat {seat!r} is played by the plan already")
        seats.by_plan.add(seat)
        exercise.world.emit("seat_handed", subject=seat, to="plan", by=by)
        for state in list(exercise.open_decisions):
            if seats.owner_of(state.decision) == seat:
                take_planned(exercise, state)
    else:
        if seat not in seats.by_plan:
            raise ValueError(f"seat {seat!r} is not played by the plan")
        seats.by_plan.discard(seat)
        exercise.world.emit("seat_handed", subject=seat, to="person", by=by)


def played_by_plan(exercise: Exercise, seat: str) -> bool:
    return exercise.seats is not None and seat in exercise.seats.by_plan


def take_planned(exercise: Exercise, state: Any) -> None:
    """The plan's choice for a decision of a seat the plan plays (its default if none)."""
    option = exercise.plan.decisions.get(state.id, state.decision.default)
    exercise.decide(state.id, option, how="planned", is_input=False)
