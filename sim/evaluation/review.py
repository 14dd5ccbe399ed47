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
class CapabilityVerdict:
    """A scored capability's draft rating (from its metrics) and its rating after review: the
    evaluators' own word on it, else re-rated from its targets once one of them was re-rated,
    else the draft."""
    id: str
    name: str
    weight: float  # its share of the overall score
    draft: str
    draft_score: float
    rating: str
    how: str  # draft, evaluator or targets
    evaluator: Optional[str] = None
    reason: str = ""

    @property
    def changed(self) -> bool:
        return self.rating != self.draft


@dataclass
class ReviewedRun:
    run: dict[str, Any]
    targets: list[TargetRating]  # with the reviewed ratings in place
    verdicts: dict[str, Verdict]
    observations: list[dict[str, Any]] = field(default_factory=list)
    plan: list[dict[str, Any]] = field(default_factory=list)
    capabilities: list[CapabilityVerdict] = field(default_factory=list)
    overall_draft: tuple[float, str] = (0.0, "U")
    overall: tuple[float, str] = (0.0, "U")  # follows the reviewed capability ratings

    @property
    def changed(self) -> list[Verdict]:
        return [v for v in self.verdicts.values() if v.changed]

    def tasks(self) -> list[TaskRating]:
        return [t for target in self.targets for t in target.tasks]


def guide_items(spec) -> dict[str, str]:
    """Every scored capability, target and task id of the guide -> 'capability', 'target' or 'task'."""
    out: dict[str, str] = {c.id: "capability" for c in spec.scored_capabilities}
    for capability in (spec.evaluation_guide.capabilities if spec.evaluation_guide else ()):
        for target in capability.targets:
            out[target.id] = "target"
            for task in target.tasks:
                out[task.id] = "task"
    return out


def reviewed_run(store: Store, spec, run: dict[str, Any], events: Optional[list[dict]] = None) -> ReviewedRun:
    events = events if events is not None else store.events(run["id"])
    drafts = draft_ratings(spec, events)
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
            # a confirmation keeps the draft's reason (its evidence); a change states its own
            tasks.append(replace(task, rating=verdict.rating, reason=verdict.reason if verdict.changed else task.reason))
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
            rated.rating = row["rating"]
            if verdict.changed:
                rated.reason = row["reason"]
        verdicts[target.id] = verdict
        targets.append(rated)
    plan = store.plan_items(run["id"])
    out = ReviewedRun(run, targets, verdicts, store.observations(run["id"]), plan)
    _rate_capabilities(out, spec, store, latest, events)
    return out


def _band(rating: str, spec) -> tuple[float, float]:
    r = spec.scoring.ratings
    return {"P": (r.P, 1.0), "S": (r.S, r.P - 1e-6), "M": (r.M, r.S - 1e-6), "U": (0.0, r.M - 1e-6)}[rating]


def _rate_capabilities(out: ReviewedRun, spec, store: Store, latest: dict[str, dict],
                       events: Optional[list[dict]]) -> None:
    """Each scored capability's draft and reviewed rating, and the overall score that follows
    them: a capability re-rated in review counts with its draft score moved to the nearest
    score of its reviewed rating (unchanged ones as drafted), so the overall never disagrees
    with the ratings it is made of."""
    stored = store.capability_ratings([out.run["id"]]).get(out.run["id"]) or {}
    if not stored and events is not None:  # a run not stored yet: its draft, from its events
        from .metrics import evaluate
        stored = {c["id"]: (c["score"], c["rating"]) for c in evaluate(spec, events)["capabilities"]}
    total = draft_total = weights = 0.0
    for capability in spec.scored_capabilities:
        weight = sum(w.weight for w in capability.metrics.values())
        score, draft = stored.get(capability.id, (0.0, "U"))
        rating, how, evaluator, reason = draft, "draft", None, ""
        row = latest.get(capability.id)
        mine = [t for t in out.targets if t.capability == capability.id]
        if row is not None:
            rating, how, evaluator, reason = row["rating"], "evaluator", row["evaluator"], row["reason"]
        elif any(out.verdicts[t.id].changed or out.verdicts[t.id].rederived for t in mine):
            # each target's score, moved into the band of its reviewed rating
            rated = sum(min(max(t.score, _band(t.rating, spec)[0]), _band(t.rating, spec)[1]) for t in mine) / len(mine)
            rating, how = target_rating(rated, spec), "targets"
            reason = f"re-rated from its reviewed targets ({', '.join(f'{t.target}: {t.rating}' for t in mine)})"
        low, high = _band(rating, spec)
        used = score if rating == draft else min(max(score, low), high)
        out.capabilities.append(CapabilityVerdict(capability.id, capability.name, weight, draft, score, rating, how,
                                                  evaluator, reason))
        total += weight * used
        draft_total += weight * score
        weights += weight
    if weights:
        out.overall_draft = (round(float(out.run.get("overall_score", draft_total)), 4), out.run.get("overall_rating")
                             or target_rating(draft_total, spec))
        overall = round(total / weights if abs(weights - 1) > 1e-6 else total, 4)
        unchanged = all(not c.changed for c in out.capabilities)
        out.overall = out.overall_draft if unchanged else (overall, target_rating(overall, spec))


