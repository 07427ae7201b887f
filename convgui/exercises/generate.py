"""Generated convolution exercises with worked answers. No Qt here.

Every answer is computed by the code the app itself uses: output sizes by
:mod:`convgui.shapes`, output values by :mod:`convgui.engine` (through
:class:`convgui.stepper.Walkthrough`, whose arithmetic text is the worked solution), pooling and
merging by :func:`convgui.engine.pool2d` / :func:`convgui.engine.merge`.

Randomness comes only from ``numpy.random.default_rng`` and only from its integer draws, so
the same seed gives the same exercises on every machine. :func:`exercise_at` makes the
``index``-th exercise of a seeded sequence on its own (a quiz walks 0, 1, 2, …);
:func:`generate_sheet` is the first ``count`` of them.

``Exercise.params`` holds everything needed to recompute the answer, as JSON values (arrays in
NumPy layout: (H, W) or (H, W, C) nested lists):

* ``output-size`` / ``no-output``: ``op`` (``conv``, ``max``, ``avg``, ``transposed``),
  ``input_shape`` [h, w] or [h, w, c], ``kernel_shape`` [kh, kw] (the window for pooling),
  ``padding`` [[top, bottom], [left, right]] (``padding_name`` ``"same"`` when it was named),
  ``stride`` [h, w], ``dilation`` [h, w], ``filters`` (conv and transposed),
  ``output_padding`` [h, w] (transposed). The answer is the output shape — [h, w] for an
  [h, w] input, else [h, w, c] — or None when there is no output.
* ``value``: ``op`` ``conv``, ``input``, ``kernel``, ``padding``, ``stride``, ``dilation``,
  ``flip`` (true convolution), ``bias``, ``boundary`` ``constant`` and ``cval`` 0, ``cell``
  [i, j]; the answer is output (i, j).
* ``rgb``: as ``value`` with an (H, W, C) ``input``, a (kh, kw, C) ``kernel`` and
  ``channels`` C: the channel slices' sums are added, then ``bias``.
* ``pooling``: ``op`` ``max``/``avg``, ``input``, ``kernel_shape``, ``stride``, ``padding``,
  ``cell``; padding cells count as −∞ for max and 0 for avg, which divides by the window size.
* ``merge``: ``op`` ``sum``/``mean``/``max``, ``cell`` and either ``maps`` (two (H, W) maps)
  or ``input`` + ``kernels`` (two kernels, correlated with the input, no padding, stride 1).
* ``parameters``: ``kernel_shape``, ``in_channels``, ``filters`` (``input_shape`` too, which
  does not change the answer); answer kh·kw·c_in·filters + filters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from convgui import engine
from convgui.exercises.answers import ExpectedAnswer, Verdict, answer_text, check_answer
from convgui.exercises.catalog import DIFFICULTIES, TOPIC_TITLES, TOPICS
from convgui.shapes import (
    ShapeError,
    formula_text,
    layer_shape,
    output_hw,
    pool_formula_text,
    pool_output_size,
    resolve_padding,
    shape_text,
    transposed_formula_text,
    transposed_output_size,
)
from convgui.stepper import Walkthrough, format_number, step_text

__all__ = ["Exercise", "Grid", "exercise_at", "generate_sheet", "make_exercise"]

_MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class Grid:
    """A matrix shown with a question: ``label`` and its rows (ints where whole)."""

    label: str
    rows: tuple[tuple[int | float, ...], ...]


@dataclass(frozen=True)
class Exercise:
    """One exercise.

    ``question`` is the text a student reads (plain text, Unicode), ``grids`` the matrices that
    go with it, ``answer_form`` what to write (``"a number"``, ``"a shape H×W×C"``, …),
    ``params`` the JSON values to recompute the answer (see the module docstring; do not
    modify), ``answer`` a number, a shape list or None, ``solution`` the worked solution, one
    line per step.
    """

    topic: str
    difficulty: str
    question: str
    grids: tuple[Grid, ...]
    answer_form: str
    params: dict = field(compare=False)
    answer: ExpectedAnswer
    solution: tuple[str, ...]

    @property
    def title(self) -> str:
        """The topic's heading, e.g. ``"Pooling"``."""
        return TOPIC_TITLES[self.topic]

    @property
    def answer_text(self) -> str:
        """The answer as a student writes it (``63×63×16``, ``−5``, ``none (no output)``)."""
        return answer_text(self.answer)

    def check(self, text: str) -> Verdict:
        """Check a typed answer (see :func:`convgui.exercises.answers.check_answer`)."""
        return check_answer(self.answer, text)

    def to_json(self, *, solution: bool = False) -> dict:
        """``{"topic", "question", "params", "answer"}`` (+ ``"solution"``, a list of lines)."""
        data = {"topic": self.topic, "question": self.full_question(), "params": self.params,
                "answer": self.answer}
        if solution:
            data["solution"] = list(self.solution)
        return data

    def full_question(self) -> str:
        """The question with its grids written out as text rows, for a plain-text reader."""
        parts = [self.question]
        for grid in self.grids:
            rows = "; ".join(" ".join(format_number(v) for v in row) for row in grid.rows)
            parts.append(f"{grid.label}: {rows}")
        parts.append(f"Answer: {self.answer_form}.")
        return "\n".join(parts)


