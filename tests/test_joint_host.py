"""The joint exercise over loopback: seats, the controller, a hostile client, a killed host,
a seat that drops and rejoins. No display needed."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from joint_harness import seat, start_host
from sim.evaluation import journal as journals
from sim.evaluation import record as records
from sim.format.doctrine import doctrine_choice
from sim.format.scenario import load
from sim.joint import host as hosting
from sim.joint.client import SeatClient

KOWLOON = load(ROOT / "scenarios" / "kowloon_flat.yaml")
AGENCY_SEATS = ("hk_command", "crime_bureau", "thai_liaison")


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(hosting, "SPEEDS", hosting.SPEEDS + (256,))


def _doctrine_orders(seat_id: str) -> list[dict]:
    units = {u.id for u in KOWLOON.spec.units
             if next(s.id for s in KOWLOON.spec.seats if u.agency in s.agencies) == seat_id}
    return [o.model_dump(exclude_none=True) for o in KOWLOON.spec.doctrine_plan.orders if o.unit in units]


def _play_decisions(client: SeatClient) -> None:
    decision = (client.picture or {}).get("snapshot", {}).get("decision")
    if decision and decision["id"] not in getattr(client, "answered", set()):
        client.answered = getattr(client, "answered", set()) | {decision["id"]}
        client.decide(decision["id"], doctrine_choice(KOWLOON.spec, decision["id"]))


def test_four_scripted_seats_play_the_reference_scenario_to_the_end_and_the_record_verifies(tmp_path, fast):
    running, secret = start_host(KOWLOON, tmp_path, AGENCY_SEATS)
    try:
        clients = {name: seat(running, secret, name) for name in AGENCY_SEATS + ("controller",)}
        for name in AGENCY_SEATS:
            for order in _doctrine_orders(name):
                clients[name].order(order, queue=True)
        clients["hk_command"].message("thai_liaison", "liaison_direct", "Stacking at the gate now")
        clients["controller"].control({"do": "speed", "x": 256})
        clients["controller"].control({"do": "message", "to": "crime_bureau", "text": "The landlord has arrived downstairs"})
        clients["controller"].control({"do": "resume"})
        end = time.monotonic() + 60
        while running.host.record_path is None and time.monotonic() < end:
            for name in AGENCY_SEATS:
                _play_decisions(clients[name])
            time.sleep(0.02)
        assert running.host.record_path is not None, running.log.getvalue()
        errors = {n: c.errors for n, c in clients.items() if c.errors}
        # the liaison message goes only once the Thai liaison officer is on scene: refused before
        assert all(e["code"] == "cannot_send" for errs in errors.values() for e in errs), errors
    finally:
        for c in locals().get("clients", {}).values():
            c.close()
        running.stop()
    record = records.load(running.host.record_path)
    assert record["joint"]["humans"] == list(AGENCY_SEATS)
    seats_of_inputs = {e.get("seat") for e in record["inputs"]}
    assert {"hk_command", "crime_bureau", "thai_liaison", "controller"} <= seats_of_inputs
    assert records.verify(KOWLOON, record).ok
    assert record["finished"] and record["end_reason"] == "operation complete"


def test_a_rogue_client_is_refused_and_the_run_is_unaffected(tmp_path):
    running, secret = start_host(KOWLOON, tmp_path, AGENCY_SEATS)
    try:
        thai = seat(running, secret, "thai_liaison")
        wrong = SeatClient(running.address, "hk_command", "not-the-token", reconnect=False)
        assert wrong.wait_for(lambda c: c.fatal is not None)
        assert "wrong token" in wrong.fatal
        rogue = seat(running, secret, "crime_bureau")
        before = running.call(lambda: len(running.host.exercise.inputs))
        rogue.raw("this is not json")
        rogue.raw(json.dumps({"type": "order", "ref": 1, "order": {"unit": "eu_entry", "do": "move", "to": "corridor"}}))
        rogue.raw(json.dumps({"type": "control", "ref": 2, "action": {"do": "resume"}}))
        rogue.raw("x" * 20_000)
        for i in range(10_000):
            rogue.raw(json.dumps({"type": "ping", "ref": 10 + i}))
        time.sleep(1.1)  # past the flood: the next messages are read again
        rogue.raw(json.dumps({"type": "hello", "version": 1, "seat": "controller", "token": secret["crime_bureau"]}))
        # the host stays responsive to everyone else while the burst lasts
        started = time.monotonic()
        ref = thai.message("hk_command", "phone", "are you receiving?")
        assert thai.wait_for(lambda c: ref in c.acks, timeout=10)
        assert time.monotonic() - started < 5
        assert rogue.wait_for(lambda c: any(e["code"] == "bad_token" for e in c.errors), timeout=10), rogue.errors
        codes = {e["code"] for e in rogue.errors}
        assert {"bad_message", "not_allowed", "too_many", "bad_token"} <= codes, codes
        inputs = running.call(lambda: list(running.host.exercise.inputs))
        assert len(inputs) == before + 1 and inputs[-1]["seat"] == "thai_liaison"
        assert not running.call(lambda: running.host.paused is False)  # the rogue could not resume it
        log = running.log.getvalue()
        assert "too many" in log and "not JSON" in log
    finally:
        for c in ("thai", "wrong", "rogue"):
            if c in locals():
                locals()[c].close()
        running.stop()


def test_a_seat_that_drops_and_rejoins_sees_the_same_picture(tmp_path, fast):
    running, secret = start_host(KOWLOON, tmp_path, AGENCY_SEATS)
    try:
        controller = seat(running, secret, "controller")
        hk = seat(running, secret, "hk_command")
        hk.order({"unit": "eu_entry", "do": "stack", "door": "front_gate"})
        controller.control({"do": "speed", "x": 16})
        controller.control({"do": "resume"})
        assert hk.wait_for(lambda c: c.picture["snapshot"]["t"] > 5)  # the gate decision then holds it to 1x
        controller.control({"do": "pause"})
        assert hk.wait_for(lambda c: c.picture["paused"])
        time.sleep(0.5)
        before = hk.picture["snapshot"]
        hk.close()
        again = seat(running, secret, "hk_command")
        assert again.picture["snapshot"] == before
        again.close()
    finally:
        controller.close()
        running.stop()


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _host_process(*args: str, tmp_path: Path, port: int) -> tuple[subprocess.Popen, list[str]]:
    proc = subprocess.Popen([sys.executable, "run_exercise.py", "host", *args, "--port", str(port), "--out", str(tmp_path)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    while True:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        lines.append(line)
        if line.startswith("the exercise is paused"):
            return proc, lines


def test_a_killed_host_resumes_with_no_input_lost(tmp_path):
    port = _free_port()
    proc, lines = _host_process("scenarios/kowloon_flat.yaml", "--seats", "hk_command,thai_liaison",
                                tmp_path=tmp_path, port=port)
    joins = {m.group(2): (m.group(1), m.group(3)) for m in
             (re.search(r"join (\S+) --seat (\S+) --token (\S+)", line) for line in lines) if m}
    journal = Path(re.search(r"journal: (\S+)", lines[0]).group(1))
    try:
        address = joins["hk_command"][0]
        clients = {name: SeatClient(address, name, joins[name][1]) for name in ("controller", "hk_command",
                                                                              "thai_liaison")}
        for c in clients.values():
            assert c.wait_for(lambda c: c.picture is not None)
        clients["controller"].control({"do": "speed", "x": 4})
        clients["controller"].control({"do": "resume"})
        refs = [clients["hk_command"].order({"unit": "eu_entry", "do": "stack", "door": "front_gate"})]
        time.sleep(0.5)
        refs.append(clients["thai_liaison"].order({"unit": "thai_lo", "do": "move", "to": "corridor"}))
        assert clients["thai_liaison"].wait_for(lambda c: refs[-1] in c.acks)
        assert clients["hk_command"].wait_for(lambda c: refs[0] in c.acks)
        ready = clients["thai_liaison"].ready()
        assert clients["thai_liaison"].wait_for(lambda c: ready in c.acks)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        before = clients["controller"].picture  # the killed host's last picture
        _, inputs = journals.read(journal)
        assert [e["type"] for e in inputs] == ["order", "order"]
        proc, lines = _host_process("--resume", str(journal), tmp_path=tmp_path, port=port)
        assert "resumed" in "".join(lines)
        # the seats come back by themselves with their old tokens, and find their units where they were
        assert clients["thai_liaison"].wait_for(lambda c: c.connected.is_set() and c.picture is not None, 15)
        units = {m["id"] for m in clients["thai_liaison"].picture["snapshot"]["markers"] if m["kind"] == "unit"}
        assert units == {"thai_lo", "consul"}
        ref = clients["thai_liaison"].message("hk_command", "phone", "back again")
        assert clients["thai_liaison"].wait_for(lambda c: ref in c.acks)
        _, inputs = journals.read(journal)
        assert [e["type"] for e in inputs] == ["order", "order", "message"]
        # the controller's room still knows who had said they were ready
        thai_row = lambda c: next(r for r in (c.picture or {}).get("room", {}).get("seats", [])  # noqa: E731
                                  if r["seat"] == "thai_liaison")
        assert clients["controller"].wait_for(lambda c: c.picture is not before and thai_row(c)["connected"], 15)
        assert thai_row(clients["controller"])["ready"]
    finally:
        for c in locals().get("clients", {}).values():
            c.close()
        proc.kill()
        proc.wait(10)


def test_host_refuses_a_scenario_without_seats_and_a_wrong_seat(tmp_path):
    from engine_maps import flat_yaml
    solo = tmp_path / "solo.yaml"
    solo.write_text(flat_yaml())
    for args, words in (([str(solo)], "no seats"),
                        (["scenarios/kowloon_flat.yaml", "--seats", "hk_comand"], "unknown seat 'hk_comand'")):
        result = subprocess.run([sys.executable, "run_exercise.py", "host", *args, "--out", str(tmp_path)],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert result.returncode == 2, result.stderr
        assert words in result.stderr and "Traceback" not in result.stderr


def test_an_order_naming_nothing_real_is_refused_and_the_run_goes_on(tmp_path, fast):
    # found in review: an order to arrest 'nobody' was accepted and froze the host's clock
    running, secret = start_host(KOWLOON, tmp_path, AGENCY_SEATS)
    try:
        crime = seat(running, secret, "crime_bureau")
        controller = seat(running, secret, "controller")
        bad = [crime.order({"do": "arrest", "unit": "octb", "target": "nobody"}),
               crime.order({"do": "escort", "unit": "octb", "victim": "guard", "to": "corridor"}),
               crime.order({"do": "arrest", "unit": "octb", "target": "manager"})]  # not in its picture yet
        crime.raw("[" * 5000)
        assert crime.wait_for(lambda c: len(c.errors) >= 4)
        assert {e.get("ref") for e in crime.errors} >= set(bad)
        assert "knows nothing of 'manager'" in " ".join(e["message"] for e in crime.errors)
        controller.control({"do": "speed", "x": 16})
        controller.control({"do": "resume"})
        assert crime.wait_for(lambda c: c.picture["snapshot"]["t"] > 20), running.log.getvalue()
    finally:
        crime.close()
        controller.close()
        running.stop()


def test_a_rejoin_closes_the_old_connection(tmp_path):
    running, secret = start_host(KOWLOON, tmp_path, AGENCY_SEATS)
    try:
        first = SeatClient(running.address, "thai_liaison", secret["thai_liaison"], reconnect=False)
        assert first.wait_for(lambda c: c.picture is not None)
        second = seat(running, secret, "thai_liaison")
        assert first.wait_for(lambda c: not c.connected.is_set(), 5)
        ref = second.message("hk_command", "phone", "it is me")
        assert second.wait_for(lambda c: ref in c.acks)
    finally:
        first.close()
        second.close()
        running.stop()


def test_a_torn_journal_line_is_cut_off_on_resume(tmp_path):
    from sim.evaluation.journal import resume
    running, secret = start_host(KOWLOON, tmp_path, AGENCY_SEATS)
    journal = running.host.journal.path
    running.call(lambda: running.host.exercise.observe("one", seat="observer"))
    running.stop()
    with open(journal, "a") as fh:
        fh.write('{"type": "observation", "te')  # the host died writing this
    exercise, again = resume(journal, KOWLOON)
    exercise.observe("two", seat="observer")
    again.close()
    exercise, again = resume(journal, KOWLOON)
    again.close()
    assert [e["text"] for e in exercise.inputs] == ["one", "two"]
