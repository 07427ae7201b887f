"""The option types of the ``convgui`` commands (argparse ``type=`` functions): each turns the
text typed into a value, or raises :class:`argparse.ArgumentTypeError` with the one-line
reason argparse shows. Every subcommand's module takes them from here, so none of them needs
the parser that assembles the subcommands."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

from convgui import lessons, textgrid
from convgui.shapes import PADDING_NAMES, PaddingSpec

__all__ = ["MIN_WINDOW", "nonneg_int", "number_arg", "padding_arg", "pair_arg", "positive_int",
           "shape_arg", "tab_arg", "window_size_arg"]

_SPLIT = re.compile(r"\s*[,x×X*]\s*|\s+")
#: The smallest window ``--size`` accepts (width, height).
MIN_WINDOW = (640, 480)


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


def pair_arg(name: str, minimum: int = 1) -> Callable[[str], int | tuple[int, int]]:
    """The type of an option ``name`` given as ``N`` or ``H,W``, each at least ``minimum``:
    returns N, or the pair (H, W)."""

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


def window_size_arg(text: str) -> tuple[int, int]:
    """``WxH`` in pixels, each at least :data:`MIN_WINDOW` wide/high."""
    values = _ints(text, "size")
    if len(values) != 2 or values[0] < MIN_WINDOW[0] or values[1] < MIN_WINDOW[1]:
        raise argparse.ArgumentTypeError(
            f"bad size {text!r}: give WxH, at least {MIN_WINDOW[0]}x{MIN_WINDOW[1]}, "
            "e.g. 1024x768")
    return (values[0], values[1])


def tab_arg(text: str) -> str:
    """The title of the window's tab ``text`` names (``step-through`` → ``"Step through"``;
    see :func:`convgui.lessons.find_tab`), checked before the window starts."""
    title = lessons.find_tab(text)
    if title is None:
        raise argparse.ArgumentTypeError(
            f"no tab {text!r}; the tabs are: {', '.join(lessons.TAB_TITLES)}")
    return title


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
    """A whole number ≥ 1."""
    values = _ints(text, "value")
    if len(values) != 1 or values[0] < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, got {text!r}")
    return values[0]


def nonneg_int(text: str) -> int:
    """A whole number ≥ 0."""
    values = _ints(text, "value")
    if len(values) != 1 or values[0] < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0, got {text!r}")
    return values[0]
