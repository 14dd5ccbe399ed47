"""The editor's window: a tool bar, the map, a side panel (properties, problems, the
scenario's sections, the timeline, try it) and a status line.

Widget events and map clicks become commands in `handle` and `panels`, never in drawing
code; every change to the scenario is an edit on the document (`ui.editor.document`), so
it can be undone and is journalled. Nothing happens at import time: tests make an
`EditorApp` under SDL_VIDEODRIVER=dummy and feed it posted events through `frame`.
"""
from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Callable, Optional

import pygame
import pygame_gui

from ui.editor import edits as E
from ui.editor import mapview, panels, problems, tools
from ui.editor.tools import TOOLS
from ui.editor.document import Document
from ui.editor.floor import Floor
from ui.editor.journal import Leftover
from ui.widgets import ACCENT, TEXT, font

THEME = Path(__file__).resolve().parent.parent / "theme.json"
TOOLBAR_H, STATUS_H, SIDE_W = 46, 30, 480

PANELS = ["Properties", "Problems", "Scenario", "Timeline", "Try it"]
CHECK_DELAY = 0.25  # seconds after the last change before the live check runs


class EditorApp:
    def __init__(self, doc: Document, *, size: tuple[int, int] = (1360, 860), leftover: Optional[Leftover] = None,
                 screenshots: Optional[Path] = None):
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        pygame.init()
        pygame.key.set_repeat(400, 40)
        self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        self.manager = pygame_gui.UIManager(size, THEME if THEME.exists() else None)
        self.manager.preload_fonts([{"name": "noto_sans", "point_size": 14, "style": style, "antialiased": "1"}
                                    for style in ("bold", "italic")])
        self.clock = pygame.time.Clock()
        self.doc = doc
        self.leftover = leftover
        self.tool = "select"
        self.selection: Optional[tuple] = None
        self.focus_field: Optional[str] = None
        self.panel = "Problems"
        self.status, self.status_warn = "", False
        self.help_visible = False
        self.running = True
        self.frames = 0
        self.screenshots = screenshots
        self.shots: list[Path] = []
        self.commands: dict = {}  # widget -> what pressing or changing it does
        self.pending: dict = {}  # field entry -> text typed and not yet applied
        self.drag: Optional[dict] = None
        self.measure: list = []  # screen points of a scale measurement
        self.background: Optional[pygame.Surface] = None
        self._background_key = None
        self.floor = Floor.of(doc)
        self.result = problems.check(doc)
        self._checked = doc.version
        self._checker = problems.Background()
        self._changed_at = 0.0
        self.trial = panels.Trial(self)
        self.view = mapview.View(self.map_rect, *self.floor.shape)
        self.view.fit()
        self.on_frame: list[Callable[["EditorApp"], None]] = []
        self.plan_mode = None  # the planning screen, while a plan is drawn in it
        self._map_key, self._map_image = None, None
        doc.listeners.append(self._on_change)
        self._set_caption()
        self.build()

    # -- layout ------------------------------------------------------------------------
    @property
    def size(self) -> tuple[int, int]:
        return self.screen.get_size()

    @property
    def map_rect(self) -> pygame.Rect:
        w, h = self.size
        return pygame.Rect(0, TOOLBAR_H, w - SIDE_W, h - TOOLBAR_H - STATUS_H)

    @property
    def side_rect(self) -> pygame.Rect:
        w, h = self.size
        return pygame.Rect(w - SIDE_W, TOOLBAR_H, SIDE_W, h - TOOLBAR_H - STATUS_H)

    def build(self) -> None:
        """(Re)create every widget for the current size, tool, panel and selection."""
        self.flush_pending()
        self.manager.clear_and_reset()
        self.commands = {}
        self.pending = {}
        x = 6
        for tool, words, key, tip in TOOLS:
            width = font(15).size(words)[0] + 22
            button = pygame_gui.elements.UIButton(pygame.Rect(x, 6, width, 34), words, self.manager, tool_tip_text=tip)
            if tool == self.tool:
                button.select()
            self.commands[button] = lambda t=tool: self.set_tool(t)
            x += width + 4
        x += 10
        for words, tip, command in (("Undo", "Undo the last change (Ctrl-Z)", self.undo),
                                    ("Redo", "Redo (Ctrl-Y or Ctrl-Shift-Z)", self.redo),
                                    ("Save", "Save the scenario (Ctrl-S); a scenario with problems is saved as "
                                             "work in progress", self.save),
                                    ("?", "Help: tools, keys and mouse (?)", self.toggle_help)):
            width = font(15).size(words)[0] + 22
            button = pygame_gui.elements.UIButton(pygame.Rect(x, 6, width, 34), words, self.manager, tool_tip_text=tip)
            self.commands[button] = command
            x += width + 4
        side = self.side_rect
        labels = [name if name != "Problems" else f"Problems ({len(self.result.problems)})" for name in PANELS]
        widths = [font(15).size(words)[0] + 16 for words in labels]
        spare = max(0, (side.width - 8 - sum(widths) - 2 * len(widths)) // len(widths))
        tab_x = side.left + 4
        for name, words, width in zip(PANELS, labels, widths):
            button = pygame_gui.elements.UIButton(pygame.Rect(tab_x, side.top + 4, width + spare, 30),
                                                  words, self.manager, tool_tip_text=panels.TAB_TIPS[name])
            tab_x += width + spare + 2
            if name == self.panel:
                button.select()
            self.commands[button] = lambda n=name: self.show_panel(n)
        panels.build(self, pygame.Rect(side.left + 6, side.top + 40, side.width - 12, side.height - 46))
        if self.leftover is not None:
            panels.build_restore(self)

    # -- commands ----------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        self.tool = tool
        self.measure = []
        self.say(dict((t, tip) for t, _, _, tip in TOOLS)[tool])
        self.build()

    def show_panel(self, name: str) -> None:
        self.panel = name
        self.build()

    def select(self, path: Optional[tuple], field: Optional[str] = None, *, show: bool = True) -> None:
        self.flush_pending()
        self.selection = tuple(path) if path is not None else None
        self.focus_field = field
        if show and path is not None:
            self.panel = "Properties"
        self.build()

    def execute(self, edit: Optional[E.Edit], *, quiet: bool = False) -> bool:
        if edit is None:
            return False
        try:
            self.doc.execute(edit)
        except (TypeError, KeyError, IndexError, AttributeError, ValueError) as exc:
            # e.g. a field inside a value typed as plain text: nothing changed, and the editor goes on
            self.say(f"Not changed: {getattr(edit, 'label', '') or 'that edit'} does not fit the file as it is "
                     f"({type(exc).__name__}); fix the field above it first.", warn=True)
            return False
        if not quiet:
            self.say(getattr(edit, "label", "") or "changed")
        return True

    def undo(self) -> None:
        self.flush_pending()
        self.say("undone" if self.doc.undo() else "nothing to undo")
        self._fix_selection()
        self.build()

    def redo(self) -> None:
        self.say("redone" if self.doc.redo() else "nothing to redo")
        self._fix_selection()
        self.build()

    def delete_selected(self) -> None:
        if self.selection and isinstance(self.selection[-1], int):
            if self.execute(tools.delete(self.doc, self.selection)):
                self.selection = None
                self.build()

    def save(self, path: Optional[str] = None) -> Optional[Path]:
        self.flush_pending()
        if path is None and self.doc.path is None:
            ident = self.doc.plain(("id",)) or "new_scenario"
            path = str(Path("scenarios") / f"{ident}.yaml")
        try:
            target = self.doc.save(path)
        except OSError as exc:
            self.say(f"NOT saved: {exc.strerror or exc} ({path or self.doc.path})", warn=True)
            return None
        self.refresh(force=True)
        count = len(self.result.problems)
        if count:
            self.say(f"Saved {target} as work in progress with {count} problem{'s' if count != 1 else ''}: "
                     "validate, run and play refuse it until they are fixed (see Problems).", warn=True)
        else:
            self.say(f"Saved {target}: it validates.")
        self._set_caption()
        self.build()
        return target

    def toggle_help(self) -> None:
        self.help_visible = not self.help_visible

    def restore(self, yes: bool) -> None:
        leftover, self.leftover = self.leftover, None
        if leftover is None:
            return
        if yes:
            count = self.doc.replay(leftover)
            self.say(f"Restored {count} unsaved change{'s' if count != 1 else ''} from {leftover.started}; "
                     "save to keep them.")
        else:
            leftover.path.unlink(missing_ok=True)
            self.say("The unsaved changes were discarded.")
        self.refresh(force=True)
        self.build()

    def say(self, words: str, *, warn: bool = False) -> None:
        self.status, self.status_warn = words, warn

    def flush_pending(self) -> None:
        """Apply what was typed into fields and not yet confirmed with Enter."""
        pending, self.pending = self.pending, {}
        for row, text in pending.values():
            panels.apply_field(self, row, text, rebuild=False)

    def _on_change(self) -> None:
        self._changed_at = time.monotonic()
        self.floor = Floor.of(self.doc)
        if (self.view.rows, self.view.cols) != self.floor.shape:
            self.view.rows, self.view.cols = self.floor.shape
        self._set_caption()

    def _fix_selection(self) -> None:
        if self.selection is not None and self.doc.get(self.selection) is None:
            self.selection = None

    def _set_caption(self) -> None:
        name = self.doc.path or "new scenario (not saved yet)"
        pygame.display.set_caption(f"Scenario editor: {name}{' *' if self.doc.dirty else ''}")

    def refresh(self, *, force: bool = False) -> None:
        """The live check: on its own thread once the trainer pauses (`force`: now, and wait)."""
        if force:
            self._take(problems.check(self.doc))
            return
        done = self._checker.poll()
        if done is not None:
            self._take(done)
        if self._checked != self.doc.version and time.monotonic() - self._changed_at >= CHECK_DELAY:
            self._checker.start(self.doc)

    def _take(self, result: problems.CheckResult) -> None:
        if result.version < self._checked:
            return  # an older check finished after a newer one
        before = len(self.result.problems)
        self.result = result
        self._checked = result.version
        if len(result.problems) != before:  # the tab's count; the lists are drawn each frame
            self._rebuild_wanted = True
        self._rebuild_when_idle()

    def _rebuild_when_idle(self) -> None:
        """Rebuild the widgets, but never under a trainer typing in a field."""
        if getattr(self, "_rebuild_wanted", False) and not self._typing():
            self._rebuild_wanted = False
            self.build()

    def _typing(self) -> bool:
        return any(isinstance(w, pygame_gui.elements.UITextEntryLine) for w in (self.manager.get_focus_set() or ()))

    # -- events ------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.quit()
            return
        if event.type == pygame.VIDEORESIZE:
            self.screen = pygame.display.set_mode((max(1024, event.w), max(700, event.h)), pygame.RESIZABLE)
            self.manager.set_window_resolution(self.size)
            self.view.rect = self.map_rect
            self._map_image = None
            self.build()
            return
        if self.help_visible and event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN):
            self.help_visible = False
            return
        if event.type == pygame.USEREVENT or event.type in (pygame_gui.UI_BUTTON_PRESSED, pygame_gui.UI_TEXT_ENTRY_FINISHED,
                                                             pygame_gui.UI_DROP_DOWN_MENU_CHANGED,
                                                             pygame_gui.UI_TEXT_ENTRY_CHANGED):
            self._widget_event(event)
            return
        if event.type == pygame.KEYDOWN and self._key(event):
            return
        if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION, pygame.MOUSEWHEEL):
            if self.leftover is not None:
                return
            if event.type == pygame.MOUSEWHEEL:
                pos = pygame.mouse.get_pos()
                if self.map_rect.collidepoint(pos):
                    self.view.zoom_at(pos, 1.15 ** event.y)
                elif self.side_rect.collidepoint(pos):
                    panels.scroll(self, event.y)
                return
            if hasattr(event, "pos") and self.side_rect.collidepoint(event.pos) and event.type == pygame.MOUSEBUTTONDOWN:
                panels.click(self, event.pos, event.button)
                return
            self._mouse(event)

    def _widget_event(self, event) -> None:
        element = getattr(event, "ui_element", None)
        command = self.commands.get(element)
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED:
            if element in self.commands and hasattr(command, "row"):
                self.pending[element] = (command.row, element.get_text())
            return
        if command is None:
            return
        if event.type == pygame_gui.UI_BUTTON_PRESSED and not hasattr(command, "row"):
            command()
        elif event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and hasattr(command, "row"):
            self.pending.pop(element, None)
            command(element.get_text())
        elif event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED and hasattr(command, "row"):
            command(event.text)

    def _key(self, event) -> bool:
        typing_text = self._typing()
        ctrl = event.mod & pygame.KMOD_CTRL
        if ctrl and event.key == pygame.K_z:
            self.redo() if event.mod & pygame.KMOD_SHIFT else self.undo()
        elif ctrl and event.key == pygame.K_y:
            self.redo()
        elif ctrl and event.key == pygame.K_s:
            self.save()
        elif typing_text:
            return False
        elif event.key in (pygame.K_DELETE, pygame.K_BACKSPACE):
            self.delete_selected()
        elif event.key == pygame.K_ESCAPE:
            if self.drag or self.measure:
                self.drag, self.measure = None, []
            elif self.tool != "select":
                self.set_tool("select")
            else:
                self.select(None, show=False)
        elif getattr(event, "unicode", "") == "?":
            self.toggle_help()
        elif getattr(event, "unicode", "") in ("+", "="):
            self.view.zoom_at(self.map_rect.center, 1.25)
        elif getattr(event, "unicode", "") == "-":
            self.view.zoom_at(self.map_rect.center, 0.8)
        elif getattr(event, "unicode", "") == "0":
            self.view.fit()
        elif event.key in (pygame.K_LEFT, pygame.K_RIGHT, pygame.K_UP, pygame.K_DOWN):
            step = 60
            self.view.pan({pygame.K_LEFT: step, pygame.K_RIGHT: -step}.get(event.key, 0),
                          {pygame.K_UP: step, pygame.K_DOWN: -step}.get(event.key, 0))
        else:
            letter = getattr(event, "unicode", "").upper()
            tool = next((t for t, _, k, _ in TOOLS if k and k == letter), None)
            if tool is None:
                return False
            self.set_tool(tool)
        return True

    def _mouse(self, event) -> None:
        view = self.view
        if event.type == pygame.MOUSEBUTTONDOWN and event.button in (2, 3) and self.map_rect.collidepoint(event.pos):
            self.drag = {"pan": event.pos}
            return
        if event.type == pygame.MOUSEMOTION and self.drag and "pan" in self.drag:
            x, y = self.drag["pan"]
            view.pan(event.pos[0] - x, event.pos[1] - y)
            self.drag["pan"] = event.pos
            return
        if event.type == pygame.MOUSEBUTTONUP and self.drag and "pan" in self.drag:
            self.drag = None
            return
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.map_rect.collidepoint(event.pos):
            cell = view.cell_at(event.pos)
            if self.tool == "scale":
                self._measure(event.pos)
                return
            if cell is None:
                return
            if self.tool in ("room", "wall", "exit"):
                self.drag = {"tool": self.tool, "start": cell, "end": cell}
            elif self.tool == "select":
                hit = self.hit(event.pos)
                self.select(hit, show=hit is not None)
                if hit and hit[0] in ("victims", "perpetrators", "evidence", "units"):
                    self.drag = {"move": hit, "start": cell, "end": cell}
            elif self.tool in ("door", "window"):
                same = self.selection and self.selection[:-1] == tools.ITEM_LISTS[self.tool]
                extend = self.doc.plain(self.selection + ("id",)) if same else None
                if extend and not _touches(self.floor.cells_of(extend), cell):
                    extend = None  # a click away from the selected door is a new door
                if not self.execute(tools.add_opening(self.doc, self.tool, [cell], extend)):
                    self.say(f"A {self.tool} goes in a wall: click a wall cell.", warn=True)
                else:
                    self._select_new(self.tool, extend)
            else:
                if self.execute(tools.place(self.doc, self.tool, cell)):
                    self._select_new(self.tool)
                else:
                    where = "a room or an exit" if self.tool == "unit" else "a room's floor"
                    self.say(f"Click {where} to place the {self.tool}.", warn=True)
            return
        if event.type == pygame.MOUSEMOTION and self.drag and "start" in self.drag:
            self.drag["end"] = view.cell_at(event.pos, clamp=True)
            return
        if event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self.drag and "start" in self.drag:
            drag, self.drag = self.drag, None
            end = view.cell_at(event.pos, clamp=True)
            if "move" in drag:
                if end != drag["start"]:
                    self.execute(tools.move(self.doc, drag["move"], end))
                return
            if drag["tool"] == "room":
                if self.execute(tools.draw_room(self.doc, drag["start"], end)):
                    self._select_new("room")
                else:
                    self.say("Drag a larger rectangle: a room needs floor inside its walls (3 x 3 cells or more).",
                             warn=True)
            elif drag["tool"] == "wall":
                self.execute(tools.paint_wall(self.doc, _line(drag["start"], end)))
            elif drag["tool"] == "exit":
                if self.execute(tools.add_opening(self.doc, "exit", _box(drag["start"], end))):
                    self._select_new("exit")

    def _select_new(self, kind: str, extend: Optional[str] = None) -> None:
        section = tools.ITEM_LISTS[kind]
        items = self.doc.plain(section, []) or []
        if extend:
            index = next(i for i, item in enumerate(items) if item.get("id") == extend)
        else:
            index = len(items) - 1
        self.select(section + (index,), show=True)

    def hit(self, pos) -> Optional[tuple]:
        """The person, item, opening or room under the mouse (people first)."""
        best = None
        for path, role, item, cell in mapview.people(self.doc, self.floor):
            x, y = self.view.centre(cell)
            d = math.hypot(pos[0] - x, pos[1] - y)
            if d <= max(10, self.view.zoom * 0.7) and (best is None or d < best[0]):
                best = (d, path)
        if best:
            return best[1]
        cell = self.view.cell_at(pos)
        ident = self.floor.id_at(cell) if cell else None
        kind = self.floor.kinds.get(ident)
        if kind:
            for i, item in enumerate(self.doc.plain(tools.ITEM_LISTS[kind], []) or []):
                if isinstance(item, dict) and item.get("id") == ident:
                    return tools.ITEM_LISTS[kind] + (i,)
        return None

    def _measure(self, pos) -> None:
        if self.background is None:
            self.say("Load a background image first: Scenario > floor_plan > background.", warn=True)
            return
        self.measure.append(pos)
        if len(self.measure) == 2:
            panels.ask_distance(self)
        else:
            self.say("Now click the second point of a distance you know.")

    def set_scale(self, metres: float) -> None:
        a, b = self.measure[:2]
        self.measure = []
        pixels_on_screen = math.hypot(b[0] - a[0], b[1] - a[1])
        scale = self.background_scale()
        image_pixels = pixels_on_screen / (scale * self.view.zoom) if scale else 0
        if image_pixels <= 0 or metres <= 0:
            self.say("The two points must differ and the distance must be more than 0 m.", warn=True)
            return
        self.execute(E.Group((E.SetValue(("floor_plan", "background", "metres_per_pixel"),
                                         round(metres / image_pixels, 6)),), f"image scale set: {metres:g} m"))
        self.build()

    def background_scale(self) -> float:
        """Map cells per image pixel."""
        mpp = self.doc.plain(("floor_plan", "background", "metres_per_pixel"))
        if not isinstance(mpp, (int, float)) or mpp <= 0:
            return 0.1  # no scale yet: ten image pixels to a cell until the Scale tool sets it
        return mpp / self.floor.cell_size

    def _load_background(self) -> None:
        image = self.doc.plain(("floor_plan", "background", "image"))
        key = (image, self.doc.path)
        if key == self._background_key:
            return
        self._background_key = key
        self.background = None
        if not isinstance(image, str) or not image:
            return
        path = Path(image)
        if not path.is_absolute() and self.doc.path:
            path = Path(self.doc.path).parent / path
        try:
            self.background = pygame.image.load(str(path)).convert()
        except (pygame.error, FileNotFoundError, OSError) as exc:
            self.say(f"Cannot show the background image {path}: {exc}", warn=True)

    def open_plan(self, kind: str) -> None:
        """Draw the doctrine plan (or a calibration plan) in the trainee's planning screen."""
        from ui.editor.planmode import PlanMode
        self.refresh(force=True)
        if self.result.scenario is None:
            self.say("Fix the problems first: the planning screen needs a scenario that validates.", warn=True)
            return
        self.plan_mode = PlanMode(self, self.result.scenario, kind)

    def _plan_frame(self, events, dt: float) -> None:
        for event in events:
            if event.type == pygame.QUIT:
                self.quit()
                return
            self.manager.process_events(event)
            if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
                done = False
            else:
                done = self.plan_mode.handle(event)
            if done is not None:
                self.plan_mode = None
                self.build()
                return
        self.plan_mode.update(dt)
        self.manager.update(dt)
        self.screen.fill((24, 27, 33))
        self.plan_mode.draw(self.screen)
        self.manager.draw_ui(self.screen)

    # -- the loop ----------------------------------------------------------------------
    def frame(self, events: Optional[list] = None, dt: float = 1 / 30) -> None:
        events = pygame.event.get() if events is None else events
        if self.plan_mode is not None:
            self._plan_frame(events, dt)
            pygame.display.flip()
            self.frames += 1
            for hook in list(self.on_frame):
                hook(self)
            return
        for event in events:
            self.manager.process_events(event)
            self.handle(event)
            if not self.running:
                return
        self.refresh()
        self._rebuild_when_idle()
        self.trial.poll()
        self._load_background()
        self.manager.update(dt)
        self.draw()
        pygame.display.flip()
        self.frames += 1
        for hook in list(self.on_frame):
            hook(self)

    def draw(self) -> None:
        screen = self.screen
        screen.fill((24, 27, 33))
        flagged = frozenset(p.object_path for p in self.result.problems)
        cells = self.result.map_cells
        preview = ()
        if self.drag and "tool" in self.drag:
            start, end = self.drag["start"], self.drag["end"]
            preview = tuple(_line(start, end) if self.drag["tool"] == "wall" else _box(start, end))
        # the map is drawn again only when something on it changed (an idle editor stays idle)
        key = (self.doc.version, self.view.zoom, tuple(self.view.origin), tuple(self.view.rect), self.selection,
               id(self.result), preview, tuple(self.measure), self._background_key, self.size)
        if key != self._map_key or self._map_image is None:
            mapview.draw(screen, self.view, self.doc, self.floor, selected=self.selection, flagged=flagged,
                         flagged_cells=cells, background=self.background, background_scale=self.background_scale(),
                         preview_cells=preview, measure=tuple(self.measure))
            self._map_image = screen.subsurface(self.view.rect).copy()
            self._map_key = key
        else:
            screen.blit(self._map_image, self.view.rect)
        panels.draw(self, screen)
        self._draw_status(screen)
        self.manager.draw_ui(screen)
        if self.help_visible:
            panels.draw_help_card(self, screen)

    def _draw_status(self, screen) -> None:
        w, h = self.size
        bar = pygame.Rect(0, h - STATUS_H, w, STATUS_H)
        screen.fill((34, 38, 46), bar)
        tool = dict((t, words) for t, words, _, _ in TOOLS)[self.tool]
        chosen = panels.describe(self, self.selection) if self.selection else "nothing selected"
        left = f"Tool: {tool}   ·   Selected: {chosen}"
        x = 8
        image = font(14, True).render(left, True, ACCENT)
        screen.blit(image, (x, bar.top + 7))
        x += image.get_width() + 20
        words = self.status
        room = w - x - 10
        while words and font(14).size(words)[0] > room:
            words = words[:-2] + "…" if len(words) > 2 else ""
        screen.blit(font(14).render(words, True, (240, 160, 80) if self.status_warn else TEXT), (x, bar.top + 7))

    def run(self, max_frames: Optional[int] = None) -> None:
        while self.running and (max_frames is None or self.frames < max_frames):
            dt = self.clock.tick(30) / 1000.0
            self.frame(dt=dt)

    def quit(self) -> None:
        self.flush_pending()
        self.trial.stop_all()
        self.doc.journal.close()
        self.running = False

    def screenshot(self, name: str) -> Optional[Path]:
        if self.screenshots is None:
            return None
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / f"{len(self.shots) + 1:02d}_{name}.png"
        pygame.image.save(self.screen, str(path))
        self.shots.append(path)
        return path


def _touches(cells, cell) -> bool:
    return any(abs(r - cell[0]) + abs(c - cell[1]) == 1 for r, c in cells)


def _line(a, b) -> list:
    """Cells from a to b along the longer direction (a straight wall)."""
    (r0, c0), (r1, c1) = a, b
    if abs(r1 - r0) >= abs(c1 - c0):
        return [(r, c0) for r in range(min(r0, r1), max(r0, r1) + 1)]
    return [(r0, c) for c in range(min(c0, c1), max(c0, c1) + 1)]


def _box(a, b) -> list:
    (r0, c0), (r1, c1) = a, b
    return [(r, c) for r in range(min(r0, r1), max(r0, r1) + 1) for c in range(min(c0, c1), max(c0, c1) + 1)]
