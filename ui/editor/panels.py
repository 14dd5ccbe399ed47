"""The side panel's pages: properties (forms generated from the format), problems, the
scenario's sections, the timeline of injects and decisions, and trying the scenario out.

`build` makes a page's widgets and registers what each does in `app.commands`; `click`
and `draw` handle the pages drawn by hand (the problems list and the timeline).
"""
from __future__ import annotations

from typing import Optional

import pygame
import pygame_gui

from sim.format import spec
from ui.editor import edits as E
from ui.editor import forms, tools
from ui.editor.trial import Trial  # noqa: F401  (the app makes one; re-exported here)
from ui.widgets import ACCENT, MUTED, TEXT, font, wrap


TAB_TIPS = {
    "Properties": "The fields of what is selected, from the scenario format; hover a field's name for what it means",
    "Problems": "Every problem the validate command would report, in its words; click one to go to it",
    "Scenario": "Every section of the scenario: briefing, agencies, seats, channels, scoring, the guide, plans",
    "Timeline": "Injects and decision points on the exercise clock, and those set off by events",
    "Try it": "Run the doctrine plan, calibrate, play, or write the preview image",
}
SHORTCUTS = [("Ctrl-Z", "undo"), ("Ctrl-Y or Ctrl-Shift-Z", "redo"), ("Ctrl-S", "save (problems: work in progress)"),
             ("Delete", "remove what is selected"), ("Esc", "cancel a drawing, then the tool, then the selection"),
             ("S R W D N E", "tools: select, room, wall, door, window, exit"),
             ("V P I U", "place a victim, perpetrator, evidence item, unit"),
             ("wheel, + -, 0", "zoom at the mouse, zoom, fit the map"),
             ("right-drag, arrows", "pan the map"), ("Enter", "apply a field you typed in"), ("?", "this help")]
# What to do about the problems a new scenario starts with (validate's words stay as they are).
HINTS = {"floor_plan.rooms": "Draw one with the Room tool (R): drag a rectangle on the map.",
         "floor_plan.exits": "Draw the stairs or street with the Exit/stairs tool (E), outside the flat's door.",
         "units": "Place one with the Unit tool (U): click the exit or room where it arrives.",
         "victims": "Place one with the Victim tool (V)."}
SINGULAR = {"agencies": "agency", "capabilities": "capability", "intelligence": "intelligence",
            "evidence": "evidence", "tasks": "task", "targets": "target"}
SECTION_WORDS = {"floor_plan": "floor plan: map size, cell size, background", "doctrine_plan": "doctrine plan",
                 "evaluation_guide": "evaluation guide", "lead_agency": "lead agency"}


class FieldCommand:
    """What a field's entry or drop-down does: write the typed value into the document."""

    def __init__(self, app: "ui.editor.app.EditorApp", row: forms.FieldRow):
        self.app, self.row = app, row

    def __call__(self, text: str) -> None:
        apply_field(self.app, self.row, text)


def apply_field(app: "ui.editor.app.EditorApp", row: forms.FieldRow, text: str, *, rebuild: bool = True) -> None:
    if text == row.value:
        return
    value = forms.parse(row, text)
    if value is None and not row.required:
        edit = E.RemoveKey(row.path) if app.doc.get(row.path) is not None else None
    else:
        edit = E.SetValue(row.path, value)
    if edit is not None:
        app.execute(E.Group((edit,), f"{row.name} set"))
        if row.path[-1] == "id" or row.name.endswith("name"):
            app.floor = app.floor.of(app.doc)
        if rebuild:
            app.build()


def describe(app: "ui.editor.app.EditorApp", path: tuple) -> str:
    """Words for a selected thing: its kind and name (never only an internal id)."""
    if not path:
        return "the scenario"
    value = app.doc.plain(path)
    kind = {"victims": "victim", "perpetrators": "perpetrator", "evidence": "evidence", "units": "unit",
            "rooms": "room", "doors": "door", "windows": "window", "exits": "exit", "agencies": "agency",
            "injects": "inject", "decisions": "decision", "seats": "seat", "channels": "channel"}
    section = path[-2] if isinstance(path[-1], int) and len(path) >= 2 else path[-1]
    if isinstance(value, dict):
        name = value.get("name") or value.get("label") or value.get("title") or value.get("text") or value.get("id")
        words = str(name) if name is not None else ""
        if len(words) > 40:
            words = words[:38] + "…"
        return f"{kind.get(section, str(section).replace('_', ' '))} {words}".strip()
    return str(section).replace("_", " ")


