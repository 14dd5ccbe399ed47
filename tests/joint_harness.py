"""A joint-exercise host on loopback, in a thread of the test process, and scripted seats."""
from __future__ import annotations

import asyncio
import io
import threading
from pathlib import Path

from sim.joint import host as hosting
from sim.joint.client import SeatClient


class RunningHost:
    def __init__(self, host: hosting.Host):
        self.host = host
        self.port = None
        self.log = host.log_file
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._stop = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._ready.wait(10), "the host did not start"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def main():
            self._stop = asyncio.Event()
            await hosting.serve(self.host, "127.0.0.1", 0, ready=self._got_port, stop=self._stop)

        self._loop.run_until_complete(main())

    def _got_port(self, port: int) -> None:
        self.port = port
        self._ready.set()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def call(self, fn):
        """Run fn() on the host's loop (the host is not thread-safe) and return its result."""
        done = threading.Event()
        box = {}

        def job():
            box["value"] = fn()
            done.set()

        self._loop.call_soon_threadsafe(job)
        assert done.wait(10)
        return box["value"]

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)
        self.host.journal.close()


def start_host(scenario, tmp_path: Path, humans, seed: int = 1):
    log = io.StringIO()
    host, secret = hosting.start(scenario, seed, tuple(humans), journal_path=tmp_path / "joint.journal.jsonl",
                                 results_dir=tmp_path, log=log)
    return RunningHost(host), secret


def seat(running: RunningHost, secret: dict, name: str) -> SeatClient:
    client = SeatClient(running.address, name, secret[name], name=f"test {name}")
    assert client.wait_for(lambda c: c.welcome is not None and c.picture is not None), \
        f"{name} did not join: {client.errors}"
    return client
