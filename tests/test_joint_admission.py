"""A host no client can lock out, and no message can cost the run: idle sockets, strict
message types, text checked where it enters, a log that escapes what clients send, error
replies that name the message they refuse. Loopback only; bounded in count and time."""
from __future__ import annotations

import contextlib
import json
import time

import pytest
from websockets.sync.client import connect

from conftest import ROOT
from joint_harness import seat, start_host
from sim.evaluation import record as records
from sim.format.scenario import load
from sim.joint import admission, host as hosting, protocol
from sim.joint.client import SeatClient

KOWLOON = load(ROOT / "scenarios" / "kowloon_flat.yaml")
AGENCY_SEATS = ("hk_command", "crime_bureau", "thai_liaison")


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(hosting, "SPEEDS", hosting.SPEEDS + (256,))


def _ask(ws, message) -> dict:
    ws.send(message if isinstance(message, (str, bytes)) else json.dumps(message))
    while True:
        reply = json.loads(ws.recv(timeout=5))
        if reply["type"] in ("error", "ack", "welcome"):
            return reply


def test_idle_sockets_held_by_a_client_never_keep_a_seat_out(tmp_path):
    running, secret = start_host(KOWLOON, tmp_path, AGENCY_SEATS)
    idle = contextlib.ExitStack()
    try:
        for _ in range(64):
            try:
                idle.enter_context(connect(f"ws://{running.address}", open_timeout=5))
            except Exception:  # closed to make room already: the host owes it nothing
                pass

        def waiting() -> int:
            return running.call(lambda: sum(1 for c in running.host.connections if c.seat is None))

        end = time.monotonic() + 5
        while waiting() > admission.WAITING_PER_ADDRESS and time.monotonic() < end:
            time.sleep(0.05)
        assert waiting() <= admission.WAITING_PER_ADDRESS  # the room stays small, whoever knocks
        started = time.monotonic()
        thai = seat(running, secret, "thai_liaison")
        assert time.monotonic() - started < 5
        ref = thai.message("hk_command", "phone", "in despite the idle sockets")
        assert thai.wait_for(lambda c: ref in c.acks)
        assert "said no hello" in running.log.getvalue()
        thai.close()
    finally:
        idle.close()
        running.stop()


def test_the_waiting_room_closes_the_longest_waiting_per_address_and_in_total():
    closed = []
    room = admission.Admission(per_address=2, in_total=3, hello_within=5)
    a1 = room.arrive("a", lambda why: closed.append("a1"))
    room.arrive("a", lambda why: closed.append("a2"))
    room.arrive("a", lambda why: closed.append("a3"))
    assert closed == ["a1"] and a1 not in room.waiting
    room.arrive("b", lambda why: closed.append("b1"))
    room.arrive("c", lambda why: closed.append("c1"))  # full in total: the oldest of all goes
    assert closed == ["a1", "a2"]
    assert [w.address for w in room.overdue(now=time.monotonic() + 6)] == ["a", "b", "c"]


def test_message_fields_are_strictly_typed_binary_frames_refused_and_errors_carry_the_ref(tmp_path):
    running, secret = start_host(KOWLOON, tmp_path, AGENCY_SEATS)
    try:
        for version in ("1", 1.0, True):
            with connect(f"ws://{running.address}", open_timeout=5) as ws:
                reply = _ask(ws, {"type": "hello", "version": version, "seat": "controller",
                                  "token": secret["controller"], "ref": 7})
                assert reply["code"] == "bad_message" and reply["ref"] == 7 and "version" in reply["message"]
        with connect(f"ws://{running.address}", open_timeout=5) as ws:
            reply = _ask(ws, json.dumps({"type": "hello", "version": 1, "seat": "controller",
                                         "token": secret["controller"]}).encode())
            assert reply["code"] == "bad_message" and "binary" in reply["message"]
            assert _ask(ws, {"type": "hello", "version": 1, "seat": "controller", "token": secret["controller"]}
                        )["type"] == "welcome"
            for ref, bad in enumerate(({"do": "speed", "x": "4"}, {"do": "speed", "x": True},
                                       {"do": "extend_decision", "decision": "d", "seconds": "60"},
                                       {"do": "fire_inject", "inject": ["x"]}, {"do": "pause", "extra": 1},
                                       {"do": "message", "to": "hk_command", "text": "\x1b[2Jgone"}), start=100):
                reply = _ask(ws, {"type": "control", "ref": ref, "action": bad})
                assert reply["type"] == "error" and reply["ref"] == ref, (bad, reply)
            reply = _ask(ws, {"type": "order", "ref": 200, "queue": 1,
                              "order": {"unit": "eu_entry", "do": "move", "to": "corridor"}})
            assert reply["code"] == "bad_message" and reply["ref"] == 200
            assert not running.call(lambda: running.host.exercise.inputs)
    finally:
        running.stop()


