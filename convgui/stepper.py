"""Step through a convolution one output cell at a time, for teaching. No Qt here.

A :class:`Walkthrough` lays out the work the engine does: the padded input, where the window of
each output sits, which input cell meets which kernel weight, and the sum written out with the
numbers in (``3·1 + 0·0 + 1·(−1) + … = −5``). The totals are the engine's results: the output
array is computed with :func:`convgui.engine.convolve2d` (or :func:`convgui.engine.conv_layer`
for a 3-D kernel) and every step's total matches it.

Coordinates: ``padded_index`` and :meth:`Walkthrough.window` use the padded input (row 0 is the
top padding row); ``input_index`` is the same cell in the unpadded input, negative or past the
end for a padding cell. :meth:`Walkthrough.contributors` takes padded coordinates too, so a
padding cell can be asked which outputs it feeds.

:data:`EXAMPLES` holds small integer grids chosen to give readable sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from convgui import engine, kernels
from convgui.settings import Settings
from convgui.shapes import PaddingSpec, geometry

__all__ = ["DESCRIBED_FIELDS", "EXAMPLES", "Example", "Step", "Tap", "Walkthrough",
           "describe_changes", "format_number", "kernel_title", "paste_block", "step_text"]

MINUS = "−"


@dataclass(frozen=True)
class Tap:
    """One multiplication of a step: an input cell times a kernel weight.

    ``kernel_index`` is the weight's (row, col) in the kernel as given (with ``flip`` the
    kernel is rotated, so the top-left window cell meets the bottom-right weight);
    ``padded_index`` is the cell in :attr:`Walkthrough.padded`; ``input_index`` the same cell in
    the unpadded input (outside it for a padding cell, then ``in_padding`` is true and ``value``
    is what the boundary mode filled in); ``channel`` is the input channel (None for a 2-D
    input or the luma plane).
    """

    kernel_index: tuple[int, int]
    padded_index: tuple[int, int]
    input_index: tuple[int, int]
    value: float
    weight: float
    in_padding: bool
    channel: int | None


@dataclass(frozen=True)
class Step:
    """One output cell: its taps in order (kernel rows, then columns; channel by channel in
    CNN mode), the bias, the total and the sum written out (see :func:`step_text`)."""

    output_index: tuple[int, int]
    taps: tuple[Tap, ...]
    bias: float
    total: float
    text: str


def format_number(value: float, parens: bool = False) -> str:
    """A number as a student writes it: integers without a point, others with up to 4
    significant digits, negatives with the minus sign ``−`` (in parentheses if ``parens``)."""
    v = float(value)
    if v == 0:
        return "0"
    if v.is_integer() and abs(v) < 1e15:
        body = str(int(abs(v)))
    else:
        body = f"{abs(v):.4g}".replace("-", MINUS)
    if v > 0:
        return body
    return f"({MINUS}{body})" if parens else f"{MINUS}{body}"


def step_text(taps: tuple[Tap, ...] | list[Tap], bias: float, total: float) -> str:
    """Every term written out: ``value·weight`` joined by ``" + "``, then ``" + bias"`` when the
    bias is not 0, then ``" = total"``, e.g. ``3·1 + 0·0 + 1·(−1) + … = −5``."""
    terms = [
        f"{format_number(t.value, parens=True)}·{format_number(t.weight, parens=True)}"
        for t in taps
    ]
    if bias != 0:
        terms.append(format_number(bias, parens=True))
    return " + ".join(terms) + f" = {format_number(total)}"


class Walkthrough:
    """The convolution of ``image`` with ``kernel`` laid out output cell by output cell.

    Parameters are those of :func:`convgui.engine.convolve2d`; the image and kernel decide the
    mode (:attr:`mode`):

    * ``"plane"``: a 2-D image (or a 1-channel image) and a 2-D kernel;
    * ``"per-channel"``: a 3-D image, 2-D kernel, ``channels="per-channel"``: the channel
      ``channel`` (default 0) is walked;
    * ``"luma"``: a 3-D RGB image, 2-D kernel, ``channels="luma"``: the luma plane is walked;
    * ``"cnn"``: a 3-D kernel (kh, kw, C), one slice per channel of a 3-D (H, W, C) image (a
      CNN filter; ``channels`` is then ignored), or a 2-D kernel with ``channels="sum"`` (the
      same slice on every channel): each output adds all slices' taps, then ``bias``.

    Attributes: ``padded`` (float64; 2-D, or (H+pads, W+pads, C) in CNN mode), ``pads``
    ``((top, bottom), (left, right))``, ``geometry`` (:class:`convgui.shapes.Geometry`),
    ``output`` (the engine's result, 2-D), ``kernel`` (float64 as given: (kh, kw) or
    (kh, kw, C)), ``mode``, ``channel``.
    """

    def __init__(
        self, image: np.ndarray, kernel: np.ndarray, *, padding: PaddingSpec = "valid",
        stride: int | tuple[int, int] = 1, dilation: int | tuple[int, int] = 1,
        boundary: str = "constant", cval: float = 0.0, flip: bool = False,
        channels: str = "per-channel", bias: float = 0.0, channel: int | None = None,
    ) -> None:
        img = engine._as_image(image)
        k_raw = np.asarray(kernel)
        cnn_kernel = k_raw.ndim == 3
        if cnn_kernel:
            slices = [engine._as_kernel(k_raw[:, :, c]) for c in range(k_raw.shape[2])]
            if not slices:
                raise ValueError(f"kernel is empty (shape {k_raw.shape})")
            k = np.stack(slices, axis=2)
        else:
            k = engine._as_kernel(k_raw)
        if boundary not in engine.BOUNDARIES:
            raise ValueError(f"unknown boundary {boundary!r}: use {', '.join(engine.BOUNDARIES)}")
        if channels not in ("per-channel", "sum", "luma"):
            raise ValueError(f"unknown channel mode {channels!r}: use per-channel, sum, luma")
        self.bias = engine._finite(bias, "bias")
        self.cval = engine._finite(cval, "cval")
        self.boundary, self.flip, self.kernel = boundary, bool(flip), k
        dtype = engine.result_dtype(img.dtype)
        conv_kwargs = {"padding": padding, "stride": stride, "dilation": dilation,
                       "boundary": boundary, "cval": self.cval, "flip": self.flip}

        if img.ndim == 2 and cnn_kernel:
            img = img[:, :, None]
        depth = img.shape[2] if img.ndim == 3 else 1
        if channel is not None and not (img.ndim == 3 and not cnn_kernel
                                        and channels == "per-channel"):
            raise ValueError("channel selects a channel of a 3-D image in per-channel mode only")
        self.channel: int | None = None
        if cnn_kernel:
            if k.shape[2] != depth:
                raise ValueError(
                    f"the kernel has {k.shape[2]} channel slices but the image has {depth} "
                    f"channel{'s' if depth != 1 else ''}"
                )
            self.mode = "cnn"
            source = img.astype(dtype)
            self.output = engine.conv_layer(img, k[None], [self.bias], **conv_kwargs)[:, :, 0]
        elif img.ndim == 3 and depth > 1 and channels == "sum":
            self.mode = "cnn"
            source = img.astype(dtype)
            self.output = engine.convolve2d(img, k, channels="sum", bias=self.bias,
                                            **conv_kwargs)
            k = np.repeat(k[:, :, None], depth, axis=2)
        elif img.ndim == 3 and depth > 1 and channels == "luma":
            self.mode = "luma"
            source = engine._planes(img, "luma", dtype)[0]
            self.output = engine.convolve2d(img, k, channels="luma", bias=self.bias,
                                            **conv_kwargs)
        else:
            if img.ndim == 3:
                chosen = 0 if channel is None else channel
                if isinstance(chosen, (bool, np.bool_)) or not isinstance(
                    chosen, (int, np.integer)
                ):
                    raise TypeError(f"channel must be an integer, got {channel!r}")
                if not 0 <= chosen < depth:
                    raise ValueError(f"channel {chosen} does not exist: the image has {depth}")
                plane = img[:, :, int(chosen)]
                if channels == "per-channel":
                    self.mode, self.channel = "per-channel", int(chosen)
                else:  # luma or sum of a one-channel image: that channel
                    self.mode = "plane"
            else:
                self.mode, plane = "plane", img
            source = plane.astype(dtype)
            self.output = engine.convolve2d(plane, k, bias=self.bias, **conv_kwargs)
        self._weights = k  # (kh, kw) or (kh, kw, C), as given (not flipped)
        self.geometry = geometry(source.shape[:2], k.shape[:2], padding, stride, dilation,
                                 self.flip)
        self.pads = self.geometry.pads
        pad_width = list(self.pads) + [(0, 0)] * (source.ndim - 2)
        src = source.astype(np.float64)
        if boundary == "constant":
            self.padded = np.pad(src, pad_width, mode="constant", constant_values=self.cval)
        else:
            self.padded = np.pad(src, pad_width, mode=boundary)

    @property
    def out_hw(self) -> tuple[int, int]:
        """(H', W')."""
        return self.geometry.out_hw

    def __len__(self) -> int:
        """The number of output cells (steps)."""
        return self.out_hw[0] * self.out_hw[1]

    def _check(self, n: int) -> int:
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"step number must be an integer, got {n!r}")
        size = len(self)
        if not -size <= n < size:
            raise IndexError(f"step {n} does not exist: there are {size} steps (0 to {size - 1})")
        return int(n) % size

    def output_index(self, n: int) -> tuple[int, int]:
        """The output (i, j) of step ``n`` (row-major; negative ``n`` counts from the end)."""
        return divmod(self._check(n), self.out_hw[1])  # type: ignore[return-value]

    def index_of(self, i: int, j: int) -> int:
        """The step number of output (i, j)."""
        oh, ow = self.out_hw
        if not (0 <= i < oh and 0 <= j < ow):
            raise IndexError(f"output ({i}, {j}) does not exist: the output is {oh}×{ow}")
        return int(i) * ow + int(j)

    def visits(self) -> list[tuple[int, int]]:
        """The output cells in step order (row-major)."""
        oh, ow = self.out_hw
        return [(i, j) for i in range(oh) for j in range(ow)]

    def origin(self, n: int) -> tuple[int, int]:
        """Padded coordinates of the top-left tap of step ``n``'s window."""
        i, j = self.output_index(n)
        return (i * self.geometry.stride[0], j * self.geometry.stride[1])

    def window(self, n: int) -> list[tuple[int, int]]:
        """Padded coordinates of the taps of step ``n``, kernel row by row (with dilation only
        the taps, not the cells between them)."""
        r0, c0 = self.origin(n)
        (kh, kw), (dh, dw) = self.geometry.kernel_hw, self.geometry.dilation
        return [(r0 + a * dh, c0 + b * dw) for a in range(kh) for b in range(kw)]

    def step(self, n: int) -> Step:
        """Step ``n``: the taps of output ``output_index(n)``, their sum and its text."""
        i, j = self.output_index(n)
        (kh, kw), (top, left) = self.geometry.kernel_hw, self.geometry.pads_before
        h, w = self.geometry.in_hw
        cnn = self.mode == "cnn"
        channels = range(self._weights.shape[2]) if cnn else (None,)
        cells = self.window(n)
        taps = []
        for ch in channels:
            for t, (pr, pc) in enumerate(cells):
                a, b = divmod(t, kw)
                ka, kb = (kh - 1 - a, kw - 1 - b) if self.flip else (a, b)
                r, c = pr - top, pc - left
                value = self.padded[pr, pc, ch] if cnn else self.padded[pr, pc]
                weight = self._weights[ka, kb, ch] if cnn else self._weights[ka, kb]
                taps.append(Tap(
                    kernel_index=(ka, kb), padded_index=(pr, pc), input_index=(r, c),
                    value=float(value), weight=float(weight),
                    in_padding=not (0 <= r < h and 0 <= c < w),
                    channel=ch if cnn else self.channel,
                ))
        total = sum(t.value * t.weight for t in taps) + self.bias
        taps_t = tuple(taps)
        return Step((i, j), taps_t, self.bias, total, step_text(taps_t, self.bias, total))

    def steps(self) -> list[Step]:
        """Every step in order."""
        return [self.step(n) for n in range(len(self))]

    def contributors(self, r: int, c: int) -> list[tuple[int, int]]:
        """The output cells whose window reads padded cell (r, c) of :attr:`padded` (padded
        coordinates, so padding cells can be asked too); [] for a cell outside the padded
        input or read by no window."""
        if not (0 <= r < self.padded.shape[0] and 0 <= c < self.padded.shape[1]):
            return []
        return self.geometry.contributors(r - self.pads[0][0], c - self.pads[1][0])


