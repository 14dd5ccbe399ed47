"""Sensitivity for trainers: the doctrine plan varied one element at a time, and what each
change does to each bad outcome, over common seeds.

The elements are found in the plan itself, with the orders of the decision options it
chooses (or that default), never written per scenario:
- **entry method**: every locked door the plan breaches, forced at once, key first (where
  the unit that breaches it carries one) or knock and announce first (then forced with the
  plan's own tool);
- **cordons**: each planned cordon left out; each escape route a perpetrator may take and
  nobody covers, cordoned by a perimeter unit the plan leaves idle;
- **language**: each unit that speaks the victims' language (where others do not) left
  out, with the decisions it speaks in taken by their option without such a unit (the
  one a commander without it would take), and arriving ten minutes late;
- **restraint**: every clearance hard (handcuff everyone) or, if the plan handcuffs, none;
- **time of entry**: no stack or breach before T+N minutes;
- **protection**: the units the plan uses that carry shields, without them;
- **decision**: each decision point answered by each option the plan does not take.

A variant changes the plan's orders, its decision choices, and the orders of the options
it chooses (a copy of the scenario with those options rewritten); the scenario's file is
never touched. Runs go through the batch's warm process pool and are not stored.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

import numpy as np

from sim.engine.entry import FORCED, best_tool
from sim.format.orders import ORDER_CLASSES, Order
from sim.format.spec import Plan
from .batch import _run_on_pool, _take
from .calibrate import BAD_OUTCOMES
from .metrics import evaluate
from .stats import summarise

ELEMENTS = ("entry method", "cordon", "language", "restraint", "time of entry", "protection", "decision")
ENTRY_STYLES = {"force at once": (), "key first, then force": ("key",),
                "knock and announce first, then force": ("knock_and_announce",)}
SPEAKER_LATE_S = 600.0


@dataclass(frozen=True)
class Variant:
    """The doctrine plan with one element changed."""
    element: str
    label: str  # what changed, in a trainer's words
    plan: Plan
    decisions: tuple = ()  # the scenario's decisions, with the chosen options' orders rewritten
    units: tuple = ()  # the scenario's units, where one arrives later; () = unchanged

    @property
    def key(self) -> str:
        body = json.dumps([self.plan.model_dump(mode="json", exclude_none=True),
                           [d.model_dump(mode="json", exclude_none=True) for d in self.decisions],
                           [u.model_dump(mode="json", exclude_none=True) for u in self.units]], sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()[:16]


# -- the plan as it will run: its orders and those of the options it takes ----------------
def chosen_options(spec, plan: Plan) -> dict[str, str]:
    """decision id -> the option a headless run takes: the plan's choice, else the default."""
    return {d.id: plan.decisions.get(d.id, d.default) for d in spec.decisions}


def _all_orders(spec, plan: Plan) -> list[Order]:
    chosen = chosen_options(spec, plan)
    out = list(plan.orders)
    for d in spec.decisions:
        out += next(o for o in d.options if o.id == chosen[d.id]).orders
    return out


def _rewrite(spec, plan: Plan, change: Callable[[list[Order]], list[Order]], *, element: str, label: str,
             decisions: Optional[dict[str, str]] = None) -> Variant:
    """A variant whose plan orders and chosen options' orders are `change`d (each list as a
    whole: a change may replace a run of orders by another)."""
    choices = {**chosen_options(spec, plan), **(decisions or {})}
    # the plan's own choices and the switched ones; a decision it leaves open still defaults
    # in its own time, as in the plan as it is
    new_plan = plan.model_copy(update={"orders": tuple(change(list(plan.orders))),
                                       "decisions": {**plan.decisions, **(decisions or {})},
                                       "name": f"{plan.name} ({label})"})
    new_decisions = []
    for d in spec.decisions:
        options = tuple(o.model_copy(update={"orders": tuple(change(list(o.orders)))}) if o.id == choices[d.id]
                        else o for o in d.options)
        new_decisions.append(d.model_copy(update={"options": options}))
    return Variant(element, label, new_plan, tuple(new_decisions))


