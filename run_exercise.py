"""Command line of the rescue-exercise simulator. Thin: parses arguments, calls sim/ or ui/.

    python run_exercise.py validate scenarios/*.yaml
    python run_exercise.py preview scenarios/kowloon_flat.yaml --out map.png
    python run_exercise.py schema > scenarios/schema.json

Exit codes: 0 success; 1 a check failed (e.g. verify found a difference); 2 bad input.
Bad input never gives a traceback: the message names file, line, column and field.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _load(path: str):
    from sim.scenario import load
    return load(path)


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.problems import InputError

    status = EXIT_OK
    for path in args.files:
        try:
            scenario = _load(path)
        except InputError as exc:
            print(exc, file=sys.stderr)
            count = len(exc.problems)
            print(f"{path}: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        spec = scenario.spec
        rows, cols = scenario.grid.shape
        print(f"{path}: ok: {spec.id} '{spec.title}' ({spec.difficulty}, ~{spec.estimated_minutes} min; "
              f"{cols}x{rows} cells; {len(spec.victims)} victims, {len(spec.perpetrators)} perpetrators, "
              f"{len(spec.units)} units)")
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    from sim.scenario import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_preview(args: argparse.Namespace) -> int:
    from ui.preview import save_preview

    scenario = _load(args.file)
    out = Path(args.out or Path("results") / f"{scenario.id}_preview.png")
    save_preview(scenario, out, width=args.width)
    print(f"{args.file}: preview written to {out}")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from sim import record as records
    from sim.exercise import Exercise
    from sim.narrate import timeline
    from sim.scenario import load_plan

    scenario = _load(args.scenario)
    plan = load_plan(args.plan, scenario) if args.plan else scenario.spec.doctrine_plan
    exercise = Exercise(scenario, seed=args.seed, plan=plan, trainee=args.trainee)
    exercise.run_to_end()
    record = exercise.record()
    path = records.save(record, args.out)
    if args.json:
        print(json.dumps({"record": str(path), **record["metrics"]}, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(outcome_text(record, scenario, timeline(record["events"], scenario.spec)))
    print(f"\nrun record: {path}")
    return EXIT_OK


def outcome_text(record: dict, scenario, lines: list[str]) -> str:
    metrics = record["metrics"]
    out = [f"{scenario.title}", f"plan: {record['plan'].get('name')}   seed: {record['seed']}   "
           f"ended after {record['duration_s']:.0f} s: {record['end_reason']}", "", "Timeline"]
    out += [f"  {line}" for line in lines]
    out += ["", "Capabilities (P performed without challenges, S some, M major, U unable)"]
    for cap in metrics["capabilities"]:
        out.append(f"  {cap['rating']}  {cap['score']:.2f}  {cap['name']}: {cap['reason']}")
        for name, m in cap["metrics"].items():
            out.append(f"        {m['score']:.2f}  {name:<22} {m['explanation']}")
    overall = metrics["overall"]
    out += ["", f"Overall score {overall['score']:.3f}  rating {overall['rating']}"]
    return "\n".join(out)


def cmd_verify(args: argparse.Namespace) -> int:
    from sim import record as records
    from sim.problems import InputError, Problem

    record = records.load(args.record)
    path = args.scenario or record["scenario"].get("path")
    if not path or not Path(path).exists():
        raise InputError([Problem(args.record, 1, 1, "scenario.path",
                                  f"scenario file {path!r} not found; give it with --scenario FILE")])
    verdict = records.verify(_load(path), record)
    print(f"{args.record}: {'ok' if verdict.ok else 'MISMATCH'}: {verdict.message}")
    return EXIT_OK if verdict.ok else EXIT_FAILED


def cmd_play(args: argparse.Namespace) -> int:
    from ui.main import play

    shots = play(args.scenario, trainee=args.trainee, seed=args.seed, resume=args.resume,
                 autoplay=args.autoplay, screenshots=args.screenshots, results=args.out,
                 max_frames=args.max_frames)
    for path in shots:
        print(f"screenshot: {path}")
    return EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    from ui.main import replay

    replay(args.record, scenario_path=args.scenario)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run-exercise",
        description="Joint rescue exercise simulator: check, preview, run and play scenarios.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("validate", help="check scenario files; one line per good file, located messages otherwise")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema (draft 2020-12) of the scenario format")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("preview", help="draw a scenario's floor plan and starting positions to a PNG")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--out", metavar="PNG", help="output file (default results/ID_preview.png)")
    p.add_argument("--width", type=int, default=1600, help="image width in pixels (default 1600)")
    p.set_defaults(func=cmd_preview)

    p = sub.add_parser("run", help="run a scenario headless with a plan (the doctrine plan by default)")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--plan", metavar="PLAN", help="plan file (YAML); default: the scenario's doctrine plan")
    p.add_argument("--out", metavar="DIR", default="results", help="folder for the run record (default results/)")
    p.add_argument("--trainee", metavar="NAME", help="name the run after a trainee")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("verify", help="re-simulate a run record and check it matches")
    p.add_argument("record", metavar="RECORD")
    p.add_argument("--scenario", metavar="FILE", help="scenario file (default: the path in the record)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("play", help="open the window: briefing, planning, the operation, debrief")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", help="scenario file (default: a menu of scenarios/)")
    p.add_argument("--trainee", metavar="NAME")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--resume", metavar="JOURNAL", help="continue a play session from its journal")
    p.add_argument("--autoplay", action="store_true", help="play the doctrine plan by itself through every scene")
    p.add_argument("--screenshots", metavar="DIR", help="with --autoplay: save a PNG of each scene here")
    p.add_argument("--out", metavar="DIR", default="results", help="folder for records and journals")
    p.add_argument("--max-frames", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_play)

    p = sub.add_parser("replay", help="open the debrief and replay of a saved run record")
    p.add_argument("record", metavar="RECORD")
    p.add_argument("--scenario", metavar="FILE", help="scenario file (default: the path in the record)")
    p.set_defaults(func=cmd_replay)
    return parser


def main(argv: list[str] | None = None) -> int:
    from sim.problems import InputError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        name = getattr(exc, "filename", None) or ""
        print(f"{name}: {exc.strerror or exc}" if name else str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
