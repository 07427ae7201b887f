"""Shape arithmetic for convolution, transposed convolution and pooling: the one place it lives.

Per axis, a convolution of an input of length ``n`` with a kernel of length ``k``, padding
``p_before``/``p_after``, stride ``s`` and dilation ``d`` has

    out = ⌊(n + p_before + p_after − d·(k − 1) − 1) / s⌋ + 1

outputs. The engine (:mod:`convgui.engine`), the CLI and the shape panel all call these
functions, so the numbers a user reads are the numbers that are computed. No Qt here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PaddingSpec = str | int | tuple[int, int] | tuple[tuple[int, int], tuple[int, int]]
"""``"valid"``, ``"same"``, ``"full"``, int p, ``(ph, pw)`` or ``((top, bottom), (left, right))``"""

PADDING_NAMES = ("valid", "same", "full")
CHANNEL_MODES = ("per-channel", "sum", "luma")
#: What fills padded cells, with numpy.pad's names.
BOUNDARIES = ("constant", "reflect", "symmetric", "edge", "wrap")


class ShapeError(ValueError):
    """The settings leave no output: the (dilated) kernel does not fit in the padded input."""


def positive_pair(value: int | tuple[int, int], name: str) -> tuple[int, int]:
    """Return ``value`` as an ``(h, w)`` pair of ints ≥ 1, or raise ``ValueError``/``TypeError``."""
    pair = _int_pair(value, name)
    if min(pair) < 1:
        raise ValueError(f"{name} must be ≥ 1, got {_fmt_pair(pair)}")
    return pair


def _int_pair(value: object, name: str) -> tuple[int, int]:
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (h, w), got {one_line_repr(value)}")
        return (_as_int(value[0], name), _as_int(value[1], name))
    v = _as_int(value, name)
    return (v, v)


def _as_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{name} must be an integer, got {one_line_repr(value)}")
    return int(value.__index__())  # type: ignore[attr-defined]


def one_line_repr(value: object, limit: int = 80) -> str:
    """``repr(value)`` for an error message: on one line (an array's repr has several) and at
    most ``limit`` characters."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fmt_pair(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def axis_padding(
    n: int, k: int, padding: str | int | tuple[int, int], stride: int = 1, dilation: int = 1,
    flip: bool = False,
) -> tuple[int, int]:
    """Padding ``(before, after)`` for one axis.

    ``"same"`` gives ⌈n/s⌉ outputs with total padding max((out−1)·s + d·(k−1) + 1 − n, 0); the
    odd extra cell goes after (bottom/right, as PyTorch and TensorFlow do), or before when
    ``flip`` is true (true convolution rotates the anchor with the kernel, as
    ``scipy.signal.convolve2d`` does). ``"full"`` pads d·(k−1) on each side.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0)
        if padding == "full":
            span = dilation * (k - 1)
            return (span, span)
        if padding == "same":
            out = -(-n // stride)
            total = max((out - 1) * stride + dilation * (k - 1) + 1 - n, 0)
            small, large = total // 2, total - total // 2
            return (large, small) if flip else (small, large)
        raise ValueError(
            f"unknown padding {one_line_repr(padding)}: use 'valid', 'same', 'full', an int, "
            "(ph, pw) or ((top, bottom), (left, right))"
        )
    before, after = _int_pair(padding, "padding")
    if before < 0 or after < 0:
        raise ValueError(f"padding must be ≥ 0, got {one_line_repr(padding)}")
    return (before, after)


def resolve_padding(
    in_hw: tuple[int, int], k_hw: tuple[int, int], padding: PaddingSpec,
    stride: tuple[int, int] = (1, 1), dilation: tuple[int, int] = (1, 1), flip: bool = False,
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Explicit ``((top, bottom), (left, right))`` padding for any padding form."""
    if isinstance(padding, str):
        per_axis: tuple = (padding, padding)
    elif isinstance(padding, (list, tuple)):
        if len(padding) != 2:
            raise ValueError(f"padding must have 2 entries (h, w), got {one_line_repr(padding)}")
        nested = [isinstance(p, (list, tuple)) for p in padding]
        if any(nested) and not all(nested):
            raise ValueError(f"padding {one_line_repr(padding)} mixes pairs and single values")
        per_axis = tuple(p if pair else (p, p) for p, pair in zip(padding, nested, strict=True))
    else:
        p = _as_int(padding, "padding")
        per_axis = ((p, p), (p, p))
    return (
        axis_padding(in_hw[0], k_hw[0], per_axis[0], stride[0], dilation[0], flip),
        axis_padding(in_hw[1], k_hw[1], per_axis[1], stride[1], dilation[1], flip),
    )


