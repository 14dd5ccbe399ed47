"""The team's after-action report of a joint run: a section per seat (what it knew and when,
what it passed on and how fast, its decisions) and a chart; nothing of it for a solo run."""
from __future__ import annotations

from conftest import ROOT
from sim.engine.exercise import Exercise
from sim.evaluation import aar as aars
from sim.evaluation import record as records
from sim.evaluation.store import Store
from sim.evaluation.team_aar import seat_sections, team_html
from sim.format.doctrine import doctrine_choice
from sim.format.scenario import load

KOWLOON = load(ROOT / "scenarios" / "kowloon_flat.yaml")
HUMANS = ("hk_command", "thai_liaison")


def _joint_record() -> dict:
    spec = KOWLOON.spec
    ex = Exercise(KOWLOON, 3, spec.doctrine_plan, interactive=True, trainee="Team Kowloon", joint=HUMANS)
    for order in spec.doctrine_plan.orders:
        seat = ex.seats.seat_of_unit[order.unit]
        if seat in HUMANS:
            ex.apply(order, queue=True, seat=seat)
    ex.send("hk_command", "thai_liaison", "phone", "We are at the building")
    while not ex.finished:
        decision = ex.run_until_decision_or_end()
        if decision is not None:
            ex.decide(decision.id, doctrine_choice(spec, decision.id), seat=ex.seats.owner_of(decision.decision))
    return records.make_record(ex)


def test_the_team_aar_of_a_joint_run_has_a_section_for_each_seat(tmp_path):
    record = _joint_record()
    path = records.save(record, tmp_path)
    store = Store(tmp_path / "exercise.db")
    store.add(record, source="joint", record_path=str(path))
    report = aars.build(store, KOWLOON, "Team Kowloon")
    page = aars.html(report)
    for seat in KOWLOON.spec.seats:
        assert f"id='seat-{seat.id}'>{seat.name}<" in page
    assert "When each seat came to know each fact" in page and "data:image/png;base64," in page
    import io
    from docx import Document
    from sim.evaluation.aar_docx import docx_bytes
    headings = [p.text for p in Document(io.BytesIO(docx_bytes(report))).paragraphs if p.style.name.startswith("Heading")]
    assert "Appendix C. The team, seat by seat" in headings
    assert all(seat.name in headings for seat in KOWLOON.spec.seats)  # the Word document too

    sections = {s.seat: s for s in seat_sections(KOWLOON.spec, record["events"])}
    assert sections["hk_command"].played == "its people" and sections["crime_bureau"].played == "the plan"
    message = next(m for m in sections["hk_command"].passed if m["what"] == "We are at the building")
    phone = next(c for c in KOWLOON.spec.channels if c.id == "phone")
    assert message["took"] == phone.delay  # passed on, and how fast it arrived
    owned = {d.id for d in KOWLOON.spec.decisions if (d.owner or "hk_command") == "hk_command"}
    assert {d["decision"] for d in sections["hk_command"].decisions} == owned and owned
    assert sections["hk_command"].knew and all(k["after"] >= 0 for k in sections["hk_command"].knew)


def test_a_solo_run_gets_no_team_block():
    ex = Exercise(KOWLOON, 1, KOWLOON.spec.doctrine_plan)
    ex.run_to_end()
    assert team_html(KOWLOON.spec, list(ex.events)) == ""
