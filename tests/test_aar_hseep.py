"""The after-action report follows the HSEEP template, and Word and HTML carry the same content:
every section, capability, finding (observation, reference, analysis, root cause) and
improvement-plan item (capability, element, issue, corrective action, agency, point of
contact, start, completion) appears in both."""
from __future__ import annotations

import html as htmllib
import io
import re
from pathlib import Path

import pytest

from sim.engine.exercise import Exercise
from sim.evaluation import aar as aars
from sim.evaluation.aar_docx import docx_bytes
from sim.evaluation.record import make_record
from sim.evaluation.review_command import ReviewCommand, apply_review
from sim.evaluation.store import Store
from sim.format.scenario import load, load_plan

ROOT = Path(__file__).resolve().parent.parent
KOWLOON = ROOT / "scenarios" / "kowloon_flat.yaml"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    scenario = load(KOWLOON)
    plan = load_plan(str(ROOT / "scenarios" / "plans" / "kowloon_flat_reckless.yaml"), scenario)
    exercise = Exercise(scenario, 1, plan, trainee="Team Kowloon West")
    exercise.run_to_end()
    record = make_record(exercise)
    store = Store(tmp_path_factory.mktemp("aar") / "s.db")
    store.add(record, source="headless")
    apply_review(store, scenario.spec, record, ReviewCommand(
        evaluator="Insp. Chan", sets=["officer_safety=S"], reasons=["a near miss on the stairs"],
        observes=["T+01:12 area apprehension: nobody watched the window"], accept_plan=True))
    apply_review(store, scenario.spec, record, ReviewCommand(
        evaluator="Insp. Chan", edits=[(8, "poc=Supt. Wong, EU Kowloon West")]))
    report = aars.build(store, scenario, "Team Kowloon West")
    page = aars.html(report)
    from docx import Document
    document = Document(io.BytesIO(docx_bytes(report)))
    words = [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    return report, page, "\n".join(words), document


def _text(page: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_report_has_the_templates_sections(report):
    aar, page, word, _ = report
    for heading in ("1. Executive summary", "2. Exercise overview", "3. Analysis of capabilities",
                    "4. Improvement plan", "Appendix A.", "Appendix B.", "Appendix C. Timeline"):
        assert heading in page and heading in word, heading
    for label in ("Exercise type", "Mission area", "Core capabilities", "Sponsor", "Point of contact"):
        assert label in page and label in word
    assert "Operational Coordination" in word and "Operational Coordination" in _text(page)


def test_word_and_html_carry_the_same_findings_and_plan(report):
    aar, page, word, _ = report
    text = " ".join(_text(page).split())
    word_flat = " ".join(word.split())
    for c in aar.capabilities:
        assert c.name in text and c.name in word_flat
        for f in c.strengths + c.improvements:
            for part in (f.text, f.reference, f.analysis, f.root_cause):
                if part:
                    flat = " ".join(part.split())
                    assert flat in text and flat in word_flat, part
    for item in aar.plan:
        for key in ("issue", "action", "element", "agency_name", "poc", "start", "due", "accepted_by"):
            if item.get(key):
                flat = " ".join(str(item[key]).split())
                assert flat in text and flat in word_flat, (key, item[key])


def test_root_causes_come_from_the_event_log_and_the_plan_from_them(report):
    aar, page, word, _ = report
    apprehension = next(c for c in aar.capabilities if c.id == "apprehension")
    escape = next(f for f in apprehension.improvements if f.text.startswith("No perpetrator escapes"))
    assert escape.root_cause.startswith("no cordon on the Front bedroom window") and "T+01:12" in escape.root_cause
    assert escape.reference and escape.analysis
    item = next(p for p in aar.plan if p["issue"].startswith("No perpetrator escapes"))
    assert item["element"] == "planning" and item["accepted_by"] == "Insp. Chan"
    assert item["poc"] == "Supt. Wong, EU Kowloon West"
    assert all(p["start"] and p["due"] for p in aar.plan)


def test_capabilities_are_the_scenarios_and_the_reviewed_overall_is_shown(report):
    aar, page, word, document = report
    spec = load(KOWLOON).spec
    assert [c.name for c in aar.capabilities] == [c.name for c in spec.scored_capabilities]
    officer = next(c for c in aar.capabilities if c.id == "officer_safety")
    assert (officer.draft, officer.rating) == ("P", "S")
    assert aar.overall != aar.overall_draft and "after review (draft" in page
    assert f"Of {len(aar.capabilities)} capabilities" in aar.summary[0]
    # the report has a chart, in both
    assert "data:image/png;base64," in page and document.inline_shapes
    # names, not ids
    for ident in ("victims_protected", "guide_victim_care", "hkpf_eu", "care_and_handover", "victim_safe ploy"):
        assert ident not in _text(page) and ident not in word, ident
