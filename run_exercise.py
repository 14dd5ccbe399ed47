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
