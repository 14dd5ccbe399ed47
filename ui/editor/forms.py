"""The fields of any part of a scenario, generated from the format's own pydantic models,
so a field added to the format appears in the editor's panels with no editor code.

Each field becomes a `FieldRow`: its name, where it is in the document, what it takes
(a choice among words, true/false, or text read as YAML), its current value as text and
its description (the field's docstring, as in the JSON Schema) for the tooltip.
"""
from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any, Literal, Optional

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from sim.format import spec
from sim.format.structure import _resolve, _step

TEXT_TYPES = (str,)


@dataclass(frozen=True)
class FieldRow:
    name: str  # as the file writes it; nested fields as 'fear_reaction.freeze'
    path: tuple  # in the document
    kind: str  # 'choice', 'bool', 'text' (free text, taken as written), 'value' (YAML: numbers, lists, places)
    choices: tuple = ()
    description: str = ""
    value: str = ""  # as shown
    given: bool = False  # written in the file (else the default is shown)
    required: bool = False
    opens: bool = False  # a section, a list of items or a table: shown on its own page


def model_at(path: tuple, doc) -> Optional[type[BaseModel]]:
    """The model class describing the mapping at `path` (e.g. Victim for ('victims', 0))."""
    tp: Any = spec.Scenario
    value = doc.plain(())
    for part in path:
        tp = _step(tp, value, part)
        value = value[part] if isinstance(value, (dict, list)) and _has(value, part) else None
        if tp is None:
            return None
    resolved = _resolve(tp, value)
    return resolved if isinstance(resolved, type) and issubclass(resolved, BaseModel) else None


def _has(container, part) -> bool:
    return part in container if isinstance(container, dict) else isinstance(part, int) and 0 <= part < len(container)


def rows_for(doc, path: tuple, *, depth: int = 1) -> list[FieldRow]:
    model = model_at(path, doc)
    if model is None:
        return []
    data = doc.plain(path, {}) or {}
    return _rows(model, path, data if isinstance(data, dict) else {}, depth)


def _rows(model: type[BaseModel], path: tuple, data: dict, depth: int, prefix: str = "") -> list[FieldRow]:
    out = []
    for name, info in model.model_fields.items():
        annotation = _resolve(info.annotation, data.get(name))
        given = name in data
        nested = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if nested and depth > 0 and not _is_list(info.annotation):
            sub = data.get(name) if isinstance(data.get(name), dict) else {}
            if not given and info.default is not None and isinstance(info.default, BaseModel):
                sub = {k: v for k, v in info.default.model_dump().items() if v is not None}
            out += _rows(annotation, path + (name,), sub, depth - 1, prefix + name + ".")
            continue
        value = data.get(name) if given else _default(info)
        kind, choices = _kind(info.annotation)
        if name == "do" and kind == "choice":  # an order's verb: any verb (the form follows it)
            from sim.format.orders import VERBS
            choices = tuple(VERBS)
        words = _describe(info, annotation)
        item = _item_type(info.annotation)
        if typing.get_origin(item) is Literal:
            words = (words + " " if words else "") + "Any of: " + ", ".join(map(str, typing.get_args(item))) + "."
        opens = nested or (isinstance(item, type) and issubclass(item, BaseModel))
        out.append(FieldRow(prefix + name, path + (name,), kind, choices, words,
                            show(value, kind), given, info.is_required(), opens))
    return out


def _item_type(annotation):
    """The item type of a list field (tuple[X, ...]) or the value type of a table (dict[str, X])."""
    tp = annotation
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    args = typing.get_args(tp)
    if typing.get_origin(tp) is tuple and args:
        return _strip(args[0])
    if typing.get_origin(tp) is dict and len(args) == 2:
        return _strip(args[1])
    return None


def _strip(tp):
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def new_item(doc, list_path: tuple) -> dict:
    """A new item for the list at `list_path`: its required fields with a first value each
    (the live check then says what still needs the trainer's words)."""
    owner = model_at(list_path[:-1], doc)
    info = owner.model_fields.get(list_path[-1]) if owner else None
    item = _item_type(info.annotation) if info else None
    out: dict = {}
    members = [m for m in typing.get_args(item) if isinstance(m, type) and issubclass(m, BaseModel)] \
        if typing.get_origin(item) in (typing.Union, __import__("types").UnionType) else []
    if members:  # an order: the first verb's fields (its `do` field changes the form)
        item = members[0]
    if isinstance(item, type) and issubclass(item, BaseModel):
        for name, f in item.model_fields.items():
            if not f.is_required():
                continue
            kind, choices = _kind(f.annotation)
            sub = _item_type(f.annotation)
            out[name] = (choices[0] if kind == "choice" else "new" if kind == "text" else
                         [] if typing.get_origin(_strip(f.annotation)) is tuple else
                         {} if sub is not None or (isinstance(_strip(f.annotation), type) and
                                                   issubclass(_strip(f.annotation), BaseModel)) else 1)
    return out


def _is_list(annotation) -> bool:
    return typing.get_origin(annotation) in (tuple, list)


def _default(info) -> Any:
    if info.is_required():
        return None
    default = info.get_default(call_default_factory=True)
    if isinstance(default, BaseModel):
        return default.model_dump()
    return default


def _kind(annotation) -> tuple[str, tuple]:
    tp = annotation
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, __import__("types").UnionType):
            members = [m for m in typing.get_args(tp) if m is not type(None)]
            if len(members) != 1:
                return "value", ()
            tp = members[0]
        else:
            break
    if typing.get_origin(tp) is Literal:
        return "choice", tuple(str(a) for a in typing.get_args(tp))
    if tp is bool:
        return "bool", ("true", "false")
    if tp is str:
        return "text", ()
    return "value", ()


def _describe(info, annotation) -> str:
    words = info.description or ""
    if not words and isinstance(annotation, type) and issubclass(annotation, BaseModel):
        words = (annotation.__doc__ or "").strip()
    return " ".join(words.split())


def show(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "bool" or isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return _flow(value)
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return str(value)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    text = str(value)
    if isinstance(value, str) and (not text or any(ch in text for ch in ",:[]{}#'\"") or text.strip() != text):
        return "'" + text.replace("'", "''") + "'"
    return text


def parse(row: FieldRow, text: str) -> Any:
    """What the trainer typed into a field, as the value to write. Free text is taken as
    written (so 'no' stays the word); other fields are read as YAML (numbers, [lists],
    {mappings}); what does not parse is written as text, and the live check names it."""
    if row.kind == "choice":
        return int(text) if text.isdigit() else text  # `format: 1` is a number
    if row.kind == "text":
        return text
    if row.kind == "bool":
        return text.strip().lower() in ("true", "yes", "1")
    stripped = text.strip()
    if not stripped:
        return None
    try:
        return YAML(typ="safe").load(stripped)
    except YAMLError:
        return stripped
