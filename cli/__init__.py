"""The command line of the rescue-exercise simulator: `python run_exercise.py COMMAND ...`.

Each module holds one group of commands, each command's parser beside its handler
(`add_parsers(sub)` registers them). A new command goes in the group its users would
look for it in; a new group is a module here and a line in GROUPS.

    scenario_tools  validate, schema, preview, guide      (trainers)
    runs            run, verify, keys
    window          play, replay                          (trainees)
    joint           host, join, joint-view
    batches         batch, calibrate, score (calibrate --sensitivity: sensitivity.py)
    evaluators      compare, report, cohort, export       (evaluators)
    review          review

This layer may import everything in sim/ and ui/; nothing imports it but run_exercise.py.
Handlers import what they need inside the function, so `validate` never loads pygame.
Exit codes: 0 success; 1 a check failed (e.g. verify found a difference); 2 bad input.
Bad input never gives a traceback: the message names file, line, column and field.
"""
from __future__ import annotations

import argparse
import sys

from cli import batches, evaluators, joint, review, runs, scenario_tools, window
from cli.common import EXIT_BAD_INPUT, EXIT_OK

GROUPS = (scenario_tools, runs, window, joint, batches, evaluators, review)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run-exercise",
        description="Joint rescue exercise simulator: check, preview, run and play scenarios.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for group in GROUPS:
        group.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from sim.format.problems import InputError

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
    except BrokenPipeError:  # the output went to `head` or a pager that closed: not an error of input
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        name = getattr(exc, "filename", None) or ""
        print(f"{name}: {exc.strerror or exc}" if name else str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