def conv_output_size(
    n: int, k: int, padding: str | int | tuple[int, int] = 0, stride: int = 1, dilation: int = 1,
) -> int:
    """Outputs along one axis: ⌊(n + p₁ + p₂ − d·(k−1) − 1)/s⌋ + 1; ``ShapeError`` if < 1."""
    n, k, stride, dilation = _check_axis_args(n, k, stride, dilation)
    before, after = axis_padding(n, k, padding, stride, dilation)
    return _axis_out(n, k, before, after, stride, dilation, axis="")


def _check_axis_args(n: int, k: int, stride: int, dilation: int) -> tuple[int, int, int, int]:
    """The four values as Python ints (NumPy integers mixed with huge Python ints overflow),
    each checked to be ≥ 1."""
    values = []
    for name, v in (("input size", n), ("kernel size", k), ("stride", stride),
                    ("dilation", dilation)):
        values.append(_as_int(v, name))
        if values[-1] < 1:
            raise ValueError(f"{name} must be ≥ 1, got {values[-1]}")
    return values[0], values[1], values[2], values[3]


def _axis_out(n: int, k: int, before: int, after: int, s: int, d: int, axis: str) -> int:
    numerator = n + before + after - d * (k - 1) - 1
    if numerator < 0:
        span, padded = d * (k - 1) + 1, n + before + after
        where = f" along {axis}" if axis else ""
        raise ShapeError(
            f"{'dilated ' if d > 1 else ''}kernel spans {span} but the padded input is "
            f"{padded}{where}: {_fix(span - padded, d)}"
        )
    return numerator // s + 1


