"""Matrix mode: a convolution of a small numeric grid, stepped through one output at a time.

The input grid (1×1 to 16×16, one grid or three for RGB) belongs to this panel; the kernel and
the geometry (padding, stride, dilation, boundary, flip, bias, channel mode) come from the shared
:class:`~convgui.ui.model.SettingsModel`, followed field by field
(:class:`~convgui.ui.follow.FollowsSettings`). Every number shown comes from a
:class:`convgui.stepper.Walkthrough`, built off the GUI thread by a
:class:`~convgui.ui.tasks.LatestTask`; stepping only reads the finished walkthrough, and what
is shown of it (the step, the selection, the texts) is :class:`convgui.walkstate.WalkState`.

The input grid works like a spreadsheet (type over a cell, Enter / Tab / arrows move on, Ctrl+V
pastes a block); every change of it, and an example's input with its settings, is one step on
the model's undo stack (:class:`~convgui.ui.classroom.step_input.StepInput`). The grids wrap to
the panel's width (:class:`~convgui.ui.classroom.step_grids.StepGrids`).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from convgui.animation.request import AnimationRequest, walk_request
from convgui.settings import FIELDS, Settings
from convgui.stepper import EXAMPLES, Walkthrough
from convgui.ui.classroom.grid_widgets import scaled_font
from convgui.ui.classroom.step_arithmetic import ArithmeticArea
from convgui.ui.classroom.step_bar import StepInputBar
from convgui.ui.classroom.step_controls import StepControls
from convgui.ui.classroom.step_grids import StepGrids
from convgui.ui.classroom.step_input import StepInput
from convgui.ui.follow import FollowsSettings
from convgui.ui.lesson_exports import export_animation
from convgui.ui.model import SettingsModel
from convgui.ui.tasks import LatestTask, stop_task
from convgui.walkstate import (
    WalkState,
    channel_choosable,
    checked_input,
    walk_arguments,
)

__all__ = ["MatrixMode"]


class MatrixMode(FollowsSettings, QWidget):
    """The matrix-mode panel (see the module docstring). ``message(str)`` carries refusals
    and explanations for a status line (also shown in the panel's own message line)."""

    message = Signal(str)
    #: Every field but ``display``: the walkthrough shows numbers, never a rendered image.
    depends_on = frozenset(FIELDS) - {"display"}

    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._input_behind = False  # the input changed while hidden (see catch_up)
        self._input = StepInput(model, next(iter(EXAMPLES.values())).image_array(),
                                self._on_input_changed)
        self._input.watch(self)
        self._state = WalkState()
        self._pending = False
        self._task = LatestTask()  # no parent: stopped in closeEvent / on destroyed
        self._task.finishedOk.connect(self._on_result)
        self._task.failed.connect(self._on_failed)
        self.destroyed.connect(lambda *_, task=self._task: stop_task(task))
        self._build()
        self._show_and_walk()
        self.follow(model)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self._bar = StepInputBar()
        self.example_box, self.channel_pick = self._bar.example_box, self._bar.channel_pick
        self.rows_spin, self.cols_spin = self._bar.rows_spin, self._bar.cols_spin
        self.channels_box, self.export_button = self._bar.channels_box, self._bar.export_button
        self._bar.exampleChosen.connect(self.load_example)
        self._bar.sizeChosen.connect(self._input.resize)
        self._bar.depthChosen.connect(
            lambda rgb: self._say(self._input.set_depth(rgb)))
        self._bar.channelChosen.connect(lambda _: self._recompute())
        self._bar.exportRequested.connect(lambda: export_animation(self, report=self.message.emit))

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
        self._arithmetic_area = ArithmeticArea(self)
        self.arithmetic = self._arithmetic_area.label
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
        for widget in (self._bar, self.description, self.note):
            layout.addWidget(widget)
        layout.addWidget(self.grids, 1)
        for widget in (self.position_label, self.selection_label, self._arithmetic_area,
                       self.controls, self.message_label):
            layout.addWidget(widget)
        # short of room the message (also on the status line), the note, then the
        # description fold away rather than push the grids into scrolling
        self.grids.fold_lines([self.message_label, self.note, self.description])
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        self._arithmetic_area.set_base_font(self.font())
        self.position_label.setFont(scaled_font(self.font(), 1.25, bold=True))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._arithmetic_area.fit()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.controls.stop()
        self._task.stop()
        super().closeEvent(event)

    # ------------------------------------------------------------------ input grid
    def set_input(self, grid: np.ndarray) -> None:
        """Replace the input (one undoable step): a 2-D grid or an H×W×3 RGB stack, 1 to 16
        cells a side (ValueError otherwise)."""
        self._input.replace_image(checked_input(grid), "Replace input")

    def load_example(self, name: str) -> None:
        """Load example ``name`` of :data:`convgui.stepper.EXAMPLES` as one undoable step
        (see :meth:`StepInput.load_example`) and say what it changed."""
        self._state.rewind()
        self.message.emit(self._input.load_example(name))

    def _say(self, message: str | None) -> None:
        if message is not None:
            self.message.emit(message)

    def _target(self, k: int, r: int, c: int) -> tuple[tuple[int, int], int | None] | None:
        """The input cell and channel of grid ``k``'s padded cell (r, c), or None (with a
        message) while the grid shows an input of another shape."""
        target = self._state.target(k, r, c, self._input.image)
        if target is None:
            self.message.emit("The grid is being recomputed; try again.")
        return target

    def _edit_cell(self, k: int, r: int, c: int, text: str) -> None:
        target = self._target(k, r, c)
        if target is not None:
            self._say(self._input.type_value(*target, text))

    def _paste(self, k: int, r: int, c: int, text: str) -> None:
        target = self._target(k, r, c)
        if target is not None:
            self.message.emit(self._input.paste_text(*target, text))

    # ------------------------------------------------------------------ following
    def settings_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        """A field the walkthrough uses changed: recompute (see :attr:`depends_on`)."""
        self._show_and_walk()

    def _on_input_changed(self) -> None:
        if not self.follows_now():
            self._input_behind = True
            return
        self._show_and_walk()

    def catch_up(self) -> None:
        """Follow the settings and the input changed while hidden, with one walkthrough."""
        input_behind, self._input_behind = self._input_behind, False
        if super().is_behind():
            super().catch_up()  # settings_changed follows the input too
        elif input_behind:
            self._show_and_walk()

    def is_behind(self) -> bool:
        """True while hidden with settings or input changes still to catch up on."""
        return super().is_behind() or self._input_behind

    def _show_and_walk(self) -> None:
        """Show the input and the settings as they are now, and walk them."""
        image, example = self._input.image, self._input.state.example
        s = self._model.settings
        self._bar.show_input(image.shape, example,
                             channel_choosable(s, image, self._input.slices_for(s)))
        self.description.setText(EXAMPLES[example].description if example else "")
        self.grids.show_line(self.description, example is not None)
        self._recompute()

    def _recompute(self) -> None:
        image = self._input.image.copy()
        s = self._model.settings
        kernel, kwargs = walk_arguments(s, image, self._input.slices_for(s), self._bar.channel())
        self._pending = True
        self._task.submit(lambda: (Walkthrough(image, kernel, **kwargs), image))

    def _on_result(self, seq: int, result: tuple) -> None:
        if seq != self._task.latest_seq:
            return
        self._pending = False
        self._state.show(*result)
        self._refresh()

    def _on_failed(self, seq: int, message: str, is_shape_error: bool) -> None:
        if seq != self._task.latest_seq:
            return
        self._pending = False
        self._state.fail(message, is_shape_error)
        self.controls.stop()
        self._refresh()

    # ------------------------------------------------------------------ showing
    def _refresh(self) -> None:
        state, walk = self._state, self._state.walk
        planes = state.planes(self._input.image)
        self.grids.show_planes(planes)
        self.grids.show_line(self.note, walk is not None and self._input.slices_for(
            self._model.settings) is not None)
        for action in self.controls.actions_list():
            action.setEnabled(walk is not None)
        self.output_grid.set_values(walk.output if walk is not None else np.zeros((0, 0)))
        self.grids.fit()
        if walk is not None:
            self._show_step()
            return
        for grid in self.input_grids[:len(planes)]:  # no window; the selection stays in view
            grid.set_window({}, None)
            grid.set_marks(selected=state.padded_selection())
        self.position_label.setText(state.position_text())
        self.selection_label.setText(state.selection_text())
        self._arithmetic_area.set_text(state.error)

    def _show_step(self) -> None:
        state = self._state
        step = state.current()
        if step is None:
            return
        for grid, marks in zip(self.input_grids, state.window_marks(len(self.input_grids)),
                               strict=True):
            if grid.isVisibleTo(self):
                grid.set_window(marks.taps, marks.box, marks.path, marks.done)
                grid.set_marks(selected=state.padded_selection())
        self.output_grid.set_marks(current=step.output_index, marked=state.contributors,
                                   faded_after=state.step)
        cells, first = state.window(), self.input_grids[0]  # the window stays in view
        self.grids.ensure_cells_visible(
            first, first.cell_rect(*cells[0]).united(first.cell_rect(*cells[-1])))
        self.position_label.setText(state.position_text())
        self.selection_label.setText(state.selection_text())
        self._arithmetic_area.set_text(state.arithmetic())

    # ------------------------------------------------------------------ stepping
    def go_to(self, n: int) -> None:
        """Show step ``n`` (clamped to the steps)."""
        if self._state.go_to(n):
            self._show_step()

    def _on_control(self, name: str) -> None:
        if name == "play":
            self.toggle_play()
        elif self._state.walk is not None:
            self.go_to(self._state.step_named(name))

    def toggle_play(self) -> None:
        """Start or pause stepping on a timer (from the first step when at the end)."""
        if self.controls.is_playing():
            self.controls.stop()
        elif self._state.walk is not None:
            if self._state.at_end():
                self.go_to(0)
            self.controls.start()

    def is_playing(self) -> bool:
        return self.controls.is_playing()

    def _tick(self) -> None:
        if not self._state.at_end():
            self.go_to(self._state.step + 1)
        if self._state.at_end():
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
        self._state.select(r, c)
        self._show_selection()

    def clear_selection(self) -> None:
        """No input cell selected."""
        self._state.clear_selection()
        self._show_selection()

    def _show_selection(self) -> None:
        if self._state.walk is not None:
            self._show_step()
            return
        for grid in self.input_grids:
            grid.set_marks(selected=self._state.padded_selection())

    def click_output(self, i: int, j: int) -> None:
        """Jump to the step of output (i, j)."""
        if self._state.walk is not None:
            self.go_to(self._state.walk.index_of(i, j))

    def animation_request(self) -> AnimationRequest:
        """The walk shown, animated at the play speed; ValueError saying why if there is none."""
        if not self.is_ready():
            raise ValueError("the Step through panel is still computing: try again in a moment")
        if self._state.walk is None:
            raise ValueError(self.step_text() or "the Step through panel has no output")
        return walk_request(self._state.walk, self.speed())

    # ------------------------------------------------------------------ for tests and callers
    def is_ready(self) -> bool:
        """True when the newest computation has answered (a walkthrough or an explanation)."""
        return not self._pending

    def walkthrough(self) -> Walkthrough | None:
        return self._state.walk

    def current_step(self) -> int:
        return self._state.step

    def selection_text(self) -> str:
        """What the selected input cell feeds (the outputs marked on the output grid), or how
        to select one."""
        return self._state.selection_text()

    def step_text(self) -> str:
        """The current step's sum written out (:attr:`convgui.stepper.Step.text`), or the
        explanation when there is no output."""
        return self._state.step_text()

    def arithmetic_text(self) -> str:
        """The text of the arithmetic area (per-channel sums and the total in CNN mode)."""
        return self._arithmetic_area.text()

    def highlighted_taps(self) -> list[tuple[int, int]]:
        """Padded coordinates of the current window's taps."""
        return self._state.window()

    def highlighted_output(self) -> tuple[int, int] | None:
        step = self._state.current()
        return step.output_index if step is not None else None

    def contributor_cells(self) -> list[tuple[int, int]]:
        """The outputs fed by the selected input cell."""
        return list(self._state.contributors)

    def output_values(self) -> np.ndarray:
        walk = self._state.walk
        return walk.output.copy() if walk is not None else np.zeros((0, 0))

    def padded_values(self) -> np.ndarray:
        walk = self._state.walk
        return walk.padded.copy() if walk is not None else self._input.image.copy()

    def input_values(self) -> np.ndarray:
        """The input grid(s) as edited (H×W or H×W×3)."""
        return self._input.image.copy()