# ----------------------------------------------------------------------------------------------
# Public entry points


def make_exercise(topic: str, difficulty: str, rng: np.random.Generator) -> Exercise:
    """One exercise of ``topic`` at ``difficulty``, drawn with ``rng`` (integer draws only)."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}: use {', '.join(TOPICS)}")
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"unknown difficulty {difficulty!r}: use {', '.join(DIFFICULTIES)}")
    return _MAKERS[topic](_Draw(rng), DIFFICULTIES.index(difficulty), difficulty)


def exercise_at(
    seed: int, index: int, *, difficulty: str = "medium",
    topics: Sequence[str] = TOPICS,
) -> Exercise:
    """Exercise number ``index`` (0-based) of the sequence for ``seed``: topic
    ``topics[index % len(topics)]``, values from ``default_rng([seed, index])``, so it does not
    depend on how many exercises come before or after it."""
    seed, index = _nonneg(seed, "seed"), _nonneg(index, "index")
    if not topics:
        raise ValueError("no topics: give at least one of " + ", ".join(TOPICS))
    rng = np.random.default_rng([seed, index])
    return make_exercise(topics[index % len(topics)], difficulty, rng)


def generate_sheet(
    count: int, seed: int, *, difficulty: str = "medium", topics: Sequence[str] = TOPICS,
) -> list[Exercise]:
    """The first ``count`` exercises of :func:`exercise_at`'s sequence."""
    count = _nonneg(count, "count")
    return [exercise_at(seed, i, difficulty=difficulty, topics=topics) for i in range(count)]


def _nonneg(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if not 0 <= value <= _MAX_SEED:
        raise ValueError(f"{name} must be between 0 and {_MAX_SEED}, got {value}")
    return int(value)


# ----------------------------------------------------------------------------------------------
# Drawing values


class _Draw:
    """Integer draws from a Generator, named for what they make."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def int(self, low: int, high: int) -> int:
        """An int in [low, high] (both included)."""
        return int(self.rng.integers(low, high + 1))

    def choice(self, options: Sequence):
        return options[int(self.rng.integers(len(options)))]

    def chance(self, percent: int) -> bool:
        return int(self.rng.integers(100)) < percent

    def matrix(self, shape: tuple[int, ...], low: int, high: int) -> np.ndarray:
        return self.rng.integers(low, high + 1, size=shape).astype(np.float64)

    def kernel(self, shape: tuple[int, ...], low: int, high: int) -> np.ndarray:
        """Like :meth:`matrix` but never all zero."""
        while True:
            k = self.matrix(shape, low, high)
            if np.any(k):
                return k


def _num(value: float) -> int | float:
    """A JSON number: an int when whole."""
    v = float(value)
    return int(v) if v.is_integer() else v


def _equals(value: int | float) -> str:
    """``"= 4.25"`` when the key's text is exact, ``"≈ 0.556"`` when it is rounded."""
    text = answer_text(value)
    exact = float(text.replace("−", "-")) == float(value)
    return f"{'=' if exact else '≈'} {text}"


def _rows(a: np.ndarray) -> tuple[tuple[int | float, ...], ...]:
    return tuple(tuple(_num(v) for v in row) for row in a)


def _nested(a: np.ndarray) -> list:
    return [_nested(x) for x in a] if a.ndim > 1 else [_num(v) for v in a]


def _pads_json(pads: tuple[tuple[int, int], tuple[int, int]]) -> list[list[int]]:
    return [list(pads[0]), list(pads[1])]


def _a(text: str) -> str:
    """``text`` with its article as read aloud: "an 8×8", "an 11×11", "a 64×64"."""
    lead = text.split("×")[0]
    return f"{'an' if lead.startswith('8') or lead in ('11', '18') else 'a'} {text}"


def _pair_text(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]} (rows), {pair[1]} (columns)"


def _padding_text(pads: tuple[tuple[int, int], tuple[int, int]]) -> str:
    (t, b), (left, r) = pads
    if t == b == left == r:
        return "none" if t == 0 else f"{t} on every side"
    if t == b and left == r:
        return f"{t} on top and bottom, {left} left and right"
    return f"{t} top, {b} bottom, {left} left, {r} right"


def _conv_settings_text(pads, stride, dilation, flip: bool = False) -> str:
    parts = [f"padding {_padding_text(pads)} (zeros)" if any(map(any, pads)) else "no padding",
             f"stride {_pair_text(stride)}"]
    if dilation != (1, 1):
        parts.append(f"dilation {_pair_text(dilation)}")
    parts.append("true convolution (rotate the kernel 180° first)" if flip
                 else "cross-correlation (the kernel as written, as CNNs do)")
    return ", ".join(parts)


