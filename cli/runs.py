"""One run headless, and checking a run record: run, verify, keys (the key that signs records)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cli.common import EXIT_FAILED, EXIT_OK, SEED, load_scenario, open_store, scenario_of_record, store_option, person_name


def cmd_run(args: argparse.Namespace) -> int:
    from sim.evaluation import record as records
    from sim.engine.exercise import Exercise
    from sim.engine.narrate import timeline
    from sim.format.scenario import load_plan

    scenario = load_scenario(args.scenario)
    plan = load_plan(args.plan, scenario) if args.plan else scenario.spec.doctrine_plan
    if args.joint and not scenario.spec.seats:
        from sim.format.problems import InputError, Problem
        raise InputError([Problem(args.scenario, 1, 1, "seats", "--joint needs a scenario with seats")])
    from sim.format.plan_checks import check_plan
    for warning in check_plan(scenario, plan):  # the warnings the planning screen shows; the run goes on
        print(f"{args.plan or args.scenario}: warning: {warning.text}", file=sys.stderr)
    exercise = Exercise(scenario, seed=args.seed, plan=plan, trainee=args.trainee,
                        joint=() if args.joint else None)
    exercise.run_to_end()
    record = records.make_record(exercise)
    path = records.save(record, args.out, key_dir=key_folder(args))
    open_store(args).add(record, source="headless", record_path=str(path))
    if args.json:
        print(json.dumps({"record": str(path), **record["metrics"]}, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(outcome_text(record, scenario, timeline(record["events"], scenario.spec)))
    if args.joint:
        from sim.evaluation.joint_view import joint_view_text
        print("\n" + joint_view_text(scenario.spec, record["events"]))
    print(f"\nrun record: {path}")
    return EXIT_OK

def outcome_text(record: dict, scenario, lines: list[str]) -> str:
    metrics = record["metrics"]
    out = [f"{scenario.title}", scenario.spec.challenge.briefing_line(), f"plan: {record['plan'].get('name')}   seed: {record['seed']}   "
           f"ended after {record['duration_s']:.0f} s: {record['end_reason']}", "", "Timeline"]
    out += [f"  {line}" for line in lines]
    out += ["", "Capabilities (P performed without challenges, S some, M major, U unable)"]
    from sim.evaluation.metrics import shown

    for cap in metrics["capabilities"]:
        out.append(f"  {cap['rating']:<3}{shown(cap['score'], 2):>4}  {cap['name']}: {cap['reason']}")
        for name, m in cap["metrics"].items():
            out.append(f"        {shown(m['score'], 2):>4}  {name:<22} {m['explanation']}")
    overall = metrics["overall"]
    out += ["", f"Overall score {overall['score']:.3f}  rating {overall['rating']}"]
    return "\n".join(out)

def key_folder(args: argparse.Namespace) -> Path:
    """The signing key is kept beside the results store."""
    return Path(args.db).parent if getattr(args, "db", None) else Path(getattr(args, "out", None) or "results")


def cmd_verify(args: argparse.Namespace) -> int:
    from sim.evaluation import record as records
    from sim.evaluation.signing import read_public_key

    key = read_public_key(args.key) if args.key else None
    record = records.load(args.record)
    scenario = scenario_of_record(args.record, record, args.scenario)
    beside = Path(args.record).parent  # a run made with --out DIR keeps its store and key there
    folder = beside if not getattr(args, "db", None) and (beside / "signing_key.pem").exists() else key_folder(args)
    verdict = records.verify(scenario, record, key=key, key_dir=folder, require_signature=True)
    print(f"{args.record}: {'ok' if verdict.ok else 'MISMATCH'}: {verdict.message}")
    if verdict.ok and verdict.signature:
        print(f"  signature: {verdict.signature}")
    if verdict.warning:
        print(f"warning: {verdict.warning}", file=sys.stderr)
    return EXIT_OK if verdict.ok else EXIT_FAILED


def cmd_keys_export(args: argparse.Namespace) -> int:
    from sim.evaluation.signing import fingerprint, key_pair, public_text

    folder = key_folder(args)
    made = not (folder / "signing_key.pem").exists()
    public = key_pair(folder).public_key()
    sys.stdout.write(public_text(public))
    print(f"{'made now: ' if made else ''}the public key of {folder / 'signing_key.pem'}, {fingerprint(public)}; "
          "give it to evaluators: verify RECORD --key FILE", file=sys.stderr)
    return EXIT_OK


def add_parsers(sub) -> None:
    p = sub.add_parser("run", help="run a scenario headless with a plan (the doctrine plan by default)")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--seed", type=SEED, default=1, help="random seed (default 1)")
    p.add_argument("--plan", metavar="PLAN", help="plan file (YAML); default: the scenario's doctrine plan")
    p.add_argument("--out", metavar="DIR", default="results", help="folder for the run record (default results/)")
    p.add_argument("--trainee", type=person_name, metavar="NAME", help="name the run after a trainee")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--joint", action="store_true", help="as a joint exercise, every seat played by the plan; "
                                                        "prints who knew what, and when")
    store_option(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("verify", help="re-simulate a run record and check it matches")
    p.add_argument("record", metavar="RECORD")
    p.add_argument("--scenario", metavar="FILE", help="scenario file (default: the path in the record)")
    p.add_argument("--key", metavar="PUBLIC_KEY", help="check the signature against this public key (a file "
                   "from `keys export` on the machine that made the record)")
    store_option(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("keys", help="the key that signs this machine's run records")
    keys = p.add_subparsers(dest="keys_command", metavar="ACTION")
    keys.required = True
    k = keys.add_parser("export", help="print the public key (PEM) for evaluators on other machines")
    k.add_argument("--out", metavar="DIR", default="results", help="the results folder whose key (default results/)")
    store_option(k)
    k.set_defaults(func=cmd_keys_export)