def _arrival_of(spec, task_id: str) -> Optional[str]:
    """The unit whose arrival a task waits for ('on: unit_arrived consul'), by name."""
    from sim.format import triggers
    for c in (spec.evaluation_guide.capabilities if spec.evaluation_guide else ()):
        for t in c.targets:
            for k in t.tasks:
                if k.id == task_id and k.expect.on:
                    trig = triggers.parse("on", k.expect.on)
                    if trig.name == "unit_arrived" and trig.argument:
                        return next((u.name for u in spec.units if u.id == trig.argument), trig.argument)
    return None


def draft_plan(reviewed: ReviewedRun, spec, events: Optional[list[dict]] = None,
               today: Optional[_dt.date] = None) -> list[dict[str, Any]]:
    """Improvement-plan items proposed from the tasks not met or partly met, each with the
    corrective action its root cause calls for (causes.py), its capability element, the
    responsible agency, and dates for the team to confirm (start now, completion in 90 days)."""
    from .causes import causes_for_task
    capability_names = {c.id: c.name for c in spec.evaluation_guide.capabilities} if spec.evaluation_guide else {}
    options = {(d.id, o.id): o.label for d in spec.decisions for o in d.options}
    prompts = {d.id: d.prompt for d in spec.decisions}
    start = today or _dt.datetime.now(_dt.timezone.utc).date()
    out = []
    for task in reviewed.tasks():
        if task.rating == TASK_RATINGS[0]:
            continue
        causes = causes_for_task(task, events or [], spec)
        if causes:
            action, element, cause = causes[0].action, causes[0].element, causes[0].text
        elif task.decision:
            best = spec.doctrine_plan.decisions.get(task.decision)
            label = options.get((task.decision, best), best)
            action = f"Plan for '{label}' at the decision '{prompts.get(task.decision, task.decision)}', and brief it"
            element, cause = "planning", None
        elif _arrival_of(spec, task.id):
            unit = _arrival_of(spec, task.id)
            action = f"Request the {unit} at the start of the operation: put the request in the plan's first orders"
            element, cause = "planning", None
        else:
            agency = next((a.name for a in spec.agencies if a.id == task.agency), "the responsible agency")
            action = f"Task {agency} with this in the operation order and check it at the briefing: " \
                     f"{task.task[0].lower() + task.task[1:]}"
            element, cause = "organisation", None
        out.append({"issue": f"{task.task}: {task.rating} ({task.reason})"
                             + (f"; root cause: {cause}" if cause else ""),
                    "action": action, "element": element,
                    "capability": task.capability, "capability_name": capability_names.get(task.capability, task.capability),
                    "agency": task.agency, "poc": None, "start": start.isoformat(),
                    "due": (start + _dt.timedelta(days=90)).isoformat()})
    return out


# -- parsing the command line's review words ---------------------------------------------

def _bad(field_name: str, message: str) -> InputError:
    return InputError([Problem("review", 1, 1, field_name, message)])