# ----------------------------------------------------------------------------------------------
# Examples

Grid = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Example:
    """A teaching example: the input as one grid per channel, the kernel as one grid per slice
    (one slice: a 2-D kernel; one per channel: a CNN filter), and a bias."""

    name: str
    description: str
    image: tuple[Grid, ...]
    kernel: tuple[Grid, ...]
    bias: float = 0.0

    def image_array(self) -> np.ndarray:
        """(H, W) for one grid, (H, W, C) for several; float64."""
        planes = [np.asarray(g, dtype=np.float64) for g in self.image]
        return planes[0] if len(planes) == 1 else np.stack(planes, axis=2)

    def kernel_array(self) -> np.ndarray:
        """(kh, kw) for one grid, (kh, kw, C) for one slice per channel; float64."""
        slices = [np.asarray(g, dtype=np.float64) for g in self.kernel]
        return slices[0] if len(slices) == 1 else np.stack(slices, axis=2)

    def walkthrough(self, **kwargs: object) -> Walkthrough:
        """A :class:`Walkthrough` of this example (keywords as :class:`Walkthrough`)."""
        kwargs.setdefault("bias", self.bias)
        return Walkthrough(self.image_array(), self.kernel_array(), **kwargs)  # type: ignore


EXAMPLES: dict[str, Example] = {
    e.name: e
    for e in (
        Example(
            "5×5 input, 3×3 kernel",
            "A vertical-edge kernel (left column minus right column): negative where the "
            "values grow to the right, positive where they fall.",
            image=((
                (3, 0, 1, 2, 7),
                (1, 5, 8, 9, 3),
                (2, 7, 2, 5, 1),
                (0, 1, 3, 1, 7),
                (4, 2, 1, 6, 2),
            ),),
            kernel=((
                (1, 0, -1),
                (1, 0, -1),
                (1, 0, -1),
            ),),
        ),
        Example(
            "3×4 input, 2×2 kernel",
            "An even-sized kernel on a non-square input: 2×3 outputs, each the sum of a 2×2 "
            "window weighted 1, 2 on top and 0, −1 below.",
            image=((
                (1, 2, 0, 3),
                (4, 1, 2, 1),
                (0, 3, 1, 2),
            ),),
            kernel=((
                (1, 2),
                (0, -1),
            ),),
        ),
        Example(
            "4×4 RGB input, 3×3 kernel",
            "A CNN filter: one 3×3 slice per colour channel; each output adds the three "
            "channel sums and the bias 1.",
            image=(
                ((2, 0, 1, 3), (1, 3, 0, 2), (0, 1, 2, 1), (3, 2, 1, 0)),  # red
                ((1, 1, 0, 2), (0, 2, 1, 1), (2, 0, 1, 3), (1, 1, 2, 0)),  # green
                ((0, 2, 1, 1), (1, 0, 2, 0), (1, 1, 0, 2), (2, 0, 1, 1)),  # blue
            ),
            kernel=(
                ((1, 0, 0), (0, 1, 0), (0, 0, 1)),  # red slice: the diagonal
                ((0, 1, 0), (0, 1, 0), (0, 1, 0)),  # green slice: the middle column
                ((0, 0, 0), (1, 0, -1), (0, 0, 0)),  # blue slice: left minus right
            ),
            bias=1.0,
        ),
    )
}
"""Teaching examples by name, in display order."""


