"""Evaluators' tables and reports: compare, report, cohort, export."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import EXIT_BAD_INPUT, EXIT_OK, RUNS, SEED, WORKERS, bounded, load_scenario, open_store, scenario_by_id, store_option


def cmd_compare(args: argparse.Namespace) -> int:
    import csv
    from sim.evaluation.skill import groups, paired_against
    from sim.evaluation.stats import summarise

    store = open_store(args, must_exist=True)
    scenario = scenario_by_id(args.scenario, store)
    all_groups = groups(store, scenario.id, args.by)
    names = sorted({n for g in all_groups for n in g.scores if n != "overall"})
    header = [args.by, "runs", "mean", "ci_low", "ci_high", "paired_vs_first", "p_value", "significant"] + names
    rows = []
    reference = all_groups[0]
    for g in all_groups:
        s = summarise(g.scores["overall"])
        test = paired_against(g, reference) if g is not reference else None
        rows.append([g.name, s.n, round(s.mean, 4), round(max(0.0, s.ci_low), 4), round(min(1.0, s.ci_high), 4),
                     round(test.mean_difference, 4) if test else "", round(test.p_value, 4) if test else "",
                     ("yes" if test.significant else "no") if test else ""] +
                    [round(sum(g.scores.get(n, [0])) / max(1, len(g.scores.get(n, []))), 3) for n in names])
    print(f"{scenario.id}: by {args.by}; paired tests on shared seeds against '{reference.name}'; * p < 0.05")
    import shutil
    import textwrap
    # whole names: as wide as the longest (within the terminal), wrapped beyond that, never cut
    width = max(len(args.by), *(len(str(row[0])) for row in rows)) + 2
    width = max(12, min(width, shutil.get_terminal_size((100, 24)).columns - 51))
    print(f"{args.by:<{width}}{'runs':>6}{'mean':>8}{'95% CI':>18}{'vs first':>11}{'p':>8}")
    for row in rows:
        mark = "*" if row[7] == "yes" else " "
        vs = f"{row[5]:+.3f}{mark}" if row[5] != "" else "-"
        p = f"{row[6]:.3f}" if row[6] != "" else ""
        ci = f"{row[3]:.3f} to {row[4]:.3f}" if row[1] > 1 else "  (one run)   "
        lines = textwrap.wrap(str(row[0]), width - 2, break_on_hyphens=False) or [""]
        print(f"{lines[0]:<{width}}{row[1]:>6}{row[2]:>8.3f}   {ci}{vs:>11}{p:>8}")
        for more in lines[1:]:
            print(f"  {more}")
    if args.csv:
        from sim.evaluation.record import write_atomic
        buffer = __import__("io").StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
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
    p.add_argument("--by", choices=("trainee", "plan"), default="plan")
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