# ----------------------------------------------------------------------------------------------
# Output size and no output


@dataclass
class _SizeCase:
    """The settings of an output-size question."""

    op: str
    in_shape: tuple[int, ...]
    kernel: tuple[int, int]
    pads: tuple[tuple[int, int], tuple[int, int]]
    stride: tuple[int, int] = (1, 1)
    dilation: tuple[int, int] = (1, 1)
    filters: int = 1
    output_padding: tuple[int, int] = (0, 0)
    padding_name: str | None = None


def _size_answer(case: _SizeCase) -> tuple[ExpectedAnswer, list[str]]:
    """The output shape (or None) and the worked lines, from :mod:`convgui.shapes`."""
    h, w = case.in_shape[:2]
    channels = case.in_shape[2] if len(case.in_shape) == 3 else None
    lines: list[str] = []
    axes = ("Height", "Width")
    try:
        if case.op == "conv":
            out_hw = output_hw((h, w), case.kernel, case.pads, case.stride, case.dilation)
            for ax, n, k, p, s, d in zip(axes, (h, w), case.kernel, case.pads, case.stride,
                                         case.dilation, strict=True):
                lines.append(f"{ax}: ⌊(n + p₁ + p₂ − d·(k−1) − 1)/s⌋ + 1 = "
                             + formula_text(n, k, *p, s, d))
            out_c = case.filters
        elif case.op == "transposed":
            out_hw = tuple(
                transposed_output_size(n, k, p[0], s, d, op)
                for n, k, p, s, d, op in zip((h, w), case.kernel, case.pads, case.stride,
                                             case.dilation, case.output_padding, strict=True))
            for ax, n, k, p, s, d, op in zip(axes, (h, w), case.kernel, case.pads, case.stride,
                                             case.dilation, case.output_padding, strict=True):
                lines.append(f"{ax}: (n − 1)·s − 2p + d·(k − 1) + output_padding + 1 = "
                             + transposed_formula_text(n, k, p[0], s, d, op))
            out_c = case.filters
        else:
            out_hw = tuple(
                pool_output_size(n, k, s, p[0])
                for n, k, p, s in zip((h, w), case.kernel, case.pads, case.stride, strict=True))
            for ax, n, k, p, s in zip(axes, (h, w), case.kernel, case.pads, case.stride,
                                      strict=True):
                lines.append(f"{ax}: ⌊(n + 2p − size)/s⌋ + 1 = "
                             + pool_formula_text(n, k, s, p[0]))
            out_c = channels
    except ShapeError as err:
        if case.op == "conv":
            for ax, n, k, p, s, d in zip(axes, (h, w), case.kernel, case.pads, case.stride,
                                         case.dilation, strict=True):
                lines.append(f"{ax}: " + formula_text(n, k, *p, s, d))
        elif case.op == "transposed":
            for ax, n, k, p, s, d, op in zip(axes, (h, w), case.kernel, case.pads, case.stride,
                                             case.dilation, case.output_padding, strict=True):
                lines.append(f"{ax}: " + transposed_formula_text(n, k, p[0], s, d, op))
        else:
            for ax, n, k, p, s in zip(axes, (h, w), case.kernel, case.pads, case.stride,
                                      strict=True):
                lines.append(f"{ax}: " + pool_formula_text(n, k, s, p[0]))
        lines.append(f"No output: {err}.")
        return None, lines
    if channels is None:
        answer = [int(out_hw[0]), int(out_hw[1])]
    else:
        answer = [int(out_hw[0]), int(out_hw[1]), int(out_c)]
        lines.append(
            f"Channels: {out_c}, "
            + ("one per filter." if case.op in ("conv", "transposed")
               else "pooling keeps every channel.")
        )
    lines.append(f"Output: {shape_text(answer)}.")
    return answer, lines


def _size_params(case: _SizeCase) -> dict:
    params: dict = {"op": case.op, "input_shape": list(case.in_shape),
                    "kernel_shape": list(case.kernel), "padding": _pads_json(case.pads),
                    "stride": list(case.stride), "dilation": list(case.dilation)}
    if case.padding_name:
        params["padding_name"] = case.padding_name
    if case.op in ("conv", "transposed"):
        params["filters"] = case.filters
    if case.op == "transposed":
        params["output_padding"] = list(case.output_padding)
    return params


