"""Event log -> metrics -> capability ratings (P/S/M/U) and an overall score.

Computed from the event log alone (plus the scenario's lists and weights), so a replay
or a re-simulation gives the same numbers. Every metric is scored on 0..1 (1 best);
the README defines each with its unit.
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Optional

from sim.format.catalogue import METRICS, RATINGS
from sim.format.spec import Scenario as ScenarioSpec
from .sharing import explain_sharing, mean_latency, measure_sharing

DEFAULT_TARGETS = {"time_to_first_contact": 300.0, "time_to_safety": 600.0,
                   "own_language_contact": 900.0, "coordination": 120.0, "information_latency": 120.0}


def _time_score(seconds: float | None, target: float) -> float:
    """1 at or under the target, falling linearly to 0 at three times the target."""
    if seconds is None or not math.isfinite(seconds):
        return 0.0
    if seconds <= target:
        return 1.0
    return max(0.0, 1.0 - (seconds - target) / (2 * target))


def _fraction(count: int, total: int) -> float:
    return 1.0 if total == 0 else count / total


def rating_for(score: float, spec: ScenarioSpec) -> str:
    r = spec.scoring.ratings
    return "P" if score >= r.P else "S" if score >= r.S else "M" if score >= r.M else "U"


def targets(spec: ScenarioSpec) -> dict[str, float]:
    out = dict(DEFAULT_TARGETS)
    for capability in spec.scored_capabilities:
        for name, weight in capability.metrics.items():
            if weight.target is not None:
                out[name] = weight.target
    return out


def measure(spec: ScenarioSpec, events: Iterable[dict]) -> dict[str, Any]:
    """The raw facts of a run, in seconds and counts."""
    events = list(events)
    victims = [v.id for v in spec.victims]
    perps = [p.id for p in spec.perpetrators]
    items = [e.id for e in spec.evidence]
    first: dict[tuple[str, str], float] = {}
    count: dict[str, int] = {}
    subjects: dict[str, set] = {}
    relay_delay = 0.0
    end = 0.0
    for e in events:
        kind, subject = e["kind"], e.get("subject")
        first.setdefault((kind, subject), e["t"])
        count[kind] = count.get(kind, 0) + 1
        subjects.setdefault(kind, set()).add(subject)
        if kind == "order_relayed":
            relay_delay += float(e.get("delay", 0))
        if kind == "exercise_ended":
            end = e["t"]
        end = max(end, e["t"])

    def times(kind: str, ids: list[str]) -> dict[str, float | None]:
        return {i: first.get((kind, i)) for i in ids}

    safe = times("victim_safe", victims)
    found = times("victim_found", victims)
    language = times("spoken_in_language", victims)
    harmed = subjects.get("victim_injured", set()) | subjects.get("hostage_taken", set())
    offenders = subjects.get("victim_treated_as_offender", set()) & set(victims)
    identified = (subjects.get("victim_identified", set()) & set(victims)) - offenders
    officers = sum(u.size for u in spec.units)
    # a hand-over counts when it is to those who care for and repatriate victims
    care_units = {u.id for u in spec.units if u.kind in ("consular_officer", "victim_care", "liaison_officer")}
    return {
        "duration_s": end,
        "victims": len(victims),
        "victims_found": sum(t is not None for t in found.values()),
        "first_contact_s": found,
        "safe_s": safe,
        "victims_safe": sum(t is not None for t in safe.values()),
        "all_safe_s": (max(safe.values()) if victims and all(t is not None for t in safe.values())
                       else (0.0 if not victims else None)),
        "victims_harmed": sorted(harmed & set(victims)),
        "hostages_taken": sorted(subjects.get("hostage_taken", set()) & set(victims)),
        "victims_identified": sorted(identified),
        "victims_treated_as_offenders": sorted(offenders),
        "own_language_s": language,
        "victims_treated": sorted(subjects.get("victim_treated", set()) & set(victims)),
        "victims_handed_over": sorted({e["subject"] for e in events if e["kind"] == "victim_handed_over"
                                       and e.get("to") in care_units} & set(victims)),
        "perpetrators": len(perps),
        "perpetrators_arrested": sorted(subjects.get("perpetrator_arrested", set()) & set(perps)),
        "perpetrators_escaped": sorted(subjects.get("perpetrator_fled", set()) & set(perps)),
        "evidence_items": len(items),
        "evidence_secured": sorted(subjects.get("evidence_secured", set()) & set(items)),
        "evidence_destroyed": sorted(subjects.get("evidence_destroyed", set()) & set(items)),
        "officers": officers,
        "officer_injuries": count.get("officer_injured", 0),
        "forced_entries": sum(1 for e in events if e["kind"] == "force_used" and e.get("force") == "forced_entry"),
        "struggles": count.get("struggle", 0),
        "coordination_delay_s": relay_delay,
        "decisions_defaulted": sum(1 for e in events if e["kind"] == "decision_made" and e.get("how") == "defaulted"),
        "sharing": measure_sharing(spec, events),
    }


def score(spec: ScenarioSpec, facts: dict[str, Any]) -> dict[str, Optional[float]]:
    """Each catalogue metric on 0..1; None where it does not apply (the joint-only metrics
    of a solo run)."""
    n = facts["victims"]
    target = targets(spec)
    found = [t for t in facts["first_contact_s"].values()]
    mean_contact = (sum(t if t is not None else math.inf for t in found) / len(found)) if found else 0.0
    on_time = sum(1 for t in facts["own_language_s"].values()
                  if t is not None and t <= target["own_language_contact"])
    penalties = 0.5 * len(facts["victims_treated_as_offenders"]) + 0.25 * len(facts["victims_harmed"])
    return {
        "victims_safe": _fraction(facts["victims_safe"], n),
        "victims_unharmed": _fraction(n - len(facts["victims_harmed"]), n),
        "victims_identified": _fraction(len(facts["victims_identified"]), n),
        "own_language_contact": _fraction(on_time, n),
        "time_to_first_contact": 1.0 if n == 0 else _time_score(mean_contact, target["time_to_first_contact"]),
        "time_to_safety": _time_score(facts["all_safe_s"], target["time_to_safety"]),
        "medical_check": _fraction(len(facts["victims_treated"]), n),
        "handover": _fraction(len(facts["victims_handed_over"]), n),
        "perpetrators_arrested": _fraction(len(facts["perpetrators_arrested"]), facts["perpetrators"]),
        "evidence_secured": _fraction(len(facts["evidence_secured"]), facts["evidence_items"]),
        "officer_safety": max(0.0, 1.0 - 0.5 * facts["officer_injuries"]),
        "proportionate_force": max(0.0, 1.0 - penalties),
        "coordination": _time_score(facts["coordination_delay_s"], target["coordination"]),
        **_sharing_scores(facts.get("sharing", {}), target["information_latency"]),
    }


JOINT_ONLY = ("information_latency", "informed_decisions", "channel_choice")
NOT_APPLICABLE = "n/a"  # what every table shows for a metric with no score (None)


def _sharing_scores(sharing: dict[str, Any], latency_target: float) -> dict[str, Optional[float]]:
    # a solo run passes nothing between seats: these metrics do not apply (None), they are not 1
    if not sharing.get("joint"):
        return dict.fromkeys(JOINT_ONLY)
    return {"information_latency": _time_score(mean_latency(sharing), latency_target),
            "informed_decisions": _fraction(sharing["decisions"] - len(sharing["uninformed_decisions"]),
                                            sharing["decisions"]),
            "channel_choice": _fraction(sharing["fastest_channel_messages"], sharing["messages"])}


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def explain(name: str, facts: dict[str, Any], spec: ScenarioSpec) -> str:
    """One line a trainee understands: the fact behind a metric's score."""
    n = facts["victims"]
    t = targets(spec)
    if name == "victims_safe":
        return f"{facts['victims_safe']} of {n} victims safe"
    if name == "victims_unharmed":
        harmed = facts["victims_harmed"]
        return f"{n - len(harmed)} of {n} unharmed" + (f" (harmed: {', '.join(harmed)})" if harmed else "")
    if name == "victims_identified":
        off = facts["victims_treated_as_offenders"]
        return f"{len(facts['victims_identified'])} of {n} identified as victims" + \
            (f"; treated as offenders: {', '.join(off)}" if off else "")
    if name == "own_language_contact":
        spoken = sum(1 for v in facts["own_language_s"].values() if v is not None and v <= t[name])
        return f"{spoken} of {n} spoken to in their language within {t[name]:.0f} s"
    if name == "time_to_first_contact":
        found = [v for v in facts["first_contact_s"].values() if v is not None]
        return (f"victims reached after {', '.join(f'{v:.0f} s' for v in found)} (target {t[name]:.0f} s)"
                if found else "no victim reached")
    if name == "time_to_safety":
        all_safe = facts["all_safe_s"]
        return (f"all victims safe after {all_safe:.0f} s (target {t[name]:.0f} s)" if all_safe is not None
                else "not every victim was brought to safety")
    if name == "medical_check":
        return f"{len(facts['victims_treated'])} of {n} given a medical check"
    if name == "handover":
        return f"{len(facts['victims_handed_over'])} of {n} handed over for care"
    if name == "perpetrators_arrested":
        esc = facts["perpetrators_escaped"]
        return f"{len(facts['perpetrators_arrested'])} of {facts['perpetrators']} arrested" + \
            (f"; escaped: {', '.join(esc)}" if esc else "")
    if name == "evidence_secured":
        gone = facts["evidence_destroyed"]
        return f"{len(facts['evidence_secured'])} of {facts['evidence_items']} items secured" + \
            (f"; destroyed: {', '.join(gone)}" if gone else "")
    if name == "officer_safety":
        return f"{facts['officer_injuries']} officer injur{'y' if facts['officer_injuries'] == 1 else 'ies'}"
    if name == "proportionate_force":
        return (f"{_n(facts['forced_entries'], 'forced entry', 'forced entries')}, "
                f"{_n(facts['struggles'], 'struggle')}, "
                f"{_n(len(facts['victims_treated_as_offenders']), 'victim')} treated as offenders")
    if name == "coordination":
        return f"{facts['coordination_delay_s']:.0f} s lost passing orders between agencies (target {t[name]:.0f} s)"
    if name in JOINT_ONLY:
        return explain_sharing(name, facts.get("sharing", {}), t["information_latency"])
    return METRICS.get(name, ("", name))[1]


