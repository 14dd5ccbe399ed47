"""The shape of run records and journals, checked before they are used, as scenario files are.

A damaged or hand-edited file gets located messages (`FILE:LINE:COLUMN: field.path: what is
wrong and what would be valid`), never a traceback deep in a re-simulation: JSON that is not
an object, a header missing its scenario or plan, a value of the wrong type, nesting a
thousand deep, a plan that names an unknown unit or a room as a victim, and an input that
cannot be replayed (a decision that is not open) all name the value and its line.

`json_locator` finds the line and column of every value in JSON text without recursion
(so a file nested a thousand deep is located too); it runs only when there is a problem.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Callable, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.format.orders import ORDER_CLASSES, REFERENCES
from sim.format.problems import InputError, Problem, format_path, one_of
from sim.format.yamlsource import Locator

MAX_DEPTH = 64  # no record or journal of this software nests deeper than about ten

# -- where each value is -------------------------------------------------------------------

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")
_SPACE = re.compile(r"[ \t\n\r]*")


def json_locator(file: str, text: str, first_line: int = 1) -> Locator:
    """The position of every value (and key) of the JSON document `text`. Iterative, and
    forgiving: on text that is not JSON it locates what it read before the damage."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    locator = Locator(file)

    def at(i: int) -> tuple[int, int]:
        lo, hi = 0, len(starts) - 1
        while lo < hi:  # the last line start at or before i
            mid = (lo + hi + 1) // 2
            if starts[mid] <= i:
                lo = mid
            else:
                hi = mid - 1
        return first_line + lo, i - starts[lo] + 1

    stack: list[list] = []  # [path, kind ('{' or '['), next index]
    path: Optional[tuple] = ()  # the path of the value expected next, None when none is
    i = _SPACE.match(text, 0).end()
    try:
        while i < len(text):
            if path is not None:  # a value starts here
                locator.marks.setdefault(path, at(i))
                c = text[i]
                if c in "{[":
                    stack.append([path, c, 0])
                    i = _SPACE.match(text, i + 1).end()
                    if text[i] in "}]":
                        stack.pop()
                        i += 1
                        path = None
                    elif c == "{":
                        path, i = _key(text, i, stack[-1][0], locator, at)
                    else:
                        path = stack[-1][0] + (0,)
                    continue
                if c == '"':
                    i = json.decoder.scanstring(text, i + 1)[1]
                else:
                    match = _NUMBER.match(text, i)
                    if not match:
                        break
                    i = match.end()
                path = None
                continue
            i = _SPACE.match(text, i).end()
            if not stack or i >= len(text):
                break
            frame = stack[-1]
            if text[i] == ",":
                i = _SPACE.match(text, i + 1).end()
                if frame[1] == "{":
                    path, i = _key(text, i, frame[0], locator, at)
                else:
                    frame[2] += 1
                    path = frame[0] + (frame[2],)
            elif text[i] in "}]":
                stack.pop()
                i += 1
            else:
                break
    except (IndexError, ValueError):
        pass  # damaged text: what was read before is located
    return locator


def _key(text: str, i: int, parent: tuple, locator: Locator, at) -> tuple[tuple, int]:
    key_at = at(i)
    key, i = json.decoder.scanstring(text, i + 1)
    locator.key_marks[parent + (key,)] = key_at
    i = _SPACE.match(text, i).end() + 1  # the colon
    return parent + (key,), _SPACE.match(text, i).end()


def depth_problem(file: str, text: str, first_line: int = 1) -> Optional[Problem]:
    """Nesting deeper than MAX_DEPTH, located where it goes too deep (found without recursion)."""
    depth, in_string, escaped = 0, False, False
    line, column = first_line, 0
    for ch in text:
        column += 1
        if ch == "\n":
            line, column = line + 1, 0
        if in_string:
            escaped = not escaped and ch == "\\"
            if ch == '"' and not escaped:
                in_string = False
            continue
        if ch == '"':
            in_string, escaped = True, False
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return Problem(file, line, column, "", f"nested more than {MAX_DEPTH} deep: not a file this "
                               "software writes")
        elif ch in "]}":
            depth -= 1
    return None


def parse_json(file: str, text: str, first_line: int = 1, what: str = "a run record") -> Any:
    """JSON text as Python values; a located problem if it is not JSON, holds NaN or
    Infinity, or is nested too deep."""
    deep = depth_problem(file, text, first_line)
    if deep:
        raise InputError([deep])

    def constant(name: str):
        raise ValueError(name)

    try:
        return json.loads(text, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(file, first_line + exc.lineno - 1, exc.colno, "",
                                  f"not {what}: not valid JSON ({exc.msg})")]) from None
    except ValueError as exc:  # NaN or Infinity: JSON has no such numbers
        index = max(text.find(str(exc)), 0)
        line = text.count("\n", 0, index)
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        raise InputError([Problem(file, first_line + line, column, "",
                                  f"{exc} is not a number in JSON; a finite number")]) from None
    except RecursionError:
        raise InputError([Problem(file, first_line, 1, "", "nested too deep")]) from None


