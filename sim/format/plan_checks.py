"""What a plan will not do as its author expects, found before the start: the warnings the
planning screen shows and `run` prints (one check, two places).

- **An order that cannot work as planned**: a unit sent to a place it cannot reach, because
  a locked door or gate is in the way and nothing before it in the plan opens it (the
  unit's own breach, or a trigger that waits for it, such as `when: door_open front_door`).
  The engine fails such an order at once, so the trainee would see it fail at T+00:00.
- **An escape route nobody covers**: an unbarred window with an escape, a roof, fire escape
  or back door, or a route a perpetrator is known to flee by, with no cordon on it.
- **Nobody who speaks a victim's language.**

Only what the plan's own orders say is used, with the orders of the decision options it
chooses; a door opened by another unit's breach counts once the order waits for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

import numpy as np
from scipy import ndimage

from . import floorplan
from .orders import Order
from .placement import start_cells
from .scenario import Scenario
from .spec import Plan

# verb -> the field naming the place it sends the unit to (orders about a person go where she is)
PLACE_FIELDS = {"move": "to", "stack": "door", "breach": "door", "clear": "room", "cordon": "target",
                "negotiate": "target", "secure_evidence": "target", "arrest": "target"}
# on the way to these, a unit with a ram or a halligan forces a locked wooden door itself
FORCES_DOORS = {"clear", "arrest", "secure_evidence"}
FORCING_TOOLS = {"manual_ram", "halligan"}


@dataclass(frozen=True)
class PlanWarning:
    kind: str  # blocked, uncovered, language
    text: str  # in a trainer's words: names, never ids
    unit: Optional[str] = None
    order: Optional[int] = None  # index in plan.orders


def check_plan(scenario: Scenario, plan: Plan, *, decisions: Optional[dict[str, str]] = None) -> list[PlanWarning]:
    """Every warning for `plan` (decisions: the options chosen, default the plan's own)."""
    return (blocked_orders(scenario, plan) + uncovered_routes(scenario, plan, decisions)
            + unspoken_languages(scenario))


def names_of(scenario: Scenario) -> dict[str, str]:
    spec = scenario.spec
    out: dict[str, str] = {}
    for item in (*spec.floor_plan.rooms, *spec.floor_plan.doors, *spec.floor_plan.windows,
                 *spec.floor_plan.exits, *spec.units, *spec.victims, *spec.perpetrators, *spec.evidence):
        out[item.id] = getattr(item, "name", None) or item.id.replace("_", " ")
    return out


def _order_words(order: Order, names: dict[str, str]) -> str:
    field = PLACE_FIELDS.get(order.do)
    target = getattr(order, field) if field else ""
    return f"{order.do.replace('_', ' ')} {names.get(target, target)}".strip()


class _Reach:
    """Which cells a unit can walk to, with a given set of doors open."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.grid = scenario.grid
        self.base = np.isin(self.grid.kind, (floorplan.FLOOR, floorplan.EXIT))
        self.doors = {d.id: d for d in scenario.spec.floor_plan.doors}
        self.starts = start_cells(scenario)
        self.cells_of = dict(self.grid.cells)
        self._labels: dict[frozenset, np.ndarray] = {}

    def shut(self, door_id: str, opened: set[str], forcing: bool) -> bool:
        door = self.doors[door_id]
        if door_id in opened or not door.locked or door.open or door.kind == "doorway":
            return False
        return not (forcing and door.kind in ("wooden", "fire_door"))

    def labels(self, opened: set[str], forcing: bool) -> np.ndarray:
        key = frozenset(d for d in self.doors if not self.shut(d, opened, forcing))
        found = self._labels.get(key)
        if found is None:
            ok = self.base.copy()
            for door_id in key:
                for cell in self.cells_of[door_id]:
                    ok[cell] = True
            found = self._labels[key] = ndimage.label(ok)[0]  # side by side: as people walk
        return found

    def place(self, ident: str) -> tuple[tuple[int, int], ...]:
        if ident in self.starts:
            return (self.starts[ident],)
        return self.cells_of.get(ident, ())

    def reachable(self, here: tuple[tuple[int, int], ...], target: str, opened: set[str], forcing: bool) -> bool:
        labels = self.labels(opened, forcing)
        mine = {labels[c] for c in here if labels[c]}
        cells = self.place(target)
        if target in self.doors or self.scenario.kind_of(target) in ("window",):
            # a door or window is reached from a cell beside it
            rows, cols = labels.shape
            around = {(r + dr, c + dc) for r, c in cells for dr, dc, _ in floorplan.STEPS[:4]
                      if 0 <= r + dr < rows and 0 <= c + dc < cols}
            cells = tuple(around)
        return any(labels[c] in mine for c in cells)

    def in_the_way(self, here, target: str, opened: set[str], forcing: bool) -> list[str]:
        """The shut doors that, opened alone, would let the unit through; or all of them."""
        shut = [d for d in self.doors if self.shut(d, opened, forcing)]
        alone = [d for d in shut if self.reachable(here, target, opened | {d}, forcing)]
        return alone or shut


def _trigger_place(order: Order, scenario: Scenario) -> list[str]:
    """What the order waits for, as things whose way must be open by then."""
    out = []
    for text in (order.on, order.when):
        if text and " " in text:
            out.append(text.split()[-1])
    return [t for t in out if scenario.kind_of(t) in ("door", "room", "victim", "perpetrator", "evidence")]


def blocked_orders(scenario: Scenario, plan: Plan) -> list[PlanWarning]:
    reach = _Reach(scenario)
    names = names_of(scenario)
    units = {u.id: u for u in scenario.spec.units}
    chosen = {d.id: plan.decisions.get(d.id, d.default) for d in scenario.spec.decisions}
    # doors a decision the plan takes will breach: open by the time a later or waiting order runs
    by_decisions = {o.door for d in scenario.spec.decisions for option in d.options if option.id == chosen[d.id]
                    for o in option.orders if o.do == "breach"}
    out = []
    for unit_id, unit in units.items():
        here = reach.place(unit_id)
        opened: set[str] = set()
        forcing_tools = bool(FORCING_TOOLS & set(unit.equipment))
        first = True
        for index, order in enumerate(plan.orders):
            if order.unit != unit_id:
                continue
            if not first or order.at or order.on or order.when:
                opened |= by_decisions  # not at T+00:00: a decision may have opened them
            first = False
            for waited in _trigger_place(order, scenario):
                # waiting for something there means the way to it is open by then
                if not reach.reachable(here, waited, opened, False):
                    opened |= set(reach.in_the_way(here, waited, opened, False))
                if waited in reach.doors:
                    opened.add(waited)
            field = PLACE_FIELDS.get(order.do)
            target = getattr(order, field, None) if field else None
            if target is None or scenario.kind_of(target) in ("perpetrator", "unit"):
                continue
            if order.do == "cordon" and scenario.kind_of(target) == "window":
                continue  # covered from outside, by the nearest exit
            forcing = order.do in FORCES_DOORS and forcing_tools
            if not reach.reachable(here, target, opened, forcing):
                doors = reach.in_the_way(here, target, opened, forcing)
                shown = " and ".join(names.get(d, d) for d in doors[:3]) or "a wall"
                verb = "is" if len(doors) == 1 else "are"
                out.append(PlanWarning(
                    "blocked", f"{names.get(unit_id, unit_id)}: '{_order_words(order, names)}' cannot work as "
                    f"planned: {shown} {verb} locked and nothing before it in the plan opens "
                    f"{'it' if len(doors) == 1 else 'them'} (breach first, or wait for the door to be open)",
                    unit_id, index))
                opened |= set(doors)  # one warning per door, not one for every later order
            if order.do == "breach":
                opened.add(order.door)
            here = reach.place(target) or here
    return out


def _covered(scenario: Scenario, plan: Plan, decisions: Optional[dict[str, str]]) -> set[str]:
    orders: list[Order] = list(plan.orders)
    chosen = decisions if decisions is not None else dict(plan.decisions)
    for decision in scenario.spec.decisions:
        option = chosen.get(decision.id)
        orders += next((o.orders for o in decision.options if o.id == option), ())
    return {o.target for o in orders if o.do == "cordon"}


def escape_routes(scenario: Scenario) -> list[str]:
    """Windows with an escape and no grille, roofs, fire escapes and back doors, and every
    route a perpetrator is known to flee by, in that order."""
    plan = scenario.spec.floor_plan
    routes = [w.id for w in plan.windows if w.escape != "none" and not w.grille]
    routes += [e.id for e in plan.exits if e.kind in ("roof", "fire_escape", "back_door")]
    for perp in scenario.spec.perpetrators:
        routes += list(perp.flee_via)
    return list(dict.fromkeys(routes))


def uncovered_routes(scenario: Scenario, plan: Plan, decisions: Optional[dict[str, str]] = None) -> list[PlanWarning]:
    names = names_of(scenario)
    covered = _covered(scenario, plan, decisions)
    return [PlanWarning("uncovered", f"{names.get(r, r)} is a possible escape route and no cordon covers it.")
            for r in escape_routes(scenario) if r not in covered]


def unspoken_languages(scenario: Scenario) -> list[PlanWarning]:
    spec = scenario.spec
    speakers = {lang for u in spec.units for lang in u.languages}
    return [PlanWarning("language", f"No unit speaks {v.name}'s language ({', '.join(v.languages)}).")
            for v in spec.victims if not set(v.languages) & speakers]


def lines(warnings: Iterable[PlanWarning]) -> list[str]:
    return [w.text for w in warnings]
