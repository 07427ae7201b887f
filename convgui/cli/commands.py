"""The commands: ``apply``, ``shape``, ``kernels``, ``presets ...`` and the window."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from convgui import desktop_entry, display, kernels, shapes, textgrid
from convgui.atomic import quote_path
from convgui.cli.display_check import display_problem
from convgui.cli.errors import PROG, CLIError, one_line
from convgui.cli.kernel_spec import APPLY_DEFAULTS, check_divisor, resolve_kernel_choice
from convgui.imageio import SAVE_EXTENSIONS, load_image, save_output
from convgui.render import render, shown_image
from convgui.shapes import PaddingSpec, shape_text

# ----------------------------------------------------------------------------------------------
# Formatting


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
        check_divisor(divisor, "--divisor")
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
        # the window's rendering: the diverging mode's PNG is in colour, as the window shows it
        mode = display.suggest_mode(kernel) if opt["display"] == "auto" else opt["display"]
        eight_bit, _levels = render(result, mode, image.value_range)
        rendered = _with_alpha(shown_image(eight_bit, mode), image)
    save_output(args.output, result, rendered)

    detail = f"{_fmt_padding(opt['padding'])}, stride {_fmt_pair(opt['stride'])}"
    if shapes.positive_pair(opt["dilation"], "dilation") != (1, 1):
        detail += f", dilation {_fmt_pair(opt['dilation'])}"
    print(
        f"{args.input} {shape_text(image.data.shape)} → {shape_text(result.shape)} "
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
        lines.append(f"{shape_text((h, w, c))} → {shape_text(out_shape)} (transposed)")
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
        lines.append(f"receptive field: {shape_text(layer.receptive_field)}")
    if args.pool is not None:
        size = shapes.positive_pair(args.pool, "pool size")
        step = shapes.positive_pair(args.pool_stride if args.pool_stride else args.pool,
                                    "pool stride")
        pooled = tuple(
            shapes.pool_output_size(out_shape[i], size[i], step[i]) for i in range(2)
        )
        lines.append(
            f"pool {shape_text(size)}, stride {_fmt_pair(step)}: {shape_text(out_shape)} → "
            f"{shape_text((*pooled, out_shape[2]))}"
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
            k.name, shape_text(k.shape), _fmt_number(k.divisor),
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
    """Why the window cannot open here, or None; a screenshot needs no screen and is drawn
    off-screen when there is none."""
    problem = display_problem()
    if problem is not None and screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return None
    return problem


def cmd_desktop(install: bool) -> int:
    """Add ConvGUI to the desktop's application menu, or remove it; say which files."""
    if install:
        files = desktop_entry.install()
        print(f"added ConvGUI to the application menu: {files[0]} (icon in {files[1].parents[2]})")
    else:
        files = desktop_entry.uninstall()
        print("removed " + ", ".join(str(f) for f in files) if files else
              "ConvGUI was not in the application menu; nothing to remove")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the window; check the arguments first so that mistakes are one line, exit 2."""
    if args.install_desktop or args.uninstall_desktop:
        if args.install_desktop and args.uninstall_desktop:
            raise CLIError("--install-desktop and --uninstall-desktop: give one of them")
        return cmd_desktop(args.install_desktop)
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
            problem = one_line(exc)
        else:
            try:
                return int(run_gui(args.gui_image, args.gui_kernel, args.screenshot,
                                   size=args.gui_size, presentation=args.gui_presentation,
                                   tab=args.gui_tab) or 0)
            except KeyboardInterrupt:
                raise
            except Exception as exc:
                problem = one_line(exc)
    print(f"{PROG}: error: cannot start the window: {problem}", file=sys.stderr)
    return 1