def _units_changed(spec, plan: Plan, element: str, label: str, change: Callable) -> Variant:
    """The plan as it is, with the scenario's units each passed through `change` (a unit
    arriving later, going without its shields)."""
    variant = _rewrite(spec, plan, lambda lst: lst, element=element, label=label)
    return dataclasses.replace(variant, units=tuple(change(u) for u in spec.units))


def _copy(order: Order, **update) -> Order:
    data = {**order.model_dump(exclude_none=True), **update}
    return ORDER_CLASSES[data["do"]].model_validate({k: v for k, v in data.items() if v is not None})


# -- the elements --------------------------------------------------------------------------
def _option(spec, decision: str, option: str):
    return next(o for d in spec.decisions if d.id == decision for o in d.options if o.id == option)


def _decision_name(spec, decision: str) -> str:
    """A decision point as a trainer knows it: its id in words (the format gives it no name)."""
    return "decision '" + decision.replace("_", " ") + "'"


def _short(label: str, most: int = 60) -> str:
    """An option's label to its first clause, at most `most` characters, cut at a word."""
    for mark in (";", ":", " ("):
        label = label.split(mark)[0]
    if len(label) <= most:
        return label
    return label[:most].rsplit(" ", 1)[0] + "…"


def _names(spec) -> dict[str, str]:
    out: dict[str, str] = {}
    plan = spec.floor_plan
    for item in (*plan.rooms, *plan.doors, *plan.windows, *plan.exits, *spec.units, *spec.victims,
                 *spec.perpetrators):
        out[item.id] = getattr(item, "name", None) or item.id.replace("_", " ")
    return out


def entry_variants(spec, plan: Plan) -> list[Variant]:
    locked = {d.id: d for d in spec.floor_plan.doors if d.locked}
    units = {u.id: u for u in spec.units}
    orders = _all_orders(spec, plan)
    baseline: dict[str, list[str]] = {}
    for lst in [list(plan.orders)] + [list(o.orders) for d in spec.decisions for o in d.options
                                      if o.id == chosen_options(spec, plan)[d.id]]:
        for run in _breach_runs(lst):
            if run[0].door in locked:
                baseline.setdefault(run[0].door, [o.method for o in run])
    if not baseline:
        return []

    def forced_tool(door: str, unit: str) -> str:
        used = [m for m in baseline[door] if m in FORCED]
        if used:
            return used[0]
        equipment = units[unit].equipment if unit in units else ()
        return best_tool(tuple(equipment), locked[door].kind) or "manual_ram"

    names = _names(spec)
    said = "; ".join(f"{names.get(d, d)}: {', '.join(m.replace('_', ' ') for m in ms)}" for d, ms in baseline.items())
    out = []
    keys = {d for d in baseline if "key" in getattr(units.get(_unit_breaching(orders, d)), "equipment", ())}
    for style, first in ENTRY_STYLES.items():
        if "key" in first and not keys:
            continue  # nobody who breaches has a key: trying one would only be a delay
        def change(lst: list[Order], first=first) -> list[Order]:
            result: list[Order] = []
            i = 0
            while i < len(lst):
                order = lst[i]
                if order.do == "breach" and order.door in locked:
                    run = _breach_runs(lst[i:])[0]
                    tried = [m for m in first if m != "key" or order.door in keys]
                    methods = tried + [forced_tool(order.door, order.unit)]
                    result.append(_copy(order, method=methods[0]))
                    result += [_copy(order, method=m, at=None, on=None, when=None, note=None) for m in methods[1:]]
                    i += len(run)
                else:
                    result.append(order)
                    i += 1
            return result
        if all([*first, forced_tool(door, _unit_breaching(orders, door))] == methods
               for door, methods in baseline.items()):
            continue  # the plan already enters this way
        out.append(_rewrite(spec, plan, change, element="entry method", label=f"{style} (plan: {said})"))
    return out


def _without_waiting(orders: list[Order], *triggers: str) -> list[Order]:
    """The orders, with these `on`/`when` triggers dropped (what they waited for is gone)."""
    return [_copy(o, **{k: None for k in ("on", "when") if getattr(o, k) in triggers})
            if o.on in triggers or o.when in triggers else o for o in orders]


