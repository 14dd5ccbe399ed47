"""Calibration for trainers: how a scenario treats a reckless, a cautious-but-slow and the
doctrine plan over many seeds.

For each plan: the overall score's mean, p5 and p95, the share of runs rated below P, and
the share of runs with each bad outcome. Runs go through the batch machinery's process
pool; they are not stored (a calibration is about the scenario, not about a trainee).
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from sim.format.spec import Plan
from .batch import _run, _run_on_pool, _take
from .metrics import evaluate

PLAN_KINDS = ("reckless", "cautious", "doctrine")
BAD_OUTCOMES = {  # name -> what of the run's facts shows it
    "victim harmed": "victims_harmed",
    "hostage taken": "hostages_taken",
    "perpetrator escaped": "perpetrators_escaped",
    "evidence destroyed": "evidence_destroyed",
    "victim treated as offender": "victims_treated_as_offenders",
    "officer injured": "officer_injuries",
}


PLAN_FILE_HOLDS = {
    "reckless": "force at once, no cordons, a hard entry that handcuffs everyone, nobody who speaks the "
                "victims' language, no care",
    "cautious": "the right people and cordons, but a long wait before the entry team moves in, knocks or "
                "slow tools, a calm entry",
    "doctrine": "the scenario's doctrine_plan as a file",
}


def plan_files(scenario) -> dict[str, Path]:
    """The three plan files of a scenario, named by its `id` (not its file's name), beside it:
    plans/ID_{reckless,cautious,doctrine}.yaml, as the format reference says."""
    folder = Path(scenario.path).parent / "plans"
    return {kind: folder / f"{scenario.id}_{kind}.yaml" for kind in PLAN_KINDS}


def missing_plan_problems(scenario, files: dict[str, Path]) -> list:
    """One problem per missing plan file, saying where it should be and what it holds."""
    from sim.format.problems import Problem

    line = _line_of_id(scenario.path)
    return [Problem(scenario.path, line, 1, "id",
                    f"calibration needs the {kind} plan file {path} (named by the scenario's id "
                    f"'{scenario.id}'), and it does not exist. A plan file has the fields of doctrine_plan "
                    f"(name, description, orders, decisions) at its top level; the {kind} plan: "
                    f"{PLAN_FILE_HOLDS[kind]}. See 'doctrine_plan and plan files' in scenarios/README.md")
            for kind, path in files.items() if not path.exists()]


def _line_of_id(path: str) -> int:
    """The line of the scenario's top-level `id:`, which names its plan files."""
    try:
        with open(path, encoding="utf-8") as handle:
            return next((i for i, text in enumerate(handle, 1) if text.startswith("id:")), 1)
    except OSError:
        return 1


def _summarise_runs(jobs: list, *_where) -> list[dict]:
    """In a worker: run each job and keep only what calibration needs."""
    out = []
    for job in jobs:
        exercise = _run(*job)
        result = evaluate(exercise.scenario.spec, exercise.events)
        facts = result["facts"]
        out.append({"seed": job[2], "overall": result["overall"]["score"], "rating": result["overall"]["rating"],
                    "scores": result["scores"],
                    "bad": {name: bool(facts[key]) for name, key in BAD_OUTCOMES.items()}})
    return out


@dataclass
class PlanResult:
    name: str
    runs: list[dict] = field(default_factory=list)

    def overall(self) -> np.ndarray:
        return np.array([r["overall"] for r in self.runs])

    @property
    def mean(self) -> float:
        return float(self.overall().mean())

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.overall(), q))

    def share(self, outcome: str) -> float:
        return sum(r["bad"][outcome] for r in self.runs) / len(self.runs)

    @property
    def below_p(self) -> float:
        return sum(r["rating"] != "P" for r in self.runs) / len(self.runs)

    @property
    def harm_or_hostage(self) -> float:
        return sum(r["bad"]["victim harmed"] or r["bad"]["hostage taken"] for r in self.runs) / len(self.runs)

    def sd(self, metric: str) -> Optional[float]:
        """None where the metric applies to no run (the joint-only metrics, solo)."""
        values = [r["scores"][metric] for r in self.runs if r["scores"].get(metric) is not None]
        return float(np.std(values)) if values else None


