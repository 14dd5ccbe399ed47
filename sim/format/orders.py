"""The order vocabulary: the one language of plans, decision options, the UI and replays.

An order tells one unit to do one thing. Each unit works through its orders in the
order given; an order may wait for a trigger first (`at` a time, `on` an event,
`when` a condition: see `sim/triggers.py`). A plan, a decision option, a click in
the window and a replayed decision all become these same objects.
"""
from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import Field

from .fields import Id, Model, Seconds

BREACH_METHODS = {
    "key": "key obtained from the landlord or management office: quiet and quick",
    "knock_and_announce": "knock, announce 'Police' and wait for the door to be opened",
    "ruse": "a pretext (delivery, building management) to get the door opened",
    "manual_ram": "a two-person ram: loud, seconds on wooden doors, slow on gates",
    "halligan": "prying tool: quieter than a ram, good on wooden doors",
    "hydraulic_spreader": "hydraulic door spreader: the tool for iron gates and steel frames",
    "angle_grinder": "cuts gate bars and padlocks: slow, loud and sparks",
}
BreachMethod = Literal["key", "knock_and_announce", "ruse", "manual_ram", "halligan",
                       "hydraulic_spreader", "angle_grinder"]


class Order(Model):
    """Fields every order has: who does it and, optionally, when it may start."""

    unit: Id
    """The unit that carries out the order."""
    at: Optional[Seconds] = None
    """Start no earlier than this many seconds into the exercise."""
    on: Optional[str] = None
    """Start once this event has happened, e.g. `door_opened front_door`."""
    when: Optional[str] = None
    """Start once this condition holds, e.g. `room_cleared living`."""
    note: Optional[str] = None
    """Free text for the debrief: why this order."""

    @property
    def verb(self) -> str:
        return self.do  # type: ignore[attr-defined]


class Move(Order):
    """Walk to a room, door, exit or stairwell."""
    do: Literal["move"]
    to: Id


class Stack(Order):
    """Form up quietly beside a door, ready to enter."""
    do: Literal["stack"]
    door: Id


class Breach(Order):
    """Open or force a door or gate by the given method."""
    do: Literal["breach"]
    door: Id
    method: BreachMethod


class Clear(Order):
    """Enter and search a room; anyone found is seen and controlled."""
    do: Literal["clear"]
    room: Id
    approach: Literal["dynamic", "calm", "hard"] = "dynamic"
    """dynamic: shout 'Police!' (85 dB); calm: announce in a level voice (70 dB, the search takes 1.3x as long);
    hard: shout and handcuff everyone in the room, victims too, until identified (frightens them and costs trust)."""


class Cordon(Order):
    """Cover an exit, window or door so nobody leaves by it."""
    do: Literal["cordon"]
    target: Id


class Hold(Order):
    """Stay in place (for a time, or until the next order)."""
    do: Literal["hold"]
    seconds: Optional[Seconds] = None


class Negotiate(Order):
    """Talk to those behind a door or in a room to get them to come out."""
    do: Literal["negotiate"]
    target: Id


class Arrest(Order):
    """Arrest a perpetrator (by id), or everyone hostile in a room (by room id)."""
    do: Literal["arrest"]
    target: Id


class SecureEvidence(Order):
    """Seize an evidence item (by id), or all items in a room (by room id)."""
    do: Literal["secure_evidence"]
    target: Id


class Escort(Order):
    """Accompany a victim to a room or exit."""
    do: Literal["escort"]
    victim: Id
    to: Id


class Interview(Order):
    """Speak with a victim: identifies her as a victim only in a language she speaks."""
    do: Literal["interview"]
    victim: Id


class Treat(Order):
    """Medical check and first treatment of a victim."""
    do: Literal["treat"]
    victim: Id


class HandOver(Order):
    """Hand a victim over to another unit (consular officer, victim care)."""
    do: Literal["hand_over"]
    victim: Id
    to: Id


class RequestUnit(Order):
    """Call in a unit that is available on request; it arrives after its delay."""
    do: Literal["request_unit"]


AnyOrder = Annotated[
    Union[Move, Stack, Breach, Clear, Cordon, Hold, Negotiate, Arrest, SecureEvidence,
          Escort, Interview, Treat, HandOver, RequestUnit],
    Field(discriminator="do"),
]

ORDER_CLASSES = {cls.model_fields["do"].annotation.__args__[0]: cls
                 for cls in AnyOrder.__origin__.__args__}  # type: ignore[attr-defined]
VERBS = tuple(ORDER_CLASSES)

# What each reference field of each verb may name, for the scenario's reference checks.
REFERENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "move": {"to": ("room", "door", "exit")},
    "stack": {"door": ("door",)},
    "breach": {"door": ("door",)},
    "clear": {"room": ("room",)},
    "cordon": {"target": ("window", "exit", "door")},
    "hold": {},
    "negotiate": {"target": ("door", "room")},
    "arrest": {"target": ("perpetrator", "room")},
    "secure_evidence": {"target": ("evidence", "room")},
    "escort": {"victim": ("victim",), "to": ("room", "exit")},
    "interview": {"victim": ("victim",)},
    "treat": {"victim": ("victim",)},
    "hand_over": {"victim": ("victim",), "to": ("unit",)},
    "request_unit": {},
}


def describe(order: Order) -> str:
    """An order in a few words, with ids ('clear call_room (hard)', 'breach front_gate by key'):
    what the log's order events carry, for the feed and the debrief to word."""
    f = order.__dict__
    do = f["do"]
    if do == "move":
        text = f"move to {f['to']}"
    elif do in ("stack", "breach"):
        text = f"{do} at {f['door']}" if do == "stack" else f"breach {f['door']} by {f['method'].replace('_', ' ')}"
    elif do == "clear":
        text = f"clear {f['room']}" + (f" ({f['approach']})" if f.get("approach", "dynamic") != "dynamic" else "")
    elif do == "hold":
        text = f"hold for {f['seconds']:g} s" if f.get("seconds") is not None else "hold"
    elif do in ("cordon", "negotiate", "arrest", "secure_evidence"):
        text = f"{do.replace('_', ' ')} {f['target']}"
    elif do == "escort":
        text = f"escort {f['victim']} to {f['to']}"
    elif do == "hand_over":
        text = f"hand over {f['victim']} to {f['to']}"
    elif do in ("interview", "treat"):
        text = f"{do} {f['victim']}"
    else:
        text = f"request {f['unit']}"
    return text
