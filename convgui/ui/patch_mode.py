"""Kernel from image region (template matching): while patch mode is on, the patch of the input
inside a rectangle dragged on it becomes the kernel, zero-mean unless that option is off.

The rectangle and the patch are :mod:`convgui.ui.patch_picker`'s (through the views); the
kernel is :func:`convgui.kernels.patch_kernel`'s; this module holds the two Edit menu
commands and what a picked patch does to the settings.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from convgui.kernels import patch_kernel
from convgui.ui.menus import PATCH_COMMANDS, command_action
from convgui.ui.model import SettingsModel
from convgui.ui.views import ImageViews


class PatchMode(QObject):
    """Patch mode for ``views``, editing ``model``; its actions are children of ``window``.

    ``message(str)`` says what to do next or which patch became the kernel.
    """

    message = Signal(str)

    def __init__(self, window: QWidget, model: SettingsModel, views: ImageViews) -> None:
        super().__init__(window)
        self._model, self._views = model, views
        self.mode_action, self.zero_mean_action = (
            command_action(command, self, window) for command in PATCH_COMMANDS)
        views.patchSelected.connect(self._use_patch)

    def actions(self) -> list[QAction]:
        """Patch mode on/off and the zero-mean option, for the Edit menu."""
        return [self.mode_action, self.zero_mean_action]

    def is_on(self) -> bool:
        return self._views.patch_mode()

    def set_on(self, on: bool) -> None:
        """Patch mode on/off: while on, a rectangle dragged on the input becomes the kernel; it
        stays on (the rectangle can be moved or resized to try another patch) until turned
        off."""
        on = bool(on)
        self.mode_action.setChecked(on)
        self._views.set_patch_mode(on)
        if on:
            self.message.emit("drag a rectangle (at most 31×31) on the input to use it as the "
                              "kernel; Esc or Ctrl+K to finish")

    def _use_patch(self, patch: np.ndarray) -> None:
        zero_mean = self.zero_mean_action.isChecked()
        kernel = patch_kernel(patch, zero_mean)
        # A zero-mean kernel answers a match with positive and a mismatch with negative values:
        # diverging by construction (its rounded weights need not sum to exactly 0 for "auto").
        self._model.edit(
            "Kernel from image region",
            kernel=kernel,
            divisor=1,
            bias=0,
            display="diverging" if zero_mean else "auto",
        )
        h, w = kernel.shape
        rect = self._views.patch_rect()
        where = f" at ({rect[0]}, {rect[1]})" if rect else ""
        self.message.emit(f"kernel from the {h}×{w} patch{where}; move or resize the rectangle "
                          "to try another, Esc to finish")
