"""The team's after-action report of a joint run: a section per seat, from the event log.

For each seat: who played it (its people, or the plan; handed to the plan mid-run), what
it knew and when (each fact, how it came to know it, and how long after the first seat
knew), what it passed on and how fast (each message: sent, arrived, after how long, and
how long after the sender knew what it passed on), and its decisions (the option, how it
was taken, how long it took). One chart: when each seat came to know each fact.

Kept apart from the AAR's capabilities (sim/evaluation/aar.py) and added to it as its own
block, so either can change without the other.
"""
from __future__ import annotations

import html as _html
from dataclasses import dataclass, field
from typing import Optional

from sim.engine.narrate import clock, names_of
from sim.format.spec import Scenario as ScenarioSpec
from .joint_view import facts


@dataclass
class SeatSection:
    seat: str
    name: str
    played: str  # "its people", "the plan", or "its people; the plan from 05:10 to 07:40"
    knew: list[dict] = field(default_factory=list)  # {fact, t, how, after}
    passed: list[dict] = field(default_factory=list)  # {to, via, sent, arrived, took, what, known_for}
    decisions: list[dict] = field(default_factory=list)  # {decision, option, how, t, took}


def humans_of(events: list[dict]) -> Optional[list[str]]:
    """The seats people played, from the run's first event; None for a solo run."""
    start = next((e for e in events if e["kind"] == "exercise_started"), None)
    return None if start is None or start.get("seats") is None else list(start["seats"])


def seat_sections(spec: ScenarioSpec, events: list[dict]) -> list[SeatSection]:
    humans = humans_of(events) or []
    names = names_of(spec) | {s.id: s.name for s in spec.seats} | {c.id: c.name for c in spec.channels}
    owners = {d.id: d.owner or next(s.id for s in spec.seats if spec.lead_agency in s.agencies)
              for d in spec.decisions}
    known = facts(spec, events)
    sections = {s.id: SeatSection(s.id, s.name, "its people" if s.id in humans else "the plan") for s in spec.seats}
    handed: dict[str, list[str]] = {}
    for e in events:
        if e["kind"] == "seat_handed":
            handed.setdefault(e["subject"], []).append(("the plan from " if e.get("to") == "plan" else "back at ")
                                                       + clock(e["t"]))
    for seat, changes in handed.items():
        sections[seat].played += "; " + ", ".join(changes)
    for fact in known:
        for k in fact.knowing:
            if k.t is not None:
                sections[k.seat].knew.append({"fact": fact.words, "t": k.t, "how": k.how, "by": k.by, "via": k.via,
                                              "after": k.t - fact.happened, "subject": fact.subject})
    learned_at = {(e["seat"], e["subject"]): e["t"] for e in reversed(events) if e["kind"] == "seat_learned"}
    sent = {e["subject"]: e for e in events if e["kind"] == "message_sent"}
    arrived = {e["subject"]: e for e in events if e["kind"] == "message_delivered"}
    for ident, e in sent.items():
        got = arrived.get(ident)
        about = e.get("about")
        known_since = learned_at.get((e["sender"], about)) if about else None
        what = e.get("text") or ""
        if about:
            what = (what + " " if what else "") + f"[sighting of {names.get(about, about)}]"
        if e.get("marker"):
            what = (what + " " if what else "") + f"[map mark: {e['marker'].get('label', '')}]"
        sections[e["sender"]].passed.append({
            "to": names.get(e["to"], e["to"]), "via": names.get(e["via"], e["via"]), "sent": e["t"],
            "arrived": got["t"] if got else None, "took": (got["t"] - e["t"]) if got else None,
            "what": what or "(no text)", "known_for": (e["t"] - known_since) if known_since is not None else None})
    opened = {e["subject"]: e["t"] for e in events if e["kind"] == "decision_opened"}
    for e in events:
        if e["kind"] == "decision_made" and e["subject"] in owners:
            sections[owners[e["subject"]]].decisions.append({
                "decision": e["subject"], "option": e.get("option"), "how": e.get("how"), "t": e["t"],
                "took": e.get("took", e["t"] - opened.get(e["subject"], e["t"]))})
    for s in sections.values():
        s.knew.sort(key=lambda k: k["t"])
    return list(sections.values())


