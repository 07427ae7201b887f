"""Where a class is in a step-through, and what the Step through panel shows of it. No Qt.

:class:`WalkState` holds the newest :class:`~convgui.stepper.Walkthrough` (or why there is
none), the step shown, and the selected input cell with the outputs it feeds. It answers what
the panel draws: the input planes with their titles and header labels
(:meth:`WalkState.planes`), the current window on each grid (:meth:`WalkState.window_marks`),
the position line, the selection line and the arithmetic (:func:`arithmetic_text`: one sum per
channel and the total in CNN mode).

Coordinates: the grids show the padded input (see :mod:`convgui.stepper`). The selection is
kept in input coordinates (negative or past the end on a padding cell), so it stays on its
cell when the padding changes; it is dropped when that cell leaves the padded input.

The panel's input is 1 to :data:`MAX_SIDE` cells a side (:func:`checked_input`);
:func:`walk_arguments` turns it and the shared settings into a walkthrough's arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from convgui.settings import Settings
from convgui.stepper import Step, Walkthrough, format_number, step_text

__all__ = ["CHANNEL_NAMES", "MAX_PATH", "MAX_SIDE", "SELECTION_HINT", "Plane", "WalkState",
           "WindowMarks", "arithmetic_text", "cell_name", "channel_choosable", "checked_input",
           "feeds_text", "walk_arguments"]

MAX_SIDE = 16
MAX_PATH = 1024  # window origins drawn up to this many steps
CHANNEL_NAMES = ("R", "G", "B")
SELECTION_HINT = ("Click an input cell to mark the outputs it feeds; type to change it "
                  "(Enter, Tab, arrows move on; Ctrl+V pastes a block).")

Cell = tuple[int, int]


def cell_name(i: int, j: int) -> str:
    """``(i, j)`` with minus signs for padding cells."""
    return f"({format_number(i)}, {format_number(j)})"


def _cells(cells: Sequence[Cell], limit: int = 16) -> str:
    text = ", ".join(f"({i}, {j})" for i, j in cells[:limit])
    return text + (f" and {len(cells) - limit} more" if len(cells) > limit else "")


def feeds_text(cell: Cell, in_hw: tuple[int, int], outputs: Sequence[Cell],
               boundary: str) -> str:
    """``"input (1, 1) feeds outputs (0, 0), (0, 1)"`` for input ``cell`` (a padding cell
    outside the ``in_hw`` input says what fills it) and the ``outputs`` it feeds."""
    where = cell_name(*cell)
    inside = 0 <= cell[0] < in_hw[0] and 0 <= cell[1] < in_hw[1]
    what = f"input {where}" if inside else f"padding cell {where} (filled by “{boundary}”)"
    return f"{what} feeds outputs {_cells(outputs)}" if outputs else f"{what} feeds no output"


def _channel_name(walk: Walkthrough, ch: int) -> str:
    return CHANNEL_NAMES[ch] if walk.padded.shape[2] == 3 else f"channel {ch}"


def arithmetic_text(walk: Walkthrough, step: Step) -> str:
    """``step`` of ``walk`` written out: its sum (:attr:`Step.text`), after ``"G: "`` in
    per-channel mode; in CNN mode one line per channel (``"R: 2·1 + … = 7"``) and the total
    (``"output (0, 0) = 7 + 3 + (−1) + 1 = 10"``, the bias last)."""
    if walk.mode != "cnn":
        prefix = f"{CHANNEL_NAMES[walk.channel]}: " if walk.mode == "per-channel" else ""
        return f"{prefix}{step.text}"
    lines, sums = [], []
    for ch in range(walk.padded.shape[2]):
        taps = [t for t in step.taps if t.channel == ch]
        total = sum(t.value * t.weight for t in taps)
        sums.append(total)
        lines.append(f"{_channel_name(walk, ch)}: {step_text(taps, 0.0, total)}")
    terms = [format_number(v, parens=True) for v in sums]
    if step.bias != 0:
        terms.append(format_number(step.bias, parens=True))
    i, j = step.output_index
    lines.append(f"output ({i}, {j}) = {' + '.join(terms)} = {format_number(step.total)}")
    return "\n".join(lines)


def checked_input(grid: Any) -> np.ndarray:
    """``grid`` as a float64 input: H×W or H×W×3 (an H×W×1 stack becomes H×W), 1 to
    :data:`MAX_SIDE` cells a side, finite numbers; ValueError saying which rule it breaks."""
    arr = np.array(grid, dtype=np.float64)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] != 3):
        raise ValueError(f"the input must be H×W or H×W×3, got shape {arr.shape}")
    if not (1 <= arr.shape[0] <= MAX_SIDE and 1 <= arr.shape[1] <= MAX_SIDE):
        raise ValueError(f"the input must be 1 to {MAX_SIDE} cells a side")
    if not np.isfinite(arr).all():
        raise ValueError("the input must be finite numbers")
    return arr


def channel_choosable(settings: Settings, image: np.ndarray, slices: np.ndarray | None) -> bool:
    """Whether one channel of ``image`` is walked, so the class chooses which: an RGB input in
    per-channel mode, without an example's CNN filter ``slices``."""
    return image.ndim == 3 and settings.channels == "per-channel" and slices is None


