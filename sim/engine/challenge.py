"""The behaviour probabilities a run uses: the scenario's, with the trainer's overrides and
challenge level applied (`challenge:` in the scenario).

The level multiplies odds, not probabilities, so every level is strictly harder than the
one below whatever the scenario's numbers: each dangerous reaction's odds against the calm
one (surrender, freeze) are multiplied by the level's factor and the reactions are
normalised again; a single probability (an escalation, a coached identity) has
its odds p / (1 - p) multiplied. Nothing is clipped, so no two levels can give the same
run. Overrides are applied first: the overridden reaction takes its value and the others
share the rest in their old proportions.
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
    """Each dangerous reaction's odds against the calm one times `factor`, normalised again."""
    scaled = {k: (w if k == calm else w * factor) for k, w in weights.items()}
    scaled.setdefault(calm, 0.0)
    total = sum(scaled.values())
    if total <= 0:
        return {**{k: 0.0 for k in scaled}, calm: 1.0}
    return {k: w / total for k, w in scaled.items()}


def scale_odds(p: float, factor: float) -> float:
    """p with its odds p / (1 - p) multiplied by `factor` (0 and 1 stay as they are)."""
    if p <= 0.0 or p >= 1.0 or factor == 1.0:
        return p
    return factor * p / (1.0 - p + factor * p)


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
    for name in sorted(SCALED & set(values)):
        values[name] = scale_odds(values[name], factor)
    return weights, values


SCALED = {"resist_to_hostage", "blocked_to_barricade", "coached_identity"}


def perpetrator_behaviour(challenge: Challenge, spec: Any) -> tuple[dict[str, float], dict[str, float]]:
    return behaviour(challenge, "perpetrator", spec.id, spec.alert_reaction.model_dump(),
                     {**spec.escalation.model_dump(), "vigilance": spec.vigilance})


def victim_behaviour(challenge: Challenge, spec: Any) -> tuple[dict[str, float], dict[str, float]]:
    return behaviour(challenge, "victim", spec.id, spec.fear_reaction.model_dump(),
                     {"coached_identity": spec.coached_identity, "fear": spec.fear,
                      "trust_in_police": spec.trust_in_police})
