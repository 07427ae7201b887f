"""The base of the classroom panels: the input image, the shared settings model, and the
panel's computation run off the GUI thread on a :class:`~convgui.ui.tasks.LatestTask`, at most
one job per event-loop turn, held back while the panel is hidden in a background tab.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from convgui.settings import Settings
from convgui.ui.classroom.map_tile import HoverReadout, MapTile
from convgui.ui.follow import FollowsSettings
from convgui.ui.model import SettingsModel
from convgui.ui.tasks import LatestTask, stop_task

__all__ = ["ClassroomPanel"]

#: How long closing a panel waits for its running job; a longer one finishes on its own (see
#: :func:`~convgui.ui.tasks.stop_task`), so closing never freezes the window for it.
_STOP_WAIT_MS = 300


def _stop_tasks(tasks: list[LatestTask], *_destroyed: Any) -> None:
    """Stop a panel's tasks (also on ``destroyed``, whose argument is not needed)."""
    for task in tasks:
        stop_task(task, _STOP_WAIT_MS)


class ClassroomPanel(FollowsSettings, QWidget):
    """Base of the classroom panels: holds the input image and the shared
    :class:`SettingsModel`, and runs :meth:`make_job`'s callable on a :class:`LatestTask`.

    A subclass implements :meth:`make_job` (return a no-argument callable computed off the GUI
    thread, or None when there is nothing to compute), :meth:`show_result` and
    :meth:`show_error`; it calls :meth:`schedule` whenever an input changes (several calls in
    one event-loop turn make one job). ``updated`` fires after each result or error is shown.
    The task is stopped when the panel is closed or destroyed.

    A subclass declares :attr:`~convgui.ui.follow.FollowsSettings.depends_on`: the settings
    fields its results are computed from (by default an edit to one of them recomputes, see
    :meth:`settings_changed`). ``follow_when_hidden`` is False in the main window's tabs: a
    hidden panel then neither follows the settings nor computes, and catches up (one job) when
    it is shown, so one edit does not run every classroom view.

    ``readout`` is the panel's hover read-out line: a subclass places it in its layout and
    passes every map tile it makes to :meth:`watch_tiles`.
    """

    updated = Signal()

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._stale = False  # a job was asked for while hidden: submitted when shown
        self._image: np.ndarray | None = None
        self._value_range: tuple[float, float] = (0.0, 255.0)
        self._tasks: list[LatestTask] = []
        self._task: LatestTask | None = None
        self._done_seq = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._submit)
        self.destroyed.connect(functools.partial(_stop_tasks, self._tasks))
        self.follow(model)
        self.readout = HoverReadout()

    def watch_tiles(self, *tiles: MapTile) -> None:
        """Read out the cells of ``tiles`` in :attr:`readout` as the mouse moves over them."""
        for tile in tiles:
            self.readout.watch(tile)

    # ------------------------------------------------------------------ input

    def set_image(self, data: np.ndarray, value_range: tuple[float, float]) -> None:
        """The input image ((H, W) or (H, W, 3) float32, native range) and its value range."""
        arr = np.asarray(data)
        if arr.ndim == 3 and arr.shape[2] == 1:
            arr = arr[:, :, 0]
        if arr.ndim not in (2, 3):
            raise ValueError(f"image must be (H, W) or (H, W, 3), got shape {arr.shape}")
        self._image = arr
        self._value_range = (float(value_range[0]), float(value_range[1]))
        self.image_changed()
        self.schedule()

    def image(self) -> np.ndarray | None:
        """The input image, or None."""
        return self._image

    def image_changed(self) -> None:
        """Called after :meth:`set_image` (before the job is scheduled)."""

    def settings_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        """``fields`` (of :attr:`depends_on`) changed; by default recompute."""
        self.schedule()

    # ------------------------------------------------------------------- jobs

    def schedule(self) -> None:
        """Recompute soon (once per event-loop turn, however often this is called); a hidden
        panel with ``follow_when_hidden`` False waits until it is shown."""
        if not self.follows_now():
            self._stale = True
            return
        self._timer.start()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)  # catches up on the settings first (FollowsSettings)
        if self._stale:
            self._stale = False
            self.schedule()

    def is_behind(self) -> bool:
        """True while hidden with settings changes or a computation still to catch up on."""
        return super().is_behind() or self._stale

    def is_ready(self) -> bool:
        """True when what is shown matches the current inputs (no job pending or running)."""
        task = self._task
        latest = 0 if task is None else task.latest_seq
        return not self._timer.isActive() and self._done_seq == latest

    def make_job(self) -> Callable[[], Any] | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def show_result(self, result: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def show_error(self, message: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _submit(self) -> None:
        if not self.follows_now():
            self._stale = True
            return
        job = self.make_job()
        if job is None:
            if self._task is not None:
                self._done_seq = self._task.latest_seq
            return
        if self._task is None:
            task = LatestTask()  # no parent, as stop_task advises
            task.finishedOk.connect(self._finished)
            task.failed.connect(self._failed)
            self._tasks.append(task)
            self._task = task
        self._task.submit(job)

    def _finished(self, seq: int, result: Any) -> None:
        if self._task is None or seq != self._task.latest_seq:
            return
        self._done_seq = seq
        self.show_result(result)
        self.updated.emit()

    def _failed(self, seq: int, message: str, _is_shape_error: bool) -> None:
        if self._task is None or seq != self._task.latest_seq:
            return
        self._done_seq = seq
        self.show_error(message)
        self.updated.emit()

    def shutdown(self) -> None:
        """Stop the worker thread (a later change starts a new one)."""
        self._timer.stop()
        _stop_tasks(self._tasks)
        self._tasks.clear()
        self._task = None
        self._done_seq = 0

    def task_running(self) -> bool:
        """Whether a worker thread of this panel is running."""
        return any(task.isRunning() for task in self._tasks)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        self.shutdown()
        super().closeEvent(event)
