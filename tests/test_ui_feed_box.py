"""The execution scene's feed: ui/feed_box.py's FeedBox does a new text's work once and
draws what pygame_gui's own UITextBox draws, pixel for pixel."""
from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402
import pygame_gui  # noqa: E402
import pytest  # noqa: E402
from pygame_gui.elements import UITextBox  # noqa: E402

from ui.app import THEME  # noqa: E402
from ui.feed_box import FeedBox  # noqa: E402

REPORTS = [f"<font color='#9aa0a6'>00:{i:02d}</font> " + ("<b>Door guard arrested by CSD commando team "
           "(main door) after a struggle</b>" if i % 5 == 0 else f"Kitchen cleared by team {i}") for i in range(90)]
FEED_LENGTH = 40  # sim/engine/snapshot.py: the feed keeps the last 40 reports


@pytest.fixture
def manager():
    pygame.init()
    pygame.display.set_mode((800, 600))
    ui = pygame_gui.UIManager((800, 600), THEME if THEME.exists() else None)
    ui.preload_fonts([{"name": "noto_sans", "point_size": 14, "style": "bold", "antialiased": "1"}])
    yield ui
    pygame.quit()


def pixels(element) -> bytes:
    return pygame.image.tobytes(element.image, "RGBA")


def test_the_feed_draws_what_a_text_box_draws_as_reports_come_in_and_old_ones_leave(manager):
    rect = pygame.Rect(10, 10, 348, 300)
    plain, feed = UITextBox("", rect, manager), FeedBox("", rect.move(400, 0), manager)
    for n in range(1, len(REPORTS) + 1):
        text = "<br>".join(reversed(REPORTS[max(0, n - FEED_LENGTH):n]))  # newest first, the last 40
        plain.set_text(text)
        feed.set_text(text)
        manager.update(1 / 30)
        assert pixels(feed) == pixels(plain), f"{n} reports"
        assert (feed.scroll_bar is None) == (plain.scroll_bar is None)
        if feed.scroll_bar is not None:
            assert feed.scroll_bar.start_percentage == plain.scroll_bar.start_percentage == 0
            assert feed.scroll_bar.visible_percentage == plain.scroll_bar.visible_percentage
            assert feed.scroll_bar.sliding_button.rect.size == plain.scroll_bar.sliding_button.rect.size
            assert pixels(feed.scroll_bar.sliding_button) == pixels(plain.scroll_bar.sliding_button)
    assert feed.scroll_bar is not None  # the reports overflowed: the kept-bar path was taken


def test_a_new_report_takes_a_scrolled_feed_back_to_the_top_with_one_scroll_bar(manager):
    feed = FeedBox("", pygame.Rect(10, 10, 348, 200), manager)
    feed.set_text("<br>".join(reversed(REPORTS[:20])))
    bar = feed.scroll_bar
    bar.set_scroll_from_start_percentage(0.5)
    manager.update(1 / 30)
    feed.set_text("<br>".join(reversed(REPORTS[:21])))
    assert feed.scroll_bar is bar and bar.alive() and bar.start_percentage == 0
    assert sum(isinstance(e, pygame_gui.elements.UIVerticalScrollBar) for e in manager.get_sprite_group().sprites()) == 1


def test_a_text_that_does_not_grow_at_the_top_is_laid_out_afresh(manager):
    rect = pygame.Rect(10, 10, 348, 200)
    plain, feed = UITextBox("", rect, manager), FeedBox("", rect.move(400, 0), manager)
    for text in ("<br>".join(REPORTS[:20]), "<br>".join(REPORTS[:3]), "<br>".join(REPORTS[5:30])):
        plain.set_text(text)
        feed.set_text(text)
        manager.update(1 / 30)
        assert pixels(feed) == pixels(plain)
        assert (feed.scroll_bar is None) == (plain.scroll_bar is None)
