"""A host that keeps up: a client that stops reading delays only itself, and is dropped.
Loopback only; the host runs in a thread of the test process."""
from __future__ import annotations

import json
import socket
import time


from conftest import ROOT
from joint_harness import seat, start_host
from sim.format.scenario import load
from sim.joint import broadcast
from sim.joint.protocol import PROTOCOL_VERSION

KOWLOON = load(ROOT / "scenarios" / "kowloon_flat.yaml")
AGENCY_SEATS = ("hk_command", "crime_bureau", "thai_liaison")


def _stalled_client(address: str, seat_id: str, token: str):
    """A client that says hello and then never reads: a small receive window, a queue of one."""
    from websockets.sync.client import connect
    host, port = address.split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    ws = connect(f"ws://{address}", sock=sock, max_queue=1, max_size=2**22).__enter__()  # closed by the test
    ws.send(json.dumps({"type": "hello", "version": PROTOCOL_VERSION, "seat": seat_id, "token": token}))
    return ws


def _round_trip(client, unit: str) -> float:
    sent = time.monotonic()
    ref = client.order({"unit": unit, "do": "hold", "seconds": 1}, queue=True)
    assert client.wait_for(lambda c: (c.picture or {}).get("applied", -1) >= ref, timeout=20), client.errors
    return time.monotonic() - sent


def test_a_client_that_stops_reading_is_dropped_the_others_keep_their_round_trips_and_it_may_rejoin(tmp_path, monkeypatch):
    monkeypatch.setattr(broadcast, "STALL_SECONDS", 1.5)
    monkeypatch.setattr(broadcast, "SEND_BUFFER_BYTES", 4096)
    running, secret = start_host(KOWLOON, tmp_path, AGENCY_SEATS)
    clients, stalled = {}, None
    try:
        clients = {name: seat(running, secret, name) for name in ("controller", "hk_command", "thai_liaison")}
        controller = clients["controller"]
        controller.control({"do": "speed", "x": 4})
        controller.control({"do": "resume"})  # the picture changes at every round: much to send
        stalled = _stalled_client(running.address, "observer", secret["observer"])
        units = {"hk_command": "eu_entry", "thai_liaison": "thai_lo"}
        trips = []
        dropped_at = None
        end = time.monotonic() + 30
        while time.monotonic() < end and (dropped_at is None or len(trips) < 40):
            for name, unit in units.items():
                trips.append(_round_trip(clients[name], unit))
            if dropped_at is None and "observer: dropped" in running.log.getvalue():
                dropped_at = len(trips)
            time.sleep(0.1)  # within the flood limit (30 messages a second)
        log = running.log.getvalue()
        assert dropped_at is not None, log  # bounded: the client that stopped reading was let go
        assert "observer: dropped" in log and "stopped reading" in log
        # while it lay stalled and after, every order came back well before the stall limit:
        # nobody waited on the stalled client (before, the clock loop awaited each send in turn)
        assert max(trips) < broadcast.STALL_SECONDS, trips
        assert running.call(lambda: [c.seat for c in running.host.connections if c.seat == "observer"]) == []
        # the others' pictures kept coming, and the run went on
        assert clients["hk_command"].picture["snapshot"]["t"] > 10
        again = seat(running, secret, "observer")  # and it may rejoin with its token
        assert again.picture["seat"] == "observer"
        clients["again"] = again
    finally:
        for c in clients.values():
            c.close()
        if stalled is not None:
            try:
                stalled.close()
            except Exception:
                pass
        running.stop()
