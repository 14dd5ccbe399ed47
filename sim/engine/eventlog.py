"""The event log: the one record of what happened, from which every metric is computed.

Events are plain dicts with a time `t` (seconds, rounded to milliseconds) and a `kind`
from `sim.format.triggers.EVENTS` or the engine's own kinds below. Serialised as canonical
JSON lines (sorted keys), so the same run gives the same bytes.
"""
from __future__ import annotations

import json
from typing import Callable, Iterable, Optional

# Kinds the engine logs besides the trigger events.
ENGINE_EVENTS = {
    "exercise_ended": "the exercise is over (reason given)",
    "order_issued": "an order is given to a unit (source: plan, decision, trainee)",
    "order_relayed": "an order reached a unit of another agency after the coordination delay",
    "order_started": "a unit starts carrying out an order",
    "order_done": "a unit has finished an order",
    "order_failed": "a unit could not carry out an order, or never did (unit, order in words, reason)",
    "order_interrupted": "an order was replaced before it was done (unit, order in words, reason)",
    "unit_idle": "a unit has no order left and reports that it awaits orders",
    "unit_guarding": "with no order, a unit stays with a woman it found who is not yet safe",
    "perpetrator_stopped": "a unit stopped a perpetrator who ran past it (standing rules)",
    "pressure": "something on the timeline happened (a watcher, a lookout's rounds, a client, a call)",
    "victim_handcuffed": "a hard entry handcuffed a woman",
    "victim_false_identity": "a woman gave the false identity she was coached to give",
    "flight_blocked": "a perpetrator's flight was blocked",
    "unit_requested": "a unit on request is called in",
    "breach_failed": "an attempt to open a door failed",
    "cordon_set": "a unit covers an exit, window or door",
    "perpetrator_reaction": "what an alerted perpetrator decided to do",
    "struggle": "a perpetrator resists arrest",
    "officer_injured": "an officer is hurt",
    "victim_injured": "a victim is hurt during the operation",
    "victim_panicked": "a victim panics",
    "victim_calmed": "a victim's fear eases",
    "spoken_in_language": "a victim is spoken to in a language she speaks",
    "interview_done": "an interview ended (outcome given)",
    "victim_treated_as_offender": "a victim was treated as an offender",
    "force_used": "force was used (kind given)",
    "inject": "a trainer inject fires",
    "decision_opened": "a decision point opens",
    "decision_made": "a decision point is answered (chosen, defaulted or planned)",
    "hostage_released": "a hostage is released",
    "seen": "a unit sees a person or item for the first time",
}


class EventLog:
    def __init__(self) -> None:
        self.events: list[dict] = []
        self._listeners: list[Callable[[dict], None]] = []

    def listen(self, callback: Callable[[dict], None]) -> None:
        self._listeners.append(callback)

    def add(self, t: float, kind: str, **fields) -> dict:
        event = {"t": round(float(t), 3), "kind": kind, **{k: v for k, v in fields.items() if v is not None}}
        self.events.append(event)
        for callback in list(self._listeners):
            callback(event)
        return event

    def __iter__(self):
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def of(self, *kinds: str) -> list[dict]:
        return [e for e in self.events if e["kind"] in kinds]


# One encoder made once: json.dumps with options builds a new one per call, which was
# a third of the cost of writing a run's events.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical(event: dict) -> str:
    return _CANONICAL(event)


def canonical_lines(events: Iterable[dict]) -> list[str]:
    return [_CANONICAL(e) for e in events]


def to_jsonl(events: Iterable[dict], lines: Optional[list[str]] = None) -> bytes:
    """The log as canonical JSON lines; pass `lines` if they are already encoded."""
    return "".join(line + "\n" for line in (lines if lines is not None else canonical_lines(events))).encode("utf-8")
