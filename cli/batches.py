"""Many runs: batch, calibrate, score."""
from __future__ import annotations

import argparse
import sys

from cli.common import EXIT_OK, RUNS, SEED, WORKERS, load_scenario, open_store, refuse_version, scenario_of_record, store_option, person_name


def cmd_batch(args: argparse.Namespace) -> int:
    from sim.evaluation import record as records
    from sim.evaluation.batch import run_batch
    from sim.evaluation.skill import policy_from_record
    from sim.format.scenario import load_plan
    from sim.evaluation.stats import summarise

    scenario = load_scenario(args.scenario)
    if args.record:
        record = records.load(args.record)
        scenario_of_record(args.record, record, args.scenario)
        if record["scenario"]["sha256"] != scenario.sha256:
            return refuse_version(args.record, record)
        plan = policy_from_record(record)
        # simulated runs of the trainee's policy: named by the plan, not played by them,
        # unless --trainee says whose runs they are
        trainee = args.trainee
    else:
        plan = load_plan(args.plan, scenario) if args.plan else scenario.spec.doctrine_plan
        trainee = args.trainee  # a trainee's plan batched under the trainee's name
    if trainee is not None and not trainee.strip():
        from sim.format.problems import InputError, Problem
        raise InputError([Problem("batch", 1, 1, "--trainee", "the trainee's name is empty; give a name")])
    store = open_store(args)
    result = run_batch(scenario, plan, runs=args.runs, first_seed=args.seed, workers=args.workers, store=store,
                       resume=args.resume, trainee=trainee, executor=args.executor, scheduler=args.scheduler,
                       keep_events=not args.no_events, progress=sys.stderr.isatty())
    rows = store.runs(batch=result.batch)
    print(f"batch {result.batch}: {len(rows)} of {args.runs} runs stored in {store.path} "
          f"({result.stored} new, {len(rows) - result.stored} already stored; {result.seconds:.1f} s)")
    if result.interrupted:
        print("interrupted: finish with the same command and --resume", file=sys.stderr)
        return 130
    from sim.evaluation.metrics import JOINT_ONLY

    metrics = store.metric_scores([r["id"] for r in rows])
    capabilities = store.capability_ratings([r["id"] for r in rows])
    names = sorted({n for m in metrics.values() for n in m} | set(JOINT_ONLY))
    width = max([26] + [len(c.name) + 2 for c in scenario.spec.scored_capabilities])

    def line(label: str, values: list) -> None:
        values = [v for v in values if v is not None]
        if not values:  # a joint-only measure in solo runs: no score, no s.d.
            print(f"{label:<{width}}{'n/a':>8}{'':>8}   not applicable in a solo run")
            return
        s = summarise(values)
        low, high = max(0.0, s.ci_low), min(1.0, s.ci_high)  # scores live in 0..1
        print(f"{label:<{width}}{s.mean:8.3f}{s.sd:8.3f}   {low:7.3f} to {high:5.3f}{s.p5:7.3f}{s.median:7.3f}{s.p95:7.3f}")

    print(f"{'capability':<{width}}{'mean':>8}{'sd':>8}{'95% CI':>19}{'p5':>7}{'p50':>7}{'p95':>7}")
    line("Overall", [r["overall_score"] for r in rows])
    for c in scenario.spec.scored_capabilities:  # the scenario's capabilities, by name, as every view shows them
        line(c.name, [capabilities[r["id"]][c.id][0] for r in rows if c.id in capabilities[r["id"]]])
    print(f"\n{'metric':<{width}}")
    for name in names:
        line(name.replace("_", " ").capitalize(), [metrics[r["id"]].get(name) for r in rows])
    return EXIT_OK


def cmd_calibrate(args: argparse.Namespace) -> int:
    """The scenario's three shipped plans over N seeds: outcome distribution and bad outcomes."""
    from sim.evaluation.calibrate import Bar, calibrate, missing_plan_problems, plan_files, table, targets_met
    from sim.format.problems import InputError, Problem
    from sim.format.scenario import load_plan

    scenario = load_scenario(args.scenario)
    if args.sensitivity:
        from cli.sensitivity import run_sensitivity
        return run_sensitivity(args, scenario)
    given = [flag for flag, value in (("--plan", args.plan), ("--markdown", args.markdown),
                                      ("--wait-minutes", args.wait_minutes)) if value]
    if given:
        raise InputError([Problem(args.scenario, 1, 1, given[0],
                                  "only with --sensitivity (calibration runs the three plan files)")])
    args.runs = args.runs or 1000
    files = plan_files(scenario)
    missing = missing_plan_problems(scenario, files)
    if missing:
        raise InputError(missing)
    plans = {kind: load_plan(str(path), scenario) for kind, path in files.items()}
    print(f"{scenario.title}: {args.runs} seeds from {args.seed} per plan; {scenario.spec.challenge.briefing_line()}",
          flush=True)
    results = calibrate(scenario, plans, runs=args.runs, first_seed=args.seed, workers=args.workers,
                        progress=Bar(sys.stderr.isatty()))
    print(table(results))
    for text, met in targets_met(results, dict(scenario.spec.challenge.steady)):
        print(f"  {'ok ' if met else 'MISS'} {text}")
    return EXIT_OK

