"""Replays for the debrief: a run's snapshots over time, the doctrine plan on the same
seed, and what-if runs where one decision is swapped for another option."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sim.engine.exercise import Exercise
from .record import apply_input, make_record, plan_of
from sim.format.scenario import Scenario
from sim.engine.snapshot import Snapshot
from sim.format.spec import Plan


class Replay:
    """Drives an exercise through a record's inputs, to any later time."""

    def __init__(self, scenario: Scenario, seed: int, plan: Plan, inputs: list[dict], *, interactive: bool):
        self.exercise = Exercise(scenario, seed, plan, interactive=interactive)
        self.inputs = list(inputs)
        self.next_input = 0

    @classmethod
    def of_record(cls, scenario: Scenario, record: dict[str, Any]) -> "Replay":
        return cls(scenario, record["seed"], plan_of(record), record["inputs"],
                   interactive=record.get("interactive", False))

    def advance_to(self, t: float) -> None:
        ex = self.exercise
        while self.next_input < len(self.inputs) and self.inputs[self.next_input]["t"] <= t and not ex.finished:
            apply_input(ex, self.inputs[self.next_input])
            self.next_input += 1
        while not ex.finished and ex.now < t:
            ex._run_to(t)
            pending = ex.pending_decision
            if pending is not None and pending.paused:  # nobody is left to answer it
                ex.decide(pending.id, pending.decision.default, how="defaulted", is_input=False)
            elif ex.now < t and not ex.finished:
                break

    def run_to_end(self) -> None:
        self.advance_to(self.exercise.time_limit)


@dataclass
class Film:
    """Snapshots of one run every `every` seconds, in both views, for the scrubber."""
    times: list[float]
    trainer: list[Snapshot]
    trainee: list[Snapshot]
    events: list[dict]
    metrics: dict

    def at(self, t: float, view: str = "trainer") -> Snapshot:
        frames = self.trainer if view == "trainer" else self.trainee
        index = min(range(len(self.times)), key=lambda i: abs(self.times[i] - t))
        return frames[index]

    @property
    def duration(self) -> float:
        return self.times[-1] if self.times else 0.0


def film(replay: Replay, every: float = 2.0) -> Film:
    times, trainer, trainee = [], [], []
    ex = replay.exercise
    t = 0.0
    while True:
        replay.advance_to(t)
        times.append(ex.now)
        trainer.append(ex.snapshot("trainer"))
        trainee.append(ex.snapshot("trainee"))
        if ex.finished:
            break
        t += every
    return Film(times, trainer, trainee, list(ex.events), make_record(ex)["metrics"])


def doctrine_replay(scenario: Scenario, seed: int) -> Replay:
    return Replay(scenario, seed, scenario.spec.doctrine_plan, [], interactive=False)


def decisions_in(events: list[dict]) -> list[dict]:
    """Decisions made in a run, in order: id, option, how, time opened."""
    opened = {}
    out = []
    for e in events:
        if e["kind"] == "decision_opened":
            opened[e["subject"]] = e["t"]
        elif e["kind"] == "decision_made":
            out.append({"decision": e["subject"], "option": e["option"], "how": e.get("how"),
                        "opened": opened.get(e["subject"], e["t"])})
    return out


def what_if(scenario: Scenario, record: dict[str, Any], decision_id: str, option_id: str,
            opened_at: Optional[float] = None) -> Replay:
    """The same seed and everything before the decision; then `option_id` instead."""
    plan = plan_of(record)
    choices = dict(plan.decisions)
    choices[decision_id] = option_id
    if opened_at is None:
        opened_at = next((d["opened"] for d in decisions_in(record["events"]) if d["decision"] == decision_id),
                         float("inf"))
    inputs = [i for i in record["inputs"] if i["t"] < opened_at
              and not (i["type"] == "decision" and i["decision"] == decision_id)]
    new_plan = plan.model_copy(update={"decisions": choices, "name": f"what if {decision_id}={option_id}"})
    return Replay(scenario, record["seed"], new_plan, inputs, interactive=False)
