"""The Python around one engine call, as a benchmark row sees it.

    python benchmarks/bench_call_overhead.py [--runs N]

A repeated call of a 3×3 kernel on a 64² float32 image, each right after a 3×3 ``filter2D``
of a 2048² image (the caches then hold that image, not ConvGUI's code and objects: what a
call of the stride goal meets after OpenCV's work), beside a bare ``cv2.filter2D(...)[::s,
::s]`` of the same small image. The difference is the time ConvGUI's Python adds to a large
call; warm (in a tight loop) it is several times smaller. Prints the median µs of each.
See docs/performance.md, "Stride goal".
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
from bench_engine import make_kernel  # (this folder is the script's: on sys.path)

from convgui.engine import convolve2d

try:
    import cv2
except ImportError:  # pragma: no cover - the benchmark needs OpenCV
    sys.exit("this benchmark needs OpenCV: pip install 'convgui[fast]'")


def median_us(call: Callable[[], object], runs: int, between: Callable[[], object]) -> float:
    """Median µs of ``call`` over ``runs`` calls, ``between()`` before each (untimed)."""
    times = []
    for _ in range(runs):
        between()
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="timed calls per cell")
    parser.add_argument("--large", type=int, default=2048,
                        help="side of the image filtered between calls (default 2048)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    kernel = make_kernel("gauss", 3)[0]
    kernel32 = kernel.astype(np.float32)
    large = rng.random((args.large, args.large), dtype=np.float32)
    grey = rng.random((64, 64), dtype=np.float32)
    rgb = rng.random((64, 64, 3), dtype=np.float32)

    def cold() -> None:
        cv2.filter2D(large, -1, kernel32)

    def warm() -> None:
        pass

    cells = [
        ("filter2D + slice, stride 2", lambda: cv2.filter2D(grey, -1, kernel32)[::2, ::2]),
        ("convgui, stride 1", lambda: convolve2d(grey, kernel, padding="same")),
        ("convgui, stride 2", lambda: convolve2d(grey, kernel, padding="same", stride=2)),
        ("convgui, RGB, stride 2", lambda: convolve2d(rgb, kernel, padding="same", stride=2)),
    ]
    print(f"{'64² call, 3×3 Gaussian':28s} {'cold µs':>8s} {'warm µs':>8s}")
    for name, call in cells:
        for _ in range(20):  # (planned once: the decisions are kept)
            call()
        print(f"{name:28s} {median_us(call, args.runs, cold):8.1f} "
              f"{median_us(call, args.runs, warm):8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
