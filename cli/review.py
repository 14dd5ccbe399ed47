"""An evaluator's review of one run: review."""
from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import EXIT_OK, open_store, scenario_of_record, store_option


def _run_of_record(args: argparse.Namespace):
    """The record, its scenario and its row in the store (stored now if it was not yet)."""
    from sim.evaluation import record as records
    from sim.evaluation.store import run_key

    record = records.load(args.record)
    scenario = scenario_of_record(args.record, record, args.scenario)
    if record["scenario"]["sha256"] != scenario.sha256:
        from sim.format.problems import InputError, Problem
        raise InputError([Problem(args.record, 1, 1, "scenario", f"the record was made with another version of "
                                  f"scenario '{scenario.id}' (its SHA-256 differs from the file's)")])
    beside = Path(args.record).parent / "exercise.db"
    if not args.db and beside.exists():  # the store the run was stored in, beside its record
        args.db = str(beside)
    store = open_store(args)
    row = store.run_by_key(run_key(record))
    if row is None:
        store.add(record, source="headless", record_path=str(args.record))
        row = store.run_by_key(run_key(record))
    return record, scenario, store, row

def cmd_review(args: argparse.Namespace) -> int:
    from sim.format.problems import InputError, Problem
    from sim.evaluation import review as rv

    record, scenario, store, row = _run_of_record(args)
    spec = scenario.spec
    if spec.evaluation_guide is None:
        raise InputError([Problem(str(scenario.path), 1, 1, "evaluation_guide", "this scenario has no evaluation "
                                  "guide to review against; add an evaluation_guide section after scoring")])
    items = rv.guide_items(spec)
    capabilities = [c.id for c in spec.evaluation_guide.capabilities]
    changes = [rv.parse_set(text, items) for text in args.set]
    confirms = list(items) if "all" in args.confirm else args.confirm
    for item in confirms:
        if item not in items:
            rv.parse_set(f"{item}=met", items)  # the same message for an unknown item
    observations = [rv.parse_observation(text, capabilities) for text in args.observe]
    additions = [rv.parse_plan_item(text) for text in args.plan_item]
    edits = [(number, rv.parse_plan_item(text, partial=True)) for number, text in args.edit_plan]
    writes = changes or confirms or observations or additions or edits or args.remove_plan or args.accept_plan
    if writes and not args.evaluator:
        raise InputError([Problem("review", 1, 1, "--evaluator", "say who is reviewing: --evaluator NAME "
                                  "(kept with every rating, observation and plan item)")])
    if changes and not args.reason:
        raise InputError([Problem("review", 1, 1, "--reason", "a changed rating needs its reason: "
                                  "--reason \"why the evidence says otherwise\"")])
    if changes and len(args.reason) not in (1, len(changes)):
        raise InputError([Problem("review", 1, 1, "--reason", f"{len(changes)} ratings set and {len(args.reason)} "
                                  "reasons given: give one --reason for each --set (in the same order), or one for all")])
    reviewed = rv.reviewed_run(store, spec, row, record["events"])
    at = rv.now_utc()
    for i, (item, rating) in enumerate(changes):
        reason = args.reason[i if len(args.reason) > 1 else 0]
        store.add_review(row["id"], item, items[item], reviewed.verdicts[item].draft, rating, reason, args.evaluator, at)
    for item in confirms:
        if item in dict(changes):
            continue
        verdict = reviewed.verdicts[item]
        store.add_review(row["id"], item, items[item], verdict.draft, verdict.rating,
                         (args.reason[0] if args.reason and not changes else "confirmed: the evidence bears it out"),
                         args.evaluator, at)
    for o in observations:
        store.add_observation(row["id"], o["kind"], o["t"], o["capability"], o["text"], args.evaluator, at)
    if (additions or edits or args.remove_plan or args.accept_plan) and not store.plan_items(row["id"]):
        reviewed = rv.reviewed_run(store, spec, row, record["events"])  # with the ratings just changed
        for item in rv.draft_plan(reviewed, spec):  # the draft plan, so its items can be edited by number
            store.add_plan_item(row["id"], item, "(draft)", at)
    current = {r["id"]: r for r in store.plan_items(row["id"])}
    for number, fields in edits:
        if number not in current:
            raise InputError([Problem("review", 1, 1, "--edit-plan", f"no improvement-plan item {number}; "
                                      f"items: {', '.join(map(str, current)) or 'none'}")])
        store.add_plan_item(row["id"], {**current[number], **fields}, args.evaluator, at,
                            replaces=current[number]["row"])
    for number in args.remove_plan:
        if number not in current:
            raise InputError([Problem("review", 1, 1, "--remove-plan", f"no improvement-plan item {number}; "
                                      f"items: {', '.join(map(str, current)) or 'none'}")])
        store.add_plan_item(row["id"], current[number], args.evaluator, at, replaces=current[number]["row"],
                            removed=True)
    for item in additions:
        store.add_plan_item(row["id"], item, args.evaluator, at)
    reviewed = rv.reviewed_run(store, spec, row, record["events"])
    who = record.get("trainee") or record["plan"].get("name")
    print(f"{args.record}: {spec.id}, {who}, seed {record['seed']}; "
          f"{len(reviewed.changed)} rating{'s' if len(reviewed.changed) != 1 else ''} changed in review")
    print("\n".join(rv.describe(reviewed)))
    if reviewed.observations:
        print("Observations")
        for o in reviewed.observations:
            cap = f" [{o['capability']}]" if o["capability"] else ""
            print(f"  {rv.clock(o['t'] or 0)} {o['kind']}{cap}: {o['text']}  ({o['evaluator']} {o['at']})")
    plan = reviewed.plan or [{"id": "draft", **p} for p in rv.draft_plan(reviewed, spec)]
    print("Improvement plan" + ("" if reviewed.plan else " (draft: not reviewed yet)"))
    for p in plan:
        dates = f"; {p.get('start') or '?'} to {p.get('due') or '?'}" if (p.get("start") or p.get("due")) else ""
        print(f"  {p['id']}. {p['issue']}\n       action: {p['action']} ({p.get('capability') or '-'}, "
              f"{p.get('agency') or 'agency not set'}{dates})")
    if writes:
        print(f"stored in {store.path} by {args.evaluator} at {at}")
    return EXIT_OK

