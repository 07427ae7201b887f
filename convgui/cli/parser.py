"""The ``convgui`` argument parser: its subcommands and their options (the option types are
:mod:`convgui.cli.argtypes`); every error is one usage line."""

from __future__ import annotations

import argparse
from typing import NoReturn

from convgui import __version__, lessons
from convgui.cli.animate import add_animate_parser
from convgui.cli.argtypes import (
    nonneg_int,
    number_arg,
    padding_arg,
    pair_arg,
    positive_int,
    shape_arg,
    tab_arg,
    window_size_arg,
)
from convgui.cli.commands import (
    cmd_apply,
    cmd_kernels,
    cmd_presets_delete,
    cmd_presets_export,
    cmd_presets_import,
    cmd_presets_list,
    cmd_presets_show,
    cmd_shape,
)
from convgui.cli.errors import PROG, one_line
from convgui.cli.exercises import add_exercises_parser
from convgui.cli.kernel_spec import GRID_EXAMPLE
from convgui.settings import DISPLAY_MODES
from convgui.shapes import BOUNDARIES, CHANNEL_MODES

# ----------------------------------------------------------------------------------------------
# The parser


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``convgui: error: ... (see 'convgui apply --help')``."""

    def error(self, message: str) -> NoReturn:
        hint = f" (see '{self.prog} --help')"
        self.exit(2, f"{PROG}: error: {one_line(message)}{hint}\n")


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
    gui.add_argument("--size", dest="gui_size", metavar="WxH", type=window_size_arg,
                     help="the window's size, e.g. 1024x768 (a screenshot's default: 1280x800)")
    gui.add_argument("--presentation", dest="gui_presentation", action="store_true",
                     default=None,
                     help="presentation mode: larger text, high contrast (View menu)")
    gui.add_argument("--tab", dest="gui_tab", metavar="NAME", type=tab_arg,
                     help=f"show this tab: {', '.join(lessons.TAB_NAMES)}")

    desktop = parser.add_argument_group("desktop menu (Linux and other freedesktop systems)")
    desktop.add_argument("--install-desktop", action="store_true",
                         help="add ConvGUI to the desktop's application menu (a .desktop entry "
                              "and the icon in ~/.local/share); safe to repeat")
    desktop.add_argument("--uninstall-desktop", action="store_true",
                         help="remove what --install-desktop added")

    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    _add_apply(sub)
    _add_shape(sub)
    add_exercises_parser(sub)
    add_animate_parser(sub)
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
    p.add_argument("--stride", type=pair_arg("stride"), metavar="S",
                   help="step between kernel positions: S or SH,SW (default 1; 2 halves the "
                        "size)")
    p.add_argument("--dilation", type=pair_arg("dilation"), metavar="D",
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
    p.add_argument("-k", "--kernel", type=pair_arg("kernel size"), required=True,
                   metavar="K", help="kernel size: K for K×K, or KHxKW such as 3x5")
    p.add_argument("--filters", type=positive_int, default=1, metavar="N",
                   help="number of filters (output channels of a CNN layer; default 1)")
    p.add_argument("--padding", type=padding_arg, default="valid", metavar="PAD",
                   help="valid (default), same, full, P, PH,PW or T,B,L,R")
    p.add_argument("--stride", type=pair_arg("stride"), default=1, metavar="S",
                   help="step between kernel positions: S or SH,SW (default 1)")
    p.add_argument("--dilation", type=pair_arg("dilation"), default=1, metavar="D",
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
    p.add_argument("--pool", type=pair_arg("pool size"), metavar="SIZE",
                   help="follow the layer with SIZE×SIZE pooling (SIZE or SH,SW)")
    p.add_argument("--pool-stride", type=pair_arg("pool stride"), metavar="S",
                   help="step of the pooling window (default: its size)")
    p.set_defaults(func=cmd_shape)