def build(app: "ui.editor.app.EditorApp", rect: pygame.Rect) -> None:
    app.panel_rect = rect
    getattr(globals().get(f"_build_{app.panel.lower().replace(' ', '_')}"), "__call__")(app, rect)


def _button(app, rect, words, command, tip=None, container=None):
    button = pygame_gui.elements.UIButton(rect, words, app.manager, container=container, tool_tip_text=tip)
    app.commands[button] = command
    return button


def _build_properties(app: "ui.editor.app.EditorApp", rect: pygame.Rect) -> None:
    path = app.selection
    if path is None:
        pygame_gui.elements.UITextBox(
            "<b>Nothing is selected.</b><br>Pick the Select tool (S) and click a room, door or person on the "
            "map, or open a section under <b>Scenario</b>. Draw with the tools on the bar above; hover a tool "
            "for what it does.", rect, app.manager)
        return
    y = rect.top
    crumbs = [((), "scenario")] + [(path[:i + 1], describe(app, path[:i + 1])) for i in range(len(path))
                                    if not isinstance(path[i], int) or i == len(path) - 1]
    x = rect.left
    shown = crumbs[-3:]
    for n, (target, words) in enumerate(shown):
        room = rect.right - x - 4 * (len(shown) - n - 1) - 60 * (len(shown) - n - 1)
        while len(words) > 8 and font(14).size(words)[0] + 18 > room:
            words = words[:-2].rstrip() + "…"
        width = min(room, font(14).size(words)[0] + 18)
        _button(app, pygame.Rect(x, y, width, 28), words, lambda t=target: app.select(t), f"go to {words}")
        x += width + 4
    y += 34
    value = app.doc.plain(path)
    scroll = pygame_gui.elements.UIScrollingContainer(pygame.Rect(rect.left, y, rect.width, rect.bottom - y - 40),
                                                      app.manager, allow_scroll_x=False)
    inner_w = rect.width - 24
    row_y = 0
    if isinstance(value, list) or (value is None and forms.model_at(path, app.doc) is None and path):
        for i, item in enumerate(value or []):
            words = describe(app, path + (i,)) if isinstance(item, dict) else forms.show(item, "value")
            _button(app, pygame.Rect(0, row_y, inner_w, 28), words[:60], lambda p=path + (i,): app.select(p),
                    container=scroll)
            row_y += 32
        _button(app, pygame.Rect(0, row_y + 6, 160, 30), "Add one", lambda: _add_to(app, path),
                "a new item with the fields the format requires", container=scroll)
        row_y += 44
    else:
        depth = 1 if len(path) >= 2 else 0
        group = ""
        for row in forms.rows_for(app.doc, path, depth=depth):
            if row.path[:2] == ("floor_plan", "map") or row.path[:2] == ("floor_plan", "legend"):
                continue  # drawn with the tools on the map (or in a text editor), not typed in a box
            head = row.name.rpartition(".")[0]
            if head and head != group:
                pygame_gui.elements.UILabel(pygame.Rect(0, row_y + 2, inner_w, 24), head.replace("_", " ") + ":",
                                            app.manager, container=scroll)
                row_y += 28
            group = head
            row_y = _field(app, scroll, row, row_y, inner_w)
        if isinstance(path[-1], int):
            _button(app, pygame.Rect(0, row_y + 8, 160, 30), "Remove (Del)", app.delete_selected,
                    "remove this from the scenario (Ctrl-Z brings it back)", container=scroll)
            row_y += 46
        if path == ("floor_plan",):
            row_y = _map_size(app, scroll, row_y, inner_w)
    scroll.set_scrollable_area_dimensions((inner_w, max(row_y + 10, 10)))
    app.scroll = scroll
    plan_tools(app, rect)