def _unit_breaching(orders: list[Order], door: str) -> str:
    return next(o.unit for o in orders if o.do == "breach" and o.door == door)


def _breach_runs(orders: list[Order]) -> list[list[Order]]:
    """Runs of consecutive breach orders by one unit on one door (a key, then force)."""
    runs: list[list[Order]] = []
    previous = None
    for order in orders:
        if order.do == "breach":
            if previous is not None and previous.do == "breach" and previous.door == order.door \
                    and previous.unit == order.unit:
                runs[-1].append(order)
            else:
                runs.append([order])
        previous = order
    return runs


def cordon_variants(spec, plan: Plan) -> list[Variant]:
    names = _names(spec)
    orders = _all_orders(spec, plan)
    out = []
    for cordon in [o for o in orders if o.do == "cordon"]:
        def change(lst: list[Order], cordon=cordon) -> list[Order]:
            # who waited for this cordon now goes without it
            return _without_waiting([o for o in lst if o is not cordon], f"cordon_set {cordon.target}")
        out.append(_rewrite(spec, plan, change, element="cordon",
                            label=f"no cordon on {names.get(cordon.target, cordon.target)}"))
    covered = {o.target for o in orders if o.do == "cordon"}
    busy = {o.unit for o in orders}
    idle = [u for u in spec.units if u.kind == "perimeter" and u.id not in busy]
    routes = []
    for perp in spec.perpetrators:
        routes += [r for r in perp.flee_via if r not in covered and r not in routes]
    for route, unit in zip(routes, idle):
        extra = ORDER_CLASSES["cordon"].model_validate({"unit": unit.id, "do": "cordon", "target": route})
        variant = _rewrite(spec, plan, lambda lst: lst, element="cordon",
                           label=f"cordon on {names.get(route, route)} ({names.get(unit.id, unit.id)})")
        out.append(dataclasses.replace(variant, plan=variant.plan.model_copy(
            update={"orders": (extra,) + variant.plan.orders})))
    return out


def speakers(spec, plan: Plan) -> list:
    """The units that bridge the language: they speak a victim's language that no entry team
    speaks, and the plan has them interview a victim, or they are liaison officers or
    interpreters it uses."""
    orders = _all_orders(spec, plan)
    used = {o.unit for o in orders}
    interviewers = {o.unit for o in orders if o.do == "interview"}
    victim_languages = {lang for v in spec.victims for lang in v.languages}
    entry = {lang for u in spec.units if u.kind == "entry_team" for lang in u.languages}
    return [u for u in spec.units if u.id in used and (set(u.languages) & victim_languages) - entry
            and (u.id in interviewers or u.kind in ("liaison_officer", "interpreter"))]


def language_variants(spec, plan: Plan) -> list[Variant]:
    names = _names(spec)
    found = speakers(spec, plan)
    out = []
    groups = [[u] for u in found] + ([found] if len(found) > 1 else [])
    for group in groups:
        ids = {u.id for u in group}
        chosen = chosen_options(spec, plan)
        switch = {}
        for d in spec.decisions:
            option = next(o for o in d.options if o.id == chosen[d.id])
            if any(o.unit in ids for o in option.orders):
                spoken = {u.id for u in found}
                other = next((o for o in d.options if o.orders and not any(x.unit in spoken for x in o.orders)),
                             None)
                if other is not None:
                    switch[d.id] = other.id

        def change(lst: list[Order], ids=ids) -> list[Order]:
            kept = [o for o in lst if o.unit not in ids]
            for unit in ids:  # who waited for this unit now goes without it
                kept = _without_waiting(kept, *(f"{event} {unit}" for event in ("unit_arrived", "unit_in_position")))
            return kept
        who = ", ".join(names.get(u.id, u.id) for u in group)
        label = f"without {who}" if len(group) == 1 else f"without any of them ({who})"
        if switch:
            label += " (so " + "; ".join(f"{_decision_name(spec, d)}: {_short(_option(spec, d, o).label)}"
                                          for d, o in switch.items()) + ")"
        out.append(_rewrite(spec, plan, change, element="language", label=label, decisions=switch))
    for unit in found:
        out.append(_units_changed(spec, plan, "language", f"{names.get(unit.id, unit.id)} {SPEAKER_LATE_S / 60:.0f} "
                                  "min late", lambda u, late=unit.id: u.model_copy(
                                      update={"arrives": u.arrives + SPEAKER_LATE_S}) if u.id == late else u))
    return out


