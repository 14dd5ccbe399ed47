"""What every command shares: exit codes, loading a scenario, the results store, argument types."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
ROOT = Path(__file__).resolve().parent.parent  # the project folder, where scenarios/ is shipped


def load_scenario(path: str):
    from sim.format.scenario import load
    return load(path)

def count_of(items, word: str) -> str:
    return f"{len(items)} {word}{'' if len(items) == 1 else 's'}"

def open_store(args: argparse.Namespace, *, must_exist: bool = False):
    from sim.format.problems import InputError, Problem
    from sim.evaluation.store import Store

    # beside the run records when --out names their folder; results/ otherwise
    path = Path(args.db) if args.db else Path(getattr(args, "out", None) or "results") / "exercise.db"
    if must_exist and not path.exists():
        raise InputError([Problem(str(path), 1, 1, "--db", "no results store here yet: run, play or batch "
                                  "some exercises first, or give the store with --db PATH")])
    return Store(path)

def scenario_by_id(scenario_id: str | None, store) -> object:
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
    folder = ROOT / "scenarios"
    for path in sorted(Path("scenarios").glob("*.yaml")) + sorted(folder.glob("*.yaml")):
        try:
            scenario = load(path)
        except InputError:
            continue
        if scenario.id == scenario_id:
            return scenario
    raise InputError([Problem("scenarios/", 1, 1, "--scenario", f"no scenario file with id '{scenario_id}'")])

def scenario_of_record(record_path: str, record: dict, given: str | None):
    """The scenario a record was made with: the file given, or the one the record names."""
    from sim.format.problems import InputError, Problem

    path = given or record["scenario"].get("path")
    if not path or not Path(path).exists():
        hint = "" if given else "; give it with --scenario FILE"
        raise InputError([Problem(given or record_path, 1, 1, "scenario", f"scenario file {path!r} not found{hint}")])
    scenario = load_scenario(path)
    if scenario.id != record["scenario"]["id"]:
        raise InputError([Problem(record_path, 1, 1, "scenario.id", f"the record is a run of scenario "
                                  f"'{record['scenario']['id']}', but {path} is scenario '{scenario.id}'")])
    return scenario

def refuse_version(path: str, record: dict) -> int:
    print(f"{path}: the record was made with another version of scenario '{record['scenario']['id']}' "
          "(its SHA-256 differs from the file's); re-run it on that version", file=sys.stderr)
    return EXIT_BAD_INPUT

def display_or_refuse(autoplay: bool) -> None:
    """A window needs a screen; without one, say so instead of drawing where nobody looks."""
    import os

    from sim.format.problems import InputError, Problem
    driver = os.environ.get("SDL_VIDEODRIVER", "")
    if autoplay or driver in ("dummy", "offscreen"):  # drawn off-screen, as asked: no display needed
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and driver not in ("windows", "cocoa"):
        raise InputError([Problem("play", 1, 1, "", "no display to open a window on: run it on a desktop "
                                  "(or under Xvfb with DISPLAY set), or use --autoplay, which works without one")])

def bounded(low: int, high: int, what: str):
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


NAME_AT_MOST = 200  # a team's full name with ranks and units fits; every report wraps it, never cuts it


def person_name(text: str) -> str:
    """A trainee's, team's or player's name as given on the command line: text a record, a log
    and the store can hold (bytes that are not UTF-8 arrive as lone surrogates)."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise argparse.ArgumentTypeError("the name holds bytes that are not UTF-8 text; type it again")
    if any(ord(ch) < 32 or ord(ch) == 127 or "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" for ch in text):
        raise argparse.ArgumentTypeError("the name holds a control character; give printable text")
    if not text.strip() or len(text) > NAME_AT_MOST:
        raise argparse.ArgumentTypeError(f"give a name of 1 to {NAME_AT_MOST} characters")
    return text


person_name.__name__ = "a name"
SEED = bounded(0, 2**62, "a seed")
RUNS = bounded(1, 10_000_000, "a number of runs")
WORKERS = bounded(1, 512, "a number of worker processes")
WIDTH = bounded(320, 6000, "a width in pixels")
PORT = bounded(0, 65535, "a port")


def store_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", help="results store (default results/exercise.db)")