def _field(app, scroll, row: forms.FieldRow, y: int, width: int) -> int:
    label_w = 170
    words = ("    " if "." in row.name else "") + row.name.rpartition(".")[2].replace("_", " ") + \
        (" *" if row.required else "")
    focus = app.focus_field is not None and row.name.split(".")[0] == app.focus_field
    label = pygame_gui.elements.UIButton(pygame.Rect(0, y, label_w, 30), words, app.manager, container=scroll,
                                         tool_tip_text=(row.description or "no description in the format")
                                         + (" (required)" if row.required else ""))
    if focus:
        label.select()
    box = pygame.Rect(label_w + 4, y, width - label_w - 4, 30)
    if row.opens:
        words = _summary(app, row)
        _button(app, box, words, lambda p=row.path: app.select(p), row.description, container=scroll)
    elif row.kind in ("choice", "bool"):
        options = list(row.choices)
        current = row.value if row.value in options else options[0]
        menu = pygame_gui.elements.UIDropDownMenu(options, current, box, app.manager, container=scroll)
        app.commands[menu] = FieldCommand(app, row)
    else:
        entry = pygame_gui.elements.UITextEntryLine(box, app.manager, container=scroll, initial_text=row.value)
        app.commands[entry] = FieldCommand(app, row)
        if focus:
            entry.focus()
    return y + 34


def _summary(app, row) -> str:
    value = app.doc.plain(row.path)
    if isinstance(value, list):
        return f"{len(value)} item{'s' if len(value) != 1 else ''}  ›"
    if isinstance(value, dict):
        return f"{len(value)} field{'s' if len(value) != 1 else ''}  ›"
    return "not set  ›"


def _map_size(app, scroll, y: int, width: int) -> int:
    rows, cols = app.floor.shape
    pygame_gui.elements.UILabel(pygame.Rect(0, y + 6, width, 26), f"Map size: {cols} columns x {rows} rows "
                                f"({cols * app.floor.cell_size:g} x {rows * app.floor.cell_size:g} m)",
                                app.manager, container=scroll)
    y += 36
    cols_entry = pygame_gui.elements.UITextEntryLine(pygame.Rect(0, y, 80, 30), app.manager, container=scroll,
                                                     initial_text=str(cols))
    rows_entry = pygame_gui.elements.UITextEntryLine(pygame.Rect(90, y, 80, 30), app.manager, container=scroll,
                                                     initial_text=str(rows))

    def resize():
        try:
            c, r = int(cols_entry.get_text()), int(rows_entry.get_text())
        except ValueError:
            app.say("Type the number of columns and rows as whole numbers.", warn=True)
            return
        if not app.execute(tools.resize(app.doc, r, c)):
            app.say("A map needs at least 3 x 3 cells.", warn=True)
        app.view.fit()
        app.build()

    _button(app, pygame.Rect(180, y, 150, 30), "Resize map", resize,
            "columns, rows: cells added on the right and bottom are outside; cut cells are lost (Ctrl-Z)",
            container=scroll)
    return y + 40


def _add_to(app: "ui.editor.app.EditorApp", path: tuple) -> None:
    template = forms.new_item(app.doc, path)
    if "id" in template:
        kind = SINGULAR.get(str(path[-1]), str(path[-1]).rstrip("s") or "item")
        template["id"], _ = tools.new_id(app.doc, kind)
    app.execute(E.Group((E.InsertItem(path, -1, template),), f"added to {path[-1]}"))
    app.select(path + (len(app.doc.plain(path, [])) - 1,))


def plan_tools(app: "ui.editor.app.EditorApp", rect: pygame.Rect) -> None:
    """Under every page: the plan files (doctrine plan in the planning screen, calibration drafts)."""


def _build_problems(app: "ui.editor.app.EditorApp", rect: pygame.Rect) -> None:
    app.problem_rects = []


