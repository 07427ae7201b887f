"""'Copy as Python': source code that reproduces a result with the public API. No Qt here."""

from __future__ import annotations

import numpy as np

from convgui.settings import Settings

#: A pasted image with at most this many values is written into the snippet itself.
EMBED_VALUES = 4096
#: The file a larger pasted image must be saved as for the snippet to find it.
PASTED_FILE = "pasted.png"


def image_lines(image_path: str | None, data: np.ndarray | None = None,
                downscale: int = 1) -> list[str]:
    """Lines that set ``image`` to the window's input: read from ``image_path`` (then shrunk
    by ``downscale`` as the window did); for an image with no file (pasted), its values written
    out when small, else read from :data:`PASTED_FILE` with a comment saying to save the
    clipboard's image there (8-bit, so the file holds exactly the pasted values)."""
    lines = []
    if not image_path:
        if data is not None and data.size <= EMBED_VALUES and downscale == 1:
            values = np.array2string(np.asarray(data, dtype=np.float32), separator=", ",
                                     threshold=EMBED_VALUES + 1, max_line_width=96)
            return [f"image = np.array({values}, dtype=np.float32)"]
        lines.append(f"# The input was pasted: save the clipboard's image as {PASTED_FILE} "
                     "first (any image editor).")
        image_path = PASTED_FILE
    load = f"load_image({image_path!r}).data"
    if downscale > 1:
        return [*lines, f"image = block_mean({load}, {downscale})  # as the window downscaled it"]
    return [*lines, f"image = {load}"]


def python_snippet(settings: Settings, image_path: str | None = None,
                   data: np.ndarray | None = None, downscale: int = 1) -> str:
    """A runnable script computing ``settings`` on the window's input with ``convolve2d``:
    the input as :func:`image_lines` writes it.

    Where plain SciPy computes the same thing (stride 1, dilation 1, 'valid' or 'full' padding
    with a constant zero boundary, or odd-sized 'same'), the equivalent
    ``scipy.signal.correlate2d``/``convolve2d`` call is added as a comment.
    """
    kernel_rows = ",\n".join(f"    {list(row)!r}" for row in settings.kernel)
    kwargs = settings.engine_kwargs()
    args = ",\n".join(f"    {key}={value!r}" for key, value in kwargs.items())
    divisor = "" if settings.divisor == 1 else f" / {settings.divisor!r}"
    lines = [
        "import numpy as np",
        "from convgui.engine import convolve2d",
        "from convgui.imageio import block_mean, load_image",
        "",
        *image_lines(image_path, data, downscale),
        f"kernel = np.array([\n{kernel_rows},\n]){divisor}",
        f"result = convolve2d(\n    image, kernel,\n{args},\n)",
    ]
    scipy_call = _scipy_equivalent(settings)
    if scipy_call:
        lines += ["", "# The same with plain SciPy (per 2-D channel):", f"# {scipy_call}"]
    return "\n".join(lines) + "\n"


def _scipy_equivalent(settings: Settings) -> str | None:
    if settings.stride != (1, 1) or settings.dilation != (1, 1) or settings.bias:
        return None
    if settings.boundary != "constant" or settings.cval != 0:
        return None
    mode = settings.padding if isinstance(settings.padding, str) else None
    if mode is None:
        return None
    kh, kw = settings.kernel_shape
    if mode == "same" and (kh % 2 == 0 or kw % 2 == 0) and not settings.flip:
        return None  # scipy's 'same' anchors even kernels the other way
    function = "convolve2d" if settings.flip else "correlate2d"
    return f"scipy.signal.{function}(image2d, kernel, mode={mode!r})"