def _plan_edit(text: str):
    return int(text) if text.isdigit() else text


def add_parsers(sub) -> None:
    p = sub.add_parser("review", help="list a run's draft ratings against the evaluation guide; confirm or change "
                       "them, add observations and the improvement plan")
    p.add_argument("record", metavar="RECORD")
    p.add_argument("--scenario", metavar="FILE", help="scenario file (default: the path in the record)")
    p.add_argument("--evaluator", metavar="NAME", help="who is reviewing (needed to store anything)")
    p.add_argument("--set", action="append", default=[], metavar="ITEM=RATING",
                   help="rate a task met/partly/not_met or a target P/S/M/U (repeat; each with a --reason)")
    p.add_argument("--reason", action="append", default=[], metavar="TEXT", help="why (one per --set, in order)")
    p.add_argument("--confirm", action="append", default=[], metavar="ITEM", help="confirm a draft rating ('all': every one)")
    p.add_argument("--observe", action="append", default=[], metavar="'T+MM:SS KIND [CAPABILITY]: TEXT'",
                   help="an observation: KIND is strength or area (for improvement)")
    p.add_argument("--plan-item", action="append", default=[], metavar="'issue=..; action=..; capability=..; agency=..; start=..; due=..'",
                   help="add an improvement-plan item (dates YYYY-MM-DD)")
    p.add_argument("--edit-plan", action="append", default=[], nargs=2, metavar=("N", "FIELDS"), type=_plan_edit,
                   help="change fields of plan item N, e.g. --edit-plan 3 'due=2027-02-28'")
    p.add_argument("--remove-plan", action="append", default=[], type=int, metavar="N", help="remove plan item N")
    p.add_argument("--accept-plan", action="store_true", help="store the draft improvement plan as it is")
    store_option(p)
    p.set_defaults(func=cmd_review)