def _build_scenario(app: "ui.editor.app.EditorApp", rect: pygame.Rect) -> None:
    y = rect.top
    pygame_gui.elements.UILabel(pygame.Rect(rect.left, y, rect.width, 24), "Sections of the scenario (click to edit):",
                                app.manager)
    y += 28
    _button(app, pygame.Rect(rect.left, y, rect.width, 30), "Title, summary, difficulty, ids", lambda: app.select(()),
            "the scenario's own fields")
    y += 34
    names = [n for n in spec.Scenario.model_fields if n not in
             ("format", "id", "title", "version", "summary", "estimated_minutes", "difficulty", "lead_agency")]
    names.remove("floor_plan")
    half = (rect.width - 6) // 2
    cells = [("floor_plan", rect.left, rect.width)]
    cells += [(name, rect.left + (i % 2) * (half + 6), half) for i, name in enumerate(names)]
    for i, (name, x, width) in enumerate(cells):
        info = spec.Scenario.model_fields[name]
        words = SECTION_WORDS.get(name, name.replace("_", " "))
        value = app.doc.plain((name,))
        if isinstance(value, list):
            words += f" ({len(value)})"
        tip = " ".join((info.description or forms._describe(info, forms._strip(info.annotation)) or name).split())
        _button(app, pygame.Rect(x, y, width, 30), words[:44], lambda n=name: app.select((n,)), tip)
        if i == 0 or i % 2 == 0 or i == len(cells) - 1:
            y += 34
    plan_tools(app, rect)


def _build_timeline(app: "ui.editor.app.EditorApp", rect: pygame.Rect) -> None:
    _button(app, pygame.Rect(rect.left, rect.bottom - 34, 160, 30), "Add decision",
            lambda: (app.execute(tools.add_decision(app.doc)),
                     app.select(("decisions", len(app.doc.plain(("decisions",), [])) - 1))),
            "a decision point at 60 s with two options; its orders, trigger and text in its fields")
    _button(app, pygame.Rect(rect.left + 170, rect.bottom - 34, 160, 30), "Add inject",
            lambda: (app.execute(tools.add_item(app.doc, ("injects",), {"at": 60, "message": "New message"}, "inject")),
                     app.select(("injects", len(app.doc.plain(("injects",), [])) - 1))),
            "a message or event at 60 s; its effects and trigger in its fields")
    app.timeline_rects = []


def _build_try_it(app: "ui.editor.app.EditorApp", rect: pygame.Rect) -> None:
    app.trial.build(rect)


