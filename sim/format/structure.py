"""Structural checks: pydantic's errors turned into located, plain-language messages.

Each top-level section is validated on its own, so one broken section does not hide
the problems of the others, and the later cross-reference checks can still run on
every section that is well formed.
"""
from __future__ import annotations

import re
import types
import typing
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from .problems import Problem, did_you_mean, one_of
from .yamlsource import Locator

_STRICT = ConfigDict(strict=True)


def validate_sections(model: type[BaseModel], data: dict, locator: Locator,
                      base_path: tuple = ()) -> tuple[dict, list[Problem]]:
    """Validate each field of `model` separately. Returns (valid sections, problems)."""
    problems: list[Problem] = []
    valid: dict[str, Any] = {}
    known = model.model_fields
    for key in data:
        if key not in known:
            problems.append(locator.problem(base_path + (key,), unknown_key_message(key, known),
                                            at_key=True))
    for name, info in known.items():
        if name not in data:
            if info.is_required():
                problems.append(locator.problem(base_path, f"required field '{name}' is missing"))
            continue
        annotation = typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        adapter = _adapter(annotation)
        try:
            valid[name] = adapter.validate_python(data[name], strict=True)
        except ValidationError as exc:
            problems.extend(translate(exc, data[name], locator, base_path + (name,), info.annotation))
    return valid, problems


_ADAPTERS: dict = {}


def _adapter(annotation) -> TypeAdapter:
    key = repr(annotation)
    if key not in _ADAPTERS:
        is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        _ADAPTERS[key] = TypeAdapter(annotation) if is_model else TypeAdapter(annotation, config=_STRICT)
    return _ADAPTERS[key]


def validate_model(model: type[BaseModel], data: Any, locator: Locator, base_path: tuple = ()):
    """Validate one value against a model; returns (object or None, problems)."""
    try:
        return model.model_validate(data, strict=True), []
    except ValidationError as exc:
        return None, translate(exc, data, locator, base_path, model)


def translate(exc: ValidationError, data: Any, locator: Locator, base_path: tuple,
              annotation: Any) -> list[Problem]:
    by_path: dict[tuple, list[tuple[dict, bool]]] = {}
    for error in exc.errors(include_url=False):
        if error["type"] == "too_short" and _long_enough(error):
            continue  # pydantic counts only valid items; the broken item is reported itself
        path, at_key = _data_path(data, error["loc"], error["type"])
        by_path.setdefault(path, []).append((error, at_key))
    problems = []
    for path, errors in by_path.items():
        full = base_path + path
        messages = []
        for error, _ in errors:
            message = _message(error, _model_at(annotation, data, path))
            if message not in messages:
                messages.append(message)
        if len(messages) > 1 and all(e["type"].endswith("_type") or e["type"] == "string_pattern_mismatch"
                                     for e, _ in errors):
            message = "expected " + " or ".join(_expected(e) for e, _ in errors) + \
                      f", got {_describe(errors[0][0].get('input'))}"
        else:
            message = messages[0]
        problems.append(locator.problem(full, message, at_key=errors[0][1]))
    return problems


def _long_enough(error: dict) -> bool:
    """A too_short error on a collection that, as written, has enough items."""
    value, limit = error.get("input"), (error.get("ctx") or {}).get("min_length")
    return isinstance(value, (tuple, list, dict)) and limit is not None and len(value) >= limit


def _data_path(data: Any, loc: tuple, error_type: str) -> tuple[tuple, bool]:
    """Map pydantic's location (which names union branches) onto the document's path."""
    path: list = []
    current = data
    at_key = False
    for i, part in enumerate(loc):
        if part == "[key]":
            at_key = True
            continue
        if isinstance(current, dict) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(current, tuple) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif i == len(loc) - 1 and error_type in ("missing", "extra_forbidden") and isinstance(part, str):
            path.append(part)
            at_key = error_type == "extra_forbidden"
        # else: a union branch or tag name, not part of the document
    if error_type == "extra_forbidden":
        at_key = True  # an unknown key is pointed at itself, not at its value
    if error_type == "union_tag_invalid" and isinstance(current, dict) and "do" in current:
        path.append("do")  # point at the unknown verb, not at the start of the order
    return tuple(path), at_key


