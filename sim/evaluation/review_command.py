"""One evaluator's review of one run, as one command: ratings set or confirmed, observations,
improvement-plan items added, edited, removed or accepted. The whole command is checked
before anything is stored, and then stored in one transaction: a refused command leaves the
store as it was. The command line (cli/review.py) and any other front end only gather the
words; this module decides what they mean.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from sim.format.problems import InputError, Problem
from . import review as rv
from .store import Store, run_key

DRAFT = "(draft)"  # who stands behind a drafted plan item nobody has accepted


@dataclass
class ReviewCommand:
    evaluator: Optional[str] = None
    sets: list[str] = field(default_factory=list)  # ITEM=RATING
    reasons: list[str] = field(default_factory=list)
    confirms: list[str] = field(default_factory=list)  # item ids, or 'all'
    observes: list[str] = field(default_factory=list)  # 'T+MM:SS KIND [CAPABILITY]: TEXT'
    plan_items: list[str] = field(default_factory=list)  # 'issue=..; action=..; ...'
    plan_file: Optional[str] = None  # a YAML list of plan items
    edits: list[tuple[Any, str]] = field(default_factory=list)  # (item number, 'field=..; ...')
    removes: list[int] = field(default_factory=list)
    accept_plan: bool = False

    @property
    def writes(self) -> bool:
        return bool(self.sets or self.confirms or self.observes or self.plan_items or self.plan_file or self.edits
                    or self.removes or self.accept_plan)


def _bad(field_name: str, message: str) -> InputError:
    return InputError([Problem("review", 1, 1, field_name, message)])


@dataclass
class _Checked:
    changes: list[tuple[str, str, str]]  # item, rating, reason
    confirms: list[str]
    observations: list[dict]
    additions: list[dict]
    edits: list[tuple[int, dict]]


def check(cmd: ReviewCommand, spec, run: dict[str, Any], reviewed: rv.ReviewedRun) -> _Checked:
    """Everything that can be wrong with the command, found before anything is stored."""
    if spec.evaluation_guide is None:
        raise _bad("evaluation_guide", "this scenario has no evaluation guide to review against; add an "
                   "evaluation_guide section after scoring")
    items = rv.guide_items(spec)
    sets = [rv.parse_set(text, items) for text in cmd.sets]
    if cmd.writes and not (cmd.evaluator and cmd.evaluator.strip()):
        raise _bad("--evaluator", "say who is reviewing: --evaluator NAME (kept with every rating, observation "
                   "and plan item)")
    if sets and not cmd.reasons:
        raise _bad("--reason", "a changed rating needs its reason: --reason \"why the evidence says otherwise\"")
    if sets and len(cmd.reasons) not in (1, len(sets)):
        raise _bad("--reason", f"{len(sets)} ratings set and {len(cmd.reasons)} reasons given: give one --reason "
                   "for each --set (in the same order), or one for all")
    if any(not r.strip() for r in cmd.reasons):
        raise _bad("--reason", "a reason is empty: say why")
    changes = [(item, rating, cmd.reasons[i if len(cmd.reasons) > 1 else 0]) for i, (item, rating) in enumerate(sets)]
    confirms = list(items) if "all" in cmd.confirms else list(cmd.confirms)
    for item in confirms:
        if item not in items:
            rv.parse_set(f"{item}=met", items)  # the same message for an unknown item
    confirms = [i for i in confirms if i not in dict(sets)]
    duration = float(run.get("duration_s") or 0.0) or None
    observations = [rv.parse_observation(text, spec, duration) for text in cmd.observes]
    additions = [rv.parse_plan_item(text, spec=spec) for text in cmd.plan_items]
    if cmd.plan_file:
        additions += rv.plan_items_from_yaml(cmd.plan_file, spec)
    edits = []
    for number, text in cmd.edits:
        if not isinstance(number, int):
            raise _bad("--edit-plan", f"'{number}' is not an item number")
        edits.append((number, rv.parse_plan_item(text, partial=True, spec=spec)))
    return _Checked(changes, confirms, observations, additions, edits)


def apply_review(store: Store, spec, record: dict[str, Any], cmd: ReviewCommand, *,
                 record_path: Optional[str] = None, at: Optional[str] = None) -> tuple[rv.ReviewedRun, str]:
    """Check the command whole, then store it (and the run, if the store lacks it) in one
    transaction. Returns the run as reviewed now and the time stamp written."""
    at = at or rv.now_utc()
    row = store.run_by_key(run_key(record))
    provisional = row or {"id": -1, "duration_s": record.get("duration_s"), "overall_score":
                          record["metrics"]["overall"]["score"], "overall_rating": record["metrics"]["overall"]["rating"]}
    before = rv.reviewed_run(store, spec, provisional, record["events"])
    checked = check(cmd, spec, provisional, before)
    if not cmd.writes:
        return before, at
    with store.transaction():
        if row is None:
            store.add(record, source="played" if record.get("interactive") else "headless", record_path=record_path)
            row = store.run_by_key(run_key(record))
        run_id = row["id"]
        items = rv.guide_items(spec)
        reviewed = rv.reviewed_run(store, spec, row, record["events"])
        for item, rating, reason in checked.changes:
            store.add_review(run_id, item, items[item], reviewed.verdicts[item].draft if item in reviewed.verdicts
                             else _capability_draft(reviewed, item), rating, reason, cmd.evaluator, at)
        for item in checked.confirms:
            draft, rating = ((reviewed.verdicts[item].draft, reviewed.verdicts[item].rating) if item in reviewed.verdicts
                             else (_capability_draft(reviewed, item), _capability_rating(reviewed, item)))
            # a confirmation says who confirmed; it writes no reason of its own over the evidence
            store.add_review(run_id, item, items[item], draft, rating, "", cmd.evaluator, at)
        for o in checked.observations:
            store.add_observation(run_id, o["kind"], o["t"], o["capability"], o["text"], cmd.evaluator, at)
        plan_touched = checked.additions or checked.edits or cmd.removes or cmd.accept_plan
        if plan_touched and not store.plan_items(run_id):
            reviewed = rv.reviewed_run(store, spec, row, record["events"])  # with the ratings just changed
            for item in rv.draft_plan(reviewed, spec, record["events"]):
                # accepted by the evaluator who asks for it; otherwise kept as a draft nobody accepted
                store.add_plan_item(run_id, item, cmd.evaluator if cmd.accept_plan else DRAFT, at)
        elif cmd.accept_plan:
            for item in store.plan_items(run_id):
                if item["evaluator"] == DRAFT:
                    store.add_plan_item(run_id, item, cmd.evaluator, at, replaces=item["row"])
        current = {r["id"]: r for r in store.plan_items(run_id)}
        for number, fields in checked.edits:
            if number not in current:
                raise _bad("--edit-plan", f"no improvement-plan item {number}; items: "
                           f"{', '.join(map(str, current)) or 'none'}")
            merged = rv.check_plan_item({**current[number], **{k: v for k, v in fields.items() if v is not None}},
                                        spec=spec)
            store.add_plan_item(run_id, merged, cmd.evaluator, at, replaces=current[number]["row"])
            current = {r["id"]: r for r in store.plan_items(run_id)}
        for number in cmd.removes:
            if number not in current:
                raise _bad("--remove-plan", f"no improvement-plan item {number}; items: "
                           f"{', '.join(map(str, current)) or 'none'}")
            store.add_plan_item(run_id, current[number], cmd.evaluator, at, replaces=current[number]["row"],
                                removed=True)
        for item in checked.additions:
            store.add_plan_item(run_id, item, cmd.evaluator, at)
    return rv.reviewed_run(store, spec, store.run_by_key(run_key(record)), record["events"]), at


def _capability_draft(reviewed: rv.ReviewedRun, item: str) -> str:
    return next(c.draft for c in reviewed.capabilities if c.id == item)


def _capability_rating(reviewed: rv.ReviewedRun, item: str) -> str:
    return next(c.rating for c in reviewed.capabilities if c.id == item)
