"""The score card of a run record's metrics as the text boxes' HTML: overall, then each
capability with its rating, reason and metrics. (ui/scenes/debrief.py still has its own
copy until it imports this one: a scene must not import another scene.)"""
from __future__ import annotations

import html
from typing import Optional

from sim.engine.narrate import humanise
from sim.evaluation.metrics import shown


def people_names(spec) -> dict[str, str]:
    """Victims', perpetrators' and evidence items' names by id: the ids the metrics'
    explanations list ('treated as offenders: lamai'), so the card can say who."""
    return {item.id: item.name for group in (spec.victims, spec.perpetrators, spec.evidence) for item in group}


def scorecard_html(metrics: dict, compare: Optional[dict] = None, compare_name: str = "",
                   names: Optional[dict] = None) -> str:
    """`names` (people_names): the ids in the explanations shown as names."""
    def words(line: str) -> str:
        return html.escape(humanise(line, names) if names else line)

    overall = metrics["overall"]
    parts = [f"<b>Overall {overall['score']:.2f}  ·  rating {overall['rating']}</b>"]
    if compare:
        c = compare["overall"]
        delta = overall["score"] - c["score"]
        parts[0] += (f"<br><i>{html.escape(compare_name)}: {c['score']:.2f} ({c['rating']}); "
                     f"your run {'+' if delta >= 0 else '-'}{abs(delta):.2f} against it</i>")
    other = {cap["id"]: cap for cap in compare["capabilities"]} if compare else {}
    for cap in metrics["capabilities"]:
        versus = f"  (vs {other[cap['id']]['rating']})" if cap["id"] in other else ""
        parts.append(f"<br><b>[{cap['rating']}] {html.escape(cap['name'])}</b> {shown(cap['score'], 2)}{versus}"
                     f"<br><i>{words(cap['reason'])}</i>")
        for name, m in cap["metrics"].items():
            parts.append(f"  {shown(m['score'], 2)} {words(m['explanation'])}")
    return "<br>".join(parts)

