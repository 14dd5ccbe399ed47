"""The after-action report as a Word document (python-docx): the same content as the HTML,
in Word's own headings, tables and styles, so evaluators can finish it in Word."""
from __future__ import annotations

import io

from .aar import RATING_WORDS, AfterAction

RATING_FILL = {"P": "009E73", "S": "56B4E9", "M": "E69F00", "U": "D55E00",
               "met": "009E73", "partly met": "E69F00", "not met": "D55E00"}


def _shade(cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(doc, header: list[str], rows: list[list[str]], widths: list[float] | None = None):
    from docx.shared import Cm, Pt
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        _shade(cell, "EEF2F7")
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = str(text)
    if widths:  # Word reads the cells' widths, LibreOffice the grid's: set both
        table.autofit = False
        for i, width in enumerate(widths):
            table.columns[i].width = Cm(width)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
            if widths:
                cell.width = Cm(widths[i])
    return table


def _orient(doc, *, landscape: bool) -> None:
    """Start a new page section in landscape or portrait."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    last = doc.sections[-1]
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    width, height = last.page_width, last.page_height
    if (width > height) != landscape:
        section.page_width, section.page_height = height, width
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT


def docx_bytes(aar: AfterAction) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(aar.title, level=0)
    meta = doc.add_paragraph()
    meta.add_run(f"Trainee: {aar.trainee} · exercise of {aar.date} · seed {aar.run['seed']} · generated {aar.generated}"
                 + (f" · evaluators: {', '.join(aar.evaluators)}" if aar.evaluators else "")).italic = True

    doc.add_heading("1. Executive summary", level=1)
    for line in aar.summary:
        doc.add_paragraph(line)

    doc.add_heading("2. Exercise overview", level=1)
    s = aar.scenario
    run = aar.run
    (rs, rr), (ds, dr) = aar.overall, aar.overall_draft
    overall = f"overall score {rs:.3f} ({rr})" + (f" after review (draft {ds:.3f}, {dr})" if (rs, rr) != (ds, dr) else "")
    _table(doc, ["Item", "Details"], [
        ["Exercise name", f"{s['title']} ({s['id']}, version {s['version']}, {s['difficulty']})"],
        ["Exercise date", aar.date],
        *[[label, value] for label, value in aar.exercise],
        ["Scenario", s["summary"]],
        ["Trainee (incident commander)", aar.trainee],
        ["Seed", f"{run['seed']} (the same seed and decisions replay this exercise exactly)"],
        ["Run", f"plan “{run['plan_name']}”, {run['duration_s']:.0f} s, {run['end_reason']}; {overall}"],
        ["Objectives", "\n".join(f"{i}. {o}" for i, o in enumerate(s["objectives"], 1))],
    ], [4.5, 12.5])
    doc.add_heading("Participating agencies", level=2)
    _table(doc, ["Agency", "Country", "Units (officers)"],
           [[a["name"] + (" (lead)" if a["lead"] else ""), a["country"], a["units"]] for a in aar.agencies],
           [5.5, 3, 8.5])

    doc.add_heading("3. Analysis of capabilities", level=1)
    doc.add_paragraph("P performed without challenges · S performed with some challenges · M performed with major "
                      "challenges · U unable to be performed. Each capability has a draft rating (from its metrics) "
                      "and, once reviewed, the evaluators' rating; both are shown. Each finding gives the observation, "
                      "the reference it is judged against, the analysis and, for an area for improvement, the root "
                      "cause.").runs[0].italic = True
    if aar.chart:
        doc.add_picture(io.BytesIO(aar.chart), width=Cm(16))
        doc.add_paragraph("Capabilities: score from the metrics, bar coloured by the reviewed rating.").runs[0].italic = True

    def finding(f, with_cause: bool) -> None:
        p = doc.add_paragraph(style="List Bullet")
        if f.when:
            p.add_run(f"{f.when} · ").bold = True
        p.add_run("Observation: ").bold = True
        p.add_run(f.text + (f" ({f.source})" if f.source != "draft" else ""))
        for label, value in (("Reference", f.reference), ("Analysis", f.analysis),
                             ("Root cause", f.root_cause if with_cause else None)):
            if value:
                p.add_run(f"\n{label}: ").bold = True
                p.add_run(value)

    for i, c in enumerate(aar.capabilities, 1):
        doc.add_heading(f"3.{i} {c.name}", level=2)
        if c.rating:
            p = doc.add_paragraph()
            p.add_run("Capability rating: ").bold = True
            p.add_run(f"{c.rating} ({RATING_WORDS.get(c.rating, c.rating)})"
                      + (f" (draft {c.draft})" if c.rating != c.draft else "")
                      + f" — score {c.score:.2f} from its metrics; {c.how}")
        for t in c.targets:
            p = doc.add_paragraph()
            p.add_run("Capability target: ").bold = True
            p.add_run(t.target)
            p = doc.add_paragraph()
            p.add_run("Rating: ").bold = True
            p.add_run(f"{t.rating} {t.rating_words} — {t.reason}")
            if t.changed:
                doc.add_paragraph(f"Changed in review: {t.changed}").runs[0].italic = True
            table = _table(doc, ["Critical task", "Rating", "Evidence (replay time)"],
                           [[k["task"] + (f"\nChanged in review: {k['changed']}" if k["changed"] else ""),
                             k["rating"], k["reason"] + ("\n" + "; ".join(k["evidence"]) if k["evidence"] else "")]
                            for k in t.tasks], [6.5, 2, 8.5])
            for row, k in zip(table.rows[1:], t.tasks):
                _shade(row.cells[1], RATING_FILL[k["rating"]])
        doc.add_paragraph().add_run("Strengths").bold = True
        for f in c.strengths:
            finding(f, False)
        if not c.strengths:
            doc.add_paragraph("none recorded", style="List Bullet")
        doc.add_paragraph().add_run("Areas for improvement").bold = True
        for f in c.improvements:
            finding(f, True)
        if not c.improvements:
            doc.add_paragraph("none recorded", style="List Bullet")
    if aar.general:
        doc.add_heading("General observations", level=2)
        for f in aar.general:
            doc.add_paragraph(f"{f.when} · {f.text} ({f.source})", style="List Bullet")
    for section in aar.sections:
        doc.add_heading(section["title"], level=1)
        for text in section["paragraphs"]:
            doc.add_paragraph(text)

    _orient(doc, landscape=True)  # the plan's columns, as published templates lay it out
    doc.add_heading("4. Improvement plan", level=1)
    if not aar.plan_reviewed:
        doc.add_paragraph("Draft: proposed from the tasks not met, each corrective action from its root cause; no "
                          "item is accepted until a named evaluator accepts it.").runs[0].italic = True
    _table(doc, ["#", "Capability", "Issue / area for improvement", "Corrective action", "Capability element",
                 "Responsible agency", "Point of contact", "Start", "Completion", "Accepted by"],
           [[str(i), p.get("capability_name") or "", p["issue"], p["action"], p.get("element") or "",
             p.get("agency_name") or "", p.get("poc") or "", p.get("start") or "", p.get("due") or "",
             p.get("accepted_by") or "not accepted"] for i, p in enumerate(aar.plan, 1)]
           or [["", "", "no items", "", "", "", "", "", "", ""]], [0.7, 2.6, 5.2, 4.6, 2.0, 3.0, 2.0, 1.9, 1.9, 2.0])
    _orient(doc, landscape=False)

    doc.add_heading("Appendix A. Ratings changed in review", level=1)
    for line in aar.changed or ["None: every rating is as drafted."]:
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading("Appendix B. Luck-adjusted score", level=1)
    if aar.luck:
        luck = aar.luck
        doc.add_paragraph(f"The trainee's choices replayed on {luck['runs']} seeds (common random numbers), beside "
                          "the doctrine plan on the same seeds. The doctrine and counterfactual runs are reference "
                          "only: none of them is counted in the trainee's figures.")
        t, d, diff = luck["trainee"], luck["doctrine"], luck["difference"]
        _table(doc, ["", "Expected score", "95% CI"], [
            ["The trainee's choices", f"{t.mean:.3f}", f"{t.ci_low:.3f} to {t.ci_high:.3f}"],
            ["Doctrine plan (reference)", f"{d.mean:.3f}", f"{d.ci_low:.3f} to {d.ci_high:.3f}"],
            ["Against the reference (paired)", f"{diff.mean_difference:+.3f}",
             f"{diff.ci_low:+.3f} to {diff.ci_high:+.3f}: {luck['verdict']}"]], [6, 4, 7])
        doc.add_paragraph(f"The exercise itself scored {luck['played']:.3f}: "
                          f"{'luckier' if luck['played'] > t.mean else 'less lucky'} than the trainee's expected {t.mean:.3f}.")
        _table(doc, ["Decision point", "Trainee's choice", "Doctrine's", "Cost of the trainee's choice (mean over seeds)"],
               [[c["decision"], c["trainee_option"], c["doctrine_option"],
                 f"{c['cost']:+.3f} (95% CI {c['test'].ci_low:+.3f} to {c['test'].ci_high:+.3f})"]
                for c in luck["costs"]] or [["every decision matched doctrine", "", "", ""]],
               [5, 4, 4, 4])
    else:
        doc.add_paragraph("Not computed (use --runs N).")
    if aar.other_runs:
        o = aar.other_runs
        doc.add_paragraph(f"The trainee's own runs of this scenario: {o['n']}, mean score {o['mean']:.3f} "
                          f"(95% CI {o['low']:.3f} to {o['high']:.3f}).")

    doc.add_heading("Appendix C. Timeline", level=1)
    for line in aar.timeline:
        p = doc.add_paragraph(line)
        p.paragraph_format.space_after = Pt(0)
        for r in p.runs:
            r.font.size = Pt(9)
    if aar.team_sections:  # a joint run: the team, seat by seat
        from .team_aar import add_team_to_docx
        add_team_to_docx(doc, aar.team_sections, _table)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
