"""Matrix mode: a convolution of a small numeric grid, stepped through one output at a time.

The input grid (1×1 to 16×16, one grid or three for RGB) belongs to this panel; the kernel and
the geometry (padding, stride, dilation, boundary, flip, bias, channel mode) come from the shared
:class:`~convgui.ui.model.SettingsModel`. Every number shown comes from a
:class:`convgui.stepper.Walkthrough`, built off the GUI thread by a
:class:`~convgui.ui.tasks.LatestTask`; stepping only reads the finished walkthrough.

The input grid works like a spreadsheet (type over a cell, Enter / Tab / arrows move on, Ctrl+V
pastes a block); every change of it, and an example's input with its settings, is one step on
the model's undo stack (:class:`~convgui.ui.classroom.step_input.StepInput`). The grids wrap to
the panel's width (:class:`~convgui.ui.classroom.step_grids.StepGrids`).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from superqt import QFlowLayout

from convgui.settings import Settings
from convgui.stepper import EXAMPLES, Step, Walkthrough, format_number, step_text
from convgui.textgrid import parse_grid, parse_number
from convgui.ui.classroom.grid_widgets import labelled, scaled_font
from convgui.ui.classroom.step_controls import StepControls
from convgui.ui.classroom.step_grids import StepGrids
from convgui.ui.classroom.step_input import StepInput, cell_name
from convgui.ui.model import SettingsModel
from convgui.ui.tasks import LatestTask, stop_task

__all__ = ["MatrixMode", "feeds_text"]

MAX_SIDE = 16
MAX_PATH = 1024  # window origins drawn up to this many steps
CHANNEL_NAMES = ("R", "G", "B")
SELECTION_HINT = ("Click an input cell to mark the outputs it feeds; type to change it "
                  "(Enter, Tab, arrows move on; Ctrl+V pastes a block).")


def _cells(cells: list[tuple[int, int]], limit: int = 16) -> str:
    text = ", ".join(f"({i}, {j})" for i, j in cells[:limit])
    return text + (f" and {len(cells) - limit} more" if len(cells) > limit else "")


def feeds_text(cell: tuple[int, int], in_hw: tuple[int, int], outputs: list[tuple[int, int]],
               boundary: str) -> str:
    """``"input (1, 1) feeds outputs (0, 0), (0, 1)"`` for input ``cell`` (a padding cell
    outside the ``in_hw`` input says what fills it) and the ``outputs`` it feeds."""
    where = cell_name(*cell)
    inside = 0 <= cell[0] < in_hw[0] and 0 <= cell[1] < in_hw[1]
    what = f"input {where}" if inside else f"padding cell {where} (filled by “{boundary}”)"
    return f"{what} feeds outputs {_cells(outputs)}" if outputs else f"{what} feeds no output"


class MatrixMode(QWidget):
    """The matrix-mode panel (see the module docstring). ``message(str)`` carries refusals
    and explanations for a status line (also shown in the panel's own message line)."""

    message = Signal(str)
    #: False in the main window's tabs: while hidden the panel only notes that the settings
    #: or the input changed, and follows them when it is shown.
    compute_when_hidden = True

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._behind = False
        self._input = StepInput(model, next(iter(EXAMPLES.values())).image_array(),
                                self._on_input_changed)
        self._input.watch(self)
        self._walk: Walkthrough | None = None
        self._walk_image: np.ndarray | None = None
        self._error = ""
        self._step = 0
        self._selected: tuple[int, int] | None = None  # input coordinates (padding allowed)
        self._contributors: list[tuple[int, int]] = []
        self._pending = False
        self._job_key: tuple | None = None
        self._task = LatestTask()  # no parent: stopped in closeEvent / on destroyed
        self._task.finishedOk.connect(self._on_result)
        self._task.failed.connect(self._on_failed)
        self.destroyed.connect(lambda *_, task=self._task: stop_task(task))
        self._build()
        model.changed.connect(self._on_settings)
        self._sync_controls()
        self._recompute()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        top = QWidget()
        flow = QFlowLayout(top)  # the controls wrap onto a second line when narrow
        flow.setContentsMargins(0, 0, 0, 0)
        self.example_box = QComboBox()
        self.example_box.setPlaceholderText("Choose an example…")
        for name, ex in EXAMPLES.items():
            self.example_box.addItem(name)
            self.example_box.setItemData(self.example_box.count() - 1, ex.description,
                                         Qt.ItemDataRole.ToolTipRole)
        self.example_box.setCurrentIndex(-1)
        self.example_box.activated.connect(
            lambda i: self.load_example(self.example_box.itemText(i)))
        self.example_box.setToolTip("Load a small worked example: input grid, kernel and "
                                    "settings, as one undoable step")
        self.rows_spin, self.cols_spin = QSpinBox(), QSpinBox()
        for spin, what in ((self.rows_spin, "rows"), (self.cols_spin, "columns")):
            spin.setAccessibleName(f"Input {what}")
            spin.setToolTip(f"Number of {what} of the input grid (1–{MAX_SIDE}); type into "
                            "the grid to change its numbers")
            spin.setRange(1, MAX_SIDE)
            spin.valueChanged.connect(
                lambda _: self._input.resize(self.rows_spin.value(), self.cols_spin.value()))
        self.channels_box = QComboBox()
        self.channels_box.addItems(["1 grid", "3 grids (RGB)"])
        self.channels_box.setAccessibleName("Input channels")
        self.channels_box.setToolTip("One grey input grid, or three (R, G, B) as a colour "
                                     "image or a CNN layer's input sees them")
        self.channels_box.currentIndexChanged.connect(self._change_depth)
        self.channel_pick = QComboBox()
        self.channel_pick.addItems(list(CHANNEL_NAMES))
        self.channel_pick.setToolTip("Per-channel mode: the channel to step through")
        self.channel_pick.setAccessibleName("Channel to step through")
        self.channel_pick.currentIndexChanged.connect(lambda _: self._recompute())
        for text, widget in (("E&xample:", self.example_box), ("&Rows:", self.rows_spin),
                             ("Col&umns:", self.cols_spin), ("Ch&annels:", self.channels_box)):
            flow.addWidget(labelled(text, widget))
        flow.addWidget(self.channel_pick)
        self.export_button = QPushButton("Export animation…")
        self.export_button.setToolTip("Save this walk as an animated GIF or PNG, a PDF or SVG "
                                      "frames: one frame per output cell, with the numbers")
        self.export_button.clicked.connect(self._export_animation)
        flow.addWidget(self.export_button)

        self.description = QLabel()  # what the loaded example shows
        self.description.setWordWrap(True)
        self.note = QLabel("Kernel: this example's filter has one slice per channel (the "
                           "kernel editor shows the R slice); editing the kernel puts one "
                           "kernel on every channel.")
        self.note.setWordWrap(True)
        self.note.hide()

        self.grids = StepGrids()
        self.input_grids, self.output_grid = self.grids.input_grids, self.grids.output_grid
        for k, grid in enumerate(self.input_grids):
            grid.set_selectable(True)
            grid.currentChanged.connect(self._on_current_changed)
            grid.editRequested.connect(lambda r, c, text, k=k: self._edit_cell(k, r, c, text))
            grid.pasteRequested.connect(lambda r, c, text, k=k: self._paste(k, r, c, text))
        self.output_grid.cellClicked.connect(self.click_output)

        self.position_label = QLabel()
        self.selection_label = QLabel()  # follows the selection, the settings and the input
        self.selection_label.setWordWrap(True)
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
        for widget in (top, self.description, self.note):
            layout.addWidget(widget)
        layout.addWidget(self.grids, 1)
        for widget in (self.position_label, self.selection_label, self._arith_scroll,
                       self.controls, self.message_label):
            layout.addWidget(widget)
        # short of room the message (also on the status line), the note, then the
        # description fold away rather than push the grids into scrolling
        self.grids.fold_lines([self.message_label, self.note, self.description])
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(QFontInfo(self.font()).pointSizeF() * 1.5)
        self.arithmetic.setFont(mono)
        self._fit_arithmetic()
        self.position_label.setFont(scaled_font(self.font(), 1.25, bold=True))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize and watched is self._arith_scroll:
            self._fit_arithmetic()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_arithmetic()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.controls.stop()
        self._task.stop()
        super().closeEvent(event)

    # ------------------------------------------------------------------ input grid
    def set_input(self, grid: np.ndarray) -> None:
        """Replace the input (one undoable step): a 2-D grid or an H×W×3 RGB stack, 1 to 16
        cells a side."""
        arr = np.array(grid, dtype=np.float64)
        if arr.ndim == 3 and arr.shape[2] == 1:
            arr = arr[:, :, 0]
        if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] != 3):
            raise ValueError(f"the input must be H×W or H×W×3, got shape {arr.shape}")
        if not (1 <= arr.shape[0] <= MAX_SIDE and 1 <= arr.shape[1] <= MAX_SIDE):
            raise ValueError(f"the input must be 1 to {MAX_SIDE} cells a side")
        if not np.isfinite(arr).all():
            raise ValueError("the input must be finite numbers")
        self._input.replace_image(arr, "Replace input")

    def load_example(self, name: str) -> None:
        """Load example ``name`` of :data:`convgui.stepper.EXAMPLES` as one undoable step
        (see :meth:`StepInput.load_example`) and say what it changed."""
        self._step = 0
        self.message.emit(self._input.load_example(name))

    def _change_depth(self, index: int) -> None:
        was_rgb = self._input.image.ndim == 3
        self._input.set_depth(index == 1)
        if was_rgb and index == 0:
            self.message.emit("One grid: kept the R grid.")

    def _on_input_changed(self) -> None:
        if not self.compute_when_hidden and not self.isVisible():
            self._behind = True
            return
        self._sync_controls()
        self._recompute()

    def _sync_controls(self) -> None:
        image, example = self._input.image, self._input.state.example
        for spin, value in ((self.rows_spin, image.shape[0]), (self.cols_spin, image.shape[1])):
            with QSignalBlocker(spin):
                spin.setValue(value)
        with QSignalBlocker(self.channels_box):
            self.channels_box.setCurrentIndex(1 if image.ndim == 3 else 0)
        with QSignalBlocker(self.example_box):
            self.example_box.setCurrentIndex(self.example_box.findText(example or ""))
        self.description.setText(EXAMPLES[example].description if example else "")
        self.grids.show_line(self.description, example is not None)
        s = self._model.settings
        self.channel_pick.setVisible(image.ndim == 3 and s.channels == "per-channel"
                                     and self._input.slices_for(s) is None)

    def _target(self, k: int, r: int, c: int) -> tuple[tuple[int, int], int | None] | None:
        """The input cell and channel of grid ``k``'s padded cell (r, c), or None (with a
        message) while the grid shows an input of another shape."""
        walk, image = self._walk, self._input.image
        shown = self._walk_image if walk is not None else image
        if shown is None or shown.shape != image.shape:
            self.message.emit("The grid is being recomputed; try again.")
            return None
        (top, _), (left, _) = walk.pads if walk is not None else ((0, 0), (0, 0))
        channel = None
        if image.ndim == 3:
            channel = walk.channel if walk is not None and walk.mode == "per-channel" else k
        return (r - top, c - left), channel

    def _edit_cell(self, k: int, r: int, c: int, text: str) -> None:
        target = self._target(k, r, c)
        if target is None:
            return
        (i, j), channel = target
        try:
            value = parse_number(text)
        except ValueError as exc:
            self.message.emit(f"Input {cell_name(i, j)} refused: {exc}; kept the old value.")
            return
        self._input.write_block(i, j, [[value]], channel, f"Edit input {cell_name(i, j)}")

    def _paste(self, k: int, r: int, c: int, text: str) -> None:
        target = self._target(k, r, c)
        if target is None:
            return
        (i, j), channel = target
        try:
            block = parse_grid(text)
        except ValueError as exc:
            self.message.emit(f"Paste refused: {exc}")
            return
        size = f"{len(block)}×{len(block[0])}"
        rows, cols = self._input.write_block(i, j, block, channel,
                                             f"Paste {size} into input {cell_name(i, j)}")
        fitted = f"{rows}×{cols}"
        self.message.emit(f"Pasted {size} at input {cell_name(i, j)}." if fitted == size else
                          f"Pasted {fitted} of the {size} block at input {cell_name(i, j)}; "
                          f"the rest is outside the grid.")

    # ------------------------------------------------------------------ computing
    def _on_settings(self, settings: Settings) -> None:
        if not self.compute_when_hidden and not self.isVisible():
            self._behind = True
            return
        self._sync_controls()
        self._recompute()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._behind:
            self._behind = False
            self._sync_controls()
            self._recompute()

    def _recompute(self) -> None:
        s = self._model.settings
        image = self._input.image.copy()
        kwargs: dict = {"padding": s.padding, "stride": s.stride, "dilation": s.dilation,
                        "boundary": s.boundary, "cval": s.cval, "flip": s.flip, "bias": s.bias}
        kernel = self._input.slices_for(s)
        if kernel is None:
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
        self._contributors = []
        self.controls.stop()
        self._refresh()

    def _remap_selection(self) -> None:
        """The selected cell's outputs under the new walkthrough (the selection is dropped
        when the cell is no longer in the padded input)."""
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
            img = self._input.image
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
            return [("Luma (padded)", pad, False)]
        return [("Input (padded)", pad, True)]

    def _padded_selection(self) -> tuple[int, int] | None:
        if self._selected is None:
            return None
        (top, _), (left, _) = self._walk.pads if self._walk is not None else ((0, 0), (0, 0))
        return (self._selected[0] + top, self._selected[1] + left)

    def _refresh(self) -> None:
        walk = self._walk
        planes = self._planes()
        self.grids.set_plane_count(len(planes))
        for k, (name, values, editable) in enumerate(planes):
            grid, title = self.input_grids[k], self.grids.input_titles[k]
            title.setText(name)
            title.setToolTip("Luma = 0.299 R + 0.587 G + 0.114 B, computed from the three "
                             "grids: edit them in per-channel mode" if not editable else "")
            grid.set_editable(editable)
            grid.set_row_headers(k == 0)
            if walk is None:
                grid.set_values(values)
                grid.set_window({}, None)
                grid.set_marks(selected=self._padded_selection())
                continue
            (top, _), (left, _) = walk.pads
            h, w = walk.geometry.in_hw
            grid.set_values(values, (top, left, h, w),
                            [format_number(r - top) for r in range(values.shape[0])],
                            [format_number(c - left) for c in range(values.shape[1])])
        self.grids.show_line(self.note, walk is not None and self._input.slices_for(
            self._model.settings) is not None)
        for action in (self.first_action, self.prev_action, self.next_action,
                       self.last_action, self.play_action):
            action.setEnabled(walk is not None)
        if walk is None:
            self.output_grid.set_values(np.zeros((0, 0)))
            self.grids.fit()
            self.position_label.setText("No output" if self._error else "Computing…")
            self.selection_label.setText(SELECTION_HINT)
            self.arithmetic.setText(self._error)
            self._fit_arithmetic()
            return
        self.output_grid.set_values(walk.output)
        self.grids.fit()
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
        for k, grid in enumerate(self.input_grids):
            if not grid.isVisibleTo(self):
                continue
            channel = k if walk.mode == "cnn" else step.taps[0].channel
            weights = {t.padded_index: t.weight for t in step.taps if t.channel == channel}
            grid.set_window(weights, box if (dh, dw) != (1, 1) else None, path, n)
            grid.set_marks(selected=self._padded_selection())
        self.output_grid.set_marks(current=step.output_index, marked=self._contributors,
                                   faded_after=n)
        first = self.input_grids[0]  # keep the window in view when the grids scroll
        self.grids.ensure_cells_visible(
            first, first.cell_rect(*cells[0]).united(first.cell_rect(*cells[-1])))
        i, j = step.output_index
        self.position_label.setText(f"output ({i}, {j})  ·  step {n + 1} of {len(walk)}")
        self.selection_label.setText(self.selection_text())
        self.arithmetic.setText(self._arithmetic(step))
        self._fit_arithmetic()

    def selection_text(self) -> str:
        """What the selected input cell feeds (the outputs marked on the output grid), or how
        to select one."""
        walk = self._walk
        if self._selected is None or walk is None:
            return SELECTION_HINT
        return feeds_text(self._selected, walk.geometry.in_hw, self._contributors,
                          walk.boundary)

    def _fit_arithmetic(self) -> None:
        """The arithmetic area as tall as its text, at most 8 lines or a fifth of the panel
        (then it scrolls): the grids keep the room."""
        line = QFontMetrics(self.arithmetic.font()).lineSpacing()
        width = max(200, self._arith_scroll.viewport().width())
        needed = self.arithmetic.heightForWidth(width) if self.arithmetic.text() else line
        most = max(2 * line, min(8 * line, self.height() // 5))
        self._arith_scroll.setFixedHeight(min(max(needed, line), most) + 4)

    def _arithmetic(self, step: Step) -> str:
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

    # ------------------------------------------------------------------ selecting
    def _on_current_changed(self, r: int, c: int) -> None:
        if (r, c) == (-1, -1):
            self.clear_selection()
        else:
            self.click_input(r, c)

    def click_input(self, r: int, c: int) -> None:
        """Select padded cell (r, c) of the input grids (again: it stays selected); the
        outputs it feeds are marked and :meth:`selection_text` lists them."""
        walk = self._walk
        (top, _), (left, _) = walk.pads if walk is not None else ((0, 0), (0, 0))
        self._selected = (r - top, c - left)
        self._contributors = walk.contributors(r, c) if walk is not None else []
        self._show_selection()

    def clear_selection(self) -> None:
        """No input cell selected."""
        self._selected, self._contributors = None, []
        self._show_selection()

    def _show_selection(self) -> None:
        if self._walk is not None:
            self._show_step()
            return
        for grid in self.input_grids:
            grid.set_marks(selected=self._padded_selection())

    def click_output(self, i: int, j: int) -> None:
        """Jump to the step of output (i, j)."""
        if self._walk is not None:
            self.go_to(self._walk.index_of(i, j))

    def _export_animation(self) -> None:
        # Imported here: lesson_exports imports this module.
        from convgui.ui.lesson_exports import export_animation

        export_animation(self, report=self.message.emit)

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
        return self._walk.padded.copy() if self._walk is not None else self._input.image.copy()

    def input_values(self) -> np.ndarray:
        """The input grid(s) as edited (H×W or H×W×3)."""
        return self._input.image.copy()