# ----------------------------------------------------------------------------------------------
# Saying what an example changed, filling cells from a pasted block

#: The settings fields :func:`describe_changes` reports, in the order it reports them.
DESCRIBED_FIELDS = ("kernel", "divisor", "bias", "padding", "boundary", "cval", "stride",
                    "dilation", "flip", "channels", "display")
_SMALL_KERNEL_CELLS = 9  # kernels up to this many weights are written out in messages


def kernel_title(kernel: Sequence[Sequence[float]], divisor: float = 1) -> str:
    """The kernel ``kernel / divisor`` in words: its size and the library title when it is one
    of :data:`convgui.kernels.LIBRARY` (``"3×3 Sobel x"``), else its weights row by row when
    it has at most 9 (``"3×3 [1 0 −1; 1 0 −1; 1 0 −1]"``), else ``"5×5 custom"``."""
    grid = np.asarray(kernel, dtype=np.float64)
    effective = grid / float(divisor)
    size = f"{grid.shape[0]}×{grid.shape[1]}"
    for named in kernels.LIBRARY.values():
        if named.shape == grid.shape and np.array_equal(named.kernel(), effective):
            return named.title if size in named.title else f"{size} {named.title}"
    if grid.size > _SMALL_KERNEL_CELLS:
        return f"{size} custom"
    rows = "; ".join(" ".join(format_number(v) for v in row) for row in grid)
    suffix = "" if float(divisor) == 1 else f" ÷ {format_number(float(divisor))}"
    return f"{size} [{rows}]{suffix}"


