"""Many replications of one policy on seeds S..S+N-1, on a process pool, streamed to the store.

Each finished replication is stored (in its own transaction) as soon as it is done, so
Ctrl-C or a killed process keeps every finished run, and `resume` runs only the seeds
that are missing. Pool workers write their runs to the store themselves (SQLite in WAL
mode takes one writer at a time, each for about a millisecond) and send back only a
summary: shipping every record to one process to write it cost that process as much CPU
as a fifth of a worker. At most a few runs are in flight per worker, so memory stays flat
however large N is. The same work can go to a Dask cluster (`executor="dask"`), whose
workers may not see the store's file: their records come back and are stored here.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

from sim import __version__
from sim.engine.eventlog import canonical_lines
from .record import make_record
from sim.format.spec import Plan
from .store import Store

_SCENARIO = None  # the scenario, loaded once per worker process


def _init_worker(path: str) -> None:
    global _SCENARIO
    from sim.format.scenario import load
    _SCENARIO = load(path)


def _init_pool_worker(path: str, parent: int, nice: int = 0) -> None:
    import signal
    # Ctrl-C reaches the whole process group: the parent handles it (it keeps finished runs
    # and stops the pool); a worker that took it too would die mid-run with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _watch_parent(parent)
    if nice:
        os.nice(nice)
    _init_worker(path)
    # What a pool worker holds from now on (modules, the scenario) lives as long as it does:
    # keeping it out of the garbage collector's scans makes each run about 3% faster.
    gc.freeze()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # killed but not yet reaped by its own parent: gone all the same
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _watch_parent(parent: int) -> None:
    """Exit when the program that started the pool is gone (killed by SIGKILL, say: it then
    never tells its workers to stop, and they would wait for work for ever). It is watched by
    its process id, not as this worker's parent: the worker's parent is the fork server,
    which by design lives as long as any of its workers does."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if not _alive(parent):
                os._exit(0)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def run_one(job: tuple) -> dict[str, Any]:
    """One replication in a worker: (scenario path, plan as JSON, seed, trainee, kind) -> record."""
    return make_record(_run(*job[:4]))


def _run(path: str, plan_json: str, seed: int, trainee: Optional[str]):
    from sim.engine.exercise import Exercise
    from .record import _tuples

    if _SCENARIO is None or _SCENARIO.path != path:
        _init_worker(path)
    plan = _PLANS.get(plan_json)
    if plan is None:
        if len(_PLANS) > 64:
            _PLANS.clear()
        plan = _PLANS[plan_json] = Plan.model_validate(_tuples(json.loads(plan_json)), strict=True)
    exercise = Exercise(_SCENARIO, seed, plan, trainee=trainee)
    exercise.run_to_end()
    return exercise


_PLANS: dict[str, Plan] = {}  # in a worker: each plan checked once, not once per run
_STORES: dict[str, Store] = {}  # in a pool worker: its own connection to each store it writes


def run_and_store(jobs: list[tuple], db: str, batch: str,
                  keep_events: bool) -> list[dict]:
    """In a pool worker: a few replications, each stored as soon as it is done; only their
    summaries go back. (A few per task: each task costs the parent a round trip.)"""
    store = _STORES.get(db)
    if store is None:
        store = _STORES[db] = Store(db)
    return [_run_and_keep(job, store, batch, keep_events) for job in jobs]


def _run_and_keep(job: tuple, store: Store, batch: str, keep_events: bool) -> dict:
    """One replication run and stored here; its summary."""
    exercise = _run(*job[:4])
    lines = canonical_lines(exercise.events)  # encoded once: for the digest and for the store
    record = make_record(exercise, lines)
    return _summary(record, store.add(record, source="batch", batch=batch, keep_events=keep_events,
                                      event_json=lines, kind=job[4] if len(job) > 4 else None))