# -- the inputs ----------------------------------------------------------------------------

class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


Finite = Field(ge=0, allow_inf_nan=False)


class _Input(_Shape):
    t: float = Finite
    step: int = Field(ge=0, le=2**53)
    type: str
    seat: Optional[str] = None


class _Order(_Input):
    type: Literal["order"]
    order: dict
    queue: bool = False


class _Decision(_Input):
    type: Literal["decision"]
    decision: str
    option: str
    how: Literal["chosen", "planned", "defaulted", "closed"] = "chosen"


class _Marker(_Shape):
    cell: list[int] = Field(min_length=2, max_length=2)
    label: str


class _Message(_Input):
    type: Literal["message"]
    to: str
    via: str
    text: str = ""
    about: Optional[str] = None
    marker: Optional[_Marker] = None


class _Control(_Input):
    type: Literal["control"]
    action: dict


class _Observation(_Input):
    type: Literal["observation"]
    text: str = ""
    kind: Literal["strength", "improvement", "note"] = "note"


class _End(_Input):
    type: Literal["end_operation"]
    by: Literal["trainee", "controller", "limit"]


class _Other(_Input):  # an input type another part of the software added: its common fields
    model_config = ConfigDict(extra="allow", strict=True)


INPUT_SHAPES: dict[str, type[_Input]] = {"order": _Order, "decision": _Decision, "message": _Message,
                                         "control": _Control, "observation": _Observation, "end_operation": _End}


def _errors(exc: ValidationError, base: tuple) -> list[tuple[tuple, str]]:
    out = []
    for error in exc.errors(include_url=False):
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = error["msg"]
        if error["type"] == "missing":
            message = "missing"
        elif error["type"] == "extra_forbidden":
            message = "not a field here (extra)"
        elif error["type"] == "literal_error":
            message = message.replace("Input should be", "should be")
        out.append((base + loc, message))
    return out


def input_problems(entry: Any, path: tuple, input_types: tuple[str, ...]) -> list[tuple[tuple, str]]:
    """What is wrong with one recorded input, as (path, message)."""
    if not isinstance(entry, dict):
        return [(path, f"an input is an object with its type ({', '.join(input_types)}), t and step")]
    kind = entry.get("type")
    if kind not in input_types:
        return [(path + ("type",), f"not an input type: {kind!r}; {one_of(input_types)}")]
    try:
        INPUT_SHAPES.get(kind, _Other).model_validate(entry)
    except ValidationError as exc:
        return _errors(exc, path)
    if kind == "order":
        order = entry["order"]
        verb = order.get("do")
        if not isinstance(verb, str) or verb not in ORDER_CLASSES:
            return [(path + ("order", "do"), f"unknown order {verb!r}; {one_of(ORDER_CLASSES)}")]
        try:
            ORDER_CLASSES[verb].model_validate(_plain(order), strict=True)
        except ValidationError as exc:
            return _errors(exc, path + ("order",))
    if kind == "control" and not isinstance(entry["action"].get("do"), str):
        return [(path + ("action", "do"), "the controller's action names what it does ('do')")]
    return []


# -- records and journal headers --------------------------------------------------------

class _ScenarioRef(_Shape):
    model_config = ConfigDict(extra="allow", strict=True)
    id: str = Field(min_length=1)
    path: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    title: Optional[str] = None


class _Joint(_Shape):
    humans: list[str]


class _Start(_Shape):
    """What a record and a journal's header both hold: enough to start the run again."""
    model_config = ConfigDict(extra="allow", strict=True)
    scenario: _ScenarioRef
    seed: int = Field(ge=0, le=2**62)
    trainee: Optional[str] = None
    interactive: bool = False
    joint: Optional[_Joint] = None
    plan: dict


class _Summary(_Shape):
    option: str
    how: str
    t: float = Finite


class RecordShape(_Start):
    format: str
    format_version: int
    software_version: Optional[str] = None
    inputs: list
    decisions: dict[str, _Summary] = {}
    finished: bool = True
    end_reason: str = ""
    duration_s: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    events_sha256: str = ""
    events: list[dict]
    metrics: dict
    signature: Optional[dict] = None


