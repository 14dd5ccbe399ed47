"""The comparison table of a scenario: the doctrine plan (reference) first, then each trainee
(by trainee) or each plan's batches (by plan), each with its runs, its seeds, its mean with a
95% CI, and its difference from the reference on the same seeds (reference.py). `compare`
prints it and the summary report shows it: the same rows and the same numbers.

A seed is counted once per row: several runs of one row on one seed are averaged first.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from . import reference
from .reference import Difference
from .stats import Summary, summarise
from .store import Store


@dataclass
class Row:
    name: str
    roles: tuple[str, ...]
    runs: list[dict]
    by_seed: dict[int, float]
    summary: Summary
    against: Optional[Difference]  # None for the reference itself, or when no seed is shared
    metrics: dict[str, float]  # metric -> mean over seeds
    capabilities: dict[str, float]  # capability id -> mean score over seeds
    is_reference: bool = False


def _per_seed_means(runs: list[dict], values: dict[int, dict[str, float]]) -> dict[str, float]:
    """Mean of each named value over seeds, each seed's runs averaged first."""
    per_seed: dict[int, dict[str, list[float]]] = {}
    for row in runs:
        for name, value in values.get(row["id"], {}).items():
            per_seed.setdefault(row["seed"], {}).setdefault(name, []).append(value)
    totals: dict[str, list[float]] = {}
    for named in per_seed.values():
        for name, vs in named.items():
            totals.setdefault(name, []).append(math.fsum(vs) / len(vs))
    return {name: math.fsum(vs) / len(vs) for name, vs in sorted(totals.items())}


def _row(store: Store, scenario, name: str, roles: tuple[str, ...], runs: list[dict], is_reference: bool) -> Row:
    by_seed = reference.by_seed(runs)
    ids = [r["id"] for r in runs]
    metrics = _per_seed_means(runs, store.metric_scores(ids))
    caps = _per_seed_means(runs, {i: {c: v[0] for c, v in d.items()} for i, d in store.capability_ratings(ids).items()})
    against = None if is_reference else reference.against_reference(store, scenario, by_seed)
    return Row(name, roles, runs, by_seed, summarise(list(by_seed.values())), against, metrics, caps, is_reference)


def table(store: Store, scenario, by: str) -> list[Row]:
    """Rows by 'trainee' (their played runs, batches and replayed choices), by 'plan' (the
    batches of plans run without a trainee), or 'all' (trainees, then plans), after the
    reference row."""
    out = []
    ref_runs = reference.rows(store, scenario, reference.REFERENCE_ROLES)
    if ref_runs:
        out.append(_row(store, scenario, reference.REFERENCE_NAME, reference.REFERENCE_ROLES, ref_runs, True))
    parts = {"trainee": [("trainee", reference.TRAINEE_ROLES)], "plan": [("plan_name", reference.PLAN_ROLES)],
             "all": [("trainee", reference.TRAINEE_ROLES), ("plan_name", reference.PLAN_ROLES)]}[by]
    for key, roles in parts:
        groups: dict[str, list[dict]] = {}
        for run in reference.rows(store, scenario, roles):
            if run[key]:
                groups.setdefault(run[key], []).append(run)
        for name in sorted(groups, key=str.lower):
            out.append(_row(store, scenario, name, roles, groups[name], False))
    return out


def counted_text(by: str) -> str:
    roles = {"trainee": reference.TRAINEE_ROLES, "plan": reference.PLAN_ROLES,
             "all": reference.TRAINEE_ROLES + reference.PLAN_ROLES}[by]
    return (f"rows count: {reference.roles_text(roles)}; the reference row: "
            f"{reference.roles_text(reference.REFERENCE_ROLES)}; counterfactuals are never counted")
