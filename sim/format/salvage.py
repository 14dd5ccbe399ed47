"""Checks that still run on sections that failed their structural check.

A section with one bad field (a door kind misspelt, a decision's time out of range) is
dropped by the structural check, and the cross-reference and map checks skip it. Without
this module a short map row or a misspelt room in a decision option would be reported
only once the field-level problems are fixed: several rounds where one would do. Here the
raw document of a broken section is read for what can still be checked: the ids it
declares, the map's rows and characters, and every well-formed order.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

from pydantic import TypeAdapter, ValidationError

from . import floorplan


_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_LISTS = {"victims": "victim", "perpetrators": "perpetrator", "evidence": "evidence", "units": "unit"}
_PLAN_LISTS = {"rooms": "room", "doors": "door", "windows": "window", "exits": "exit"}


def _raw_ids(items) -> list[str] | None:
    """The ids of a raw list of mappings, or None if any item has no usable id."""
    if not isinstance(items, tuple):
        return None
    ids = [item.get("id") if isinstance(item, dict) else None for item in items]
    return ids if all(isinstance(i, str) and _ID.match(i) for i in ids) else None


def recover_ids(checker: "sim.format.checks.Checker", raw: dict) -> None:
    """Learn the ids of broken sections whose every item still names itself, so a reference
    to one of them is checked (and a misspelt one reported) rather than passed over."""
    groups = []
    if "floor_plan" in checker.broken and isinstance(raw.get("floor_plan"), dict):
        plan = raw["floor_plan"]
        groups += [(_raw_ids(plan.get(section, ())), kind) for section, kind in _PLAN_LISTS.items()]
        if all(ids is not None for ids, _ in groups):
            checker.broken.discard("floor_plan")
    for section, kind in _LISTS.items():
        if section in checker.broken:
            ids = _raw_ids(raw.get(section))
            groups.append((ids, kind))
            if ids is not None:
                checker.broken.discard(section)
    for ids, kind in groups:
        for ident in ids or ():
            checker.names.kinds.setdefault(ident, kind)


def check_broken(checker: "sim.format.checks.Checker", raw: dict, structurally_broken: set[str]) -> None:
    """The map and the orders of sections that failed their structural check."""
    if "floor_plan" in structurally_broken:
        _check_map(checker, raw.get("floor_plan"))
    if "decisions" in structurally_broken and isinstance(raw.get("decisions"), tuple):
        for i, decision in enumerate(raw["decisions"]):
            options = decision.get("options") if isinstance(decision, dict) else None
            for j, option in enumerate(options if isinstance(options, tuple) else ()):
                orders = option.get("orders") if isinstance(option, dict) else None
                _check_orders(checker, ("decisions", i, "options", j), orders)
    if "doctrine_plan" in structurally_broken and isinstance(raw.get("doctrine_plan"), dict):
        _check_orders(checker, ("doctrine_plan",), raw["doctrine_plan"].get("orders"))


def _check_orders(checker: "sim.format.checks.Checker", path: tuple, orders) -> None:
    from .orders import AnyOrder

    adapter = _adapter(AnyOrder)
    for k, order in enumerate(orders if isinstance(orders, tuple) else ()):
        try:
            valid = adapter.validate_python(order, strict=True)
        except ValidationError:
            continue  # its own problem is already reported
        checker.check_order(path + ("orders", k), valid)


def _check_map(checker: "sim.format.checks.Checker", plan) -> None:
    if not isinstance(plan, dict):
        return
    text, legend = plan.get("map"), plan.get("legend")
    if not isinstance(text, str) or not text or not isinstance(legend, dict) or \
            not all(isinstance(k, str) and len(k) == 1 and isinstance(v, str) for k, v in legend.items()):
        return
    lists = {section: [SimpleNamespace(id=i) for i in (_raw_ids(plan.get(section, ())) or ())]
             for section in _PLAN_LISTS}
    _, problems = floorplan.parse(SimpleNamespace(map=text, legend=legend, cell_size=0.5, **lists))
    for mp in problems:
        checker.add(("floor_plan", "map"), mp.message, position=checker.map_position(mp.row, mp.column))


_ADAPTERS: dict = {}


def _adapter(annotation) -> TypeAdapter:
    if "order" not in _ADAPTERS:
        _ADAPTERS["order"] = TypeAdapter(annotation)
    return _ADAPTERS["order"]