def _message(error: dict, model: type[BaseModel] | None) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return f"required field '{error['loc'][-1]}' is missing"
    if kind == "extra_forbidden":
        known = model.model_fields if model else {}
        return unknown_key_message(error["loc"][-1], known)
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", ctx.get("expected", "")) or \
            re.findall(r"\b(\d+)\b", ctx.get("expected", ""))
        return f"{_describe(value)} is not allowed{did_you_mean(value, choices)}; use {one_of(choices, 20)}"
    if kind == "union_tag_invalid":
        from .orders import VERBS
        tag = ctx.get("tag")
        return f"unknown order '{tag}'{did_you_mean(tag, VERBS)}; use {one_of(VERBS, 20)}"
    if kind == "union_tag_not_found":
        from .orders import VERBS
        return f"an order needs 'do:', {one_of(VERBS, 20)}"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if "A-Za-z0-9_" in pattern:
            return (f"{_describe(value)} is not a valid id: start with a letter, then letters, "
                    "digits, '_' or '-' (no spaces)")
        if "a-z]{2,3}" in pattern:
            return f"{_describe(value)} is not a language code; use e.g. 'th' (Thai), 'zh' (Mandarin), 'yue' (Cantonese), 'en'"
    if kind == "string_type" and isinstance(value, bool):
        return (f"expected text, got {_describe(value)}: YAML reads an unquoted yes, no, on or off "
                "as true or false; put the word in quotes, e.g. 'no'")
    if kind.endswith("_type") or kind in ("model_attributes_type",):
        return f"expected {_expected(error)}, got {_describe(value)}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return error["msg"].replace("Input should be", "must be") + f", got {_describe(value)}"
    if kind in ("too_short", "too_long"):
        limit = ctx.get("min_length", ctx.get("max_length"))
        word = "at least" if kind == "too_short" else "at most"
        if isinstance(value, str):
            return f"needs {word} {limit} character(s)"
        return f"needs {word} {limit} item(s)"
    return error["msg"].replace("Input should be", "must be")


_EXPECTED = {
    "string_type": "text", "int_type": "a whole number", "float_type": "a number",
    "bool_type": "true or false", "tuple_type": "a list", "list_type": "a list",
    "dict_type": "a mapping (key: value lines)", "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "string_pattern_mismatch": "an id",
}


def _expected(error: dict) -> str:
    return _EXPECTED.get(error["type"], error["type"].replace("_type", ""))


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, tuple):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "...'"


def unknown_key_message(key: Any, known) -> str:
    hint = did_you_mean(key, known)
    return f"unknown field '{key}'{hint}; allowed here: {', '.join(known)}" if known else f"unknown field '{key}'"


def _model_at(annotation: Any, data: Any, path: tuple) -> type[BaseModel] | None:
    """The model class that describes the mapping at `path` (for did-you-mean on keys)."""
    current_type, current = annotation, data
    for part in path[:-1] if path else ():
        current_type = _step(current_type, current, part)
        current = current[part] if isinstance(current, (dict, tuple)) else None
        if current_type is None:
            return None
    # The error may sit on the mapping itself (path ends at the key) or inside it.
    resolved = _resolve(current_type, current)
    if isinstance(resolved, type) and issubclass(resolved, BaseModel):
        return resolved
    return None


def _resolve(tp: Any, value: Any) -> Any:
    """Strip Annotated/Optional and pick the union member that fits `value`."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (Union, types.UnionType):
            members = [m for m in typing.get_args(tp) if m is not type(None)]
            models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
            if models and isinstance(value, dict):
                verb = value.get("do")
                for m in models:
                    field = m.model_fields.get("do")
                    if field and verb in typing.get_args(field.annotation):
                        return m
                return models[0] if len(models) == 1 else None
            tp = members[0] if len(members) == 1 else None
            if tp is None:
                return None
            continue
        return tp


def _step(tp: Any, value: Any, part: Any) -> Any:
    tp = _resolve(tp, value)
    if tp is None:
        return None
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(part)
        return field.annotation if field else None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is tuple and args:
        return args[0]
    if origin is dict and args:
        return args[1]
    return None