class HeaderShape(_Start):
    format: str
    format_version: Literal[1]
    tokens: dict[str, str] = {}


def start_problems(data: dict, shape: type[_Start], base: tuple = ()) -> list[tuple[tuple, str]]:
    try:
        shape.model_validate(data)
    except ValidationError as exc:
        return _errors(exc, base)
    try:
        _plan(data)
    except ValidationError as exc:
        return _errors(exc, base + ("plan",))
    return []


def against_scenario(data: dict, scenario) -> list[tuple[tuple, str]]:
    """What the engine would trip on: a plan or an order naming what the scenario lacks."""
    out: list[tuple[tuple, str]] = []
    spec = scenario.spec
    units = [u.id for u in spec.units]
    plan = _plan(data)
    orders = [(("plan", "orders", i), o) for i, o in enumerate(plan.orders)]
    for i, entry in enumerate(data.get("inputs", ())):
        if isinstance(entry, dict) and entry.get("type") == "order":
            try:
                orders.append((("inputs", i, "order"), ORDER_CLASSES[entry["order"]["do"]].model_validate(
                    _plain(entry["order"]), strict=True)))
            except (ValidationError, KeyError, TypeError):
                pass  # its shape was reported already
    from sim.format import triggers
    for path, order in orders:
        if order.unit not in units:
            out.append((path + ("unit",), f"unknown unit {order.unit!r}; {one_of(units)}"))
        for kind in ("on", "when"):
            text = getattr(order, kind, None)
            if text is None:
                continue
            try:
                trigger = triggers.parse(kind, text)
            except triggers.TriggerSyntaxError as exc:
                out.append((path + (kind,), str(exc)))
                continue
            wanted = triggers.argument_kinds(trigger)
            if trigger.argument is not None and wanted and scenario.kind_of(trigger.argument) not in wanted:
                out.append((path + (kind,), f"{trigger.argument!r} is not a {' or '.join(wanted)} of the scenario"))
        for name, kinds in REFERENCES[order.do].items():
            value = getattr(order, name, None)
            if value is not None and scenario.kind_of(value) not in kinds:
                what = scenario.kind_of(value)
                out.append((path + (name,), f"{value!r} is {'a ' + what if what else 'nothing in the scenario'}; "
                                            f"{order.do} {name} names a {' or '.join(kinds)}"))
    decisions = {d.id: d for d in spec.decisions}
    for decision, option in plan.decisions.items():
        if decision not in decisions:
            out.append((("plan", "decisions", decision), f"unknown decision {decision!r}; {one_of(decisions)}"))
        elif option not in [o.id for o in decisions[decision].options]:
            out.append((("plan", "decisions", decision), f"decision {decision!r} has no option {option!r}; "
                                                         f"{one_of(o.id for o in decisions[decision].options)}"))
    joint = data.get("joint")
    if joint is not None:
        seats = [s.id for s in spec.seats]
        for i, seat in enumerate(joint["humans"]):
            if seat not in seats:
                out.append((("joint", "humans", i), f"unknown seat {seat!r}; {one_of(seats) if seats else 'the scenario has no seats'}"))
    return out


def _plain(value: Any) -> Any:
    """JSON's lists as the tuples the format's strict models take (as record.plan_of does)."""
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _plan(data: dict):
    from sim.format.spec import Plan
    return Plan.model_validate(_plain(data["plan"]), strict=True)


# -- turning (path, message) into located problems -------------------------------------------

class Where:
    """Locates paths of a record (one JSON document) or a journal (one document a line)."""

    def __init__(self, file: str, documents: list[tuple[int, str]]):
        self.file = file
        self.documents = documents  # (first line, text) of each
        self._locators: dict[int, Locator] = {}

    def problem(self, path: tuple, message: str, document: int = 0, at_key: bool = False) -> Problem:
        if document not in self._locators:
            first, text = self.documents[document]
            self._locators[document] = json_locator(self.file, text, first)
        locator = self._locators[document]
        line, column = locator.where_key(path) if at_key else locator.where(path)
        return Problem(self.file, line, column, format_path(path), message)

    def fail(self, found: list[tuple[tuple, str]], document: int = 0) -> None:
        if found:
            raise InputError([self.problem(path, message, document) for path, message in found[:20]])


class Located(dict):
    """A record (or a journal's header with its inputs) as read, knowing where each value came
    from, so a plan or an input that cannot be replayed is reported at its line."""
    locate: Callable[[tuple, str], Problem]

    def problem(self, path: tuple, message: str) -> Problem:
        return self.locate(path, message)

    def __reduce__(self):  # to another process (a pool worker) it goes as the plain record
        return dict, (dict(self),)
