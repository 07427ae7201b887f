"""Time ``convgui animate`` on a 16×16-output animation with numbers at the default cell size.

Run: ``python benchmarks/bench_animate.py [--format gif|png|pdf] [--out FILE]``. Prints the
seconds and the file size. The goal (issue 14): a GIF in under 10 s and under 5 MB.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from convgui.cli import main


def run(fmt: str, out: str | None) -> tuple[float, int]:
    """Seconds and bytes of one 18×18 input, 3×3 kernel (16×16 outputs) animation."""
    with tempfile.TemporaryDirectory() as folder:
        path = out or os.path.join(folder, f"bench.{fmt}")
        args = ["animate", "-o", path, "--input", "18x18", "--kernel", "3x3", "--numbers"]
        started = time.perf_counter()
        if main(args) != 0:
            raise SystemExit("convgui animate failed")
        return time.perf_counter() - started, os.path.getsize(path)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=("gif", "png", "pdf"), default="gif")
    parser.add_argument("--out", help="keep the file here (default: a temporary file)")
    options = parser.parse_args()
    seconds, size = run(options.format, options.out)
    print(f"{options.format}: 256 frames in {seconds:.2f} s, {size / 1e6:.2f} MB")
