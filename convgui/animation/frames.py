"""The frame model of a sliding-window animation: one frame per output cell, no drawing, no Qt.

An :class:`Animation` holds what every frame shares: the *grid* the window slides over (the
padded input; for a transposed convolution the zero-inserted, padded input of the equivalent
direct convolution), what each grid cell is (:data:`INPUT`, :data:`PADDING` or
:data:`INSERTED`) and the value it holds, the weights as the window meets them, the geometry
(:class:`convgui.shapes.Geometry`, over the grid) and the engine's output. :meth:`Animation.frame`
gives frame ``n``: output cell ``n`` in row-major order, the grid cells its window reads (with
dilation only the taps, not the cells between them) and its value.

Sizes and the no-output explanations come from :mod:`convgui.shapes`; values from
:mod:`convgui.engine` (convolution through :class:`convgui.stepper.Walkthrough`); nothing is
re-derived here. A transposed convolution (PyTorch's ``ConvTranspose2d``, as
:func:`convgui.engine.conv_transpose2d`) is drawn as conv_arithmetic draws it: the input with
s − 1 zeros inserted between cells, q = d·(k − 1) − p cells of zero padding on each side (plus
``output_padding`` at the bottom/right; a negative q crops instead), and a stride-1 window of
the kernel rotated 180° with the same dilation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from convgui import engine, shapes, stepper
from convgui.shapes import PaddingSpec

__all__ = [
    "INPUT", "INSERTED", "MAX_FRAMES", "MAX_GRID_SIDE", "OPS", "PADDING", "Animation",
    "Frame", "build_animation", "cell_text", "random_grid",
]

OPS = ("conv", "max", "avg", "transposed")
#: What a grid cell is: a cell of the input, a padding cell, a zero inserted between input
#: cells by the stride of a transposed convolution.
INPUT, PADDING, INSERTED = 0, 1, 2
#: Limits that keep an animation a teaching figure (and its file finite).
MAX_GRID_SIDE = 64
MAX_FRAMES = 4096


def cell_text(value: float) -> str:
    """A value as drawn in a cell: :func:`convgui.stepper.format_number` with an ASCII minus
    (the bundled font has no ``−``) and ``-inf`` for max-pooling padding."""
    if np.isneginf(value):
        return "-inf"
    return stepper.format_number(value).replace(stepper.MINUS, "-")


def random_grid(shape: tuple[int, int], seed: int, high: int) -> np.ndarray:
    """Small whole numbers ``0 … high − 1`` (float64), the same for the same seed everywhere."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, high, size=shape).astype(np.float64)


@dataclass(frozen=True)
class Frame:
    """Frame ``index``: output cell ``output_index`` is being computed.

    ``window`` lists the grid cells its window reads, kernel row by row (each meets the weight
    at the same position of :attr:`Animation.window_kernel`); ``span`` is the window's extent
    ``(top, left, bottom, right)`` in grid cells, bottom/right exclusive (with dilation it also
    covers the skipped cells); ``value`` is the engine's output there. The cells before it in
    row-major order are already filled.
    """

    index: int
    output_index: tuple[int, int]
    window: tuple[tuple[int, int], ...]
    span: tuple[int, int, int, int]
    value: float


@dataclass(frozen=True)
class Animation:
    """Everything the frames of one animation share (see the module docstring).

    ``grid`` (float64, the values of the drawn grid; −∞ for max-pooling padding), ``kinds``
    (uint8, :data:`INPUT`/:data:`PADDING`/:data:`INSERTED` per grid cell), ``input_cells``
    (int, ``(r, c)`` of the input cell shown at each grid cell, −1 where none), ``kernel`` (the
    weights as given, ``None`` for pooling), ``window_kernel`` (as the window meets them:
    rotated 180° for ``flip`` and for a transposed convolution), ``kernel_hw``, ``geometry``
    (over the grid: stride, dilation, output size; padding already in the grid), ``output``
    (the engine's result), ``title`` (one line describing the settings) and ``numbers``
    (whether values are drawn).
    """

    op: str
    grid: np.ndarray
    kinds: np.ndarray
    input_cells: np.ndarray
    kernel: np.ndarray | None
    window_kernel: np.ndarray | None
    kernel_hw: tuple[int, int]
    geometry: shapes.Geometry
    output: np.ndarray
    title: str
    numbers: bool
    padding_fill: str = "0"  # what the padded cells hold: "0", or the boundary's name

    @property
    def out_hw(self) -> tuple[int, int]:
        """(H', W') of the output."""
        return self.geometry.out_hw

    def __len__(self) -> int:
        """The number of frames: out_h × out_w."""
        return self.out_hw[0] * self.out_hw[1]

    def frame(self, n: int) -> Frame:
        """Frame ``n`` (0 ≤ n < len): output cell ``divmod(n, out_w)``."""
        if not 0 <= n < len(self):
            raise IndexError(f"frame {n} does not exist: there are {len(self)} frames")
        i, j = divmod(n, self.out_hw[1])
        (sh, sw), (dh, dw) = self.geometry.stride, self.geometry.dilation
        (kh, kw) = self.kernel_hw
        r0, c0 = i * sh, j * sw
        window = tuple((r0 + a * dh, c0 + b * dw) for a in range(kh) for b in range(kw))
        span = (r0, c0, r0 + dh * (kh - 1) + 1, c0 + dw * (kw - 1) + 1)
        return Frame(n, (i, j), window, span, float(self.output[i, j]))

    def frames(self) -> Iterator[Frame]:
        """Every frame, in order."""
        return (self.frame(n) for n in range(len(self)))


