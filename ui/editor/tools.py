"""What each drawing tool does to the document, as one undoable edit (no pygame here).

The window turns a click or a drag into a call below; each returns an `edits.Group` (or
None when the click means nothing there) and says in its label what was done.
"""
from __future__ import annotations

from typing import Optional

from ui.editor import edits as E
from ui.editor.floor import Floor

# The tool bar: (tool, button words, shortcut, tooltip), in the order shown.
TOOLS = [
    ("select", "Select", "S", "Select and move (S): click a room, door or person to see its fields; drag a person "
                             "to move them. Right-drag or arrow keys pan, the wheel zooms."),
    ("room", "Room", "R", "Room (R): drag a rectangle; it gets walls round it. Rooms drawn side by side share a wall."),
    ("wall", "Wall", "W", "Wall (W): drag along a row or column to draw wall cells."),
    ("door", "Door", "D", "Door (D): click a wall cell. Click next to the selected door to make it wider."),
    ("window", "Window", "N", "Window (N): click a wall cell (grille and escape in its fields)."),
    ("exit", "Exit/stairs", "E", "Exit or stairs (E): drag over the cells where people leave and units arrive."),
    ("victim", "Victim", "V", "Victim (V): click a room's floor where she is held."),
    ("perpetrator", "Perpetrator", "P", "Perpetrator (P): click a room's floor where he is."),
    ("evidence", "Evidence", "I", "Evidence item (I): click a room's floor where it is."),
    ("unit", "Unit", "U", "Unit arrival point (U): click the room or exit where a unit starts or arrives."),
    ("scale", "Scale", "", "Set the background image's scale: click two points on the image, then type the "
                          "distance between them in metres."),
]

ITEM_LISTS = {"victim": ("victims",), "perpetrator": ("perpetrators",), "evidence": ("evidence",),
              "unit": ("units",), "room": ("floor_plan", "rooms"), "door": ("floor_plan", "doors"),
              "window": ("floor_plan", "windows"), "exit": ("floor_plan", "exits")}
# What a new item starts as: the fields the format requires, with ordinary values.
NEW_ITEM = {
    "room": lambda n: {"name": f"Room {n}", "kind": "room"},
    "door": lambda n: {"name": f"Door {n}", "kind": "wooden"},
    "window": lambda n: {"name": f"Window {n}"},
    "exit": lambda n: {"name": f"Stairs {n}", "kind": "stairs_down"},
    "victim": lambda n: {"name": f"Victim {n}", "languages": ["en"], "nationality": "unknown"},
    "perpetrator": lambda n: {"name": f"Perpetrator {n}", "role": "guard"},
    "evidence": lambda n: {"name": f"Evidence {n}", "kind": "phone"},
    "unit": lambda n: {"name": f"Unit {n}", "kind": "entry_team"},
}


def all_ids(doc) -> set[str]:
    ids = set()
    for path in ITEM_LISTS.values():
        for item in doc.plain(path, []) or []:
            if isinstance(item, dict) and "id" in item:
                ids.add(str(item["id"]))
    for section in ("agencies", "injects", "decisions"):
        for item in doc.plain((section,), []) or []:
            if isinstance(item, dict) and "id" in item:
                ids.add(str(item["id"]))
    return ids


def new_id(doc, kind: str) -> tuple[str, int]:
    taken = all_ids(doc)
    n = 1
    while f"{kind}_{n}" in taken:
        n += 1
    return f"{kind}_{n}", n


def _terrain_char(floor: Floor, what: str, default: str, extra: list) -> str:
    """The legend character of 'wall' or 'outside', adding one to the legend if missing."""
    ch = floor.char_for(what)
    if ch is None:
        ch = default if default not in floor.legend else floor.free_char()
        floor.legend[ch] = what
        extra.append(E.SetValue(("floor_plan", "legend", ch), what))
    return ch


def _add_item(doc, floor: Floor, kind: str, cells: list[tuple[int, int]], extra: list,
              paint: dict) -> str:
    ident, n = new_id(doc, kind)
    ch = floor.free_char(set(paint.values()))
    floor.legend[ch] = ident
    extra.append(E.SetValue(("floor_plan", "legend", ch), ident))
    extra.append(E.InsertItem(ITEM_LISTS[kind], -1, {"id": ident, **NEW_ITEM[kind](n)}))
    for cell in cells:
        paint[cell] = ch
    return ident


def draw_room(doc, corner_a: tuple[int, int], corner_b: tuple[int, int]) -> Optional[E.Group]:
    """A room as a rectangle of floor inside a wall; walls it shares with a room already
    drawn stay walls, so two rooms drawn side by side share one wall."""
    floor = Floor.of(doc)
    rows, cols = floor.shape
    r0, r1 = sorted((max(0, min(corner_a[0], corner_b[0])), min(rows - 1, max(corner_a[0], corner_b[0]))))
    c0, c1 = sorted((max(0, min(corner_a[1], corner_b[1])), min(cols - 1, max(corner_a[1], corner_b[1]))))
    if r1 - r0 < 2 or c1 - c0 < 2:
        return None  # a room needs at least one cell of floor inside its walls
    edits: list = []
    paint: dict = {}
    wall = _terrain_char(floor, "wall", "#", edits)
    inside = [(r, c) for r in range(r0 + 1, r1) for c in range(c0 + 1, c1)]
    ident = _add_item(doc, floor, "room", inside, edits, paint)
    for r in range(r0, r1 + 1):
        for c in range(c0, c1 + 1):
            if (r in (r0, r1) or c in (c0, c1)) and floor.kind_at((r, c)) in ("outside", "unknown", "room"):
                paint[(r, c)] = wall
    edits.append(E.SetValue(("floor_plan", "map"), floor.painted(paint)))
    return E.Group(tuple(edits), f"room '{ident}' drawn")


