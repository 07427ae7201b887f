"""The ``convgui`` command: the window, and three commands that need no window.

``convgui``                       open the window (``--image``, ``--kernel``, ``--screenshot``)
``convgui apply IN -o OUT ...``   convolve an image file and save the result (PNG, .npy, .tif)
``convgui shape 128x128x3 ...``   output shape, formulas, parameters and multiply-adds of a layer
``convgui kernels``               the kernel library and the kernel generators
``convgui presets ...``           list, show, export, import and delete kernel presets

Every failure is one line on stderr, ``convgui: error: ...``, and exit status 2 (1 when the window
cannot start, 130 on Ctrl+C); never a traceback, never a partial output file. Only the window
imports Qt, and only when it is opened, so ``convgui apply`` works on machines without a display.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from convgui import __version__, display, kernels, shapes, textgrid
from convgui.atomic import describe_os_error, quote_path
from convgui.imageio import SAVE_EXTENSIONS, load_image, save_output
from convgui.settings import DISPLAY_MODES, is_finite_number
from convgui.shapes import BOUNDARIES, CHANNEL_MODES, PADDING_NAMES, PaddingSpec

__all__ = ["APPLY_DEFAULTS", "KernelChoice", "main", "resolve_kernel", "resolve_kernel_choice"]

PROG = "convgui"
GRID_EXAMPLE = '"1 2 1; 2 4 2; 1 2 1"'
#: ``convgui apply``'s defaults for the options a preset file may also set (the command line
#: wins, then the file, then these).
APPLY_DEFAULTS: dict[str, Any] = {
    "bias": 0.0, "padding": "valid", "stride": 1, "dilation": 1, "boundary": "constant",
    "cval": 0.0, "flip": False, "channels": "per-channel", "display": "auto",
}
_SPLIT = re.compile(r"\s*[,x×X*]\s*|\s+")


class CLIError(ValueError):
    """A user error with a one-line message (exit status 2)."""


# ----------------------------------------------------------------------------------------------
# Kernels


@dataclass(frozen=True)
class KernelChoice:
    """What ``--kernel`` named: the grid, its divisor, and any settings a preset file saved
    with it (keys of :data:`APPLY_DEFAULTS`, as :class:`convgui.settings.Settings` stores them)."""

    grid: np.ndarray
    divisor: float = 1.0
    settings: dict[str, Any] = field(default_factory=dict)


def resolve_kernel(spec: str) -> tuple[np.ndarray, float]:
    """The kernel grid and divisor that ``--kernel spec`` names; the kernel is ``grid / divisor``.

    See :func:`resolve_kernel_choice`, which also returns the settings saved in a preset file.
    """
    choice = resolve_kernel_choice(spec)
    return choice.grid, choice.divisor


def resolve_kernel_choice(spec: str) -> KernelChoice:
    """Resolve ``--kernel spec``. Tried in order:

    1. a library name (:func:`convgui.kernels.get`, tolerant of case, ``_`` and spaces);
    2. a preset name, yours or built-in (see ``convgui presets list``): exactly, else ignoring
       case when only one preset matches; a full preset brings its saved settings too;
    3. a file: ``*.json`` holding a list of rows, ``{"kernel": rows, "divisor": n, ...}`` (a
       ConvGUI preset file, a :meth:`convgui.settings.Settings.to_dict` object, or either
       with the settings under ``"settings"``); any other existing file is read as grid text;
    4. a generator call ``NAME:V1,V2`` or ``NAME:param=V,...`` (``gaussian:7,2.0``);
    5. grid text for :func:`convgui.textgrid.parse_grid` (``"1 2 1; 2 4 2; 1 2 1"``).

    Raises ``ValueError`` with a one-line message; an unknown name gets the library's
    "did you mean" suggestion (and similar preset names).
    """
    if not isinstance(spec, str) or not spec.strip():
        raise CLIError(
            f"the kernel is empty: give a library name, a preset name, a .json file or "
            f"{GRID_EXAMPLE}"
        )
    text = spec.strip()
    try:
        named = kernels.get(text)
    except ValueError as exc:
        name_error = exc
    else:
        return KernelChoice(np.array(named.grid, dtype=np.float64), float(named.divisor))

    preset_names, preset = _find_preset(spec)
    if preset is not None:
        return _preset_choice(preset)
    path = Path(text)
    if path.suffix.lower() == ".json" or _is_file(path):
        return _kernel_from_file(path)
    generator = _generator_kernel(text)
    if generator is not None:
        return KernelChoice(generator)
    similar = "" if "did you mean" in str(name_error) else _similar_presets(text, preset_names)
    if re.fullmatch(r"[A-Za-z_][\w\- ]*", text):  # a name, not numbers: the library's message
        raise CLIError(f"{name_error}{similar}; see 'convgui kernels' and 'convgui presets list'")
    try:
        grid = textgrid.parse_grid(text)
    except ValueError as exc:
        raise CLIError(f"cannot read kernel {_short(text)}: {exc}{similar}") from None
    return KernelChoice(_check_grid(grid, f"kernel {_short(text)}"))


def _find_preset(spec: str) -> tuple[list[str], Any]:
    """(every preset name, the preset ``spec`` names or ``None``): an exact name (as given or
    without surrounding spaces), else the only name equal to it ignoring case."""
    from convgui.presets import PresetStore  # imports the engine (SciPy): only when needed

    store = PresetStore()
    presets = {p.name: p for p in store.list()[0]}
    for candidate in (spec, spec.strip()):
        if candidate in presets:
            return list(presets), presets[candidate]
    folded = spec.strip().casefold()
    matches = [name for name in presets if name.casefold() == folded]
    return list(presets), presets[matches[0]] if len(matches) == 1 else None


def _similar_presets(text: str, names: list[str]) -> str:
    """``"; presets with a similar name: 'A', 'B'"``, or ``""``."""
    import difflib

    by_fold: dict[str, str] = {}
    for name in names:
        by_fold.setdefault(name.casefold(), name)
    close = difflib.get_close_matches(text.casefold(), list(by_fold), n=3, cutoff=0.75)
    if not close:
        return ""
    return "; presets with a similar name: " + ", ".join(repr(by_fold[c]) for c in close)


def _preset_choice(preset: Any) -> KernelChoice:
    """The grid, divisor and settings (bias, and all the others for a full preset) of a
    :class:`convgui.presets.Preset`."""
    settings: dict[str, Any] = {"bias": preset.bias}
    if preset.settings is not None:
        settings.update({k: v for k, v in preset.settings.items() if k in APPLY_DEFAULTS})
    return KernelChoice(np.array(preset.kernel, dtype=np.float64), float(preset.divisor),
                        settings)


def _short(text: str, limit: int = 40) -> str:
    one_line = " ".join(text.split())
    return repr(one_line if len(one_line) <= limit else one_line[: limit - 1] + "…")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _kernel_from_file(path: Path) -> KernelChoice:
    shown = quote_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CLIError(f"cannot read kernel file {shown}: not a text file") from None
    except OSError as exc:
        raise CLIError(
            f"cannot read kernel file {shown}: {describe_os_error(exc, reading=True)}"
        ) from None
    if path.suffix.lower() != ".json":
        try:
            grid = textgrid.parse_grid(text)
        except ValueError as exc:
            raise CLIError(f"cannot read kernel file {shown}: {exc}") from None
        return KernelChoice(_check_grid(grid, f"kernel file {shown}"))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CLIError(
            f"cannot read kernel file {shown}: invalid JSON ({exc.msg}, line {exc.lineno})"
        ) from None
    return _kernel_from_json(data, shown)


def _kernel_from_json(data: Any, shown: str) -> KernelChoice:
    where = f"kernel file {shown}"
    if isinstance(data, list):
        return KernelChoice(_check_grid(data, where))
    nested = data.get("settings") if isinstance(data, dict) else None
    if nested is not None and not isinstance(nested, dict):
        raise CLIError(f"cannot use {where}: \"settings\" must be an object")
    nested = nested or {}
    source = data if isinstance(data, dict) and "kernel" in data else nested
    if "kernel" not in source:
        raise CLIError(
            f"cannot use {where}: expected a list of rows or an object with a \"kernel\" entry"
        )
    rows = source["kernel"]
    if isinstance(rows, str):
        try:
            rows = textgrid.parse_grid(rows)
        except ValueError as exc:
            raise CLIError(f"cannot use {where}: kernel: {exc}") from None
    divisor = source.get("divisor", 1)
    if isinstance(divisor, str):
        try:
            divisor = textgrid.parse_number(divisor)
        except ValueError as exc:
            raise CLIError(f"cannot use {where}: divisor: {exc}") from None
    if isinstance(divisor, bool) or not isinstance(divisor, (int, float)):
        raise CLIError(f"cannot use {where}: divisor must be a number, got {divisor!r}")
    _check_divisor(divisor, where)
    grid = _check_grid(rows, where)
    saved = {k: v for k, v in {**nested, **data}.items() if k in APPLY_DEFAULTS}
    return KernelChoice(grid, float(divisor), _saved_settings(saved, where))


def _saved_settings(saved: dict[str, Any], where: str) -> dict[str, Any]:
    """The settings a preset file holds, validated and normalised by :class:`Settings`."""
    if not saved:
        return {}
    from convgui.settings import Settings  # imports the engine (SciPy): only for preset files

    try:
        settings = Settings.from_dict({"kernel": [[1]], **saved})
    except (ValueError, TypeError) as exc:
        raise CLIError(f"cannot use {where}: {_one_line(exc)}") from None
    return {key: getattr(settings, key) for key in saved}


def _check_grid(rows: Any, where: str) -> np.ndarray:
    """Rows of finite numbers, all the same length, as a float64 array (else CLIError)."""
    if not isinstance(rows, (list, tuple)) or not rows:
        raise CLIError(f"cannot use {where}: the kernel must be a non-empty list of rows")
    width = None
    for r, row in enumerate(rows, start=1):
        if not isinstance(row, (list, tuple)) or not row:
            raise CLIError(f"cannot use {where}: row {r} must be a non-empty list of numbers")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise CLIError(f"cannot use {where}: row {r} has {len(row)} values, expected {width}")
        for c, v in enumerate(row, start=1):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise CLIError(f"cannot use {where}: row {r}, column {c} is not a number")
            if not is_finite_number(v):
                raise CLIError(f"cannot use {where}: row {r}, column {c}: NaN/inf not allowed")
    return np.array(rows, dtype=np.float64)


def _check_divisor(divisor: float, where: str) -> None:
    if divisor == 0 or not is_finite_number(divisor):
        raise CLIError(f"cannot use {where}: the divisor must be a finite number other than 0")


def _generator_kernel(text: str) -> np.ndarray | None:
    """``NAME:ARGS`` for a generator, or None when ``text`` does not look like one."""
    match = re.fullmatch(r"([A-Za-z][\w\- ]*?)\s*:\s*(.*)", text, re.DOTALL)
    if match is None:
        return None
    name = match.group(1).strip().lower().replace("-", "_").replace(" ", "_")
    spec = kernels.GENERATORS.get(name)
    if spec is None:
        import difflib

        close = difflib.get_close_matches(name, kernels.GENERATORS, n=2, cutoff=0.6)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        raise CLIError(
            f"unknown kernel generator {match.group(1).strip()!r}; {hint}"
            f"generators: {', '.join(kernels.GENERATORS)}; see 'convgui kernels'"
        )
    params: dict[str, float] = {}
    order = [p.name for p in spec.params]
    args = [a.strip() for a in match.group(2).split(",")] if match.group(2).strip() else []
    for i, arg in enumerate(args):
        key, sep, value = arg.partition("=")
        if sep:
            key = key.strip()
        elif i < len(order):
            key, value = order[i], arg
        else:
            raise CLIError(
                f"kernel generator {name} takes at most {len(order)} values "
                f"({', '.join(order)}), got {len(args)}"
            )
        try:
            params[key] = textgrid.parse_number(value)
        except ValueError as exc:
            raise CLIError(f"kernel generator {name}: {key}: {exc}") from None
    if name == "box" and "h" in params and "w" not in params:
        params["w"] = params["h"]  # "box:5" is 5×5, as kernels.box(5)
    try:
        return np.asarray(spec.make(**params), dtype=np.float64)
    except ValueError as exc:
        raise CLIError(f"kernel generator {name}: {exc}") from None


# ----------------------------------------------------------------------------------------------
# Option values (argparse ``type=`` functions; their errors become one usage line)


def _ints(text: str, what: str) -> list[int]:
    parts = [p for p in _SPLIT.split(text.strip()) if p]
    if not parts:
        raise argparse.ArgumentTypeError(f"{what}: empty value")
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{what}: {text!r} is not whole numbers") from None


def padding_arg(text: str) -> PaddingSpec:
    """``valid``, ``same``, ``full``, ``P``, ``PH,PW`` or ``T,B,L,R``."""
    word = text.strip().lower()
    if word in PADDING_NAMES:
        return word
    usage = "use valid, same, full, P, PH,PW or T,B,L,R (whole numbers ≥ 0)"
    try:
        values = _ints(text, "padding")
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"bad padding {text!r}: {usage}") from None
    if len(values) not in (1, 2, 4) or min(values) < 0:
        raise argparse.ArgumentTypeError(f"bad padding {text!r}: {usage}")
    if len(values) == 1:
        return values[0]
    if len(values) == 2:
        return (values[0], values[1])
    return ((values[0], values[1]), (values[2], values[3]))


def _pair_arg(name: str, minimum: int = 1):
    def parse(text: str) -> int | tuple[int, int]:
        values = _ints(text, name)
        if len(values) not in (1, 2):
            raise argparse.ArgumentTypeError(
                f"bad {name} {text!r}: give one number or two (H,W)"
            )
        if min(values) < minimum:
            raise argparse.ArgumentTypeError(f"{name} must be ≥ {minimum}, got {text!r}")
        return values[0] if len(values) == 1 else (values[0], values[1])

    parse.__name__ = name  # argparse names the type in its messages
    return parse


def number_arg(text: str) -> float:
    """A finite number; fractions such as ``1/16`` are allowed."""
    try:
        return textgrid.parse_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def shape_arg(text: str) -> tuple[int, int, int]:
    """``128x128x3``, ``128×128×3`` or ``128x128`` (one channel)."""
    values = _ints(text, "shape")
    if len(values) not in (2, 3) or min(values) < 1:
        raise argparse.ArgumentTypeError(
            f"bad shape {text!r}: use HxW or HxWxC with whole numbers ≥ 1, e.g. 128x128x3"
        )
    return (values[0], values[1], values[2] if len(values) == 3 else 1)


def positive_int(text: str) -> int:
    values = _ints(text, "value")
    if len(values) != 1 or values[0] < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, got {text!r}")
    return values[0]


def nonneg_int(text: str) -> int:
    values = _ints(text, "value")
    if len(values) != 1 or values[0] < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0, got {text!r}")
    return values[0]


# ----------------------------------------------------------------------------------------------
# Formatting


def _fmt_shape(shape: Sequence[int]) -> str:
    return "×".join(str(int(v)) for v in shape)


def _fmt_pair(value: int | tuple[int, int]) -> str:
    pair = shapes.positive_pair(value, "value")
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]},{pair[1]}"


def _fmt_padding(padding: PaddingSpec) -> str:
    """``valid``/``same``/``full``, or ``padding P``, ``padding PH,PW``, ``padding T,B,L,R``."""
    if isinstance(padding, str):
        return padding
    if isinstance(padding, int):
        return f"padding {padding}"
    if isinstance(padding[0], int):
        (top, bottom), (left, right) = (padding[0],) * 2, (padding[1],) * 2
    else:
        (top, bottom), (left, right) = padding  # type: ignore[misc]
    if top == bottom and left == right:
        return f"padding {top}" if top == left else f"padding {top},{left}"
    return f"padding {top},{bottom},{left},{right}"


def _fmt_number(value: float) -> str:
    return textgrid.format_number(value)


def _fmt_seconds(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


# ----------------------------------------------------------------------------------------------
# Commands


def cmd_apply(args: argparse.Namespace) -> int:
    """Convolve one image file and save the result."""
    out_ext = Path(args.output).suffix.lower()
    if out_ext not in SAVE_EXTENSIONS:
        shown = f"'{out_ext}'" if out_ext else "none"
        raise CLIError(
            f"cannot write {quote_path(args.output)}: unsupported file type {shown}; "
            f"supported: {', '.join(SAVE_EXTENSIONS)}"
        )
    folder = os.path.dirname(os.path.abspath(args.output))
    if not os.path.isdir(folder):
        raise CLIError(f"cannot write {quote_path(args.output)}: the folder does not exist")

    choice = resolve_kernel_choice(args.kernel)
    divisor = choice.divisor
    if args.divisor is not None:
        divisor = args.divisor
        _check_divisor(divisor, "--divisor")
    kernel = choice.grid / divisor
    # The command line wins, then what a preset file saved, then the defaults.
    opt = {
        key: getattr(args, key) if getattr(args, key) is not None
        else choice.settings.get(key, default)
        for key, default in APPLY_DEFAULTS.items()
    }

    image = load_image(args.input)
    from convgui.engine import prepare  # SciPy: imported only when a convolution is asked for

    started = time.perf_counter()
    job = prepare(
        image.data, kernel, padding=opt["padding"], stride=opt["stride"],
        dilation=opt["dilation"], boundary=opt["boundary"], cval=opt["cval"], flip=opt["flip"],
        channels=opt["channels"], bias=opt["bias"],
    )
    if out_ext in (".tif", ".tiff") and len(job.out_shape) == 3:
        raise CLIError(
            f"cannot write {quote_path(args.output)}: a 32-bit TIFF holds one channel, the "
            f"result has {job.out_shape[2]}; use .npy, or --channels luma or sum"
        )
    result = job.run()
    seconds = time.perf_counter() - started

    rendered = None
    if out_ext == ".png":
        mode = display.suggest_mode(kernel) if opt["display"] == "auto" else opt["display"]
        rendered = _with_alpha(display.to_uint8(result, mode, image.value_range), image)
    save_output(args.output, result, rendered)

    detail = f"{_fmt_padding(opt['padding'])}, stride {_fmt_pair(opt['stride'])}"
    if shapes.positive_pair(opt["dilation"], "dilation") != (1, 1):
        detail += f", dilation {_fmt_pair(opt['dilation'])}"
    print(
        f"{args.input} {_fmt_shape(image.data.shape)} → {_fmt_shape(result.shape)} "
        f"({detail}) in {_fmt_seconds(seconds)} → {args.output}"
    )
    return 0


def _with_alpha(rendered: np.ndarray, image: Any) -> np.ndarray:
    """``rendered`` (uint8) with the input's alpha channel added back when the output has the
    input's height and width (stride 1 with 'same' padding, a 1×1 kernel, ...); otherwise, or
    without alpha, unchanged: the alpha is dropped, it cannot be resized to fit."""
    alpha = image.alpha
    if alpha is None or rendered.shape[:2] != alpha.shape:
        return rendered
    lo, hi = image.value_range
    alpha8 = np.clip(np.rint((alpha - lo) * (255.0 / (hi - lo))), 0, 255).astype(np.uint8)
    planes = rendered if rendered.ndim == 3 else rendered[:, :, None]
    return np.concatenate([planes, alpha8[:, :, None]], axis=2)


def cmd_shape(args: argparse.Namespace) -> int:
    """Print what a convolution layer does to a shape."""
    h, w, c = args.input_shape
    kernel = args.kernel
    k_hw = shapes.positive_pair(kernel, "kernel size")
    k_count = args.filters
    lines: list[str] = []
    if args.transposed:
        padding = 0 if args.padding == "valid" else args.padding
        if isinstance(padding, int):
            p_hw = (padding, padding)
        elif isinstance(padding, tuple) and isinstance(padding[0], int):
            p_hw = padding
        else:
            raise CLIError("--transposed needs --padding P or PH,PW (whole numbers ≥ 0)")
        s_hw = shapes.positive_pair(args.stride, "stride")
        d_hw = shapes.positive_pair(args.dilation, "dilation")
        op_hw = (args.output_padding, args.output_padding)
        out_hw = tuple(
            shapes.transposed_output_size(n, k, p, s, d, op)
            for n, k, p, s, d, op in zip((h, w), k_hw, p_hw, s_hw, d_hw, op_hw, strict=True)
        )
        out_c = _out_channels(c, k_count, args.channels)
        out_shape = (*out_hw, out_c)
        lines.append(f"{_fmt_shape((h, w, c))} → {_fmt_shape(out_shape)} (transposed)")
        for label, n, k, p, s, d, op in zip(
            ("height: ", "width:  "), (h, w), k_hw, p_hw, s_hw, d_hw, op_hw, strict=True
        ):
            lines.append(label + shapes.transposed_formula_text(n, k, p, s, d, op))
        taps = k_hw[0] * k_hw[1]
        per_input = taps * (c if args.channels == "sum" else 1)
        params = k_count * (per_input + 1)
        macs = h * w * per_input * k_count * (c if args.channels == "per-channel" else 1)
        lines.append(_params_line(params, k_count, k_hw, c, args.channels))
        lines.append(f"multiply-adds: {macs:,}")
    else:
        layer = shapes.layer_shape(
            (h, w, c), kernel, filters=k_count, padding=args.padding, stride=args.stride,
            dilation=args.dilation, channels=args.channels,
        )
        out_shape = layer.out_shape
        lines.append(layer.describe())
        lines.append(f"height: {layer.formulas[0]}")
        lines.append(f"width:  {layer.formulas[1]}")
        lines.append(_params_line(layer.params, k_count, k_hw, c, args.channels))
        lines.append(f"multiply-adds: {layer.macs:,}")
        lines.append(f"receptive field: {_fmt_shape(layer.receptive_field)}")
    if args.pool is not None:
        size = shapes.positive_pair(args.pool, "pool size")
        step = shapes.positive_pair(args.pool_stride if args.pool_stride else args.pool,
                                    "pool stride")
        pooled = tuple(
            shapes.pool_output_size(out_shape[i], size[i], step[i]) for i in range(2)
        )
        lines.append(
            f"pool {_fmt_shape(size)}, stride {_fmt_pair(step)}: {_fmt_shape(out_shape)} → "
            f"{_fmt_shape((*pooled, out_shape[2]))}"
        )
        lines.append("  height: " + shapes.pool_formula_text(out_shape[0], size[0], step[0]))
        lines.append("  width:  " + shapes.pool_formula_text(out_shape[1], size[1], step[1]))
    print("\n".join(lines))
    return 0


def _out_channels(c: int, filters: int, channels: str) -> int:
    return c * filters if channels == "per-channel" else filters


def _params_line(params: int, filters: int, k_hw: tuple[int, int], c: int, channels: str) -> str:
    weights = f"{k_hw[0]}·{k_hw[1]}" + (f"·{c}" if channels == "sum" else "")
    noun = "filter" if filters == 1 else "filters"
    return f"parameters: {params:,} ({filters} {noun} × ({weights} weights + 1 bias))"


def cmd_kernels(args: argparse.Namespace) -> int:
    """List the kernel library and the generators."""
    rows = [("name", "size", "divisor", "separable", "description")]
    for k in kernels.LIBRARY.values():
        rows.append((
            k.name, _fmt_shape(k.shape), _fmt_number(k.divisor),
            "yes" if k.separable else "no", k.description,
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print("Library kernels (convgui apply IN -o OUT --kernel NAME):")
    for row in rows:
        print("  " + "  ".join(v.ljust(widths[i]) for i, v in enumerate(row[:4])) + "  " + row[4])
    print()
    print("Generators (--kernel NAME:VALUE,... or NAME:param=VALUE,..., e.g. gaussian:7,2.0):")
    for g in kernels.GENERATORS.values():
        print(f"  {g.name}:{','.join(p.name for p in g.params)}  {g.description}")
        width = max(len(p.name) for p in g.params)
        for p in g.params:
            odd = ", odd" if p.odd else ""
            print(
                f"      {p.name.ljust(width)}  {p.kind.__name__} {_fmt_number(p.minimum)}.."
                f"{_fmt_number(p.maximum)}{odd}, default {_fmt_number(p.default)}: {p.help}"
            )
    return 0


def _store() -> Any:
    from convgui.presets import PresetStore  # imports the engine (SciPy): only for presets

    return PresetStore()


def cmd_presets_list(args: argparse.Namespace) -> int:
    """Every preset (name, built-in or user, size, kernel only or full, tags, description)
    and every broken file with its reason."""
    store = _store()
    presets, broken = store.list()
    rows = [("name", "source", "size", "applies", "tags", "description")]
    for p in presets:
        rows.append((
            p.name, "built-in" if p.builtin else "user",
            f"{len(p.kernel)}×{len(p.kernel[0])}",
            "kernel" if p.settings is None else "all settings",
            ", ".join(p.tags) or "-", p.description,
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for row in rows:
        line = "  ".join(v.ljust(widths[i]) for i, v in enumerate(row[:5])) + "  " + row[5]
        print(line.rstrip())
    if broken:
        print()
        print(f"Broken files ({len(broken)}, left untouched):")
        for b in broken:
            print(f"  {b.path}: broken: {b.reason}")
    print()
    print(f"Your presets folder: {store.user_dir}")
    return 0


def cmd_presets_show(args: argparse.Namespace) -> int:
    """Print one preset as JSON (the format of its file)."""
    sys.stdout.write(_store().get(args.name).to_json())
    return 0


def cmd_presets_export(args: argparse.Namespace) -> int:
    """Write presets to one collection file."""
    _store().export(args.names, args.output)
    count = len(dict.fromkeys(args.names))
    noun = "preset" if count == 1 else "presets"
    print(f"exported {count} {noun} to {args.output}")
    return 0


def cmd_presets_import(args: argparse.Namespace) -> int:
    """Add the presets of a preset or collection file to the user's presets."""
    from convgui.presets import PresetError, read_preset_file

    store = _store()
    written = store.import_file(args.file, on_conflict=args.on_conflict)
    try:
        total = len(read_preset_file(args.file))
    except PresetError:  # changed meanwhile: count only what was written
        total = len(written)
    skipped = f", {total - len(written)} skipped (name taken)" if total > len(written) else ""
    print(f"imported {len(written)} of {total} presets from {args.file}{skipped}")
    for preset in written:
        print(f"  {preset.name}")
    return 0


