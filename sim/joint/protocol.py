"""The joint exercise's protocol: JSON messages over WebSockets, each checked by a typed
model before the host acts on it, as the scenario format is.

A client says hello first (protocol version, seat, token); everything else it sends
carries a `ref` the host echoes in its ack or error, so a client knows which of its
messages an answer is about. The host sends each seat its picture as it changes.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from sim.engine.snapshot import DecisionView, DoorView, Marker, NoiseView, Snapshot

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 16 * 1024  # a message larger than this gets an error reply
ROLES = ("controller", "observer")  # the two seats besides the agencies'

Short = Annotated[str, Field(min_length=1, max_length=64)]
Ref = Annotated[int, Field(ge=0, le=2**53)]


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hello(Message):
    type: Literal["hello"]
    version: int
    seat: Short
    token: Annotated[str, Field(min_length=1, max_length=200)]
    name: Optional[Annotated[str, Field(max_length=80)]] = None


class OrderMessage(Message):
    type: Literal["order"]
    ref: Ref
    order: dict[str, Any]
    queue: bool = False


class DecideMessage(Message):
    type: Literal["decide"]
    ref: Ref
    decision: Short
    option: Short


class MarkerNote(Message):
    cell: tuple[Annotated[int, Field(ge=0, le=10_000)], Annotated[int, Field(ge=0, le=10_000)]]
    label: Annotated[str, Field(min_length=1, max_length=80)]


class SendMessage(Message):
    type: Literal["send"]
    ref: Ref
    to: Short
    via: Short
    text: Annotated[str, Field(max_length=2000)] = ""
    about: Optional[Short] = None
    marker: Optional[MarkerNote] = None


class ControlMessage(Message):
    type: Literal["control"]
    ref: Ref
    action: dict[str, Any]


class ObserveMessage(Message):
    type: Literal["observe"]
    ref: Ref
    text: Annotated[str, Field(min_length=1, max_length=4000)]
    kind: Literal["strength", "improvement", "note"] = "note"


class ReadyMessage(Message):
    """A seat says it is ready to go (or no longer is); the controller sees it in the room."""
    type: Literal["ready"]
    ref: Ref
    ready: bool = True


class PingMessage(Message):
    type: Literal["ping"]
    ref: Ref


ClientMessage = Annotated[Union[Hello, OrderMessage, DecideMessage, SendMessage, ControlMessage,
                                ObserveMessage, PingMessage, ReadyMessage], Field(discriminator="type")]
_CLIENT = TypeAdapter(ClientMessage)


class BadMessage(ValueError):
    """A message that is not JSON, not of the protocol, or too large; says why in words."""


def parse(raw: str | bytes) -> Message:
    import json
    size = len(raw.encode("utf-8", "replace")) if isinstance(raw, str) else len(raw)
    if size > MAX_MESSAGE_BYTES:
        raise BadMessage(f"message of {size} bytes; at most {MAX_MESSAGE_BYTES}")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadMessage("not JSON (or nested too deep)") from None
    try:
        return _CLIENT.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p)[:40] for p in first.get("loc", ())) or "message"
        raise BadMessage(f"{where}: {first.get('msg', 'invalid')}") from None
    except RecursionError:
        raise BadMessage("nested too deep") from None


# -- pictures ---------------------------------------------------------------------------

def snapshot_to_dict(snapshot: Snapshot) -> dict[str, Any]:
    return asdict(snapshot)


def snapshot_from_dict(data: dict[str, Any]) -> Snapshot:
    """The picture a seat received, as the Snapshot the window draws."""
    def cell(c):
        return tuple(c)

    markers = tuple(Marker(**{**m, "cell": cell(m["cell"])}) for m in data["markers"])
    doors = tuple(DoorView(d["id"], d["kind"], tuple(cell(c) for c in d["cells"]), d["state"]) for d in data["doors"])
    noises = tuple(NoiseView(cell(n["cell"]), n["t"], n["level_db"], n["cause"]) for n in data["noises"])
    d = data.get("decision")
    decision = None if d is None else DecisionView(d["id"], d["prompt"], tuple(tuple(o) for o in d["options"]),
                                                   d["default"], d["time_left"], d["paused"])
    return Snapshot(data["t"], data["view"], markers, doors, noises, tuple(tuple(c) for c in data["cordons"]),
                    decision, tuple(data["feed"]), data["finished"], data["end_reason"],
                    tuple(tuple(e) for e in data.get("decisions_elsewhere", ())), data.get("seat"),
                    tuple((cell(n[0]), n[1], n[2], n[3]) for n in data.get("notes", ())))
