"""The after-action report: one HTML file that stands alone and prints well.

In the shape exercise evaluators use: overview; objectives and capabilities with
P/S/M/U ratings; strengths and areas for improvement drawn from the events; the
timeline of a representative run; charts (score distribution, time until victims are
safe, comparison between trainees or plans) drawn with matplotlib and embedded.
"""
from __future__ import annotations

import base64
import collections
import html
import math
import io
import json
import statistics
from typing import Optional

from sim.format.catalogue import RATINGS
from . import reference
from .compare import Row, counted_text, table
from sim.engine.narrate import timeline
from .stats import summarise
from .store import Store

CSS = """
body{font-family:Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;color:#1b1f24;line-height:1.45}
h1{font-size:1.7em;margin-bottom:0}h2{border-bottom:2px solid #0072b2;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.6em 0}th,td{border:1px solid #ccd;padding:.3em .5em;text-align:left}
th{background:#eef2f7}.r{font-weight:bold;display:inline-block;width:1.6em;text-align:center;border-radius:3px}
.P{background:#009e73;color:#fff}.S{background:#56b4e9}.M{background:#e69f00}.U{background:#d55e00;color:#fff}
.muted{color:#555}img{max-width:100%}pre{white-space:pre-wrap;font-size:.9em;background:#f6f8fa;padding:.6em}
@media print{h2{page-break-after:avoid}img,table{page-break-inside:avoid}}
"""


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _label(name: str, width: int = 28) -> str:
    """A whole name, wrapped onto lines: never cut, never wider than the chart's margin."""
    import textwrap
    return "\n".join(textwrap.wrap(name, width, break_on_hyphens=False, break_long_words=True)) or name