def cmd_score(args: argparse.Namespace) -> int:
    from sim.evaluation import record as records
    from sim.evaluation.skill import skill
    from sim.evaluation.stats import p_text

    record = records.load(args.record)
    scenario = scenario_of_record(args.record, record, args.scenario)
    if record["scenario"]["sha256"] != scenario.sha256:
        return refuse_version(args.record, record)
    report = skill(scenario, record, runs=args.runs, first_seed=args.seed, store=open_store(args), workers=args.workers)
    t, d, diff = report.trainee, report.doctrine, report.difference
    who = record.get("trainee") or record["plan"].get("name")
    print(f"{who} on {scenario.id}, {report.runs} seeds from {args.seed} (common random numbers)")
    print(f"  trainee's choices: expected score {t.mean:.3f}  (95% CI {t.ci_low:.3f} to {t.ci_high:.3f})")
    print(f"  doctrine plan:     expected score {d.mean:.3f}  (95% CI {d.ci_low:.3f} to {d.ci_high:.3f})")
    print(f"  paired difference: {diff.mean_difference:+.3f}  (95% CI {diff.ci_low:+.3f} to {diff.ci_high:+.3f}; "
          f"{p_text(diff.p_value)}{', significant' if diff.significant else ''})")
    if record.get("metrics"):
        print(f"  the played run scored {record['metrics']['overall']['score']:.3f}: "
              f"{'luckier' if record['metrics']['overall']['score'] > t.mean else 'less lucky'} than the expected {t.mean:.3f}")
    if report.costs:
        print("decisions that cost the most (score gained by the doctrine choice instead):")
        for c in report.costs:
            print(f"  {c.decision}: {c.trainee_option} instead of {c.doctrine_option}: {c.cost:+.3f} "
                  f"({p_text(c.test.p_value)}{', significant' if c.test.significant else ''})"
                  f"{'; not answered: the default stood' if c.defaulted else ''}")
    else:
        print("every decision matched the doctrine plan")
    return EXIT_OK


def add_parsers(sub) -> None:
    p = sub.add_parser("batch", help="many replications on seeds S..S+N-1, stored; then statistics per metric")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--runs", type=RUNS, required=True, metavar="N")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--plan", metavar="PLAN", help="plan file (default: the doctrine plan)")
    group.add_argument("--record", metavar="RECORD", help="replay a trainee's choices from a run record")
    p.add_argument("--seed", type=SEED, default=0, metavar="S", help="first seed (default 0)")
    p.add_argument("--workers", type=WORKERS, default=None, metavar="K", help="processes (default: all cores)")
    p.add_argument("--resume", action="store_true", help="run only the seeds not yet stored")
    p.add_argument("--executor", choices=("process", "dask"), default="process")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (with --executor dask)")
    p.add_argument("--no-events", action="store_true", help="store metrics only, not every event")
    p.add_argument("--trainee", type=person_name, metavar="NAME", help="store the runs as this trainee's (a trainee's plan)")
    store_option(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("calibrate", help="the scenario's reckless, cautious and doctrine plans over N seeds: "
                                         "outcome distribution and share of bad outcomes")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--runs", type=RUNS, default=None, metavar="N",
                   help="seeds per plan (default 1000; 200 with --sensitivity)")
    p.add_argument("--seed", type=SEED, default=0, metavar="S", help="first seed (default 0)")
    p.add_argument("--workers", type=WORKERS, default=None, metavar="K", help="processes (default: all cores)")
    from cli.sensitivity import add_options
    add_options(p)
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("score", help="skill, not luck: a trainee's choices over N seeds beside the doctrine plan")
    p.add_argument("record", metavar="RECORD")
    p.add_argument("--runs", type=RUNS, default=100, metavar="N")
    p.add_argument("--seed", type=SEED, default=0, metavar="S")
    p.add_argument("--workers", type=WORKERS, default=None, metavar="K")
    p.add_argument("--scenario", metavar="FILE", help="scenario file (default: the path in the record)")
    store_option(p)
    p.set_defaults(func=cmd_score)
