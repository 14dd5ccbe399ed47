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
from .skill import Group, groups, paired_against
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


def charts(groups_: list[Group], facts: dict[str, list[dict]]) -> dict[str, str]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    palette = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442"]
    hatches = ["", "//", "..", "xx", "\\\\", "oo", "++"]  # not colour alone
    out = {}
    fig, ax = plt.subplots(figsize=(8, 3.6))
    for i, g in enumerate(groups_):
        ax.hist(g.scores["overall"], bins=20, range=(0, 1), alpha=0.55, label=f"{g.name} (n={len(g.runs)})",
                color=palette[i % len(palette)], hatch=hatches[i % len(hatches)], edgecolor="black", linewidth=0.4)
    ax.set_xlabel("overall score (0-1)")
    ax.set_ylabel("runs")
    ax.set_title("Score distribution")
    ax.legend(fontsize=8)
    out["scores"] = _png(fig)

    fig, ax = plt.subplots(figsize=(8, 3.6))
    data, labels = [], []
    for g in groups_:
        times = [f.get("all_safe_s") for f in facts.get(g.name, []) if f.get("all_safe_s") is not None]
        data.append(times or [float("nan")])
        labels.append(f"{g.name}\n({len(times)}/{len(g.runs)} runs all safe)")
    ax.boxplot(data, vert=False)
    ax.set_yticks(range(1, len(labels) + 1), labels, fontsize=8)
    ax.set_xlabel("seconds until every victim was safe")
    ax.set_title("Time until victims are safe")
    out["safety"] = _png(fig)

    # a metric that applies to no run (the joint-only ones, solo) has no bar
    names = sorted({n for g in groups_ for n in g.scores if n != "overall"})
    fig, ax = plt.subplots(figsize=(8, 0.35 * max(4, len(names)) + 1))
    width = 0.8 / max(1, len(groups_))
    for i, g in enumerate(groups_):
        means = [statistics.fmean(g.scores[n]) if g.scores.get(n) else math.nan for n in names]
        ax.barh([k + i * width for k in range(len(names))], means, height=width, label=g.name,
                color=palette[i % len(palette)], hatch=hatches[i % len(hatches)], edgecolor="black", linewidth=0.4)
    ax.set_yticks([k + width * (len(groups_) - 1) / 2 for k in range(len(names))], [n.replace("_", " ") for n in names],
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


def write_report(store: Store, scenario, *, trainee: Optional[str] = None, by: str = "trainee") -> str:
    spec = scenario.spec
    # the trainees' and plans' own runs; the doctrine plan as reference; never the
    # re-simulations of a trainee's policy or the counterfactuals (they are not runs anyone made)
    all_groups = groups(store, spec.id, by if trainee is None else "trainee", kinds=("trainee", "plan", "doctrine"),
                        reference_apart=True)
    reference_names = {g.name for g in all_groups if all(r.get("kind") == "doctrine" for r in g.runs)}
    if not all_groups:
        from sim.format.problems import InputError, Problem
        raise InputError([Problem(str(store.path), 1, 1, "", f"no runs of scenario '{spec.id}' in the store")])
    focus = [g for g in all_groups if g.name == trainee] if trainee else \
        [g for g in all_groups if g.name not in reference_names] or all_groups
    runs = [r for g in focus for r in g.runs if trainee is None or r.get("kind") == "trainee"]
    caps = store.capability_ratings([r["id"] for r in runs])
    facts = {g.name: [json.loads(r.get("facts") or "{}") for r in g.runs] for g in all_groups}
    images = charts(all_groups, facts)
    strengths, improve = findings(store, runs)
    overall = summarise([r["overall_score"] for r in runs])
    title = f"After-action report: {html.escape(spec.title)}"
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>{CSS}</style></head><body>",
           f"<h1>{title}</h1>",
           f"<p class='muted'>Scenario {spec.id} v{html.escape(spec.version)} · {spec.difficulty} · "
           f"{len(runs)} runs{' of ' + html.escape(trainee) if trainee else ''}</p>",
           "<h2>Overview</h2>", f"<p>{html.escape(spec.summary)}</p>",
           f"<p>Mean overall score <b>{overall.mean:.3f}</b> (95% CI {overall.ci_low:.3f} to {overall.ci_high:.3f}; "
           f"median {overall.median:.3f}; n={overall.n}"
           f"{'' if focus is all_groups else '; the doctrine plan is reference only and not counted'}).</p>",
           "<h2>Objectives</h2><ol>" + "".join(f"<li>{html.escape(o)}</li>" for o in spec.briefing.objectives) + "</ol>",
           "<h2>Capabilities</h2><table><tr><th>Capability</th><th>Rating (most frequent)</th><th>Mean score</th>"
           "<th>Ratings across runs</th></tr>"]
    for capability in spec.scoring.capabilities:
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
    grouping = by if trainee is None else "trainee"
    out.append(f"<h2>Comparison by {grouping}</h2><table><tr><th>{grouping.title()}</th><th>Runs</th><th>Mean score</th>"
               "<th>95% CI</th><th>Paired difference vs first</th></tr>")
    reference = all_groups[0]
    for g in all_groups:
        s = summarise(g.scores["overall"])
        test = paired_against(g, reference) if g is not reference else None
        diff = (f"{test.mean_difference:+.3f} (p={test.p_value:.3f}{', significant' if test.significant else ''})"
                if test else "-")
        ci = f"{max(0.0, s.ci_low):.3f} to {min(1.0, s.ci_high):.3f}" if s.n > 1 else "one run: no interval"
        out.append(f"<tr><td>{html.escape(g.name)}</td><td>{s.n}</td><td>{s.mean:.3f}</td>"
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
