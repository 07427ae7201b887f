"""'Copy as Python': source code that reproduces a result with the public API. No Qt here."""

from __future__ import annotations

from convgui.settings import Settings


def python_snippet(settings: Settings, image_path: str | None = None) -> str:
    """A runnable script computing ``settings`` on ``image_path`` with ``convolve2d``.

    Where plain SciPy computes the same thing (stride 1, dilation 1, 'valid' or 'full' padding
    with a constant zero boundary, or odd-sized 'same'), the equivalent
    ``scipy.signal.correlate2d``/``convolve2d`` call is added as a comment.
    """
    kernel_rows = ",\n".join(f"    {list(row)!r}" for row in settings.kernel)
    kwargs = settings.engine_kwargs()
    args = ",\n".join(f"    {key}={value!r}" for key, value in kwargs.items())
    divisor = "" if settings.divisor == 1 else f" / {settings.divisor!r}"
    source = repr(image_path) if image_path else "'input.png'"
    lines = [
        "import numpy as np",
        "from convgui.engine import convolve2d",
        "from convgui.imageio import load_image",
        "",
        f"image = load_image({source}).data",
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
