"""What a classroom panel asks to animate: an :class:`AnimationRequest` (how to build the
:class:`~convgui.animation.frames.Animation`, its frame rate, a file name), made from the Step
through panel's walkthrough (:func:`walk_request`) or the Transposed panel's input, kernel and
settings (:func:`transposed_request`). Qt-free: the panels gather their values, these
functions decide what the animation shows, and the window's exporter writes any request."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from convgui.animation.frames import Animation, build_animation
from convgui.animation.writers import MAX_FPS
from convgui.stepper import Walkthrough, format_number
from convgui.walkstate import CHANNEL_NAMES

__all__ = ["MIN_FPS", "TRANSPOSED_FPS", "AnimationRequest", "transposed_request", "walk_request"]

#: The slowest frame rate of a walk's animation (its play speed may be set lower).
MIN_FPS = 0.1
#: The Transposed panel has no play speed: its stamps go by at this rate.
TRANSPOSED_FPS = 2.0


@dataclasses.dataclass(frozen=True)
class AnimationRequest:
    """What a panel's animation is: ``build`` makes the :class:`Animation` (call it off the
    GUI thread: it computes the convolution), ``fps`` its frame rate, ``name`` a file name
    stem."""

    build: Callable[[], Animation]
    fps: float
    name: str


def _insert_in_title(title: str, extra: str) -> str:
    """``extra`` (``", bias 1"``) before the title's ``" -> HxW output"``."""
    head, arrow, tail = title.rpartition(" -> ")
    return f"{head}{extra}{arrow}{tail}" if arrow else title + extra


def _walk_extras(walk: Walkthrough) -> str:
    """What the walk shows beyond the animation core's options, for the title: the channel
    walked, the padding fill value and the bias (``", luma, bias 1"``)."""
    extras = ""
    if walk.mode == "per-channel":
        extras += f", {CHANNEL_NAMES[walk.channel]} channel"
    elif walk.mode == "luma":
        extras += ", luma"
    if walk.boundary == "constant" and walk.cval != 0:
        extras += f", padding value {format_number(walk.cval)}"
    if walk.bias != 0:
        extras += f", bias {format_number(walk.bias)}"
    return extras.replace("\u2212", "-")  # the animation font has no Unicode minus


def walk_request(walk: Walkthrough, fps: float) -> AnimationRequest:
    """The animation of ``walk`` (a Step through walkthrough of one grid) at ``fps`` steps per
    second (kept within :data:`MIN_FPS` … :data:`~convgui.animation.writers.MAX_FPS`), with
    the walk's own padded grid and output: its padding fill value and bias included. ValueError
    when the walk sums three channels (an animation shows one grid)."""
    if walk.mode == "cnn":
        raise ValueError("an animation shows one grid, and this walk sums three channels: "
                         "choose per-channel or luma, or one grid")
    (top, _), (left, _) = walk.pads
    h, w = walk.geometry.in_hw
    padded, output, kernel = walk.padded.copy(), np.array(walk.output, np.float64), walk.kernel
    plane = padded[top:top + h, left:left + w].copy()
    extras = _walk_extras(walk)
    pads, geometry, boundary, flip = walk.pads, walk.geometry, walk.boundary, walk.flip

    def build() -> Animation:
        animation = build_animation(
            "conv", plane, kernel, padding=pads, stride=geometry.stride,
            dilation=geometry.dilation, boundary=boundary, flip=flip, numbers=True)
        # The panel's own numbers: its padding fill value (cval) and its bias are part of the
        # walk it shows, which the animation core does not take as options.
        return dataclasses.replace(animation, grid=padded, output=output,
                                   title=_insert_in_title(animation.title, extras))

    return AnimationRequest(build, min(max(fps, MIN_FPS), MAX_FPS), "step-through")


def transposed_request(source: np.ndarray, kernel: np.ndarray, params: dict[str, int]
                       ) -> AnimationRequest:
    """The transposed convolution of the 2-D ``source`` by ``kernel`` with ``params``
    (``stride``, ``padding``, ``output_padding``, ``dilation``), one frame per output cell at
    :data:`TRANSPOSED_FPS`."""
    source = np.array(source, dtype=np.float64)
    kernel = np.array(kernel, dtype=np.float64)
    params = dict(params)

    def build() -> Animation:
        return build_animation(
            "transposed", source, kernel, padding=params["padding"], stride=params["stride"],
            dilation=params["dilation"], output_padding=params["output_padding"], numbers=True)

    return AnimationRequest(build, TRANSPOSED_FPS, "transposed")
