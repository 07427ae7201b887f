"""``convgui animate``: a sliding-window animation, one frame per output cell, as GIF, APNG,
PNG frames, SVG frames or a PDF (see :mod:`convgui.animation`)."""

from __future__ import annotations

import argparse
import re

import numpy as np

from convgui import textgrid
from convgui.atomic import quote_path
from convgui.cli.argtypes import nonneg_int, number_arg, padding_arg, pair_arg, positive_int
from convgui.cli.errors import CLIError
from convgui.cli.kernel_spec import check_divisor, resolve_kernel_choice
from convgui.shapes import BOUNDARIES

OPS = ("conv", "max", "avg", "transposed")
THEMES = ("light", "dark")
_SIZE = re.compile(r"\s*(\d+)\s*[x×X]\s*(\d+)\s*")
INPUT_VALUES_HIGH = 4  # seeded input values are 0 … 3, seeded weights 0 … 2 (as conv_arithmetic)
KERNEL_VALUES_HIGH = 3


def fps_arg(text: str) -> float:
    """Frames per second: a number above 0 and at most 50."""
    value = number_arg(text)
    if not 0 < value <= 50:
        raise argparse.ArgumentTypeError(f"--fps must be above 0 and at most 50, got {text!r}")
    return value


def add_animate_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``convgui animate`` with its options on the ``convgui`` subcommands."""
    p = sub.add_parser(
        "animate", help="animate the sliding window: GIF, APNG, PNG/SVG frames or PDF",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Draw one frame per output cell, in row-major order: the input grid with its\n"
            "padding (dashed), the kernel window over it (dilation gaps left unshaded), the\n"
            "output filling up and the current output cell highlighted. The frame count is\n"
            "exactly out_h × out_w. The format follows -o:\n"
            "  .gif          an animated GIF (loops)\n"
            "  .png          an animated PNG (APNG, loops)\n"
            "  .svg          numbered SVG files beside it: NAME-001.svg, NAME-002.svg, ...\n"
            "  .pdf          one vector page per frame (slides, LaTeX beamer)\n"
            "  a folder      numbered PNG frames in it: frame-001.png, ... (created if needed)\n"
            "Every file is written atomically: never a partial file. Settings with no output\n"
            "are refused with the shape arithmetic's explanation, and nothing is written."
        ),
        epilog=(
            "examples:\n"
            "  convgui animate -o conv.gif --input 5x5 --kernel 3x3 --padding 1 --stride 2\n"
            "  convgui animate -o dilated.gif --input 7x7 --dilation 2 --stride 2 --numbers\n"
            "  convgui animate -o up.gif --op transposed --input 3x3 --stride 2 --padding 1 "
            "--numbers\n"
            "  convgui animate -o pool.pdf --op max --input-values \"1 3; 2 4\" --kernel 2x2 "
            "--numbers\n\n"
            "--kernel takes what 'convgui apply --kernel' takes (a library name, a preset, a\n"
            "file, a generator, the numbers) or a size such as 3x3 (shape only; with --numbers\n"
            "its weights are seeded small whole numbers 0 to 2). Pooling uses only the kernel's\n"
            "size and moves by it unless --stride is given."
        ),
    )
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="the file (.gif, .png, .svg, .pdf) or folder to write")
    p.add_argument("--op", choices=OPS, default="conv",
                   help="conv (the engine's cross-correlation; default), max or avg pooling, "
                        "transposed (PyTorch's ConvTranspose2d, drawn as the equivalent "
                        "direct convolution over the zero-inserted, padded input)")
    p.add_argument("--input", type=pair_arg("input size"), metavar="HxW",
                   help="input size (default 5x5, or the size of --input-values)")
    p.add_argument("--input-values", metavar="TEXT",
                   help="the input values, rows separated by ';', e.g. \"1 2; 3 4\" (default: "
                        "seeded small whole numbers 0 to 3, see --seed)")
    p.add_argument("-k", "--kernel", metavar="SPEC",
                   help="the kernel (see below) or a size such as 3x3; default 3x3 (2x2 for "
                        "pooling)")
    p.add_argument("--padding", type=padding_arg, metavar="P",
                   help="valid (default), same, full, P, PH,PW or T,B,L,R for conv; P or "
                        "PH,PW for pooling and transposed")
    p.add_argument("--stride", type=pair_arg("stride"), metavar="S",
                   help="S or SH,SW (default 1; for pooling the window size)")
    p.add_argument("--dilation", type=pair_arg("dilation"), metavar="D",
                   help="spacing between kernel taps: D or DH,DW (default 1; conv, transposed)")
    p.add_argument("--boundary", choices=BOUNDARIES,
                   help="what fills the padding for conv: constant (0, default), reflect, "
                        "symmetric, edge, wrap")
    p.add_argument("--output-padding", type=pair_arg("output padding", minimum=0), metavar="P",
                   help="transposed only: extra rows/columns at the bottom/right, smaller "
                        "than the stride or the dilation (default 0)")
    p.add_argument("--flip", action="store_true",
                   help="conv only: true convolution (the kernel rotated 180°)")
    p.add_argument("--numbers", action="store_true",
                   help="draw the input, padding, kernel and output values")
    p.add_argument("--seed", type=nonneg_int, default=0, metavar="N",
                   help="seed of the random input (and size-only kernel) values (default 0)")
    p.add_argument("--fps", type=fps_arg, default=2.0, metavar="F",
                   help="frames per second (default 2, at most 50)")
    p.add_argument("--cell", type=positive_int, metavar="PX",
                   help="side of one grid cell in pixels, 12 to 160 (default 36)")
    p.add_argument("--theme", choices=THEMES, default="light",
                   help="light (default, colours as conv_arithmetic) or dark")
    p.set_defaults(func=cmd_animate)


def _refuse_unused(args: argparse.Namespace) -> None:
    """Options that do not apply to ``--op`` are refused rather than silently ignored."""
    unused = {
        "conv": [("--output-padding", args.output_padding)],
        "transposed": [("--boundary", args.boundary), ("--flip", args.flip or None)],
        "max": [("--boundary", args.boundary), ("--flip", args.flip or None),
                ("--dilation", args.dilation), ("--output-padding", args.output_padding)],
    }
    unused["avg"] = unused["max"]
    for name, value in unused[args.op]:
        if value is not None:
            raise CLIError(f"{name} does not apply to --op {args.op}")


def _input_grid(args: argparse.Namespace) -> np.ndarray:
    from convgui.animation import frames
    size = None
    if args.input is not None:
        size = args.input if isinstance(args.input, tuple) else (args.input, args.input)
        if max(size) > frames.MAX_GRID_SIDE:
            raise CLIError(f"--input {size[0]}x{size[1]} is larger than the "
                           f"{frames.MAX_GRID_SIDE}x{frames.MAX_GRID_SIDE} an animation can show")
    if args.input_values is None:
        return frames.random_grid(size or (5, 5), args.seed, INPUT_VALUES_HIGH)
    try:
        values = np.array(textgrid.parse_grid(args.input_values), dtype=np.float64)
    except ValueError as exc:
        raise CLIError(f"cannot read --input-values: {exc}") from None
    if size is not None and values.shape != size:
        raise CLIError(f"--input {size[0]}x{size[1]} does not match --input-values, which is "
                       f"{values.shape[0]}x{values.shape[1]}")
    return values


def _kernel(args: argparse.Namespace) -> tuple[np.ndarray | None, tuple[int, int]]:
    """(weights or None for a size-only kernel, kernel size)."""
    spec = args.kernel if args.kernel is not None else (
        "2x2" if args.op in ("max", "avg") else "3x3")
    size = _SIZE.fullmatch(spec)
    if size is not None:
        hw = (int(size.group(1)), int(size.group(2)))
        if min(hw) < 1:
            raise CLIError(f"bad kernel size {spec!r}: both sides must be ≥ 1")
        return None, hw
    choice = resolve_kernel_choice(spec)
    check_divisor(choice.divisor, f"kernel {spec!r}")
    weights = choice.grid / choice.divisor
    return weights, (int(weights.shape[0]), int(weights.shape[1]))


def cmd_animate(args: argparse.Namespace) -> int:
    """Build the animation, check the settings, write it; print what was written."""
    from convgui.animation import draw, frames, writers  # Pillow, the engine: only when used

    _refuse_unused(args)
    kind = writers.output_kind(args.output)
    image = _input_grid(args)
    weights, k_hw = _kernel(args)
    if weights is None and args.op in ("conv", "transposed"):
        weights = frames.random_grid(k_hw, args.seed + 1, KERNEL_VALUES_HIGH)
    stride = args.stride if args.stride is not None else (
        k_hw if args.op in ("max", "avg") else 1)
    cell = args.cell if args.cell is not None else draw.DEFAULT_CELL
    if not draw.MIN_CELL <= cell <= draw.MAX_CELL:
        raise CLIError(f"--cell must be {draw.MIN_CELL} to {draw.MAX_CELL} pixels, got {cell}")
    animation = frames.build_animation(
        args.op, image, weights, kernel_hw=k_hw,
        padding=args.padding if args.padding is not None else "valid", stride=stride,
        dilation=args.dilation if args.dilation is not None else 1,
        boundary=args.boundary or "constant", flip=args.flip,
        output_padding=args.output_padding if args.output_padding is not None else 0,
        numbers=args.numbers,
    )
    figure = draw.Figure(animation, cell=cell, theme=args.theme)
    written = writers.write_animation(args.output, figure, fps=args.fps)
    where = quote_path(args.output) if kind != ".svg" else (
        f"{quote_path(written[0])} … {quote_path(written[-1].name)}")
    print(f"{animation.title}: {len(animation)} frames, {figure.width}x{figure.height} px "
          f"→ {where} ({writers.FORMATS[kind]})")
    return 0
