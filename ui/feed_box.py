"""The feed of what the units report: a pygame_gui text box that does a new text's work once.

For each new text pygame_gui's UITextBox lays the text out at the box's full width, finds it
taller than the box, throws that layout away and lays it all out again beside a scroll bar,
which it has just destroyed and now builds afresh (three buttons and their shapes). That was
most of every frame in which a report came in at 8x: figure 4 of bench/run.py, where the
frames with a new report were the slow ones (a 29-line feed took 20 ms of CPU to set).

The feed only ever grows at the top (newest first). Once it has needed a scroll bar, the next
text needs one too: the full-width layout is skipped and the scroll bar is kept, put back at
the top with its new size, as a new one would be. What the box draws is the same pixel for
pixel (tests/test_ui_feed_box.py), but for the scroll bar's thumb, which takes its new
length in the frame the new report shows rather than one frame later.
"""
from __future__ import annotations

from typing import Optional

import pygame
import pygame_gui.elements.ui_text_box as text_box_module
from pygame_gui.elements import UITextBox


class _Overflowing:
    """Stands in for the full-width layout rebuild() would have made and thrown away: taller
    than any box, so rebuild() goes straight on to the layout beside the scroll bar."""
    layout_rect = pygame.Rect(0, 0, 1, 1 << 30)


class FeedBox(UITextBox):
    """A UITextBox for text that grows at the top, drawing what a UITextBox given the same text draws."""

    _growing = False  # set_text's new text ends with the last one, which needed a scroll bar
    _skip_full_width = False
    _kept_bar = None
    _last_html: Optional[str] = None

    def set_text(self, html_text: str, *, text_kwargs: Optional[dict] = None) -> None:
        # The old text whole at the end of the new one keeps every row it had, below the new
        # rows: the new text is at least as tall, so it overflows as the old one did.
        self._growing = (self.scroll_bar is not None and not text_kwargs and not self.text_kwargs
                         and self._last_html is not None and html_text.endswith(self._last_html))
        self._skip_full_width = self._growing
        self._last_html = html_text
        try:
            super().set_text(html_text, text_kwargs=text_kwargs)
        finally:
            self._growing = self._skip_full_width = False
        if isinstance(self.text_box_layout, _Overflowing):  # a pygame_gui that lays out only once
            super().set_text(html_text, text_kwargs=text_kwargs)

    def parse_html_into_style_data(self) -> None:
        if self._skip_full_width:
            self._skip_full_width = False  # the next call, beside the scroll bar, lays out for real
            self.text_box_layout = _Overflowing()
            return
        super().parse_html_into_style_data()

    def rebuild(self) -> None:
        kept = self.scroll_bar if self._growing else None
        if kept is not None:
            self.scroll_bar = None  # out of reach of rebuild(), which would destroy it
        self._kept_bar = kept
        try:
            super().rebuild()
        finally:
            self._kept_bar = None
            if kept is not None and self.scroll_bar is not kept:
                kept.kill()  # not taken back after all: as rebuild() would have done

    def _build_scrollbar_for_oversized_text(self, *offsets) -> None:
        kept = self._kept_bar
        new_bar = getattr(text_box_module, "UIVerticalScrollBar", None)
        if kept is None or new_bar is None:
            super()._build_scrollbar_for_oversized_text(*offsets)
            return

        def reuse(rect, visible_percentage, *args, **kwargs):
            if pygame.Rect(rect) != pygame.Rect(kept.relative_rect):  # the box has moved: a new bar
                return new_bar(rect, visible_percentage, *args, **kwargs)
            # what a new scroll bar starts as: at the top, nothing held or grabbed
            kept.reset_scroll_position()
            kept.grabbed_slider = kept.scroll_wheel_moved = kept.has_moved_recently = False
            kept.scroll_wheel_amount = 0
            kept.set_visible_percentage(visible_percentage)
            return kept

        # pygame_gui works out the wrap width, lays the text out and sizes the bar as ever;
        # only the call that would build the new bar gets the kept one
        text_box_module.UIVerticalScrollBar = reuse
        try:
            super()._build_scrollbar_for_oversized_text(*offsets)
        finally:
            text_box_module.UIVerticalScrollBar = new_bar
