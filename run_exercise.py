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
    from sim.format.scenario import load
    return load(path)


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.format.problems import InputError

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
              f"{cols}x{rows} cells; {_count(spec.victims, 'victim')}, {_count(spec.perpetrators, 'perpetrator')}, "
              f"{_count(spec.units, 'unit')})")
    return status


def _count(items, word: str) -> str:
    return f"{len(items)} {word}{'' if len(items) == 1 else 's'}"


def cmd_schema(args: argparse.Namespace) -> int:
    from sim.format.scenario import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_preview(args: argparse.Namespace) -> int:
    from ui.preview import save_preview

    from sim.format.problems import InputError, Problem

    scenario = _load(args.file)
    out = Path(args.out or Path("results") / f"{scenario.id}_preview.png")
    if out.suffix.lower() != ".png":
        raise InputError([Problem(str(out), 1, 1, "--out", "the preview is a PNG image: give a file name ending in .png")])
    try:
        save_preview(scenario, out, width=args.width)
    except OSError as exc:  # name the file asked for, not the temporary one beside it
        raise OSError(exc.errno, exc.strerror, str(out)) from None
    print(f"{args.file}: preview written to {out}")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from sim.evaluation import record as records
    from sim.engine.exercise import Exercise
    from sim.engine.narrate import timeline
    from sim.format.scenario import load_plan

    scenario = _load(args.scenario)
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
    path = records.save(record, args.out)
    _store(args).add(record, source="headless", record_path=str(path))
    if args.json:
        print(json.dumps({"record": str(path), **record["metrics"]}, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(outcome_text(record, scenario, timeline(record["events"], scenario.spec)))
    if args.joint:
        from sim.evaluation.joint_view import joint_view_text
        print("\n" + joint_view_text(scenario.spec, record["events"]))
    print(f"\nrun record: {path}")
    return EXIT_OK


def cmd_joint_view(args: argparse.Namespace) -> int:
    from sim.evaluation import record as records
    from sim.evaluation.joint_view import joint_view_text
    from sim.format.problems import InputError, Problem

    record = records.load(args.record)
    scenario = _scenario_of_record(args.record, record, args.scenario)
    if "joint" not in record:
        raise InputError([Problem(args.record, 1, 1, "joint", "not a joint run: it was played solo, by one "
                                  "trainee commanding every unit")])
    print(joint_view_text(scenario.spec, record["events"]))
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


def _store(args: argparse.Namespace, *, must_exist: bool = False):
    from sim.format.problems import InputError, Problem
    from sim.evaluation.store import Store

    # beside the run records when --out names their folder; results/ otherwise
    path = Path(args.db) if args.db else Path(getattr(args, "out", None) or "results") / "exercise.db"
    if must_exist and not path.exists():
        raise InputError([Problem(str(path), 1, 1, "--db", "no results store here yet: run, play or batch "
                                  "some exercises first, or give the store with --db PATH")])
    return Store(path)


def _scenario_by_id(scenario_id: str | None, store) -> object:
    """Find the scenario file for an id among scenarios/*.yaml (the store keeps ids, not files)."""
    from sim.format.problems import InputError, Problem
    from sim.format.scenario import load

    known = store.scenarios()
    if scenario_id is None:
        if len(known) != 1:
            raise InputError([Problem(str(store.path), 1, 1, "--scenario",
                                      f"give --scenario ID; the store has: {', '.join(known) or 'no runs yet'}")])
        scenario_id = known[0]
    if scenario_id not in known:
        raise InputError([Problem(str(store.path), 1, 1, "--scenario",
                                  f"no runs of scenario '{scenario_id}'; known: {', '.join(known) or 'none'}")])
    folder = Path(__file__).resolve().parent / "scenarios"
    for path in sorted(Path("scenarios").glob("*.yaml")) + sorted(folder.glob("*.yaml")):
        try:
            scenario = load(path)
        except InputError:
            continue
        if scenario.id == scenario_id:
            return scenario
    raise InputError([Problem("scenarios/", 1, 1, "--scenario", f"no scenario file with id '{scenario_id}'")])


def cmd_batch(args: argparse.Namespace) -> int:
    from sim.evaluation import record as records
    from sim.evaluation.batch import run_batch
    from sim.evaluation.skill import policy_from_record
    from sim.format.scenario import load_plan
    from sim.evaluation.stats import summarise

    scenario = _load(args.scenario)
    if args.record:
        record = records.load(args.record)
        _scenario_of_record(args.record, record, args.scenario)
        if record["scenario"]["sha256"] != scenario.sha256:
            return _refuse_version(args.record, record)
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
    store = _store(args)
    result = run_batch(scenario, plan, runs=args.runs, first_seed=args.seed, workers=args.workers, store=store,
                       resume=args.resume, trainee=trainee, executor=args.executor, scheduler=args.scheduler,
                       keep_events=not args.no_events, progress=sys.stderr.isatty())
    rows = store.runs(batch=result.batch)
    print(f"batch {result.batch}: {len(rows)} of {args.runs} runs stored in {store.path} "
          f"({result.stored} new, {len(rows) - result.stored} already stored; {result.seconds:.1f} s)")
    if result.interrupted:
        print(f"interrupted: finish with the same command and --resume", file=sys.stderr)
        return 130
    from sim.evaluation.metrics import JOINT_ONLY

    metrics = store.metric_scores([r["id"] for r in rows])
    names = ["overall"] + sorted({n for m in metrics.values() for n in m} | set(JOINT_ONLY))
    print(f"{'metric':<24}{'mean':>8}{'sd':>8}{'95% CI':>19}{'p5':>7}{'p50':>7}{'p95':>7}")
    for name in names:
        values = [r["overall_score"] for r in rows] if name == "overall" else \
            [metrics[r["id"]][name] for r in rows if name in metrics[r["id"]]]
        if not values:  # a joint-only metric in solo runs: no score, no s.d.
            print(f"{name:<24}{'n/a':>8}{'':>8}   {'not applicable in a solo run':<35}")
            continue
        s = summarise(values)
        low, high = max(0.0, s.ci_low), min(1.0, s.ci_high)  # scores live in 0..1
        print(f"{name:<24}{s.mean:8.3f}{s.sd:8.3f}   {low:7.3f} to {high:5.3f}{s.p5:7.3f}{s.median:7.3f}{s.p95:7.3f}")
    return EXIT_OK


def cmd_calibrate(args: argparse.Namespace) -> int:
    """The scenario's three shipped plans over N seeds: outcome distribution and bad outcomes."""
    from sim.evaluation.calibrate import Bar, calibrate, missing_plan_problems, plan_files, table, targets_met
    from sim.format.problems import InputError
    from sim.format.scenario import load_plan

    scenario = _load(args.scenario)
    if args.sensitivity:
        return _sensitivity(args, scenario)
    if args.plan or args.markdown:
        from sim.format.problems import Problem
        raise InputError([Problem(args.scenario, 1, 1, "--plan" if args.plan else "--markdown",
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


def _sensitivity(args: argparse.Namespace, scenario) -> int:
    """The doctrine plan (or --plan) varied one element at a time; each change's effect on
    each bad outcome over common seeds (sim/evaluation/sensitivity.py)."""
    from sim.evaluation.sensitivity import markdown_table, sensitivity, text_table, unexplained
    from sim.format.scenario import load_plan

    plan = load_plan(args.plan, scenario) if args.plan else scenario.spec.doctrine_plan
    runs = args.runs or 200
    bar = _Progress(sys.stderr.isatty())
    report = sensitivity(scenario, plan, runs=runs, first_seed=args.seed, workers=args.workers,
                         wait_minutes=args.wait_minutes, progress=bar)
    print(markdown_table(report, scenario.id) if args.markdown else
          f"{scenario.title}: {scenario.spec.challenge.briefing_line()}\n" + text_table(report, plan.name))
    missing = unexplained(report)
    if missing and not args.markdown:
        print(f"\nNo change moves these clearly (no CI excludes zero): {', '.join(missing)}")
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


def _refuse_version(path: str, record: dict) -> int:
    print(f"{path}: the record was made with another version of scenario '{record['scenario']['id']}' "
          "(its SHA-256 differs from the file's); re-run it on that version", file=sys.stderr)
    return EXIT_BAD_INPUT


def cmd_score(args: argparse.Namespace) -> int:
    from sim.evaluation import record as records
    from sim.evaluation.skill import skill
    from sim.evaluation.stats import p_text

    record = records.load(args.record)
    scenario = _scenario_of_record(args.record, record, args.scenario)
    if record["scenario"]["sha256"] != scenario.sha256:
        return _refuse_version(args.record, record)
    report = skill(scenario, record, runs=args.runs, first_seed=args.seed, store=_store(args), workers=args.workers)
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
                  f"({p_text(c.test.p_value)}{', significant' if c.test.significant else ''})")
    else:
        print("every decision matched the doctrine plan")
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    import csv
    from sim.evaluation.skill import groups, paired_against
    from sim.evaluation.stats import summarise

    store = _store(args, must_exist=True)
    scenario = _scenario_by_id(args.scenario, store)
    all_groups = groups(store, scenario.id, args.by)
    from sim.evaluation.metrics import JOINT_ONLY, NOT_APPLICABLE

    names = sorted({n for g in all_groups for n in g.scores if n != "overall"} | set(JOINT_ONLY))
    header = [args.by, "runs", "mean", "ci_low", "ci_high", "paired_vs_first", "p_value", "significant"] + names
    rows = []
    reference = all_groups[0]
    for g in all_groups:
        s = summarise(g.scores["overall"])
        test = paired_against(g, reference) if g is not reference else None
        rows.append([g.name, s.n, round(s.mean, 4), round(max(0.0, s.ci_low), 4), round(min(1.0, s.ci_high), 4),
                     round(test.mean_difference, 4) if test else "", round(test.p_value, 4) if test else "",
                     ("yes" if test.significant else "no") if test else ""] +
                    [round(sum(g.scores[n]) / len(g.scores[n]), 3) if g.scores.get(n) else NOT_APPLICABLE
                     for n in names])  # 'n/a': the metric applies to none of the group's runs (solo)
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
    store = _store(args, must_exist=True)
    missing = report_inputs_missing(store, args.scenario, args.trainee)
    if missing:
        print(missing, file=sys.stderr)
        return EXIT_BAD_INPUT
    scenario = _scenario_by_id(args.scenario, store)
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


def _run_of_record(args: argparse.Namespace):
    """The record, its scenario and its row in the store (stored now if it was not yet)."""
    from sim.evaluation import record as records
    from sim.evaluation.store import run_key

    record = records.load(args.record)
    scenario = _scenario_of_record(args.record, record, args.scenario)
    if record["scenario"]["sha256"] != scenario.sha256:
        from sim.format.problems import InputError, Problem
        raise InputError([Problem(args.record, 1, 1, "scenario", f"the record was made with another version of "
                                  f"scenario '{scenario.id}' (its SHA-256 differs from the file's)")])
    beside = Path(args.record).parent / "exercise.db"
    if not args.db and beside.exists():  # the store the run was stored in, beside its record
        args.db = str(beside)
    store = _store(args)
    row = store.run_by_key(run_key(record))
    if row is None:
        store.add(record, source="headless", record_path=str(args.record))
        row = store.run_by_key(run_key(record))
    return record, scenario, store, row


def cmd_review(args: argparse.Namespace) -> int:
    from sim.format.problems import InputError, Problem
    from sim.evaluation import review as rv

    record, scenario, store, row = _run_of_record(args)
    spec = scenario.spec
    if spec.evaluation_guide is None:
        raise InputError([Problem(str(scenario.path), 1, 1, "evaluation_guide", "this scenario has no evaluation "
                                  "guide to review against; add an evaluation_guide section after scoring")])
    items = rv.guide_items(spec)
    capabilities = [c.id for c in spec.evaluation_guide.capabilities]
    changes = [rv.parse_set(text, items) for text in args.set]
    confirms = list(items) if "all" in args.confirm else args.confirm
    for item in confirms:
        if item not in items:
            rv.parse_set(f"{item}=met", items)  # the same message for an unknown item
    observations = [rv.parse_observation(text, capabilities) for text in args.observe]
    additions = [rv.parse_plan_item(text) for text in args.plan_item]
    edits = [(number, rv.parse_plan_item(text, partial=True)) for number, text in args.edit_plan]
    writes = changes or confirms or observations or additions or edits or args.remove_plan or args.accept_plan
    if writes and not args.evaluator:
        raise InputError([Problem("review", 1, 1, "--evaluator", "say who is reviewing: --evaluator NAME "
                                  "(kept with every rating, observation and plan item)")])
    if changes and not args.reason:
        raise InputError([Problem("review", 1, 1, "--reason", "a changed rating needs its reason: "
                                  "--reason \"why the evidence says otherwise\"")])
    if changes and len(args.reason) not in (1, len(changes)):
        raise InputError([Problem("review", 1, 1, "--reason", f"{len(changes)} ratings set and {len(args.reason)} "
                                  "reasons given: give one --reason for each --set (in the same order), or one for all")])
    reviewed = rv.reviewed_run(store, spec, row, record["events"])
    at = rv.now_utc()
    for i, (item, rating) in enumerate(changes):
        reason = args.reason[i if len(args.reason) > 1 else 0]
        store.add_review(row["id"], item, items[item], reviewed.verdicts[item].draft, rating, reason, args.evaluator, at)
    for item in confirms:
        if item in dict(changes):
            continue
        verdict = reviewed.verdicts[item]
        store.add_review(row["id"], item, items[item], verdict.draft, verdict.rating,
                         (args.reason[0] if args.reason and not changes else "confirmed: the evidence bears it out"),
                         args.evaluator, at)
    for o in observations:
        store.add_observation(row["id"], o["kind"], o["t"], o["capability"], o["text"], args.evaluator, at)
    if (additions or edits or args.remove_plan or args.accept_plan) and not store.plan_items(row["id"]):
        reviewed = rv.reviewed_run(store, spec, row, record["events"])  # with the ratings just changed
        for item in rv.draft_plan(reviewed, spec):  # the draft plan, so its items can be edited by number
            store.add_plan_item(row["id"], item, "(draft)", at)
    current = {r["id"]: r for r in store.plan_items(row["id"])}
    for number, fields in edits:
        if number not in current:
            raise InputError([Problem("review", 1, 1, "--edit-plan", f"no improvement-plan item {number}; "
                                      f"items: {', '.join(map(str, current)) or 'none'}")])
        store.add_plan_item(row["id"], {**current[number], **fields}, args.evaluator, at,
                            replaces=current[number]["row"])
    for number in args.remove_plan:
        if number not in current:
            raise InputError([Problem("review", 1, 1, "--remove-plan", f"no improvement-plan item {number}; "
                                      f"items: {', '.join(map(str, current)) or 'none'}")])
        store.add_plan_item(row["id"], current[number], args.evaluator, at, replaces=current[number]["row"],
                            removed=True)
    for item in additions:
        store.add_plan_item(row["id"], item, args.evaluator, at)
    reviewed = rv.reviewed_run(store, spec, row, record["events"])
    who = record.get("trainee") or record["plan"].get("name")
    print(f"{args.record}: {spec.id}, {who}, seed {record['seed']}; "
          f"{len(reviewed.changed)} rating{'s' if len(reviewed.changed) != 1 else ''} changed in review")
    print("\n".join(rv.describe(reviewed)))
    if reviewed.observations:
        print("Observations")
        for o in reviewed.observations:
            cap = f" [{o['capability']}]" if o["capability"] else ""
            print(f"  {rv.clock(o['t'] or 0)} {o['kind']}{cap}: {o['text']}  ({o['evaluator']} {o['at']})")
    plan = reviewed.plan or [{"id": f"draft", **p} for p in rv.draft_plan(reviewed, spec)]
    print("Improvement plan" + ("" if reviewed.plan else " (draft: not reviewed yet)"))
    for p in plan:
        dates = f"; {p.get('start') or '?'} to {p.get('due') or '?'}" if (p.get("start") or p.get("due")) else ""
        print(f"  {p['id']}. {p['issue']}\n       action: {p['action']} ({p.get('capability') or '-'}, "
              f"{p.get('agency') or 'agency not set'}{dates})")
    if writes:
        print(f"stored in {store.path} by {args.evaluator} at {at}")
    return EXIT_OK


def cmd_cohort(args: argparse.Namespace) -> int:
    from sim.evaluation.cohort import cohort, text
    from sim.format.problems import InputError, Problem

    scenario = _load(args.scenario)
    store = _store(args, must_exist=True)
    result = cohort(store, scenario, runs=args.runs, first_seed=args.seed, workers=args.workers,
                    progress=sys.stderr.isatty())
    if not result.members:
        raise InputError([Problem(str(store.path), 1, 1, "", f"no trainee has played scenario '{scenario.id}' "
                                  "(this version of it) yet: run or play it with --trainee NAME first"
                                  + ("; " + "; ".join(result.skipped) if result.skipped else ""))])
    print(text(result))
    return EXIT_OK


def cmd_guide(args: argparse.Namespace) -> int:
    from sim.evaluation.guide import guide_html
    from sim.evaluation.record import write_atomic
    from sim.format.problems import InputError, Problem

    scenario = _load(args.scenario)
    out = Path(args.out or Path("results") / f"{scenario.id}_guide.html")
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError([Problem(str(out), 1, 1, "--out", "the guide is an HTML page: give a file ending in .html")])
    write_atomic(out, guide_html(scenario))
    print(f"{args.scenario}: evaluation guide written to {out}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    import csv
    import io
    from sim.evaluation.record import write_atomic

    store = _store(args, must_exist=True)
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


def _scenario_of_record(record_path: str, record: dict, given: str | None):
    """The scenario a record was made with: the file given, or the one the record names."""
    from sim.format.problems import InputError, Problem

    path = given or record["scenario"].get("path")
    if not path or not Path(path).exists():
        hint = "" if given else "; give it with --scenario FILE"
        raise InputError([Problem(given or record_path, 1, 1, "scenario", f"scenario file {path!r} not found{hint}")])
    scenario = _load(path)
    if scenario.id != record["scenario"]["id"]:
        raise InputError([Problem(record_path, 1, 1, "scenario.id", f"the record is a run of scenario "
                                  f"'{record['scenario']['id']}', but {path} is scenario '{scenario.id}'")])
    return scenario


def cmd_verify(args: argparse.Namespace) -> int:
    from sim.evaluation import record as records
    from sim.format.problems import InputError, Problem

    record = records.load(args.record)
    scenario = _scenario_of_record(args.record, record, args.scenario)
    verdict = records.verify(scenario, record)
    print(f"{args.record}: {'ok' if verdict.ok else 'MISMATCH'}: {verdict.message}")
    return EXIT_OK if verdict.ok else EXIT_FAILED


def _display_or_refuse(autoplay: bool) -> None:
    """A window needs a screen; without one, say so instead of drawing where nobody looks."""
    import os

    from sim.format.problems import InputError, Problem
    driver = os.environ.get("SDL_VIDEODRIVER", "")
    if autoplay:
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and driver not in ("windows", "cocoa"):
        raise InputError([Problem("play", 1, 1, "", "no display to open a window on: run it on a desktop "
                                  "(or under Xvfb with DISPLAY set), or use --autoplay, which works without one")])


def cmd_play(args: argparse.Namespace) -> int:
    from sim.format.problems import InputError, Problem
    from ui.main import play

    if args.screenshots and not args.autoplay:
        raise InputError([Problem("--screenshots", 1, 1, "", "screenshots are taken by --autoplay; add it")])
    if args.resume and args.autoplay:
        raise InputError([Problem("--resume", 1, 1, "", "--autoplay plays a fresh run; it cannot resume a journal")])
    _display_or_refuse(args.autoplay)

    shots = play(args.scenario, trainee=args.trainee, seed=args.seed, resume=args.resume,
                 autoplay=args.autoplay, screenshots=args.screenshots, results=args.out,
                 max_frames=args.max_frames)
    for path in shots:
        print(f"screenshot: {path}")
    return EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    from ui.main import replay

    _display_or_refuse(False)
    replay(args.record, scenario_path=args.scenario)
    return EXIT_OK


def cmd_host(args: argparse.Namespace) -> int:
    from sim.joint.command import run_host

    return run_host(args.scenario, seed=args.seed, port=args.port, bind=args.bind, seats=args.seats,
                    resume=args.resume, results=args.out, db=args.db, trainee=args.trainee)


def cmd_join(args: argparse.Namespace) -> int:
    from ui.joint_main import join

    _display_or_refuse(bool(args.screenshots))  # screenshots are drawn off-screen too
    return join(args.address, seat=args.seat, token=args.token, name=args.name, results=args.out,
                screenshot_dir=args.screenshots, shot_every=args.shot_every or 0, max_frames=args.frames)


def _bounded(low: int, high: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; give {what} from {low} to {high}")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range; give {what} from {low} to {high}")
        return value
    parse.__name__ = what
    return parse


SEED = _bounded(0, 2**62, "a seed")
RUNS = _bounded(1, 10_000_000, "a number of runs")
WORKERS = _bounded(1, 512, "a number of worker processes")
WIDTH = _bounded(320, 6000, "a width in pixels")
PORT = _bounded(0, 65535, "a port")


def _plan_edit(text: str):
    return int(text) if text.isdigit() else text


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
    p.add_argument("--width", type=WIDTH, default=1600, help="image width in pixels (default 1600)")
    p.set_defaults(func=cmd_preview)

    p = sub.add_parser("run", help="run a scenario headless with a plan (the doctrine plan by default)")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--seed", type=SEED, default=1, help="random seed (default 1)")
    p.add_argument("--plan", metavar="PLAN", help="plan file (YAML); default: the scenario's doctrine plan")
    p.add_argument("--out", metavar="DIR", default="results", help="folder for the run record (default results/)")
    p.add_argument("--trainee", metavar="NAME", help="name the run after a trainee")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--joint", action="store_true", help="as a joint exercise, every seat played by the plan; "
                                                        "prints who knew what, and when")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("verify", help="re-simulate a run record and check it matches")
    p.add_argument("record", metavar="RECORD")
    p.add_argument("--scenario", metavar="FILE", help="scenario file (default: the path in the record)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("play", help="open the window: briefing, planning, the operation, debrief")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", help="scenario file (default: a menu of scenarios/)")
    p.add_argument("--trainee", metavar="NAME")
    p.add_argument("--seed", type=SEED, default=1)
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

    p = sub.add_parser("host", help="host a joint exercise: one seat per agency, a controller and an observer")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO")
    p.add_argument("--seed", type=SEED, default=1)
    p.add_argument("--port", type=PORT, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--bind", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    p.add_argument("--seats", metavar="SEAT,SEAT", help="the seats people play (default all); the others "
                                                         "are played by their share of the doctrine plan")
    p.add_argument("--resume", metavar="JOURNAL", help="continue a joint exercise from its journal")
    p.add_argument("--trainee", metavar="NAME", help="the team's name for the results")
    p.add_argument("--out", metavar="DIR", default="results", help="folder for the record and journal")
    p.add_argument("--db", metavar="PATH", help="results store (default results/exercise.db)")
    p.set_defaults(func=cmd_host)

    p = sub.add_parser("joint-view", help="who knew what, when and how, in a joint run's record; the messages")
    p.add_argument("record", metavar="RECORD")
    p.add_argument("--scenario", metavar="FILE", help="scenario file (default: the path in the record)")
    p.set_defaults(func=cmd_joint_view)

    p = sub.add_parser("join", help="open the window as one seat of a hosted joint exercise")
    p.add_argument("address", metavar="ADDRESS", help="host:port, as the host printed it")
    p.add_argument("--seat", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--name", help="your name, shown to the controller")
    p.add_argument("--out", metavar="DIR", default="results", help="folder for the records (default results/)")
    p.add_argument("--screenshots", metavar="DIR", help="save PNGs of the window here (with --shot-every)")
    p.add_argument("--shot-every", type=float, metavar="SECONDS", help="a screenshot every SECONDS of wall time, "
                                                                      "on the clock, so several windows match")
    p.add_argument("--frames", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_join)

    def store_option(p):
        p.add_argument("--db", metavar="PATH", help="results store (default results/exercise.db)")

    store_option(sub.choices["run"])
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
    p.add_argument("--trainee", metavar="NAME", help="store the runs as this trainee's (a trainee's plan)")
    store_option(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("calibrate", help="the scenario's reckless, cautious and doctrine plans over N seeds: "
                                         "outcome distribution and share of bad outcomes")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--runs", type=RUNS, default=None, metavar="N",
                   help="seeds per plan (default 1000; 200 with --sensitivity)")
    p.add_argument("--seed", type=SEED, default=0, metavar="S", help="first seed (default 0)")
    p.add_argument("--workers", type=WORKERS, default=None, metavar="K", help="processes (default: all cores)")
    p.add_argument("--sensitivity", action="store_true",
                   help="vary the doctrine plan one element at a time (entry method, each cordon, the language "
                        "speaker, restraint, time of entry): each change's effect on each bad outcome, 95%% CI")
    p.add_argument("--plan", metavar="PLAN", help="with --sensitivity: vary this plan file instead of the doctrine plan")
    p.add_argument("--wait-minutes", type=_bounded(1, 120, "minutes"), default=10, metavar="M",
                   help="with --sensitivity: how long the delayed entry waits (default 10)")
    p.add_argument("--markdown", action="store_true", help="with --sensitivity: print the table as Markdown")
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("score", help="skill, not luck: a trainee's choices over N seeds beside the doctrine plan")
    p.add_argument("record", metavar="RECORD")
    p.add_argument("--runs", type=RUNS, default=100, metavar="N")
    p.add_argument("--seed", type=SEED, default=0, metavar="S")
    p.add_argument("--workers", type=WORKERS, default=None, metavar="K")
    p.add_argument("--scenario", metavar="FILE", help="scenario file (default: the path in the record)")
    store_option(p)
    p.set_defaults(func=cmd_score)

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
    p.add_argument("--runs", type=_bounded(0, 100_000, "a number of seeds"), default=100, metavar="N",
                   help="seeds for the luck-adjusted score (default 100; 0: leave it out)")
    p.add_argument("--workers", type=WORKERS, default=None, metavar="K")
    store_option(p)
    p.set_defaults(func=cmd_report)

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
    p.add_argument("--plan-item", action="append", default=[], metavar="'issue=..; action=..; capability=..; agency=..; start=..; due=..'",
                   help="add an improvement-plan item (dates YYYY-MM-DD)")
    p.add_argument("--edit-plan", action="append", default=[], nargs=2, metavar=("N", "FIELDS"), type=_plan_edit,
                   help="change fields of plan item N, e.g. --edit-plan 3 'due=2027-02-28'")
    p.add_argument("--remove-plan", action="append", default=[], type=int, metavar="N", help="remove plan item N")
    p.add_argument("--accept-plan", action="store_true", help="store the draft improvement plan as it is")
    store_option(p)
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("cohort", help="every trainee of a scenario: luck-adjusted scores with CIs on common seeds, "
                       "a ranking with paired tests, and how each decision was taken and what it cost")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--runs", type=RUNS, default=100, metavar="N", help="common seeds (default 100)")
    p.add_argument("--seed", type=SEED, default=0, metavar="S", help="first seed (default 0)")
    p.add_argument("--workers", type=WORKERS, default=None, metavar="K")
    store_option(p)
    p.set_defaults(func=cmd_cohort)

    p = sub.add_parser("guide", help="write a scenario's exercise evaluation guide as HTML: the evaluator's checklist")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--out", metavar="HTML", help="output file (default results/ID_guide.html)")
    p.set_defaults(func=cmd_guide)

    p = sub.add_parser("export", help="export the store to CSV files for spreadsheets")
    p.add_argument("--csv", metavar="DIR", required=True)
    store_option(p)
    p.set_defaults(func=cmd_export)
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


if __name__ == "__main__":
    sys.exit(main())