def paint_wall(doc, cells: list[tuple[int, int]]) -> Optional[E.Group]:
    floor = Floor.of(doc)
    edits: list = []
    wall = _terrain_char(floor, "wall", "#", edits)
    cells = [c for c in cells if floor.kind_at(c) not in ("none", "wall")]
    if not cells:
        return None
    edits.append(E.SetValue(("floor_plan", "map"), floor.painted({c: wall for c in cells})))
    return E.Group(tuple(edits), f"{len(cells)} wall cell{'s' if len(cells) != 1 else ''} drawn")


def add_opening(doc, kind: str, cells: list[tuple[int, int]], extend: Optional[str] = None) -> Optional[E.Group]:
    """A door, window or exit on the cells given (a door or window goes in a wall). With
    `extend` (the id of the selected door, window or exit), the cells join it instead."""
    floor = Floor.of(doc)
    allowed = ("wall",) if kind in ("door", "window") else ("wall", "outside", "room", "unknown")
    cells = [c for c in cells if floor.kind_at(c) in allowed]
    if not cells:
        return None
    edits: list = []
    paint: dict = {}
    if extend and floor.kinds.get(extend) == kind and floor.char_for(extend):
        ch = floor.char_for(extend)
        paint = {c: ch for c in cells}
        ident, label = extend, f"{kind} '{extend}' made wider"
    else:
        ident = _add_item(doc, floor, kind, cells, edits, paint)
        label = f"{kind} '{ident}' added"
    edits.append(E.SetValue(("floor_plan", "map"), floor.painted(paint)))
    return E.Group(tuple(edits), label)


def place(doc, kind: str, cell: tuple[int, int]) -> Optional[E.Group]:
    """A victim, perpetrator or evidence item on a floor cell ([column, row], as the
    format writes a cell), or a unit arriving at the room or exit clicked."""
    floor = Floor.of(doc)
    where = floor.kind_at(cell)
    ident, n = new_id(doc, kind)
    item = {"id": ident, **NEW_ITEM[kind](n)}
    if kind == "unit":
        target = floor.id_at(cell)
        if where not in ("room", "exit"):
            return None
        agencies = doc.plain(("agencies",), []) or []
        item["agency"] = agencies[0]["id"] if agencies and isinstance(agencies[0], dict) else "police"
        item["at"] = target
    else:
        if where != "room":
            return None
        item["at"] = [cell[1], cell[0]]
    return E.Group((E.InsertItem(ITEM_LISTS[kind], -1, item),), f"{kind} '{ident}' placed")


def move(doc, path: tuple, cell: tuple[int, int]) -> Optional[E.Group]:
    """Move a person or item (its `at`) to the cell, or a unit to the room or exit there."""
    floor = Floor.of(doc)
    if path[0] == "units":
        if floor.kind_at(cell) not in ("room", "exit"):
            return None
        value = floor.id_at(cell)
    else:
        if floor.kind_at(cell) != "room":
            return None
        value = [cell[1], cell[0]]
    return E.Group((E.SetValue(path + ("at",), value),), "moved")


def delete(doc, path: tuple) -> Optional[E.Group]:
    """Remove a list item; a room, door, window or exit also leaves the map and legend
    (a room's cells become outside, an opening's become wall again)."""
    if not isinstance(path[-1], int):
        return None
    item = doc.plain(path)
    edits: list = []
    if path[0] == "floor_plan" and isinstance(item, dict):
        floor = Floor.of(doc)
        ident = item.get("id")
        chars = [ch for ch, t in floor.legend.items() if t == ident]
        if chars:
            fill = _terrain_char(floor, "outside" if path[1] == "rooms" else "wall",
                                 "~" if path[1] == "rooms" else "#", edits)
            edits.append(E.SetValue(("floor_plan", "map"), floor.painted({c: fill for c in floor.cells_of(ident)})))
            for ch in chars:
                edits.append(E.RemoveKey(("floor_plan", "legend", ch)))
    edits.append(E.RemoveItem(path[:-1], path[-1]))
    name = item.get("id") if isinstance(item, dict) else path[-1]
    return E.Group(tuple(edits), f"'{name}' removed")


def resize(doc, height: int, width: int) -> Optional[E.Group]:
    floor = Floor.of(doc)
    if height < 3 or width < 3 or (height, width) == floor.shape:
        return None
    edits: list = []
    outside = _terrain_char(floor, "outside", "~", edits)
    edits.append(E.SetValue(("floor_plan", "map"), floor.resized(height, width, outside)))
    return E.Group(tuple(edits), f"map resized to {width} x {height} cells")


def add_decision(doc, at_seconds: float = 60) -> E.Group:
    ident, n = new_id(doc, "decision")
    decision = {"id": ident, "at": at_seconds, "prompt": f"Decision {n}: what do you do?",
                "time_allowed": 60,
                "options": [{"id": "first", "label": "First option", "orders": []},
                            {"id": "second", "label": "Second option", "orders": []}],
                "default": "first"}
    return E.Group((E.InsertItem(("decisions",), -1, decision),), f"decision '{ident}' added")


def add_item(doc, section: tuple, template: dict, kind: str) -> E.Group:
    ident, n = new_id(doc, kind)
    return E.Group((E.InsertItem(section, -1, {"id": ident, **template}),), f"{kind} '{ident}' added")