def _describe_pair(name: str, pair: tuple[int, int], default: int) -> str:
    if pair == (default, default):
        return ""
    text = str(pair[0]) if pair[0] == pair[1] else f"{pair[0]},{pair[1]}"
    return f", {name} {text}"


def _describe_pads(pads: tuple[tuple[int, int], tuple[int, int]]) -> str:
    (top, bottom), (left, right) = pads
    if top == bottom == left == right:
        return f", padding {top}" if top else ""
    if top == bottom and left == right:
        return f", padding {top},{left}"
    return f", padding {top},{bottom},{left},{right}"


def _hw(pair: tuple[int, ...]) -> str:
    return f"{pair[0]}x{pair[1]}"


def _check_size(grid_hw: tuple[int, int], out_hw: tuple[int, int]) -> None:
    if max(grid_hw) > MAX_GRID_SIDE:
        raise ValueError(
            f"the grid is {_hw(grid_hw)} cells, more than the {MAX_GRID_SIDE} per side an "
            "animation can show: use a smaller input or less padding"
        )
    if out_hw[0] * out_hw[1] > MAX_FRAMES:
        raise ValueError(
            f"{out_hw[0] * out_hw[1]} frames is more than the {MAX_FRAMES} an animation can "
            "have: use a smaller input or a larger stride"
        )


def build_animation(
    op: str, image: np.ndarray, kernel: np.ndarray | None, *,
    kernel_hw: tuple[int, int] | None = None, padding: PaddingSpec = "valid",
    stride: int | tuple[int, int] = 1, dilation: int | tuple[int, int] = 1,
    boundary: str = "constant", flip: bool = False,
    output_padding: int | tuple[int, int] = 0, numbers: bool = False,
) -> Animation:
    """The :class:`Animation` of ``op`` (one of :data:`OPS`) on the 2-D ``image``.

    ``kernel``: the weights for ``conv`` and ``transposed``; ignored (may be ``None``) for
    pooling, whose window size is ``kernel_hw`` (default: the kernel's shape). ``padding``: any
    :data:`convgui.shapes.PaddingSpec` for ``conv``; ``P`` or ``(PH, PW)`` for pooling and
    ``transposed``. ``boundary`` and ``flip`` apply to ``conv``, ``dilation`` to ``conv`` and
    ``transposed``, ``output_padding`` to ``transposed``; pooling pads with −∞ (max) or 0 (avg)
    as :func:`convgui.engine.pool2d`.

    Raises :class:`convgui.shapes.ShapeError` with the shape panel's explanation when the
    settings have no output, ``ValueError``/``TypeError`` for bad arguments.
    """
    if op not in OPS:
        raise ValueError(f"unknown operation {op!r}: use {', '.join(OPS)}")
    img = np.asarray(image, dtype=np.float64)
    if img.ndim != 2 or img.size == 0:
        raise ValueError(f"the input must be a non-empty 2-D grid, got shape {img.shape}")
    if op in ("conv", "transposed"):
        if kernel is None:
            raise ValueError(f"--op {op} needs kernel weights")
        k = np.asarray(kernel, dtype=np.float64)
        if k.ndim != 2:
            raise ValueError(f"the kernel must be a 2-D grid, got shape {k.shape}")
        k_hw = (int(k.shape[0]), int(k.shape[1]))
    else:
        k = None
        shape_from = kernel_hw if kernel_hw is not None else np.shape(kernel)
        k_hw = shapes.positive_pair(tuple(shape_from), "pool size")  # type: ignore[arg-type]
    stride_hw = shapes.positive_pair(stride, "stride")
    dilation_hw = shapes.positive_pair(dilation, "dilation")
    if op == "conv":
        return _conv(img, k, padding, stride_hw, dilation_hw, boundary, flip, numbers)
    if op == "transposed":
        return _transposed(img, k, padding, stride_hw, dilation_hw, output_padding, numbers)
    return _pool(op, img, k_hw, padding, stride_hw, numbers)


