"""Cross-reference and floor-plan checks on a scenario whose sections are well formed.

Runs on whatever sections passed the structural checks, so a trainer sees every
problem at once. Each check names the exact spot: ids, map cells, trigger texts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from . import floorplan, triggers
from .catalogue import METRICS, TIMED_METRICS
from .joint_checks import JointChecks
from .orders import REFERENCES
from .problems import Problem, did_you_mean, one_of
from .spec import Escalation, Reactions, VictimReactions
from .yamlsource import Locator

# The section that declares each kind of id (see `Checker.broken`).
SECTION_OF_KIND = {"room": "floor_plan", "door": "floor_plan", "window": "floor_plan",
                   "exit": "floor_plan", "victim": "victims", "perpetrator": "perpetrators",
                   "evidence": "evidence", "unit": "units", "decision": "decisions"}

EQUIPMENT_FOR_METHOD = {"manual_ram": "manual_ram", "halligan": "halligan",
                        "hydraulic_spreader": "hydraulic_spreader",
                        "angle_grinder": "angle_grinder", "key": "key"}


@dataclass
class Names:
    """Every id in the scenario, with what kind of thing it names."""
    kinds: dict[str, str] = field(default_factory=dict)  # id -> room/door/window/exit/victim/...
    units: dict[str, Any] = field(default_factory=dict)
    decisions: dict[str, Any] = field(default_factory=dict)

    def of(self, *kinds: str) -> list[str]:
        return [name for name, kind in self.kinds.items() if kind in kinds]


class Checker(JointChecks):
    def __init__(self, sections: dict, locator: Locator):
        self.s = sections
        self.loc = locator
        self.problems: list[Problem] = []
        self.names = Names()
        self.grid: floorplan.Grid | None = None
        # Sections present in the file but not well formed: their ids are unknown, so a
        # reference to such an id is not reported (the section's own problem is).
        self.broken: set[str] = set()
        self.raw: dict | None = None  # the whole document, for `salvage` to check broken sections

    def unsure(self, *kinds: str) -> bool:
        """Whether an id of one of `kinds` might be declared in a section that failed."""
        return any(SECTION_OF_KIND.get(kind) in self.broken for kind in kinds)

    def add(self, path: tuple, message: str, **kw) -> None:
        self.problems.append(self.loc.problem(path, message, **kw))

    # -- ids ---------------------------------------------------------------------------
    def collect_ids(self) -> None:
        plan = self.s.get("floor_plan")
        groups: list[tuple[tuple, str, Iterable]] = []
        if plan is not None:
            groups += [(("floor_plan", "rooms"), "room", plan.rooms),
                       (("floor_plan", "doors"), "door", plan.doors),
                       (("floor_plan", "windows"), "window", plan.windows),
                       (("floor_plan", "exits"), "exit", plan.exits)]
        for section, kind in (("victims", "victim"), ("perpetrators", "perpetrator"),
                              ("evidence", "evidence"), ("units", "unit")):
            if section in self.s:
                groups.append(((section,), kind, self.s[section]))
        first_seen: dict[str, tuple] = {}
        for path, kind, items in groups:
            for i, item in enumerate(items):
                where = path + (i, "id")
                if item.id in first_seen:
                    line, _ = self.loc.where(first_seen[item.id])
                    self.add(where, f"id '{item.id}' is already used (line {line}); every room, "
                                    "door, window, exit, person, item and unit needs its own id")
                    continue
                if item.id in ("wall", "outside", "all"):
                    self.add(where, f"'{item.id}' is a reserved word; choose another id")
                    continue
                first_seen[item.id] = where
                self.names.kinds[item.id] = kind
                if kind == "unit":
                    self.names.units[item.id] = item
        for section in ("agencies", "injects", "decisions"):
            seen: dict[str, int] = {}
            for i, item in enumerate(self.s.get(section, ())):
                if item.id in seen:
                    self.add((section, i, "id"), f"id '{item.id}' is already used by {section}[{seen[item.id]}]")
                seen.setdefault(item.id, i)
        for decision in self.s.get("decisions", ()):
            self.names.decisions[decision.id] = decision

    def ref(self, path: tuple, value: str, kinds: tuple[str, ...], *, allow: tuple = ()) -> bool:
        """Check that `value` names a thing of one of `kinds`; report it otherwise."""
        if value in allow:
            return True
        kind = self.names.kinds.get(value)
        if kind in kinds:
            return True
        wanted = " or ".join(kinds)
        if kind is None and self.unsure(*kinds):
            return False
        if kind is not None:
            self.add(path, f"'{value}' is a {kind}, but a {wanted} is needed here; "
                           f"{one_of(self.names.of(*kinds))}")
        else:
            choices = self.names.of(*kinds) + list(allow)
            self.add(path, f"unknown {wanted} '{value}'{did_you_mean(value, choices)}; {one_of(choices)}")
        return False

    # -- floor plan --------------------------------------------------------------------
    def check_floor_plan(self) -> None:
        plan = self.s.get("floor_plan")
        if plan is None:
            return
        declared = {**{r.id: "room" for r in plan.rooms}, **{d.id: "door" for d in plan.doors},
                    **{w.id: "window" for w in plan.windows}, **{e.id: "exit" for e in plan.exits}}
        for ch, target in plan.legend.items():
            if target in ("wall", "outside") or target in declared:
                continue
            choices = ["wall", "outside", *declared]
            self.add(("floor_plan", "legend", ch), f"'{target}' is not 'wall', 'outside' or a declared "
                     f"room, door, window or exit{did_you_mean(target, choices)}")
        grid, map_problems = floorplan.parse(plan)
        for mp in map_problems:
            self.add(("floor_plan", "map"), mp.message, position=self.map_position(mp.row, mp.column))
        if grid is None or any("row" in mp.message and "long" in mp.message for mp in map_problems):
            return
        self.grid = grid
        for section, items in (("rooms", plan.rooms), ("doors", plan.doors),
                               ("windows", plan.windows), ("exits", plan.exits)):
            for i, item in enumerate(items):
                if item.id not in grid.cells:
                    chars = [c for c, t in plan.legend.items() if t == item.id]
                    how = (f"its legend character '{chars[0]}' does not appear in the map" if chars
                           else "no legend character stands for it")
                    self.add(("floor_plan", section, i, "id"), f"{section[:-1]} '{item.id}' is not on the map: {how}")
        for i, room in enumerate(plan.rooms):
            if room.id not in grid.cells:
                continue
            touching = grid.neighbours_of(room.id)
            openings = [t for t in touching if declared.get(t) in ("door", "exit", "room")]
            if not openings:
                self.add(("floor_plan", "rooms", i, "id"),
                         f"room '{room.id}' has no door, doorway or exit: nobody can get in or out; "
                         "draw a door character in its wall")

    def map_position(self, row: int, column: int) -> tuple[int, int]:
        """File line and column of a map cell, for a map written as a `|` block."""
        line, col = self.loc.where(("floor_plan", "map"))
        lines = self.loc.source_lines
        if 0 < line <= len(lines) and lines[line - 1][col - 1:col] in ("|", ">"):
            first = line  # 0-based index of the first content line
            if first + row < len(lines):
                text = lines[first]
                indent = len(text) - len(text.lstrip(" "))
                return first + row + 1, indent + column + 1
        return line, col

    # -- placements --------------------------------------------------------------------
    def place_cell(self, path: tuple, at: Any, *, kinds=("room",)) -> tuple[int, int] | None:
        grid = self.grid
        if isinstance(at, str):
            if not self.ref(path, at, kinds):
                return None
            if grid is None or at not in grid.cells:
                return None
            return grid.centre(at)
        column, row = at
        if grid is None:
            return None
        if not grid.inside((row, column)):
            rows, cols = grid.shape
            self.add(path, f"[{column}, {row}] is outside the plan, which has columns 0..{cols - 1} "
                           f"and rows 0..{rows - 1}")
            return None
        kind = grid.kind_at((row, column))
        if kind not in (floorplan.FLOOR, floorplan.EXIT):
            self.add(path, f"[{column}, {row}] is {'an' if floorplan.KIND_NAMES[kind][0] in 'aeiou' else 'a'} {floorplan.KIND_NAMES[kind]} cell; place people and "
                           "items on a room's floor")
            return None
        return row, column

    def check_people(self) -> None:
        starts: dict[tuple, tuple[int, int]] = {}
        for section in ("victims", "perpetrators", "evidence"):
            for i, item in enumerate(self.s.get(section, ())):
                cell = self.place_cell((section, i, "at"), item.at)
                if cell:
                    starts[(section, i, "at")] = cell
        for i, perp in enumerate(self.s.get("perpetrators", ())):
            total = sum(perp.alert_reaction.model_dump().values())
            if abs(total - 1) > 1e-6:
                self.add(("perpetrators", i, "alert_reaction"),
                         f"the probabilities add up to {total:g}; they must add up to 1")
            for j, route in enumerate(perp.flee_via):
                path = ("perpetrators", i, "flee_via", j)
                if self.ref(path, route, ("window", "exit", "door")) and self.names.kinds[route] == "window" \
                        and "floor_plan" in self.s:
                    window = next(w for w in self.s["floor_plan"].windows if w.id == route)
                    if window.grille or window.escape == "none":
                        why = "has a grille" if window.grille else "leads nowhere (escape: none)"
                        self.add(path, f"window '{route}' {why}, so it is no escape route")
            if perp.alert_reaction.flee > 0 and not perp.flee_via:
                self.add(("perpetrators", i, "flee_via"),
                         "this perpetrator may flee (alert_reaction.flee > 0) but has no route; "
                         "list windows, exits or doors in flee_via")
        for i, victim in enumerate(self.s.get("victims", ())):
            self.check_victim(i, victim)
        self.check_challenge()
        unit_cells = []
        agencies = {a.id for a in self.s.get("agencies", ())}
        for i, unit in enumerate(self.s.get("units", ())):
            if agencies and unit.agency not in agencies:
                self.add(("units", i, "agency"), f"unknown agency '{unit.agency}'"
                         f"{did_you_mean(unit.agency, agencies)}; {one_of(agencies)}")
            cell = self.place_cell(("units", i, "at"), unit.at, kinds=("room", "exit"))
            if cell:
                unit_cells.append(cell)
        if "lead_agency" in self.s and agencies and self.s["lead_agency"] not in agencies:
            lead = self.s["lead_agency"]
            self.add(("lead_agency",), f"unknown agency '{lead}'{did_you_mean(lead, agencies)}; {one_of(agencies)}")
        self.check_reach(unit_cells, starts)

    def check_victim(self, i: int, victim: Any) -> None:
        total = sum(victim.fear_reaction.model_dump().values())
        if abs(total - 1) > 1e-6:
            self.add(("victims", i, "fear_reaction"), f"the probabilities add up to {total:g}; they must add up to 1")
        for j, route in enumerate(victim.flee_via):
            path = ("victims", i, "flee_via", j)
            if self.ref(path, route, ("window", "exit")) and self.names.kinds[route] == "window" \
                    and "floor_plan" in self.s:
                window = next(w for w in self.s["floor_plan"].windows if w.id == route)
                if window.grille or window.escape == "none":
                    why = "has a grille" if window.grille else "leads nowhere (escape: none)"
                    self.add(path, f"window '{route}' {why}, so she cannot get out by it")
        if victim.fear_reaction.flee > 0 and not victim.flee_via:
            self.add(("victims", i, "flee_via"), "she may flee (fear_reaction.flee > 0) but has no route; "
                     "list windows or exits in flee_via")

    def check_challenge(self) -> None:
        """Each override key is 'ID.FIELD': a perpetrator or victim (or all of them) and one
        of its behaviour probabilities."""
        challenge = self.s.get("challenge")
        if challenge is None:
            return
        fields = {"perpetrator": sorted(Reactions.model_fields) + sorted(Escalation.model_fields) + ["vigilance"],
                  "victim": sorted(VictimReactions.model_fields) + ["coached_identity", "fear", "trust_in_police"]}
        who = {"perpetrators": "perpetrator", "victims": "victim"}
        who.update({p.id: "perpetrator" for p in self.s.get("perpetrators", ())})
        who.update({v.id: "victim" for v in self.s.get("victims", ())})
        for key in challenge.steady:
            if key not in METRICS:
                self.add(("challenge", "steady", key), f"unknown metric '{key}'{did_you_mean(key, METRICS)}; "
                                                       f"{one_of(METRICS)}")
        for key in challenge.overrides:
            path = ("challenge", "overrides", key)
            ident, dot, name = key.partition(".")
            if not dot or not name:
                self.add(path, f"'{key}' is not 'ID.FIELD'; write e.g. 'guard.take_hostage' or 'victims.hide'")
                continue
            kind = who.get(ident)
            if kind is None:
                if not self.unsure("perpetrator", "victim"):
                    self.add(path, f"unknown perpetrator or victim '{ident}'{did_you_mean(ident, who)}; "
                                   f"{one_of(who)}")
                continue
            if name not in fields[kind]:
                self.add(path, f"'{name}' is not a behaviour probability of a {kind}"
                               f"{did_you_mean(name, fields[kind])}; {one_of(fields[kind])}")

    def check_reach(self, unit_cells: list, starts: dict) -> None:
        grid = self.grid
        if grid is None or not unit_cells:
            return
        reach = grid.reachable_from(unit_cells)
        for i, room in enumerate(self.s["floor_plan"].rooms):
            cells = grid.cells.get(room.id)
            if cells and not any(reach[c] for c in cells):
                self.add(("floor_plan", "rooms", i, "id"),
                         f"room '{room.id}' cannot be reached by any unit from where they start, "
                         "even through every door")
        for path, cell in starts.items():
            if not reach[cell] and path[0] == "victims":
                self.add(path, "no unit can reach this victim from where the units start")

    # -- triggers, orders, injects, decisions ----------------------------------------
    def check_trigger(self, path: tuple, item: Any, *, required: bool) -> None:
        given = [k for k in ("at", "on", "when") if getattr(item, k) is not None]
        if len(given) > 1:
            self.add(path + (given[1],), f"give one of at, on or when, not {' and '.join(given)}")
            return
        if not given:
            if required:
                self.add(path, "needs a trigger: 'at: SECONDS', 'on: EVENT' or 'when: CONDITION'")
            return
        key = given[0]
        if key == "at":
            return
        try:
            trig = triggers.parse(key, getattr(item, key))
        except triggers.TriggerSyntaxError as exc:
            self.add(path + (key,), str(exc))
            return
        if trig.argument:
            kinds = triggers.argument_kinds(trig)
            if kinds in (("decision",), ("inject",)):
                self.check_named(path + (key,), trig.argument, kinds[0])
            else:
                self.ref(path + (key,), trig.argument, kinds)

    def check_named(self, path: tuple, value: str, kind: str) -> bool:
        """A decision or inject id (they are not in the id table of places and people)."""
        known = ([d.id for d in self.s.get("decisions", ())] if kind == "decision"
                 else [i.id for i in self.s.get("injects", ())])
        section = "decisions" if kind == "decision" else "injects"
        if value in known or section in self.broken:
            return True
        self.add(path, f"unknown {kind} '{value}'{did_you_mean(value, known)}; {one_of(known)}")
        return False

    def check_order(self, path: tuple, order: Any) -> None:
        self.check_trigger(path, order, required=False)
        unit = self.names.units.get(order.unit)
        self.ref(path + ("unit",), order.unit, ("unit",))
        for field_name, kinds in REFERENCES[order.do].items():
            self.ref(path + (field_name,), getattr(order, field_name), kinds)
        if unit is None:
            return
        if order.do == "request_unit" and not unit.on_request:
            self.add(path + ("unit",), f"unit '{unit.id}' is not on request (it arrives by itself); "
                     "set on_request: true on the unit or drop this order")
        if order.do == "treat" and unit.kind != "medic" and not {"first_aid", "trauma_care"} & set(unit.skills):
            self.add(path + ("unit",), f"unit '{unit.id}' cannot treat: it is not a medic and has no first_aid "
                     "or trauma_care skill; give the order to a medic or add the skill")
        if order.do == "breach":
            needed = EQUIPMENT_FOR_METHOD.get(order.method)
            if needed and needed not in unit.equipment:
                has = ", ".join(unit.equipment) or "none"
                self.add(path + ("method",), f"unit '{unit.id}' has no {needed} for this method "
                         f"(its equipment: {has}); add it to the unit's equipment or choose another method")

    def check_plan(self, path: tuple, plan: Any) -> None:
        for i, order in enumerate(plan.orders):
            self.check_order(path + ("orders", i), order)
        for decision_id, option_id in plan.decisions.items():
            decision = self.names.decisions.get(decision_id)
            if decision is None and self.unsure("decision"):
                continue
            if decision is None:
                self.add(path + ("decisions", decision_id), f"unknown decision '{decision_id}'"
                         f"{did_you_mean(decision_id, self.names.decisions)}; {one_of(self.names.decisions)}",
                         at_key=True)
                continue
            options = [o.id for o in decision.options]
            if option_id not in options:
                self.add(path + ("decisions", decision_id), f"decision '{decision_id}' has no option "
                         f"'{option_id}'{did_you_mean(option_id, options)}; {one_of(options)}")
        self.check_plan_joint(path, plan)

    def check_events(self) -> None:
        for i, inject in enumerate(self.s.get("injects", ())):
            self.check_trigger(("injects", i), inject, required=True)
            for j, effect in enumerate(inject.effects):
                path = ("injects", i, "effects", j)
                actions = [k for k in ("alert", "delay_unit", "lock_door", "reveal") if getattr(effect, k)]
                if len(actions) != 1:
                    self.add(path, "an effect does one thing: alert, delay_unit (with seconds), lock_door or reveal")
                    continue
                action = actions[0]
                value = getattr(effect, action)
                if action == "alert":
                    self.ref(path + ("alert",), value, ("perpetrator",), allow=("all",))
                elif action == "delay_unit":
                    self.ref(path + ("delay_unit",), value, ("unit",))
                    if effect.seconds is None:
                        self.add(path, "delay_unit needs 'seconds'")
                elif action == "lock_door":
                    self.ref(path + ("lock_door",), value, ("door",))
                else:
                    self.ref(path + ("reveal",), value, ("victim", "perpetrator", "evidence"))
        for i, decision in enumerate(self.s.get("decisions", ())):
            self.check_trigger(("decisions", i), decision, required=True)
            options = [o.id for o in decision.options]
            seen: set[str] = set()
            for j, option in enumerate(decision.options):
                if option.id in seen:
                    self.add(("decisions", i, "options", j, "id"), f"option id '{option.id}' is used twice")
                seen.add(option.id)
                for k, order in enumerate(option.orders):
                    self.check_order(("decisions", i, "options", j, "orders", k), order)
            if decision.default not in options:
                self.add(("decisions", i, "default"), f"the default '{decision.default}' is not one of "
                         f"this decision's options{did_you_mean(decision.default, options)}; {one_of(options)}")
        if "doctrine_plan" in self.s:
            self.check_plan(("doctrine_plan",), self.s["doctrine_plan"])

    def check_pressures(self) -> None:
        """Each pressure names rooms, perpetrators and victims that exist, and what its kind needs."""
        seen: dict[str, int] = {}
        for i, pressure in enumerate(self.s.get("pressures", ())):
            path = ("pressures", i)
            if pressure.id in seen:
                self.add(path + ("id",), f"id '{pressure.id}' is already used by pressures[{seen[pressure.id]}]")
            seen.setdefault(pressure.id, i)
            for j, room in enumerate(pressure.watches):
                self.ref(path + ("watches", j), room, ("room",))
            self.ref(path + ("alerts",), pressure.alerts, ("perpetrator",), allow=("all",))
            for j, victim in enumerate(pressure.victims):
                self.ref(path + ("victims", j), victim, ("victim",))
            if pressure.by is not None:
                self.ref(path + ("by",), pressure.by, ("perpetrator",))
            kind = pressure.kind
            if kind in ("watch", "rounds", "client") and not pressure.watches:
                self.add(path, f"a '{kind}' pressure needs 'watches': the rooms where waiting police are seen")
            if kind == "move_victims":
                if not pressure.victims:
                    self.add(path, "a 'move_victims' pressure needs 'victims': the women taken away")
                if pressure.by is None:
                    self.add(path, "a 'move_victims' pressure needs 'by': the perpetrator who takes them away")
            if pressure.every is not None and kind not in ("rounds", "client"):
                self.add(path + ("every",), f"only rounds and client pressures repeat; a '{kind}' pressure takes "
                                           "no 'every'")

    # -- scoring -----------------------------------------------------------------------
    def check_scoring(self) -> None:
        scoring = self.s.get("scoring")
        if scoring is None:
            return
        guide = self.s.get("evaluation_guide")
        if guide is None and "evaluation_guide" in self.broken:
            return  # reported where it broke
        in_guide = guide is not None and any(c.metrics for c in guide.capabilities)
        if in_guide and scoring.capabilities:
            self.add(("scoring", "capabilities"), "the evaluation guide's capabilities carry the metrics: "
                     "remove scoring.capabilities (one set of capabilities for every view)")
            return
        if not in_guide and not scoring.capabilities:
            self.add(("scoring",), "no capability is scored: give the evaluation guide's capabilities their "
                     "metrics (evaluation_guide.capabilities[].metrics), or scoring.capabilities")
            return
        if in_guide:
            where = [(("evaluation_guide", "capabilities", i), c) for i, c in enumerate(guide.capabilities)]
        else:
            where = [(("scoring", "capabilities", i), c) for i, c in enumerate(scoring.capabilities)]
        total_path = ("evaluation_guide", "capabilities") if in_guide else ("scoring", "capabilities")
        total = 0.0
        seen: set[str] = set()
        for cpath, capability in where:
            if capability.id in seen:
                self.add(cpath + ("id",), f"capability '{capability.id}' is listed twice")
            seen.add(capability.id)
            for name, weight in capability.metrics.items():
                path = cpath + ("metrics", name)
                total += weight.weight
                if name not in METRICS:
                    self.add(path, f"unknown metric '{name}'{did_you_mean(name, METRICS)}; "
                             f"{one_of(METRICS, 20)}", at_key=True)
                elif weight.target is not None and name not in TIMED_METRICS:
                    self.add(path + ("target",), f"'{name}' is not a timed metric; only "
                             f"{', '.join(sorted(TIMED_METRICS))} take a target")
        if abs(total - 1) > 1e-6:
            self.add(total_path, f"the metric weights add up to {total:g}; they must add up to 1")
        r = scoring.ratings
        if not r.P > r.S > r.M:
            self.add(("scoring", "ratings"), f"thresholds must fall from P to M (P > S > M); "
                     f"got P={r.P:g}, S={r.S:g}, M={r.M:g}")

    # -- evaluation guide --------------------------------------------------------------
    def check_guide(self) -> None:
        guide = self.s.get("evaluation_guide")
        if guide is None:
            return
        seen: dict[str, str] = {}
        for i, capability in enumerate(guide.capabilities):
            cpath = ("evaluation_guide", "capabilities", i)
            self.unique(seen, capability.id, cpath + ("id",))
            for j, target in enumerate(capability.targets):
                tpath = cpath + ("targets", j)
                self.unique(seen, target.id, tpath + ("id",))
                for k, task in enumerate(target.tasks):
                    path = tpath + ("tasks", k)
                    self.unique(seen, task.id, path + ("id",))
                    self.check_expectation(path + ("expect",), task.expect)
                    if task.decision is not None:
                        self.check_named(path + ("decision",), task.decision, "decision")
                    if task.inject is not None:
                        self.check_named(path + ("inject",), task.inject, "inject")
                    if task.agency is not None:
                        agencies = [a.id for a in self.s.get("agencies", ())]
                        if task.agency not in agencies and "agencies" not in self.broken:
                            self.add(path + ("agency",), f"unknown agency '{task.agency}'"
                                     f"{did_you_mean(task.agency, agencies)}; {one_of(agencies)}")

    def unique(self, seen: dict, value: str, path: tuple) -> None:
        if value in seen:
            self.add(path, f"id '{value}' is already used in the evaluation guide ({seen[value]}); "
                           "every capability, target and task needs its own id")
        seen.setdefault(value, "/".join(str(p) for p in path[1:-1]))

    def check_expectation(self, path: tuple, expect: Any) -> None:
        given = [k for k in ("on", "never") if getattr(expect, k) is not None]
        if len(given) != 1:
            self.add(path, "give one of 'on: EVENT' (it must happen) or 'never: EVENT' (it must not)"
                     if not given else "give 'on' or 'never', not both")
            return
        key = given[0]
        for field_name in (key, "after"):
            text = getattr(expect, field_name)
            if text is None:
                continue
            try:
                trig = triggers.parse("on", text)
            except triggers.TriggerSyntaxError as exc:
                self.add(path + (field_name,), str(exc))
                continue
            kinds = triggers.argument_kinds(trig)
            if trig.argument:
                if kinds in (("decision",), ("inject",)):
                    self.check_named(path + (field_name,), trig.argument, kinds[0])
                else:
                    self.ref(path + (field_name,), trig.argument, kinds)
                if expect.each:
                    self.add(path + (field_name,), f"with 'each: {expect.each}' the event names no id "
                             f"(it is checked for every {expect.each}); drop '{trig.argument}'")
            elif expect.each and expect.each not in kinds:
                self.add(path + ("each",), f"'{trig.name}' is about a {' or '.join(kinds) or 'nothing'}, "
                         f"not each {expect.each}")
        if key == "never" and (expect.within is not None or expect.after is not None):
            self.add(path + ("never",), "'never' takes no 'within' or 'after': it holds for the whole run")

    def run(self) -> list[Problem]:
        from . import salvage

        self.collect_ids()
        structurally_broken = set(self.broken)
        if self.raw is not None:
            salvage.recover_ids(self, self.raw)
        self.check_floor_plan()
        self.check_people()
        self.check_events()
        self.check_pressures()
        self.check_seats()
        self.check_scoring()
        self.check_guide()
        if self.raw is not None:
            salvage.check_broken(self, self.raw, structurally_broken)
        return self.problems
