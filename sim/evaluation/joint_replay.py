"""The joint debrief's replay: a joint run re-simulated from its record, with a picture at
each moment in the all-seeing view and in each seat's own view, and its messages for the
timeline. The same inputs at the same points give the same run (`verify` holds to it)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.engine.exercise import Exercise
from sim.engine.snapshot import Snapshot
from sim.format.scenario import Scenario
from .record import plan_of
from .replay import Replay

MAX_FRAMES = 360  # pictures kept per view: a long run is filmed more sparsely


class JointReplay(Replay):
    """A Replay of a joint record: the seats people played, each seat's own picture."""

    def __init__(self, scenario: Scenario, record: dict[str, Any]):
        joint = record.get("joint")
        if joint is None:
            raise ValueError("not a joint run: its record names no seats")
        self.exercise = Exercise(scenario, record["seed"], plan_of(record), interactive=record.get("interactive", False),
                                 trainee=record.get("trainee"), joint=tuple(joint["humans"]))
        self.inputs = list(record["inputs"])
        self.next_input = 0


@dataclass
class JointFilm:
    times: list[float]
    views: dict[str, list[Snapshot]]  # "trainer" (all-seeing) and each seat's id
    messages: list[dict]  # {id, sender, to, via, sent, arrived (None: never), text}
    decisions: list[dict]  # {id, t, option, how}

    def at(self, t: float, view: str = "trainer") -> Snapshot:
        index = min(range(len(self.times)), key=lambda i: abs(self.times[i] - t))
        return self.views[view][index]

    @property
    def duration(self) -> float:
        return self.times[-1] if self.times else 0.0


def joint_film(scenario: Scenario, record: dict[str, Any], every: float = 5.0) -> JointFilm:
    events = record.get("events") or []
    length = events[-1]["t"] if events else 0.0
    every = max(every, length / MAX_FRAMES)
    replay = JointReplay(scenario, record)
    ex = replay.exercise
    seats = [s.id for s in scenario.spec.seats]
    times: list[float] = []
    views: dict[str, list[Snapshot]] = {v: [] for v in ["trainer"] + seats}
    t = 0.0
    while True:
        replay.advance_to(t)
        times.append(ex.now)
        for view in views:
            views[view].append(ex.snapshot(view))
        if ex.finished:
            break
        t += every
    return JointFilm(times, views, messages_of(list(ex.events)), decisions_of(list(ex.events)))


def messages_of(events: list[dict]) -> list[dict]:
    arrived = {e["subject"]: e["t"] for e in events if e["kind"] == "message_delivered"}
    return [{"id": e["subject"], "sender": e["sender"], "to": e["to"], "via": e["via"], "sent": e["t"],
             "arrived": arrived.get(e["subject"]), "text": e.get("text") or "", "about": e.get("about"),
             "marker": e.get("marker")}
            for e in events if e["kind"] == "message_sent"]


def decisions_of(events: list[dict]) -> list[dict]:
    return [{"id": e["subject"], "t": e["t"], "option": e.get("option"), "how": e.get("how")}
            for e in events if e["kind"] == "decision_made"]
