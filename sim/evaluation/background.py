"""The luck-adjusted score computed in the background, for the debrief: a thread that asks
the warm process pool (sim/evaluation/batch.py) for the trainee's choices and the doctrine
plan over the same seeds, and the cost of each choice that differs. The thread only waits
on the pool's workers, so the window's loop keeps its frame rate; the debrief polls `done`."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Optional

from .reference import verdict
from .skill import SkillReport, skill
from .store import Store


class LuckJob:
    def __init__(self, scenario, record: dict[str, Any], store_path: Path | str, *, runs: int = 200,
                 workers: Optional[int] = None):
        self.scenario, self.record, self.store_path = scenario, record, Path(store_path)
        self.runs, self.workers = runs, workers
        self.report: Optional[SkillReport] = None
        self.partial: Optional[SkillReport] = None  # the headline, before every choice's cost is in
        self.headline_seconds: Optional[float] = None
        self.error: Optional[str] = None
        self.started = 0.0
        self.seconds: Optional[float] = None
        self._thread = threading.Thread(target=self._work, name="luck-adjusted-score", daemon=True)

    def start(self) -> "LuckJob":
        self.started = time.monotonic()
        self._thread.start()
        return self

    def _work(self) -> None:
        try:
            store = Store(self.store_path)  # a connection of this thread's own
            try:
                self.report = skill(self.scenario, self.record, runs=self.runs, store=store, workers=self.workers,
                                    on_partial=self._partial)
            finally:
                store.close()
        except Exception as exc:  # shown in the debrief, never a crash of the window
            self.error = f"{type(exc).__name__}: {exc}"
        self.seconds = time.monotonic() - self.started

    def _partial(self, report: SkillReport) -> None:
        if self.headline_seconds is None:
            self.headline_seconds = time.monotonic() - self.started
        self.partial = report

    @property
    def done(self) -> bool:
        return self.seconds is not None

    @property
    def elapsed(self) -> float:
        return self.seconds if self.seconds is not None else time.monotonic() - self.started

    def wait(self, timeout: Optional[float] = None) -> bool:
        self._thread.join(timeout)
        return self.done


def luck_lines(job: LuckJob) -> list[str]:
    """What the debrief shows: computing, the error, or the score and the cost of each choice."""
    if job.done and job.error:
        return [f"Luck-adjusted score could not be computed: {job.error}"]
    r = job.report if job.done else job.partial
    if r is None:
        return [f"Luck-adjusted score: computing over {job.runs} seeds… {job.elapsed:.0f} s"]
    d = r.difference
    took = f"{job.seconds:.1f} s" if job.done else "costs of choices still coming"
    out = [f"Luck-adjusted ({r.runs} seeds, {took}): your choices {r.trainee.mean:.3f} "
           f"(95% CI {r.trainee.ci_low:.3f}–{r.trainee.ci_high:.3f}); doctrine {r.doctrine.mean:.3f}; "
           f"difference {d.mean_difference:+.3f} against the reference ({verdict(d)})"]
    spec = job.scenario.spec
    labels = {(d.id, o.id): o.label for d in spec.decisions for o in d.options}
    for c in r.costs:
        out.append(f"  {labels.get((c.decision, c.trainee_option), c.trainee_option)}"
                   f"{' (the default: not answered)' if c.defaulted else ''} instead of "
                   f"{labels.get((c.decision, c.doctrine_option), c.doctrine_option)} cost {c.cost:+.3f}"
                   f"{'' if verdict(c.test) == 'larger than luck explains' else ' (within luck)'}")
    if not r.costs and job.done:
        out.append("  every decision matched doctrine (any difference comes from the orders)")
    return out


def prepare_doctrine(scenario, store_path: Path | str, *, runs: int = 200) -> threading.Thread:
    """Run (and store) the doctrine plan on the debrief's seeds in the background while the
    trainee plays, so the debrief's score has only the trainee's own runs left to do. It
    also starts the warm pool the debrief then uses."""
    from .batch import run_batch

    def work() -> None:
        try:
            store = Store(store_path)
            try:
                run_batch(scenario, scenario.spec.doctrine_plan, runs=runs, store=store, resume=True,
                          progress=False, keep_events=False, kind="doctrine")
            finally:
                store.close()
        except Exception:  # only a head start: the debrief runs whatever is missing
            pass

    thread = threading.Thread(target=work, name="doctrine-runs", daemon=True)
    thread.start()
    return thread
