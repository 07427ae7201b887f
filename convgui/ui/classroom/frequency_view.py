"""The kernel's frequency response: why a box or Gaussian is low-pass and an edge kernel
high-pass.

The magnitude of the kernel's 2-D FFT, zero-padded to 64×64 and centred
(:func:`convgui.kernels.frequency_response`): the centre is zero frequency (flat areas, slow
changes), the edges and corners the highest (pixel-to-pixel alternation). A one-line verdict
is read from the same numbers. The FFT of a ≤ 31×31 kernel takes microseconds, so it runs on
the GUI thread (no image is convolved here).

Every size follows the font (presentation mode included): the plot's minimum shows its axis
labels whole, and in a narrow dock the explanation goes under the plot instead of beside it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QLabel,
    QLayout,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from convgui.kernels import frequency_response
from convgui.mapcaption import short_value
from convgui.settings import Settings
from convgui.ui.classroom.kernel_pixmap import kernel_pixmap
from convgui.ui.follow import KERNEL_FIELDS, FollowsSettings
from convgui.ui.model import SettingsModel

__all__ = ["RESPONSE_SIZE", "FrequencyView", "verdict_for"]

RESPONSE_SIZE = 64
COLORMAP = "viridis"
_NEAR_ZERO = 0.02  # centre below this fraction of the peak counts as "blocked"
_FLAT = 0.99  # min ≥ this fraction of the peak: every frequency passes alike
BOTTOM_LABEL = "horizontal frequency (cycles/pixel)"
LEFT_LABEL = "vertical frequency"
_TICK_TEXT = "−0.50"  # the widest tick label of the frequency axes
_AXIS_GAPS = 4  # px: pyqtgraph's gap between the ticks and their labels, and a spare one
_TITLE_NUDGE = 5  # px: pyqtgraph draws the bottom axis title this far below the axis
_SIDE_CHARS = 36  # the explanation beside the plot is this many average characters wide
_KERNEL_LINES = 6  # the kernel's picture is this many text lines tall
_STACKED_SIDE_LINES = 2  # under the plot, the explanation keeps at least this many lines
_NO_LIMIT = 16777215  # Qt's QWIDGETSIZE_MAX: no maximum size


def verdict_for(response: np.ndarray) -> str:
    """A one-line reading of a centred magnitude response (centre = zero frequency).

    Compares the centre (|sum of the kernel|) with the peak and with the mean of the outer
    ring (the highest frequencies): all-pass, high-pass, band-pass, low-pass or mixed.
    """
    r = np.asarray(response, dtype=np.float64)
    n = r.shape[0]
    peak = float(r.max())
    centre = float(r[n // 2, n // 2])
    ring = np.concatenate([r[0, :], r[-1, :], r[1:-1, 0], r[1:-1, -1]])
    edge = float(ring.mean())
    numbers = (f"(centre {short_value(centre)}, edge mean {short_value(edge)}, "
               f"peak {short_value(peak)})")
    if peak <= 0.0:
        return "zero kernel: blocks every frequency"
    if float(r.min()) >= _FLAT * peak:
        return f"all-pass: every frequency passes alike {numbers}"
    if centre <= _NEAR_ZERO * peak:
        if edge >= 0.25 * peak:
            return (f"high-pass: blocks the centre (flat areas → 0), passes the edges "
                    f"(fine detail) {numbers}")
        return (f"band-pass: blocks the centre (flat areas → 0) and damps the finest "
                f"detail at the edges; passes the frequencies in between {numbers}")
    if centre >= edge:
        return f"low-pass: passes the centre, damps the edges (blurs fine detail) {numbers}"
    return (f"band/mixed: keeps the centre but boosts the edges (sharpens fine detail) "
            f"{numbers}")


class FrequencyView(FollowsSettings, QWidget):
    """|FFT| of the model's kernel as an image, with a caption and a verdict; follows the model
    while on screen (see :meth:`set_on_screen`).

    Public: :meth:`response`, :meth:`verdict`, :meth:`set_image` (accepted for a uniform
    interface; the response does not depend on the image), :meth:`is_ready`.
    """

    depends_on = KERNEL_FIELDS
    follow_when_hidden = False  # "hidden" meaning off screen: see is_on_screen

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._on_screen = True
        self._response = np.zeros((RESPONSE_SIZE, RESPONSE_SIZE))
        self._verdict = ""
        self._kernel: np.ndarray | None = None  # the kernel whose response is shown
        self.plot = pg.PlotWidget()
        self.plot.setAccessibleName("Frequency response plot")
        self.plot.setAspectLocked(True)
        self.plot.setMenuEnabled(False)
        item = self.plot.getPlotItem()
        for name in ("bottom", "left"):
            item.getAxis(name).enableAutoSIPrefix(False)
        self.image_item = pg.ImageItem()
        self.plot.addItem(self.image_item)
        cmap = pg.colormap.get(COLORMAP)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=cmap, interactive=False,
                                        colorMapMenu=False)
        self.colorbar.setImageItem(self.image_item, insert_in=item)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.caption = QLabel("centre = low frequencies (flat areas, slow changes);\n"
                              "edges = high frequencies (fine detail, pixel-to-pixel "
                              "alternation). Bright = passes, dark = blocked.")
        self.caption.setWordWrap(True)
        self.verdict_label = QLabel()
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setStyleSheet("font-weight: bold;")
        self.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kernel_label = QLabel()
        self.kernel_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.title)
        side.addWidget(self.kernel_label)
        side.addWidget(self.caption)
        side.addWidget(self.verdict_label)
        side.addStretch(1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        # The explanation scrolls rather than making the dock taller than the screen.
        self.side = QScrollArea()
        self.side.setAccessibleName("Frequency response details")
        self.side.setWidgetResizable(True)
        self.side.setFrameShape(QFrame.Shape.NoFrame)
        self.side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side.setWidget(side_widget)
        self._layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        # the minimum is this widget's own (:meth:`minimumSizeHint`, the stacked layout), not
        # the current direction's: a dock can then narrow it until the text goes under the plot
        self._layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._layout.addWidget(self.plot, 1)
        self._layout.addWidget(self.side)
        self._follow_font()
        self.follow(model)
        self._show_response(model.settings)

    # -- sizes ---------------------------------------------------------------------------

    def plot_minimum(self) -> QSize:
        """The plot's smallest size at the current font that shows the frequency axes with
        their tick labels and titles whole, and the colour bar with its labels.

        An axis title is centred on the image and may reach into the empty corners beside
        it: the bottom one needs the plot's width, the left one the image's height."""
        fm = QFontMetrics(self.font())
        line, tick = fm.height(), fm.horizontalAdvance(_TICK_TEXT)
        left_axis = tick + 2 * line  # tick labels, the rotated axis title, gaps
        bar = line + fm.horizontalAdvance("0.000") + line  # bar, its labels, gap before it
        bottom_axis = self._bottom_axis_height() + _TITLE_NUDGE
        width = max(fm.horizontalAdvance(BOTTOM_LABEL) + 2 * line, left_axis + 4 * line + bar)
        height = fm.horizontalAdvance(LEFT_LABEL) + line + line // 2 + bottom_axis
        return QSize(width, height)

    def _bottom_axis_height(self) -> int:
        """The bottom axis: tick labels, the gap above them and the whole axis title
        (pyqtgraph reserves only 0.8 of the title's height, so its descenders were cut)."""
        fm = QFontMetrics(self.font())
        title = self.plot.getPlotItem().getAxis("bottom").label.boundingRect().height()
        return round(fm.height() + title + _AXIS_GAPS)

    def _stacked_side_height(self) -> int:
        return QFontMetrics(self.font()).lineSpacing() * _STACKED_SIDE_LINES

    def _side_width(self) -> int:
        return QFontMetrics(self.font()).averageCharWidth() * _SIDE_CHARS

    def _margins(self) -> QSize:
        m = self._layout.contentsMargins()
        return QSize(m.left() + m.right(), m.top() + m.bottom())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """The plot whole with a few lines of the explanation under it (the narrow layout)."""
        plot, margins = self.plot_minimum(), self._margins()
        side = self._stacked_side_height()
        return QSize(plot.width() + margins.width(),
                     plot.height() + self._layout.spacing() + side + margins.height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """The plot at its minimum with the whole explanation under it."""
        plot, margins = self.plot_minimum(), self._margins()
        side = self.side.widget().heightForWidth(plot.width())
        return QSize(plot.width() + margins.width(),
                     plot.height() + self._layout.spacing() + max(side, 0) + margins.height())

    def _wide_enough(self, width: int) -> bool:
        """Whether ``width`` holds the plot and the explanation side by side."""
        return width >= (self.plot_minimum().width() + self._layout.spacing()
                         + self._side_width() + self._margins().width())

    def _arrange(self, width: int) -> None:
        """Explanation beside the plot when ``width`` holds both, else under it."""
        if self._wide_enough(width):
            self._layout.setDirection(QBoxLayout.Direction.LeftToRight)
            self.side.setFixedWidth(self._side_width())
            self.side.setMinimumHeight(0)
            self.side.setMaximumHeight(_NO_LIMIT)
            self.side.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        else:
            self._layout.setDirection(QBoxLayout.Direction.TopToBottom)
            self.side.setMinimumWidth(0)
            self.side.setMaximumWidth(_NO_LIMIT)
            self.side.setMinimumHeight(self._stacked_side_height())
            self.side.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def is_side_by_side(self) -> bool:
        """Whether the explanation is beside the plot (else under it)."""
        return self._layout.direction() == QBoxLayout.Direction.LeftToRight

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        self._arrange(event.size().width())
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._follow_font()

    def _follow_font(self) -> None:
        """Axis labels, tick labels, the colour bar and the kernel picture at the font."""
        font = self.font()
        fm = QFontMetrics(font)
        item = self.plot.getPlotItem()
        for name, text in (("bottom", BOTTOM_LABEL), ("left", LEFT_LABEL)):
            axis = item.getAxis(name)
            axis.setTickFont(font)
            axis.label.setFont(font)
            axis.setLabel(text)  # re-measured with the new font
        # room above for the colour bar's top label, below for the bottom axis title
        item.layout.setContentsMargins(1, fm.height() // 2, 1, 1 + _TITLE_NUDGE)
        bottom = item.getAxis("bottom")
        bottom.setStyle(autoExpandTextSpace=False, tickTextHeight=fm.height())
        bottom.setHeight(self._bottom_axis_height())
        self.colorbar.axis.setTickFont(font)
        self.colorbar.layout.setColumnFixedWidth(1, fm.height())  # the bar's thickness
        self.plot.setMinimumSize(self.plot_minimum())
        self._arrange(self.width())
        if self._kernel is not None:
            self._show_kernel(self._kernel)
        self.updateGeometry()

    def _show_kernel(self, kernel: np.ndarray) -> None:
        self._kernel = kernel
        side = QFontMetrics(self.font()).lineSpacing() * _KERNEL_LINES
        self.kernel_label.setPixmap(kernel_pixmap(kernel, side))

    def set_image(self, data: np.ndarray, value_range: tuple[float, float]) -> None:
        """Accepted like every classroom view; the kernel's response does not use it."""

    def is_ready(self) -> bool:
        """Always True: the response is computed at once."""
        return True

    def response(self) -> np.ndarray:
        """The (64, 64) magnitude response of the model's kernel (zero frequency at (32, 32))."""
        self.catch_up()
        return self._response.copy()

    def verdict(self) -> str:
        """The one-line verdict for the model's kernel."""
        self.catch_up()
        return self._verdict

    def set_on_screen(self, on_screen: bool) -> None:
        """Whether the view can be seen (a dock's ``visibilityChanged``: a dock behind another
        tab is moved off screen, not hidden). Off screen it only notes that the kernel
        changed, and follows it when back on screen or when :meth:`response` or
        :meth:`verdict` is read."""
        self._on_screen = bool(on_screen)
        if self._on_screen:
            self.catch_up()

    def is_on_screen(self) -> bool:
        """The last :meth:`set_on_screen` (True until it is called): Qt's visibility does not
        tell a dock's page behind another tab."""
        return self._on_screen

    def settings_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        self._show_response(settings)

    def _show_response(self, settings: Settings) -> None:
        kernel = settings.kernel_array()
        if max(kernel.shape) > RESPONSE_SIZE:  # pragma: no cover - kernels are ≤ 31×31
            return
        response = frequency_response(kernel, RESPONSE_SIZE)
        if np.array_equal(response, self._response) and self._verdict:
            return
        self._response = response
        peak = float(response.max())
        self.image_item.setImage(response, autoLevels=False,
                                 levels=(0.0, peak if peak > 0 else 1.0))
        half = (RESPONSE_SIZE // 2 + 0.5) / RESPONSE_SIZE  # pixel i is frequency (i − 32)/64
        self.image_item.setRect(QRectF(-half, -half, 1.0, 1.0))
        self.colorbar.setLevels((0.0, peak if peak > 0 else 1.0))
        self.plot.autoRange(padding=0.0)
        self._verdict = verdict_for(response)
        self.verdict_label.setText(self._verdict)
        kh, kw = kernel.shape
        self._show_kernel(kernel)
        self.kernel_label.setToolTip("the kernel: blue < 0, white 0, red > 0")
        self.title.setText(
            f"<b>Frequency response</b><br>|FFT| of the {kh}×{kw} kernel (below), zero-padded "
            f"to {RESPONSE_SIZE}×{RESPONSE_SIZE}, zero frequency in the centre")
