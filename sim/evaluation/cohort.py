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
from . import reference
from .compare import _per_seed_means
from .reference import Difference, verdict
from .skill import SkillReport, _scores, skill
from .stats import Paired, Summary, bootstrap_ci, paired_test, p_text, summarise
from .store import Store


@dataclass
class Member:
    trainee: str
    run: Optional[dict]  # their latest played run; None when they have only batch runs
    played_score: Optional[float]
    summary: Summary
    bootstrap: tuple[float, float]
    by_seed: dict[int, float]
    choices: dict[str, str]
    skill: Optional[SkillReport]
    against: Optional[Difference]  # against the reference (reference.py), on the cohort's seeds
    note: str = ""
    capabilities: dict[str, float] = field(default_factory=dict)  # capability id -> mean score over the seeds

    @property
    def scores(self) -> list[float]:
        return list(self.by_seed.values())


@dataclass
class Pair:
    better: str
    worse: str
    test: Paired  # better - worse, on the seeds both have

    @property
    def distinct(self) -> bool:
        return verdict(self.test) == "larger than luck explains"


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
    names: dict[str, str] = field(default_factory=dict)  # decision and option ids -> words
    capability_names: dict[str, str] = field(default_factory=dict)


def cohort(store: Store, scenario, *, runs: int = 100, first_seed: int = 0,
           workers: Optional[int] = None, progress: bool = False) -> Cohort:
    """Every trainee with runs of this version of the scenario. A trainee who played has their
    latest run's choices replayed on the cohort's seeds first; one with only batch runs counts
    the batch runs that fall on those seeds, and the table says so."""
    spec = scenario.spec
    seeds = range(first_seed, first_seed + runs)
    trainees = sorted({r["trainee"] for r in reference.rows(store, scenario, reference.TRAINEE_ROLES) if r["trainee"]})
    # the reference first: a trainee with only batch runs is compared with it too
    _scores(scenario, spec.doctrine_plan, runs, first_seed, store, workers, None, False, kind="doctrine")
    members, skipped = [], []
    for trainee in trainees:
        played = [r for r in reference.rows(store, scenario, ("played",), trainee=trainee)]
        row = played[-1] if played else None
        record, report, note = None, None, ""
        if row is not None:
            path = row.get("record_path")
            if path and Path(path).exists():
                record = records.load(path)
                report = skill(scenario, record, runs=runs, first_seed=first_seed, store=store, workers=workers,
                               progress=progress)
            else:
                note = f"run record {path!r} not found: their stored runs only"
        by_seed = {s: v for s, v in reference.trainee_scores(store, scenario, trainee).items() if s in seeds}
        if not by_seed:
            skipped.append(f"{trainee}: no run on seeds {first_seed}..{first_seed + runs - 1}")
            continue
        if row is None:
            note = f"batch runs only ({len(by_seed)} of the {runs} seeds)"
        elif len(by_seed) < runs:
            note = note or f"{len(by_seed)} of the {runs} seeds"
        choices = {d: v["option"] for d, v in (record or {}).get("decisions", {}).items()}
        values = list(by_seed.values())
        runs_here = [r for r in reference.rows(store, scenario, reference.TRAINEE_ROLES, trainee=trainee)
                     if r["seed"] in seeds]
        ratings = store.capability_ratings([r["id"] for r in runs_here])
        caps = _per_seed_means(runs_here, {i: {c: v[0] for c, v in d.items()} for i, d in ratings.items()})
        members.append(Member(trainee, row, row["overall_score"] if row else None, summarise(values),
                              bootstrap_ci(values), by_seed, choices, report,
                              reference.against_reference(store, scenario, by_seed, seeds), note, caps))
    members.sort(key=lambda m: -m.summary.mean)
    pairs = []
    for a, b in itertools.combinations(members, 2):
        common = sorted(set(a.by_seed) & set(b.by_seed))
        pairs.append(Pair(a.trainee, b.trainee, paired_test([a.by_seed[s] for s in common],
                                                            [b.by_seed[s] for s in common])))
    doctrine = summarise([v for s, v in reference.reference_scores(store, scenario).items() if s in seeds])
    decisions = []
    for decision in spec.decisions:
        best = spec.doctrine_plan.decisions.get(decision.id, decision.default)
        views = []
        for option in decision.options:
            who = [m.trainee for m in members if m.choices.get(decision.id) == option.id]
            costs = [c.cost for m in members if m.trainee in who and m.skill
                     for c in m.skill.costs if c.decision == decision.id]
            mean = 0.0 if option.id == best and who else (sum(costs) / len(costs) if costs else None)
            views.append(OptionCost(option.id, who, mean, option.id == best))
        decisions.append(DecisionView(decision.id, decision.prompt, views))
    names = {f"{d.id}.{o.id}": o.label for d in spec.decisions for o in d.options}
    return Cohort(spec.id, runs, first_seed, members, pairs, decisions, doctrine, skipped, names,
                  {cap.id: cap.name for cap in spec.scored_capabilities})


