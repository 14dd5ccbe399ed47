"""`calibrate SCENARIO --sensitivity`: the doctrine plan varied one element at a time (the
work is in sim/evaluation/sensitivity.py; this is its options and its printing)."""
from __future__ import annotations

import argparse
import sys

from cli.common import EXIT_OK, bounded


def add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sensitivity", action="store_true",
                   help="vary the doctrine plan one element at a time (entry method, each cordon, the language "
                        "speaker, restraint, time of entry, shields): each change's effect on each bad outcome, 95%% CI")
    p.add_argument("--plan", metavar="PLAN", help="with --sensitivity: vary this plan file instead of the doctrine plan")
    p.add_argument("--wait-minutes", type=bounded(1, 120, "minutes"), default=None, metavar="M",
                   help="with --sensitivity: how long the delayed entry waits (default 10)")
    p.add_argument("--markdown", action="store_true", help="with --sensitivity: print the table as Markdown")


def run_sensitivity(args: argparse.Namespace, scenario) -> int:
    from sim.evaluation.sensitivity import markdown_table, sensitivity, steady_reasons, text_table, unexplained
    from sim.format.problems import InputError, Problem
    from sim.format.scenario import load_plan

    if args.runs is not None and args.runs < 2:
        raise InputError([Problem(scenario.path, 1, 1, "--runs", f"got {args.runs}; --sensitivity needs at least "
                                  "2 seeds (a difference over one seed has no confidence interval); 200 by default")])
    plan = load_plan(args.plan, scenario) if args.plan else scenario.spec.doctrine_plan
    report = sensitivity(scenario, plan, runs=args.runs or 200, first_seed=args.seed, workers=args.workers,
                         wait_minutes=args.wait_minutes or 10, progress=_Progress(sys.stderr.isatty()))
    missing = unexplained(report)
    reasons = steady_reasons(scenario.spec, missing)
    if args.markdown:
        print(markdown_table(report, scenario.id, plan.name if args.plan else None))
        for name in missing:
            print(f"\n*{name}*: no change moves it clearly (no 95% CI excludes zero); "
                  + (f"the scenario says why: {reasons[name]}" if name in reasons else "the scenario does not say why."))
        return EXIT_OK
    print(f"{scenario.title}: {scenario.spec.challenge.briefing_line()}")
    print(text_table(report, plan.name))
    for name, why in reasons.items():
        print(f"\n{name}: no change moves it clearly (no 95% CI excludes zero); the scenario says why: {why}")
    others = [name for name in missing if name not in reasons]
    if others:
        print(f"\nNo change moves these clearly (no 95% CI excludes zero), and the scenario does not say why: "
              f"{', '.join(others)}")
    return EXIT_OK


class _Progress:
    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, done: int, total: int) -> None:
        if self.enabled and (done % 50 == 0 or done == total):
            sys.stderr.write(f"\r  {done}/{total} runs ")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()
