"""Writes the plans of bench/plans/ from the shipped doctrine plans (issue 16): each a
commander's variation on doctrine, for `bench/outcomes.py`.  python bench/plans/make_plans.py"""
from __future__ import annotations

from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
PLANS = HERE.parents[1] / "scenarios" / "plans"


def _orders(path: Path) -> tuple[list, dict]:
    doc = yaml.safe_load(path.read_text())
    fixed = [{("on" if k is True else k): v for k, v in o.items()} for o in doc["orders"]]  # YAML 1.1 reads on: as true
    return fixed, dict(doc["decisions"])


def write(scenario: str, name: str, desc: str, orders: list, decisions: dict) -> None:
    doc = {"name": name, "description": desc, "orders": orders, "decisions": decisions}
    text = f"# Written by bench/plans/make_plans.py: a commander's variation on {scenario}'s doctrine.\n"
    text += yaml.safe_dump(doc, sort_keys=False, width=200, default_flow_style=None)
    (HERE / f"{scenario}_{name.lower().replace(' ', '_')}.yaml").write_text(text)


def main() -> None:
    for old in HERE.glob("*.yaml"):
        old.unlink()
    base, d = _orders(PLANS / "kowloon_flat_doctrine.yaml")
    k = "kowloon_flat"
    write(k, "Loud entry", "Doctrine, but the spreader on the gate and the ram on the door.", base,
          {**d, "gate_entry": "hydraulic"})
    write(k, "No interpreter", "Doctrine, but nobody who speaks Thai: the detectives question the women in English.",
          [o for o in base if o["unit"] != "thai_lo"], {**d, "first_words": "detectives"})
    write(k, "Hard entry", "Doctrine, but a hard entry that handcuffs everyone.",
          [dict(o, approach="hard") if o["do"] == "clear" else o for o in base], d)
    write(k, "No cordon", "Doctrine, but nobody covers the ledge window.", [o for o in base if o["do"] != "cordon"], d)
    write(k, "Wait 35 min", "Doctrine, but the entry team waits 35 minutes in the corridor before it goes.",
          [dict(o, at=2100) if o["do"] == "stack" else o for o in base], d)
    write(k, "Wait 35 min out of sight", "Doctrine, but everyone waits 35 minutes on the stairs, out of the guard's sight.",
          [{"unit": "eu_entry", "do": "move", "to": "stairwell"}] +
          [dict(o, at=2100) if o["do"] == "stack" else
           dict(o, to="stairwell") if o["do"] == "move" else o for o in base], d)
    base, d = _orders(PLANS / "call_centre_doctrine.yaml")
    c = "call_centre"
    write(c, "No interpreter", "Doctrine, but the workers are held under guard and screened later: nobody speaks "
          "Mandarin with them.", [o for o in base if o["unit"] not in ("atpd_zh", "hk_lo", "interpreter")],
          {**d, "screening": "station"})
    write(c, "On the spot", "Doctrine, but the commandos question everyone on the spot in Thai and English.", base,
          {**d, "screening": "on_the_spot"})
    write(c, "Hard entry", "Doctrine, but a hard entry that handcuffs everyone.",
          [dict(o, approach="hard") if o["do"] == "clear" else o for o in base], d)
    write(c, "No cordon", "Doctrine, but nobody covers the fire stairs and the lifts.",
          [o for o in base if o["do"] != "cordon"], d)
    write(c, "Wait 60 min", "Doctrine, but both teams wait an hour at the doors before they go in.",
          [dict(o, at=3600) if o["do"] == "stack" else o for o in base], d)
    write(c, "Both doors", "Doctrine, but both doors forced at once (the spreader and the ram).", base,
          {**d, "entry_timing": "now_both"})
    write(c, "Front only", "Doctrine, but only the main door is forced; the rear team holds the service door.", base,
          {**d, "entry_timing": "front_only"})
    write(c, "Delivery ruse", "Doctrine, but in at the lunch delivery (a ruse), the rear team with the front.", base,
          {**d, "entry_timing": "delivery_ruse"})


if __name__ == "__main__":
    main()