def walk_arguments(settings: Settings, image: np.ndarray, slices: np.ndarray | None,
                   channel: int) -> tuple[np.ndarray, dict[str, Any]]:
    """The kernel and keywords of the :class:`Walkthrough` of ``image`` under ``settings``:
    an example's CNN filter ``slices`` when it applies (then ``channels`` is not passed), else
    the settings' kernel with, for an RGB input, the channel mode and the ``channel`` walked
    when it is :func:`channel_choosable`."""
    kwargs: dict[str, Any] = {
        "padding": settings.padding, "stride": settings.stride, "dilation": settings.dilation,
        "boundary": settings.boundary, "cval": settings.cval, "flip": settings.flip,
        "bias": settings.bias}
    if slices is not None:
        return slices, kwargs
    if image.ndim == 3:
        kwargs["channels"] = settings.channels
    if channel_choosable(settings, image, slices):
        kwargs["channel"] = channel
    return settings.kernel_array(), kwargs


@dataclass(frozen=True)
class Plane:
    """One input grid as shown: its ``title``, ``values``, whether its cells can be typed
    into, and, for a padded plane, the ``real`` rectangle (top, left, rows, cols) and header
    labels in input coordinates (None: every cell is real, labelled from 0)."""

    title: str
    values: np.ndarray
    editable: bool
    real: tuple[int, int, int, int] | None = None
    row_labels: tuple[str, ...] | None = None
    col_labels: tuple[str, ...] | None = None


@dataclass(frozen=True)
class WindowMarks:
    """The current window on one input grid: its taps (padded cell → kernel weight), its
    bounding ``box`` (top, left, bottom, right) when dilated, the ``path`` of every step's
    window origin (empty past :data:`MAX_PATH` steps) and the current step ``done``."""

    taps: dict[Cell, float]
    box: tuple[int, int, int, int] | None
    path: tuple[Cell, ...]
    done: int