def _pair_text(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}×{pair[1]}"


def _padding_text(padding: object) -> str:
    if isinstance(padding, str):
        return padding
    (top, bottom), (left, right) = padding  # type: ignore[misc]
    if top == bottom == left == right:
        return str(top)
    return f"top {top}, bottom {bottom}, left {left}, right {right}"


def describe_changes(old: Settings, new: Settings) -> list[str]:
    """What differs from ``old`` to ``new``, one short phrase a field in the order of
    :data:`DESCRIBED_FIELDS`, each naming the new value: ``"kernel 3×3 Sobel x"``,
    ``"bias 1"``, ``"padding valid"``, ``"stride 2"``, ``"true convolution"`` /
    ``"correlation"``, ``"channels sum"``. A new divisor is part of the kernel's phrase when
    the kernel changed too. [] when nothing differs."""
    phrases = []
    kernel_changed = old.kernel != new.kernel
    for name in DESCRIBED_FIELDS:
        value = getattr(new, name)
        if value == getattr(old, name) or (name == "divisor" and kernel_changed):
            continue
        if name == "kernel":
            phrases.append(f"kernel {kernel_title(new.kernel, new.divisor)}")
        elif name == "divisor":
            phrases.append(f"divisor {format_number(value)}")
        elif name in ("bias", "cval"):
            label = "bias" if name == "bias" else "fill value"
            phrases.append(f"{label} {format_number(value)}")
        elif name == "padding":
            phrases.append(f"padding {_padding_text(value)}")
        elif name in ("stride", "dilation"):
            phrases.append(f"{name} {_pair_text(value)}")
        elif name == "flip":
            phrases.append("true convolution" if value else "correlation")
        else:  # boundary, channels, display: their names
            phrases.append(f"{name} {value}")
    return phrases


def paste_block(image: np.ndarray, row: int, col: int, block: Sequence[Sequence[float]],
                channel: int | None = None) -> tuple[np.ndarray, tuple[int, int]]:
    """A copy of ``image`` (H×W, or H×W×C with ``channel`` the plane to fill) with ``block``
    written from cell (``row``, ``col``) to the right and down, clipped at the grid's edge,
    and the (rows, cols) of the block that fitted. Raises :class:`ValueError` for a cell
    outside the grid or a missing channel of an H×W×C image."""
    out = np.array(image, dtype=np.float64, copy=True)
    plane = out if out.ndim == 2 else None
    if plane is None:
        if channel is None or not 0 <= channel < out.shape[2]:
            raise ValueError(f"channel {channel} does not exist: the input has "
                             f"{out.shape[2]}")
        plane = out[:, :, channel]
    h, w = plane.shape
    if not (0 <= row < h and 0 <= col < w):
        raise ValueError(f"cell ({row}, {col}) is outside the {h}×{w} input")
    values = np.asarray(block, dtype=np.float64)
    rows, cols = min(values.shape[0], h - row), min(values.shape[1], w - col)
    plane[row:row + rows, col:col + cols] = values[:rows, :cols]
    return out, (rows, cols)
