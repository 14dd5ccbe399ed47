"""Evaluators' tables and reports: compare, report, cohort, export."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import EXIT_BAD_INPUT, EXIT_OK, RUNS, SEED, WORKERS, bounded, load_scenario, open_store, scenario_by_id, store_option


def cmd_compare(args: argparse.Namespace) -> int:
    import csv
    import io
    import shutil
    import textwrap
    from sim.evaluation.compare import counted_text, table
    from sim.evaluation.reference import roles_text

    store = open_store(args, must_exist=True)
    scenario = scenario_by_id(args.scenario, store)
    rows = table(store, scenario, args.by)
    caps = [(c.id, c.name) for c in scenario.spec.scored_capabilities]
    print(f"{scenario.id}: by {args.by}; 'vs reference' is the paired difference from the doctrine plan on the "
          f"same seeds (* its 95% CI leaves out zero)")
    print(counted_text(args.by))
    if not any(not r.is_reference for r in rows):
        from sim.evaluation.reference import PLAN_ROLES, TRAINEE_ROLES
        print(f"(no runs {'of a trainee' if args.by == 'trainee' else 'of a plan batch'} yet: "
              f"{roles_text(TRAINEE_ROLES if args.by == 'trainee' else PLAN_ROLES)})")
    # whole names: as wide as the longest (within the terminal), wrapped beyond that, never cut
    width = max(len(args.by), *(len(r.name) for r in rows)) + 2 if rows else 12
    width = max(12, min(width, shutil.get_terminal_size((100, 24)).columns - 57))
    print(f"{args.by:<{width}}{'runs':>6}{'seeds':>6}{'mean':>8}{'95% CI':>18}{'vs reference':>14}{'p':>8}")
    for r in rows:
        s = r.summary
        ci = f"{max(0.0, s.ci_low):.3f} to {min(1.0, s.ci_high):.3f}" if s.n > 1 else "  (one seed)  "
        if r.against is None:
            vs, p = ("reference" if r.is_reference else "no common seed"), ""
        else:
            real = r.against.verdict == "larger than luck explains"
            vs, p = f"{r.against.value:+.3f}{'*' if real else ' '}", (f"{r.against.paired.p_value:.3f}" if r.against.paired.n > 1 else "-")
        lines = textwrap.wrap(r.name, width - 2, break_on_hyphens=False) or [""]
        print(f"{lines[0]:<{width}}{len(r.runs):>6}{s.n:>6}{s.mean:>8.3f}   {ci}{vs:>14}{p:>8}")
        for more in lines[1:]:
            print(f"  {more}")
    if caps and rows:  # the scenario's capabilities, by name, as every view shows them
        print(f"\nMean capability score (each seed once)")
        for r in rows:
            print(f"  {r.name}")
            print("    " + "; ".join(f"{name} {r.capabilities[c]:.2f}" for c, name in caps if c in r.capabilities))
    if args.csv:
        from sim.evaluation.record import write_atomic
        metric_names = sorted({n for r in rows for n in r.metrics})
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([args.by, "roles", "runs", "seeds", "mean", "ci_low", "ci_high", "vs_reference",
                         "vs_reference_ci_low", "vs_reference_ci_high", "p_value", "verdict"]
                        + [name for _, name in caps] + metric_names)
        for r in rows:
            s, a = r.summary, r.against
            writer.writerow([r.name, "; ".join(r.roles), len(r.runs), s.n, round(s.mean, 4),
                             round(max(0.0, s.ci_low), 4) if s.n > 1 else "", round(min(1.0, s.ci_high), 4) if s.n > 1 else "",
                             round(a.value, 4) if a else "", round(a.paired.ci_low, 4) if a else "",
                             round(a.paired.ci_high, 4) if a else "", round(a.paired.p_value, 4) if a else "",
                             a.verdict if a else ("reference" if r.is_reference else "")]
                            + [round(r.capabilities[c], 3) if c in r.capabilities else "" for c, _ in caps]
                            + [round(r.metrics[n], 3) if n in r.metrics else "" for n in metric_names])
        write_atomic(Path(args.csv), buffer.getvalue())
        print(f"table written to {args.csv}")
    return EXIT_OK

def cmd_report(args: argparse.Namespace) -> int:
    from sim.evaluation.record import write_atomic
    from sim.evaluation.report import report_inputs_missing, write_report
    from sim.format.problems import InputError, Problem

    outputs = [Path(p) for p in [args.out_file, args.docx] if p]
    for out in outputs:
        if out.suffix.lower() not in (".html", ".htm", ".docx"):
            raise InputError([Problem(str(out), 1, 1, "--out", "write the report to a .html or a .docx file")])
    store = open_store(args, must_exist=True)
    missing = report_inputs_missing(store, args.scenario, args.trainee)
    if missing:
        print(missing, file=sys.stderr)
        return EXIT_BAD_INPUT
    scenario = scenario_by_id(args.scenario, store)
    if args.trainee is None:
        if any(out.suffix.lower() == ".docx" for out in outputs):
            raise InputError([Problem("report", 1, 1, "--trainee", "the Word document is the after-action report "
                                      "of one trainee (or team): give --trainee NAME")])
        write_atomic(outputs[0], write_report(store, scenario, trainee=None, by=args.by))
        print(f"report written to {outputs[0]}")
        return EXIT_OK
    from sim.evaluation import aar as aars
    from sim.evaluation.aar_docx import docx_bytes

    luck = None
    run = aars._trainee_run(store, scenario.id, args.trainee, args.record)
    if args.runs:
        luck = _luck_of(run, scenario, store, args)
    report = aars.build(store, scenario, args.trainee, luck=luck, record_path=args.record)
    for out in outputs:
        write_atomic(out, docx_bytes(report) if out.suffix.lower() == ".docx" else aars.html(report))
        print(f"after-action report of {args.trainee} written to {out}")
    return EXIT_OK

def _luck_of(run: dict, scenario, store, args):
    """The luck-adjusted score of a stored run: its choices over --runs seeds beside doctrine."""
    from sim.evaluation import record as records
    from sim.evaluation.skill import skill

    path = run.get("record_path")
    if not path or not Path(path).exists():
        print(f"note: the run record {path!r} is gone; the report has no luck-adjusted score", file=sys.stderr)
        return None
    record = records.load(path)
    if record["scenario"]["sha256"] != scenario.sha256:
        print(f"note: {path} was made with another version of the scenario; no luck-adjusted score", file=sys.stderr)
        return None
    return skill(scenario, record, runs=args.runs, first_seed=0, store=store, workers=args.workers)

def cmd_cohort(args: argparse.Namespace) -> int:
    from sim.evaluation.cohort import cohort, text
    from sim.format.problems import InputError, Problem

    scenario = load_scenario(args.scenario)
    store = open_store(args, must_exist=True)
    result = cohort(store, scenario, runs=args.runs, first_seed=args.seed, workers=args.workers,
                    progress=sys.stderr.isatty())
    if not result.members:
        raise InputError([Problem(str(store.path), 1, 1, "", f"no trainee has played scenario '{scenario.id}' "
                                  "(this version of it) yet: run or play it with --trainee NAME first"
                                  + ("; " + "; ".join(result.skipped) if result.skipped else ""))])
    print(text(result))
    return EXIT_OK

def cmd_export(args: argparse.Namespace) -> int:
    import csv
    import io
    from sim.evaluation.record import write_atomic

    store = open_store(args, must_exist=True)
    folder = Path(args.csv)
    for table in ("runs", "metrics", "capabilities", "decisions", "events"):
        columns, rows = store.table(table)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows(rows)
        write_atomic(folder / f"{table}.csv", buffer.getvalue())
    print(f"exported {store.count()} runs to {folder}/ (runs, metrics, capabilities, decisions, events .csv)")
    return EXIT_OK


def add_parsers(sub) -> None:
    p = sub.add_parser("compare", help="table of metrics per trainee or plan, with paired tests on shared seeds")
    p.add_argument("--scenario", metavar="ID")
    p.add_argument("--by", choices=("trainee", "plan"), default="plan")
    p.add_argument("--csv", metavar="FILE", help="also write the table as CSV")
    store_option(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("report", help="after-action report and improvement plan of a trainee (HTML and/or Word); "
                       "without --trainee, a summary of every trainee and plan with charts")
    p.add_argument("--scenario", metavar="ID")
    p.add_argument("--trainee", metavar="NAME", help="the trainee (or team name) whose exercise is reported")
    p.add_argument("--record", metavar="RECORD", help="with --trainee: which of their runs (default: the latest)")
    p.add_argument("--by", choices=("all", "trainee", "plan"), default="all",
                   help="the summary's comparison: trainees and plans (default), or only one of them")
    p.add_argument("--out", dest="out_file", metavar="FILE", required=True, help="report.html or report.docx")
    p.add_argument("--docx", metavar="FILE", help="also write the Word document here")
    p.add_argument("--runs", type=bounded(0, 100_000, "a number of seeds"), default=100, metavar="N",
                   help="seeds for the luck-adjusted score (default 100; 0: leave it out)")
    p.add_argument("--workers", type=WORKERS, default=None, metavar="K")
    store_option(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("cohort", help="every trainee of a scenario: luck-adjusted scores with CIs on common seeds, "
                       "a ranking with paired tests, and how each decision was taken and what it cost")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--runs", type=RUNS, default=100, metavar="N", help="common seeds (default 100)")
    p.add_argument("--seed", type=SEED, default=0, metavar="S", help="first seed (default 0)")
    p.add_argument("--workers", type=WORKERS, default=None, metavar="K")
    store_option(p)
    p.set_defaults(func=cmd_cohort)

    p = sub.add_parser("export", help="export the store to CSV files for spreadsheets")
    p.add_argument("--csv", metavar="DIR", required=True)
    store_option(p)
    p.set_defaults(func=cmd_export)
