"""Small answers about a scenario's doctrine that the window and autoplay share."""
from __future__ import annotations

from .spec import Scenario as ScenarioSpec


def doctrine_choice(spec: ScenarioSpec, decision_id: str) -> str:
    """The doctrine plan's option for a decision point, or the decision's default."""
    chosen = spec.doctrine_plan.decisions.get(decision_id)
    if chosen:
        return chosen
    return next(d.default for d in spec.decisions if d.id == decision_id)