def restraint_variants(spec, plan: Plan) -> list[Variant]:
    clears = [o for o in _all_orders(spec, plan) if o.do == "clear"]
    out = []
    if any(o.approach != "hard" for o in clears):
        out.append(_rewrite(spec, plan, lambda lst: [_copy(o, approach="hard") if o.do == "clear" else o for o in lst],
                            element="restraint", label="every clearance hard: handcuff everyone"))
    if any(o.approach == "hard" for o in clears):
        out.append(_rewrite(spec, plan,
                            lambda lst: [_copy(o, approach="dynamic") if o.do == "clear" and o.approach == "hard"
                                         else o for o in lst],
                            element="restraint", label="no handcuffs: hard clearances made dynamic"))
    return out


def timing_variants(spec, plan: Plan, wait_minutes: float) -> list[Variant]:
    if not any(o.do in ("stack", "breach") for o in _all_orders(spec, plan)):
        return []
    wait = wait_minutes * 60.0

    def change(lst: list[Order]) -> list[Order]:
        return [_copy(o, at=max(o.at or 0.0, wait)) if o.do in ("stack", "breach") else o for o in lst]
    return [_rewrite(spec, plan, change, element="time of entry",
                     label=f"no stack or breach before T+{wait_minutes:g} min")]


def protection_variants(spec, plan: Plan) -> list[Variant]:
    """The units the plan uses that carry shields go in without them (one variant for all:
    a commander decides it for the whole entry)."""
    used = {o.unit for o in _all_orders(spec, plan)}
    shielded = [u for u in spec.units if u.id in used and "shields" in u.equipment]
    if not shielded:
        return []
    names = _names(spec)
    ids = {u.id for u in shielded}
    return [_units_changed(spec, plan, "protection", "no shields: " + ", ".join(names.get(u.id, u.id) for u in shielded),
                           lambda u: u.model_copy(update={"equipment": tuple(e for e in u.equipment if e != "shields")})
                           if u.id in ids else u)]


def decision_variants(spec, plan: Plan) -> list[Variant]:
    """Each decision point answered by each option the plan does not take (its own orders
    as the scenario gives them)."""
    chosen = chosen_options(spec, plan)
    out = []
    for d in spec.decisions:
        for option in d.options:
            if option.id == chosen[d.id]:
                continue
            label = (f"{_decision_name(spec, d.id)}: {option.label} "
                     f"(plan: {_short(_option(spec, d.id, chosen[d.id]).label)})")
            decisions = {**plan.decisions, d.id: option.id}
            out.append(Variant("decision", label, plan.model_copy(update={
                "decisions": decisions, "name": f"{plan.name} ({d.id}: {option.id})"})))
    return out


def variants(spec, plan: Plan, *, wait_minutes: float = 10.0) -> list[Variant]:
    """Every one-element change of `plan` this scenario allows, in ELEMENTS order."""
    return (entry_variants(spec, plan) + cordon_variants(spec, plan) + language_variants(spec, plan)
            + restraint_variants(spec, plan) + timing_variants(spec, plan, wait_minutes)
            + protection_variants(spec, plan) + decision_variants(spec, plan))


# -- running them ------------------------------------------------------------------------
_VARIANTS: dict = {}  # in a worker: each variant's scenario built once


def _variant_scenario(base, key: str, decisions: tuple, units: tuple):
    found = _VARIANTS.get(key)
    if found is None or found[0] is not base:
        update = {}
        if decisions:
            update["decisions"] = decisions
        if units:
            update["units"] = units
        found = _VARIANTS[key] = (base, dataclasses.replace(base, spec=base.spec.model_copy(update=update))
                                  if update else base)
    return found[1]


