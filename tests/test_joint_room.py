"""The controller's room over loopback: the roster, a seat that drops, is handed to the
plan and handed back when its player rejoins; a run with both verifies."""
from __future__ import annotations

import time

import pytest

from conftest import ROOT
from joint_harness import seat, start_host
from sim.evaluation import record as records
from sim.format.doctrine import doctrine_choice
from sim.format.scenario import load
from sim.joint import host as hosting

KOWLOON = load(ROOT / "scenarios" / "kowloon_flat.yaml")
AGENCY_SEATS = ("hk_command", "crime_bureau", "thai_liaison")


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(hosting, "SPEEDS", hosting.SPEEDS + (256,))


def _row(controller, seat_id: str) -> dict:
    return next(r for r in controller.picture["room"]["seats"] if r["seat"] == seat_id)


def test_a_seat_drops_is_handed_to_the_plan_and_back_when_it_rejoins(tmp_path, fast):
    running, secret = start_host(KOWLOON, tmp_path, ("hk_command", "thai_liaison"))
    clients = {}
    try:
        controller = clients["controller"] = seat(running, secret, "controller")
        hk = clients["hk"] = seat(running, secret, "hk_command")
        thai = clients["thai"] = seat(running, secret, "thai_liaison")
        # the room: who plays each seat, connected, ready
        assert controller.wait_for(lambda c: _row(c, "hk_command")["connected"])
        assert _row(controller, "crime_bureau")["played"] == "plan" and _row(controller, "crime_bureau")["ready"]
        assert _row(controller, "hk_command")["player"] == "test hk_command"
        thai.ready()
        assert controller.wait_for(lambda c: _row(c, "thai_liaison")["ready"])
        assert not _row(controller, "hk_command")["ready"]

        hk.order({"unit": "eu_entry", "do": "stack", "door": "front_gate"})
        assert hk.wait_for(lambda c: c.acks)
        hk.close()  # HK command's connection drops
        assert controller.wait_for(lambda c: not _row(c, "hk_command")["connected"])
        assert any("dropped" in w["text"] and w["seat"] == "hk_command" for w in controller.picture["room"]["warnings"])

        controller.control({"do": "hand_to_plan", "seat": "hk_command"})
        assert controller.wait_for(lambda c: _row(c, "hk_command")["played"] == "plan")
        controller.control({"do": "speed", "x": 16})
        controller.control({"do": "resume"})
        # the gate decision is HK command's: with the seat handed over, the plan takes it at once
        assert controller.wait_for(lambda c: running.call(lambda: "gate_entry" in running.host.exercise.decided), 30)
        taken = running.call(lambda: running.host.exercise.decided["gate_entry"])
        assert taken["how"] == "planned" and taken["option"] == doctrine_choice(KOWLOON.spec, "gate_entry")
        controller.control({"do": "pause"})

        hk = clients["hk"] = seat(running, secret, "hk_command")  # the player rejoins
        assert controller.wait_for(lambda c: _row(c, "hk_command")["connected"])
        assert any("is back" in w["text"] for w in controller.picture["room"]["warnings"])
        ref = hk.order({"unit": "eu_perimeter", "do": "hold", "seconds": 5}, queue=True)
        assert hk.wait_for(lambda c: any(e.get("ref") == ref for e in c.errors))
        assert "played by the plan" in hk.errors[-1]["message"]
        assert any(e.get("kind") == "seat_handed" for e in hk.picture["snapshot"]["feed"])

        controller.control({"do": "hand_back", "seat": "hk_command"})
        assert controller.wait_for(lambda c: _row(c, "hk_command")["played"] == "person")
        ref = hk.order({"unit": "eu_perimeter", "do": "hold", "seconds": 5}, queue=True)
        assert hk.wait_for(lambda c: ref in c.acks)

        controller.control({"do": "speed", "x": 256})
        controller.control({"do": "resume"})
        end = time.monotonic() + 60
        while running.host.record_path is None and time.monotonic() < end:
            for client in (hk, thai):
                decision = (client.picture or {}).get("snapshot", {}).get("decision")
                if decision and decision["id"] not in getattr(client, "answered", set()):
                    client.answered = getattr(client, "answered", set()) | {decision["id"]}
                    client.decide(decision["id"], doctrine_choice(KOWLOON.spec, decision["id"]))
            time.sleep(0.02)
        assert running.host.record_path is not None, running.log.getvalue()
    finally:
        for c in clients.values():
            c.close()
        running.stop()
    record = records.load(running.host.record_path)
    actions = [e["action"]["do"] for e in record["inputs"] if e["type"] == "control"]
    assert "hand_to_plan" in actions and "hand_back" in actions
    assert records.verify(KOWLOON, record).ok


def test_a_persons_decision_slows_the_run_every_seat_is_told_and_a_default_says_so(tmp_path, fast, monkeypatch):
    from sim.joint import pace
    monkeypatch.setattr(pace, "DECIDING_SPEED", 8.0)  # 1x in play; quicker here, the rule is the same
    running, secret = start_host(KOWLOON, tmp_path, ("hk_command", "thai_liaison"))
    clients = {}
    try:
        controller = clients["controller"] = seat(running, secret, "controller")
        hk = clients["hk"] = seat(running, secret, "hk_command")
        thai = clients["thai"] = seat(running, secret, "thai_liaison")
        hk.order({"unit": "eu_entry", "do": "stack", "door": "front_gate"})
        controller.control({"do": "speed", "x": 256})
        controller.control({"do": "resume"})
        assert hk.wait_for(lambda c: (c.picture["snapshot"].get("decision") or {}).get("id") == "gate_entry", 30)
        for client in (hk, thai, controller):  # every seat is told why
            assert client.wait_for(lambda c: (c.picture.get("held") or {}).get("decision") == "gate_entry")
            assert client.picture["running_at"] == 8.0 and client.picture["speed"] == 256
            assert "HKPF incident command" in client.picture["held"]["text"]
        # nobody answers: it defaults, and the deciding seat's feed says so
        assert hk.wait_for(lambda c: any(e["kind"] == "decision_made" and e.get("how") == "defaulted"
                                         for e in c.picture["snapshot"]["feed"]), 30)
        assert hk.wait_for(lambda c: c.picture["held"] is None)
        assert hk.picture["running_at"] == 256
    finally:
        for c in clients.values():
            c.close()
        running.stop()