TIME = re.compile(r"(?:T\+)?(\d{1,3}):([0-5]\d)|(\d+(?:\.\d+)?)")


def parse_time(text: str, duration: Optional[float] = None) -> float:
    """T+MM:SS (seconds 00-59), MM:SS or seconds; within the run when its duration is given."""
    match = TIME.fullmatch(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a replay time: write T+MM:SS (seconds 00 to 59) or seconds")
    t = float(match.group(3)) if match.group(3) else int(match.group(1)) * 60 + int(match.group(2))
    if duration is not None and t > duration + 0.5:
        from .ratings import clock
        raise ValueError(f"'{text}' is after the run ended (at {clock(duration)})")
    return t


def parse_set(text: str, items: dict[str, str]) -> tuple[str, str]:
    """'TASK=met' (or partly / 'not met' / not_met), 'TARGET=S' or 'CAPABILITY=M'."""
    from sim.format.problems import did_you_mean, one_of
    if "=" not in text:
        raise _bad("--set", f"'{text}': write ITEM=RATING, e.g. language_within_10=met or own_language=S")
    item, value = (part.strip() for part in text.split("=", 1))
    if item not in items:
        raise _bad("--set", f"unknown capability, task or target '{item}'{did_you_mean(item, items)}; {one_of(items, 40)}")
    if items[item] in ("target", "capability"):
        if value.upper() not in TARGET_RATINGS:
            raise _bad("--set", f"{item} is a {'capability target' if items[item] == 'target' else 'capability'}: "
                       f"rate it P, S, M or U, not '{value}'")
        return item, value.upper()
    words = {"met": "met", "partly": "partly met", "partly met": "partly met", "partly_met": "partly met",
             "not met": "not met", "not_met": "not met", "not": "not met"}
    rating = words.get(value.lower())
    if rating is None:
        raise _bad("--set", f"{item} is a critical task: rate it met, partly or not_met, not '{value}'")
    return item, rating


def _capability_id(word: str, spec, field_name: str) -> str:
    from sim.format.problems import did_you_mean
    by_name = {c.name.lower(): c.id for c in spec.scored_capabilities}
    ids = [c.id for c in spec.scored_capabilities]
    if word in ids:
        return word
    if word.lower() in by_name:
        return by_name[word.lower()]
    raise _bad(field_name, f"unknown capability '{word}'{did_you_mean(word, ids)}; one of: "
               + ", ".join(f"{c.id} ({c.name})" for c in spec.scored_capabilities))


def parse_observation(text: str, spec, duration: Optional[float] = None) -> dict[str, Any]:
    """'T+05:00 strength: text' or 'T+12:30 area victim_care: text'."""
    match = re.fullmatch(r"\s*(\S+)\s+(\w+)(?:\s+(\w+))?\s*:\s*(.+)", text, re.S)
    usage = "write 'T+MM:SS strength: what went well' or 'T+MM:SS area CAPABILITY: what to improve'"
    if not match:
        raise _bad("--observe", f"'{text}': {usage}")
    when, kind, capability, words = match.groups()
    try:
        t = parse_time(when, duration)
    except ValueError as exc:
        raise _bad("--observe", f"{exc}; {usage}") from None
    if kind.lower() not in OBSERVATION_KINDS:
        raise _bad("--observe", f"'{kind}' is not a kind of observation: strength or area (for improvement)")
    if capability is not None:
        capability = _capability_id(capability, spec, "--observe")
    return {"kind": OBSERVATION_KINDS[kind.lower()], "t": t, "capability": capability, "text": words.strip()}


PLAN_FIELDS = ("issue", "action", "capability", "element", "agency", "poc", "start", "due")
ELEMENTS = ("planning", "organisation", "equipment", "training", "exercise")
_ELEMENT_WORDS = {**{e: e for e in ELEMENTS}, "organization": "organisation", "organising": "organisation"}


def split_fields(text: str) -> list[str]:
    """'a=1; b=x\\; y' -> ['a=1', 'b=x; y']: a backslash keeps a ';' in the text."""
    parts = re.split(r"(?<!\\);", text)
    return [p.replace("\\;", ";") for p in parts]


def parse_plan_item(text: str, *, partial: bool = False, spec=None) -> dict[str, Any]:
    """'issue=...; action=...; capability=...; element=...; agency=...; poc=...; start=YYYY-MM-DD;
    due=YYYY-MM-DD' (write \\; for a semicolon inside a text)."""
    out: dict[str, Any] = {}
    for part in filter(str.strip, split_fields(text)):
        if "=" not in part:
            raise _bad("--plan-item", f"'{part.strip()}': write FIELD=VALUE; fields: {', '.join(PLAN_FIELDS)} "
                       "(a ';' inside a text is written \\;)")
        key, value = (p.strip() for p in part.split("=", 1))
        if key not in PLAN_FIELDS:
            raise _bad("--plan-item", f"unknown field '{key}'; fields: {', '.join(PLAN_FIELDS)}")
        out[key] = value or None
    return check_plan_item(out, partial=partial, spec=spec)


def check_plan_item(item: dict[str, Any], *, partial: bool = False, spec=None) -> dict[str, Any]:
    """An improvement-plan item's fields checked: dates real and in order, capability, element
    and agency known (an agency by its id or name; stored by id)."""
    from sim.format.problems import did_you_mean
    out = dict(item)
    for key in ("start", "due"):
        if out.get(key):
            try:
                _dt.date.fromisoformat(str(out[key]))
            except ValueError:
                raise _bad("--plan-item", f"{key}: '{out[key]}' is not a date; write YYYY-MM-DD") from None
            out[key] = str(out[key])
    if out.get("start") and out.get("due") and out["due"] < out["start"]:
        raise _bad("--plan-item", f"the completion date {out['due']} is before the start {out['start']}")
    if out.get("element"):
        element = _ELEMENT_WORDS.get(str(out["element"]).lower())
        if element is None:
            raise _bad("--plan-item", f"element: '{out['element']}' is not a capability element; one of: "
                       + ", ".join(ELEMENTS))
        out["element"] = element
    if spec is not None:
        if out.get("capability"):
            out["capability"] = _capability_id(str(out["capability"]), spec, "--plan-item")
        if out.get("agency"):
            agencies = {a.id: a.id for a in spec.agencies} | {a.name.lower(): a.id for a in spec.agencies}
            agency = agencies.get(str(out["agency"])) or agencies.get(str(out["agency"]).lower())
            if agency is None:
                ids = [a.id for a in spec.agencies]
                raise _bad("--plan-item", f"unknown agency '{out['agency']}'{did_you_mean(str(out['agency']), ids)}; "
                           "one of: " + ", ".join(f"{a.id} ({a.name})" for a in spec.agencies))
            out["agency"] = agency
    if not partial:
        for needed in ("issue", "action"):
            if not out.get(needed):
                raise _bad("--plan-item", f"an improvement-plan item needs {needed}=...")
    return out


def plan_items_from_yaml(path: str, spec) -> list[dict[str, Any]]:
    """Improvement-plan items from a YAML file: a list of mappings with the fields above (any text)."""
    import yaml
    from sim.format.problems import InputError, Problem
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except OSError as exc:
        raise InputError([Problem(path, 1, 1, "--plan-file", f"cannot read it: {exc.strerror}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError([Problem(path, (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1,
                                  "--plan-file", f"not YAML: {getattr(exc, 'problem', exc)}")]) from None
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise InputError([Problem(path, 1, 1, "--plan-file", "write a list of items, each a mapping of "
                                  f"{', '.join(PLAN_FIELDS)}")])
    items = []
    for i, entry in enumerate(data):
        unknown = [k for k in entry if k not in PLAN_FIELDS]
        if unknown:
            raise InputError([Problem(path, 1, 1, f"[{i}].{unknown[0]}", f"unknown field; fields: {', '.join(PLAN_FIELDS)}")])
        try:
            items.append(check_plan_item({k: (str(v) if v is not None else None) for k, v in entry.items()}, spec=spec))
        except InputError as exc:
            raise InputError([Problem(path, 1, 1, f"[{i}]", exc.problems[0].message)]) from None
    return items


def describe(reviewed: ReviewedRun, spec=None) -> list[str]:
    """The review as lines of text (the command's listing): each capability with its draft and
    reviewed rating, then its targets and tasks with their evidence."""
    lines = []
    by_capability: dict[str, list[TargetRating]] = {}
    for target in reviewed.targets:
        by_capability.setdefault(target.capability, []).append(target)
    for c in reviewed.capabilities or []:
        how = {"draft": "draft, from its metrics", "evaluator": f"{c.evaluator}: {c.reason}" if c.reason else
               f"confirmed by {c.evaluator}", "targets": c.reason}[c.how]
        shown = f"{c.rating}" + (f" (draft {c.draft})" if c.changed else "")
        lines.append(f"{shown:<14}{c.name} [{c.id}]  score {c.draft_score:.2f}; {how}")
        for target in by_capability.pop(c.id, []):
            lines += _target_lines(reviewed, target)
    for targets in by_capability.values():  # capabilities of the guide that are not scored
        for target in targets:
            lines += _target_lines(reviewed, target)
    return lines


def _target_lines(reviewed: ReviewedRun, target: TargetRating) -> list[str]:
    lines = []
    v = reviewed.verdicts[target.id]
    mark = f"  (draft {v.draft}, changed by {v.evaluator} {v.at})" if v.changed else (
        f"  (confirmed by {v.evaluator} {v.at})" if v.reviewed else
        f"  (draft {v.draft}, re-rated from its reviewed tasks)" if v.rederived else "  (draft)")
    lines.append(f"  {target.rating}  {target.target} [{target.id}]{mark}")
    lines.append(f"        {target.reason}")
    for task in target.tasks:
        tv = reviewed.verdicts[task.id]
        note = (f"  [draft {tv.draft}; {tv.evaluator} {tv.at}]" if tv.changed else
                f"  [confirmed by {tv.evaluator}]" if tv.reviewed else "")
        lines.append(f"      {task.rating:<10} {task.task} [{task.id}]{note}")
        lines.append(f"                 {task.reason}")
        if task.evidence:
            lines.append("                 evidence: " + "; ".join(str(e) for e in task.evidence[:6]) +
                         (f"; ... ({len(task.evidence)} in all)" if len(task.evidence) > 6 else ""))
    return lines


def overall_line(reviewed: ReviewedRun) -> str:
    ds, dr = reviewed.overall_draft
    rs, rr = reviewed.overall
    if (ds, dr) == (rs, rr):
        return f"Overall: {ds:.3f} ({dr}), as drafted"
    return f"Overall: draft {ds:.3f} ({dr}); reviewed {rs:.3f} ({rr}), following the reviewed capability ratings"


def plan_lines(reviewed: ReviewedRun, spec, events: list[dict]) -> list[str]:
    """The improvement plan as it stands (or the draft), with who accepted each item."""
    plan = reviewed.plan or [{"id": "draft", "evaluator": None, **p} for p in draft_plan(reviewed, spec, events)]
    names = {c.id: c.name for c in spec.scored_capabilities}
    agencies = {a.id: a.name for a in spec.agencies}
    out = ["Improvement plan" + ("" if reviewed.plan else " (draft: accept it with --accept-plan, or edit it)")]
    for p in plan:
        who = ("not accepted yet" if p.get("evaluator") in (None, "(draft)") else f"accepted by {p['evaluator']}")
        out.append(f"  {p['id']}. {p['issue']}")
        out.append(f"       action: {p['action']}")
        out.append(f"       {names.get(p.get('capability'), p.get('capability') or '-')}; "
                   f"{p.get('element') or 'element not set'}; {agencies.get(p.get('agency'), p.get('agency') or 'agency not set')}; "
                   f"contact {p.get('poc') or 'not named'}; {p.get('start') or '?'} to {p.get('due') or '?'}; {who}")
    return out


__all__ = ["ReviewedRun", "Verdict", "CapabilityVerdict", "reviewed_run", "describe", "overall_line", "plan_lines",
           "parse_set", "parse_observation", "parse_plan_item", "check_plan_item", "plan_items_from_yaml",
           "draft_plan", "now_utc", "clock", "guide_items"]
