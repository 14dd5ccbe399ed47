"""An evaluator's review of one run: review."""
from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import EXIT_OK, open_store, scenario_of_record, store_option


def cmd_review(args: argparse.Namespace) -> int:
    from sim.evaluation import record as records
    from sim.evaluation import review as rv
    from sim.evaluation.review_command import ReviewCommand, apply_review
    from sim.format.problems import InputError, Problem

    record = records.load(args.record)
    scenario = scenario_of_record(args.record, record, args.scenario)
    if record["scenario"]["sha256"] != scenario.sha256:
        raise InputError([Problem(args.record, 1, 1, "scenario", f"the record was made with another version of "
                                  f"scenario '{scenario.id}' (its SHA-256 differs from the file's)")])
    beside = Path(args.record).parent / "exercise.db"
    if not args.db and beside.exists():  # the store the run was stored in, beside its record
        args.db = str(beside)
    store = open_store(args)
    spec = scenario.spec
    command = ReviewCommand(evaluator=args.evaluator, sets=args.set, reasons=args.reason, confirms=args.confirm,
                            observes=args.observe, plan_items=args.plan_item, plan_file=args.plan_file,
                            edits=args.edit_plan, removes=args.remove_plan, accept_plan=args.accept_plan)
    reviewed, at = apply_review(store, spec, record, command, record_path=str(args.record))
    who = record.get("trainee") or record["plan"].get("name")
    print(f"{args.record}: {spec.title}, {who}, seed {record['seed']}; "
          f"{len(reviewed.changed)} rating{'s' if len(reviewed.changed) != 1 else ''} changed in review")
    print("\n".join(rv.describe(reviewed)))
    print(rv.overall_line(reviewed))
    if reviewed.observations:
        names = {c.id: c.name for c in spec.scored_capabilities}
        print("Observations")
        for o in reviewed.observations:
            cap = f" [{names.get(o['capability'], o['capability'])}]" if o["capability"] else ""
            print(f"  {rv.clock(o['t'] or 0)} {o['kind']}{cap}: {o['text']}  ({o['evaluator']} {o['at']})")
    print("\n".join(rv.plan_lines(reviewed, spec, record["events"])))
    if command.writes:
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
    p.add_argument("--plan-item", action="append", default=[],
                   metavar="'issue=..; action=..; capability=..; element=..; agency=..; poc=..; start=..; due=..'",
                   help="add an improvement-plan item (dates YYYY-MM-DD; write \\; for a semicolon inside a text)")
    p.add_argument("--plan-file", metavar="YAML", help="add improvement-plan items from a YAML list of mappings "
                   "with those fields (any text)")
    p.add_argument("--edit-plan", action="append", default=[], nargs=2, metavar=("N", "FIELDS"), type=_plan_edit,
                   help="change fields of plan item N, e.g. --edit-plan 3 'due=2027-02-28'")
    p.add_argument("--remove-plan", action="append", default=[], type=int, metavar="N", help="remove plan item N")
    p.add_argument("--accept-plan", action="store_true", help="accept the drafted improvement-plan items under your "
                   "name (confirming ratings never does)")
    store_option(p)
    p.set_defaults(func=cmd_review)