class WalkState:
    """The step-through's state (see the module docstring); the attributes are read-only to
    callers: change them with the methods."""

    def __init__(self) -> None:
        self.walk: Walkthrough | None = None
        self.image: np.ndarray | None = None  # the input the walk was made from
        self.error = ""  # why there is no walk
        self.step = 0
        self.selected: Cell | None = None  # input coordinates
        self.contributors: list[Cell] = []  # the outputs the selected cell feeds
        self._path: tuple[Cell, ...] = ()
        self._current: tuple[int, Step] | None = None

    # ------------------------------------------------------------------ walks
    def show(self, walk: Walkthrough, image: np.ndarray) -> None:
        """The newest walkthrough, made from ``image``: the step stays where it was (within
        the new steps), the selection follows the new padding."""
        self.walk, self.image, self.error = walk, image, ""
        self.step = min(max(self.step, 0), len(walk) - 1)
        self._path = (tuple(walk.origin(m) for m in range(len(walk)))
                      if len(walk) <= MAX_PATH else ())
        self._current = None
        if self.selected is not None:
            top, left = self.pads()
            r, c = self.selected[0] + top, self.selected[1] + left
            if 0 <= r < walk.padded.shape[0] and 0 <= c < walk.padded.shape[1]:
                self.contributors = walk.contributors(r, c)
            else:
                self.selected, self.contributors = None, []

    def fail(self, message: str, is_shape_error: bool) -> None:
        """No walkthrough: ``message`` says why (a shape error: there is no output)."""
        self.walk = self.image = None
        self._current = None
        self.error = ("No output: " if is_shape_error else "Cannot compute: ") + message
        self.contributors = []

    def pads(self) -> tuple[int, int]:
        """(top, left) padding of the walk shown; (0, 0) without one."""
        return self.walk.geometry.pads_before if self.walk is not None else (0, 0)

    # ------------------------------------------------------------------ stepping
    def rewind(self) -> None:
        """Back to the first step (the next walk starts there when there is none yet)."""
        self.step = 0

    def go_to(self, n: int) -> bool:
        """Make step ``n`` (clamped to the steps) current; False without a walk."""
        if self.walk is None:
            return False
        self.step = min(max(int(n), 0), len(self.walk) - 1)
        return True

    def step_named(self, name: str) -> int:
        """The step the control ``name`` ("first", "previous", "next", "last") goes to
        (before clamping); needs a walk."""
        return {"first": 0, "previous": self.step - 1, "next": self.step + 1,
                "last": len(self.walk) - 1}[name]

    def at_end(self) -> bool:
        """True on the last step, or without a walk."""
        return self.walk is None or self.step >= len(self.walk) - 1

    def current(self) -> Step | None:
        """The current step of the walk, or None."""
        if self.walk is None:
            return None
        if self._current is None or self._current[0] != self.step:
            self._current = (self.step, self.walk.step(self.step))
        return self._current[1]

    # ------------------------------------------------------------------ selecting
    def select(self, r: int, c: int) -> None:
        """Select padded cell (r, c) and mark the outputs it feeds."""
        top, left = self.pads()
        self.selected = (r - top, c - left)
        self.contributors = self.walk.contributors(r, c) if self.walk is not None else []

    def clear_selection(self) -> None:
        self.selected, self.contributors = None, []

    def padded_selection(self) -> Cell | None:
        """The selected cell in padded coordinates, or None."""
        if self.selected is None:
            return None
        top, left = self.pads()
        return (self.selected[0] + top, self.selected[1] + left)

    def target(self, k: int, r: int, c: int, image: np.ndarray
               ) -> tuple[Cell, int | None] | None:
        """The input cell and channel (None for a one-grid input) that padded cell (r, c) of
        input grid ``k`` shows, or None while the grids show an input of another shape than
        ``image`` (a new walk is on its way)."""
        shown = self.image if self.walk is not None else image
        if shown is None or shown.shape != image.shape:
            return None
        top, left = self.pads()
        channel = None
        if image.ndim == 3:
            walk = self.walk
            channel = walk.channel if walk is not None and walk.mode == "per-channel" else k
        return (r - top, c - left), channel

    # ------------------------------------------------------------------ showing
    def planes(self, image: np.ndarray) -> list[Plane]:
        """The input grids to show: ``image`` (the panel's input) while there is no walk,
        else the walk's padded planes."""
        walk = self.walk
        if walk is None:
            if image.ndim == 2:
                return [Plane("Input", image, True)]
            return [Plane(f"{CHANNEL_NAMES[k]} channel", image[:, :, k], True)
                    for k in range(3)]
        pad = walk.padded
        (top, _), (left, _) = walk.pads
        h, w = walk.geometry.in_hw
        real = (top, left, h, w)
        rows = tuple(format_number(r - top) for r in range(pad.shape[0]))
        cols = tuple(format_number(c - left) for c in range(pad.shape[1]))

        def plane(title: str, values: np.ndarray, editable: bool = True) -> Plane:
            return Plane(title, values, editable, real, rows, cols)

        if walk.mode == "cnn":
            return [plane(f"{_channel_name(walk, k)} channel (padded)", pad[:, :, k])
                    for k in range(pad.shape[2])]
        if walk.mode == "per-channel":
            return [plane(f"{CHANNEL_NAMES[walk.channel]} channel (padded)", pad)]
        if walk.mode == "luma":
            return [plane("Luma (padded)", pad, editable=False)]
        return [plane("Input (padded)", pad)]

    def window(self) -> list[Cell]:
        """Padded coordinates of the current window's taps ([] without a walk)."""
        return self.walk.window(self.step) if self.walk is not None else []

    def window_marks(self, count: int) -> list[WindowMarks]:
        """The current window on each of the first ``count`` input grids: in CNN mode grid
        ``k`` shows channel ``k``'s taps, otherwise every grid the walked plane's."""
        step = self.current()
        if step is None:
            return []
        cells = self.window()
        dilated = self.walk.geometry.dilation != (1, 1)
        box = (cells[0][0], cells[0][1], cells[-1][0], cells[-1][1]) if dilated else None
        marks = []
        for k in range(count):
            channel = k if self.walk.mode == "cnn" else step.taps[0].channel
            taps = {t.padded_index: t.weight for t in step.taps if t.channel == channel}
            marks.append(WindowMarks(taps, box, self._path, self.step))
        return marks

    def position_text(self) -> str:
        """``"output (1, 2)  ·  step 6 of 9"``; without a walk "No output" (an error) or
        "Computing…"."""
        if self.walk is None:
            return "No output" if self.error else "Computing…"
        i, j = self.walk.output_index(self.step)
        return f"output ({i}, {j})  ·  step {self.step + 1} of {len(self.walk)}"

    def selection_text(self) -> str:
        """What the selected input cell feeds (:func:`feeds_text`), or how to select one."""
        if self.selected is None or self.walk is None:
            return SELECTION_HINT
        return feeds_text(self.selected, self.walk.geometry.in_hw, self.contributors,
                          self.walk.boundary)

    def arithmetic(self) -> str:
        """The current step written out (:func:`arithmetic_text`), or why there is none."""
        step = self.current()
        return arithmetic_text(self.walk, step) if step is not None else self.error

    def step_text(self) -> str:
        """The current step's sum (:attr:`Step.text`), or why there is none."""
        step = self.current()
        return step.text if step is not None else self.error