def _outcomes_of_runs(jobs: list, *_where, here=None) -> list[dict]:
    """In a worker: run each (path, key, plan, decisions, units, seed); keep its bad outcomes.
    `here`: the scenario itself, when run in this process (it may have no file)."""
    from sim.engine.exercise import Exercise
    from . import batch

    out = []
    for path, key, plan, decisions, units, seed in jobs:
        if here is None and (batch._SCENARIO is None or batch._SCENARIO.path != path):
            batch._init_worker(path)
        scenario = _variant_scenario(here or batch._SCENARIO, key, decisions, units)
        exercise = Exercise(scenario, seed, plan)
        exercise.run_to_end()
        result = evaluate(scenario.spec, exercise.events)  # as calibrate scores a run, so the numbers agree
        facts = result["facts"]
        out.append({"key": key, "seed": seed, "bad": {name: bool(facts[k]) for name, k in BAD_OUTCOMES.items()},
                    "score": result["overall"]["score"]})
    return out


@dataclass
class Effect:
    """A variant's effect on one bad outcome: the share of runs with it, variant minus plan."""
    difference: float
    ci_low: float
    ci_high: float

    @property
    def clear(self) -> bool:
        """The 95% CI excludes zero."""
        return self.ci_low > 0 or self.ci_high < 0


SCORE = "overall score"
COLUMNS = (SCORE, *BAD_OUTCOMES)  # what each variant's effect is given on: its mean score, then each outcome


@dataclass
class Sensitivity:
    runs: int
    first_seed: int
    baseline: dict[str, float]  # SCORE -> mean score; outcome -> share of runs, the plan as it is
    rows: list[tuple[Variant, dict[str, float], dict[str, Effect]]] = field(default_factory=list)


