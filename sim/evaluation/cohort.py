"""The cohort view of a scenario: every trainee who played it, each one's luck-adjusted score
(their choices replayed on the same seeds, with a confidence interval), a ranking with
paired tests that says plainly where two trainees cannot be told apart, and for each
decision point how the trainees chose and what each option cost on average."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from . import record as records
from .skill import SkillReport, _scores, policy_from_record, skill
from .stats import Paired, Summary, bootstrap_ci, paired_test, p_text, summarise
from .store import Store


@dataclass
class Member:
    trainee: str
    run: dict
    played_score: float
    summary: Summary
    bootstrap: tuple[float, float]
    scores: list[float]
    choices: dict[str, str]
    skill: SkillReport


@dataclass
class Pair:
    better: str
    worse: str
    test: Paired  # better - worse

    @property
    def distinct(self) -> bool:
        return self.test.significant


@dataclass
class OptionCost:
    option: str
    chosen_by: list[str]
    mean_cost: Optional[float]  # mean score lost against doctrine's option (0 for doctrine's own)
    doctrine: bool


@dataclass
class DecisionView:
    id: str
    prompt: str
    options: list[OptionCost]


@dataclass
class Cohort:
    scenario: str
    runs: int
    first_seed: int
    members: list[Member]
    pairs: list[Pair]
    decisions: list[DecisionView]
    doctrine: Summary
    skipped: list[str] = field(default_factory=list)


def cohort(store: Store, scenario, *, runs: int = 100, first_seed: int = 0,
           workers: Optional[int] = None, progress: bool = False) -> Cohort:
    spec = scenario.spec
    latest: dict[str, dict] = {}
    for row in store.runs(scenario=spec.id, kind="trainee"):
        if row["scenario_sha256"] == scenario.sha256 and row["source"] in ("played", "headless"):
            latest[row["trainee"]] = row  # in the order stored: the last is the latest
    members, skipped = [], []
    for trainee, row in sorted(latest.items()):
        path = row.get("record_path")
        if not path or not Path(path).exists():
            skipped.append(f"{trainee}: run record {path!r} not found")
            continue
        record = records.load(path)
        report = skill(scenario, record, runs=runs, first_seed=first_seed, store=store, workers=workers,
                       progress=progress)
        by_seed = _scores(scenario, policy_from_record(record), runs, first_seed, store, workers, None, False,
                          kind="policy")
        scores = [by_seed[s] for s in range(first_seed, first_seed + runs)]
        choices = {d: v["option"] for d, v in record.get("decisions", {}).items()}
        members.append(Member(trainee, row, row["overall_score"], report.trainee, bootstrap_ci(scores), scores,
                              choices, report))
    members.sort(key=lambda m: -m.summary.mean)
    pairs = []
    for a, b in itertools.combinations(members, 2):
        pairs.append(Pair(a.trainee, b.trainee, paired_test(a.scores, b.scores)))
    doctrine_by = _scores(scenario, spec.doctrine_plan, runs, first_seed, store, workers, None, False, kind="doctrine")
    doctrine = summarise([doctrine_by[s] for s in range(first_seed, first_seed + runs)])
    decisions = []
    for decision in spec.decisions:
        best = spec.doctrine_plan.decisions.get(decision.id, decision.default)
        views = []
        for option in decision.options:
            who = [m.trainee for m in members if m.choices.get(decision.id) == option.id]
            costs = [c.cost for m in members if m.trainee in who for c in m.skill.costs if c.decision == decision.id]
            mean = 0.0 if option.id == best and who else (sum(costs) / len(costs) if costs else None)
            views.append(OptionCost(option.id, who, mean, option.id == best))
        decisions.append(DecisionView(decision.id, decision.prompt, views))
    return Cohort(spec.id, runs, first_seed, members, pairs, decisions, doctrine, skipped)


def ranking_lines(c: Cohort) -> list[str]:
    """The ranking in words: neighbours that differ, and those that cannot be told apart."""
    out = []
    test_of = {(p.better, p.worse): p for p in c.pairs}
    for a, b in zip(c.members, c.members[1:]):
        p = test_of[(a.trainee, b.trainee)]
        if p.distinct:
            out.append(f"{a.trainee} scores higher than {b.trainee} by {p.test.mean_difference:+.3f} "
                       f"(95% CI {p.test.ci_low:+.3f} to {p.test.ci_high:+.3f}, {p_text(p.test.p_value)}): a real difference")
        else:
            out.append(f"{a.trainee} and {b.trainee} cannot be told apart: the difference {p.test.mean_difference:+.3f} "
                       f"(95% CI {p.test.ci_low:+.3f} to {p.test.ci_high:+.3f}, {p_text(p.test.p_value)}) is within luck")
    return out


def text(c: Cohort) -> str:
    lines = [f"{c.scenario}: {len(c.members)} trainee{'s' if len(c.members) != 1 else ''}, each one's choices "
             f"replayed on seeds {c.first_seed}..{c.first_seed + c.runs - 1} (common random numbers)", ""]
    width = max([7] + [len(m.trainee) for m in c.members]) + 2
    lines.append(f"{'rank':<5}{'trainee':<{width}}{'expected':>9}{'95% CI (t)':>20}{'bootstrap CI':>20}{'played':>8}")
    for i, m in enumerate(c.members, 1):
        s = m.summary
        lines.append(f"{i:<5}{m.trainee:<{width}}{s.mean:9.3f}{s.ci_low:>10.3f} to {s.ci_high:.3f}"
                     f"{m.bootstrap[0]:>10.3f} to {m.bootstrap[1]:.3f}{m.played_score:8.3f}")
    lines.append(f"{'':<5}{'doctrine (reference)':<{width}}{c.doctrine.mean:9.3f}"
                 f"{c.doctrine.ci_low:>10.3f} to {c.doctrine.ci_high:.3f}")
    if len(c.members) > 1:
        lines += ["", "Ranking (paired tests on the common seeds; p < 0.05 counts as a difference)"]
        lines += [f"  {line}" for line in ranking_lines(c)]
        far = [p for p in c.pairs if (p.better, p.worse) not in
               {(a.trainee, b.trainee) for a, b in zip(c.members, c.members[1:])}]
        for p in far:
            verdict = "differ" if p.distinct else "cannot be told apart"
            lines.append(f"  {p.better} vs {p.worse}: {p.test.mean_difference:+.3f} ({p_text(p.test.p_value)}): {verdict}")
    lines += ["", "Decision points: how the trainees chose, and the mean score each option cost against doctrine's"]
    for d in c.decisions:
        lines.append(f"  {d.id}: {d.prompt}")
        for o in d.options:
            cost = ("-" if o.mean_cost is None else "0 (doctrine)" if o.doctrine else f"{o.mean_cost:+.3f}")
            who = ", ".join(o.chosen_by) or "nobody"
            lines.append(f"    {o.option:<18} cost {cost:<14} chosen by {who}")
    for note in c.skipped:
        lines.append(f"note: left out {note}")
    return "\n".join(lines)
