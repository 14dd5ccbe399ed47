"""Mutants of run records and play journals, run through the real command line in-process.

    python tests/record_fuzz.py [--root CHECKOUT] [--records N] [--journals N] [--seed S]

Each mutant changes a shape, a type, the nesting or an input of a good record (for `verify`)
or journal (for `play --resume`, one frame under the dummy video driver), and the outcome is
sorted: exit 0 or 1 (read and checked), exit 2 with every line located (FILE:LINE:COLUMN:), exit 2
without a location, a traceback, or a hang (still running after 30 s). The test suite uses the same mutants through hypothesis
(tests/test_record_fuzz.py); this script is for the big run by hand, and runs against another
checkout (`--root`) to compare.
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import os
import random
import re
import sys
import traceback
from pathlib import Path

LOCATED = re.compile(r"^.+:\d+:\d+: ")
WEIRD = (None, 5, -1, 2**70, 1.5, "x", "", True, [], {}, "\ud800", "a\nb", "/nonexistent.yaml")


def deep(n: int = 1000) -> str:
    return f"__DEEP_{n}__"  # a stand-in: json.dumps cannot write it nested (it recurses)


def _deepen(text: str) -> str:
    return re.sub(r'"__DEEP_(\d+)__"', lambda m: "[" * int(m.group(1)) + "]" * int(m.group(1)), text)


def paths(value, path=(), skip_events=True):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            if skip_events and path == () and k == "events":
                yield ("events",)
                continue
            yield from paths(v, path + (k,), skip_events)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, path + (i,), skip_events)


def get(data, path):
    for p in path:
        data = data[p]
    return data


def put(data, path, value):
    if not path:
        return value
    get(data, path[:-1])[path[-1]] = value
    return data


def mutate(rng: random.Random, data: dict, scenario_ids: dict) -> str:
    """One mutant of `data` (a record or a journal header with its inputs), as JSON text."""
    data = copy.deepcopy(data)
    kind = rng.choice(["root", "delete", "retype", "retype", "retype", "nest", "inputs", "inputs", "refs",
                       "text"])
    if kind == "root":
        return _deepen(json.dumps(rng.choice([5, True, "x", [], None, [data]])))
    if kind == "delete":
        candidates = [p for p in paths(data) if p]
        path = rng.choice(candidates)
        parent = get(data, path[:-1])
        del parent[path[-1]]
    elif kind == "retype":
        path = rng.choice(list(paths(data)))
        data = put(data, path, rng.choice(WEIRD))
    elif kind == "nest":
        path = rng.choice([p for p in paths(data) if p])
        data = put(data, path, deep(rng.choice([70, 1000])))
    elif kind == "inputs" and data.get("inputs"):
        inputs = data["inputs"]
        i = rng.randrange(len(inputs))
        choice = rng.choice(["duplicate", "swap", "step", "decision", "option", "type", "drop_field"])
        if choice == "duplicate":
            inputs.insert(i, copy.deepcopy(inputs[i]))
        elif choice == "swap" and len(inputs) > 1:
            j = rng.randrange(len(inputs))
            inputs[i], inputs[j] = inputs[j], inputs[i]
        elif choice == "step":
            inputs[i]["step"] = rng.choice([0, 10**9, -5, None, "3"])
        elif choice == "decision":
            inputs[i]["decision"] = rng.choice(["no_such_decision"] + scenario_ids["decisions"])
        elif choice == "option":
            inputs[i]["option"] = rng.choice(["no_such_option", "key", "liaison"])
        elif choice == "type":
            inputs[i]["type"] = rng.choice(["order", "decision", "message", "control", "observation", "bogus",
                                            "end_operation"])
        elif inputs[i]:
            del inputs[i][rng.choice(list(inputs[i]))]
    elif kind == "refs":
        order = {"unit": rng.choice(scenario_ids["units"] + ["nobody"]), "do": rng.choice(["move", "escort", "arrest"])}
        place = rng.choice(scenario_ids["rooms"] + scenario_ids["victims"] + ["nowhere"])
        order.update({"to": place} if order["do"] == "move" else {"target": place} if order["do"] == "arrest"
                     else {"victim": place, "to": rng.choice(scenario_ids["rooms"])})
        where = rng.choice(["plan", "input"])
        if where == "plan" and isinstance(data.get("plan"), dict):
            data["plan"]["orders"] = list(data["plan"].get("orders", [])) + [order]
        elif isinstance(data.get("plan"), dict) and rng.random() < 0.3:
            decision = rng.choice(scenario_ids["decisions"] + ["nope"])
            data["plan"].setdefault("decisions", {})[decision] = rng.choice(["key", "nope", "liaison"])
        else:
            data.setdefault("inputs", []).append({"t": 5.0, "step": 40, "type": "order", "queue": False,
                                                  "order": order})
    text = _deepen(json.dumps(data, indent=1, sort_keys=True))
    if kind == "text":
        cut = rng.randrange(len(text))
        text = rng.choice([text[:cut], text[:cut] + rng.choice(["}", "]", ",", "\"", "\x00", "NaN"]) + text[cut:]])
    return text


def journal_text(header_and_inputs: dict, mutated: str) -> str:
    """A journal from a mutated {header..., inputs: [...]}: the header line, one input a line."""
    try:
        data = json.loads(re.sub(r"\[{60,}\]{60,}", '"__DEEP_1000__"', mutated))
    except (ValueError, RecursionError):
        return mutated  # a damaged text: the journal is that text
    if not isinstance(data, dict) or not isinstance(data.get("inputs"), list):
        return json.dumps(data) + "\n"
    inputs = data.pop("inputs")
    return _deepen("\n".join([json.dumps(data)] + [json.dumps(e) for e in inputs]) + "\n")


HANG_SECONDS = 30


class _Hang(BaseException):
    pass


def run_cli(main, argv: list[str]) -> tuple[str, str]:
    """('ok'|'located'|'unlocated'|'traceback', detail) for one in-process run of the CLI."""
    import signal

    def too_long(signum, frame):
        raise _Hang()

    err, out = io.StringIO(), io.StringIO()
    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(HANG_SECONDS)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code
    except _Hang:
        return "hang", f"still running after {HANG_SECONDS} s: {argv}"
    except BaseException:  # noqa: BLE001 - what we count
        return "traceback", traceback.format_exc(limit=-3)
    finally:
        signal.alarm(0)
    if code == 2:
        lines = [line for line in err.getvalue().splitlines() if line.strip() and not line.startswith("warning:")]
        if lines and all(LOCATED.match(line) for line in lines):
            return "located", lines[0]
        return "unlocated", err.getvalue()[-300:]
    return "ok", str(code)


def scenario_ids(root: Path) -> dict:
    sys.path.insert(0, str(root))
    from sim.format.scenario import load
    spec = load(root / "scenarios" / "kowloon_flat.yaml").spec
    return {"units": [u.id for u in spec.units], "decisions": [d.id for d in spec.decisions],
            "rooms": [r.id for r in spec.floor_plan.rooms], "victims": [v.id for v in spec.victims]}


def good_files(root: Path, folder: Path) -> tuple[Path, Path]:
    """A played record and its journal, made with the checkout's own engine."""
    from sim.engine.exercise import Exercise
    from sim.evaluation import record as records
    from sim.evaluation.journal import Journal
    from sim.format.orders import ORDER_CLASSES
    from sim.format.scenario import load

    scenario = load("scenarios/kowloon_flat.yaml")
    ex = Exercise(scenario, 4, scenario.spec.doctrine_plan.model_copy(update={"decisions": {}}), interactive=True,
                  trainee="Fuzz")
    journal = Journal.start(folder / "good.journal.jsonl", ex)
    ex._on_input = journal.append
    ex.apply(ORDER_CLASSES["move"].model_validate({"unit": "eu_perimeter", "do": "move", "to": "corridor"}))
    while ex.pending_decision is None and not ex.finished:
        ex.advance(5)
    ex.decide(ex.pending_decision.id, ex.pending_decision.decision.options[0].id)
    ex.advance(30)
    journal.close()
    ex._on_input = None  # the journal stops here, mid-run: resume goes on from it
    ex.run_to_end()
    return records.save(records.make_record(ex), folder), journal.path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--journals", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="/tmp/record_fuzz")
    args = parser.parse_args()
    root = Path(args.root).resolve()
    os.chdir(root)
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    os.environ.setdefault("DISPLAY", ":65")  # the checkout before the fix refused without one
    ids = scenario_ids(root)
    from cli import main as cli_main
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    record_path, journal_path = good_files(root, folder)
    record = json.loads(record_path.read_text(encoding="utf-8"))
    lines = journal_path.read_text(encoding="utf-8").splitlines()
    journal = {**json.loads(lines[0]), "inputs": [json.loads(x) for x in lines[1:]]}
    rng = random.Random(args.seed)
    tallies = {}
    examples: dict[str, list[str]] = {}
    for what, count in (("record", args.records), ("journal", args.journals)):
        tally = tallies[what] = {"ok": 0, "located": 0, "unlocated": 0, "traceback": 0, "hang": 0}
        for n in range(count):
            if what == "record":
                path = folder / "mutant.json"
                path.write_text(mutate(rng, record, ids), encoding="utf-8", errors="surrogatepass")
                outcome, detail = run_cli(cli_main, ["verify", str(path)])
            else:
                try:  # fonts cached before an earlier window's pygame.quit() are dead (in-process only)
                    from ui.style.fonts import reset_fonts
                    reset_fonts()
                except ImportError:
                    pass
                path = folder / f"mutant{n}.journal.jsonl"
                path.write_text(journal_text(journal, mutate(rng, journal, ids)), encoding="utf-8",
                                errors="surrogatepass")
                outcome, detail = run_cli(cli_main, ["play", "--resume", str(path), "--out", str(folder / "out"),
                                                     "--max-frames", "1"])
                if outcome in ("ok", "located"):
                    path.unlink()
            tally[outcome] += 1
            if outcome not in ("ok", "located"):  # kept, to look at again
                (folder / f"bad_{what}_{n}.txt").write_text(f"{detail}\n", encoding="utf-8")
            if outcome in ("traceback", "unlocated", "hang"):
                examples.setdefault(f"{what} {outcome}", []).append(
                    [x for x in detail.strip().splitlines() if x.strip()][-1][:200] if detail.strip() else "?")
        print(f"{what}s: {count} mutants: {tally}", flush=True)
    for key, items in examples.items():
        print(f"\n{key} ({len(items)}), e.g.:")
        for item in sorted(set(items))[:12]:
            print(f"  {item}")
    return 1 if any(t["traceback"] or t["unlocated"] or t["hang"] for t in tallies.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
