"""The text a new scenario starts from: a blank floor and the fields the format requires,
each with a placeholder the problems panel will point at until the trainer fills it in."""
from __future__ import annotations

from pathlib import Path

from ui.editor import yamltree

BLANK = """\
# yaml-language-server: $schema=schema.json
format: 1
id: new_scenario
title: New scenario
version: "1.0"
summary: >-
  What this exercise is about, in two or three sentences.
estimated_minutes: 20
difficulty: introductory

briefing:
  situation: |
    What the team is told before planning.
  intelligence: []
  objectives:
    - Bring every victim to safety without harm.

floor_plan:
  cell_size: 0.5
  storey: 0
  legend:
    "~": outside
    "#": wall
  map: |
{map}
  rooms: []
  doors: []
  windows: []
  exits: []

agencies:
  - {{id: police, name: City police, country: Here}}
lead_agency: police

victims: []
perpetrators: []
evidence: []
units: []
injects: []
decisions: []

scoring:
  capabilities:
    - id: victim_safety
      name: Victim safety
      metrics:
        victims_safe: {{weight: 0.5}}
        victims_unharmed: {{weight: 0.25}}
    - id: apprehension
      name: Apprehension
      metrics:
        perpetrators_arrested: {{weight: 0.25}}

doctrine_plan:
  name: Doctrine
  orders: []
"""


def blank_text(width: int = 30, height: int = 20) -> str:
    rows = "\n".join("    " + "~" * width for _ in range(height))
    return BLANK.format(map=rows)


def from_template(path: str | Path, new_id: str = "new_scenario") -> str:
    """A shipped scenario's text with a new id, to start from as a template."""
    text = Path(path).read_text(encoding="utf-8")
    tree = yamltree.load(text)
    if "id" in tree:
        tree["id"] = new_id
    return yamltree.dump(tree)
