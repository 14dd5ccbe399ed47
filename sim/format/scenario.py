"""Load a scenario file into an immutable, checked `Scenario`.

    scenario = load("scenarios/kowloon_flat.yaml")   # raises InputError listing every problem

The pipeline: safe YAML with positions -> structural checks per section (pydantic)
-> cross-reference and floor-plan checks -> the typed objects plus the parsed grid.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from . import floorplan
from .checks import Checker
from .problems import InputError
from .spec import Plan, Scenario as ScenarioSpec
from .structure import validate_model, validate_sections
from .yamlsource import load_yaml

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Scenario:
    """A checked scenario: the typed spec, its grid, and where it came from."""
    spec: ScenarioSpec
    grid: floorplan.Grid
    path: str
    sha256: str

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title

    def kind_of(self, ident: str) -> str | None:
        return self._kinds.get(ident)

    @cached_property
    def _kinds(self) -> dict[str, str]:  # asked during runs: worked out once
        return _kinds(self.spec)


def _kinds(spec: ScenarioSpec) -> dict[str, str]:
    plan = spec.floor_plan
    out: dict[str, str] = {}
    for kind, items in (("room", plan.rooms), ("door", plan.doors), ("window", plan.windows),
                        ("exit", plan.exits), ("victim", spec.victims),
                        ("perpetrator", spec.perpetrators), ("evidence", spec.evidence),
                        ("unit", spec.units)):
        for item in items:
            out[item.id] = kind
    return out


def load(path: str | os.PathLike, *, text: str | None = None) -> Scenario:
    name = str(path)
    data, locator = load_yaml(path, text=text)
    sections, problems = validate_sections(ScenarioSpec, data, locator)
    checker = Checker(sections, locator)
    checker.broken = set(data) - set(sections)
    checker.raw = data
    problems += checker.run()
    if problems:
        raise InputError(problems)
    spec = ScenarioSpec.model_validate(data, strict=True)
    assert checker.grid is not None
    return Scenario(spec, checker.grid, name, locator.sha256)


def load_plan(path: str | os.PathLike, scenario: Scenario, *, text: str | None = None) -> Plan:
    """Load a plan file (orders and decision choices) checked against `scenario`."""
    data, locator = load_yaml(path, text=text)
    if "plan" in data and len(data) == 1:  # allow a top-level `plan:` wrapper
        data, base = data["plan"], ("plan",)
    else:
        base = ()
    plan, problems = validate_model(Plan, data, locator, base)
    sections = {k: getattr(scenario.spec, k) for k in ScenarioSpec.model_fields}
    checker = Checker(sections, locator)
    checker.collect_ids()
    checker.problems = []  # the scenario's own ids were checked when it loaded
    checker.grid = scenario.grid
    if plan is not None:
        checker.check_plan(base, plan)
    elif isinstance(data, dict):
        # the plan as a whole is malformed: still check the references of every order and
        # choice that is well formed, so all mistakes are reported in one go
        from pydantic import TypeAdapter, ValidationError

        from .orders import AnyOrder
        adapter = TypeAdapter(AnyOrder)
        orders = data.get("orders") if isinstance(data.get("orders"), tuple) else ()
        for i, raw in enumerate(orders):
            try:
                checker.check_order(base + ("orders", i), adapter.validate_python(raw, strict=True))
            except ValidationError:
                continue
        choices = data.get("decisions")
        if isinstance(choices, dict):
            try:
                checker.check_plan(base, Plan(decisions=choices))
            except ValidationError:
                pass  # its own structural problems are already reported
    problems += checker.problems
    if problems:
        raise InputError(problems)
    return plan


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the scenario format, for editors."""
    schema = ScenarioSpec.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            **schema}