def _size_question(case: _SizeCase) -> str:
    shape = shape_text(case.in_shape)
    k = shape_text(case.kernel)
    if case.padding_name == "same":
        pad = "padding 'same' (PyTorch/TensorFlow: the output is ⌈n/stride⌉, an odd extra " \
              "row or column of padding goes bottom/right)"
    elif any(map(any, case.pads)):
        pad = f"padding {_padding_text(case.pads)}"
    else:
        pad = "no padding"
    settings = [pad, f"stride {_pair_text(case.stride)}"]
    if case.dilation != (1, 1):
        settings.append(f"dilation {_pair_text(case.dilation)}")
    if case.op == "conv":
        what = (f"A convolution layer with {case.filters} filter"
                f"{'s' if case.filters != 1 else ''} of size {k}"
                if len(case.in_shape) == 3 else f"{_a(k).capitalize()} kernel")
        return f"{what} is applied to {_a(shape)} input with {', '.join(settings)}."
    if case.op == "transposed":
        settings = [f"padding {case.pads[0][0]}" if case.pads[0][0] == case.pads[1][0]
                    else f"padding {case.pads[0][0]} (rows), {case.pads[1][0]} (columns)",
                    f"stride {_pair_text(case.stride)}"]
        if case.dilation != (1, 1):
            settings.append(f"dilation {_pair_text(case.dilation)}")
        if case.output_padding != (0, 0):
            settings.append(f"output_padding {_pair_text(case.output_padding)}")
        return (f"A transposed convolution (PyTorch's ConvTranspose2d) with {case.filters} "
                f"filter{'s' if case.filters != 1 else ''} of size {k} is applied to {_a(shape)} "
                f"input with {', '.join(settings)}.")
    return (f"{'Max' if case.op == 'max' else 'Average'} pooling with {_a(k)} window, "
            f"stride {_pair_text(case.stride)} and padding {case.pads[0][0]} is applied to "
            f"{_a(shape)} input.")


def _draw_size_case(draw: _Draw, level: int) -> _SizeCase:
    """An output-size question that has an output."""
    while True:
        case = _draw_any_size_case(draw, level)
        if _size_answer(case)[0] is not None:
            return case


