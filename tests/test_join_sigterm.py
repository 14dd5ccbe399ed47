"""A `join` window at its debrief ends on SIGTERM, cleanly (exit 0), as a trainer's script or
a session manager expects. Loopback, dummy video driver, bounded in time."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from conftest import ROOT
from joint_harness import seat, start_host
from sim.format.scenario import load

KOWLOON = load(ROOT / "scenarios" / "kowloon_flat.yaml")


def test_a_join_window_at_its_debrief_exits_on_sigterm(tmp_path):
    running, secret = start_host(KOWLOON, tmp_path, ("hk_command",))
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    proc = subprocess.Popen([sys.executable, "run_exercise.py", "join", running.address, "--seat", "hk_command",
                             "--token", secret["hk_command"], "--out", str(tmp_path)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    controller = seat(running, secret, "controller")
    try:
        assert controller.wait_for(lambda c: any(
            conn.seat == "hk_command" for conn in running.call(lambda: list(running.host.connections))), 30)
        controller.control({"do": "end"})  # the controller ends the operation: every seat goes to its debrief
        assert controller.wait_for(lambda c: running.host.record_path is not None, 30)
        time.sleep(3)  # the window reads the record and shows the debrief
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err[-2000:]
        assert "run record:" in out  # it had reached the debrief
    finally:
        if proc.poll() is None:
            proc.kill()
        controller.close()
        running.stop()
