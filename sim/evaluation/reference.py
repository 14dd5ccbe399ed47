""""Against the reference": the one meaning every view gives it.

X against the reference is the paired difference between X's overall score and the doctrine
plan's on the same seeds (common random numbers), each seed counted once. `compare`,
`cohort`, the summary report, the after-action report and the debrief's luck-adjusted score
all call `against_reference`, so on the same store and seeds they print the same number.

Which runs count is decided here too, by their role in the store (store.ROLES):
- the reference: runs of role `doctrine` only (never a trainee who played the doctrine plan);
- a trainee: their played runs, their batches and their choices replayed on other seeds
  (`TRAINEE_ROLES`); never the counterfactuals, which are not what they chose;
- a plan: its batches (role `plan`).
Several runs of one group on one seed (a played run and a batch of the same plan, say) are
averaged into one value for that seed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Optional

from sim import __version__
from .stats import Paired, Summary, p_text, paired_test, summarise
from .store import ROLES, Store

TRAINEE_ROLES = ("played", "trainee_batch", "policy")
REFERENCE_ROLES = ("doctrine",)
PLAN_ROLES = ("plan",)
REFERENCE_NAME = "Doctrine plan (reference)"


def roles_text(roles: Iterable[str]) -> str:
    """The roles a table counts, in words."""
    return "; ".join(ROLES[r] for r in roles)


def rows(store: Store, scenario, roles: Iterable[str], *, trainee: Optional[str] = None) -> list[dict]:
    """The runs of this version of the scenario in these roles (of this trainee, if given),
    one per run (see one_per_run)."""
    wanted = set(roles)
    found = [r for r in store.runs(scenario=scenario.spec.id, trainee=trainee)
             if r.get("kind") in wanted and r["scenario_sha256"] == scenario.sha256]
    return one_per_run(found)


def by_seed(runs: Iterable[dict]) -> dict[int, float]:
    """Overall score by seed; several runs on one seed count once, as their mean."""
    sums: dict[int, list[float]] = {}
    for row in runs:
        sums.setdefault(row["seed"], []).append(row["overall_score"])
    return {seed: math.fsum(v) / len(v) for seed, v in sorted(sums.items())}


def reference_scores(store: Store, scenario) -> dict[int, float]:
    """The doctrine plan's overall score by seed."""
    return by_seed(rows(store, scenario, REFERENCE_ROLES))


def trainee_scores(store: Store, scenario, trainee: str) -> dict[int, float]:
    """A trainee's overall score by seed, from every run of theirs (TRAINEE_ROLES)."""
    return by_seed(rows(store, scenario, TRAINEE_ROLES, trainee=trainee))


@dataclass(frozen=True)
class Difference:
    """X against the reference on the seeds both have."""
    seeds: tuple[int, ...]
    mine: Summary
    reference: Summary
    paired: Paired  # X - reference

    @property
    def value(self) -> float:
        return self.paired.mean_difference

    @property
    def seeds_text(self) -> str:
        s = self.seeds
        contiguous = len(s) > 1 and s[-1] - s[0] == len(s) - 1
        return f"seeds {s[0]}..{s[-1]}" if contiguous else f"{len(s)} seed{'s' if len(s) != 1 else ''}"

    def text(self) -> str:
        """'+0.012 (95% CI -0.020 to +0.044, p=0.310; 50 seeds)'."""
        p = self.paired
        if p.n < 2:
            return f"{p.mean_difference:+.3f} (one seed: no interval)"
        return f"{p.mean_difference:+.3f} (95% CI {p.ci_low:+.3f} to {p.ci_high:+.3f}, {p_text(p.p_value)}; {self.seeds_text})"

    @property
    def verdict(self) -> str:
        """Follows the interval: a difference is real only when its interval leaves out zero."""
        return verdict(self.paired)


def verdict(p: Paired) -> str:
    if p.n < 2 or not (math.isfinite(p.ci_low) and math.isfinite(p.ci_high)):
        return "too few seeds to tell"
    if p.ci_low > 0 or p.ci_high < 0:
        return "larger than luck explains"
    return "within what luck explains"


def against_reference(store: Store, scenario, scores: dict[int, float],
                      seeds: Optional[Iterable[int]] = None) -> Optional[Difference]:
    """`scores` (overall score by seed) against the doctrine plan's on the seeds both have
    (within `seeds`, if given); None when they share no seed."""
    reference = reference_scores(store, scenario)
    common = sorted(set(scores) & set(reference) & (set(seeds) if seeds is not None else set(scores)))
    if not common:
        return None
    mine = [scores[s] for s in common]
    theirs = [reference[s] for s in common]
    return Difference(tuple(common), summarise(mine), summarise(theirs), paired_test(mine, theirs))


def trainee_against_reference(store: Store, scenario, trainee: str,
                              seeds: Optional[Iterable[int]] = None) -> Optional[Difference]:
    return against_reference(store, scenario, trainee_scores(store, scenario, trainee), seeds)


def one_per_run(rows: list[dict]) -> list[dict]:
    """The same scenario, policy, seed and trainee run by several engine versions is one
    run for statistics: the current version's if the store has it, else the latest stored.
    Counting both would count one seed twice and make the intervals too narrow."""
    chosen: dict[tuple, dict] = {}
    for row in rows:  # in the order stored
        key = (row["scenario_sha256"], row["plan_key"], row["seed"], row["trainee"])
        held = chosen.get(key)
        if held is None or held.get("software_version") != __version__:
            chosen[key] = row
    return sorted(chosen.values(), key=lambda r: r["id"])