def evaluate(spec: ScenarioSpec, events: Iterable[dict]) -> dict[str, Any]:
    """The full evaluation: facts, metric scores, capability ratings, overall score.

    A metric that does not apply (None) has no score and no weight: a capability and the
    overall score are weighted over the metrics that apply; a capability with none that
    applies has no score and the rating 'n/a'."""
    facts = measure(spec, events)
    scores = score(spec, facts)
    capabilities = []
    overall = applicable_weight = all_weight = 0.0
    for capability in spec.scored_capabilities:
        weights = {name: w.weight for name, w in capability.metrics.items()}
        applies = {name: w for name, w in weights.items() if scores[name] is not None}
        all_weight += sum(weights.values())
        applicable_weight += sum(applies.values())
        overall += sum(scores[name] * w for name, w in applies.items())
        metrics = {name: {"score": _rounded(scores[name]), "weight": weights[name],
                          "explanation": explain(name, facts, spec)} for name in weights}
        if not applies:
            capabilities.append({"id": capability.id, "name": capability.name, "score": None,
                                 "rating": NOT_APPLICABLE, "rating_text": "Not applicable to this run",
                                 "reason": "no measure of it applies to this run", "metrics": metrics})
            continue
        value = sum(scores[name] * w for name, w in applies.items()) / sum(applies.values())
        order = list(applies)
        weakest = min(order, key=lambda name: (scores[name], order.index(name)))
        rating = rating_for(value, spec)
        reason = explain(weakest, facts, spec) if scores[weakest] < 1.0 else "every measure met"
        capabilities.append({
            "id": capability.id, "name": capability.name, "score": round(value, 4), "rating": rating,
            "rating_text": RATINGS[rating], "reason": reason, "metrics": metrics,
        })
    if applicable_weight and applicable_weight != all_weight:
        overall = overall / applicable_weight * all_weight  # re-weighted over what applies
    return {
        "facts": facts,
        "scores": {k: _rounded(v) for k, v in scores.items()},
        "capabilities": capabilities,
        "overall": {"score": round(overall, 4), "rating": rating_for(overall, spec)},
    }


def _rounded(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value, 4)


def shown(value: Optional[float], digits: int = 3) -> str:
    """A score as every table prints it: 'n/a' where the metric does not apply."""
    return NOT_APPLICABLE if value is None else f"{value:.{digits}f}"