def _draw_any_size_case(draw: _Draw, level: int) -> _SizeCase:
    op = "conv" if level == 0 else draw.choice(("conv", "conv", "max", "avg", "transposed"))
    if op == "conv":
        if level == 0:
            n, k = draw.int(5, 64), draw.choice((3, 5))
            p, s = draw.int(0, 2), draw.int(1, 2)
            return _SizeCase("conv", (n, n), (k, k), ((p, p), (p, p)), (s, s))
        c = draw.choice((1, 3, 16, 32, 64))
        if level == 1:
            n, k = draw.int(7, 128), draw.choice((1, 3, 5, 7))
            p, s, d = draw.int(0, 3), draw.int(1, 3), draw.choice((1, 1, 2))
            return _SizeCase("conv", (n, n, c), (k, k), ((p, p), (p, p)), (s, s), (d, d),
                             filters=draw.choice((8, 16, 32, 64)))
        h, w = draw.int(7, 160), draw.int(7, 160)
        kernel = (draw.choice((1, 3, 5, 7)), draw.choice((1, 3, 5, 7)))
        stride = (draw.int(1, 3), draw.int(1, 3))
        dilation = (draw.int(1, 3), draw.int(1, 3))
        filters = draw.choice((16, 32, 64, 128))
        if draw.chance(30):
            pads = resolve_padding((h, w), kernel, "same", stride, dilation)
            return _SizeCase("conv", (h, w, c), kernel, pads, stride, dilation, filters,
                             padding_name="same")
        pads = ((draw.int(0, 3), draw.int(0, 3)), (draw.int(0, 3), draw.int(0, 3)))
        return _SizeCase("conv", (h, w, c), kernel, pads, stride, dilation, filters)
    if op in ("max", "avg"):
        c = draw.choice((3, 16, 64))
        size = draw.choice((2, 3)) if level == 1 else draw.int(2, 4)
        stride = draw.int(1, size)
        p = 0 if level == 1 else draw.int(0, size // 2)
        if level == 1:
            n = draw.int(6, 128)
            return _SizeCase(op, (n, n, c), (size, size), ((p, p), (p, p)), (stride, stride))
        h, w = draw.int(5, 160), draw.int(5, 160)
        return _SizeCase(op, (h, w, c), (size, size), ((p, p), (p, p)), (stride, stride))
    c = draw.choice((16, 32, 64))
    if level == 1:
        n, k, s, p = draw.int(2, 32), draw.int(2, 5), draw.int(1, 3), draw.int(0, 2)
        return _SizeCase("transposed", (n, n, c), (k, k), ((p, p), (p, p)), (s, s),
                         filters=draw.choice((3, 8, 16, 32)))
    shape = (draw.int(2, 40), draw.int(2, 40), c)
    kernel = (draw.int(2, 5), draw.int(2, 5))
    stride, dilation = (draw.int(1, 3), draw.int(1, 3)), (draw.int(1, 2), draw.int(1, 2))
    pad = (draw.int(0, 3), draw.int(0, 3))
    out_pad = tuple(draw.int(0, max(s, d) - 1) for s, d in zip(stride, dilation, strict=True))
    return _SizeCase("transposed", shape, kernel, ((pad[0], pad[0]), (pad[1], pad[1])), stride,
                     dilation, draw.choice((3, 8, 16)), out_pad)


def _size_exercise(topic: str, difficulty: str, case: _SizeCase, question: str,
                   form: str) -> Exercise:
    answer, lines = _size_answer(case)
    if case.padding_name == "same":
        (t, b), (left, r) = case.pads
        lines.insert(0, f"'same' padding: ⌈n/s⌉ outputs need total padding "
                        f"max((⌈n/s⌉ − 1)·s + d·(k − 1) + 1 − n, 0): {t} + {b} rows "
                        f"(top + bottom), {left} + {r} columns (left + right).")
    return Exercise(topic, difficulty, question, (), form, _size_params(case), answer,
                    tuple(lines))


def _output_size(draw: _Draw, level: int, difficulty: str) -> Exercise:
    case = _draw_size_case(draw, level)
    form = "a shape H×W" if len(case.in_shape) == 2 else "a shape H×W×C"
    return _size_exercise("output-size", difficulty, case,
                          _size_question(case) + " What is the output's shape?", form)


def _no_output(draw: _Draw, level: int, difficulty: str) -> Exercise:
    want_output = draw.chance(40)
    while True:
        case = _draw_edge_case(draw, level)
        if (_size_answer(case)[0] is not None) == want_output:
            break
    form = ("a shape H×W, or none (and why)" if len(case.in_shape) == 2
            else "a shape H×W×C, or none (and why)")
    question = (_size_question(case) + " Is there an output? If so, give its shape; "
                "if not, answer none and say why.")
    return _size_exercise("no-output", difficulty, case, question, form)


def _draw_edge_case(draw: _Draw, level: int) -> _SizeCase:
    """Settings near the edge of having no output."""
    if level == 0:
        n, k, p = draw.int(2, 6), draw.int(2, 7), draw.int(0, 1)
        return _SizeCase("conv", (n, n), (k, k), ((p, p), (p, p)))
    op = draw.choice(("conv", "conv", "max", "transposed") if level == 2 else ("conv", "max"))
    if op == "conv":
        if level == 1:
            n, k, p, d = draw.int(3, 8), draw.int(2, 5), draw.int(0, 2), draw.int(1, 3)
            s = draw.int(1, 2)
            return _SizeCase("conv", (n, n), (k, k), ((p, p), (p, p)), (s, s), (d, d))
        h, w = draw.int(3, 9), draw.int(3, 9)
        kernel, dilation = (draw.int(2, 5), draw.int(2, 5)), (draw.int(1, 3), draw.int(1, 3))
        pads = ((draw.int(0, 2), draw.int(0, 2)), (draw.int(0, 2), draw.int(0, 2)))
        stride = (draw.int(1, 3), draw.int(1, 3))
        return _SizeCase("conv", (h, w, draw.choice((1, 3))), kernel, pads, stride, dilation,
                         filters=draw.choice((4, 8)))
    if op == "max":
        size, p = draw.int(2, 5), draw.int(0, 1) if level == 2 else 0
        p = min(p, size // 2)
        n = draw.int(1, 5)
        shape = (n, n) if level == 1 else (n, draw.int(1, 6), 3)
        return _SizeCase("max", shape, (size, size), ((p, p), (p, p)), (size, size))
    n, k, s = draw.int(1, 4), draw.int(1, 3), draw.int(1, 2)
    p = draw.int(0, 4)
    return _SizeCase("transposed", (n, n, 8), (k, k), ((p, p), (p, p)), (s, s), filters=4)


# ----------------------------------------------------------------------------------------------
# One output value: a 2-D convolution, and a 3-D filter over RGB


def _pick_cell(draw: _Draw, walk: Walkthrough, prefer_padding: bool) -> tuple[int, int]:
    """An output cell; one whose window reads padding when asked and possible."""
    cells = walk.visits()
    if prefer_padding:
        h, w = walk.geometry.in_hw
        edge = [(i, j) for i, j in cells
                if any(not (0 <= r < h and 0 <= c < w) for r, c in walk.geometry.taps(i, j))]
        if edge:
            cells = edge
    return draw.choice(cells)


def _window_lines(walk: Walkthrough, cell: tuple[int, int]) -> list[str]:
    (sh, sw), (dh, dw) = walk.geometry.stride, walk.geometry.dilation
    (kh, kw), (top, left) = walk.geometry.kernel_hw, walk.geometry.pads_before
    i, j = cell
    r0, c0 = i * sh - top, j * sw - left
    rows = [r0 + a * dh for a in range(kh)]
    cols = [c0 + b * dw for b in range(kw)]
    fmt = ", ".join
    lines = [
        f"Output ({i}, {j}) starts at input row {i}·{sh} − {top} = {format_number(r0)}, "
        f"column {j}·{sw} − {left} = {format_number(c0)}; its taps are on rows "
        f"{fmt(format_number(r) for r in rows)} and columns {fmt(format_number(c) for c in cols)}"
        " (0-based; negative or past the end = padding)."
    ]
    step = walk.step(walk.index_of(i, j))
    padded = sum(t.in_padding for t in step.taps)
    if padded:
        lines.append(f"{padded} of the {len(step.taps)} taps fall on padding cells (value 0).")
    return lines


def _value_setup(draw: _Draw, level: int) -> dict:
    if level == 0:
        n, k = draw.int(4, 5), draw.choice((2, 3))
        return {"input": draw.matrix((n, n), 0, 5), "kernel": draw.kernel((k, k), -1, 2),
                "pads": ((0, 0), (0, 0)), "stride": (1, 1), "dilation": (1, 1),
                "flip": False, "bias": 0}
    if level == 1:
        n, p, s = draw.int(4, 5), draw.int(0, 1), draw.int(1, 2)
        return {"input": draw.matrix((n, n), 0, 5), "kernel": draw.kernel((3, 3), -2, 2),
                "pads": ((p, p), (p, p)), "stride": (s, s), "dilation": (1, 1),
                "flip": draw.chance(50), "bias": 0}
    h, w = draw.int(5, 6), draw.int(5, 6)
    kernel = (draw.int(2, 3), draw.int(2, 3))
    return {"input": draw.matrix((h, w), -3, 5), "kernel": draw.kernel(kernel, -2, 2),
            "pads": ((draw.int(0, 2), draw.int(0, 2)), (draw.int(0, 2), draw.int(0, 2))),
            "stride": (draw.int(1, 2), draw.int(1, 2)),
            "dilation": (draw.int(1, 2), draw.choice((1, 2, 2))),
            "flip": draw.chance(50), "bias": draw.int(-2, 2)}


def _walk(setup: dict) -> Walkthrough | None:
    try:
        return Walkthrough(setup["input"], setup["kernel"], padding=setup["pads"],
                           stride=setup["stride"], dilation=setup["dilation"],
                           flip=setup["flip"], bias=setup["bias"])
    except ShapeError:
        return None


def _value(draw: _Draw, level: int, difficulty: str) -> Exercise:
    while True:
        setup = _value_setup(draw, level)
        walk = _walk(setup)
        if walk is not None:
            break
    cell = _pick_cell(draw, walk, prefer_padding=level > 0 and draw.chance(70))
    x, k = setup["input"], setup["kernel"]
    question = (
        f"Convolve the {shape_text(x.shape)} input with the {shape_text(k.shape)} kernel: "
        f"{_conv_settings_text(setup['pads'], setup['stride'], setup['dilation'], setup['flip'])}"
        + (f", bias {format_number(setup['bias'])}" if setup["bias"] else "")
        + f". What is output ({cell[0]}, {cell[1]}) (row, column, counted from 0)?"
    )
    lines = _output_size_lines(walk)
    if setup["flip"]:
        rotated = np.rot90(k, 2)
        lines.append("True convolution: the kernel rotated 180° is "
                     + "; ".join(" ".join(format_number(v) for v in row) for row in rotated)
                     + " (rows).")
    lines += _window_lines(walk, cell)
    step = walk.step(walk.index_of(*cell))
    answer = _num(walk.output[cell])
    lines.append(f"Output ({cell[0]}, {cell[1]}) = " + step.text)
    params = {"op": "conv", "input": _nested(x), "kernel": _nested(k),
              "padding": _pads_json(setup["pads"]), "stride": list(setup["stride"]),
              "dilation": list(setup["dilation"]), "flip": setup["flip"],
              "bias": setup["bias"], "boundary": "constant", "cval": 0, "cell": list(cell)}
    grids = (Grid(f"input ({shape_text(x.shape)})", _rows(x)),
             Grid(f"kernel ({shape_text(k.shape)})", _rows(k)))
    return Exercise("value", difficulty, question, grids, "a number", params, answer,
                    tuple(lines))


def _output_size_lines(walk: Walkthrough) -> list[str]:
    g = walk.geometry
    formulas = [formula_text(n, k, *p, s, d) for n, k, p, s, d in
                zip(g.in_hw, g.kernel_hw, g.pads, g.stride, g.dilation, strict=True)]
    return [f"Output size: height {formulas[0]}, width {formulas[1]}."]


_CHANNEL_NAMES = ("R", "G", "B")


def _rgb(draw: _Draw, level: int, difficulty: str) -> Exercise:
    n, k, p, s = ((3, 2, 0, 1), (4, 3, 0, 1), (5, 3, 1, 2))[level]
    x = draw.matrix((n, n, 3), 0, 3 if level < 2 else 2)
    kernel = draw.kernel((k, k, 3), -1, 1)
    bias = draw.int(0, 1) if level == 0 else draw.int(-2, 2)
    walk = Walkthrough(x, kernel, padding=p, stride=s, bias=bias)
    cell = _pick_cell(draw, walk, prefer_padding=level == 2 and draw.chance(70))
    step = walk.step(walk.index_of(*cell))
    pads = walk.pads
    question = (
        f"{_a(shape_text(kernel.shape)).capitalize()} filter (one {k}×{k} slice per channel) is "
        f"applied to the {shape_text(x.shape)} RGB input: "
        f"{_conv_settings_text(pads, (s, s), (1, 1))}, bias {format_number(bias)}. "
        "Each slice is correlated with its own channel, the three results are added, then the "
        f"bias. What is output ({cell[0]}, {cell[1]})?"
    )
    lines = _output_size_lines(walk) + _window_lines(walk, cell)
    subtotals = []
    for c, name in enumerate(_CHANNEL_NAMES):
        taps = [t for t in step.taps if t.channel == c]
        subtotal = sum(t.value * t.weight for t in taps)
        subtotals.append(subtotal)
        lines.append(f"{name}: " + step_text(taps, 0.0, subtotal))
    answer = _num(walk.output[cell])
    lines.append(
        "Sum of the channels plus the bias: "
        + " + ".join(format_number(v, parens=True) for v in subtotals)
        + f" + {format_number(bias, parens=True)} = {format_number(answer)}"
    )
    grids = tuple(Grid(f"input {name}", _rows(x[:, :, c]))
                  for c, name in enumerate(_CHANNEL_NAMES))
    grids += tuple(Grid(f"kernel {name}", _rows(kernel[:, :, c]))
                   for c, name in enumerate(_CHANNEL_NAMES))
    params = {"op": "conv", "input": _nested(x), "kernel": _nested(kernel), "channels": 3,
              "padding": _pads_json(pads), "stride": [s, s], "dilation": [1, 1],
              "flip": False, "bias": bias, "boundary": "constant", "cval": 0,
              "cell": list(cell)}
    return Exercise("rgb", difficulty, question, grids, "a number", params, answer,
                    tuple(lines))


# ----------------------------------------------------------------------------------------------
# Pooling and merging


def _pooling(draw: _Draw, level: int, difficulty: str) -> Exercise:
    if level == 0:
        n, size, stride, pad, op = 4, 2, 2, 0, "max"
        x = draw.matrix((n, n), 0, 9)
    else:
        n, size = draw.int(4, 6), draw.choice((2, 3))
        stride, op = draw.int(1, 2), draw.choice(("max", "avg"))
        pad = 0 if level == 1 else draw.int(0, 1)
        x = draw.matrix((n, n), 0 if level == 1 else -5, 9)
    pooled = engine.pool2d(x, size, stride=stride, mode=op, padding=pad)
    cell = (draw.int(0, pooled.shape[0] - 1), draw.int(0, pooled.shape[1] - 1))
    answer = _num(pooled[cell])
    name = "Max" if op == "max" else "Average"
    question = (
        f"{name} pooling with a {size}×{size} window and stride {stride}"
        + (f", padding {pad} (" + ("padding cells count as −∞" if op == "max" else
                                   "padding cells count as 0 and the sum is divided by the "
                                   "whole window") + ")" if pad else "")
        + f" is applied to the {n}×{n} input. What is output ({cell[0]}, {cell[1]})?"
    )
    form = "a number" if op == "max" else "a number (to 2 decimal places)"
    r0, c0 = cell[0] * stride - pad, cell[1] * stride - pad
    window = [(r, c) for r in range(r0, r0 + size) for c in range(c0, c0 + size)]
    inside = [(r, c) for r, c in window if 0 <= r < n and 0 <= c < n]
    lines = [
        "Output size: ⌊(n + 2p − size)/s⌋ + 1 = " + pool_formula_text(n, size, stride, pad)
        + " per side.",
        f"The window of output ({cell[0]}, {cell[1]}) covers rows {format_number(r0)} to "
        f"{r0 + size - 1} and columns {format_number(c0)} to {c0 + size - 1}"
        + (f" ({len(window) - len(inside)} padding cells)." if len(inside) < len(window)
           else "."),
    ]
    values = [format_number(x[r, c], parens=True) for r, c in inside]
    if op == "max":
        lines.append(f"max({', '.join(values)}) = {format_number(answer)}")
    else:
        values += ["0"] * (len(window) - len(inside))
        lines.append(f"({' + '.join(values)})/{len(window)} {_equals(answer)}")
    params = {"op": op, "input": _nested(x), "kernel_shape": [size, size],
              "stride": [stride, stride], "padding": [[pad, pad], [pad, pad]],
              "cell": list(cell)}
    return Exercise("pooling", difficulty, question, (Grid(f"input ({n}×{n})", _rows(x)),),
                    form, params, answer, tuple(lines))


_MERGE_WORDS = {"sum": "the sum", "mean": "the mean", "max": "the element-wise maximum"}


def _merge(draw: _Draw, level: int, difficulty: str) -> Exercise:
    op = "sum" if level == 0 else draw.choice(("sum", "mean", "max"))
    form = "a number (to 2 decimal places)" if op == "mean" else "a number"
    if level < 2:
        shape = (3, 3)
        maps = [draw.matrix(shape, 0 if level == 0 else -3, 5) for _ in range(2)]
        cell = (draw.int(0, 2), draw.int(0, 2))
        question = (f"Two 3×3 feature maps are merged by {_MERGE_WORDS[op]}. What is the merged "
                    f"map's cell ({cell[0]}, {cell[1]})?")
        grids = (Grid("map 1", _rows(maps[0])), Grid("map 2", _rows(maps[1])))
        params: dict = {"op": op, "maps": [_nested(m) for m in maps], "cell": list(cell)}
        lines: list[str] = []
    else:
        n, k = draw.int(4, 5), draw.choice((2, 3))
        x = draw.matrix((n, n), 0, 5)
        kernels = [draw.kernel((k, k), -1, 1) for _ in range(2)]
        walks = [Walkthrough(x, kern) for kern in kernels]
        maps = [w.output.astype(np.float64) for w in walks]
        cell = (draw.int(0, maps[0].shape[0] - 1), draw.int(0, maps[0].shape[1] - 1))
        question = (f"A filter bank correlates the {n}×{n} input with two {k}×{k} kernels (no "
                    "padding, stride 1) and merges the two feature maps by "
                    f"{_MERGE_WORDS[op]}. What is the merged map's cell ({cell[0]}, {cell[1]})?")
        grids = (Grid(f"input ({n}×{n})", _rows(x)), Grid("kernel 1", _rows(kernels[0])),
                 Grid("kernel 2", _rows(kernels[1])))
        params = {"op": op, "input": _nested(x), "kernels": [_nested(kern) for kern in kernels],
                  "padding": [[0, 0], [0, 0]], "stride": [1, 1], "dilation": [1, 1],
                  "flip": False, "cell": list(cell)}
        lines = [f"Map {m + 1} at ({cell[0]}, {cell[1]}): "
                 + w.step(w.index_of(*cell)).text for m, w in enumerate(walks)]
    merged = engine.merge(maps, op)
    answer = _num(merged[cell])
    a, b = (format_number(m[cell], parens=True) for m in maps)
    worked = {"sum": f"{a} + {b}", "mean": f"({a} + {b})/2", "max": f"max({a}, {b})"}[op]
    lines.append(f"Merged ({cell[0]}, {cell[1]}) = {worked} {_equals(answer)}")
    return Exercise("merge", difficulty, question, grids, form, params, answer, tuple(lines))


# ----------------------------------------------------------------------------------------------
# Parameters


def _parameters(draw: _Draw, level: int, difficulty: str) -> Exercise:
    if level == 0:
        kernel, c_in, filters = (3, 3), draw.choice((1, 3)), draw.choice((4, 8, 16))
        n = draw.choice((28, 32, 64))
    elif level == 1:
        k = draw.choice((1, 3, 5, 7))
        kernel, c_in = (k, k), draw.choice((3, 16, 32, 64))
        filters, n = draw.choice((16, 32, 64, 128)), draw.choice((32, 56, 112, 224))
    else:
        kernel = draw.choice(((1, 7), (7, 1), (3, 5), (5, 3), (1, 3), (3, 1), (3, 3), (5, 5)))
        c_in, filters = draw.choice((48, 96, 192, 256, 384)), draw.choice((64, 96, 128, 256))
        n = draw.choice((14, 17, 28, 35))
    in_shape = (n, n, c_in)
    layer = layer_shape(in_shape, kernel, filters=filters, padding="same", channels="sum")
    kh, kw = kernel
    if level == 2:
        question = (f"A convolution layer with {kh}×{kw} kernels and 'same' padding maps a "
                    f"{shape_text(in_shape)} input to {_a(shape_text(layer.out_shape))} output. "
                    "How many parameters (weights and biases) does it have?")
    else:
        question = (f"A convolution layer has {filters} filters of size {kh}×{kw} and is applied "
                    f"to {_a(shape_text(in_shape))} input. How many parameters (weights and "
                    "biases) does it have?")
    weights = kh * kw * c_in * filters
    spans = f"all {c_in} input channels" if c_in > 1 else "the one input channel"
    lines = [
        f"Each filter spans {spans}: {kh}·{kw}·{c_in} = {kh * kw * c_in} weights.",
        f"{filters} filters (one per output channel): {kh * kw * c_in}·{filters} = {weights} "
        f"weights, plus {filters} biases.",
        f"Total: {weights} + {filters} = {layer.params}. The input's height and width do not "
        "matter.",
    ]
    params = {"kernel_shape": [kh, kw], "in_channels": c_in, "filters": filters,
              "input_shape": list(in_shape)}
    return Exercise("parameters", difficulty, question, (), "a number", params, layer.params,
                    tuple(lines))


_MAKERS: dict[str, Callable[[_Draw, int, str], Exercise]] = {
    "output-size": _output_size, "value": _value, "rgb": _rgb, "pooling": _pooling,
    "merge": _merge, "parameters": _parameters, "no-output": _no_output,
}
