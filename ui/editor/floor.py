"""The floor plan as the editor sees it: the ASCII map as cells, read from the document
even when the scenario has problems (the format's own grid needs a valid scenario).

Each cell is one map character; the legend says what it stands for: 'wall', 'outside' or
the id of a room, door, window or exit.
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field

PLAN_LISTS = {"rooms": "room", "doors": "door", "windows": "window", "exits": "exit"}
# Characters offered to new rooms and openings: easy to tell apart in a text editor.
CHAR_POOL = (string.ascii_lowercase + string.ascii_uppercase + string.digits + "+*=%&@$<>^!?;:,")


@dataclass
class Floor:
    rows: list[str]
    legend: dict[str, str]
    kinds: dict[str, str]  # id -> room/door/window/exit
    names: dict[str, str] = field(default_factory=dict)  # id -> name as written
    cell_size: float = 0.5

    @classmethod
    def of(cls, doc) -> "Floor":
        plan = doc.plain(("floor_plan",), {}) or {}
        text = plan.get("map") if isinstance(plan.get("map"), str) else ""
        rows = text.split("\n")
        while rows and rows[-1] == "":
            rows.pop()
        legend = {str(k): str(v) for k, v in (plan.get("legend") or {}).items()} \
            if isinstance(plan.get("legend"), dict) else {}
        kinds, names = {}, {}
        for section, kind in PLAN_LISTS.items():
            for item in plan.get(section) or ():
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    kinds[item["id"]] = kind
                    names[item["id"]] = str(item.get("name") or item["id"])
        size = plan.get("cell_size", 0.5)
        return cls(rows, legend, kinds, names, size if isinstance(size, (int, float)) and size > 0 else 0.5)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), max((len(r) for r in self.rows), default=0)

    def char_at(self, cell: tuple[int, int]) -> str | None:
        r, c = cell
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def id_at(self, cell: tuple[int, int]) -> str | None:
        ch = self.char_at(cell)
        return self.legend.get(ch) if ch is not None else None

    def kind_at(self, cell: tuple[int, int]) -> str:
        """'wall', 'outside', 'room', 'door', 'window', 'exit', 'unknown' or 'none' (off the map)."""
        ch = self.char_at(cell)
        if ch is None:
            return "none"
        target = self.legend.get(ch)
        if target in ("wall", "outside"):
            return target
        return self.kinds.get(target, "unknown")

    def cells_of(self, ident: str) -> list[tuple[int, int]]:
        chars = {ch for ch, target in self.legend.items() if target == ident}
        return [(r, c) for r, row in enumerate(self.rows) for c, ch in enumerate(row) if ch in chars]

    def all_cells(self) -> dict[str, list[tuple[int, int]]]:
        out: dict[str, list] = {}
        for r, row in enumerate(self.rows):
            for c, ch in enumerate(row):
                target = self.legend.get(ch)
                if target is not None:
                    out.setdefault(target, []).append((r, c))
        return out

    def centre(self, cells: list[tuple[int, int]]) -> tuple[int, int] | None:
        if not cells:
            return None
        mr = sum(r for r, _ in cells) / len(cells)
        mc = sum(c for _, c in cells) / len(cells)
        return min(cells, key=lambda rc: ((rc[0] - mr) ** 2 + (rc[1] - mc) ** 2, rc))

    def char_for(self, target: str) -> str | None:
        return next((ch for ch, t in self.legend.items() if t == target), None)

    def free_char(self, taken: set[str] = frozenset()) -> str:
        for ch in CHAR_POOL:
            if ch not in self.legend and ch not in taken:
                return ch
        raise ValueError("every map character is in use")

    def painted(self, cells: dict[tuple[int, int], str]) -> str:
        """The map text with `cells` set to new characters (the map's trailing newline kept)."""
        rows = [list(r) for r in self.rows]
        for (r, c), ch in cells.items():
            if 0 <= r < len(rows) and 0 <= c < len(rows[r]):
                rows[r][c] = ch
        return "\n".join("".join(r) for r in rows) + "\n"

    def resized(self, height: int, width: int, fill: str) -> str:
        rows = [(r + fill * width)[:width] for r in self.rows[:height]]
        rows += [fill * width] * (height - len(rows))
        return "\n".join(rows) + "\n"
