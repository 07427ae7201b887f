"""One panel of the before/after views: a title above an image ViewBox and an optional footer,
and a notice that can stand over a panel in place of its image.

The ViewBox keeps row 0 at the top and pixels square, and lets patch mode take over its
left-button drag; the title is elided rather than widening a narrow panel.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontInfo, QFontMetricsF
from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["CentredNotice", "ImagePanel", "ImageViewBox", "PanelTitle", "scaled_font"]

_TITLE_COLOR = "#d8d8d8"
_TITLE_SCALE = 1.1  # the titles' point size relative to the widget's font
_NOTICE_SCALE = 1.2  # a notice's point size relative to the widget's font


def scaled_font(font: QFont, factor: float) -> QFont:
    """``font`` at ``factor`` times its point size (also for a font sized in pixels)."""
    scaled = QFont(font)
    scaled.setPointSizeF(QFontInfo(font).pointSizeF() * factor)
    return scaled


class ImageViewBox(pg.ViewBox):
    """A ViewBox (row 0 at the top, square pixels) whose left-button drag can be taken over:
    while :attr:`drag_handler` is set it gets every left-button drag event instead."""

    def __init__(self) -> None:
        super().__init__(lockAspect=True, invertY=True)
        self.drag_handler: Callable[[Any], None] | None = None
        self.resizing = False

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt naming
        self.resizing = True
        try:
            super().resizeEvent(ev)
        finally:
            self.resizing = False

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 - Qt naming
        if (self.drag_handler is not None and axis is None
                and ev.button() == Qt.MouseButton.LeftButton):
            ev.accept()
            self.drag_handler(ev)
            return
        super().mouseDragEvent(ev, axis)


class PanelTitle(pg.LabelItem):
    """A one-line title at :data:`_TITLE_SCALE` times a given font that never widens its
    panel: when the panel is narrow, the first of its shorter forms that fits, else the
    shortest elided ("…"); :attr:`text` is always the full title (the tooltip shows it when
    less is shown)."""

    _font: QFont | None = None  # None until built: the base class lays out while it is built
    _rendering = False

    def __init__(self, text: str, font: QFont) -> None:
        super().__init__(text, color=_TITLE_COLOR)
        self._full = text
        self._shorter: tuple[str, ...] = ()
        self._font = scaled_font(font, _TITLE_SCALE)
        self._render()

    def set_title(self, text: str, shorter: tuple[str, ...] = ()) -> None:
        """Show ``text``, or where it does not fit the first of ``shorter`` (complete
        titles, each shorter than the one before) that does, else the last elided."""
        if (text, shorter) != (self._full, self._shorter):
            self._full, self._shorter = text, tuple(shorter)
            self._render()

    def set_font(self, font: QFont) -> None:
        """Draw the title at :data:`_TITLE_SCALE` times ``font`` from now on."""
        self._font = scaled_font(font, _TITLE_SCALE)
        self._render()

    def _render(self) -> None:
        if self._font is None or self._rendering:
            return
        self._rendering = True
        try:
            room = self.rect().width() - 2 * self.item.document().documentMargin()
            metrics = QFontMetricsF(self._font)
            forms = (self._full, *self._shorter)
            shown = next((form for form in forms
                          if room <= 0 or metrics.horizontalAdvance(form) <= room), None)
            if shown is None:
                shown = metrics.elidedText(forms[-1], Qt.TextElideMode.ElideRight, room)
            self.item.setFont(self._font)
            super().setText(html.escape(shown), size=f"{self._font.pointSizeF():.2f}pt")
            self.text = self._full
            self.setToolTip(self._full if shown != self._full else "")
        finally:
            self._rendering = False

    def updateMin(self) -> None:  # noqa: N802 - pyqtgraph naming
        """As tall as the text, but no minimum width: a long title never widens the view."""
        super().updateMin()
        self.setMinimumWidth(0)
        self._sizeHint[Qt.SizeHint.MinimumSize] = (0, self._sizeHint[Qt.SizeHint.MinimumSize][1])

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(ev)
        if ev is not None and ev.oldSize().width() != ev.newSize().width():
            self._render()


class ImagePanel(pg.GraphicsLayoutWidget):
    """A :class:`PanelTitle` above one :class:`ImageViewBox` (:attr:`vb`) and an optional
    footer row (the colour bar).

    Both panels of the before/after views are built alike and given footers of one height,
    so their ViewBoxes have the same top and height and the two images line up.
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self.ci.setContentsMargins(4, 4, 4, 4)
        self.ci.setSpacing(2)
        self.title = PanelTitle(title, self.font())
        self.addItem(self.title, row=0, col=0)
        self.vb = ImageViewBox()
        self.addItem(self.vb, row=1, col=0)
        self.footer: pg.GraphicsWidget | None = None
        self.setMinimumSize(160, 160)

    def set_footer(self, item: pg.GraphicsWidget | None, height: float = 0.0) -> None:
        """Show ``item`` under the view, exactly ``height`` tall (``None``: no footer)."""
        if item is not self.footer:
            if self.footer is not None:
                self.removeItem(self.footer)
                self.footer.hide()
            self.footer = item
            if item is not None:
                self.addItem(item, row=2, col=0)
                item.show()
        if item is not None:
            item.setFixedHeight(height)


class CentredNotice(QLabel):
    """A boxed, word-wrapped notice centred over its parent widget (at most 460 px wide),
    hidden until :meth:`show_text`; it stays centred when the parent or the font changes."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(
            "QLabel { color: #f0f0f0; background: rgba(45, 45, 48, 225);"
            " border: 1px solid #777; border-radius: 6px; padding: 12px; }")
        self.hide()
        parent.installEventFilter(self)

    def show_text(self, text: str) -> None:
        """Show ``text`` until hidden."""
        self.setText(text)
        self.show()
        self._place()

    def text_shown(self) -> str | None:
        """The text shown, or ``None`` while hidden."""
        return None if self.isHidden() else self.text()

    def follow_font(self, font: QFont) -> None:
        """Draw the notice at :data:`_NOTICE_SCALE` times ``font``."""
        self.setFont(scaled_font(font, _NOTICE_SCALE))
        if not self.isHidden():
            self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        """Centred again when the parent is resized."""
        if (event.type() == QEvent.Type.Resize and watched is self.parentWidget()
                and not self.isHidden()):
            self._place()
        return super().eventFilter(watched, event)

    def _place(self) -> None:
        area = self.parentWidget().rect()
        width = max(min(area.width() - 40, 460), 80)
        self.setFixedWidth(width)
        height = max(self.heightForWidth(width), 40)
        self.setFixedHeight(height)
        self.move((area.width() - width) // 2, (area.height() - height) // 2)
