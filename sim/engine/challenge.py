"""The behaviour probabilities a run uses: the scenario's, with the trainer's overrides and
challenge level applied (`challenge:` in the scenario).

The level scales every dangerous probability (a perpetrator's reactions other than
surrender, his escalations, a victim's hiding and fleeing, her coached identity); the
calm choice (surrender, freeze) takes what is left, so the probabilities still add up
to 1. Overrides are applied first: the overridden reaction takes its value and the
others share the rest in their old proportions.
"""
from __future__ import annotations

from typing import Any

from sim.format.spec import CHALLENGE_SCALE, Challenge

CALM = {"perpetrator": "surrender", "victim": "freeze"}


def _set(weights: dict[str, float], name: str, value: float, calm: str) -> dict[str, float]:
    """`name` takes `value`; the others share what is left in their old proportions."""
    others = {k: w for k, w in weights.items() if k != name}
    rest = sum(others.values())
    out = {k: (w * (1 - value) / rest if rest > 0 else 0.0) for k, w in others.items()}
    if rest <= 0:
        out[calm] = out.get(calm, 0.0) + 1 - value
    out[name] = value
    return out


def _scale(weights: dict[str, float], factor: float, calm: str) -> dict[str, float]:
    dangerous = {k: w * factor for k, w in weights.items() if k != calm}
    total = sum(dangerous.values())
    if total > 1:
        dangerous = {k: w / total for k, w in dangerous.items()}
        total = 1.0
    return {**dangerous, calm: max(0.0, 1.0 - total)}


def _overrides_for(challenge: Challenge, ident: str, group: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in challenge.overrides.items():  # the group first, then this one person
        who, _, name = key.partition(".")
        if who == group:
            out[name] = value
    for key, value in challenge.overrides.items():
        who, _, name = key.partition(".")
        if who == ident:
            out[name] = value
    return out


def behaviour(challenge: Challenge, kind: str, ident: str, reactions: dict[str, float],
              others: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """(reaction weights, other probabilities) for one perpetrator or victim.

    `others` are the escalations and single probabilities (vigilance, coached identity,
    fear, trust); only the dangerous ones among them are scaled by the level."""
    calm = CALM[kind]
    weights, values = dict(reactions), dict(others)
    for name, value in _overrides_for(challenge, ident, kind + "s").items():
        if name in weights:
            weights = _set(weights, name, value, calm)
        else:
            values[name] = value
    factor = CHALLENGE_SCALE[challenge.level]
    weights = _scale(weights, factor, calm)
    for name in SCALED & set(values):
        values[name] = min(1.0, values[name] * factor)
    return weights, values


SCALED = {"resist_to_hostage", "blocked_to_barricade", "coached_identity"}


def perpetrator_behaviour(challenge: Challenge, spec: Any) -> tuple[dict[str, float], dict[str, float]]:
    return behaviour(challenge, "perpetrator", spec.id, spec.alert_reaction.model_dump(),
                     {**spec.escalation.model_dump(), "vigilance": spec.vigilance})


def victim_behaviour(challenge: Challenge, spec: Any) -> tuple[dict[str, float], dict[str, float]]:
    return behaviour(challenge, "victim", spec.id, spec.fear_reaction.model_dump(),
                     {"coached_identity": spec.coached_identity, "fear": spec.fear,
                      "trust_in_police": spec.trust_in_police})
