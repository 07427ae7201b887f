"""The ``convgui`` command: the window, and three commands that need no window.

``convgui``                       open the window (``--image``, ``--kernel``, ``--screenshot``)
``convgui apply IN -o OUT ...``   convolve an image file and save the result (PNG, .npy, .tif)
``convgui shape 128x128x3 ...``   output shape, formulas, parameters and multiply-adds of a layer
``convgui kernels``               the kernel library and the kernel generators
``convgui presets ...``           list, show, export, import and delete kernel presets

Every failure is one line on stderr, ``convgui: error: ...``, and exit status 2 (1 when the window
cannot start, 130 on Ctrl+C); never a traceback, never a partial output file. Only the window
imports Qt, and only when it is opened, so ``convgui apply`` works on machines without a display.

:mod:`~convgui.cli.kernel_spec` resolves what ``--kernel`` names, :mod:`~convgui.cli.argtypes`
reads the other option values, :mod:`~convgui.cli.parser` builds the argument parser,
:mod:`~convgui.cli.commands` runs each command; this module is the entry point, which turns
every user error into its one line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from convgui.atomic import describe_os_error, quote_path
from convgui.cli.argtypes import number_arg, padding_arg, shape_arg
from convgui.cli.commands import cmd_gui
from convgui.cli.errors import PROG, CLIError, one_line
from convgui.cli.kernel_spec import (
    APPLY_DEFAULTS,
    KernelChoice,
    resolve_kernel,
    resolve_kernel_choice,
)
from convgui.cli.parser import build_parser

__all__ = ["APPLY_DEFAULTS", "CLIError", "KernelChoice", "build_parser", "main", "number_arg",
           "padding_arg", "resolve_kernel", "resolve_kernel_choice", "shape_arg"]


def _error_message(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "not enough memory for this image and these settings"
    if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
        reason = describe_os_error(exc)
        name = exc.filename
        return f"{quote_path(name)}: {reason}" if name else reason
    return one_line(exc)


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
