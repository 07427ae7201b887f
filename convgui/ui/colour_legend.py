"""The colour bar under the after view for diverging results, and an equally tall footer under
the before view so both views keep one size and one scale while it is shown.

It sits below the output, not beside it: the two views keep equal widths, so the linked zoom
shows the whole output wherever the input is whole.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF

from convgui.render import DIVERGING_LUT, GREY_LUT
from convgui.ui.image_panel import ImagePanel

__all__ = ["ColourLegend"]


class ColourLegend:
    """The colour bar (:attr:`bar`) of the result drawn in ``after``, with a footer as tall
    under ``before``; hidden until :meth:`set_shown`."""

    def __init__(self, before: ImagePanel, after: ImagePanel) -> None:
        self._before, self._after = before, after
        self._diverging = pg.ColorMap(np.linspace(0.0, 1.0, 256), DIVERGING_LUT)
        # an RGB result in the diverging mode: each channel 0 → mid-grey, ±scale → 255/0
        self._per_channel = pg.ColorMap(np.linspace(0.0, 1.0, 256), GREY_LUT)
        self.bar = pg.ColorBarItem(
            values=(-1.0, 1.0), colorMap=self._diverging, interactive=False,
            colorMapMenu=False, orientation="horizontal")
        self.bar.hide()
        self._spacer = pg.GraphicsWidget()
        self._spacer.hide()
        self._shown = False

    def set_scale(self, levels: tuple[float, float], one_channel: bool) -> None:
        """The values the bar's ends stand for, and its colours: blue – white – red for a
        one-channel result, a grey ramp for a result drawn per channel."""
        self.bar.setColorMap(self._diverging if one_channel else self._per_channel)
        self.bar.setLevels((float(levels[0]), float(levels[1])))

    def set_shown(self, shown: bool) -> None:
        """Show the bar (and the footer under the input) or hide both."""
        if shown == self._shown:
            return
        self._shown = shown
        if shown:
            self._place()
        else:
            self._after.set_footer(None)
            self._before.set_footer(None)

    def is_shown(self) -> bool:
        """Whether the bar is shown under the after view."""
        return self._shown

    def set_font(self, font: QFont) -> None:
        """The bar's thickness and its labels follow ``font`` (presentation mode)."""
        height = round(QFontMetricsF(font).height())
        self.bar.layout.setRowFixedHeight(2, height)
        self.bar.axis.setStyle(tickFont=font, autoExpandTextSpace=False, tickTextHeight=height)
        if self._shown:
            self._place()

    def _place(self) -> None:
        """The bar under the output and a footer as tall under the input: the bar and its
        labels at the current font."""
        self.bar.show()
        axis = self.bar.axis
        axis.setHeight(round(axis.style["tickTextHeight"] + axis.style["tickTextOffset"][1]
                             + max(0, -axis.style["tickLength"])))  # sized while shown
        self.bar.layout.invalidate()
        height = self.bar.layout.effectiveSizeHint(Qt.SizeHint.MinimumSize).height()
        self._after.set_footer(self.bar, height)
        self._before.set_footer(self._spacer, height)
