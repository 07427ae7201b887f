"""OpenCV's separable filter with the anchor at the kernel's centre and one cell off it.

    python benchmarks/bench_opencv_anchor.py

Why ConvGUI's strided routes anchor their stride-1 call at the kernel's centre (see
docs/performance.md, "Stride goal"): OpenCV halves the products of a symmetric kernel only
about its anchor. Prints the median of 20 steady calls per cell, in ms.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
from bench_engine import make_kernel  # (this folder is the script's: on sys.path)

try:
    import cv2
except ImportError:  # pragma: no cover - the benchmark needs OpenCV
    sys.exit("this benchmark needs OpenCV: pip install 'convgui[fast]'")

SIZES = (3, 5, 7, 15, 31)


def median_ms(call, repeats: int = 20) -> float:
    call()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def separable(image: np.ndarray, taps: np.ndarray, anchor: int, out: np.ndarray):
    """One sepFilter2D call of ``taps`` both ways, anchored at (anchor, anchor), into out."""
    return lambda: cv2.sepFilter2D(image, -1, taps, taps, dst=out, anchor=(anchor, anchor),
                                   borderType=cv2.BORDER_CONSTANT)


def main() -> int:
    rng = np.random.default_rng(0)
    images = {"2048² grey": rng.random((2048, 2048), dtype=np.float32),
              "1024² RGB": rng.random((1024, 1024, 3), dtype=np.float32)}
    print("sepFilter2D, Gaussian, float32: centred / one off the centre (ms)")
    print("image".ljust(12) + "".join(f"{k}×{k}".rjust(16) for k in SIZES))
    for name, image in images.items():
        out = np.empty_like(image)
        cells = []
        for k in SIZES:
            taps = make_kernel("gauss", k)[1].astype(np.float32)  # the benchmark's Gaussian
            centred, off = (median_ms(separable(image, taps, anchor, out))
                            for anchor in (k // 2, k // 2 - 1))
            cells.append(f"{centred:.2f} / {off:.2f}")
        print(name.ljust(12) + "".join(cell.rjust(16) for cell in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