def charts(rows: list[Row], facts: dict[str, list[dict]], metric_names: dict[str, str]) -> dict[str, str]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    palette = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442"]
    hatches = ["", "//", "..", "xx", "\\\\", "oo", "++"]  # not colour alone
    out = {}
    fig, ax = plt.subplots(figsize=(8, 3.6))
    for i, g in enumerate(rows):
        ax.hist(list(g.by_seed.values()), bins=20, range=(0, 1), alpha=0.55,
                label=_label(f"{g.name} ({g.summary.n} seeds)", 40),
                color=palette[i % len(palette)], hatch=hatches[i % len(hatches)], edgecolor="black", linewidth=0.4)
    ax.set_xlabel("overall score (0-1), one value per seed")
    ax.set_ylabel("seeds")
    ax.set_title("Score distribution")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    out["scores"] = _png(fig)

    labels = []
    data = []
    for g in rows:
        times = [f.get("all_safe_s") for f in facts.get(g.name, []) if f.get("all_safe_s") is not None]
        data.append(times or [float("nan")])
        labels.append(_label(f"{g.name} ({len(times)}/{len(g.runs)} runs all safe)"))
    height = 0.5 + sum(0.3 * (1 + label.count("\n")) for label in labels)
    fig, ax = plt.subplots(figsize=(8, max(3.0, height)))
    try:
        ax.boxplot(data, orientation="horizontal")
    except TypeError:  # matplotlib before 3.10
        ax.boxplot(data, vert=False)
    ax.set_yticks(range(1, len(labels) + 1), labels, fontsize=8)
    ax.set_xlabel("seconds until every victim was safe")
    ax.set_title("Time until victims are safe")
    out["safety"] = _png(fig)

    names = [n for n in metric_names if any(n in g.metrics for g in rows)]
    fig, ax = plt.subplots(figsize=(8, 0.35 * max(4, len(names)) * max(1, len(rows)) ** 0.5 + 1))
    width = 0.8 / max(1, len(rows))
    for i, g in enumerate(rows):
        means = [g.metrics.get(n, math.nan) for n in names]  # no bar where a metric applies to none of its runs
        ax.barh([k + i * width for k in range(len(names))], means, height=width, label=_label(g.name, 40),
                color=palette[i % len(palette)], hatch=hatches[i % len(hatches)], edgecolor="black", linewidth=0.4)
    ax.set_yticks([k + width * (len(rows) - 1) / 2 for k in range(len(names))], [metric_names[n] for n in names],
                  fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("mean metric score (0-1)")
    ax.set_title("Comparison by metric")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    out["comparison"] = _png(fig)
    return out


def _rating_cell(rating: str) -> str:
    return f"<span class='r {rating}'>{rating}</span>"


def findings(store: Store, runs: list[dict]) -> tuple[list[str], list[str]]:
    """Strengths and areas for improvement from the events of the runs."""
    n = len(runs)
    counts: collections.Counter = collections.Counter()
    subjects: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for row in runs:
        facts = json.loads(row.get("facts") or "{}")
        if facts.get("victims") and facts.get("victims_safe") == facts.get("victims"):
            counts["all_safe"] += 1
        for key in ("perpetrators_escaped", "evidence_destroyed", "victims_treated_as_offenders", "victims_harmed",
                    "hostages_taken"):
            for subject in facts.get(key, []):
                subjects[key][subject] += 1
            counts[key] += bool(facts.get(key))
        counts["officer_injuries"] += bool(facts.get("officer_injuries"))
        counts["defaulted"] += bool(facts.get("decisions_defaulted"))
        if facts.get("victims") and all(v is not None for v in (facts.get("own_language_s") or {}).values()):
            counts["language"] += 1
    pct = lambda k: 100.0 * counts[k] / n if n else 0.0  # noqa: E731
    strengths, improve = [], []
    if pct("all_safe") >= 80:
        strengths.append(f"All victims were brought to safety in {pct('all_safe'):.0f}% of runs.")
    else:
        improve.append(f"All victims were safe in only {pct('all_safe'):.0f}% of runs.")
    if pct("language") >= 80:
        strengths.append(f"Every victim was spoken to in her own language in {pct('language'):.0f}% of runs.")
    else:
        improve.append(f"Victims were not all spoken to in their own language in {100 - pct('language'):.0f}% of runs: "
                       "bring the liaison officer or interpreter in early.")
    labels = {"perpetrators_escaped": "a perpetrator escaped", "evidence_destroyed": "evidence was destroyed",
              "victims_treated_as_offenders": "a victim was treated as an offender",
              "victims_harmed": "a victim was harmed", "hostages_taken": "a victim was taken hostage"}
    for key, words in labels.items():
        if counts[key]:
            common = ", ".join(f"{s} ({c})" for s, c in subjects[key].most_common(3))
            improve.append(f"In {pct(key):.0f}% of runs {words}: {common}.")
        else:
            strengths.append(f"No run in which {words}.")
    if counts["officer_injuries"]:
        improve.append(f"Officers were injured in {pct('officer_injuries'):.0f}% of runs.")
    if counts["defaulted"]:
        improve.append(f"Decisions were left to their default in {pct('defaulted'):.0f}% of runs.")
    return strengths, improve


def write_report(store: Store, scenario, *, trainee: Optional[str] = None, by: str = "all") -> str:
    spec = scenario.spec
    # the rows of `compare` (sim/evaluation/compare.py): the doctrine plan as reference only,
    # then each trainee or plan; never the counterfactuals
    grouping = by if trainee is None else "trainee"
    all_rows = table(store, scenario, grouping)
    if trainee is not None:
        all_rows = [r for r in all_rows if r.is_reference or r.name == trainee]
    if not all_rows:
        from sim.format.problems import InputError, Problem
        raise InputError([Problem(str(store.path), 1, 1, "", f"no runs of scenario '{spec.id}' (this version of it) "
                                  "in the store")])
    focus = [r for r in all_rows if not r.is_reference] or all_rows
    counted = "the doctrine plan's reference runs (no other runs are stored)" if focus[0].is_reference else \
        f"{reference.roles_text(sorted({role for g in focus for role in g.roles}, key=list(reference.ROLES).index))}; " \
        "the doctrine plan is reference only and not counted"
    runs = [r for g in focus for r in g.runs]
    caps = store.capability_ratings([r["id"] for r in runs])
    facts = {g.name: [json.loads(r.get("facts") or "{}") for r in g.runs] for g in all_rows}
    images = charts(all_rows, facts, {n: n.replace("_", " ").capitalize()
                                      for n in sorted({m for g in all_rows for m in g.metrics})})
    strengths, improve = findings(store, runs)
    # each row's seeds once (a trainee's played run and batch on one seed are one value)
    overall = summarise([v for g in focus for v in g.by_seed.values()])
    title = f"After-action report: {html.escape(spec.title)}"
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>{CSS}</style></head><body>",
           f"<h1>{title}</h1>",
           f"<p class='muted'>Scenario {spec.id} v{html.escape(spec.version)} · {spec.difficulty} · "
           f"{len(runs)} runs{' of ' + html.escape(trainee) if trainee else ''}</p>",
           "<h2>Overview</h2>", f"<p>{html.escape(spec.summary)}</p>",
           f"<p>Mean overall score <b>{overall.mean:.3f}</b> (95% CI {overall.ci_low:.3f} to {overall.ci_high:.3f}; "
           f"median {overall.median:.3f}; n={overall.n}).</p><p class='muted'>Counts: {html.escape(counted)}.</p>",
           "<h2>Objectives</h2><ol>" + "".join(f"<li>{html.escape(o)}</li>" for o in spec.briefing.objectives) + "</ol>",
           "<h2>Capabilities</h2><table><tr><th>Capability</th><th>Rating (most frequent)</th><th>Mean score</th>"
           "<th>Ratings across runs</th></tr>"]
    for capability in spec.scored_capabilities:
        values = [caps[r["id"]].get(capability.id) for r in runs if capability.id in caps[r["id"]]]
        if not values:
            continue
        ratings = collections.Counter(v[1] for v in values)
        mode = min(ratings, key=lambda k: (-ratings[k], "PSMU".index(k)))
        spread = " ".join(f"{_rating_cell(k)} {ratings[k]}" for k in "PSMU" if ratings[k])
        out.append(f"<tr><td>{html.escape(capability.name)}</td><td>{_rating_cell(mode)} {RATINGS[mode]}</td>"
                   f"<td>{statistics.fmean(v[0] for v in values):.3f}</td><td>{spread}</td></tr>")
    out.append("</table><p class='muted'>P performed without challenges · S with some challenges · "
               "M with major challenges · U unable to be performed</p>")
    out.append("<h2>Strengths</h2><ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in strengths) + "</ul>")
    out.append("<h2>Areas for improvement</h2><ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in improve) + "</ul>")
    out.append(f"<h2>Comparison {'of trainees and plans' if grouping == 'all' else 'by ' + grouping}</h2><p class='muted'>{html.escape(counted_text(grouping))}. "
               "'Against the reference' is the paired difference from the doctrine plan on the same seeds.</p>"
               f"<table><tr><th>{'Trainee or plan' if grouping == 'all' else grouping.title()}</th><th>Runs</th><th>Seeds</th><th>Mean score</th>"
               "<th>95% CI</th><th>Against the reference</th></tr>")
    for g in all_rows:
        s = g.summary
        diff = ("reference" if g.is_reference else "no common seed" if g.against is None else
                f"{html.escape(g.against.text())}: {g.against.verdict}")
        ci = f"{max(0.0, s.ci_low):.3f} to {min(1.0, s.ci_high):.3f}" if s.n > 1 else "one seed: no interval"
        out.append(f"<tr><td>{html.escape(g.name)}</td><td>{len(g.runs)}</td><td>{s.n}</td><td>{s.mean:.3f}</td>"
                   f"<td>{ci}</td><td>{diff}</td></tr>")
    out.append("</table>")
    out.append("<h2>Charts</h2>")
    for key, caption in (("scores", "Score distribution"), ("safety", "Time until victims are safe"),
                         ("comparison", "Comparison between groups")):
        out.append(f"<figure><img alt='{caption}' src='{images[key]}'><figcaption>{caption}</figcaption></figure>")
    median_run = sorted(runs, key=lambda r: r["overall_score"])[len(runs) // 2]
    events = store.events(median_run["id"])
    if events:
        out.append(f"<h2>Timeline of a representative run</h2><p class='muted'>Median-scoring run: seed "
                   f"{median_run['seed']}, {html.escape(median_run['plan_name'])}, score "
                   f"{median_run['overall_score']:.3f}</p>")
        out.append("<pre>" + html.escape("\n".join(timeline(events, spec))) + "</pre>")
    out.append("</body></html>")
    return "\n".join(out)


def report_inputs_missing(store: Store, scenario_id: Optional[str], trainee: Optional[str]) -> Optional[str]:
    """A message listing the known ids when the asked-for scenario or trainee is not in the store."""
    scenarios = store.scenarios()
    if scenario_id and scenario_id not in scenarios:
        return f"no runs of scenario '{scenario_id}' in the store; known: {', '.join(scenarios) or 'none'}"
    known = [t for t in store.trainees(scenario_id) if t.strip()]
    if trainee and trainee not in known:
        return f"no runs by trainee '{trainee}'; known: {', '.join(known) or 'none'}"
    return None