def _fix(deficit: int, dilation: int) -> str:
    per_side = -(-deficit // 2)
    advice = f"add padding ≥ {per_side} per side"
    return advice + (" or lower the dilation" if dilation > 1 else " or use a smaller kernel")


def output_hw(
    in_hw: tuple[int, int], k_hw: tuple[int, int],
    pads: tuple[tuple[int, int], tuple[int, int]],
    stride: tuple[int, int] = (1, 1), dilation: tuple[int, int] = (1, 1),
) -> tuple[int, int]:
    """Output (H', W') for explicit padding; ``ShapeError`` naming both axes when none exists."""
    spans = [dilation[i] * (k_hw[i] - 1) + 1 for i in range(2)]
    padded = [in_hw[i] + pads[i][0] + pads[i][1] for i in range(2)]
    if spans[0] > padded[0] or spans[1] > padded[1]:
        deficit = max(spans[0] - padded[0], spans[1] - padded[1])
        raise ShapeError(
            f"{'dilated ' if max(dilation) > 1 else ''}kernel spans {spans[0]}×{spans[1]} but "
            f"the padded input is {padded[0]}×{padded[1]}: {_fix(deficit, max(dilation))}"
        )
    return (
        _axis_out(in_hw[0], k_hw[0], *pads[0], stride[0], dilation[0], "height"),
        _axis_out(in_hw[1], k_hw[1], *pads[1], stride[1], dilation[1], "width"),
    )


def formula_text(n: int, k: int, before: int, after: int, stride: int, dilation: int) -> str:
    """The output-size formula with numbers in, e.g. ``⌊(128 + 0 + 0 − 2 − 1)/2⌋ + 1 = 63``.

    When no output exists the text ends in ``< 1`` instead of a number.
    """
    numerator = n + before + after - dilation * (k - 1) - 1
    result = str(numerator // stride + 1) if numerator >= 0 else "no output (< 1)"
    return (
        f"⌊({n} + {before} + {after} − {dilation * (k - 1)} − 1)/{stride}⌋ + 1 = {result}"
    )


def transposed_output_size(
    n: int, k: int, padding: int = 0, stride: int = 1, dilation: int = 1, output_padding: int = 0,
) -> int:
    """Transposed-convolution outputs along one axis (PyTorch's rule).

    (n−1)·s − 2p + d·(k−1) + output_padding + 1, with ``output_padding < max(s, d)``.
    """
    n, k, stride, dilation = _check_axis_args(n, k, stride, dilation)
    p, op = _as_int(padding, "padding"), _as_int(output_padding, "output_padding")
    if p < 0 or op < 0:
        raise ValueError("padding and output_padding must be ≥ 0")
    if op >= max(stride, dilation):
        raise ValueError(
            f"output_padding {op} must be smaller than the stride or the dilation "
            f"(max {max(stride, dilation) - 1})"
        )
    out = (n - 1) * stride - 2 * p + dilation * (k - 1) + op + 1
    if out < 1:
        raise ShapeError(f"padding {p} removes the whole output ({out} < 1): lower the padding")
    return out


def transposed_formula_text(
    n: int, k: int, padding: int, stride: int, dilation: int, output_padding: int = 0,
) -> str:
    """``(i′ − 1)·s′ − 2p′ + d·(k′ − 1) + output_padding + 1`` with numbers substituted."""
    out = (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
    return (
        f"({n} − 1)·{stride} − 2·{padding} + {dilation}·({k} − 1) + {output_padding} + 1 = {out}"
    )


def pool_output_size(n: int, size: int, stride: int | None = None, padding: int = 0) -> int:
    """Pooling outputs along one axis: ⌊(n + 2p − size)/s⌋ + 1, stride defaulting to ``size``."""
    stride = size if stride is None else stride
    n, size, stride, _ = _check_axis_args(n, size, stride, 1)
    p = _as_int(padding, "padding")
    if p < 0:
        raise ValueError(f"padding must be ≥ 0, got {p}")
    numerator = n + 2 * p - size
    if numerator < 0:
        raise ShapeError(
            f"pooling window {size} is larger than the padded input {n + 2 * p}: "
            "use a smaller window or more padding"
        )
    return numerator // stride + 1


def pool_formula_text(n: int, size: int, stride: int, padding: int = 0) -> str:
    """``⌊(n + 2p − size)/s⌋ + 1`` with numbers substituted."""
    numerator = n + 2 * padding - size
    result = str(numerator // stride + 1) if numerator >= 0 else "no output (< 1)"
    return f"⌊({n} + 2·{padding} − {size})/{stride}⌋ + 1 = {result}"


@dataclass(frozen=True)
class LayerShape:
    """What one convolution layer does to a shape, with the arithmetic shown.

    ``out_shape`` is (H', W', C'); ``params`` counts weights and biases; ``macs`` counts
    multiply-adds; ``receptive_field`` is the input extent one output sees; ``formulas`` holds
    the height and width formulas with numbers substituted.
    """

    in_shape: tuple[int, int, int]
    kernel: tuple[int, int]
    filters: int
    pads: tuple[tuple[int, int], tuple[int, int]]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    channels: str
    out_shape: tuple[int, int, int]
    params: int
    macs: int
    receptive_field: tuple[int, int]
    formulas: tuple[str, str]

    def describe(self) -> str:
        """One line such as ``128×128×3 → 126×126×16``."""
        return f"{shape_text(self.in_shape)} → {shape_text(self.out_shape)}"


def shape_text(shape: Sequence[int]) -> str:
    """A shape or size as people write it: ``(128, 128, 3)`` → ``128×128×3``.

    >>> shape_text((3, 5))
    '3×5'
    """
    return "×".join(str(int(v)) for v in shape)


def layer_shape(
    in_shape: tuple[int, int] | tuple[int, int, int], kernel: int | tuple[int, int],
    *, filters: int = 1, padding: PaddingSpec = "valid", stride: int | tuple[int, int] = 1,
    dilation: int | tuple[int, int] = 1, channels: str = "sum", flip: bool = False,
) -> LayerShape:
    """Shape, parameters and multiply-adds of a convolution layer; ``ShapeError`` if no output.

    Channel modes: ``"sum"`` is a CNN layer (each of the K filters spans all C channels:
    C' = K, K·(kh·kw·C + 1) parameters); ``"per-channel"`` applies each filter to every
    channel separately (C' = C·K, K·(kh·kw + 1) parameters); ``"luma"`` filters the
    luminance (C' = K, K·(kh·kw + 1) parameters).
    """
    if len(in_shape) == 2:
        h, w, c = in_shape[0], in_shape[1], 1
    elif len(in_shape) == 3:
        h, w, c = in_shape
    else:
        raise ValueError(f"input shape must be H×W or H×W×C, got {one_line_repr(in_shape)}")
    h, w, c = (_as_int(v, "input size") for v in (h, w, c))
    if min(h, w, c) < 1:
        raise ValueError(f"input sizes must be ≥ 1, got {h}×{w}×{c}")
    k_hw = positive_pair(kernel, "kernel size")
    s_hw = positive_pair(stride, "stride")
    d_hw = positive_pair(dilation, "dilation")
    k_filters = _as_int(filters, "filters")
    if k_filters < 1:
        raise ValueError(f"filters must be ≥ 1, got {k_filters}")
    if channels not in CHANNEL_MODES:
        raise ValueError(
            f"unknown channel mode {one_line_repr(channels)}: use {', '.join(CHANNEL_MODES)}"
        )
    pads = resolve_padding((h, w), k_hw, padding, s_hw, d_hw, flip)
    oh, ow = output_hw((h, w), k_hw, pads, s_hw, d_hw)
    taps = k_hw[0] * k_hw[1]
    if channels == "sum":
        out_c, params, macs = k_filters, k_filters * (taps * c + 1), oh * ow * k_filters * taps * c
    elif channels == "per-channel":
        out_c, params = c * k_filters, k_filters * (taps + 1)
        macs = oh * ow * c * k_filters * taps
    else:
        out_c, params, macs = k_filters, k_filters * (taps + 1), oh * ow * k_filters * taps
    formulas = tuple(
        formula_text(n, k, *p, s, d)
        for n, k, p, s, d in zip((h, w), k_hw, pads, s_hw, d_hw, strict=True)
    )
    return LayerShape(
        in_shape=(h, w, c), kernel=k_hw, filters=k_filters, pads=pads, stride=s_hw,
        dilation=d_hw, channels=channels, out_shape=(oh, ow, out_c), params=params, macs=macs,
        receptive_field=(d_hw[0] * (k_hw[0] - 1) + 1, d_hw[1] * (k_hw[1] - 1) + 1),
        formulas=formulas,  # type: ignore[arg-type]
    )


__all__ = [
    "BOUNDARIES", "CHANNEL_MODES", "PADDING_NAMES", "Geometry", "LayerShape", "PaddingSpec",
    "ShapeError", "axis_padding", "conv_output_size", "formula_text", "geometry", "layer_shape",
    "one_line_repr", "output_hw", "pool_formula_text", "pool_output_size", "positive_pair",
    "resolve_padding", "transposed_formula_text", "transposed_output_size",
]


@dataclass(frozen=True)
class Geometry:
    """Where every output of a convolution looks in the input (input pixel coordinates).

    Output (i, j) reads the taps ``(i·sh − top + a·dh, j·sw − left + b·dw)``; a tap outside
    ``[0, H) × [0, W)`` is a padded cell.
    """

    in_hw: tuple[int, int]
    kernel_hw: tuple[int, int]
    pads: tuple[tuple[int, int], tuple[int, int]]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    out_hw: tuple[int, int]

    @property
    def pads_before(self) -> tuple[int, int]:
        """(top, left): the padded rows above and columns left of the image (output (0, 0)'s
        first tap is input (−top, −left))."""
        return (self.pads[0][0], self.pads[1][0])

    def origin(self, i: int, j: int) -> tuple[int, int]:
        """Input coordinates of the top-left tap of output (i, j)."""
        top, left = self.pads_before
        return (i * self.stride[0] - top, j * self.stride[1] - left)

    def taps(self, i: int, j: int) -> list[tuple[int, int]]:
        """Input coordinates of every tap of output (i, j), row by row (kernel order)."""
        r0, c0 = self.origin(i, j)
        (kh, kw), (dh, dw) = self.kernel_hw, self.dilation
        return [(r0 + a * dh, c0 + b * dw) for a in range(kh) for b in range(kw)]

    def contributors(self, r: int, c: int) -> list[tuple[int, int]]:
        """Every output (i, j) whose window reads input cell (r, c) (padded cells allowed)."""
        return [
            (i, j)
            for i in self._axis_contributors(r, 0)
            for j in self._axis_contributors(c, 1)
        ]

    def _axis_contributors(self, x: int, axis: int) -> list[int]:
        s, d, k = self.stride[axis], self.dilation[axis], self.kernel_hw[axis]
        before, n_out = self.pads[axis][0], self.out_hw[axis]
        return [
            i for i in range(n_out)
            if any(i * s - before + a * d == x for a in range(k))
        ]

    def output_rect(self) -> tuple[float, float, float, float]:
        """``(x, y, width, height)`` that draws each output pixel over the centre of its
        receptive field, one stride wide, in pixel-edge coordinates (input pixel (r, c) covers
        ``[c, c+1] × [r, r+1]``)."""
        (sh, sw), (dh, dw) = self.stride, self.dilation
        (kh, kw), (top, left) = self.kernel_hw, self.pads_before
        x = -left + dw * (kw - 1) / 2 + 0.5 - sw / 2
        y = -top + dh * (kh - 1) / 2 + 0.5 - sh / 2
        return (x, y, self.out_hw[1] * sw, self.out_hw[0] * sh)


def geometry(
    in_hw: tuple[int, int], kernel_hw: tuple[int, int], padding: PaddingSpec = "valid",
    stride: int | tuple[int, int] = 1, dilation: int | tuple[int, int] = 1, flip: bool = False,
) -> Geometry:
    """The :class:`Geometry` of a convolution; ``ShapeError`` when there is no output."""
    s, d = positive_pair(stride, "stride"), positive_pair(dilation, "dilation")
    k = positive_pair(kernel_hw, "kernel size")
    pads = resolve_padding(in_hw, k, padding, s, d, flip)
    return Geometry(tuple(in_hw), k, pads, s, d, output_hw(in_hw, k, pads, s, d))


@dataclass(frozen=True)
class StrideOne:
    """A strided convolution as a stride-1 one and every s-th of its outputs: output (i, j)
    of the strided call is output ``origin + (i·sh, j·sw)`` of ``geometry`` (stride 1, its
    top and left pads are its ``anchor``); ``outputs`` indexes them all in its result (a
    view)."""

    geometry: Geometry
    anchor: tuple[int, int]
    origin: tuple[int, int]
    outputs: tuple[slice, slice]


def stride_one(geo: Geometry) -> StrideOne:
    """The stride-1 convolution whose every s-th output is ``geo``'s, as large as the input
    where ``geo``'s outputs then lie within it (the bottom and right pads chosen so),
    anchored at the kernel's centre where that fits too (OpenCV halves a symmetric kernel's
    products only about its anchor, and a 'same' call at stride 2 has an odd total pad),
    else at ``geo``'s own top/left pad; otherwise ``geo``'s pads at stride 1, origin (0, 0)."""
    def every_stride(origin: tuple[int, int]) -> tuple[slice, slice]:
        return tuple(slice(o, o + (n - 1) * step + 1, step)  # type: ignore[return-value]
                     for o, n, step in zip(origin, geo.out_hw, geo.stride, strict=True))

    picks = []
    for axis in (0, 1):
        top = geo.pads[axis][0]
        span = geo.dilation[axis] * (geo.kernel_hw[axis] - 1) + 1
        last = (geo.out_hw[axis] - 1) * geo.stride[axis]  # the last output's first tap, from top
        fits = [anchor for anchor in (span // 2, top)
                if top <= anchor <= span - 1 and last + anchor - top <= geo.in_hw[axis] - 1]
        if not fits:
            one = geometry(geo.in_hw, geo.kernel_hw, geo.pads, 1, geo.dilation)
            return StrideOne(one, geo.pads_before, (0, 0), every_stride((0, 0)))
        picks.append((fits[0], fits[0] - top, span - 1 - fits[0]))
    (ay, oy, by), (ax, ox, bx) = picks
    one = geometry(geo.in_hw, geo.kernel_hw, ((ay, by), (ax, bx)), 1, geo.dilation)
    return StrideOne(one, (ay, ax), (oy, ox), every_stride((oy, ox)))


# ----------------------------------------------------------------------------------------------
# Shape chains: what a stack of layers does to a shape, step by step

ACTIVATION_LABELS = {"none": "identity", "relu": "ReLU", "abs": "|x|"}
"""Activation modes (as :data:`convgui.engine.ACTIVATIONS`) and how a chain prints them."""
POOL_MODES = ("max", "avg")


@dataclass(frozen=True)
class ConvStep:
    """A convolution layer of ``filters`` filters, ``kernel`` n or (kh, kw).

    ``channels`` as :func:`layer_shape`: ``"sum"`` (a CNN layer, each filter spans all input
    channels), ``"per-channel"`` or ``"luma"``. ``padding`` takes any :data:`PaddingSpec`.
    """

    filters: int
    kernel: int | tuple[int, int]
    stride: int | tuple[int, int] = 1
    padding: PaddingSpec = "valid"
    dilation: int | tuple[int, int] = 1
    channels: str = "sum"


@dataclass(frozen=True)
class ActivationStep:
    """An element-wise activation: ``"relu"``, ``"abs"`` or ``"none"``; the shape is kept."""

    mode: str = "relu"

    def __post_init__(self) -> None:
        if self.mode not in ACTIVATION_LABELS:
            raise ValueError(
                f"unknown activation {one_line_repr(self.mode)}: use {', '.join(ACTIVATION_LABELS)}"
            )


@dataclass(frozen=True)
class PoolStep:
    """Max or average pooling: windows of ``size`` moved by ``stride`` (default ``size``)."""

    size: int | tuple[int, int]
    stride: int | tuple[int, int] | None = None
    mode: str = "max"
    padding: int | tuple[int, int] = 0

    def __post_init__(self) -> None:
        _check_pool_mode(self.mode)


@dataclass(frozen=True)
class GlobalPoolStep:
    """Max or average over all of H and W: H×W×C → 1×1×C."""

    mode: str = "max"

    def __post_init__(self) -> None:
        _check_pool_mode(self.mode)


@dataclass(frozen=True)
class TransposedStep:
    """A transposed-convolution layer (PyTorch's ``ConvTranspose2d``) of ``filters`` filters,
    each spanning all input channels; sizes from :func:`transposed_output_size`."""

    kernel: int | tuple[int, int]
    stride: int | tuple[int, int] = 1
    padding: int | tuple[int, int] = 0
    output_padding: int | tuple[int, int] = 0
    dilation: int | tuple[int, int] = 1
    filters: int = 1


ChainStep = ConvStep | ActivationStep | PoolStep | GlobalPoolStep | TransposedStep


@dataclass(frozen=True)
class ChainLink:
    """The result of one step of a chain.

    ``label`` as :func:`chain_text` prints it (e.g. ``"conv 16×(3×3×3), s2"``), ``shape`` the
    (H, W, C) after the step, ``params`` its weights and biases, ``formula`` the output-size
    arithmetic with numbers substituted (one formula when height and width give the same
    text, else ``"H: …; W: …"``), or None for steps that keep H and W.
    """

    label: str
    shape: tuple[int, int, int]
    params: int
    formula: str | None


def _check_pool_mode(mode: str) -> None:
    if mode not in POOL_MODES:
        raise ValueError(f"unknown pooling mode {one_line_repr(mode)}: use {', '.join(POOL_MODES)}")


def _nonneg_int_pair(value: object, name: str) -> tuple[int, int]:
    pair = _int_pair(value, name)
    if min(pair) < 0:
        raise ValueError(f"{name} must be ≥ 0, got {_fmt_pair(pair)}")
    return pair


def _chain_input(in_shape: object) -> tuple[int, int, int]:
    if not isinstance(in_shape, (tuple, list)) or len(in_shape) not in (2, 3):
        raise ValueError(f"input shape must be H×W or H×W×C, got {one_line_repr(in_shape)}")
    values = tuple(_as_int(v, "input size") for v in in_shape)
    if min(values) < 1:
        raise ValueError(f"input sizes must be ≥ 1, got {shape_text(values)}")
    return values if len(values) == 3 else (*values, 1)  # type: ignore[return-value]


def _padding_label(padding: PaddingSpec) -> str:
    """``""`` for no padding, ``", same"``/``", full"``, ``", p1"``, ``", p(1, 2)"`` or
    ``", p((1, 0), (2, 1))"``."""
    if isinstance(padding, str):
        return "" if padding == "valid" else f", {padding}"
    if isinstance(padding, (tuple, list)):
        flat = [v for p in padding for v in (p if isinstance(p, (tuple, list)) else (p,))]
        if all(v == 0 for v in flat):
            return ""
        if all(not isinstance(p, (tuple, list)) for p in padding):
            return f", p{_fmt_pair(tuple(padding))}"  # type: ignore[arg-type]
        return f", p{tuple(tuple(p) if isinstance(p, (tuple, list)) else p for p in padding)}"
    return "" if padding == 0 else f", p{padding}"


def _option_label(prefix: str, pair: tuple[int, int], default: tuple[int, int]) -> str:
    return "" if pair == default else f", {prefix}{_fmt_pair(pair)}"


def step_label(step: ChainStep, in_channels: int) -> str:
    """How :func:`chain_text` prints ``step`` for an input of ``in_channels`` channels, e.g.
    ``"conv 16×(3×3×3), s2"``, ``"ReLU"``, ``"max-pool 2×2"``, ``"convT 1×(3×3), s2"``."""
    if isinstance(step, ConvStep):
        kh, kw = positive_pair(step.kernel, "kernel size")
        if step.channels == "sum":
            text = f"conv {step.filters}×({kh}×{kw}×{in_channels})"
        elif step.channels == "per-channel":
            text = f"conv {step.filters}×({kh}×{kw}) per channel"
        else:
            text = f"conv {step.filters}×({kh}×{kw}) on luma"
        return (
            text + _option_label("s", positive_pair(step.stride, "stride"), (1, 1))
            + _option_label("d", positive_pair(step.dilation, "dilation"), (1, 1))
            + _padding_label(step.padding)
        )
    if isinstance(step, ActivationStep):
        return ACTIVATION_LABELS[step.mode]
    if isinstance(step, PoolStep):
        win = positive_pair(step.size, "pool size")
        stride = win if step.stride is None else positive_pair(step.stride, "pool stride")
        return (
            f"{step.mode}-pool {win[0]}×{win[1]}" + _option_label("s", stride, win)
            + _option_label("p", _nonneg_int_pair(step.padding, "pool padding"), (0, 0))
        )
    if isinstance(step, GlobalPoolStep):
        return f"global {step.mode}-pool"
    if isinstance(step, TransposedStep):
        kh, kw = positive_pair(step.kernel, "kernel size")
        return (
            f"convT {step.filters}×({kh}×{kw})"
            + _option_label("s", positive_pair(step.stride, "stride"), (1, 1))
            + _option_label("d", positive_pair(step.dilation, "dilation"), (1, 1))
            + _option_label("p", _nonneg_int_pair(step.padding, "padding"), (0, 0))
            + _option_label("op", _nonneg_int_pair(step.output_padding, "output_padding"),
                            (0, 0))
        )
    raise TypeError(f"not a chain step: {one_line_repr(step)}")


def _axes_formula(formulas: tuple[str, str] | list[str]) -> str:
    return formulas[0] if formulas[0] == formulas[1] else f"H: {formulas[0]}; W: {formulas[1]}"


def _apply_step(
    step: ChainStep, shape: tuple[int, int, int],
) -> tuple[tuple[int, int, int], int, str | None]:
    """(shape after, parameters, formula) of one step."""
    h, w, c = shape
    if isinstance(step, ConvStep):
        layer = layer_shape(
            shape, step.kernel, filters=step.filters, padding=step.padding, stride=step.stride,
            dilation=step.dilation, channels=step.channels,
        )
        return layer.out_shape, layer.params, _axes_formula(layer.formulas)
    if isinstance(step, ActivationStep):
        return shape, 0, None
    if isinstance(step, PoolStep):
        win = positive_pair(step.size, "pool size")
        stride = win if step.stride is None else positive_pair(step.stride, "pool stride")
        pad = _nonneg_int_pair(step.padding, "pool padding")
        out = [pool_output_size(n, win[i], stride[i], pad[i]) for i, n in enumerate((h, w))]
        formulas = [pool_formula_text(n, win[i], stride[i], pad[i]) for i, n in enumerate((h, w))]
        return (out[0], out[1], c), 0, _axes_formula(formulas)
    if isinstance(step, GlobalPoolStep):
        return (1, 1, c), 0, None
    if isinstance(step, TransposedStep):
        k = positive_pair(step.kernel, "kernel size")
        s = positive_pair(step.stride, "stride")
        d = positive_pair(step.dilation, "dilation")
        p = _nonneg_int_pair(step.padding, "padding")
        op = _nonneg_int_pair(step.output_padding, "output_padding")
        filters = _as_int(step.filters, "filters")
        if filters < 1:
            raise ValueError(f"filters must be ≥ 1, got {filters}")
        out = [
            transposed_output_size(n, k[i], p[i], s[i], d[i], op[i])
            for i, n in enumerate((h, w))
        ]
        formulas = [
            transposed_formula_text(n, k[i], p[i], s[i], d[i], op[i])
            for i, n in enumerate((h, w))
        ]
        return (out[0], out[1], filters), filters * (k[0] * k[1] * c + 1), _axes_formula(formulas)
    raise TypeError(f"not a chain step: {one_line_repr(step)}")


def shape_chain(
    in_shape: tuple[int, int] | tuple[int, int, int], steps: list[ChainStep] | tuple,
) -> list[ChainLink]:
    """One :class:`ChainLink` per step (the input itself is not a link), each step fed the
    shape the previous one produced. An (H, W) input has one channel.

    Raises :class:`ShapeError` (or ValueError/TypeError for bad settings) naming the step that
    fails, e.g. ``step 3 (max-pool 2×2): pooling window 2 is larger than the padded input 1:
    …``.
    """
    shape = _chain_input(in_shape)
    links = []
    for n, step in enumerate(steps, start=1):
        label = type(step).__name__
        try:
            label = step_label(step, shape[2])
            out, params, formula = _apply_step(step, shape)
        except ShapeError as err:
            raise ShapeError(f"step {n} ({label}): {err}") from err
        except (ValueError, TypeError) as err:
            raise type(err)(f"step {n} ({label}): {err}") from err
        links.append(ChainLink(label, out, params, formula))
        shape = out
    return links


def chain_text(
    in_shape: tuple[int, int] | tuple[int, int, int], steps: list[ChainStep] | tuple,
) -> str:
    """The chain on one line, e.g.
    ``128×128×3 → conv 16×(3×3×3), s2 → 63×63×16 → ReLU → max-pool 2×2 → 31×31×16``.

    The shape is printed after every convolution and after any other step that changes it.
    """
    shape = _chain_input(in_shape)
    parts = [shape_text(shape)]
    for step, link in zip(steps, shape_chain(shape, steps), strict=True):
        parts.append(link.label)
        if isinstance(step, (ConvStep, TransposedStep)) or link.shape != shape:
            parts.append(shape_text(link.shape))
        shape = link.shape
    return " → ".join(parts)


def chain_params(
    in_shape: tuple[int, int] | tuple[int, int, int], steps: list[ChainStep] | tuple,
) -> int:
    """Total weights and biases of the chain."""
    return sum(link.params for link in shape_chain(in_shape, steps))


__all__ += [
    "ACTIVATION_LABELS", "POOL_MODES", "ActivationStep", "ChainLink", "ChainStep", "ConvStep",
    "GlobalPoolStep", "PoolStep", "TransposedStep", "chain_params", "chain_text", "shape_chain",
    "step_label",
]
