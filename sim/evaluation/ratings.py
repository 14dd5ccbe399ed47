"""Draft ratings of a run against its scenario's evaluation guide.

Each critical task is rated met, partly met or not met from the event log alone, with
the evidence that decided it (the times of the events, so a replay can jump there); each
capability target is rated P/S/M/U from the weighted ratings of its tasks, with the
reason. Evaluators then confirm or change these in review (sim/evaluation/review.py).

How a task is decided:
- `on: EVENT` (optionally `each:` subject, `after:` an anchor event, `within:` seconds):
  for each subject the event is on time (met), late (partly met) or missing (not met);
  the task is met if every subject is, not met if none is met or late, partly met otherwise.
- `never: EVENT`: met if it never happened, not met otherwise (each time is evidence).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from sim.format import triggers
from sim.format.spec import CriticalTask, Scenario as ScenarioSpec

MET, PARTLY, NOT_MET = "met", "partly met", "not met"
TASK_RATINGS = (MET, PARTLY, NOT_MET)
CREDIT = {MET: 1.0, PARTLY: 0.5, NOT_MET: 0.0}
PLURAL = {"victim": "victims", "perpetrator": "perpetrators", "evidence": "evidence items"}


def clock(seconds: float) -> str:
    """T+MM:SS, the time format evaluators see everywhere: rounded to the second as the
    timeline and the replay round it (sim.engine.narrate.clock), so the two always agree."""
    from sim.engine.narrate import clock as timeline_clock
    return f"T+{timeline_clock(max(0.0, float(seconds)))}"


@dataclass(frozen=True)
class Evidence:
    t: float
    text: str

    def __str__(self) -> str:
        return f"{clock(self.t)} {self.text}"


@dataclass
class TaskRating:
    id: str
    task: str
    capability: str
    target: str
    weight: float
    rating: str
    reason: str
    evidence: list[Evidence] = field(default_factory=list)
    decision: Optional[str] = None
    inject: Optional[str] = None
    agency: Optional[str] = None


@dataclass
class TargetRating:
    id: str
    target: str
    capability: str
    capability_name: str
    rating: str  # P/S/M/U
    score: float
    reason: str
    tasks: list[TaskRating] = field(default_factory=list)


def _first_times(events: Iterable[dict]) -> tuple[dict[tuple[str, Optional[str]], float], dict[str, list[dict]]]:
    first: dict[tuple[str, Optional[str]], float] = {}
    by_kind: dict[str, list[dict]] = {}
    for e in events:
        first.setdefault((e["kind"], e.get("subject")), e["t"])
        first.setdefault((e["kind"], None), e["t"])
        by_kind.setdefault(e["kind"], []).append(e)
    return first, by_kind


def _subjects(spec: ScenarioSpec, each: Optional[str]) -> list[Optional[str]]:
    if each is None:
        return [None]
    return [x.id for x in {"victim": spec.victims, "perpetrator": spec.perpetrators,
                           "evidence": spec.evidence}[each]]


def rate_task(spec: ScenarioSpec, task: CriticalTask, first: dict, by_kind: dict, end: float,
              capability: str, target: str, names: Optional[dict[str, str]] = None) -> TaskRating:
    names = names or {}
    say = lambda kind, ident=None: (f"{kind.replace('_', ' ')} {names.get(ident, ident) if ident else ''}").strip()  # noqa: E731
    expect = task.expect
    out = TaskRating(task.id, task.task, capability, target, task.weight, NOT_MET, "", [],
                     task.decision, task.inject, task.agency)
    if task.decision:
        made = [e for e in by_kind.get("decision_made", []) if e.get("subject") == task.decision]
        for e in made:
            decision = next((d for d in spec.decisions if d.id == task.decision), None)
            label = next((o.label for o in decision.options if o.id == e.get("option")), e.get("option")) if decision else e.get("option")
            out.evidence.append(Evidence(e["t"], f"decision: {label} ({e.get('how')})"))
    if expect.never is not None:
        trig = triggers.parse("on", expect.never)
        hits = [e for e in by_kind.get(trig.name, []) if trig.argument in (None, e.get("subject"))]
        out.evidence += [Evidence(e["t"], say(trig.name, e.get("subject"))) for e in hits]
        out.rating = MET if not hits else NOT_MET
        out.reason = (f"no {trig.name.replace('_', ' ')} in the run" if not hits else
                      f"{trig.name.replace('_', ' ')} {len(hits)} time{'s' if len(hits) != 1 else ''}, "
                      f"first at {clock(hits[0]['t'])}")
        out.evidence.sort(key=lambda ev: ev.t)
        return out
    trig = triggers.parse("on", expect.on)
    anchor = triggers.parse("on", expect.after) if expect.after else None
    on_time, late, missing = [], [], []
    for subject in _subjects(spec, expect.each):
        key = subject if expect.each else trig.argument
        start = 0.0
        if anchor is not None:
            start_at = first.get((anchor.name, subject if expect.each else anchor.argument))
            if start_at is None:
                missing.append((subject, f"no {anchor.name.replace('_', ' ')}"))
                continue
            start = start_at
            out.evidence.append(Evidence(start, say(anchor.name, subject or anchor.argument)))
        done = first.get((trig.name, key))
        if done is None:
            what = f" ({names.get(trig.argument, trig.argument)})" if trig.argument and not expect.each else ""
            missing.append((subject, f"no {trig.name.replace('_', ' ')}{what}"))
            continue
        out.evidence.append(Evidence(done, say(trig.name, key)))
        took = done - start
        if expect.within is None or took <= expect.within + 1e-9:
            on_time.append((subject, took))
        else:
            late.append((subject, took))
    total = len(on_time) + len(late) + len(missing)
    if not late and not missing:
        out.rating = MET
    elif not on_time and not late:
        out.rating = NOT_MET
    else:
        out.rating = PARTLY
    parts = []
    limit = f" within {expect.within / 60:g} min" if expect.within is not None else ""
    if expect.each:
        parts.append(f"{len(on_time)} of {total} {PLURAL[expect.each] if total != 1 else expect.each}{limit}")
    elif on_time:
        parts.append(f"done{limit} ({clock(on_time[0][1])} after {'start' if anchor is None else anchor.name})")
    for subject, took in late:
        parts.append(f"{names.get(subject, subject) + ': ' if subject else ''}late, after {took / 60:.1f} min")
    for subject, why in missing:
        parts.append(f"{names.get(subject, subject) + ': ' if subject else ''}{why}")
    out.reason = "; ".join(parts) if parts else "done"
    out.evidence.sort(key=lambda ev: ev.t)
    return out


def target_rating(score: float, spec: ScenarioSpec) -> str:
    r = spec.scoring.ratings
    return "P" if score >= r.P - 1e-9 else "S" if score >= r.S else "M" if score >= r.M else "U"


def rate_target(spec: ScenarioSpec, rated: list[TaskRating], target_id: str, target_text: str,
                capability: str, capability_name: str) -> TargetRating:
    weight = sum(t.weight for t in rated)
    score = sum(t.weight * CREDIT[t.rating] for t in rated) / weight if weight else 0.0
    rating = target_rating(score, spec)
    met = sum(t.rating == MET for t in rated)
    short = [f"'{t.task}' {t.rating}" for t in rated if t.rating != MET]
    reason = f"{met} of {len(rated)} critical tasks met (weighted {score:.2f})"
    if short:
        reason += "; " + "; ".join(short)
    return TargetRating(target_id, target_text, capability, capability_name, rating, score, reason, rated)


def draft_ratings(spec: ScenarioSpec, events: list[dict]) -> list[TargetRating]:
    """The draft rating of every capability target of the guide (empty without a guide)."""
    guide = spec.evaluation_guide
    if guide is None:
        return []
    from sim.engine.narrate import names_of
    names = names_of(spec)
    first, by_kind = _first_times(events)
    end = max((e["t"] for e in events), default=0.0)
    out = []
    for capability in guide.capabilities:
        for target in capability.targets:
            rated = [rate_task(spec, task, first, by_kind, end, capability.id, target.id, names) for task in target.tasks]
            out.append(rate_target(spec, rated, target.id, target.target, capability.id, capability.name))
    return out
