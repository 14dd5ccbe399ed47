"""Joint-exercise figures for `make bench`: six seats on loopback at 8x.

- an order's round trip: from a seat sending it to the seat holding a picture in which
  the host has applied it (p50, p95);
- the host's CPU per seat, the host running in its own process as in an exercise;
- the messages per second the host handles, six clients sending as fast as they can
  (the per-connection flood limit lifted for this figure only).
"""
from __future__ import annotations

import asyncio
import io
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "call_centre.yaml"  # four agency seats, the controller and the observer


def _host_process(tmp: Path) -> tuple[subprocess.Popen, str, dict[str, str]]:
    proc = subprocess.Popen([sys.executable, "run_exercise.py", "host", str(SCENARIO), "--port", "0", "--out", str(tmp)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    tokens, address = {}, None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the host did not start")
        m = re.search(r"join (\S+) --seat (\S+) --token (\S+)", line)
        if m:
            address, tokens[m.group(2)] = m.group(1), m.group(3)
        if line.startswith("the exercise is paused"):
            return proc, address, tokens


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    import os
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def round_trip_and_cpu(seconds: float = 10.0) -> tuple[list[float], float, int]:
    """Round trips (ms) and the host's CPU (share of a core) per seat, six seats at 8x."""
    import tempfile
    from sim.joint.client import SeatClient

    with tempfile.TemporaryDirectory() as tmp:
        proc, address, tokens = _host_process(Path(tmp))
        clients = {}
        try:
            for seat, token in tokens.items():
                clients[seat] = SeatClient(address, seat, token)
            for c in clients.values():
                c.wait_for(lambda c: c.picture is not None, 15)
            controller = clients["controller"]
            controller.control({"do": "speed", "x": 8})
            controller.control({"do": "resume"})
            agency = [s for s in clients if s not in ("controller", "observer")]
            cpu0, wall0 = _cpu_seconds(proc.pid), time.monotonic()
            trips: list[float] = []
            end = wall0 + seconds
            i = 0
            while time.monotonic() < end:
                seat = agency[i % len(agency)]
                client = clients[seat]
                unit = client.welcome["units"][0]
                sent = time.perf_counter()
                ref = client.order({"unit": unit, "do": "hold", "seconds": 5}, queue=True)
                if client.wait_for(lambda c: (c.picture or {}).get("applied", -1) >= ref, 5):
                    trips.append((time.perf_counter() - sent) * 1000)
                i += 1
                time.sleep(0.05)
            cpu = (_cpu_seconds(proc.pid) - cpu0) / (time.monotonic() - wall0)
            return trips, cpu / len(clients), len(clients)
        finally:
            for c in clients.values():
                c.close()
            proc.kill()
            proc.wait(10)


def message_rate(seconds: float = 4.0, senders: int = 6) -> float:
    """Messages a second the host handles (pings, each answered), six clients at full speed."""
    import tempfile
    from sim.format.scenario import load
    from sim.joint import host as hosting
    from sim.joint.client import SeatClient

    hosting.RATE_PER_SECOND, hosting.BURST = 1e9, 1e9  # the flood limit would cap this figure
    scenario = load(SCENARIO)
    with tempfile.TemporaryDirectory() as tmp:
        host, tokens = hosting.start(scenario, 1, tuple(s.id for s in scenario.spec.seats),
                                     journal_path=Path(tmp) / "j.jsonl", results_dir=Path(tmp), log=io.StringIO())
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        box = {}

        def run():
            asyncio.set_event_loop(loop)

            async def main():
                box["stop"] = asyncio.Event()
                await hosting.serve(host, "127.0.0.1", 0, ready=lambda p: (box.update(port=p), ready.set()),
                                    stop=box["stop"])
            loop.run_until_complete(main())

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        ready.wait(10)
        seats = list(tokens)[:senders]
        clients = [SeatClient(f"127.0.0.1:{box['port']}", s, tokens[s]) for s in seats]
        for c in clients:
            c.wait_for(lambda c: c.picture is not None, 10)
        start = time.monotonic()
        sent = 0
        while time.monotonic() - start < seconds:
            for c in clients:
                for _ in range(50):
                    c._send("ping")
                sent += 50
            time.sleep(0.005)
            if sum(c._outbox.qsize() for c in clients) > 2000:
                time.sleep(0.05)  # let the senders catch up: measure the host, not the queues
        for c in clients:
            c.wait_for(lambda c: c._outbox.qsize() == 0, 10)
        time.sleep(0.3)
        answered = sum(len(c.acks) for c in clients)
        elapsed = time.monotonic() - start
        for c in clients:
            c.close()
        loop.call_soon_threadsafe(box["stop"].set)
        thread.join(10)
        host.journal.close()
        return answered / elapsed


if __name__ == "__main__":
    trips, cpu, seats = round_trip_and_cpu(6)
    print(f"round trip p50 {statistics.median(trips):.1f} ms, p95 {statistics.quantiles(trips, n=20)[-1]:.1f} ms "
          f"({len(trips)} orders); host CPU per seat {cpu * 100:.1f}% of a core ({seats} seats)")
    print(f"messages handled: {message_rate():.0f}/s")