def build_restore(app: "ui.editor.app.EditorApp") -> None:
    w, h = app.size
    box = pygame.Rect(0, 0, 560, 200)
    box.center = (w // 2, h // 2)
    left = app.leftover
    pygame_gui.elements.UITextBox(
        f"<b>Unsaved work was found.</b><br>{left.edits} change{'s' if left.edits != 1 else ''} made on "
        f"{left.started} to {left.scenario_path or 'a new scenario'} were not saved (the window was closed or "
        "the editor stopped). Restore them?", pygame.Rect(box.left, box.top, box.width, 140), app.manager)
    _button(app, pygame.Rect(box.left + 40, box.bottom - 50, 220, 36), "Restore my changes", lambda: app.restore(True))
    _button(app, pygame.Rect(box.right - 260, box.bottom - 50, 220, 36), "Discard them", lambda: app.restore(False))


def ask_distance(app: "ui.editor.app.EditorApp") -> None:
    w, h = app.size
    box = pygame.Rect(0, 0, 420, 110)
    box.center = app.map_rect.center
    pygame_gui.elements.UILabel(pygame.Rect(box.left, box.top, box.width, 30),
                                "Distance between the two points, in metres:", app.manager)
    entry = pygame_gui.elements.UITextEntryLine(pygame.Rect(box.left + 100, box.top + 40, 200, 32), app.manager)
    entry.focus()

    class Distance:
        row = None

        def __call__(self, text):
            try:
                metres = float(text.replace(",", "."))
            except ValueError:
                app.say("Type the distance as a number of metres, e.g. 3.5", warn=True)
                return
            app.set_scale(metres)

    app.commands[entry] = Distance()
    app.commands[entry].row = True


def scroll(app: "ui.editor.app.EditorApp", amount: int) -> None:
    bar = getattr(getattr(app, "scroll", None), "vert_scroll_bar", None)
    if bar is not None:
        bar.set_scroll_from_start_percentage(max(0.0, min(1.0, bar.start_percentage - amount * 0.08)))


def click(app: "ui.editor.app.EditorApp", pos, button: int) -> None:
    if app.panel == "Problems":
        for rect, problem in getattr(app, "problem_rects", []):
            if rect.collidepoint(pos):
                app.select(problem.object_path or (), problem.field)
                return
    if app.panel == "Timeline":
        for rect, path in getattr(app, "timeline_rects", []):
            if rect.collidepoint(pos):
                app.select(path)
                return


def draw(app: "ui.editor.app.EditorApp", surface: pygame.Surface) -> None:
    side = app.side_rect
    surface.fill((30, 34, 41), side)
    pygame.draw.line(surface, (70, 76, 88), side.topleft, side.bottomleft, 1)
    rect = getattr(app, "panel_rect", side)
    if app.panel == "Problems":
        _draw_problems(app, surface, rect)
    elif app.panel == "Timeline":
        _draw_timeline(app, surface, rect)


def _draw_problems(app: "ui.editor.app.EditorApp", surface, rect: pygame.Rect) -> None:
    found = app.result.problems
    y = rect.top
    if not found:
        lines = wrap("No problems: the scenario validates, and run, play and calibrate accept it.", rect.width, 15,
                     bold=True)
        for line in lines:
            surface.blit(font(15, True).render(line, True, (120, 200, 140)), (rect.left, y))
            y += 20
        app.problem_rects = []
        return
    head = (f"{len(found)} problem{'s' if len(found) != 1 else ''}, as validate reports them. Saving keeps your work "
            "as a work in progress; validate, run and play refuse it until these are fixed. Click one to go to it.")
    for line in wrap(head, rect.width, 14):
        surface.blit(font(14).render(line, True, (240, 160, 80)), (rect.left, y))
        y += 18
    y += 6
    rects = []
    for problem in found:
        p = problem.problem
        where = f"line {p.line}, column {p.column}" + (f" · {p.field}" if p.field else "")
        lines = wrap(p.message, rect.width - 10, 14)
        hint = wrap(HINTS[p.field], rect.width - 10, 13) if p.field in HINTS and "at least 1" in p.message else []
        height = 20 + 18 * len(lines) + 16 * len(hint) + 6
        if y + height > rect.bottom:
            more = len(found) - len(rects)
            surface.blit(font(14, True).render(f"... and {more} more (fix these first, or scroll the file)", True, MUTED),
                         (rect.left, y))
            break
        box = pygame.Rect(rect.left, y, rect.width, height)
        selected = app.selection is not None and problem.object_path == app.selection
        pygame.draw.rect(surface, (52, 44, 40) if selected else (40, 44, 52), box, border_radius=4)
        surface.blit(font(13, True).render(where, True, ACCENT), (box.left + 5, box.top + 3))
        ly = box.top + 21
        for line in lines:
            surface.blit(font(14).render(line, True, TEXT), (box.left + 5, ly))
            ly += 18
        for line in hint:
            surface.blit(font(13).render(line, True, (120, 200, 140)), (box.left + 5, ly))
            ly += 16
        rects.append((box, problem))
        y += height + 4
    app.problem_rects = rects


def _draw_timeline(app: "ui.editor.app.EditorApp", surface, rect: pygame.Rect) -> None:
    items = []
    for section, kind in (("injects", "inject"), ("decisions", "decision")):
        for i, item in enumerate(app.doc.plain((section,), []) or []):
            if isinstance(item, dict):
                items.append(((section, i), kind, item))
    timed = [(p, k, it) for p, k, it in items if isinstance(it.get("at"), (int, float))]
    triggered = [(p, k, it) for p, k, it in items if not isinstance(it.get("at"), (int, float))]
    rects = []
    y = rect.top
    surface.blit(font(15, True).render("On the clock", True, MUTED), (rect.left, y))
    y += 24
    end = max([60.0] + [float(it["at"]) for _, _, it in timed]) * 1.1
    axis = pygame.Rect(rect.left + 10, y + 10, rect.width - 20, 2)
    surface.fill(MUTED, axis)
    for t in range(0, int(end) + 1, max(60, int(end / 6) // 60 * 60)):
        x = axis.left + axis.width * t / end
        pygame.draw.line(surface, MUTED, (x, axis.top - 4), (x, axis.top + 6))
        label = font(12).render(f"{t // 60}:{t % 60:02d}", True, MUTED)
        surface.blit(label, label.get_rect(midtop=(x, axis.top + 8)))
    y = axis.top + 30
    taken: list[pygame.Rect] = []
    for path, kind, item in sorted(timed, key=lambda p: p[2]["at"]):
        x = axis.left + axis.width * float(item["at"]) / end
        colour = ACCENT if kind == "decision" else (86, 180, 233)
        pygame.draw.circle(surface, colour, (round(x), axis.top + 1), 6)
        words = f"{kind} {item.get('id')} at {item['at']:g} s"
        image = font(14).render(words, True, TEXT)
        box = image.get_rect(topleft=(min(x, rect.right - image.get_width()), y))
        while box.collidelist(taken) >= 0:
            box.move_ip(0, 20)
        taken.append(box)
        pygame.draw.line(surface, colour, (x, axis.top + 6), (x, box.top), 1)
        surface.blit(image, box)
        rects.append((box, path))
    y = max([b.bottom for b in taken] + [y]) + 16
    surface.blit(font(15, True).render("Set off by events", True, MUTED), (rect.left, y))
    y += 24
    for path, kind, item in triggered:
        trigger = item.get("on") or item.get("when") or "no trigger yet"
        for line in wrap(f"{kind} {item.get('id')}: {trigger}", rect.width, 14)[:2]:
            image = font(14).render(line, True, TEXT)
            box = image.get_rect(topleft=(rect.left, y))
            surface.blit(image, box)
            rects.append((box, path))
            y += 18
        y += 4
        if y > rect.bottom - 50:
            break
    app.timeline_rects = rects


def draw_help_card(app: "ui.editor.app.EditorApp", surface: pygame.Surface) -> None:
    """The ? card: what the tools do, then the keys and the mouse."""
    from ui.editor.tools import TOOLS
    w, h = surface.get_size()
    shade = pygame.Surface((w, h), pygame.SRCALPHA)
    shade.fill((0, 0, 0, 180))
    surface.blit(shade, (0, 0))
    box = pygame.Rect(0, 0, min(w - 40, 1100), min(h - 40, 720))
    box.center = (w // 2, h // 2)
    pygame.draw.rect(surface, (34, 38, 46), box, border_radius=8)
    pygame.draw.rect(surface, (70, 76, 88), box, 1, border_radius=8)
    half = (box.width - 60) // 2
    x, y = box.left + 20, box.top + 16
    surface.blit(font(17, True).render("Tools", True, ACCENT), (x, y))
    y += 28
    for _, words, shortcut, tip in TOOLS:
        text = tip.split(": ", 1)[-1]
        head = f"{words} ({shortcut})" if shortcut else words
        surface.blit(font(14, True).render(head, True, TEXT), (x, y))
        y += 18
        for line in wrap(text, half, 13)[:3]:
            surface.blit(font(13).render(line, True, MUTED), (x + 10, y))
            y += 16
        y += 4
    x, y = box.left + 40 + half, box.top + 16
    surface.blit(font(17, True).render("Keys and mouse", True, ACCENT), (x, y))
    y += 28
    key_w = max(font(14, True).size(k)[0] for k, _ in SHORTCUTS) + 16
    for keys, what in SHORTCUTS:
        surface.blit(font(14, True).render(keys, True, TEXT), (x, y))
        for line in wrap(what, half - key_w, 14):
            surface.blit(font(14).render(line, True, MUTED), (x + key_w, y))
            y += 19
        y += 4
    y += 10
    for line in wrap("The file stays yours: saving keeps your comments, order and layout. Problems are those "
                     "validate reports; a scenario with problems can be saved as work in progress. Unsaved work "
                     "is journalled as you make it and offered back if the editor is closed.", half, 14):
        surface.blit(font(14).render(line, True, TEXT), (x, y))
        y += 19
    close = font(13).render("Press any key or click to close", True, MUTED)
    surface.blit(close, close.get_rect(midbottom=(box.centerx, box.bottom - 10)))