def _summary(record: dict, stored: bool) -> dict:
    # the decisions that opened: where one did not, another choice there changes nothing
    return {"seed": record["seed"], "stored": stored, "overall": record["metrics"]["overall"],
            "opened": sorted(record.get("decisions", {}))}


def batch_id(scenario_sha: str, plan: Plan, first_seed: int, runs: int, trainee: Optional[str]) -> str:
    # with the engine's version: --resume after an upgrade starts a batch of its own
    body = json.dumps([scenario_sha, plan.model_dump(mode="json", exclude_none=True), first_seed, runs, trainee,
                       __version__], sort_keys=True)
    return "b" + hashlib.sha256(body.encode()).hexdigest()[:12]


@dataclass
class BatchResult:
    batch: str
    stored: int
    skipped: int
    seconds: float
    interrupted: bool = False


class Progress:
    """The progress bar on stderr (tqdm): runs done, rate and time left."""

    def __init__(self, total: int, enabled: bool = True):
        self.total, self.done, self.enabled = total, 0, enabled and total > 0
        self.bar = None
        if self.enabled:
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="run", file=sys.stderr, dynamic_ncols=True, leave=True)

    def step(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
            if self.done == self.total:
                self.bar.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_batch(scenario, plan: Plan, *, runs: int, first_seed: int = 0, workers: Optional[int] = None,
              store: Store, resume: bool = False, trainee: Optional[str] = None, progress: bool = True,
              executor: str = "process", scheduler: Optional[str] = None,
              keep_events: bool = True, on_run: Optional[Callable[[dict], None]] = None,
              only: Optional[set[int]] = None, kind: Optional[str] = None) -> BatchResult:
    """Run and store the replications; `on_run` gets each one's summary (seed, stored,
    overall score and rating, decisions opened) as it is done. `only`: run just these seeds
    of the batch (the others are left for later)."""
    bid = batch_id(scenario.sha256, plan, first_seed, runs, trainee)
    seeds = range(first_seed, first_seed + runs)
    done = store.seeds_done(bid) if resume else set()
    if only is not None:
        done |= set(seeds) - set(only)
    todo = sum(1 for s in seeds if s not in done)
    plan_json = json.dumps(plan.model_dump(mode="json", exclude_none=True), sort_keys=True)
    # a generator, not a list: a batch of any size holds only the runs in flight
    jobs = ((scenario.path, plan_json, seed, trainee, kind) for seed in seeds if seed not in done)
    bar = Progress(todo, progress)
    created_before = store.created_by(bid)
    started = time.monotonic()
    stored = 0

    def keep(summary: dict) -> None:
        nonlocal stored
        stored += summary["stored"]
        if on_run is not None:
            on_run(summary)
        bar.step()

    def store_here(record: dict) -> None:  # a record from a Dask worker
        keep(_summary(record, store.add(record, source="batch", batch=bid, keep_events=keep_events, kind=kind)))

    try:
        if executor == "dask":
            _run_on_dask(jobs, scheduler, store_here)
        elif (workers or os.cpu_count() or 1) == 1 or todo <= 1:
            for job in jobs:
                keep(_run_and_keep(job, store, bid, keep_events))
        else:
            workers = workers or os.cpu_count() or 1
            per_task = max(1, min(RUNS_PER_TASK, todo // (workers * 4)))  # a small batch still spreads
            _run_on_pool(jobs, workers, per_task, scenario.path, keep, (str(store.path), bid, keep_events))
    except KeyboardInterrupt:
        bar.close()
        # workers may have stored runs whose summaries never came back: count the store
        stored = store.created_by(bid) - created_before
        return BatchResult(bid, stored, len(done), time.monotonic() - started, interrupted=True)
    return BatchResult(bid, stored, len(done), time.monotonic() - started)


RUNS_PER_TASK = 4


_POOL: dict[int, ProcessPoolExecutor] = {}  # warm worker processes, by their number
_WORKER_NICE = 0  # how far below this process the pool's workers run (see yield_to_window)


def yield_to_window(nice: int = 10) -> None:
    """Pools started from now on in this process run their workers at a lower priority.

    The window calls it: while the trainee plays, its warm pool runs the doctrine plan's
    seeds for the debrief (sim/evaluation/background.py), a worker per core. At the same
    priority they took the cores from the window's loop, and a frame that had work to do
    waited its turn (figure 4 of bench/run.py, call centre at 8x on two cores: median frame
    9-11 ms against 3-5 ms with the workers at nice 10). Lower, they still have every core
    the window leaves idle, which is nearly all of them. A pool already running at another
    priority (a batch run earlier in the same process) is closed: the next batch starts one."""
    global _WORKER_NICE
    if nice != _WORKER_NICE:
        stop_pools()
    _WORKER_NICE = nice


def warm_pool(workers: int, path: str) -> ProcessPoolExecutor:
    """The process pool of this many workers, started once and kept: a second batch in the
    same process (the counterfactual runs of a score, the debrief's next score) starts at
    once, with the scenario already loaded in each worker."""
    pool = _POOL.get(workers)
    if pool is None:
        pool = _POOL[workers] = ProcessPoolExecutor(workers, mp_context=_pool_context(), initializer=_init_pool_worker,
                                                    initargs=(path, os.getpid(), _WORKER_NICE))
    return pool


def _pool_context():
    """Workers started by a fork server, never forked from this process: a process that
    forks while it holds an SQLite connection (the window does: its store, the background
    score's thread) hands the child SQLite's record of its file locks, and the child's own
    connection then trusts locks it does not hold and reads pages mid-write ("database disk
    image is malformed"). SQLite forbids a connection across fork(); the fork server is a
    fresh interpreter that never opened one."""
    import multiprocessing
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sim.evaluation.batch"])  # each worker starts with the engine imported
    return context


def stop_pools() -> None:
    while _POOL:
        _, pool = _POOL.popitem()
        pool.shutdown(wait=True, cancel_futures=True)


def _run_on_pool(jobs: Iterable, workers: int, per_task: int, path: str, keep: Callable[[dict], None],
                 where: tuple, task: Callable[..., list[dict]] = run_and_store) -> None:
    """Chunks of `jobs` through `task(chunk, *where)` on a pool; `keep` gets each summary."""
    pending: set = set()
    queue = iter(jobs)
    pool = warm_pool(workers, path)

    def submit(tasks: int) -> None:
        for _ in range(tasks):
            chunk = _take(queue, per_task)
            if chunk:
                pending.add(pool.submit(task, chunk, *where))

    try:
        submit(workers * 2)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                for summary in future.result():
                    keep(summary)
            submit(len(finished))
    except KeyboardInterrupt:
        for future in pending:
            future.cancel()
        # wait for the workers: one may be storing its run, and the count told to the
        # user must include it (a task takes milliseconds, so this is no wait at all)
        _POOL.pop(workers, None)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    except BaseException:
        _POOL.pop(workers, None)
        pool.shutdown(wait=False, cancel_futures=True)
        raise


def _take(it: Iterable, n: int) -> list:
    out = []
    for _ in range(n):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out


def _run_on_dask(jobs: Iterable, scheduler: Optional[str], keep: Callable[[dict], None]) -> None:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        from sim.format.problems import InputError, Problem
        raise InputError([Problem("--executor", 1, 1, "", "Dask is not installed: pip install '.[cluster]'")])
    client = Client(scheduler) if scheduler else Client(processes=False)
    try:
        window = max(4, 3 * len(client.scheduler_info().get("workers", {})))
        queue = iter(jobs)
        futures = as_completed([client.submit(run_one, job, pure=False) for job in _take(queue, window)])
        for future in futures:
            keep(future.result())
            for job in _take(queue, 1):
                futures.add(client.submit(run_one, job, pure=False))
    finally:
        client.close()