def _input_cells(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """(Hg, Wg, 2) input coordinates per grid cell from per-axis maps (−1: none)."""
    r = np.broadcast_to(rows[:, None], (rows.size, cols.size))
    c = np.broadcast_to(cols[None, :], (rows.size, cols.size))
    inside = (r >= 0) & (c >= 0)
    return np.where(inside[..., None], np.stack([r, c], axis=-1), -1)


def _padded_kinds(in_hw: tuple[int, int], pads: tuple[tuple[int, int], tuple[int, int]]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Kinds and input coordinates of an input padded by ``pads``."""
    (top, bottom), (left, right) = pads
    rows = np.arange(in_hw[0] + top + bottom) - top
    cols = np.arange(in_hw[1] + left + right) - left
    rows = np.where((rows >= 0) & (rows < in_hw[0]), rows, -1)
    cols = np.where((cols >= 0) & (cols < in_hw[1]), cols, -1)
    cells = _input_cells(rows, cols)
    kinds = np.where(cells[..., 0] >= 0, INPUT, PADDING).astype(np.uint8)
    return kinds, cells


def _conv(img: np.ndarray, k: np.ndarray, padding: PaddingSpec, stride: tuple[int, int],
          dilation: tuple[int, int], boundary: str, flip: bool, numbers: bool) -> Animation:
    # Validate the size before the engine allocates anything for a huge padding.
    geo = shapes.geometry(img.shape, k.shape, padding, stride, dilation, flip)
    _check_size(_padded_hw(img.shape, geo.pads), geo.out_hw)
    walk = stepper.Walkthrough(img, k, padding=padding, stride=stride, dilation=dilation,
                               boundary=boundary, flip=flip)
    grid_geo = shapes.Geometry(walk.padded.shape, geo.kernel_hw, ((0, 0), (0, 0)), stride,
                               dilation, walk.out_hw)
    kinds, cells = _padded_kinds(img.shape, walk.pads)
    name = "convolution (kernel flipped)" if flip else "cross-correlation"
    title = (f"{name}: {_hw(img.shape)} input, {_hw(k.shape)} kernel"
             f"{_describe_pads(walk.pads)}{_describe_pair('stride', stride, 1)}"
             f"{_describe_pair('dilation', dilation, 1)}"
             f"{'' if boundary == 'constant' else f', {boundary} boundary'}"
             f" -> {_hw(walk.out_hw)} output")
    return Animation("conv", walk.padded, kinds, cells, k, k[::-1, ::-1] if flip else k,
                     geo.kernel_hw, grid_geo, np.asarray(walk.output, dtype=np.float64),
                     title, numbers, "0" if boundary == "constant" else boundary)


def _padded_hw(in_hw: tuple[int, ...], pads: tuple[tuple[int, int], tuple[int, int]]
               ) -> tuple[int, int]:
    return (in_hw[0] + pads[0][0] + pads[0][1], in_hw[1] + pads[1][0] + pads[1][1])


def _symmetric_padding(padding: PaddingSpec, op: str) -> tuple[int, int]:
    """``P`` or ``(PH, PW)`` (``"valid"`` is 0) as a pair; ValueError for other forms."""
    if padding == "valid":
        return (0, 0)
    if isinstance(padding, (int, np.integer)) and not isinstance(padding, bool):
        pair: tuple = (padding, padding)
    elif (isinstance(padding, tuple) and len(padding) == 2
          and all(isinstance(p, (int, np.integer)) for p in padding)):
        pair = padding
    else:
        raise ValueError(f"--op {op} needs --padding P or PH,PW (whole numbers ≥ 0)")
    if min(pair) < 0:
        raise ValueError(f"padding must be ≥ 0, got {pair}")
    return (int(pair[0]), int(pair[1]))


def _pool(op: str, img: np.ndarray, size: tuple[int, int], padding: PaddingSpec,
          stride: tuple[int, int], numbers: bool) -> Animation:
    pad = _symmetric_padding(padding, op)
    out_hw = tuple(shapes.pool_output_size(img.shape[a], size[a], stride[a], pad[a])
                   for a in range(2))  # raises the shape panel's no-output explanation
    pads = ((pad[0], pad[0]), (pad[1], pad[1]))
    geo = shapes.geometry(img.shape, size, pads, stride, 1)
    if geo.out_hw != out_hw:  # pragma: no cover - the two formulas are the same
        raise AssertionError(f"pooling size {out_hw} differs from the window geometry")
    _check_size(_padded_hw(img.shape, pads), geo.out_hw)
    output = engine.pool2d(img, size, stride=stride, mode=op, padding=pad)
    fill = -np.inf if op == "max" else 0.0
    grid = np.pad(img, pads, mode="constant", constant_values=fill)
    kinds, cells = _padded_kinds(img.shape, pads)
    grid_geo = shapes.Geometry(grid.shape, size, ((0, 0), (0, 0)), stride, (1, 1), out_hw)
    name = "max pooling" if op == "max" else "average pooling"
    title = (f"{name}: {_hw(img.shape)} input, {_hw(size)} window{_describe_pads(pads)}"
             f"{_describe_pair('stride', stride, 0)} -> {_hw(out_hw)} output")
    return Animation(op, grid, kinds, cells, None, None, size, grid_geo,
                     np.asarray(output, dtype=np.float64), title, numbers)


def _transposed(img: np.ndarray, k: np.ndarray, padding: PaddingSpec, stride: tuple[int, int],
                dilation: tuple[int, int], output_padding: int | tuple[int, int],
                numbers: bool) -> Animation:
    pad = _symmetric_padding(padding, "transposed")
    if isinstance(output_padding, tuple):
        op_hw = (int(output_padding[0]), int(output_padding[1]))
    else:
        op_hw = (int(output_padding), int(output_padding))
    # The shape panel's explanations (no output, output_padding too large).
    out_hw = tuple(
        shapes.transposed_output_size(img.shape[a], k.shape[a], pad[a], stride[a],
                                      dilation[a], op_hw[a])
        for a in range(2)
    )
    axes = []
    for a in range(2):
        n, s, d, kk = img.shape[a], stride[a], dilation[a], k.shape[a]
        before = d * (kk - 1) - pad[a]  # negative: cropped instead of padded
        length = (n - 1) * s + 1 + 2 * before + op_hw[a]
        upsampled = np.arange(length) - before  # index in the zero-inserted input
        inside = (upsampled >= 0) & (upsampled <= (n - 1) * s)
        on_input = inside & (upsampled % s == 0)
        axes.append((np.where(on_input, upsampled // s, -1), inside))
    grid_hw = (axes[0][0].size, axes[1][0].size)
    geo = shapes.geometry(grid_hw, k.shape, "valid", 1, dilation)
    if geo.out_hw != out_hw:  # pragma: no cover - the equivalence is exact
        raise AssertionError(f"transposed size {out_hw} differs from the window geometry")
    _check_size(grid_hw, geo.out_hw)
    output = engine.conv_transpose2d(img, k, stride=stride, padding=pad,
                                     output_padding=op_hw, dilation=dilation)
    cells = _input_cells(axes[0][0], axes[1][0])
    inside = axes[0][1][:, None] & axes[1][1][None, :]
    kinds = np.where(cells[..., 0] >= 0, INPUT, np.where(inside, INSERTED, PADDING))
    grid = np.zeros(grid_hw)
    on = cells[..., 0] >= 0
    grid[on] = img[cells[..., 0][on], cells[..., 1][on]]
    title = (f"transposed convolution: {_hw(img.shape)} input, {_hw(k.shape)} kernel"
             f"{_describe_pads(((pad[0],) * 2, (pad[1],) * 2))}"
             f"{_describe_pair('stride', stride, 1)}{_describe_pair('dilation', dilation, 1)}"
             f"{_describe_pair('output padding', op_hw, 0)} -> {_hw(out_hw)} output")
    return Animation("transposed", grid, kinds.astype(np.uint8), cells, k, k[::-1, ::-1],
                     geo.kernel_hw, geo, np.asarray(output, dtype=np.float64), title, numbers)
