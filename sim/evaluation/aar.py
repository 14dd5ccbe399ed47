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
from .reference import verdict as reference_verdict
from .review import ReviewedRun, draft_plan, reviewed_run
from .skill import SkillReport
from .stats import p_text, summarise
from .store import Store
from .team_aar import humans_of, seat_sections, team_html, with_team

RATING_WORDS = dict(RATINGS)


@dataclass
class Finding:
    """A strength or an area for improvement, as the HSEEP template writes it: the observation,
    the reference it is judged against, the analysis, and (for an area) the root cause."""
    text: str  # the observation
    t: Optional[float] = None
    root_cause: Optional[str] = None
    source: str = "draft"  # draft (from the guide and the event log) or the evaluator's name
    reference: Optional[str] = None
    analysis: Optional[str] = None

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
    draft: str = ""  # its draft rating (from its metrics) and score
    score: float = 0.0
    rating: str = ""  # after review
    how: str = ""  # how the reviewed rating came about


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
    team: str = ""  # a joint run's section per seat (sim/evaluation/team_aar.py), HTML
    team_sections: list = field(default_factory=list)  # the same, for the Word document
    exercise: list[tuple[str, str]] = field(default_factory=list)  # the overview's HSEEP facts
    overall_draft: tuple[float, str] = (0.0, "U")
    overall: tuple[float, str] = (0.0, "U")
    chart: Optional[bytes] = None  # PNG: each capability's draft and reviewed rating
    # further sections another part of the program adds (a joint run's seats, say): each a
    # dict with 'title' and 'paragraphs', shown after the analysis of capabilities
    sections: list[dict[str, Any]] = field(default_factory=list)

    @property
    def chart_uri(self) -> Optional[str]:
        import base64
        return "data:image/png;base64," + base64.b64encode(self.chart).decode() if self.chart else None


def _trainee_run(store: Store, scenario_id: str, trainee: str, record_path: Optional[str]) -> dict:
    runs = [r for r in store.runs(scenario=scenario_id, trainee=trainee) if r.get("kind") in ("played", "trainee_batch")]
    if record_path:
        runs = [r for r in runs if r.get("record_path") and Path(r["record_path"]).resolve() == Path(record_path).resolve()]
    if not runs:
        raise InputError([Problem(str(store.path), 1, 1, "--trainee", f"no run of '{trainee}' on scenario "
                                  f"'{scenario_id}' in the store" + (f" from {record_path}" if record_path else ""))])
    played = [r for r in runs if r["source"] in ("played", "headless")] or runs
    return played[-1]  # the latest exercise


def _root_cause(task, luck: Optional[SkillReport], decisions: dict, spec, events: list[dict]) -> Optional[str]:
    """What the event log says caused it (causes.py), and what the decision it hangs on cost."""
    from .causes import causes_for_task
    parts = [c.text for c in causes_for_task(task, events, spec)[:2]]
    if task.decision is not None:
        prompts = {d.id: d for d in spec.decisions}
        decision = prompts.get(task.decision)
        label = (lambda option: next((o.label for o in decision.options if o.id == option), option)) if decision \
            else (lambda option: option)
        made = decisions.get(task.decision)
        cost = next((c for c in (luck.costs if luck else []) if c.decision == task.decision), None)
        if made is None:
            parts.append(f"the decision '{decision.prompt if decision else task.decision}' did not come up in this run")
        elif cost is not None:
            t = cost.test
            verdict = reference_verdict(t)
            parts.append(f"the trainee chose '{label(cost.trainee_option)}' instead of doctrine's "
                         f"'{label(cost.doctrine_option)}' ({clock(made.get('t') or 0)}); over {t.n} seeds that choice "
                         f"cost {cost.cost:+.3f} of the overall score (95% CI {t.ci_low:+.3f} to {t.ci_high:+.3f}): "
                         f"{'a real cost' if verdict == 'larger than luck explains' and cost.cost > 0 else verdict}")
        elif not parts:
            parts.append(f"the trainee chose '{label(made['option'])}' ({made.get('how')}, {clock(made.get('t') or 0)}), "
                         "as doctrine does: the cause lies elsewhere (see the timeline)")
    return "; ".join(parts) or None