def knowing_chart(spec: ScenarioSpec, events: list[dict]) -> Optional[str]:
    """When each seat came to know each fact: a dot a seat and fact (PNG, base64), or None."""
    known = facts(spec, events)
    if not known:
        return None
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from .report import _png
    seats = [s.id for s in spec.seats]
    markers = {"seen": "o", "told": "s", "intelligence": "D"}
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(known) + 1.4))
    for i, seat in enumerate(seats):
        for how, marker in markers.items():
            xs, ys = [], []
            for row, fact in enumerate(known):
                k = next(k for k in fact.knowing if k.seat == seat)
                if k.t is not None and k.how == how:
                    xs.append(k.t / 60)
                    ys.append(row + (i - (len(seats) - 1) / 2) * 0.15)
            if xs:
                ax.scatter(xs, ys, marker=marker, s=28, color=f"C{i}",
                           label=f"{spec_seat_name(spec, seat)} ({how})")
    ax.set_yticks(range(len(known)), [f.words for f in known], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("minutes into the exercise")
    ax.set_title("When each seat came to know each fact")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return _png(fig)


def spec_seat_name(spec: ScenarioSpec, seat: str) -> str:
    return next((s.name.split(" (")[0] for s in spec.seats if s.id == seat), seat)


def _dur(seconds: Optional[float]) -> str:
    if seconds is None:
        return "–"
    seconds = max(0, int(round(seconds)))
    return f"{seconds} s" if seconds < 120 else f"{seconds // 60} min {seconds % 60:02d} s"


def team_html(spec: ScenarioSpec, events: list[dict]) -> str:
    """The team's block of the AAR: the chart and a section per seat ('' for a solo run)."""
    if humans_of(events) is None:
        return ""
    e = _html.escape
    chart = knowing_chart(spec, events)
    out = ["<section class='team'><h2>The team, seat by seat</h2>",
           "<p>What each seat knew and when, what it passed on and how fast, and its decisions.</p>"]
    if chart:
        out.append(f"<img alt='When each seat came to know each fact' src='{chart}' "
                   "style='max-width:100%'>")
    for s in seat_sections(spec, events):
        out.append(f"<h3 class='seat' id='seat-{e(s.seat)}'>{e(s.name)}</h3><p>Played by {e(s.played)}.</p>")
        for part in _seat_tables(s):
            out.append(f"<h4>{part.title}</h4>")
            if part.rows:
                out.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in part.header) + "</tr>")
                out += ["<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>" for row in part.rows]
                out.append("</table>")
            else:
                out.append(f"<p>{part.none}</p>")
    out.append("</section>")
    return "".join(out)


def add_team_to_docx(doc, sections: list[SeatSection], table) -> None:
    """The team's part of the Word document: a heading and three tables a seat.
    `table(doc, header, rows, widths)` is the AAR document's own table maker."""
    doc.add_heading("Appendix C. The team, seat by seat", level=1)
    doc.add_paragraph("What each seat knew and when, what it passed on and how fast, and its decisions.")
    for s in sections:
        doc.add_heading(s.name, level=2)
        doc.add_paragraph(f"Played by {s.played}.")
        for part in _seat_tables(s):
            doc.add_paragraph().add_run(part.title).bold = True
            table(doc, list(part.header), [list(row) for row in part.rows]
                  or [["", part.none_row] + [""] * (len(part.header) - 2)], list(part.widths))


@dataclass
class _SeatTable:
    """One of a seat's three tables, in words, for the HTML and the Word document alike."""
    title: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    none: str  # the sentence said instead of an empty table (HTML)
    none_row: str  # the same, as the Word table's one row
    widths: tuple[float, ...]


def _seat_tables(s: SeatSection) -> list[_SeatTable]:
    def how(k: dict) -> str:
        return {"seen": f"seen ({k['by']})", "told": f"told by {k['by']} via {k['via']}",
                "intelligence": f"intelligence ({k['by']})"}.get(k["how"], k["how"])

    def arrived(m: dict) -> str:
        return f"{clock(m['arrived'])} (after {_dur(m['took'])})" if m["arrived"] is not None else "not delivered"

    return [
        _SeatTable("What it knew, and when", ("When", "Fact", "How", "After the first seat"),
                   [(clock(k["t"]), k["fact"], how(k), _dur(k["after"])) for k in s.knew],
                   "It came to know none of the facts.", "none of the facts", (2, 6, 6, 3)),
        _SeatTable("What it passed on, and how fast", ("Sent", "To, by", "What", "Arrived", "Known before sending"),
                   [(clock(m["sent"]), f"{m['to']}, {m['via']}", m["what"], arrived(m), _dur(m["known_for"]))
                    for m in s.passed],
                   "It passed nothing on.", "nothing passed on", (1.6, 4.4, 5, 3.4, 2.6)),
        _SeatTable("Its decisions", ("When", "Decision", "Option", "How", "Took"),
                   [(clock(d["t"]), d["decision"], str(d["option"]), str(d["how"]), _dur(d["took"]))
                    for d in s.decisions],
                   "None of the run's decisions was its to take.", "none was its to take", (2, 4, 5, 3, 3)),
    ]


def with_team(document: str, team: str) -> str:
    """The AAR's HTML with the team's block added before its end (unchanged for a solo run)."""
    if not team:
        return document
    at = document.rfind("</body>")
    return document[:at] + team + document[at:] if at >= 0 else document + team


__all__ = ["SeatSection", "add_team_to_docx", "humans_of", "knowing_chart", "seat_sections", "team_html",
           "with_team"]
