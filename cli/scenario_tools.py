"""Trainers' scenario tools: validate, schema, preview, guide."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cli.common import EXIT_BAD_INPUT, EXIT_OK, WIDTH, count_of, load_scenario


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.format.problems import InputError

    status = EXIT_OK
    for path in args.files:
        try:
            scenario = load_scenario(path)
        except InputError as exc:
            print(exc, file=sys.stderr)
            count = len(exc.problems)
            print(f"{path}: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        spec = scenario.spec
        rows, cols = scenario.grid.shape
        print(f"{path}: ok: {spec.id} '{spec.title}' ({spec.difficulty}, ~{spec.estimated_minutes} min; "
              f"{cols}x{rows} cells; {count_of(spec.victims, 'victim')}, {count_of(spec.perpetrators, 'perpetrator')}, "
              f"{count_of(spec.units, 'unit')})")
    return status

def cmd_schema(args: argparse.Namespace) -> int:
    from sim.format.scenario import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK

def cmd_preview(args: argparse.Namespace) -> int:
    from ui.preview import save_preview

    from sim.format.problems import InputError, Problem

    scenario = load_scenario(args.file)
    out = Path(args.out or Path("results") / f"{scenario.id}_preview.png")
    if out.suffix.lower() != ".png":
        raise InputError([Problem(str(out), 1, 1, "--out", "the preview is a PNG image: give a file name ending in .png")])
    try:
        save_preview(scenario, out, width=args.width)
    except OSError as exc:  # name the file asked for, not the temporary one beside it
        raise OSError(exc.errno, exc.strerror, str(out)) from None
    print(f"{args.file}: preview written to {out}")
    return EXIT_OK

def cmd_guide(args: argparse.Namespace) -> int:
    from sim.evaluation.guide import guide_html
    from sim.evaluation.record import write_atomic
    from sim.format.problems import InputError, Problem

    scenario = load_scenario(args.scenario)
    out = Path(args.out or Path("results") / f"{scenario.id}_guide.html")
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError([Problem(str(out), 1, 1, "--out", "the guide is an HTML page: give a file ending in .html")])
    write_atomic(out, guide_html(scenario))
    print(f"{args.scenario}: evaluation guide written to {out}")
    return EXIT_OK


def add_parsers(sub) -> None:
    p = sub.add_parser("validate", help="check scenario files; one line per good file, located messages otherwise")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema (draft 2020-12) of the scenario format")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("preview", help="draw a scenario's floor plan and starting positions to a PNG")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--out", metavar="PNG", help="output file (default results/ID_preview.png)")
    p.add_argument("--width", type=WIDTH, default=1600, help="image width in pixels (default 1600)")
    p.set_defaults(func=cmd_preview)

    p = sub.add_parser("guide", help="write a scenario's exercise evaluation guide as HTML: the evaluator's checklist")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--out", metavar="HTML", help="output file (default results/ID_guide.html)")
    p.set_defaults(func=cmd_guide)
