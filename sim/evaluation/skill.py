"""Skill, not luck: a trainee's choices re-simulated over many seeds beside the doctrine
plan on the same seeds, and comparisons of trainees or plans from the results store."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from .batch import run_batch
from sim.format.orders import ORDER_CLASSES
from .record import _tuples, plan_of
from sim.format.spec import Plan
from .reference import against_reference
from .stats import Paired, Summary, paired_test, summarise
from .store import Store


def policy_from_record(record: dict[str, Any]) -> Plan:
    """The trainee's play as a plan: their choice at each decision they answered, and the
    orders they gave during play at the times they gave them. Defaulted decisions stay
    defaulted. On other seeds this is the same policy, not the same moves."""
    plan = plan_of(record)
    choices = dict(plan.decisions)
    for decision, made in record.get("decisions", {}).items():
        if made.get("how") in ("chosen", "planned"):
            choices[decision] = made["option"]
    orders = list(plan.orders)
    for entry in record.get("inputs", []):
        if entry["type"] == "order":
            data = dict(entry["order"])
            data.setdefault("at", round(float(entry["t"]), 3))
            orders.append(ORDER_CLASSES[data["do"]].model_validate(_tuples(data), strict=True))
    name = record.get("trainee") or plan.name
    return Plan(name=f"{name} (policy)", orders=tuple(orders), decisions=choices)


@dataclass
class DecisionCost:
    decision: str
    trainee_option: str
    doctrine_option: str
    cost: float  # mean score lost by the trainee's option (positive: doctrine's would have scored more)
    test: Paired
    defaulted: bool = False  # the trainee did not answer: the scenario's default stood


@dataclass
class SkillReport:
    runs: int
    trainee: Summary
    doctrine: Summary
    difference: Paired
    costs: list[DecisionCost] = field(default_factory=list)


def _scores(scenario, plan: Plan, runs: int, first_seed: int, store: Store, workers: Optional[int],
            trainee: Optional[str], progress: bool, *, kind: Optional[str] = None,
            only: Optional[set[int]] = None, opened: Optional[dict[int, set]] = None) -> dict[int, float]:
    """The plan's overall score by seed (run now, or found in the store). `opened`, if given,
    is filled with the decisions that opened in each seed's run."""
    by_seed: dict[int, float] = {}

    def seen(summary: dict) -> None:
        by_seed[summary["seed"]] = summary["overall"]["score"]
        if opened is not None:
            opened[summary["seed"]] = set(summary.get("opened", ()))

    run_batch(scenario, plan, runs=runs, first_seed=first_seed, workers=workers, store=store, resume=True,
              trainee=trainee, progress=progress, keep_events=False, on_run=seen, only=only, kind=kind)
    from .batch import batch_id
    bid = batch_id(scenario.sha256, plan, first_seed, runs, trainee)
    rows = [r for r in store.runs(batch=bid) if r["seed"] not in by_seed]
    for row in rows:
        by_seed[row["seed"]] = row["overall_score"]
    if opened is not None and rows:
        for run_id, decisions in store.decisions_of([r["id"] for r in rows]).items():
            seed = next(r["seed"] for r in rows if r["id"] == run_id)
            opened[seed] = set(decisions)
    return by_seed


def skill(scenario, record: dict[str, Any], *, runs: int, first_seed: int = 0, store: Store,
          workers: Optional[int] = None, progress: bool = False,
          on_partial: Optional[Callable[[SkillReport], None]] = None) -> SkillReport:
    """The trainee's policy and the doctrine plan on the same seeds, and what each of the
    trainee's choices that differs from doctrine cost: the policy with doctrine's option there
    instead. Where that decision never opened in the policy's run on a seed, the swapped run
    would be the same run (same seed, same orders until then), so it is not run again."""
    policy = policy_from_record(record)
    doctrine = scenario.spec.doctrine_plan
    trainee = record.get("trainee")  # the replays are the trainee's choices: stored under their name
    seeds = range(first_seed, first_seed + runs)
    opened: dict[int, set] = {}
    mine_by = _scores(scenario, policy, runs, first_seed, store, workers, trainee, progress, kind="policy",
                      opened=opened)
    theirs_by = _scores(scenario, doctrine, runs, first_seed, store, workers, None, progress, kind="doctrine")
    # "against the reference" has one meaning and one function (reference.py); this run's
    # choices on these seeds are what it is asked of here
    mine = [mine_by[s] for s in seeds]
    diff = against_reference(store, scenario, {s: mine_by[s] for s in seeds}, seeds)
    if diff is not None and len(diff.seeds) == runs:
        report = SkillReport(runs, diff.mine, diff.reference, diff.paired)
    else:  # the store lacks some reference run (a version it cannot hold, say): the same test here
        theirs = [theirs_by[s] for s in seeds]
        report = SkillReport(runs, summarise(mine), summarise(theirs), paired_test(mine, theirs))
    if on_partial is not None:  # the headline first (the debrief shows it), then each choice's cost
        on_partial(report)
    for decision in scenario.spec.decisions:
        # a decision left to time out is the default, and it is the trainee's as much as a choice
        defaulted = decision.id not in policy.decisions
        ours = policy.decisions.get(decision.id, decision.default)
        best = doctrine.decisions.get(decision.id, decision.default)
        if ours == best:
            continue
        swapped = policy.model_copy(update={"decisions": {**policy.decisions, decision.id: best},
                                            "name": f"{policy.name} with doctrine {decision.id}"})
        needed = {s for s in seeds if decision.id in opened.get(s, {decision.id})}
        alt_by = _scores(scenario, swapped, runs, first_seed, store, workers, trainee, progress,
                         kind="counterfactual", only=needed)
        alt = [alt_by.get(s, mine_by[s]) if s not in needed else alt_by[s] for s in seeds]
        test = paired_test(alt, mine)
        report.costs.append(DecisionCost(decision.id, ours, best, test.mean_difference, test, defaulted))
        if on_partial is not None:
            on_partial(report)
    report.costs.sort(key=lambda c: -c.cost)
    return report
