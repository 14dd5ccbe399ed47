"""The same batch on a Dask distributed cluster (the optional 'cluster' extra), on loopback."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("dask.distributed")

ROOT = Path(__file__).resolve().parents[1]


def test_a_batch_on_a_local_dask_cluster_stores_every_run(tmp_path):
    from sim.evaluation.store import Store

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                                       dashboard_address=None, processes=True)
    try:
        db = tmp_path / "cluster.db"
        cmd = [sys.executable, "run_exercise.py", "batch", "scenarios/kowloon_flat.yaml", "--runs", "12",
               "--seed", "3", "--executor", "dask", "--scheduler", cluster.scheduler_address, "--db", str(db)]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    finally:
        cluster.close()
    assert proc.returncode == 0, proc.stderr
    assert "12 of 12 runs stored" in proc.stdout
    store = Store(db)
    assert sorted(r["seed"] for r in store.runs()) == list(range(3, 15))


def test_the_cluster_gives_the_same_runs_as_the_process_pool(tmp_path):
    from sim.evaluation.batch import run_batch
    from sim.format.scenario import load
    from sim.evaluation.store import Store

    scenario = load(ROOT / "scenarios" / "kowloon_flat.yaml")
    local, remote = Store(tmp_path / "local.db"), Store(tmp_path / "remote.db")
    run_batch(scenario, scenario.spec.doctrine_plan, runs=6, store=local, workers=2, progress=False)
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, host="127.0.0.1",
                                       dashboard_address=None, processes=True)
    try:
        run_batch(scenario, scenario.spec.doctrine_plan, runs=6, store=remote, executor="dask",
                  scheduler=cluster.scheduler_address, progress=False)
    finally:
        cluster.close()
    digest = lambda store: {r["seed"]: r["events_sha256"] for r in store.runs()}  # noqa: E731
    assert digest(local) == digest(remote)
