"""The step-through panel's input grid and its undo history.

:class:`StepInput` holds what the panel owns beyond the shared settings: the input grid(s), an
example's CNN filter (one kernel slice per channel) and the example's name. Every change is a
command on the model's ``QUndoStack``, so the window's Undo (Ctrl+Z) takes back a typed cell,
a pasted block or a resize like any setting; an example's input and settings are one step
("Example: <name>", a macro of the input command and the settings command). Typed or pasted
text that is not a number is refused with a message saying why.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtGui import QUndoCommand
from shiboken6 import isValid

from convgui.settings import Settings
from convgui.shapes import shape_text
from convgui.stepper import EXAMPLES, describe_changes, paste_block
from convgui.textgrid import parse_grid, parse_number
from convgui.ui.model import SettingsModel
from convgui.walkstate import cell_name

__all__ = ["InputState", "StepInput"]


@dataclass(frozen=True, eq=False)
class InputState:
    """The input (H×W or H×W×3), an example's CNN filter (kh×kw×C) with the model kernel it
    goes with (the filter is used while the model keeps that kernel), the example's name."""

    image: np.ndarray
    slices: np.ndarray | None = None
    slices_base: tuple | None = None
    example: str | None = None

    def same_as(self, other: InputState) -> bool:
        def same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
            return (a is None) == (b is None) and (a is None or (
                a.shape == b.shape and np.array_equal(a, b)))
        return (same(self.image, other.image) and same(self.slices, other.slices)
                and self.slices_base == other.slices_base and self.example == other.example)


class _InputCommand(QUndoCommand):
    """One undoable change of the input state."""

    def __init__(self, owner: StepInput, old: InputState, new: InputState, text: str) -> None:
        super().__init__(text)
        # Weakly, as the settings model's commands: the stack belongs to the model the owner
        # holds, so a strong reference would make a cycle only the garbage collector frees.
        self._owner = weakref.ref(owner)
        self._old, self._new = old, new

    def redo(self) -> None:
        owner = self._owner()
        if owner is not None:
            owner._apply(self._new)

    def undo(self) -> None:
        owner = self._owner()
        if owner is not None:
            owner._apply(self._old)


