"""A generated building floor for the scale benchmark: a common corridor with flats below
it, about eight people per flat (five victims, two perpetrators, one entry team).

A stair door opens onto the corridor for every four flats, as building codes require
(a resident is never more than about 20 m from a staircase), and each flat's team comes
up the stairs nearest to it. So every person's share of the work stays the same as the
floor grows, and the benchmark measures how the engine scales, not how far a team
walks along an ever longer corridor."""
from __future__ import annotations

import string

CHARS = [c for c in string.ascii_letters + string.digits + "!$%&*+-/;<=>?@^_|()[]{}"
         if c not in "#~cE"]
# beyond ASCII for the largest floors (1,000 people): Greek and Cyrillic letters, one cell each
CHARS += [chr(code) for code in list(range(0x3B1, 0x3CA)) + list(range(0x391, 0x3AA)) + list(range(0x430, 0x450))
          + list(range(0x410, 0x430)) + list(range(0x100, 0x180)) if chr(code).isprintable()]
FLAT_W, FLAT_H = 9, 6
FLATS_PER_STAIRS = 4


def building_yaml(people: int) -> str:
    flats = max(1, round(people / 8))
    stairs = -(-flats // FLATS_PER_STAIRS)
    if 2 * flats + stairs > len(CHARS):
        raise ValueError("too many flats for the characters available")
    width = 4 + flats * (FLAT_W + 1) + 1
    top = ["#"] * width
    legend = {"#": "wall", "c": "corridor"}
    exits = []
    for g in range(stairs):  # a stair door in the corridor's outer wall, mid-way along its flats
        char = CHARS[2 * flats + g]
        first, last = g * FLATS_PER_STAIRS, min(flats, (g + 1) * FLATS_PER_STAIRS) - 1
        top[(4 + first * (FLAT_W + 1) + 4 + last * (FLAT_W + 1) + FLAT_W) // 2] = char
        legend[char] = f"stairs{g}"
        exits.append(f"    - {{id: stairs{g}, name: Stairs {g}, kind: stairs_down}}")
    rows = ["".join(top)]
    for r in range(3):
        rows.append("#" + "c" * (width - 2) + "#")
    door_row, flat_rows = ["#"] * width, [["#"] * width for _ in range(FLAT_H)]
    rooms = ["    - {id: corridor, name: Corridor, kind: corridor}"]
    doors, victims, perps, units, orders = [], [], [], [], []
    for i in range(flats):
        room_char, door_char = CHARS[2 * i], CHARS[2 * i + 1]
        left = 4 + i * (FLAT_W + 1)
        for row in flat_rows:
            for c in range(left, left + FLAT_W):
                row[c] = room_char
        door_row[left + FLAT_W // 2] = door_char
        legend[room_char] = f"flat{i}"
        legend[door_char] = f"door{i}"
        rooms.append(f"    - {{id: flat{i}, name: Flat {i}, kind: room}}")
        doors.append(f"    - {{id: door{i}, kind: wooden, locked: true}}")
        for v in range(5):
            victims.append(f"  - {{id: v{i}_{v}, name: Victim {i}.{v}, at: flat{i}, languages: [th], nationality: Thai}}")
        for p in range(2):
            perps.append(f"  - {{id: p{i}_{p}, name: Guard {i}.{p}, role: guard, at: flat{i}, "
                         f"alert_reaction: {{surrender: 0.6, destroy_evidence: 0.2, resist: 0.2}}}}")
        units.append(f"  - {{id: team{i}, name: Team {i}, agency: police, kind: entry_team, size: 4, "
                     f"languages: [th, en], equipment: [manual_ram], at: stairs{i // FLATS_PER_STAIRS}, "
                     f"arrives: {(i % FLATS_PER_STAIRS) * 5}}}")
        orders += [f"    - {{unit: team{i}, do: breach, door: door{i}, method: manual_ram}}",
                   f"    - {{unit: team{i}, do: clear, room: flat{i}}}"]
        orders += [f"    - {{unit: team{i}, do: interview, victim: v{i}_{v}}}" for v in range(2)]
    rows.append("".join(door_row))
    rows += ["".join(r) for r in flat_rows]
    rows.append("#" * width)
    legend_lines = "\n".join(f"    {c!r}: {t}".replace("'", '"') for c, t in legend.items())
    map_lines = "\n".join("    " + r for r in rows)
    return f"""format: 1
id: generated_floor_{people}
title: Generated floor with {flats} flats
summary: A generated building floor for benchmarks.
estimated_minutes: 30
difficulty: advanced
briefing:
  situation: Generated.
  objectives: [Rescue everyone.]
floor_plan:
  cell_size: 0.5
  legend:
{legend_lines}
  map: |
{map_lines}
  rooms:
{chr(10).join(rooms)}
  doors:
{chr(10).join(doors)}
  exits:
{chr(10).join(exits)}
agencies:
  - {{id: police, name: Police, country: Hong Kong}}
lead_agency: police
victims:
{chr(10).join(victims)}
perpetrators:
{chr(10).join(perps)}
units:
{chr(10).join(units)}
scoring:
  capabilities:
    - id: all
      name: Everything
      metrics:
        victims_safe: {{weight: 0.5}}
        perpetrators_arrested: {{weight: 0.5}}
doctrine_plan:
  name: Doctrine
  orders:
{chr(10).join(orders)}
"""