def sensitivity(scenario, plan: Plan, *, runs: int, first_seed: int = 0, workers: Optional[int] = None,
                wait_minutes: float = 10.0, progress: Optional[Callable[[int, int], None]] = None,
                only: Optional[Iterable[Variant]] = None) -> Sensitivity:
    """The plan and each of its variants on the same seeds; paired differences per outcome."""
    found = list(only) if only is not None else variants(scenario.spec, plan, wait_minutes=wait_minutes)
    base = Variant("plan", plan.name, plan)
    everything = [base] + found
    seeds = range(first_seed, first_seed + runs)
    jobs = [(scenario.path, v.key, v.plan, v.decisions, v.units, seed) for v in everything for seed in seeds]
    results: dict[str, dict[int, dict]] = {v.key: {} for v in everything}
    done = 0

    def keep(summary: dict) -> None:
        nonlocal done
        results[summary["key"]][summary["seed"]] = {**summary["bad"], SCORE: summary["score"]}
        done += 1
        if progress is not None:
            progress(done, len(jobs))

    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) < 16:
        queue = iter(jobs)
        while chunk := _take(queue, 8):
            for summary in _outcomes_of_runs(chunk, here=scenario):
                keep(summary)
    else:
        per_task = max(1, min(8, len(jobs) // (workers * 4)))
        _run_on_pool(jobs, workers, per_task, scenario.path, keep, (), task=_outcomes_of_runs)
    plain = results[base.key]
    outcome = {name: np.array([plain[s][name] for s in seeds], dtype=float) for name in COLUMNS}
    report = Sensitivity(runs, first_seed, {name: float(v.mean()) for name, v in outcome.items()})
    for variant in found:
        mine = results[variant.key]
        shares, effects = {}, {}
        for name in COLUMNS:
            values = np.array([mine[s][name] for s in seeds], dtype=float)
            shares[name] = float(values.mean())
            diff = summarise(values - outcome[name])
            low, high = (diff.ci_low, diff.ci_high) if runs > 1 else (diff.mean, diff.mean)
            if diff.sd == 0:
                low = high = diff.mean
            effects[name] = Effect(diff.mean, max(-1.0, low), min(1.0, high))  # a share or score moves at most 1
        report.rows.append((variant, shares, effects))
    return report


# -- tables ----------------------------------------------------------------------------------
SHORT = {"victim harmed": "harmed", "hostage taken": "hostage", "perpetrator escaped": "escaped",
         "evidence destroyed": "evidence", "victim treated as offender": "offender", "officer injured": "officer"}


def _points(effect: Effect, name: str = "") -> str:
    if effect.ci_low == effect.ci_high == effect.difference == 0:
        return "0"
    mark = "*" if effect.clear else ""
    return f"{effect.difference:+.3f}{mark}" if name == SCORE else f"{100 * effect.difference:+.1f}{mark}"


def _interval(effect: Effect, name: str) -> str:
    if name == SCORE:
        return f"{effect.ci_low:+.3f} to {effect.ci_high:+.3f}"
    return f"{100 * effect.ci_low:+.1f} to {100 * effect.ci_high:+.1f}"


def _level(value: float, name: str) -> str:
    return f"{value:.3f}" if name == SCORE else f"{100 * value:.1f}%"


def text_table(report: Sensitivity, plan_name: str) -> str:
    """For the terminal: per variant, each outcome's change in percentage points with its
    95% CI; '*' where the CI excludes zero."""
    lines = [f"{plan_name} as planned, {report.runs} seeds from {report.first_seed}: "
             + ", ".join(f"{name} {_level(share, name)}" for name, share in report.baseline.items()),
             "Each change alone, on the same seeds: the mean overall score and the share of runs with each bad "
             "outcome, change in score or percentage points (95% CI); * where the CI excludes zero."]
    element = None
    for variant, shares, effects in report.rows:
        if variant.element != element:
            element = variant.element
            lines += ["", element.upper()]
        lines.append(f"  {variant.label}")
        for name, effect in effects.items():
            ci = ("(no run differs)" if effect.ci_low == effect.ci_high == effect.difference == 0
                  else f"({_interval(effect, name)})")
            unit = "" if name == SCORE else " pp"
            lines.append(f"      {name:<27}{_level(shares[name], name):>7}  {_points(effect, name):>7}{unit:3}  {ci}")
    if not report.rows:
        lines.append("(the plan has no element to vary: no breach, cordon, language speaker, clearance or stack)")
    return "\n".join(lines)


def markdown_table(report: Sensitivity, scenario_id: str, plan_name: Optional[str] = None) -> str:
    """For scenarios/README.md: one row per change, one column per bad outcome. `plan_name`:
    the plan varied, when it is not the scenario's doctrine plan."""
    heads = [f"change from the plan '{plan_name}'" if plan_name else "change from the doctrine plan"] + list(COLUMNS)
    rows = [f"| `{scenario_id}`: {repr(plan_name) if plan_name else 'doctrine'} as planned | "
            + " | ".join(_level(report.baseline[name], name) for name in COLUMNS) + " |"]
    for variant, _shares, effects in report.rows:
        cells = [f"{_points(e, name)} ({_interval(e, name)})" if not (e.ci_low == e.ci_high == 0) else "0"
                 for name, e in effects.items()]
        rows.append(f"| {variant.element}: {variant.label} | " + " | ".join(cells) + " |")
    return "\n".join(["| " + " | ".join(heads) + " |", "| --- |" + " ---: |" * len(COLUMNS)] + rows)


# the metric whose `challenge.steady` entry may say why no plan changes an outcome
# (a hostage and an offender have no metric of their own: victims_safe and proportionate_force count more)
STEADY_METRIC = {"victim harmed": "victims_unharmed", "perpetrator escaped": "perpetrators_arrested",
                 "evidence destroyed": "evidence_secured", "officer injured": "officer_safety"}


def steady_reasons(spec, missing: Iterable[str]) -> dict[str, str]:
    """For each outcome no element moves: the scenario's own reason, where its
    `challenge.steady` gives one for the metric that counts it."""
    steady = spec.challenge.steady
    return {name: " ".join(steady[STEADY_METRIC[name]].split()) for name in missing
            if STEADY_METRIC.get(name) in steady}


def unexplained(report: Sensitivity) -> list[str]:
    """The bad outcomes no plan element moves (no effect whose CI excludes zero)."""
    return [name for name in BAD_OUTCOMES if not any(effects[name].clear for _v, _s, effects in report.rows)]
