"""The joint exercise's protocol: JSON messages over WebSockets, each checked by a typed
model before the host acts on it, as the scenario format is.

A client says hello first (protocol version, seat, token); everything else it sends
carries a `ref` the host echoes in its ack or error, so a client knows which of its
messages an answer is about. The host sends each seat its picture as it changes.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from sim.engine.snapshot import DecisionView, DoorView, Marker, NoiseView, Snapshot

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 16 * 1024  # a message larger than this gets an error reply
MAX_DEPTH = 20  # nesting; no message of the protocol goes deeper than a few levels
ROLES = ("controller", "observer")  # the two seats besides the agencies'


# -- text: checked where it enters, so the journal, the record and the log never choke on it --

BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")  # they reorder what follows


def text_problem(value: str, *, lines: bool) -> Optional[str]:
    """Why `value` is not text a person typed, or None. Lone surrogates (which no file can
    hold as UTF-8), control characters (terminal escapes, NUL) and bidi overrides (which
    make a line read otherwise than it is) are refused; free text (`lines`) may hold line
    breaks and tabs."""
    for i, ch in enumerate(value):
        if "\ud800" <= ch <= "\udfff":
            return f"a lone surrogate (U+{ord(ch):04X}) at character {i + 1}: not text"
        if lines and ch in "\n\t":
            continue
        if unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS:
            return f"a control character (U+{ord(ch):04X}) at character {i + 1}; only printable text"
    return None


def _checked(lines: bool):
    def check(value: str) -> str:
        problem = text_problem(value, lines=lines)
        if problem:
            raise ValueError(problem)
        return value
    return AfterValidator(check)


def printable(text: str, limit: int = 300) -> str:
    """`text` for a terminal or a log line: every control or format character (ANSI escapes,
    NUL, line breaks, bidi overrides) and lone surrogate written as an escape, so what a client
    sent can neither fake a line nor drive the trainer's terminal."""
    out = []
    for ch in text[:limit]:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF or unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cn", "Zl", "Zp"):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out) + ("..." if len(text) > limit else "")


Short = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]  # an id
Name = Annotated[str, Field(min_length=1, max_length=80), _checked(lines=False)]  # a person's name, a label
Ref = Annotated[int, Field(ge=0, le=2**53)]
Seconds = Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)]


def FreeText(most: int, least: int = 0):
    return Annotated[str, Field(min_length=least, max_length=most), _checked(lines=True)]


class Message(BaseModel):
    # strict: a version "1", 1.0 or true is not the integer 1; nothing is coerced
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Hello(Message):
    type: Literal["hello"]
    version: int
    seat: Short
    token: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")]
    name: Optional[Name] = None
    ref: Optional[Ref] = None


class OrderMessage(Message):
    type: Literal["order"]
    ref: Ref
    order: dict[str, Any]  # checked by the order vocabulary (strict) before it reaches the engine
    queue: bool = False


class DecideMessage(Message):
    type: Literal["decide"]
    ref: Ref
    decision: Short
    option: Short


class MarkerNote(Message):
    cell: Annotated[list[Annotated[int, Field(ge=0, le=10_000)]], Field(min_length=2, max_length=2)]
    label: Name


class SendMessage(Message):
    type: Literal["send"]
    ref: Ref
    to: Short
    via: Short
    text: FreeText(2000) = ""
    about: Optional[Short] = None
    marker: Optional[MarkerNote] = None


# -- the controller's actions: each typed, as a seat's messages are ----------------------

class Action(Message):
    pass


class ClockAction(Action):
    do: Literal["pause", "resume"]


class SpeedAction(Action):
    do: Literal["speed"]
    x: Annotated[float, Field(gt=0, le=1024, allow_inf_nan=False)]  # the host says which speeds it has


class FireInject(Action):
    do: Literal["fire_inject"]
    inject: Short


class ControllerMessage(Action):
    do: Literal["message"]
    to: Short
    text: FreeText(2000, least=1)
    source: Optional[Name] = None


class Alert(Action):
    do: Literal["alert"]
    perpetrator: Short


class ExtendDecision(Action):
    do: Literal["extend_decision"]
    decision: Short
    seconds: Seconds


class CloseDecision(Action):
    do: Literal["close_decision"]
    decision: Short


class EndOperation(Action):
    do: Literal["end"]


class HandOver(Action):  # a dropped seat played by the plan, or by its people again
    do: Literal["hand_to_plan", "hand_back"]
    seat: Short


ControlAction = Annotated[Union[ClockAction, SpeedAction, FireInject, ControllerMessage, Alert, ExtendDecision,
                                CloseDecision, EndOperation, HandOver], Field(discriminator="do")]


class ControlMessage(Message):
    type: Literal["control"]
    ref: Ref
    action: ControlAction

    def action_dict(self) -> dict[str, Any]:
        """The action as the engine and the journal take it: what the controller sent."""
        return self.action.model_dump(exclude_unset=True)


class ObserveMessage(Message):
    type: Literal["observe"]
    ref: Ref
    text: FreeText(4000, least=1)
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
    """A message that is not JSON, not of the protocol, or too large; says why in words, and
    carries the message's `ref` when it had a readable one, so the reply names it."""

    def __init__(self, text: str, ref: Optional[int] = None, code: str = "bad_message"):
        super().__init__(text)
        self.ref = ref
        self.code = code


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in JSON")


def _depth_and_text(value: Any, depth: int = 0) -> Optional[str]:
    """The first string (key or value) that is not text, or nesting that is too deep."""
    if depth > MAX_DEPTH:
        return f"nested more than {MAX_DEPTH} deep"
    if isinstance(value, str):
        for ch in value:
            if "\ud800" <= ch <= "\udfff":
                return f"a lone surrogate (U+{ord(ch):04X}) in a string: not text"
        return None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list):
        for item in value:
            problem = _depth_and_text(item, depth + 1)
            if problem:
                return problem
    return None


def ref_of(raw: Any) -> Optional[int]:
    """The `ref` of a message, if it has a readable one (for an error reply about it)."""
    if isinstance(raw, (bytes, bytearray)):  # (a text frame is at most the server's 256 KiB)
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    ref = data.get("ref") if isinstance(data, dict) else None
    return ref if isinstance(ref, int) and not isinstance(ref, bool) and 0 <= ref <= 2**53 else None


def parse(raw: str | bytes) -> Message:
    if not isinstance(raw, str):
        raise BadMessage("a binary frame: the protocol is JSON sent as text frames")
    size = len(raw.encode("utf-8", "replace"))
    if size > MAX_MESSAGE_BYTES:
        raise BadMessage(f"message of {size} bytes; at most {MAX_MESSAGE_BYTES}", ref_of(raw))
    try:
        data = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise BadMessage("not JSON (or nested too deep)") from None
    ref = data.get("ref") if isinstance(data, dict) else None
    ref = ref if isinstance(ref, int) and not isinstance(ref, bool) and 0 <= ref <= 2**53 else None
    problem = _depth_and_text(data)
    if problem:
        raise BadMessage(problem, ref)
    if isinstance(data, dict) and data.get("type") == "hello":  # another version may say hello otherwise
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version != PROTOCOL_VERSION:
            raise BadMessage(f"this host speaks protocol version {PROTOCOL_VERSION}; the client speaks "
                             f"{version}: use the same version of the software", ref, code="version")
    try:
        return _CLIENT.validate_python(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p)[:40] for p in first.get("loc", ())) or "message"
        raise BadMessage(printable(f"{where}: {first.get('msg', 'invalid')}", 300), ref) from None
    except RecursionError:
        raise BadMessage("nested too deep", ref) from None


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
