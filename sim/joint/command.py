"""`host`: start (or resume) a joint exercise and serve it until it is over and every seat
has left, or until Ctrl-C (the journal keeps everything; `host --resume` goes on)."""
from __future__ import annotations

import asyncio
import ipaddress
import sys
import time
from pathlib import Path
from typing import Optional

from sim.engine.joint_inputs import CONTROLLER, OBSERVER
from sim.evaluation.journal import read
from sim.evaluation.store import Store
from sim.format.problems import InputError, Problem
from sim.format.scenario import Scenario, load
from . import host as hosting

LINGER_SECONDS = 600.0  # after the end, seats may stay for their debrief this long


def _is_loopback(bind: str) -> bool:
    if bind == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind).is_loopback
    except ValueError:
        return False


def _humans(scenario: Scenario, seats: Optional[str]) -> tuple[str, ...]:
    known = [s.id for s in scenario.spec.seats]
    if not known:
        raise InputError([Problem(scenario.path, 1, 1, "seats", "this scenario has no seats: it is for solo play "
                                  "(`play`); add seats and channels to host it as a joint exercise")])
    if seats is None:
        return tuple(known)
    chosen = tuple(s.strip() for s in seats.split(",") if s.strip())
    wrong = [s for s in chosen if s not in known]
    if wrong:
        raise InputError([Problem("--seats", 1, 1, "", f"unknown seat {wrong[0]!r}; the seats of "
                                  f"{scenario.id}: {', '.join(known)}")])
    return chosen


def run_host(scenario_path: Optional[str], *, seed: int, port: int, bind: str, seats: Optional[str],
             resume: Optional[str], results: str, db: Optional[str], trainee: Optional[str]) -> int:
    results_dir = Path(results)
    store = Store(Path(db) if db else results_dir / "exercise.db")
    if resume:
        header, _ = read(resume)  # checked for shape, as `play --resume` checks it
        if "joint" not in header:
            raise InputError([Problem(resume, 1, 1, "joint", "this is the journal of a solo play session, not of "
                                      "a joint exercise: continue it with `play --resume`")])
        scenario = load(scenario_path or header["scenario"]["path"])
        host = hosting.resume(Path(resume), scenario, results_dir=results_dir)
        secret = None
    else:
        if scenario_path is None:
            raise InputError([Problem("host", 1, 1, "", "give a scenario file, or --resume JOURNAL")])
        scenario = load(scenario_path)
        humans = _humans(scenario, seats)
        journal = results_dir / "sessions" / f"{scenario.id}_joint_seed{seed}_{time.strftime('%Y%m%d-%H%M%S')}.journal.jsonl"
        host, secret = hosting.start(scenario, seed, humans, journal_path=journal, results_dir=results_dir,
                                     trainee=trainee)
    host.on_record = lambda record: store.add(record, source="joint", record_path=str(host.record_path))
    host.key_dir = store.path.parent
    if not _is_loopback(bind):
        print(f"warning: serving on {bind}, reachable from other machines; anyone who has a seat's token "
              "can play it. Use this only on the exercise network.", file=sys.stderr)

    def ready(actual_port: int) -> None:
        address = f"{'localhost' if _is_loopback(bind) else bind}:{actual_port}"
        print(f"hosting {scenario.id} (seed {host.exercise.seed}); journal: {host.journal.path}")
        if secret is None:
            print(f"resumed: the seats join again with their old tokens at {address}")
        else:
            print("join lines (each seat's token is its own secret; share each only with its player):")
            for seat, token in secret.items():
                role = {CONTROLLER: "  (trainer: steers the run)", OBSERVER: "  (evaluator: watches, notes)"}.get(seat, "")
                print(f"  python run_exercise.py join {address} --seat {seat} --token {token}{role}")
        print("the exercise is paused until the controller starts it; Ctrl-C stops the host "
              "(`host --resume JOURNAL` goes on)", flush=True)

    async def main() -> None:
        stop = asyncio.Event()

        async def watch_end() -> None:
            ended_at = None
            while True:
                await asyncio.sleep(0.5)
                if host.over:  # the record written, or its failure said
                    ended_at = ended_at or time.monotonic()
                    if not host.connections or time.monotonic() - ended_at > LINGER_SECONDS:
                        stop.set()
                        return

        watcher = asyncio.ensure_future(watch_end())
        try:
            await hosting.serve(host, bind, port, ready=ready, stop=stop)
        finally:
            watcher.cancel()

    try:
        asyncio.run(main())
    except OSError as exc:
        raise InputError([Problem("--port", 1, 1, "", f"cannot listen on {bind}:{port}: {exc.strerror or exc}")])
    except KeyboardInterrupt:
        print(f"stopped; continue with: python run_exercise.py host --resume {host.journal.path}", file=sys.stderr)
        return 130
    finally:
        host.journal.close()
    if host.record_path:
        print(f"run record: {host.record_path}")
    if host.finish_failed:
        print(f"the run record could not be written ({host.finish_failed}); the journal keeps every input: "
              f"python run_exercise.py host --resume {host.journal.path}", file=sys.stderr)
        return 1
    return 0
