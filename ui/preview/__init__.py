"""A scenario's floor plan and everyone's starting position, as a PNG for a briefing slide.

    save_preview(scenario, Path("results/kowloon_flat_preview.png"), width=1600)

Layout only: colours, fonts and symbols come from `ui.style`, starting cells from
`sim.format.placement` (the same answer the engine uses). Works without a display: it draws on
a plain Surface and only initialises pygame's font module.

The page, top to bottom: a title band (title, id, difficulty, length, storey); the plan
fitted to the width, with room names in their rooms, people and items with labels that
step clear of each other (joined to their marker by a leader line when they had to move
away), one callout per place where several units start, a scale bar and the storey; then
the key, the units by agency and the people and evidence, flowed into columns. The page
is as tall as its content needs: width is what a slide or a screen fixes.

The work is shared out: `ui.preview.plan` draws the plan panel, `ui.preview.labels` says
what is written on it and `ui.preview.placer` finds room for it, `ui.preview.key` makes
the panels below the plan and `ui.preview.words` words the scenario's facts; this module
is the public API and lays out the page.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, Sequence

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from ui.style import palette  # noqa: E402
from ui.style.fonts import MIN_TEXT, draw_text, font, reset_fonts, text_size, wrap  # noqa: E402
from ui.preview.key import panels  # noqa: E402
from ui.preview.plan import PlanPanel  # noqa: E402
from ui.preview.words import arrival_text, storey_text  # noqa: E402  (public here before the split)

__all__ = ["save_preview", "render_preview", "render_plan", "arrival_text", "storey_text",
           "MIN_LAYOUT_WIDTH", "MAX_WIDTH"]

MIN_LAYOUT_WIDTH = 640
"""Narrower requests are laid out at this width and scaled down at the end."""
MAX_WIDTH = 6000


def save_preview(scenario, out: Path, width: int = 1600) -> None:
    """Draw `scenario` (a loaded sim.format.scenario.Scenario) to a PNG at `out`, `width` pixels wide.

    The folder is created if missing; the file is written to a temporary name in the same
    folder and then renamed, so a reader never sees half a picture.
    """
    out = Path(out)
    pygame.font.init()
    reset_fonts()  # fonts cached before a pygame.quit() elsewhere are dead
    image = render_preview(scenario, width)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=".png", dir=out.parent)
    os.close(handle)
    try:
        try:
            pygame.image.save(image, temp)
        except pygame.error as exc:  # e.g. the disk is full: an OSError for the caller
            raise OSError(f"cannot write {out}: {exc}") from exc
        umask = os.umask(0)  # mkstemp makes the file private; give it the usual permissions
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, out)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def render_preview(scenario, width: int = 1600) -> pygame.Surface:
    """The preview as a Surface exactly `width` pixels wide (its height follows the content)."""
    return _at_width(width, lambda layout_width: _page(scenario, layout_width))


def render_plan(scenario, width: int = 1200) -> pygame.Surface:
    """Only the floor-plan panel (plan, markers, labels, scale bar), `width` pixels wide:
    for a briefing screen that has its own key."""
    return _at_width(width, lambda layout_width: PlanPanel(scenario, layout_width).draw(layout_width))


def _at_width(width: int, draw: Callable[[int], pygame.Surface]) -> pygame.Surface:
    """What `draw(layout_width)` gives, scaled down to `width` if that is too narrow to lay out."""
    _check_width(width)
    pygame.font.init()
    layout_width = max(width, MIN_LAYOUT_WIDTH)
    surface = draw(layout_width)
    if layout_width != width:
        height = max(1, round(surface.get_height() * width / layout_width))
        surface = pygame.transform.smoothscale(surface, (width, height))
    return surface


def _check_width(width: int) -> None:
    if not 1 <= width <= MAX_WIDTH:
        from sim.format.problems import InputError, Problem
        raise InputError([Problem("--width", 1, 1, "", f"the image width must be 1 to {MAX_WIDTH} pixels, "
                                                      f"not {width} (1600 suits a slide, 800 a document)")])



# --- the page ---------------------------------------------------------------------------------

def _page(scenario, width: int) -> pygame.Surface:
    """Title band, plan panel, the key, units and people flowed into columns, footer."""
    m = max(14, min(28, round(width * 0.016)))  # the margin
    inner = width - 2 * m
    band = _title_band(scenario.spec, width, m)
    plan_panel = PlanPanel(scenario, width)
    plan = plan_panel.draw(inner)
    columns = max(2, min(4, inner // 360))
    gutter = m + 10
    column_w = (inner - (columns - 1) * gutter) // columns
    flowed = _flow(panels(scenario.spec, plan_panel.used, column_w), columns, gap=16)
    info_h = max((sum(b.get_height() + 16 for b in column) - 16 for column in flowed), default=0)
    footer = _footer(scenario, inner)
    height = band.get_height() + m + plan.get_height() + m + info_h + m + footer.get_height() + m
    page = pygame.Surface((width, height))
    page.fill(palette.PAPER)
    page.blit(band, (0, 0))
    y = band.get_height() + m
    page.blit(plan, (m, y))
    y += plan.get_height() + m
    for i, column in enumerate(flowed):
        x, yy = m + i * (column_w + gutter), y
        for block in column:
            page.blit(block, (x, yy))
            yy += block.get_height() + 16
    page.blit(footer, (m, height - m - footer.get_height()))
    return page


def _title_band(spec, width: int, m: int) -> pygame.Surface:
    title_size = max(22, min(34, round(width / 48)))
    meta_size = max(15, min(19, round(width / 88)))
    inner = width - 2 * m
    title_lines = wrap(spec.title, inner, title_size, bold=True)
    meta = [f"Scenario {spec.id} (version {spec.version})", f"Difficulty: {spec.difficulty}",
            f"Estimated length: {spec.estimated_minutes} min", f"Plan: {storey_text(spec.floor_plan.storey)}"]
    meta_lines = _join_fitting(meta, "   \u00b7   ", inner, meta_size)
    title_h = font(title_size, True).get_linesize()
    meta_h = font(meta_size).get_linesize()
    height = m + title_h * len(title_lines) + 6 + meta_h * len(meta_lines) + m
    band = pygame.Surface((width, height))
    band.fill(palette.BAND)
    y = m
    for line in title_lines:
        draw_text(band, line, (m, y), size=title_size, colour=palette.BAND_TEXT, bold=True)
        y += title_h
    y += 6
    for line in meta_lines:
        draw_text(band, line, (m, y), size=meta_size, colour=palette.BAND_MUTED)
        y += meta_h
    band.fill(palette.ORANGE, pygame.Rect(0, height - 4, width, 4))
    return band


def _footer(scenario, width: int) -> pygame.Surface:
    source = Path(scenario.path).name
    words = (f"Starting positions as the simulator places them. Source: {source} "
             f"(SHA-256 {scenario.sha256[:12]}).")
    lines = wrap(words, width, MIN_TEXT)
    step = font(MIN_TEXT).get_linesize()
    surface = pygame.Surface((width, step * len(lines) + 8))
    surface.fill(palette.PAPER)
    pygame.draw.line(surface, palette.RULE, (0, 0), (width, 0), 1)
    for i, line in enumerate(lines):
        draw_text(surface, line, (0, 6 + i * step), size=MIN_TEXT, colour=palette.MUTED_INK)
    return surface


def _join_fitting(items: Sequence[str], separator: str, width: int, size: int) -> list[str]:
    """Join items with separator into as few lines as fit `width`, never splitting an item."""
    lines: list[str] = []
    for item in items:
        if lines and text_size(lines[-1] + separator + item, size)[0] <= width:
            lines[-1] += separator + item
        else:
            lines.append(item)
    return lines


def _flow(blocks: list[pygame.Surface], columns: int, gap: int) -> list[list[pygame.Surface]]:
    """Blocks in order into at most `columns` columns, as evenly tall as possible."""
    heights = [b.get_height() + gap for b in blocks]

    def split(target: int) -> list[list[int]]:
        out: list[list[int]] = [[]]
        height = 0
        for i, h in enumerate(heights):
            if out[-1] and height + h > target:
                out.append([])
                height = 0
            out[-1].append(i)
            height += h
        return out

    low, high = max(heights, default=0), max(sum(heights), 1)
    while low < high:
        middle = (low + high) // 2
        if len(split(middle)) <= columns:
            high = middle
        else:
            low = middle + 1
    return [[blocks[i] for i in column] for column in split(low)]