def calibrate(scenario, plans: dict[str, Plan], *, runs: int, first_seed: int = 0, workers: Optional[int] = None,
              progress: Optional[Callable[[str, int, int], None]] = None) -> dict[str, PlanResult]:
    """Each plan over seeds first_seed..first_seed+runs-1 (the same seeds for every plan)."""
    import json

    workers = workers or os.cpu_count() or 1
    results = {}
    for kind, plan in plans.items():
        result = results[kind] = PlanResult(plan.name)
        plan_json = json.dumps(plan.model_dump(mode="json", exclude_none=True), sort_keys=True)
        jobs = [(scenario.path, plan_json, seed, None) for seed in range(first_seed, first_seed + runs)]

        def keep(summary: dict, result=result, kind=kind) -> None:
            result.runs.append(summary)
            if progress is not None:
                progress(kind, len(result.runs), runs)

        if workers == 1 or runs < 8:
            queue = iter(jobs)
            while chunk := _take(queue, 8):
                for summary in _summarise_runs(chunk):
                    keep(summary)
        else:
            per_task = max(1, min(16, runs // (workers * 4)))
            _run_on_pool(jobs, workers, per_task, scenario.path, keep, (), task=_summarise_runs)
        result.runs.sort(key=lambda r: r["seed"])
    return results


def targets_met(results: dict[str, PlanResult], steady: Optional[dict] = None) -> list[tuple[str, bool]]:
    """The targets for a shipped scenario, each with whether it holds; `steady` are the
    metrics the scenario says do not vary, and why."""
    steady = steady or {}
    reckless, cautious, doctrine = (results[k] for k in PLAN_KINDS)
    metrics = sorted(doctrine.runs[0]["scores"]) if doctrine.runs else []
    # a metric that applies under no plan (joint-only, in solo runs) has no s.d. at all
    applicable = [m for m in metrics if any(results[k].sd(m) is not None for k in PLAN_KINDS)]
    flat = [m for m in applicable if all(results[k].sd(m) in (0, None) for k in PLAN_KINDS) and m not in steady]
    said = [f"{m} ({why})" for m, why in steady.items()]
    return [
        ("doctrine beats reckless", doctrine.mean > reckless.mean),
        ("doctrine beats cautious-but-slow", doctrine.mean > cautious.mean),
        (f"reckless harms a victim or ends in a hostage in 10-40% of runs ({reckless.harm_or_hostage:.1%})",
         0.10 <= reckless.harm_or_hostage <= 0.40),
        (f"doctrine is not flawless: {doctrine.below_p:.1%} of runs below P", doctrine.below_p > 0),
        ("no metric has s.d. 0 under every plan" + (f" (flat: {', '.join(flat)})" if flat else "")
         + (f"; steady, as the scenario says: {'; '.join(said)}" if said else ""), not flat),
    ]


def table(results: dict[str, PlanResult]) -> str:
    heads = ["plan", "mean", "p5", "p95", "below P"] + list(BAD_OUTCOMES)
    rows = [heads]
    for kind in PLAN_KINDS:
        r = results[kind]
        rows.append([f"{kind} ({r.name})", f"{r.mean:.3f}", f"{r.percentile(5):.3f}", f"{r.percentile(95):.3f}",
                     f"{r.below_p:.1%}"] + [f"{r.share(o):.1%}" for o in BAD_OUTCOMES])
    widths = [max(len(row[i]) for row in rows) for i in range(len(heads))]
    return "\n".join("  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths)))
                     for row in rows)


class Bar:
    """Progress on stderr: one line per plan, rewritten as runs finish."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.start = time.monotonic()

    def __call__(self, kind: str, done: int, total: int) -> None:
        if not self.enabled or (done % 25 and done != total):
            return
        rate = done / max(1e-9, time.monotonic() - self.start)
        sys.stderr.write(f"\r  {kind:<9} {done:5d}/{total}  {rate:6.1f} runs/s ")
        if done == total:
            sys.stderr.write("\n")
            self.start = time.monotonic()
        sys.stderr.flush()
