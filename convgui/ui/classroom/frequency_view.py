"""The kernel's frequency response: why a box or Gaussian is low-pass and an edge kernel
high-pass.

The magnitude of the kernel's 2-D FFT, zero-padded to 64×64 and centred
(:func:`convgui.kernels.frequency_response`): the centre is zero frequency (flat areas, slow
changes), the edges and corners the highest (pixel-to-pixel alternation). A one-line verdict
is read from the same numbers. The FFT of a ≤ 31×31 kernel takes microseconds, so it runs on
the GUI thread (no image is convolved here).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from convgui.kernels import frequency_response
from convgui.settings import Settings
from convgui.ui.classroom._common import kernel_pixmap, short_value
from convgui.ui.model import SettingsModel

pg.setConfigOptions(imageAxisOrder="row-major")

__all__ = ["RESPONSE_SIZE", "FrequencyView", "verdict_for"]

RESPONSE_SIZE = 64
COLORMAP = "viridis"
_NEAR_ZERO = 0.02  # centre below this fraction of the peak counts as "blocked"
_FLAT = 0.99  # min ≥ this fraction of the peak: every frequency passes alike


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


class FrequencyView(QWidget):
    """|FFT| of the model's kernel as an image, with a caption and a verdict; follows the model.

    Public: :meth:`response`, :meth:`verdict`, :meth:`set_image` (accepted for a uniform
    interface; the response does not depend on the image), :meth:`is_ready`.
    """

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._on_screen = True
        self._behind = False
        self._response = np.zeros((RESPONSE_SIZE, RESPONSE_SIZE))
        self._verdict = ""
        self.plot = pg.PlotWidget()
        self.plot.setAspectLocked(True)
        self.plot.setMenuEnabled(False)
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "horizontal frequency (cycles/pixel)")
        item.setLabel("left", "vertical frequency (cycles/pixel)")
        for name in ("bottom", "left"):
            item.getAxis(name).enableAutoSIPrefix(False)
        self.image_item = pg.ImageItem()
        self.plot.addItem(self.image_item)
        cmap = pg.colormap.get(COLORMAP)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=cmap, interactive=False,
                                        colorMapMenu=False, width=14)
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
        side.addWidget(self.title)
        side.addWidget(self.kernel_label)
        side.addWidget(self.caption)
        side.addWidget(self.verdict_label)
        side.addStretch(1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(250)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.plot, 1)
        layout.addWidget(side_widget)
        model.changed.connect(self._on_settings)
        self._follow(model.settings)

    def set_image(self, data: np.ndarray, value_range: tuple[float, float]) -> None:
        """Accepted like every classroom view; the kernel's response does not use it."""

    def is_ready(self) -> bool:
        """Always True: the response is computed at once."""
        return True

    def response(self) -> np.ndarray:
        """The (64, 64) magnitude response of the model's kernel (zero frequency at (32, 32))."""
        self._catch_up()
        return self._response.copy()

    def verdict(self) -> str:
        """The one-line verdict for the model's kernel."""
        self._catch_up()
        return self._verdict

    def set_on_screen(self, on_screen: bool) -> None:
        """Whether the view can be seen (a dock's ``visibilityChanged``: a dock behind another
        tab is moved off screen, not hidden). Off screen it only notes that the kernel
        changed, and follows it when back on screen or when :meth:`response` or
        :meth:`verdict` is read."""
        self._on_screen = bool(on_screen)
        if self._on_screen:
            self._catch_up()

    def _on_settings(self, settings: Settings) -> None:
        if not self._on_screen:
            self._behind = True
            return
        self._follow(settings)

    def _catch_up(self) -> None:
        if self._behind:
            self._behind = False
            self._follow(self.model.settings)

    def _follow(self, settings: Settings) -> None:
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
        self.kernel_label.setPixmap(kernel_pixmap(kernel, 96))
        self.kernel_label.setToolTip("the kernel: blue < 0, white 0, red > 0")
        self.title.setText(
            f"<b>Frequency response</b><br>|FFT| of the {kh}×{kw} kernel (below), zero-padded "
            f"to {RESPONSE_SIZE}×{RESPONSE_SIZE}, zero frequency in the centre")
