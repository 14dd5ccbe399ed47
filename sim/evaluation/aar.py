"""The after-action report and improvement plan (AAR/IP) for one trainee (or a team playing
under one name) in one exercise, in the shape exercise programmes publish: executive
summary; exercise overview; analysis of capabilities (target, rating, strengths, areas for
improvement with their root cause); improvement plan; appendices (timeline, luck-adjusted
score). Written as standalone HTML (jinja2) and as a Word document (sim/evaluation/aar_docx.py).

Only the trainee's own runs make the trainee's figures. The doctrine plan on the same seeds
and the counterfactual runs (the trainee's policy with one choice swapped) appear only as
reference: the comparison a score is read against, and the root causes.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from sim.engine.narrate import timeline
from sim.format.catalogue import RATINGS
from sim.format.problems import InputError, Problem
from .ratings import MET, clock
from .review import ReviewedRun, draft_plan, reviewed_run
from .skill import SkillReport
from .stats import p_text, summarise
from .store import Store

RATING_WORDS = dict(RATINGS)


@dataclass
class Finding:
    text: str
    t: Optional[float] = None
    root_cause: Optional[str] = None
    source: str = "draft"  # draft (from the guide) or the evaluator's name

    @property
    def when(self) -> str:
        return clock(self.t) if self.t is not None else ""


@dataclass
class TargetView:
    id: str
    target: str
    rating: str
    rating_words: str
    reason: str
    changed: Optional[str]  # "draft U; changed by NAME on DATE: reason" or None
    tasks: list[dict]


@dataclass
class CapabilityView:
    id: str
    name: str
    targets: list[TargetView]
    strengths: list[Finding] = field(default_factory=list)
    improvements: list[Finding] = field(default_factory=list)


@dataclass
class AfterAction:
    title: str
    scenario: dict[str, Any]
    trainee: str
    run: dict[str, Any]
    date: str
    agencies: list[dict[str, Any]]
    evaluators: list[str]
    summary: list[str]
    capabilities: list[CapabilityView]
    plan: list[dict[str, Any]]
    plan_reviewed: bool
    changed: list[str]
    timeline: list[str]
    luck: Optional[dict[str, Any]]
    other_runs: Optional[dict[str, Any]]
    general: list[Finding]
    generated: str


def _trainee_run(store: Store, scenario_id: str, trainee: str, record_path: Optional[str]) -> dict:
    runs = [r for r in store.runs(scenario=scenario_id, trainee=trainee) if r.get("kind") in ("played", "trainee_batch")]
    if record_path:
        runs = [r for r in runs if r.get("record_path") and Path(r["record_path"]).resolve() == Path(record_path).resolve()]
    if not runs:
        raise InputError([Problem(str(store.path), 1, 1, "--trainee", f"no run of '{trainee}' on scenario "
                                  f"'{scenario_id}' in the store" + (f" from {record_path}" if record_path else ""))])
    played = [r for r in runs if r["source"] in ("played", "headless")] or runs
    return played[-1]  # the latest exercise


def _root_cause(task, luck: Optional[SkillReport], decisions: dict) -> Optional[str]:
    if task.decision is None:
        return None
    made = decisions.get(task.decision)
    if made is None:
        return f"decision point {task.decision} did not open in this run"
    cost = next((c for c in (luck.costs if luck else []) if c.decision == task.decision), None)
    if cost is None:
        return (f"at {task.decision} the trainee chose {made['option']} ({made.get('how')}, {clock(made.get('t') or 0)}),"
                " as doctrine does: the cause lies elsewhere (see the timeline)")
    t = cost.test
    verdict = "a real cost" if t.significant and cost.cost > 0 else "no cost that can be told from chance" \
        if not t.significant else "no cost (doctrine's choice did no better)"
    return (f"at {task.decision} the trainee chose {cost.trainee_option} instead of doctrine's "
            f"{cost.doctrine_option} ({clock(made.get('t') or 0)}); over {t.n} seeds that choice cost "
            f"{cost.cost:+.3f} of the overall score (95% CI {t.ci_low:+.3f} to {t.ci_high:+.3f}, {p_text(t.p_value)}): "
            f"{verdict}")


def build(store: Store, scenario, trainee: str, *, luck: Optional[SkillReport] = None,
          record_path: Optional[str] = None) -> AfterAction:
    spec = scenario.spec
    if spec.evaluation_guide is None:
        raise InputError([Problem(str(scenario.path), 1, 1, "evaluation_guide", "the scenario has no evaluation "
                                  "guide: the after-action report rates its critical tasks")])
    run = _trainee_run(store, spec.id, trainee, record_path)
    events = store.events(run["id"])
    if not events:
        raise InputError([Problem(str(store.path), 1, 1, "", f"the run of '{trainee}' (seed {run['seed']}) was "
                                  "stored without its events; run or play it again")])
    reviewed: ReviewedRun = reviewed_run(store, spec, run, events)
    decisions = {e["subject"]: {"option": e.get("option"), "how": e.get("how"), "t": e["t"]}
                 for e in events if e["kind"] == "decision_made"}
    capabilities = []
    names = {c.id: c.name for c in spec.evaluation_guide.capabilities}
    for capability in spec.evaluation_guide.capabilities:
        view = CapabilityView(capability.id, capability.name, [])
        for target in [t for t in reviewed.targets if t.capability == capability.id]:
            v = reviewed.verdicts[target.id]
            changed = (f"draft {v.draft}; changed by {v.evaluator} on {v.at[:10]}: {v.reason}" if v.changed else
                       f"draft {v.draft}; re-rated from its tasks as reviewed" if v.rederived else None)
            tasks = []
            for task in target.tasks:
                tv = reviewed.verdicts[task.id]
                tasks.append({"id": task.id, "task": task.task, "rating": task.rating, "reason": task.reason,
                              "evidence": [str(e) for e in task.evidence[:8]], "weight": task.weight,
                              "changed": (f"draft {tv.draft}; {tv.evaluator}: {tv.reason}" if tv.changed else None)})
                source = tv.evaluator if tv.changed else "draft"
                first_t = task.evidence[0].t if task.evidence else None
                if task.rating == MET:
                    view.strengths.append(Finding(f"{task.task} ({task.reason}).", first_t, None, source))
                else:
                    view.improvements.append(Finding(f"{task.task}: {task.rating} ({task.reason}).", first_t,
                                                     _root_cause(task, luck, decisions), source))
            view.targets.append(TargetView(target.id, target.target, target.rating,
                                           RATING_WORDS.get(target.rating, target.rating), target.reason, changed, tasks))
        for o in reviewed.observations:
            if o["capability"] == capability.id:
                finding = Finding(o["text"], o["t"], None, o["evaluator"])
                (view.strengths if o["kind"] == "strength" else view.improvements).insert(0, finding)
        capabilities.append(view)
    general = [Finding(f"{o['kind'].capitalize()}: {o['text']}", o["t"], None, o["evaluator"])
               for o in reviewed.observations if o["capability"] is None]
    plan = reviewed.plan or draft_plan(reviewed, spec)
    agency_names = {a.id: a.name for a in spec.agencies}
    for item in plan:
        item["agency_name"] = agency_names.get(item.get("agency"), item.get("agency") or "")
        item["capability_name"] = names.get(item.get("capability"), item.get("capability") or "")
    agencies = []
    for agency in spec.agencies:
        units = [u for u in spec.units if u.agency == agency.id]
        agencies.append({"name": agency.name, "country": agency.country,
                         "units": ", ".join(f"{u.name} ({u.size})" for u in units) or "none",
                         "lead": agency.id == spec.lead_agency})
    evaluators = sorted({r["evaluator"] for r in store.reviews(run["id"])} |
                        {o["evaluator"] for o in reviewed.observations} |
                        {p["evaluator"] for p in reviewed.plan if p.get("evaluator") != "(draft)"})
    date = "unknown"
    if run.get("record_path") and Path(run["record_path"]).exists():
        date = _dt.datetime.fromtimestamp(Path(run["record_path"]).stat().st_mtime, _dt.timezone.utc).strftime("%Y-%m-%d")
    ratings = [t.rating for c in capabilities for t in c.targets]
    counts = ", ".join(f"{ratings.count(k)} {k}" for k in "PSMU" if ratings.count(k))
    changed = [f"{v.item}: {v.draft} -> {v.rating} ({v.evaluator}: {v.reason})" for v in reviewed.changed]
    summary = [f"{trainee} led the joint operation of scenario '{spec.title}' (seed {run['seed']}). "
               f"Of {len(ratings)} capability targets, {counts}; overall score {run['overall_score']:.3f} "
               f"({run['overall_rating']})."]
    luck_view = None
    if luck is not None:
        d = luck.difference
        summary.append(f"Luck-adjusted: the trainee's choices, replayed on {luck.runs} seeds, score "
                       f"{luck.trainee.mean:.3f} on average (95% CI {luck.trainee.ci_low:.3f} to {luck.trainee.ci_high:.3f}); "
                       f"the doctrine plan on the same seeds, for reference, {luck.doctrine.mean:.3f}. The difference "
                       f"({d.mean_difference:+.3f}, {p_text(d.p_value)}) is "
                       f"{'larger than luck explains' if d.significant else 'within what luck explains'}.")
        if luck.costs and luck.costs[0].cost > 0:
            c = luck.costs[0]
            summary.append(f"The costliest choice: {c.decision}, {c.trainee_option} instead of {c.doctrine_option} "
                           f"({c.cost:+.3f} on average).")
        luck_view = {"runs": luck.runs, "trainee": luck.trainee, "doctrine": luck.doctrine, "difference": d,
                     "costs": luck.costs,
                     "played": run["overall_score"]}
    weak = [t for c in capabilities for t in c.targets if t.rating in ("M", "U")]
    if weak:
        summary.append("Priorities for improvement: " + "; ".join(f"{t.target} ({t.rating})" for t in weak[:3]) + ".")
    if changed:
        summary.append(f"{len(changed)} draft rating{'s were' if len(changed) != 1 else ' was'} changed in review "
                       "(marked in the analysis).")
    own = [r for r in store.runs(scenario=spec.id, trainee=trainee) if r.get("kind") in ("played", "trainee_batch")]
    other_runs = None
    if len(own) > 1:
        s = summarise([r["overall_score"] for r in own])
        other_runs = {"n": s.n, "mean": s.mean, "low": s.ci_low, "high": s.ci_high}
    return AfterAction(
        title=f"After-action report and improvement plan: {spec.title}",
        scenario={"id": spec.id, "title": spec.title, "version": spec.version, "summary": spec.summary,
                  "difficulty": spec.difficulty, "objectives": list(spec.briefing.objectives)},
        trainee=trainee, run=run, date=date, agencies=agencies, evaluators=evaluators, summary=summary,
        capabilities=capabilities, plan=plan, plan_reviewed=bool(reviewed.plan), changed=changed,
        timeline=timeline(events, spec), luck=luck_view, other_runs=other_runs, general=general,
        generated=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )


def html(aar: AfterAction) -> str:
    from .templates import render
    return render("aar.html.j2", aar=aar, ratings=RATING_WORDS)
