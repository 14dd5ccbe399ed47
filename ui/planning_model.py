"""The plan a trainee builds on the planning screen, and its checks, kept apart from pygame.

The plan is the engine's own `Plan` (orders in the shared vocabulary), so what the
trainee builds is exactly what a plan file or a replay would hold.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sim.format.orders import ORDER_CLASSES, Order
from sim.format.plan_checks import check_plan, lines
from sim.format.scenario import Scenario
from sim.format.spec import Plan

# What a planning tool asks the trainee to click, and the order it makes.
TOOLS = {
    "move": ("Move / stage", ("room", "exit", "door")),
    "stack": ("Stack at door", ("door",)),
    "breach": ("Breach door", ("door",)),
    "clear": ("Clear room", ("room",)),
    "cordon": ("Cordon exit/window", ("window", "exit", "door")),
}
UNIVERSAL_METHODS = ("knock_and_announce", "ruse")


def methods_for(scenario: Scenario, unit_id: str) -> list[str]:
    unit = next(u for u in scenario.spec.units if u.id == unit_id)
    tools = [m for m in ("hydraulic_spreader", "manual_ram", "halligan", "angle_grinder", "key") if m in unit.equipment]
    return tools + list(UNIVERSAL_METHODS)


@dataclass
class PlanDraft:
    scenario: Scenario
    orders: list[Order] = field(default_factory=list)
    go_at: Optional[float] = None  # entry at a time; None = on command (at once)
    wait_for: Optional[str] = None  # a unit whose arrival entry waits for (interpreter, liaison)
    request_support: bool = False

    @classmethod
    def from_plan(cls, scenario: Scenario, plan: Plan) -> "PlanDraft":
        return cls(scenario, list(plan.orders))

    def add(self, verb: str, unit: str, **fields) -> Order:
        order = ORDER_CLASSES[verb].model_validate({"unit": unit, "do": verb, **fields}, strict=True)
        self.orders.append(order)
        return order

    def undo(self, unit: Optional[str] = None) -> None:
        for i in range(len(self.orders) - 1, -1, -1):
            if unit is None or self.orders[i].unit == unit:
                del self.orders[i]
                return

    def clear_unit(self, unit: str) -> None:
        self.orders = [o for o in self.orders if o.unit != unit]

    def orders_of(self, unit: str) -> list[Order]:
        return [o for o in self.orders if o.unit == unit]

    def on_request_units(self) -> list[str]:
        return [u.id for u in self.scenario.spec.units if u.on_request]

    def build(self, name: str = "Trainee plan") -> Plan:
        """The engine's Plan: entry timing and waiting applied to the first entry order."""
        orders: list[Order] = []
        entry_done = False
        for order in self.orders:
            if not entry_done and order.do in ("breach", "clear") and order.at is None \
                    and order.on is None and order.when is None:
                extra = {}
                if self.wait_for:
                    extra["when"] = f"unit_arrived {self.wait_for}"
                elif self.go_at is not None:
                    extra["at"] = float(self.go_at)
                if extra:
                    order = order.model_copy(update=extra)
                entry_done = True
            orders.append(order)
        if self.request_support:
            for unit in self.on_request_units():
                if not any(o.do == "request_unit" and o.unit == unit for o in orders):
                    orders.insert(0, ORDER_CLASSES["request_unit"].model_validate(
                        {"unit": unit, "do": "request_unit", "at": 0.0}, strict=True))
        return Plan(name=name, orders=tuple(orders))

    def check(self) -> tuple[list[str], list[str]]:
        """(errors that stop the start, warnings worth a second look)."""
        errors, warnings = [], []
        spec = self.scenario.spec
        verbs = {o.do for o in self.orders}
        entry = {"breach", "clear", "negotiate", "arrest"}
        at_decisions = {o.do for d in spec.decisions for option in d.options for o in option.orders}
        if not verbs & entry and not at_decisions & entry:
            errors.append("No unit is assigned to breach, clear or negotiate: nobody will enter the flat.")
        elif not verbs & entry:
            warnings.append("The plan itself has no entry: it will come from your choice at a decision point.")
        # the same check as `run` prints (sim/format/plan_checks.py): orders that cannot work
        # as planned, escape routes nobody covers, a language nobody speaks; decisions are
        # taken during the operation, so none is counted as chosen yet
        warnings[:0] = lines(check_plan(self.scenario, self.build(), decisions={}))  # the gravest first
        unit_kinds = {u.kind for u in spec.units}
        if spec.victims and "medic" in unit_kinds and "treat" not in verbs:
            warnings.append("No medical check is planned for the victims.")
        if any(u.on_request for u in spec.units) and not self.request_support and "request_unit" not in verbs:
            warnings.append("Units on request (consular officer, victim care) are not requested.")
        return errors, warnings