def ranking_lines(c: Cohort) -> list[str]:
    """The ranking in words: neighbours that differ, and those that cannot be told apart. The
    verdict follows the interval: a difference is real only when its 95% CI leaves out zero."""
    out = []
    test_of = {(p.better, p.worse): p for p in c.pairs}
    for a, b in zip(c.members, c.members[1:]):
        p = test_of[(a.trainee, b.trainee)]
        t = p.test
        ci = f"95% CI {t.ci_low:+.3f} to {t.ci_high:+.3f}, {p_text(t.p_value)}, {t.n} common seeds"
        word = verdict(t)
        if word == "larger than luck explains":
            out.append(f"{a.trainee} scores higher than {b.trainee} by {t.mean_difference:+.3f} ({ci}): a real difference")
        elif word == "too few seeds to tell":
            out.append(f"{a.trainee} and {b.trainee}: too few common seeds to tell them apart ({t.n})")
        else:
            out.append(f"{a.trainee} and {b.trainee} cannot be told apart: the difference {t.mean_difference:+.3f} "
                       f"({ci}) is within luck")
    return out


def text(c: Cohort) -> str:
    from .reference import REFERENCE_NAME, TRAINEE_ROLES, roles_text
    lines = [f"{c.scenario}: {len(c.members)} trainee{'s' if len(c.members) != 1 else ''} on seeds "
             f"{c.first_seed}..{c.first_seed + c.runs - 1} (common random numbers); counts {roles_text(TRAINEE_ROLES)}; "
             f"'vs reference' is the paired difference from the doctrine plan on the same seeds", ""]
    # whole names: the column is as wide as the longest name
    width = max([len("trainee")] + [len(m.trainee) for m in c.members] + [len(REFERENCE_NAME)]) + 2
    lines.append(f"{'rank':<5}{'trainee':<{width}}{'seeds':>6}{'expected':>9}{'95% CI (t)':>20}{'bootstrap CI':>20}"
                 f"{'played':>8}{'vs reference':>14}")
    for i, m in enumerate(c.members, 1):
        s = m.summary
        played = f"{m.played_score:8.3f}" if m.played_score is not None else f"{'-':>8}"
        vs = f"{m.against.value:+14.3f}" if m.against else f"{'-':>14}"
        lines.append(f"{i:<5}{m.trainee:<{width}}{s.n:6d}{s.mean:9.3f}{s.ci_low:>10.3f} to {s.ci_high:.3f}"
                     f"{m.bootstrap[0]:>10.3f} to {m.bootstrap[1]:.3f}{played}{vs}")
    lines.append(f"{'':<5}{REFERENCE_NAME:<{width}}{c.doctrine.n:6d}{c.doctrine.mean:9.3f}"
                 f"{c.doctrine.ci_low:>10.3f} to {c.doctrine.ci_high:.3f}")
    notes = [f"  {m.trainee}: {m.note}" for m in c.members if m.note]
    if notes:
        lines += ["", "Notes"] + notes
    if c.capability_names and any(m.capabilities for m in c.members):
        lines += ["", "Capabilities (mean score over the seeds)"]
        for m in c.members:
            lines.append(f"  {m.trainee}")
            lines.append("    " + "; ".join(f"{name} {m.capabilities[cid]:.2f}" for cid, name in c.capability_names.items()
                                            if cid in m.capabilities))
    lines += ["", "Against the reference (paired, same seeds; the verdict follows the 95% CI)"]
    for m in c.members:
        if m.against:
            lines.append(f"  {m.trainee}: {m.against.text()}: {m.against.verdict}")
    if len(c.members) > 1:
        lines += ["", "Ranking (paired on the common seeds; a difference is real when its 95% CI leaves out zero)"]
        lines += [f"  {line}" for line in ranking_lines(c)]
        far = [p for p in c.pairs if (p.better, p.worse) not in
               {(a.trainee, b.trainee) for a, b in zip(c.members, c.members[1:])}]
        for p in far:
            lines.append(f"  {p.better} vs {p.worse}: {p.test.mean_difference:+.3f} ({p_text(p.test.p_value)}): "
                         f"{verdict(p.test)}")
    lines += ["", "Decision points: how the trainees chose, and the mean score each option cost against doctrine's"]
    for d in c.decisions:
        lines.append(f"  {d.prompt}")
        labels = {o.option: c.names.get(f"{d.id}.{o.option}", o.option) for o in d.options}
        width = max(len(label) for label in labels.values()) + 2
        for o in d.options:
            cost = ("-" if o.mean_cost is None else "0 (doctrine)" if o.doctrine else f"{o.mean_cost:+.3f}")
            who = ", ".join(o.chosen_by) or "nobody"
            lines.append(f"    {labels[o.option]:<{width}}cost {cost:<14} chosen by {who}")
    for note in c.skipped:
        lines.append(f"note: left out {note}")
    return "\n".join(lines)
