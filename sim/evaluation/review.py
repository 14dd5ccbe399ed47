"""Evaluators' review of a run: draft ratings confirmed or changed with a reason, observations
tied to replay times, and the improvement plan; all kept in the results store with who and
when. The draft is never overwritten: a review is a new row, and the latest word on an item
wins. A capability target nobody reviewed is re-rated from its tasks' reviewed ratings.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, replace
from typing import Any, Optional

from sim.format.problems import InputError, Problem
from .ratings import CREDIT, TASK_RATINGS, TargetRating, TaskRating, clock, draft_ratings, target_rating
from .store import Store

TARGET_RATINGS = ("P", "S", "M", "U")
OBSERVATION_KINDS = {"strength": "strength", "area": "area for improvement", "improvement": "area for improvement"}


def now_utc() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Verdict:
    """One rated item (a task or a target) after review."""
    item: str
    level: str  # task or target
    draft: str
    rating: str
    reason: str
    evaluator: Optional[str] = None
    at: Optional[str] = None

    @property
    def changed(self) -> bool:
        """Changed by an evaluator (a target re-rated from its reviewed tasks is `rederived`)."""
        return self.evaluator is not None and self.rating != self.draft

    @property
    def rederived(self) -> bool:
        return self.evaluator is None and self.rating != self.draft

    @property
    def reviewed(self) -> bool:
        return self.evaluator is not None


@dataclass
class ReviewedRun:
    run: dict[str, Any]
    targets: list[TargetRating]  # with the reviewed ratings in place
    verdicts: dict[str, Verdict]
    observations: list[dict[str, Any]] = field(default_factory=list)
    plan: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed(self) -> list[Verdict]:
        return [v for v in self.verdicts.values() if v.changed]

    def tasks(self) -> list[TaskRating]:
        return [t for target in self.targets for t in target.tasks]


def guide_items(spec) -> dict[str, str]:
    """Every task and target id of the guide -> 'task' or 'target'."""
    out: dict[str, str] = {}
    for capability in (spec.evaluation_guide.capabilities if spec.evaluation_guide else ()):
        for target in capability.targets:
            out[target.id] = "target"
            for task in target.tasks:
                out[task.id] = "task"
    return out


def reviewed_run(store: Store, spec, run: dict[str, Any], events: Optional[list[dict]] = None) -> ReviewedRun:
    drafts = draft_ratings(spec, events if events is not None else store.events(run["id"]))
    latest: dict[str, dict] = {}
    for row in store.reviews(run["id"]):
        latest[row["item"]] = row
    verdicts: dict[str, Verdict] = {}
    targets = []
    for target in drafts:
        tasks = []
        for task in target.tasks:
            row = latest.get(task.id)
            verdict = Verdict(task.id, "task", task.rating, task.rating, task.reason)
            if row:
                verdict = Verdict(task.id, "task", task.rating, row["rating"], row["reason"], row["evaluator"], row["at"])
            verdicts[task.id] = verdict
            tasks.append(replace(task, rating=verdict.rating,
                                 reason=verdict.reason if row else task.reason))
        weight = sum(t.weight for t in tasks)
        score = sum(t.weight * CREDIT[t.rating] for t in tasks) / weight if weight else 0.0
        rated = replace(target, tasks=tasks, score=score)
        if any(verdicts[t.id].changed for t in tasks):
            rated.rating = target_rating(score, spec)
            rated.reason = f"re-rated from the reviewed tasks (weighted {score:.2f}); draft: {target.reason}"
        row = latest.get(target.id)
        verdict = Verdict(target.id, "target", target.rating, rated.rating, rated.reason)
        if row:
            verdict = Verdict(target.id, "target", target.rating, row["rating"], row["reason"], row["evaluator"],
                              row["at"])
            rated.rating, rated.reason = row["rating"], row["reason"]
        verdicts[target.id] = verdict
        targets.append(rated)
    plan = store.plan_items(run["id"])
    return ReviewedRun(run, targets, verdicts, store.observations(run["id"]), plan)


def draft_plan(reviewed: ReviewedRun, spec) -> list[dict[str, Any]]:
    """Improvement-plan items proposed from the tasks not met or partly met."""
    names = {c.id: c.name for c in spec.evaluation_guide.capabilities} if spec.evaluation_guide else {}
    out = []
    for task in reviewed.tasks():
        if task.rating == TASK_RATINGS[0]:
            continue
        out.append({"issue": f"{task.task}: {task.rating} ({task.reason})",
                    "action": f"Rehearse and brief: {task.task[0].lower() + task.task[1:]}",
                    "capability": task.capability, "capability_name": names.get(task.capability, task.capability),
                    "agency": task.agency, "start": None, "due": None})
    return out


# -- parsing the command line's review words ---------------------------------------------

def _bad(field_name: str, message: str) -> InputError:
    return InputError([Problem("review", 1, 1, field_name, message)])


def parse_time(text: str) -> float:
    """T+MM:SS, MM:SS or seconds."""
    match = re.fullmatch(r"(?:T\+)?(\d+):(\d{1,2})|(\d+(?:\.\d+)?)", text.strip())
    if not match:
        raise ValueError(text)
    if match.group(3):
        return float(match.group(3))
    return int(match.group(1)) * 60 + int(match.group(2))


def parse_set(text: str, items: dict[str, str]) -> tuple[str, str]:
    """'TASK=met' (or partly / 'not met' / not_met) or 'TARGET=S'."""
    from sim.format.problems import did_you_mean, one_of
    if "=" not in text:
        raise _bad("--set", f"'{text}': write ITEM=RATING, e.g. language_within_10=met or own_language=S")
    item, value = (part.strip() for part in text.split("=", 1))
    if item not in items:
        raise _bad("--set", f"unknown task or target '{item}'{did_you_mean(item, items)}; {one_of(items, 40)}")
    if items[item] == "target":
        if value.upper() not in TARGET_RATINGS:
            raise _bad("--set", f"{item} is a capability target: rate it P, S, M or U, not '{value}'")
        return item, value.upper()
    words = {"met": "met", "partly": "partly met", "partly met": "partly met", "partly_met": "partly met",
             "not met": "not met", "not_met": "not met", "not": "not met"}
    rating = words.get(value.lower())
    if rating is None:
        raise _bad("--set", f"{item} is a critical task: rate it met, partly or not_met, not '{value}'")
    return item, rating


def parse_observation(text: str, capabilities: list[str]) -> dict[str, Any]:
    """'T+05:00 strength: text' or 'T+12:30 area victim_care: text'."""
    from sim.format.problems import did_you_mean
    match = re.fullmatch(r"\s*(\S+)\s+(\w+)(?:\s+(\w+))?\s*:\s*(.+)", text, re.S)
    usage = "write 'T+MM:SS strength: what went well' or 'T+MM:SS area CAPABILITY: what to improve'"
    if not match:
        raise _bad("--observe", f"'{text}': {usage}")
    when, kind, capability, words = match.groups()
    try:
        t = parse_time(when)
    except ValueError:
        raise _bad("--observe", f"'{when}' is not a replay time; {usage}") from None
    if kind.lower() not in OBSERVATION_KINDS:
        raise _bad("--observe", f"'{kind}' is not a kind of observation: strength or area (for improvement)")
    if capability is not None and capability not in capabilities:
        raise _bad("--observe", f"unknown capability '{capability}'{did_you_mean(capability, capabilities)}; "
                   f"one of: {', '.join(capabilities)}")
    return {"kind": OBSERVATION_KINDS[kind.lower()], "t": t, "capability": capability, "text": words.strip()}


PLAN_FIELDS = ("issue", "action", "capability", "agency", "start", "due")


def parse_plan_item(text: str, *, partial: bool = False) -> dict[str, Any]:
    """'issue=...; action=...; capability=...; agency=...; start=YYYY-MM-DD; due=YYYY-MM-DD'."""
    out: dict[str, Any] = {}
    for part in filter(str.strip, text.split(";")):
        if "=" not in part:
            raise _bad("--plan-item", f"'{part.strip()}': write FIELD=VALUE; fields: {', '.join(PLAN_FIELDS)}")
        key, value = (p.strip() for p in part.split("=", 1))
        if key not in PLAN_FIELDS:
            raise _bad("--plan-item", f"unknown field '{key}'; fields: {', '.join(PLAN_FIELDS)}")
        if key in ("start", "due") and value:
            try:
                _dt.date.fromisoformat(value)
            except ValueError:
                raise _bad("--plan-item", f"{key}: '{value}' is not a date; write YYYY-MM-DD") from None
        out[key] = value or None
    if not partial:
        for needed in ("issue", "action"):
            if not out.get(needed):
                raise _bad("--plan-item", f"an improvement-plan item needs {needed}=...")
    return out


def describe(reviewed: ReviewedRun) -> list[str]:
    """The review as lines of text (the command's listing)."""
    lines = []
    for target in reviewed.targets:
        v = reviewed.verdicts[target.id]
        mark = f"  (draft {v.draft}, changed by {v.evaluator} {v.at})" if v.changed else (
            f"  (confirmed by {v.evaluator} {v.at})" if v.reviewed else
            f"  (draft {v.draft}, re-rated from its reviewed tasks)" if v.rederived else "  (draft)")
        lines.append(f"{target.rating}  {target.id}: {target.target}{mark}")
        lines.append(f"      {target.reason}")
        for task in target.tasks:
            tv = reviewed.verdicts[task.id]
            note = (f"  [draft {tv.draft}; {tv.evaluator} {tv.at}]" if tv.changed else
                    f"  [confirmed by {tv.evaluator}]" if tv.reviewed else "")
            lines.append(f"    {task.rating:<10} {task.id}: {task.task}{note}")
            lines.append(f"               {task.reason}")
            if task.evidence:
                lines.append("               evidence: " + "; ".join(str(e) for e in task.evidence[:6]) +
                             (f"; ... ({len(task.evidence)} in all)" if len(task.evidence) > 6 else ""))
    return lines


__all__ = ["ReviewedRun", "Verdict", "reviewed_run", "describe", "parse_set", "parse_observation",
           "parse_plan_item", "draft_plan", "now_utc", "clock", "guide_items"]