def cmd_presets_delete(args: argparse.Namespace) -> int:
    """Delete one of the user's presets (built-ins cannot be deleted)."""
    store = _store()
    path = store.path_of(args.name)
    preset = store.delete(args.name)
    where = f" ({path})" if path is not None else ""
    print(f"deleted preset {preset.name!r}{where}")
    return 0


def _gui_environment_problem(screenshot: bool) -> str | None:
    """Why the window cannot open here (no display on X11/Wayland systems), or None."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    if screenshot:  # a screenshot needs no screen: draw off-screen
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return None
    return (
        "no display (DISPLAY and WAYLAND_DISPLAY are unset); use 'convgui apply' for files, "
        "or set QT_QPA_PLATFORM=offscreen"
    )


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the window; check the arguments first so that mistakes are one line, exit 2."""
    if args.gui_kernel is not None:
        kernels.get(args.gui_kernel)
    if args.gui_image is not None:
        load_image(args.gui_image)
    if args.screenshot is not None:
        if Path(args.screenshot).suffix.lower() != ".png":
            raise CLIError(f"cannot write {quote_path(args.screenshot)}: a screenshot is a .png")
        if not os.path.isdir(os.path.dirname(os.path.abspath(args.screenshot))):
            raise CLIError(
                f"cannot write {quote_path(args.screenshot)}: the folder does not exist"
            )
    problem = _gui_environment_problem(args.screenshot is not None)
    if problem is None:
        try:
            from convgui.ui.app import run_gui
        except Exception as exc:  # ImportError, a missing Qt library (OSError), ...
            problem = _one_line(exc)
        else:
            try:
                return int(run_gui(args.gui_image, args.gui_kernel, args.screenshot) or 0)
            except KeyboardInterrupt:
                raise
            except Exception as exc:
                problem = _one_line(exc)
    print(f"{PROG}: error: cannot start the window: {problem}", file=sys.stderr)
    return 1


