"""The editor's window driven as a trainer would, with posted mouse and key events under
the dummy video driver: a two-room flat drawn from scratch, saved, validated, run and
calibrated; unsaved work restored after the editor is killed."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pygame
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

ROOT = Path(__file__).resolve().parent.parent


def key(app, letter: str = "", code: int = 0, mod: int = 0) -> None:
    code = code or pygame.key.key_code(letter.lower())
    app.frame([pygame.event.Event(pygame.KEYDOWN, key=code, mod=mod, unicode=letter, scancode=0)])


def drag(app, a: tuple[int, int], b: tuple[int, int]) -> None:
    pa, pb = app.view.centre(a), app.view.centre(b)
    app.frame([pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pa, button=1),
               pygame.event.Event(pygame.MOUSEMOTION, pos=pb, rel=(0, 0), buttons=(1, 0, 0)),
               pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pb, button=1)])


def click_cell(app, cell) -> None:
    drag(app, cell, cell)


def press(app, words: str) -> None:
    """Click the button with these words, as the mouse would."""
    button = next(w for w in app.commands if getattr(w, "text", None) == words)
    pos = button.rect.center
    app.frame([pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
               pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)])
    app.frame()  # the button's press arrives as a posted event


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run_exercise.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture
def editor(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from ui.editor.app import EditorApp
    from ui.editor.main import open_document

    apps = []

    def make(path: str):
        app = EditorApp(open_document(path), size=(1360, 860))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.quit()
    # pygame stays initialised: the fonts are cached across tests (as tests/test_ui.py does)


def test_a_two_room_flat_drawn_from_scratch_validates_runs_and_calibrates(editor, tmp_path):
    app = editor(str(tmp_path / "flat.yaml"))
    key(app, "r")
    assert app.tool == "room"
    drag(app, (2, 2), (8, 10))
    drag(app, (2, 10), (8, 18))
    key(app, "d")
    click_cell(app, (5, 10))  # the shared wall: a door between the rooms
    press(app, "Exit/stairs")  # by the tool bar this time
    assert app.tool == "exit"
    click_cell(app, (5, 1))
    key(app, "d")
    click_cell(app, (5, 2))  # the flat's front door, to the stairs
    key(app, "v")
    click_cell(app, (4, 14))
    key(app, "p")
    click_cell(app, (4, 5))
    key(app, "u")
    click_cell(app, (5, 1))
    press(app, "Timeline")
    press(app, "Add decision")
    assert app.selection == ("decisions", 0)
    app.refresh(force=True)
    assert [str(p) for p in app.result.problems] == []
    key(app, "s", mod=pygame.KMOD_CTRL)
    saved = tmp_path / "flat.yaml"
    assert saved.exists() and "Saved" in app.status
    text = saved.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    press(app, "Try it")
    press(app, "Draft calibration plans")
    for kind in ("reckless", "cautious", "doctrine"):
        assert (tmp_path / "plans" / f"flat_{kind}.yaml").exists()

    assert cli("validate", "flat.yaml", cwd=tmp_path).returncode == 0
    run = cli("run", "flat.yaml", "--out", "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    calibrate = cli("calibrate", "flat.yaml", "--runs", "2", "--workers", "1", cwd=tmp_path)
    assert calibrate.returncode == 0, calibrate.stderr + calibrate.stdout
    assert "reckless" in calibrate.stdout.lower()


def test_undo_redo_and_delete_by_keys(editor, tmp_path):
    app = editor(str(tmp_path / "k.yaml"))
    key(app, "r")
    drag(app, (1, 1), (6, 6))
    assert len(app.doc.plain(("floor_plan", "rooms"))) == 1
    key(app, "z", mod=pygame.KMOD_CTRL)
    assert app.doc.plain(("floor_plan", "rooms")) == []
    key(app, "y", mod=pygame.KMOD_CTRL)
    assert len(app.doc.plain(("floor_plan", "rooms"))) == 1
    key(app, "", code=pygame.K_ESCAPE)
    assert app.tool == "select"
    click_cell(app, (3, 3))
    assert app.selection == ("floor_plan", "rooms", 0)
    key(app, "", code=pygame.K_DELETE)
    assert app.doc.plain(("floor_plan", "rooms")) == []
    assert "r" not in app.doc.plain(("floor_plan", "legend"))


def test_a_problem_clicked_selects_its_object(editor, tmp_path):
    source = (ROOT / "scenarios" / "tutorial.yaml").read_text().replace("fear: 0.75", "fear: 7.5")
    (tmp_path / "t.yaml").write_text(source)
    app = editor(str(tmp_path / "t.yaml"))
    app.refresh(force=True)
    assert len(app.result.problems) == 1
    app.show_panel("Problems")
    app.frame()
    rect, problem = app.problem_rects[0]
    app.frame([pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=rect.center, button=1)])
    assert app.selection == ("victims", 0) and app.focus_field == "fear" and app.panel == "Properties"
    key(app, "s", mod=pygame.KMOD_CTRL)  # saved as work in progress, with a warning
    assert "work in progress" in app.status and app.status_warn
    assert cli("validate", "t.yaml", cwd=tmp_path).returncode == 2


KILLED = textwrap.dedent("""
    import os, signal, sys
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    sys.path.insert(0, {root!r})
    import pygame
    from ui.editor.app import EditorApp
    from ui.editor.main import open_document
    app = EditorApp(open_document("t.yaml"))
    def key(letter):
        app.frame([pygame.event.Event(pygame.KEYDOWN, key=pygame.key.key_code(letter), mod=0, unicode=letter, scancode=0)])
    def click(cell):
        pos = app.view.centre(cell)
        app.frame([pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
                   pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)])
    key("v"); click((16, 5))         # a second victim in the bedroom
    app.select(("victims", 1))
    row = next(c for w, c in app.commands.items() if getattr(c, "row", None) and c.row.name == "name")
    row("Mai")                        # her name typed into the form
    key("p"); click((10, 4))          # a perpetrator
    open("expected.yaml", "w").write(app.doc.text())
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_unsaved_work_is_restored_after_the_editor_is_killed(editor, tmp_path):
    original = (ROOT / "scenarios" / "tutorial.yaml").read_text()
    (tmp_path / "t.yaml").write_text(original)
    killed = subprocess.run([sys.executable, "-c", KILLED.format(root=str(ROOT))], cwd=tmp_path, timeout=300,
                            capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    expected = (tmp_path / "expected.yaml").read_text()
    assert "name: Mai" in expected
    assert (tmp_path / "t.yaml").read_text() == original  # nothing was saved
    app = editor(str(tmp_path / "t.yaml"))
    from ui.editor.journal import read_leftover
    app.leftover = read_leftover(app.doc.journal.path)
    assert app.leftover is not None and app.leftover.edits == 3
    app.build()
    press(app, "Restore my changes")
    assert app.doc.text() == expected
    key(app, "s", mod=pygame.KMOD_CTRL)
    assert (tmp_path / "t.yaml").read_text() == expected
    assert read_leftover(app.doc.journal.path) is None


def test_the_doctrine_plan_is_drawn_in_the_planning_screen(editor, tmp_path):
    (tmp_path / "t.yaml").write_text((ROOT / "scenarios" / "tutorial.yaml").read_text())
    app = editor(str(tmp_path / "t.yaml"))
    app.show_panel("Try it")
    press(app, "Plan: doctrine")
    assert app.plan_mode is not None
    scene = app.plan_mode.scene
    before = len(scene.draft.orders)
    scene.draft.add("move", "medic", to="landing")  # as a click on the map with the move tool would
    app.plan_mode.take(scene.draft.build(name="Doctrine"))
    app.plan_mode = None
    orders = app.doc.plain(("doctrine_plan", "orders"))
    assert len(orders) == before + 1 and orders[-1] == {"unit": "medic", "do": "move", "to": "landing"}
    assert orders[0]["note"] == "she needs five minutes to arrive"
    app.refresh(force=True)
    assert app.result.problems == []
    app.undo()
    assert len(app.doc.plain(("doctrine_plan", "orders"))) == before


def test_a_plan_image_is_traced_at_the_scale_two_clicks_and_a_distance_give(editor, tmp_path):
    image = pygame.Surface((400, 200))
    image.fill((255, 255, 255))
    pygame.image.save(image, str(tmp_path / "scan.png"))
    app = editor(str(tmp_path / "new.yaml"))
    from ui.editor import edits as E
    app.execute(E.SetValue(("floor_plan", "background"), {"image": "scan.png"}))
    app.frame()
    assert app.background is not None and app.background.get_size() == (400, 200)
    key(app, "", code=pygame.K_ESCAPE)
    app.set_tool("scale")
    x0, y0 = round(app.view.origin[0]), round(app.view.origin[1])
    step = app.background_scale() * app.view.zoom  # screen pixels per image pixel
    a, b = (x0 + 10, y0 + 10), (x0 + 10 + round(100 * step), y0 + 10)  # 100 image pixels apart
    for pos in (a, b):
        app.frame([pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1)])
    entry = next(w for w, c in app.commands.items() if type(c).__name__ == "Distance")
    app.commands[entry]("5")  # 5 m typed and Enter
    mpp = app.doc.plain(("floor_plan", "background", "metres_per_pixel"))
    assert mpp == pytest.approx(0.05, rel=0.02)
    app.refresh(force=True)
    assert app.result.problems and all("background" not in p.problem.field for p in app.result.problems)
