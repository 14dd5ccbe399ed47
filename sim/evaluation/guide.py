"""The exercise evaluation guide of a scenario as an HTML checklist for evaluators: each
capability, its targets and critical tasks, with the expected action in words, what it is
tied to, its weight and boxes to tick."""
from __future__ import annotations

from sim.format.problems import InputError, Problem
from sim.format.spec import Expectation


def expectation_words(expect: Expectation) -> str:
    """An expected action in plain words, e.g. 'spoken in language, for each victim, within
    10 min of victim found'."""
    words = lambda text: text.replace("_", " ")  # noqa: E731
    if expect.never is not None:
        return f"never: {words(expect.never)}"
    out = words(expect.on)
    if expect.each:
        out += f", for each {expect.each}"
    if expect.within is not None:
        out += f", within {expect.within / 60:g} min"
        out += f" of {words(expect.after)}" if expect.after else " of the start"
    elif expect.after:
        out += f", after {words(expect.after)}"
    else:
        out += ", before the end"
    return out


def guide_html(scenario) -> str:
    from .templates import render

    spec = scenario.spec
    if spec.evaluation_guide is None:
        raise InputError([Problem(str(scenario.path), 1, 1, "evaluation_guide", "this scenario has no evaluation "
                                  "guide: add an evaluation_guide section after scoring (see scenarios/README.md)")])
    decisions = [{"id": d.id, "prompt": d.prompt, "options": ", ".join(f"{o.id} ({o.label})" for o in d.options),
                  "doctrine": spec.doctrine_plan.decisions.get(d.id, d.default)} for d in spec.decisions]
    return render("guide.html.j2", spec=spec, guide=spec.evaluation_guide, expectation=expectation_words,
                  agency_names={a.id: a.name for a in spec.agencies}, decisions=decisions)
