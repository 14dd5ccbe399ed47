"""Joint-exercise figures for `make bench`: six seats on loopback at 8x, then 24.

- an order's round trip: from a seat sending it to the seat holding a picture in which
  the host has applied it (p50, p95);
- the host's CPU per seat, the host running in its own process as in an exercise;
- the messages per second the host handles, six clients sending as fast as they can
  (the per-connection flood limit lifted for this figure only);
- 24 seats (call_centre with 18 district stations added), six of them behind a proxy
  that delays every packet 80 ms each way (Hong Kong to Bangkok), and then one client
  that stops reading: the others' round trips with and without it.
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


def _host_process(tmp: Path, scenario: Path = SCENARIO) -> tuple[subprocess.Popen, str, dict[str, str]]:
    proc = subprocess.Popen([sys.executable, "run_exercise.py", "host", str(scenario), "--port", "0", "--out", str(tmp)],
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


# -- 24 seats, six of them far away, and one that stops reading ---------------------------

DELAY_SECONDS = 0.080  # each way, as between Hong Kong and Bangkok
FAR_SEATS = 6
DISTRICTS = 18  # call_centre's four agency seats + 18 + the controller and the observer = 24


def crowded_scenario(folder: Path) -> Path:
    """call_centre with a district station's seat (one patrol unit each) added 18 times."""
    lines = SCENARIO.read_text(encoding="utf-8").splitlines()
    agencies = [f"  - {{id: district_{i}, name: District station {i}, country: Thailand}}" for i in range(1, DISTRICTS + 1)]
    units = [f"  - {{id: district_{i}_patrol, name: District {i} patrol, agency: district_{i}, kind: perimeter, size: 2, "
             f"languages: [th], skills: [arrest], at: lifts, arrives: 120}}" for i in range(1, DISTRICTS + 1)]
    seats = [f"  - {{id: district_{i}, name: District station {i}, agencies: [district_{i}]}}" for i in range(1, DISTRICTS + 1)]
    out = []
    for line in lines:
        if line.startswith("id: call_centre"):
            line = "id: call_centre_crowded"
        if line.startswith("lead_agency:"):
            out += agencies
        if line.startswith("channels:"):
            out += seats + [""]
        if line.startswith("injects:"):
            out += units + [""]
        out.append(line)
    path = folder / "call_centre_crowded.yaml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _delay_proxy(target_port: int, delay: float) -> tuple[subprocess.Popen, int]:
    """The delaying proxy in a process of its own, so the bench's 24 client threads do not
    share its interpreter lock (what is measured is the host and the delay, not the bench)."""
    proc = subprocess.Popen([sys.executable, "-m", "bench.delay_proxy", str(target_port), str(delay)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    return proc, int(proc.stdout.readline())


def _round_trips(clients: dict, seats: list[str], seconds: float) -> dict[str, list[float]]:
    """Orders from each seat in turn; each one's round trip in ms."""
    trips: dict[str, list[float]] = {s: [] for s in seats}
    end, i = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        seat = seats[i % len(seats)]
        client = clients[seat]
        sent = time.perf_counter()
        ref = client.order({"unit": client.welcome["units"][0], "do": "hold", "seconds": 5}, queue=True)
        if client.wait_for(lambda c: (c.picture or {}).get("applied", -1) >= ref, 5):
            trips[seat].append((time.perf_counter() - sent) * 1000)
        i += 1
        time.sleep(0.02)
    return trips


def _stall(address: str, seat: str, token: str):
    """A client that joins and then never reads (a frozen laptop, a dead Wi-Fi link)."""
    import json
    import socket
    from websockets.sync.client import connect
    from sim.joint.protocol import PROTOCOL_VERSION
    host, port = address.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    ws = connect(f"ws://{address}", sock=sock, max_queue=1).__enter__()  # closed by the bench
    ws.send(json.dumps({"type": "hello", "version": PROTOCOL_VERSION, "seat": seat, "token": token}))
    return ws


def crowd(seconds: float = 8.0) -> dict:
    """24 seats, six behind the delay; then the observer stops reading. Round trips in ms."""
    import tempfile
    from sim.joint.client import SeatClient

    with tempfile.TemporaryDirectory() as tmp:
        scenario = crowded_scenario(Path(tmp))
        proc, address, tokens = _host_process(Path(tmp), scenario)
        proxy, proxy_port = _delay_proxy(int(address.rsplit(":", 1)[1]), DELAY_SECONDS)
        clients, stalled = {}, None
        try:
            agency = [s for s in tokens if s not in ("controller", "observer")]
            far = agency[:FAR_SEATS]
            for seat, token in tokens.items():
                where = f"127.0.0.1:{proxy_port}" if seat in far else address
                clients[seat] = SeatClient(where, seat, token)
            for c in clients.values():
                c.wait_for(lambda c: c.picture is not None, 30)
            clients["controller"].control({"do": "speed", "x": 8})
            clients["controller"].control({"do": "resume"})
            near = [s for s in agency if s not in far]
            before = _round_trips(clients, agency, seconds)
            clients["observer"].close()
            stalled = _stall(address, "observer", tokens["observer"])
            during = _round_trips(clients, near, seconds)
            return {"seats": len(clients), "near": [t for s in near for t in before[s]],
                    "far": [t for s in far for t in before[s]], "stalled": [t for s in near for t in during[s]]}
        finally:
            for c in clients.values():
                c.close()
            if stalled is not None:
                try:
                    stalled.close()
                except Exception:
                    pass
            proxy.kill()
            proxy.wait(10)
            proc.kill()
            proc.wait(10)