class StepInput:
    """The panel's input state; ``on_change()`` is called after every change (an edit, an
    undo or a redo). ``model`` gives the undo stack and receives an example's settings."""

    def __init__(self, model: SettingsModel, image: np.ndarray,
                 on_change: Callable[[], None]) -> None:
        self._model, self._on_change = model, on_change
        self._state = InputState(np.array(image, dtype=np.float64))
        self._alive: Callable[[], bool] = lambda: True

    def watch(self, widget: object) -> None:
        """Stop following undo/redo once ``widget`` (the panel) is deleted."""
        self._alive = lambda: isValid(widget)

    @property
    def state(self) -> InputState:
        return self._state

    @property
    def image(self) -> np.ndarray:
        """The input (do not modify: every change goes through a command)."""
        return self._state.image

    def _apply(self, state: InputState) -> None:
        if self._alive():
            self._state = state
            self._on_change()

    def _push(self, new: InputState, text: str) -> bool:
        if new.same_as(self._state):
            return False
        self._model.undo_stack.push(_InputCommand(self, self._state, new, text))
        return True

    def replace_image(self, image: np.ndarray, text: str) -> bool:
        """A new input (not an example's any more) as one undoable step; False if the same."""
        return self._push(InputState(np.array(image, dtype=np.float64)), text)

    def write_block(self, row: int, col: int, block: Sequence[Sequence[float]],
                    channel: int | None, text: str) -> tuple[int, int]:
        """Write ``block`` from input cell (row, col) of ``channel`` (for an RGB input) as one
        undoable step named ``text``; the (rows, cols) that fitted in the grid."""
        image, fitted = paste_block(self.image, row, col, block, channel)
        self._push(replace(self._state, image=image), text)
        return fitted

    def resize(self, rows: int, cols: int) -> None:
        """Crop or zero-extend the input to rows×cols, one undoable step per resize."""
        old = self.image
        if old.shape[:2] == (rows, cols):
            return
        new = np.zeros((rows, cols) + old.shape[2:])
        h, w = min(rows, old.shape[0]), min(cols, old.shape[1])
        new[:h, :w] = old[:h, :w]
        self._push(replace(self._state, image=new), f"Resize input to {rows}×{cols}")

    def set_depth(self, rgb: bool) -> str | None:
        """Three grids (the one grid copied to R, G and B) or one (the R grid kept); says so
        when G and B were dropped."""
        old = self.image
        if rgb and old.ndim == 2:
            self._push(replace(self._state, image=np.repeat(old[:, :, None], 3, axis=2)),
                       "Input as three grids")
        elif not rgb and old.ndim == 3:
            self._push(replace(self._state, image=old[:, :, 0].copy()), "Input as one grid")
            return "One grid: kept the R grid."
        return None

    def type_value(self, cell: tuple[int, int], channel: int | None, text: str) -> str | None:
        """``text`` typed into input ``cell`` (of ``channel`` for an RGB input) as one undoable
        step; when it is no number, the refusal to show (the cell keeps its value)."""
        where = cell_name(*cell)
        try:
            value = parse_number(text)
        except ValueError as exc:
            return f"Input {where} refused: {exc}; kept the old value."
        self.write_block(*cell, [[value]], channel, f"Edit input {where}")
        return None

    def paste_text(self, cell: tuple[int, int], channel: int | None, text: str) -> str:
        """The block ``text`` pasted from input ``cell`` (of ``channel``) to the right and
        down as one undoable step; says what was pasted (a block running past the grid's edge
        fills what fits) or why nothing was."""
        try:
            block = parse_grid(text)
        except ValueError as exc:
            return f"Paste refused: {exc}"
        where, size = cell_name(*cell), f"{len(block)}×{len(block[0])}"
        rows, cols = self.write_block(*cell, block, channel, f"Paste {size} into input {where}")
        fitted = f"{rows}×{cols}"
        return (f"Pasted {size} at input {where}." if fitted == size else
                f"Pasted {fitted} of the {size} block at input {where}; the rest is outside "
                "the grid.")

    def load_example(self, name: str) -> str:
        """Example ``name`` of :data:`convgui.stepper.EXAMPLES`: its input here and its kernel
        and bias (valid padding, stride 1, dilation 1, correlation, divisor 1; channels "sum"
        for a CNN filter, whose first slice becomes the model's kernel) on the model, all as
        one undoable step "Example: <name>". Returns the message saying what changed."""
        ex = EXAMPLES[name]
        kernel, old = ex.kernel_array(), self._model.settings
        cnn = kernel.ndim == 3
        new = old.replace(
            kernel=(kernel[:, :, 0] if cnn else kernel).tolist(), divisor=1, bias=ex.bias,
            padding="valid", stride=(1, 1), dilation=(1, 1), flip=False,
            channels="sum" if cnn else old.channels)
        state = InputState(ex.image_array(), kernel if cnn else None,
                           new.kernel if cnn else None, name)
        if new == old and state.same_as(self._state):
            return f"Example “{name}” is already loaded: nothing changed."
        phrases = describe_changes(old, new)
        if cnn:  # the model shows one slice; say what is really used
            kernel_phrases = [p for p in phrases if p.startswith("kernel ")]
            phrases = [p for p in phrases if not p.startswith("kernel ")]
            if kernel_phrases or self._state.slices is None or not np.array_equal(
                    self._state.slices, kernel):
                kh, kw, depth = kernel.shape
                phrases.insert(0, f"kernel {kh}×{kw}×{depth} filter, one slice per channel")
        if not np.array_equal(self.image, state.image):
            phrases.insert(0, "input " + shape_text(state.image.shape))
        if not phrases:  # the same input and settings, typed in by hand
            phrases = ["the grid and the settings already matched it"]
        stack = self._model.undo_stack
        stack.beginMacro(f"Example: {name}")
        self._push(state, f"Input of example {name}")
        self._model.set(new, f"Settings of example {name}")
        stack.endMacro()
        return f"Example “{name}”: {', '.join(phrases)} — Ctrl+Z undoes it."

    def slices_for(self, settings: Settings) -> np.ndarray | None:
        """The example's CNN filter while it applies: an RGB input, channels "sum", the model
        still on the kernel the example set (divisor 1); else None."""
        s = self._state
        if (s.slices is not None and self.image.ndim == 3 and settings.channels == "sum"
                and settings.kernel == s.slices_base and settings.divisor == 1):
            return s.slices
        return None