def test_a_controller_message_with_a_lone_surrogate_is_refused_and_the_run_ends_with_a_record_that_verifies(
        tmp_path, fast):
    running, secret = start_host(KOWLOON, tmp_path, AGENCY_SEATS)
    try:
        controller = seat(running, secret, "controller")
        observer = seat(running, secret, "observer")
        # json.dumps writes the lone surrogate as the escape \ud800, as a hostile client would
        bad = [controller.control({"do": "message", "to": "hk_command", "text": "go \ud800 now"}),
               controller.control({"do": "message", "to": "hk_command", "text": "ok", "source": "\ud800"}),
               observer.observe("seen \udfff"), observer.observe("tab\tand\nlines are fine, \x07 is not")]
        good = observer.observe("the entry team waits\nfor the liaison officer")
        assert observer.wait_for(lambda c: good in c.acks)
        assert controller.wait_for(lambda c: len(c.errors) >= 2) and observer.wait_for(lambda c: len(c.errors) >= 2)
        assert {e["ref"] for e in controller.errors + observer.errors} == set(bad)
        controller.control({"do": "speed", "x": 256})
        controller.control({"do": "resume"})
        assert controller.wait_for(lambda c: running.host.record_path is not None, 60), running.log.getvalue()
    finally:
        controller.close()
        observer.close()
        running.stop()
    record = records.load(running.host.record_path)
    assert [e["text"] for e in record["inputs"] if e["type"] == "observation"] == [
        "the entry team waits\nfor the liaison officer"]
    assert records.verify(KOWLOON, record, require_signature=True).ok  # signed by the host


def test_ansi_and_nul_never_reach_the_log_raw(tmp_path):
    running, secret = start_host(KOWLOON, tmp_path, AGENCY_SEATS)
    try:
        hostile = SeatClient(running.address, "hk_command", secret["hk_command"], name="\x1b[2J\x00Mallory",
                             reconnect=False)
        assert hostile.wait_for(lambda c: c.errors)
        assert "control character" in hostile.errors[0]["message"]
        hostile.close()
        with connect(f"ws://{running.address}", open_timeout=5) as ws:
            _ask(ws, {"type": "hello", "version": 1, "seat": "\x1b[31mcontroller\x00", "token": "x\x1b"})
        running.call(lambda: running.host.log("a name as a client sent it: \x1b[31mred\x00\u202e\ud800"))
    finally:
        running.stop()
    log = running.log.getvalue()
    assert not any(ch in log for ch in "\x1b\x00\u202e\ud800")
    assert "\\x1b[31mred\\x00\\u202e\\ud800" in log


def test_a_record_that_cannot_be_written_is_said_once_with_the_way_to_recover(tmp_path, monkeypatch):
    running, secret = start_host(KOWLOON, tmp_path, AGENCY_SEATS)

    def full_disk(record, out_dir):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(records, "save", full_disk)
    try:
        running.call(lambda: running.host.exercise._end("test: ended"))
        time.sleep(0.6)  # a dozen ticks of the clock
    finally:
        running.stop()
    log = running.log.getvalue()
    assert log.count("could not be written") == 1, log
    assert "host --resume" in log and str(running.host.journal.path) in log
    assert running.host.over and running.host.record_path is None
    assert protocol.text_problem("fine", lines=False) is None