def _capability_chart(capabilities: list[CapabilityView]) -> bytes:
    """Each capability's score, coloured by its reviewed rating, with the draft rating marked."""
    import io
    import textwrap
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    colours = {"P": "#009e73", "S": "#56b4e9", "M": "#e69f00", "U": "#d55e00"}
    hatches = {"P": "", "S": "//", "M": "..", "U": "xx"}  # not colour alone
    fig, ax = plt.subplots(figsize=(7.5, 0.5 * len(capabilities) + 1.2))
    names = ["\n".join(textwrap.wrap(c.name, 30)) for c in capabilities][::-1]
    caps = capabilities[::-1]
    ax.barh(range(len(caps)), [c.score for c in caps], color=[colours[c.rating] for c in caps],
            hatch=None, edgecolor="black", linewidth=0.5)
    for i, c in enumerate(caps):
        ax.patches[i].set_hatch(hatches[c.rating])
        label = c.rating if c.rating == c.draft else f"{c.rating} (draft {c.draft})"
        ax.text(c.score + 0.01, i, label, va="center", fontsize=8)
    ax.set_yticks(range(len(caps)), names, fontsize=8)
    ax.set_xlim(0, 1.3)
    ax.set_xlabel("capability score from its metrics (0-1); label: reviewed rating")
    ax.set_title("Capabilities: score and rating")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def build(store: Store, scenario, trainee: str, *, luck: Optional[SkillReport] = None,
          record_path: Optional[str] = None) -> AfterAction:
    from sim.engine.narrate import names_of
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
    references = {k.id: k.reference for c in spec.evaluation_guide.capabilities for t in c.targets for k in t.tasks}
    capability_verdicts = {c.id: c for c in reviewed.capabilities}
    capabilities = []
    names = {c.id: c.name for c in spec.evaluation_guide.capabilities}
    for capability in spec.evaluation_guide.capabilities:
        verdict = capability_verdicts.get(capability.id)
        view = CapabilityView(capability.id, capability.name, [])
        if verdict is not None:
            view.draft, view.score, view.rating = verdict.draft, verdict.draft_score, verdict.rating
            view.how = {"draft": "as drafted from its metrics",
                        "evaluator": (f"rated by {verdict.evaluator}: {verdict.reason}" if verdict.reason else
                                      f"confirmed by {verdict.evaluator}" if verdict.rating == verdict.draft else
                                      f"rated by {verdict.evaluator}"),
                        "targets": verdict.reason}[verdict.how]
        for target in [t for t in reviewed.targets if t.capability == capability.id]:
            v = reviewed.verdicts[target.id]
            changed = (f"draft {v.draft}; changed by {v.evaluator} on {v.at[:10]}: {v.reason}" if v.changed else
                       f"draft {v.draft}; re-rated from its tasks as reviewed" if v.rederived else None)
            tasks = []
            for task in target.tasks:
                tv = reviewed.verdicts[task.id]
                tasks.append({"id": task.id, "task": task.task, "rating": task.rating, "reason": task.reason,
                              "evidence": [str(e) for e in task.evidence[:8]], "weight": task.weight,
                              "reference": references.get(task.id),
                              "changed": (f"draft {tv.draft}; {tv.evaluator}: {tv.reason}" if tv.changed else None)})
                source = tv.evaluator if tv.changed else "draft"
                first_t = task.evidence[0].t if task.evidence else None
                observation = task.task + (": " + "; ".join(str(e) for e in task.evidence[:3]) if task.evidence else "")
                if task.rating == MET:
                    view.strengths.append(Finding(observation, first_t, None, source, references.get(task.id),
                                                  f"met: {task.reason}"))
                else:
                    view.improvements.append(Finding(observation, first_t,
                                                     _root_cause(task, luck, decisions, spec, events), source,
                                                     references.get(task.id), f"{task.rating}: {task.reason}"))
            view.targets.append(TargetView(target.id, target.target, target.rating,
                                           RATING_WORDS.get(target.rating, target.rating), target.reason, changed, tasks))
        for o in reviewed.observations:
            if o["capability"] == capability.id:
                finding = Finding(o["text"], o["t"], None, o["evaluator"], None, "the evaluator's observation")
                (view.strengths if o["kind"] == "strength" else view.improvements).insert(0, finding)
        capabilities.append(view)
    general = [Finding(f"{o['kind'].capitalize()}: {o['text']}", o["t"], None, o["evaluator"])
               for o in reviewed.observations if o["capability"] is None]
    plan = reviewed.plan or [{**p, "evaluator": None} for p in draft_plan(reviewed, spec, events)]
    agency_names = {a.id: a.name for a in spec.agencies}
    for item in plan:
        item["agency_name"] = agency_names.get(item.get("agency"), item.get("agency") or "")
        item["capability_name"] = names.get(item.get("capability"), item.get("capability") or "")
        item["accepted_by"] = item.get("evaluator") if item.get("evaluator") not in (None, "(draft)") else ""
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
    scored = [c for c in capabilities if c.rating]
    ratings = [c.rating for c in scored]
    counts = ", ".join(f"{ratings.count(k)} {k}" for k in "PSMU" if ratings.count(k))
    changed = [f"{v.item}: {v.draft} -> {v.rating} ({v.evaluator}: {v.reason})" for v in reviewed.changed]
    changed += [f"{c.name}: {c.draft} -> {c.rating} ({c.how})" for c in capabilities if c.rating and c.rating != c.draft]
    (ds, dr), (rs, rr) = reviewed.overall_draft, reviewed.overall
    overall_words = (f"overall score {ds:.3f} ({dr})" if (ds, dr) == (rs, rr) else
                     f"overall score {rs:.3f} ({rr}) after review (draft {ds:.3f}, {dr})")
    summary = [f"{trainee} led the joint operation of scenario '{spec.title}' (seed {run['seed']}). "
               f"Of {len(scored)} capabilities, {counts}; {overall_words}."]
    luck_view = None
    option_label = {(d.id, o.id): o.label for d in spec.decisions for o in d.options}
    prompt = {d.id: d.prompt for d in spec.decisions}
    if luck is not None:
        d = luck.difference
        summary.append(f"Luck-adjusted: the trainee's choices, replayed on {luck.runs} seeds, score "
                       f"{luck.trainee.mean:.3f} on average (95% CI {luck.trainee.ci_low:.3f} to {luck.trainee.ci_high:.3f}); "
                       f"the doctrine plan on the same seeds, for reference, {luck.doctrine.mean:.3f}. Against the "
                       f"reference ({d.mean_difference:+.3f}, {p_text(d.p_value)}; 95% CI {d.ci_low:+.3f} to "
                       f"{d.ci_high:+.3f}) the difference is {reference_verdict(d)}.")
        if luck.costs and luck.costs[0].cost > 0:
            c = luck.costs[0]
            summary.append(f"The costliest choice: at '{prompt.get(c.decision, c.decision)}', "
                           f"'{option_label.get((c.decision, c.trainee_option), c.trainee_option)}' instead of "
                           f"'{option_label.get((c.decision, c.doctrine_option), c.doctrine_option)}' "
                           f"({c.cost:+.3f} on average).")
        costs = [{"decision": prompt.get(c.decision, c.decision),
                  "trainee_option": option_label.get((c.decision, c.trainee_option), c.trainee_option)
                  + (" (the default: not answered)" if c.defaulted else ""),
                  "doctrine_option": option_label.get((c.decision, c.doctrine_option), c.doctrine_option),
                  "cost": c.cost, "test": c.test} for c in luck.costs]
        luck_view = {"runs": luck.runs, "trainee": luck.trainee, "doctrine": luck.doctrine, "difference": d,
                     "verdict": reference_verdict(d), "costs": costs, "played": run["overall_score"]}
    weak = [c for c in scored if c.rating in ("M", "U")]
    if weak:
        summary.append("Priorities for improvement: " + "; ".join(f"{c.name} ({c.rating})" for c in weak[:3]) + ".")
    strong = [c for c in scored if c.rating == "P"]
    if strong:
        summary.append("Strengths: " + "; ".join(c.name for c in strong) + ".")
    if changed:
        summary.append(f"{len(changed)} rating{'s were' if len(changed) != 1 else ' was'} changed in review "
                       "(marked in the analysis).")
    own = [r for r in store.runs(scenario=spec.id, trainee=trainee) if r.get("kind") in ("played", "trainee_batch")]
    other_runs = None
    if len(own) > 1:
        s = summarise([r["overall_score"] for r in own])
        other_runs = {"n": s.n, "mean": s.mean, "low": s.ci_low, "high": s.ci_high}
    info = spec.exercise
    not_named = "not named in the scenario"
    exercise = [("Exercise type", (info.type if info and info.type else not_named)),
                ("Mission area", (info.mission_area if info and info.mission_area else not_named)),
                ("Core capabilities", (", ".join(info.core_capabilities) if info and info.core_capabilities
                                       else not_named)),
                ("Scenario capabilities", ", ".join(c.name for c in scored)),
                ("Sponsor", (info.sponsor if info and info.sponsor else not_named)),
                ("Point of contact", (info.point_of_contact if info and info.point_of_contact else not_named)),
                ("Venue", (info.venue if info and info.venue else "the simulator"))]
    names_map = names_of(spec)
    return AfterAction(
        title=f"After-action report and improvement plan: {spec.title}",
        scenario={"id": spec.id, "title": spec.title, "version": spec.version, "summary": spec.summary,
                  "difficulty": spec.difficulty, "objectives": list(spec.briefing.objectives)},
        trainee=trainee, run={**run, "plan_name": names_map.get(run["plan_name"], run["plan_name"])}, date=date,
        agencies=agencies, evaluators=evaluators, summary=summary,
        capabilities=capabilities, plan=plan, plan_reviewed=bool(reviewed.plan), changed=changed,
        timeline=timeline(events, spec), luck=luck_view, other_runs=other_runs, general=general,
        generated=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        team=team_html(spec, events),
        team_sections=seat_sections(spec, events) if humans_of(events) is not None else [],
        exercise=exercise, overall_draft=reviewed.overall_draft, overall=reviewed.overall,
        chart=_capability_chart(scored) if scored else None,
    )


def html(aar: AfterAction) -> str:
    from .templates import render
    return with_team(render("aar.html.j2", aar=aar, ratings=RATING_WORDS), aar.team)
