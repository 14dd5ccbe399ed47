"""The briefing preview: a PNG of the plan and starting positions, drawn without a display."""
from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from sim.format.problems import InputError  # noqa: E402
from sim.format.scenario import load  # noqa: E402
from ui import preview  # noqa: E402
from ui.style import markers, palette, plan_symbols  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.yaml"))
REFERENCE = ROOT / "scenarios" / "kowloon_flat.yaml"


def _load_or_skip(path: Path):
    try:
        return load(path)
    except InputError as exc:
        pytest.skip(f"{path.name} does not load: {exc}")


def _pixels(surface: pygame.Surface) -> np.ndarray:
    """(width, height, 3) array of the surface's colours."""
    return pygame.surfarray.array3d(surface)


def _count(surface: pygame.Surface, colour: tuple[int, int, int]) -> int:
    return int(np.all(_pixels(surface) == np.array(colour), axis=2).sum())


@pytest.mark.parametrize("width", [1600, 800])
@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_preview_png_has_requested_width_and_content(path: Path, width: int, tmp_path: Path) -> None:
    scenario = _load_or_skip(path)
    out = tmp_path / "nested" / "folder" / f"{scenario.id}.png"  # the folder does not exist yet
    preview.save_preview(scenario, out, width=width)
    assert out.is_file()
    image = pygame.image.load(str(out))
    assert image.get_width() == width
    assert image.get_height() > 200
    rgb = _pixels(image).astype(np.int32)
    colours = np.unique((rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2])
    assert len(colours) > 20, "the preview is (nearly) one colour"
    # written atomically: nothing but the picture is left in the folder, readable as usual
    assert [p.name for p in out.parent.iterdir()] == [out.name]
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_reference_preview_shows_every_kind_of_marker_on_the_plan() -> None:
    scenario = load(REFERENCE)
    plan = preview.render_plan(scenario, 1200)
    for role in ("victim", "perpetrator", "unit", "evidence"):
        assert _count(plan, palette.ROLE_COLOURS[role]) > 40, f"no {role} marker on the plan"


def test_reference_preview_file_contains_the_victim_colour(tmp_path: Path) -> None:
    out = tmp_path / "kowloon.png"
    preview.save_preview(load(REFERENCE), out)
    assert _count(pygame.image.load(str(out)), palette.ROLE_COLOURS["victim"]) > 100


def test_small_and_odd_widths_are_honoured(tmp_path: Path) -> None:
    scenario = load(REFERENCE)
    for width in (333, 1101):
        out = tmp_path / f"w{width}.png"
        preview.save_preview(scenario, out, width=width)
        assert pygame.image.load(str(out)).get_width() == width


def test_overwrites_an_existing_file(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    out.write_bytes(b"old")
    preview.save_preview(load(REFERENCE), out, width=800)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _shape_mask(draw) -> np.ndarray:
    """What a symbol looks like with colour taken away: which pixels differ from the background."""
    surface = pygame.Surface((60, 60))
    surface.fill((255, 0, 255))
    draw(surface)
    return ~np.all(_pixels(surface) == np.array((255, 0, 255)), axis=2)


def _luminance_mask(draw, background=palette.THRESHOLD) -> np.ndarray:
    surface = pygame.Surface((40, 40))
    surface.fill(background)
    draw(surface)
    grey = _pixels(surface) @ np.array([0.299, 0.587, 0.114])
    return grey < 160


def test_door_kinds_differ_in_shape_not_only_colour() -> None:
    kinds = ("doorway", "wooden", "reinforced", "iron_gate", "fire_door")
    masks = {kind: _luminance_mask(lambda s, k=kind: plan_symbols.draw_door(s, pygame.Rect(4, 4, 32, 32), k))
             for kind in kinds}
    for i, a in enumerate(kinds):
        for b in kinds[i + 1:]:
            assert (masks[a] != masks[b]).sum() > 15, f"{a} and {b} look alike in grey"


def test_roles_differ_in_shape_not_only_colour() -> None:
    roles = ("victim", "perpetrator", "unit", "evidence")
    masks = {role: _shape_mask(lambda s, r=role: markers.draw_marker(s, r, (30, 30), 14)) for role in roles}
    for i, a in enumerate(roles):
        for b in roles[i + 1:]:
            assert (masks[a] != masks[b]).sum() > 40, f"{a} and {b} markers have the same shape"


def test_window_kinds_differ_in_shape() -> None:
    variants = {"plain": {}, "grille": {"grille": True}, "escape": {"escape": True}}
    masks = {name: _shape_mask(lambda s, kw=kw: plan_symbols.draw_window(s, pygame.Rect(14, 14, 32, 32), **kw))
             for name, kw in variants.items()}
    assert (masks["plain"] != masks["escape"]).sum() > 40  # the dashed outline
    grey = {name: _luminance_mask(lambda s, kw=kw: plan_symbols.draw_window(s, pygame.Rect(4, 4, 32, 32), **kw))
            for name, kw in variants.items()}
    assert (grey["plain"] != grey["grille"]).sum() > 15  # the bars


def test_importing_the_preview_does_not_start_pygame() -> None:
    code = ("import importlib, pkgutil, pygame, ui.preview, ui.style; "
            "[importlib.import_module(f'ui.style.{m.name}') for m in pkgutil.iter_modules(ui.style.__path__)]; "
            "assert not pygame.get_init() and not pygame.font.get_init(), 'pygame initialised at import'")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_command_line_preview(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    result = subprocess.run([sys.executable, "run_exercise.py", "preview", str(REFERENCE), "--out", str(out),
                             "--width", "900"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "preview written to" in result.stdout
    assert pygame.image.load(str(out)).get_width() == 900