# ----------------------------------------------------------------------------------------------
# The parser


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``convgui: error: ... (see 'convgui apply --help')``."""

    def error(self, message: str) -> NoReturn:
        hint = f" (see '{self.prog} --help')"
        self.exit(2, f"{PROG}: error: {_one_line(message)}{hint}\n")


_FORMATTER = argparse.RawDescriptionHelpFormatter


def build_parser() -> argparse.ArgumentParser:
    """The ``convgui`` argument parser with its subcommands."""
    parser = _Parser(
        prog=PROG,
        formatter_class=_FORMATTER,
        description=(
            "ConvGUI, a convolution playground. With no command it opens the window;\n"
            "the commands below work on files and need no display."
        ),
        epilog=(
            "examples:\n"
            "  convgui                                   open the window\n"
            "  convgui --image photo.png --kernel sharpen\n"
            "  convgui apply photo.png -o edges.png --kernel sobel-x\n"
            "  convgui shape 128x128x3 --kernel 3 --stride 2 --filters 16\n"
            "  convgui kernels\n"
            "  convgui presets list\n\n"
            "Run 'convgui COMMAND --help' for the options of a command."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    gui = parser.add_argument_group("window options (no command)")
    gui.add_argument("--image", dest="gui_image", metavar="PATH",
                     help="open this image (PNG, JPEG, TIFF, BMP, ...) instead of the sample")
    gui.add_argument("--kernel", dest="gui_kernel", metavar="NAME",
                     help="start with this library kernel, e.g. sobel-x (see 'convgui kernels')")
    gui.add_argument("--screenshot", metavar="FILE.png",
                     help="open the window, wait for the first result, save a PNG of the window "
                          "to FILE.png and exit (works without a display)")

    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    _add_apply(sub)
    _add_shape(sub)
    kp = sub.add_parser(
        "kernels", help="list the kernel library and the kernel generators",
        description="List the named kernels (name, size, divisor, separable, what it does) and "
                    "the generators with their parameters; use either with --kernel.",
    )
    kp.set_defaults(func=cmd_kernels)
    _add_presets(sub)
    return parser


def _add_presets(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "presets", help="list, show, export, import and delete kernel presets",
        formatter_class=_FORMATTER,
        description=(
            "Kernel presets: the built-in ones (read-only) and yours, one JSON file each in\n"
            "$CONVGUI_HOME/presets if CONVGUI_HOME is set, else the user data folder (the\n"
            "folder is shown by 'convgui presets list'). Use a preset with\n"
            "'convgui apply IN -o OUT --kernel \"NAME\"'. Without ACTION: list."
        ),
        epilog=(
            "examples:\n"
            "  convgui presets list\n"
            "  convgui presets show \"Sobel x\"\n"
            "  convgui presets export \"My blur\" \"Sobel x\" -o lesson.json\n"
            "  convgui presets import lesson.json --on-conflict skip\n"
            "  convgui presets delete \"My blur\""
        ),
    )
    p.set_defaults(func=cmd_presets_list)
    actions = p.add_subparsers(dest="presets_command", metavar="ACTION", title="actions")
    ls = actions.add_parser(
        "list", help="every preset and every broken preset file",
        description="List every preset: name, built-in or user, kernel size, whether applying "
                    "it changes the kernel only or all settings, tags and description; then "
                    "the files that could not be read, with the reason (they are left "
                    "untouched), and the folder of your presets.")
    ls.set_defaults(func=cmd_presets_list)
    show = actions.add_parser("show", help="print one preset as JSON",
                              description="Print the preset NAME as JSON, as in its file.")
    show.add_argument("name", metavar="NAME", help="the exact name (quote it: \"Sobel x\")")
    show.set_defaults(func=cmd_presets_show)
    export = actions.add_parser(
        "export", help="write presets to one collection file",
        description="Write the presets NAME... (built-in or yours) to one collection file "
                    "FILE, e.g. to share with a class; 'convgui presets import' reads it.")
    export.add_argument("names", nargs="+", metavar="NAME", help="preset names")
    export.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="the collection file to write (replaced atomically if it exists)")
    export.set_defaults(func=cmd_presets_export)
    imp = actions.add_parser(
        "import", help="add the presets of a preset or collection file to yours",
        description="Add the presets of FILE (one preset or a collection) to your presets. "
                    "Every entry is checked first: if any is invalid nothing is added.")
    imp.add_argument("file", metavar="FILE", help="a preset or collection .json file")
    imp.add_argument("--on-conflict", choices=("keep-both", "replace", "skip"),
                     default="keep-both",
                     help="when a name is taken: keep-both (the import becomes 'NAME (2)'; "
                          "default), replace (overwrite your preset; a built-in is never "
                          "replaced, both are kept) or skip")
    imp.set_defaults(func=cmd_presets_import)
    delete = actions.add_parser(
        "delete", help="delete one of your presets",
        description="Delete your preset NAME (its file). Built-in presets cannot be deleted.")
    delete.add_argument("name", metavar="NAME", help="the exact name")
    delete.set_defaults(func=cmd_presets_delete)


def _add_apply(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "apply", help="convolve an image file and save the result",
        formatter_class=_FORMATTER,
        description=(
            "Convolve INPUT (PNG, JPEG, TIFF, BMP; 8- or 16-bit; grey, RGB or RGBA - the alpha\n"
            "channel is set aside) with a kernel and save the result to OUTPUT:\n"
            "  .png         mapped to 8 bits for viewing (see --display); the input's alpha is\n"
            "               kept when the output is as large as the input\n"
            "  .npy         the raw floating-point result, any number of channels\n"
            "  .tif/.tiff   the raw result as 32-bit float, one channel only\n"
            "By default this is a cross-correlation (the CNN convention) with no padding."
        ),
        epilog=(
            "examples:\n"
            "  convgui apply camera.png -o edges.png --kernel sobel-x\n"
            f"  convgui apply camera.png -o blur.npy --kernel {GRID_EXAMPLE} --divisor 16\n"
            "  convgui apply camera.png -o small.png --kernel gaussian:7,2.0 --stride 2 "
            "--padding same\n"
            "  convgui apply photo.jpg -o out.png --kernel my_preset.json --channels luma\n\n"
            "  convgui apply photo.jpg -o out.png --kernel \"My blur\"   (a preset name)\n\n"
            "--kernel is tried as: 1. a library name (case, '_' and spaces do not matter),\n"
            "2. a preset name, yours or built-in (exact, else ignoring case if only one\n"
            "matches), 3. a file, 4. a generator NAME:VALUES, 5. the numbers themselves.\n"
            "A preset (by name or .json file) may also hold bias, padding, stride, dilation,\n"
            "boundary, cval, flip, channels and display: they are used unless given on the\n"
            "command line.\n"
            "Values starting with '-' need '=': --bias=-1/2, --kernel='-1;1'."
        ),
    )
    p.add_argument("input", metavar="INPUT", help="the image file to read")
    p.add_argument("-o", "--output", required=True, metavar="OUTPUT",
                   help="where to save the result: .png, .npy or .tif (written atomically: "
                        "never a partial file)")
    p.add_argument("-k", "--kernel", required=True, metavar="KERNEL",
                   help="a library name (sobel-x, gaussian-3, ...; see 'convgui kernels'), a "
                        "preset name, yours or built-in (see 'convgui presets list'), a .json "
                        "preset file, a generator such as gaussian:7,2.0, or the numbers "
                        f"themselves: rows separated by ';', e.g. {GRID_EXAMPLE}. Tried in "
                        "that order")
    p.add_argument("--divisor", type=number_arg, metavar="N",
                   help="divide the kernel by N (e.g. 16 or 1/16); default: the library "
                        "kernel's or the file's own divisor, else 1")
    p.add_argument("--bias", type=number_arg, metavar="B",
                   help="add B to every output value (default 0)")
    p.add_argument("--padding", type=padding_arg, metavar="PAD",
                   help="border added around the input: 'valid' (none, the output shrinks; "
                        "default), 'same' (output as large as the input ÷ stride), 'full' "
                        "(every overlap), P on all sides, PH,PW per axis or T,B,L,R")
    p.add_argument("--stride", type=_pair_arg("stride"), metavar="S",
                   help="step between kernel positions: S or SH,SW (default 1; 2 halves the "
                        "size)")
    p.add_argument("--dilation", type=_pair_arg("dilation"), metavar="D",
                   help="spacing between kernel taps: D or DH,DW (default 1; 2 spreads a 3×3 "
                        "kernel over 5×5 pixels)")
    p.add_argument("--boundary", choices=BOUNDARIES,
                   help="what fills the padding: constant (--cval, default), reflect "
                        "(d c b|a b c d), symmetric (c b a|a b c), edge (a a|a b), wrap "
                        "(the opposite side)")
    p.add_argument("--cval", type=number_arg, metavar="V",
                   help="value of the padding for --boundary constant (default 0)")
    p.add_argument("--flip", action=argparse.BooleanOptionalAction,
                   help="true convolution: rotate the kernel 180° first (as scipy.signal."
                        "convolve2d); without it (default) the kernel is used as written, a "
                        "cross-correlation")
    p.add_argument("--channels", choices=CHANNEL_MODES,
                   help="for colour input: per-channel (filter R, G and B separately, "
                        "default), sum (one filter over all channels, summed), luma (convert "
                        "to grey first)")
    p.add_argument("--display", choices=DISPLAY_MODES,
                   help="how a .png maps values to 0..255: clip (to the input's range), abs "
                        "(|x|, then clip), normalize (min..max), offset (0 is mid-grey), "
                        "diverging (0 is mid-grey, scaled to the largest |x|), auto (diverging "
                        "for zero-sum kernels such as Sobel, else clip; default)")
    p.set_defaults(func=cmd_apply)


def _add_shape(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "shape", help="output shape, formulas, parameters and cost of a convolution layer",
        formatter_class=_FORMATTER,
        description=(
            "Show what one convolution layer does to an input of shape HxWxC: the output\n"
            "shape, the size formula with the numbers filled in for each axis, the number of\n"
            "parameters and multiply-adds, and the receptive field. Nothing is computed."
        ),
        epilog=(
            "examples:\n"
            "  convgui shape 128x128x3 --kernel 3 --stride 2 --padding 0 --filters 16\n"
            "  convgui shape 32x32 --kernel 3x5 --padding same --dilation 2\n"
            "  convgui shape 16x16x64 --kernel 4 --stride 2 --padding 1 --transposed\n"
            "  convgui shape 224x224x3 --kernel 7 --stride 2 --padding 3 --filters 64 --pool 2"
        ),
    )
    p.add_argument("input_shape", type=shape_arg, metavar="SHAPE",
                   help="input size HxWxC, e.g. 128x128x3 (or 128×128×3); HxW means one channel")
    p.add_argument("-k", "--kernel", type=_pair_arg("kernel size"), required=True,
                   metavar="K", help="kernel size: K for K×K, or KHxKW such as 3x5")
    p.add_argument("--filters", type=positive_int, default=1, metavar="N",
                   help="number of filters (output channels of a CNN layer; default 1)")
    p.add_argument("--padding", type=padding_arg, default="valid", metavar="PAD",
                   help="valid (default), same, full, P, PH,PW or T,B,L,R")
    p.add_argument("--stride", type=_pair_arg("stride"), default=1, metavar="S",
                   help="step between kernel positions: S or SH,SW (default 1)")
    p.add_argument("--dilation", type=_pair_arg("dilation"), default=1, metavar="D",
                   help="spacing between kernel taps: D or DH,DW (default 1)")
    p.add_argument("--channels", choices=CHANNEL_MODES, default="sum",
                   help="sum: each filter spans all C channels, as a CNN layer (default); "
                        "per-channel: each filter applied to each channel (C×N outputs); "
                        "luma: the filters see one grey channel")
    p.add_argument("--transposed", action="store_true",
                   help="a transposed convolution (upsampling, PyTorch's ConvTranspose2d "
                        "rule) instead; --padding must then be P or PH,PW")
    p.add_argument("--output-padding", type=nonneg_int, default=0, metavar="OP",
                   help="with --transposed: extra rows/columns on one side, smaller than the "
                        "stride or dilation (default 0)")
    p.add_argument("--pool", type=_pair_arg("pool size"), metavar="SIZE",
                   help="follow the layer with SIZE×SIZE pooling (SIZE or SH,SW)")
    p.add_argument("--pool-stride", type=_pair_arg("pool stride"), metavar="S",
                   help="step of the pooling window (default: its size)")
    p.set_defaults(func=cmd_shape)


# ----------------------------------------------------------------------------------------------
# Entry point


def _one_line(exc: object) -> str:
    text = " ".join(str(exc).split())
    if not text and isinstance(exc, BaseException):
        text = type(exc).__name__
    return text


def _error_message(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "not enough memory for this image and these settings"
    if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
        reason = describe_os_error(exc)
        name = exc.filename
        return f"{quote_path(name)}: {reason}" if name else reason
    return _one_line(exc)


def _utf8_safe_streams() -> None:
    """Shapes print '×' and '→': never fail on a console that cannot show them."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``convgui`` command line; returns the exit status."""
    _utf8_safe_streams()
    try:
        args = build_parser().parse_args(argv)
        return getattr(args, "func", cmd_gui)(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. 'convgui kernels | head': stop quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 0
    except (ValueError, TypeError, OSError, MemoryError) as exc:
        print(f"{PROG}: error: {_error_message(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
