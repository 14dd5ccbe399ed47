"""The scenario's plan files: the doctrine plan, and the reckless and cautious calibration
plans drafted from it, saved under the names `calibrate` expects
(scenarios/plans/ID_{reckless,cautious,doctrine}.yaml beside the scenario, ID its id).

The drafts are templates a trainer edits: the reckless plan forces its way in at once
with a hard entry and leaves out care, interviews and handover; the cautious plan waits
ten minutes, knocks and goes in calmly. Both keep the doctrine plan's units and rooms,
so they load against the scenario as it is.
"""
from __future__ import annotations

import copy
from pathlib import Path

from ui.editor import yamltree
from ui.editor.document import atomic_write

KINDS = ("reckless", "cautious", "doctrine")
CARE = {"request_unit", "treat", "hand_over", "interview"}


def plan_path(scenario_path: str | Path, scenario_id: str, kind: str) -> Path:
    return Path(scenario_path).parent / "plans" / f"{scenario_id}_{kind}.yaml"


def draft(doctrine: dict, decisions: list, kind: str) -> dict:
    """The plan of `kind` drafted from the doctrine plan (plain data as the file holds it)."""
    orders = [copy.deepcopy(o) for o in doctrine.get("orders", []) if isinstance(o, dict)]
    chosen = dict(doctrine.get("decisions") or {})
    if kind == "doctrine":
        return {"name": doctrine.get("name", "Doctrine"), **{k: v for k, v in doctrine.items() if k != "name"}}
    if kind == "reckless":
        out = []
        for order in orders:
            if order.get("do") in CARE:
                continue
            order.pop("note", None)
            if order.get("do") == "clear":
                order["approach"] = "hard"
            if order.get("do") == "breach" and order.get("method") in ("key", "knock_and_announce", "ruse"):
                order["method"] = "manual_ram"
            out.append(order)
        for decision in decisions:
            options = [o.get("id") for o in decision.get("options", []) if isinstance(o, dict)]
            other = [o for o in options if o != chosen.get(decision.get("id"))]
            if other:
                chosen[decision["id"]] = decision.get("default") if decision.get("default") in other else other[-1]
        return {"name": "Reckless", "description": "Drafted from the doctrine plan: force the way in at once, "
                "a hard entry, no care, interviews or handover. Edit it to suit.", "orders": out,
                "decisions": chosen}
    waited: set = set()
    for order in orders:
        if order.get("do") == "clear":
            order["approach"] = "calm"
        if order.get("do") == "breach":
            order["method"] = "knock_and_announce"
        first = order.get("unit") not in waited and order.get("do") in ("stack", "breach", "clear")
        if first and not any(k in order for k in ("at", "on", "when")):
            order["at"] = 600
            order["note"] = "wait and watch for ten minutes first"
            waited.add(order.get("unit"))
    return {"name": "Cautious but slow", "description": "Drafted from the doctrine plan: the right people, but a "
            "ten-minute wait, a knock and announce and a calm entry. Edit it to suit.", "orders": orders,
            "decisions": chosen}


def save_plans(doc, kinds=KINDS, *, overwrite: bool = False) -> list[tuple[Path, bool]]:
    """Write the plan files; returns (path, written) - an existing file is kept unless `overwrite`."""
    scenario_id = doc.plain(("id",)) or "new_scenario"
    doctrine = doc.plain(("doctrine_plan",), {}) or {}
    decisions = [d for d in doc.plain(("decisions",), []) or [] if isinstance(d, dict)]
    out = []
    for kind in kinds:
        path = plan_path(doc.path or f"scenarios/{scenario_id}.yaml", scenario_id, kind)
        if path.exists() and not overwrite:
            out.append((path, False))
            continue
        atomic_write(path, plan_text(draft(doctrine, decisions, kind), scenario_id, kind))
        out.append((path, True))
    return out


def plan_text(plan: dict, scenario_id: str, kind: str) -> str:
    tree = yamltree.node({k: v for k, v in plan.items() if v not in (None, [], {})}, flow=False)
    if "orders" in tree:
        for order in tree["orders"]:
            order.fa.set_flow_style()
        tree["orders"].fa.set_block_style()
    text = yamltree.dump(tree)
    return f"# The {kind} plan for {scenario_id}.yaml, drafted by the scenario editor; edit it freely.\n" + text
