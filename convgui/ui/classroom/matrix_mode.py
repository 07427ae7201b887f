"""Matrix mode: a convolution of a small numeric grid, stepped through one output at a time.

The input grid (1×1 to 16×16, one grid or three for RGB) belongs to this panel; the kernel and
the geometry (padding, stride, dilation, boundary, flip, bias, channel mode) come from the shared
:class:`~convgui.ui.model.SettingsModel`. Every number shown comes from a
:class:`convgui.stepper.Walkthrough`, built off the GUI thread by a
:class:`~convgui.ui.tasks.LatestTask`; stepping only reads the finished walkthrough.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from convgui.settings import Settings
from convgui.stepper import EXAMPLES, MINUS, Walkthrough, format_number, step_text
from convgui.textgrid import parse_number
from convgui.ui.classroom.grid_widgets import NumberGrid, StepControls, scaled_font
from convgui.ui.model import SettingsModel
from convgui.ui.tasks import LatestTask, stop_task

__all__ = ["MatrixMode"]

MAX_SIDE = 16
MAX_PATH = 1024  # window origins drawn up to this many steps
CHANNEL_NAMES = ("R", "G", "B")


def _idx(n: int) -> str:
    return str(n).replace("-", MINUS)


def _cells(cells: list[tuple[int, int]], limit: int = 16) -> str:
    text = ", ".join(f"({i}, {j})" for i, j in cells[:limit])
    return text + (f" and {len(cells) - limit} more" if len(cells) > limit else "")


def _column(title: QLabel, grid: NumberGrid) -> QVBoxLayout:
    column = QVBoxLayout()
    column.addWidget(title)
    column.addWidget(grid)
    column.addStretch(1)
    return column


class MatrixMode(QWidget):
    """The matrix-mode panel (see the module docstring). ``message(str)`` carries refusals
    and explanations for a status line (also shown in the panel's own message line)."""

    message = Signal(str)
    #: False in the main window's tabs: while hidden the panel only notes that the settings
    #: changed, and follows them when it is shown.
    compute_when_hidden = True

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._settings_behind = False
        self._image = next(iter(EXAMPLES.values())).image_array()
        self._slices: np.ndarray | None = None  # an example's CNN filter, one slice a channel
        self._slices_base: tuple | None = None  # ... used while the model keeps this kernel
        self._walk: Walkthrough | None = None
        self._walk_image: np.ndarray | None = None
        self._error = ""
        self._step = 0
        self._selected: tuple[int, int] | None = None  # input coordinates (padding allowed)
        self._contributors: list[tuple[int, int]] = []
        self._pending = False
        self._job_key: tuple | None = None
        self._task = LatestTask()  # no parent: stopped in closeEvent / on destroyed
        self._task.finished_ok.connect(self._on_result)
        self._task.failed.connect(self._on_failed)
        self.destroyed.connect(lambda *_, task=self._task: stop_task(task))
        self._build()
        model.changed.connect(self._on_settings)
        self._sync_controls()
        self._recompute()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        top = QHBoxLayout()
        self.example_box = QComboBox()
        self.example_box.setPlaceholderText("Choose an example…")
        for name, ex in EXAMPLES.items():
            self.example_box.addItem(name)
            self.example_box.setItemData(self.example_box.count() - 1, ex.description,
                                         Qt.ItemDataRole.ToolTipRole)
        self.example_box.setCurrentIndex(-1)
        self.example_box.activated.connect(
            lambda i: self.load_example(self.example_box.itemText(i)))
        self.rows_spin, self.cols_spin = QSpinBox(), QSpinBox()
        for spin in (self.rows_spin, self.cols_spin):
            spin.setRange(1, MAX_SIDE)
            spin.valueChanged.connect(self._resize_input)
        self.channels_box = QComboBox()
        self.channels_box.addItems(["1 grid", "3 grids (RGB)"])
        self.channels_box.currentIndexChanged.connect(self._change_depth)
        self.channel_pick = QComboBox()
        self.channel_pick.addItems(list(CHANNEL_NAMES))
        self.channel_pick.setToolTip("Per-channel mode: the channel to step through")
        self.channel_pick.currentIndexChanged.connect(lambda _: self._recompute())
        for widget in (QLabel("Example:"), self.example_box, QLabel("Rows:"), self.rows_spin,
                       QLabel("Columns:"), self.cols_spin, QLabel("Channels:"),
                       self.channels_box, self.channel_pick):
            top.addWidget(widget)
        top.addStretch(1)

        self.note = QLabel("Kernel: this example's filter has one slice per channel (the "
                           "kernel editor shows the R slice); editing the kernel puts one "
                           "kernel on every channel.")
        self.note.setWordWrap(True)
        self.note.hide()

        grids = QHBoxLayout()
        self.input_grids = [NumberGrid() for _ in range(3)]
        self._input_titles = [QLabel() for _ in range(3)]
        self.arrow, self.output_grid = QLabel("→"), NumberGrid()
        for k, (grid, title) in enumerate(zip(self.input_grids, self._input_titles,
                                              strict=True)):
            grid.cell_clicked.connect(self.click_input)
            grid.edit_requested.connect(lambda r, c, text, k=k: self._edit_cell(k, r, c, text))
            grids.addLayout(_column(title, grid))
        self.output_grid.cell_clicked.connect(self.click_output)
        grids.addWidget(self.arrow)
        grids.addLayout(_column(QLabel("Output"), self.output_grid))
        grids.addStretch(1)
        grids.setContentsMargins(4, 4, 4, 4)
        grids.setSpacing(10)
        holder = QWidget()
        holder.setLayout(grids)
        scroll = self._scroll = QScrollArea()
        scroll.setWidget(holder)
        scroll.setWidgetResizable(True)
        scroll.installEventFilter(self)

        self.position_label = QLabel()
        self.arithmetic = QLabel()
        self.arithmetic.setWordWrap(True)
        self.arithmetic.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.arithmetic.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._arith_scroll = QScrollArea()  # a big kernel's sum scrolls instead of growing
        self._arith_scroll.setWidget(self.arithmetic)
        self._arith_scroll.setWidgetResizable(True)
        self._arith_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._arith_scroll.installEventFilter(self)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message.connect(self.message_label.setText)

        self.controls = StepControls(self)
        self.controls.triggered.connect(self._on_control)
        self.controls.ticked.connect(self._tick)
        self.first_action, self.prev_action = self.controls.first_action, self.controls.prev_action
        self.play_action, self.next_action = self.controls.play_action, self.controls.next_action
        self.last_action, self.speed_slider = self.controls.last_action, self.controls.speed_slider

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.position_label)
        layout.addWidget(self._arith_scroll)
        layout.addWidget(self.controls)
        layout.addWidget(self.message_label)
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(QFontInfo(self.font()).pointSizeF() * 1.5)
        self.arithmetic.setFont(mono)
        self._fit_arithmetic()
        self.position_label.setFont(scaled_font(self.font(), 1.25, bold=True))
        self.arrow.setFont(scaled_font(self.font(), 2.0, bold=True))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize and watched is self._scroll:
            self._fit_cells()
        elif event.type() == QEvent.Type.Resize and watched is self._arith_scroll:
            self._fit_arithmetic()
        return super().eventFilter(watched, event)

    def _fit_cells(self) -> None:
        """Zoom the grids to fill the grid area (cells between 40 and 96 px)."""
        grids = [g for g in self.input_grids if not g.isHidden()] + [self.output_grid]
        rows = max(g.shape()[0] for g in grids)
        cols = sum(g.shape()[1] for g in grids)
        if not rows or not cols:
            return
        frame = 2 * self._scroll.frameWidth()
        head = QFontMetrics(self.font()).height()
        spare_w = self._scroll.width() - frame - len(grids) * (3 * head + 16) - 4 * head
        spare_h = self._scroll.height() - frame - 4 * head - 24
        side = int(min(spare_w / cols, spare_h / rows, 96))
        for grid in grids:
            grid.set_min_cell(side)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()
        super().changeEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.controls.stop()
        self._task.stop()
        super().closeEvent(event)

    # ------------------------------------------------------------------ input grid
    def set_input(self, grid: np.ndarray) -> None:
        """Replace the input: a 2-D grid or an H×W×3 RGB stack, 1 to 16 cells a side."""
        arr = np.array(grid, dtype=np.float64)
        if arr.ndim == 3 and arr.shape[2] == 1:
            arr = arr[:, :, 0]
        if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] != 3):
            raise ValueError(f"the input must be H×W or H×W×3, got shape {arr.shape}")
        if not (1 <= arr.shape[0] <= MAX_SIDE and 1 <= arr.shape[1] <= MAX_SIDE):
            raise ValueError(f"the input must be 1 to {MAX_SIDE} cells a side")
        if not np.isfinite(arr).all():
            raise ValueError("the input must be finite numbers")
        self._slices = self._slices_base = None
        with QSignalBlocker(self.example_box):
            self.example_box.setCurrentIndex(-1)
        self._replace_image(arr)

    def _replace_image(self, arr: np.ndarray) -> None:
        self._image = arr
        self._selected, self._contributors = None, []
        self._sync_controls()
        self._recompute()

    def load_example(self, name: str) -> None:
        """Load example ``name`` of :data:`convgui.stepper.EXAMPLES`: its input here, and its
        kernel and bias (with valid padding, stride 1, dilation 1, no flip) on the model as one
        undoable step. An example with one kernel slice per channel sets channels to "sum"
        and uses its slices while the model keeps the first slice as its kernel."""
        ex = EXAMPLES[name]
        kernel = ex.kernel_array()
        settings, cnn = self._model.settings, kernel.ndim == 3
        new = settings.replace(
            kernel=(kernel[:, :, 0] if cnn else kernel).tolist(), divisor=1, bias=ex.bias,
            padding="valid", stride=(1, 1), dilation=(1, 1), flip=False,
            channels="sum" if cnn else settings.channels)
        self._slices, self._slices_base = (kernel, new.kernel) if cnn else (None, None)
        self._step = 0
        with QSignalBlocker(self.example_box):
            self.example_box.setCurrentText(name)
        self._image = ex.image_array()
        self._selected, self._contributors = None, []
        self._sync_controls()
        self._model.set(new, f"Load example “{name}”")
        self._recompute()
        self.message.emit(f"{name}: {ex.description}")

    def _resize_input(self) -> None:
        rows, cols = self.rows_spin.value(), self.cols_spin.value()
        old = self._image
        if old.shape[:2] == (rows, cols):
            return
        new = np.zeros((rows, cols) + old.shape[2:])
        h, w = min(rows, old.shape[0]), min(cols, old.shape[1])
        new[:h, :w] = old[:h, :w]
        self._replace_image(new)

    def _change_depth(self, index: int) -> None:
        old = self._image
        if index == 1 and old.ndim == 2:
            self._replace_image(np.repeat(old[:, :, None], 3, axis=2))
        elif index == 0 and old.ndim == 3:
            self._replace_image(old[:, :, 0].copy())
            self.message.emit("One grid: kept the R grid.")

    def _sync_controls(self) -> None:
        for spin, value in ((self.rows_spin, self._image.shape[0]),
                            (self.cols_spin, self._image.shape[1])):
            with QSignalBlocker(spin):
                spin.setValue(value)
        with QSignalBlocker(self.channels_box):
            self.channels_box.setCurrentIndex(1 if self._image.ndim == 3 else 0)
        s = self._model.settings
        self.channel_pick.setVisible(self._image.ndim == 3 and s.channels == "per-channel"
                                     and not self._slices_active(s))

    def _edit_cell(self, k: int, r: int, c: int, text: str) -> None:
        walk = self._walk
        shown = self._walk_image if walk is not None else self._image
        (top, _), (left, _) = walk.pads if walk is not None else ((0, 0), (0, 0))
        i, j = r - top, c - left
        if shown is None or shown.shape != self._image.shape:
            self.message.emit("The grid is being recomputed; try again.")
            return
        try:
            value = parse_number(text)
        except ValueError as exc:
            self.message.emit(f"Input ({i}, {j}) refused: {exc}; kept the old value.")
            return
        if walk is not None and walk.mode == "per-channel":
            k = walk.channel or 0
        image = self._image.copy()
        image[(i, j, k) if image.ndim == 3 else (i, j)] = value
        self._image = image
        self._recompute()

    # ------------------------------------------------------------------ computing
    def _slices_active(self, s: Settings) -> bool:
        return (self._slices is not None and self._image.ndim == 3 and s.channels == "sum"
                and s.kernel == self._slices_base and s.divisor == 1)

    def _on_settings(self, settings: Settings) -> None:
        if not self.compute_when_hidden and not self.isVisible():
            self._settings_behind = True
            return
        self._sync_controls()
        self._recompute()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._settings_behind:
            self._settings_behind = False
            self._on_settings(self._model.settings)

    def _recompute(self) -> None:
        s = self._model.settings
        image = self._image.copy()
        kwargs: dict = {"padding": s.padding, "stride": s.stride, "dilation": s.dilation,
                        "boundary": s.boundary, "cval": s.cval, "flip": s.flip, "bias": s.bias}
        if self._slices_active(s):
            kernel = self._slices
        else:
            kernel = s.kernel_array()
            if image.ndim == 3:
                kwargs["channels"] = s.channels
                if s.channels == "per-channel":
                    kwargs["channel"] = self.channel_pick.currentIndex()
        key = (image.tobytes(), image.shape, kernel.tobytes(), kernel.shape,
               tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
        if key == self._job_key:
            return
        self._job_key = key
        self._pending = True
        self._task.submit(lambda: (Walkthrough(image, kernel, **kwargs), image))

    def _on_result(self, seq: int, result: tuple) -> None:
        if seq != self._task.latest_seq:
            return
        self._pending = False
        self._walk, self._walk_image = result
        self._error = ""
        self._step = min(max(self._step, 0), len(self._walk) - 1)
        self._remap_selection()
        self._refresh()

    def _on_failed(self, seq: int, message: str, is_shape_error: bool) -> None:
        if seq != self._task.latest_seq:
            return
        self._pending = False
        self._walk, self._walk_image = None, None
        self._error = ("No output: " if is_shape_error else "Cannot compute: ") + message
        self._selected, self._contributors = None, []
        self.controls.stop()
        self._refresh()

    def _remap_selection(self) -> None:
        walk = self._walk
        if self._selected is None or walk is None:
            return
        r, c = self._selected[0] + walk.pads[0][0], self._selected[1] + walk.pads[1][0]
        if 0 <= r < walk.padded.shape[0] and 0 <= c < walk.padded.shape[1]:
            self._contributors = walk.contributors(r, c)
        else:
            self._selected, self._contributors = None, []

    # ------------------------------------------------------------------ showing
    def _planes(self) -> list[tuple[str, np.ndarray, bool]]:
        """(title, grid, editable) for each input grid shown."""
        walk = self._walk
        if walk is None:
            img = self._image
            if img.ndim == 2:
                return [("Input", img, True)]
            return [(f"{CHANNEL_NAMES[k]} channel", img[:, :, k], True) for k in range(3)]
        pad = walk.padded
        if walk.mode == "cnn":
            names = CHANNEL_NAMES if pad.shape[2] == 3 else [f"channel {k}" for k in
                                                               range(pad.shape[2])]
            return [(f"{names[k]} channel (padded)", pad[:, :, k], True)
                    for k in range(pad.shape[2])]
        if walk.mode == "per-channel":
            return [(f"{CHANNEL_NAMES[walk.channel]} channel (padded)", pad, True)]
        if walk.mode == "luma":
            return [("Luma 0.299 R + 0.587 G + 0.114 B (padded; edit in per-channel mode)",
                     pad, False)]
        return [("Input (padded)", pad, True)]

    def _refresh(self) -> None:
        walk = self._walk
        planes = self._planes()
        for k, (grid, title) in enumerate(zip(self.input_grids, self._input_titles,
                                              strict=True)):
            grid.setVisible(k < len(planes))
            title.setVisible(k < len(planes))
            if k >= len(planes):
                continue
            name, values, editable = planes[k]
            title.setText(name)
            grid.set_editable(editable)
            grid.set_row_headers(k == 0)
            if walk is None:
                grid.set_values(values)
                grid.set_window({}, None)
                grid.set_marks()
                continue
            (top, _), (left, _) = walk.pads
            h, w = walk.geometry.in_hw
            grid.set_values(values, (top, left, h, w),
                            [_idx(r - top) for r in range(values.shape[0])],
                            [_idx(c - left) for c in range(values.shape[1])])
        s = self._model.settings
        self.note.setVisible(walk is not None and self._slices_active(s))
        self.arrow.setVisible(len(planes) == 1)
        for action in (self.first_action, self.prev_action, self.next_action,
                       self.last_action, self.play_action):
            action.setEnabled(walk is not None)
        if walk is None:
            self.output_grid.set_values(np.zeros((0, 0)))
            self._fit_cells()
            self.position_label.setText("No output" if self._error else "Computing…")
            self.arithmetic.setText(self._error)
            self._fit_arithmetic()
            return
        self.output_grid.set_values(walk.output)
        self._fit_cells()
        self._show_step()

    def _show_step(self) -> None:
        walk, n = self._walk, self._step
        if walk is None:
            return
        step = walk.step(n)
        cells = walk.window(n)
        (dh, dw) = walk.geometry.dilation
        box = (cells[0][0], cells[0][1], cells[-1][0], cells[-1][1])
        path = [walk.origin(m) for m in range(len(walk))] if len(walk) <= MAX_PATH else []
        selected = None
        if self._selected is not None:
            selected = (self._selected[0] + walk.pads[0][0], self._selected[1] + walk.pads[1][0])
        for k, grid in enumerate(self.input_grids):
            if not grid.isVisibleTo(self):
                continue
            channel = k if walk.mode == "cnn" else step.taps[0].channel
            weights = {t.padded_index: t.weight for t in step.taps if t.channel == channel}
            grid.set_window(weights, box if (dh, dw) != (1, 1) else None, path, n)
            grid.set_marks(selected=selected)
        self.output_grid.set_marks(current=step.output_index, marked=self._contributors,
                                   faded_after=n)
        first = self.input_grids[0]  # keep the window in view when the grids scroll
        rect = first.cell_rect(*cells[0]).united(first.cell_rect(*cells[-1]))
        centre = first.mapTo(self._scroll.widget(), rect.center())
        self._scroll.ensureVisible(centre.x(), centre.y(), rect.width() // 2 + 8,
                                   rect.height() // 2 + 8)
        i, j = step.output_index
        self.position_label.setText(f"output ({i}, {j})  ·  step {n + 1} of {len(walk)}")
        self.arithmetic.setText(self._arithmetic(step))
        self._fit_arithmetic()

    def _fit_arithmetic(self) -> None:
        """The arithmetic area as tall as its text, at most 8 lines (then it scrolls)."""
        line = QFontMetrics(self.arithmetic.font()).lineSpacing()
        width = max(200, self._arith_scroll.viewport().width())
        needed = self.arithmetic.heightForWidth(width) if self.arithmetic.text() else line
        self._arith_scroll.setFixedHeight(min(max(needed, line), 8 * line) + 4)

    def _arithmetic(self, step) -> str:
        walk = self._walk
        i, j = step.output_index
        if walk.mode != "cnn":
            prefix = f"{CHANNEL_NAMES[walk.channel]}: " if walk.mode == "per-channel" else ""
            return f"{prefix}{step.text}"
        lines, sums = [], []
        for ch in range(walk.padded.shape[2]):
            taps = [t for t in step.taps if t.channel == ch]
            total = sum(t.value * t.weight for t in taps)
            sums.append(total)
            name = CHANNEL_NAMES[ch] if walk.padded.shape[2] == 3 else f"channel {ch}"
            lines.append(f"{name}: {step_text(taps, 0.0, total)}")
        terms = [format_number(v, parens=True) for v in sums]
        if step.bias != 0:
            terms.append(format_number(step.bias, parens=True))
        lines.append(f"output ({i}, {j}) = {' + '.join(terms)} = {format_number(step.total)}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ stepping
    def go_to(self, n: int) -> None:
        """Show step ``n`` (clamped to the steps)."""
        if self._walk is None:
            return
        self._step = min(max(int(n), 0), len(self._walk) - 1)
        self._show_step()

    def _on_control(self, name: str) -> None:
        if name == "play":
            self.toggle_play()
        elif self._walk is not None:
            last = len(self._walk) - 1
            self.go_to({"first": 0, "previous": self._step - 1, "next": self._step + 1,
                        "last": last}[name])

    def toggle_play(self) -> None:
        """Start or pause stepping on a timer (from the first step when at the end)."""
        if self.controls.is_playing():
            self.controls.stop()
        elif self._walk is not None:
            if self._step >= len(self._walk) - 1:
                self.go_to(0)
            self.controls.start()

    def is_playing(self) -> bool:
        return self.controls.is_playing()

    def _tick(self) -> None:
        if self._walk is not None and self._step < len(self._walk) - 1:
            self.go_to(self._step + 1)
        if self._walk is None or self._step >= len(self._walk) - 1:
            self.controls.stop()

    def speed(self) -> float:
        """Playing speed in steps per second (0.2 to 3)."""
        return self.controls.speed()

    # ------------------------------------------------------------------ clicking
    def click_input(self, r: int, c: int) -> None:
        """Select padded cell (r, c): every output it feeds is filled blue (again: clear)."""
        walk = self._walk
        if walk is None:
            return
        top, left = walk.pads[0][0], walk.pads[1][0]
        cell = (r - top, c - left)
        if cell == self._selected:
            self._selected, self._contributors = None, []
            self.message.emit("")
        else:
            self._selected, self._contributors = cell, walk.contributors(r, c)
            h, w = walk.geometry.in_hw
            where = f"({_idx(cell[0])}, {_idx(cell[1])})"
            what = (f"input {where}" if 0 <= cell[0] < h and 0 <= cell[1] < w else
                    f"padding cell {where} (filled by “{walk.boundary}”)")
            feeds = (f"feeds outputs {_cells(self._contributors)}" if self._contributors
                     else "feeds no output")
            self.message.emit(f"{what} {feeds}")
        self._show_step()

    def click_output(self, i: int, j: int) -> None:
        """Jump to the step of output (i, j)."""
        if self._walk is not None:
            self.go_to(self._walk.index_of(i, j))

    # ------------------------------------------------------------------ for tests and callers
    def is_ready(self) -> bool:
        """True when the newest computation has answered (a walkthrough or an explanation)."""
        return not self._pending

    def walkthrough(self) -> Walkthrough | None:
        return self._walk

    def current_step(self) -> int:
        return self._step

    def step_text(self) -> str:
        """The current step's sum written out (:attr:`convgui.stepper.Step.text`), or the
        explanation when there is no output."""
        return self._walk.step(self._step).text if self._walk is not None else self._error

    def arithmetic_text(self) -> str:
        """The text of the arithmetic area (per-channel sums and the total in CNN mode)."""
        return self.arithmetic.text()

    def highlighted_taps(self) -> list[tuple[int, int]]:
        """Padded coordinates of the current window's taps."""
        return self._walk.window(self._step) if self._walk is not None else []

    def highlighted_output(self) -> tuple[int, int] | None:
        return self._walk.output_index(self._step) if self._walk is not None else None

    def contributor_cells(self) -> list[tuple[int, int]]:
        """The outputs fed by the selected input cell."""
        return list(self._contributors)

    def output_values(self) -> np.ndarray:
        return self._walk.output.copy() if self._walk is not None else np.zeros((0, 0))

    def padded_values(self) -> np.ndarray:
        return self._walk.padded.copy() if self._walk is not None else self._image.copy()

    def input_values(self) -> np.ndarray:
        """The input grid(s) as edited (H×W or H×W×3)."""
        return self._image.copy()
