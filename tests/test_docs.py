"""docs/reliability.md: every row of its tables names tests, and every named test exists."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RELIABILITY = REPO / "docs" / "reliability.md"
HEADER = "| Fault | What the user sees (GUI / CLI) | Test (file::test name) |"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def table_rows(text: str) -> list[list[str]]:
    """The body rows of every table that has the reliability header, split into cells."""
    rows, in_table = [], False
    for line in text.splitlines():
        if line.strip() == HEADER:
            in_table = True
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        if in_table and not set(line) <= set("|-: "):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_every_fault_names_tests_that_exist():
    text = RELIABILITY.read_text(encoding="utf-8")
    rows = table_rows(text)
    assert len(rows) >= 30
    missing = []
    for fault, sees, tests in rows:
        assert fault and sees, (fault, sees)
        references = REFERENCE.findall(tests)
        assert references, f"no test named for {fault!r}"
        for path, name in references:
            source = REPO / path
            if not source.is_file() or not re.search(rf"^def {name}\(", source.read_text(
                    encoding="utf-8"), re.MULTILINE):
                missing.append(f"{path}::{name}")
    assert missing == [], missing


def test_the_issue_s_faults_are_all_in_the_table():
    faults = " ".join(row[0] for row in table_rows(RELIABILITY.read_text(encoding="utf-8")))
    for fault in ("16-bit PNG", "16-bit TIFF", "Grey + alpha", "RGBA", "Palette", "CMYK JPEG",
                  "EXIF-rotated JPEG", "1×1", "1×5000", "0-byte", "Truncated PNG",
                  "Text file named", "Decompression bomb", "does not exist", "cannot be read",
                  "Non-numeric text", "Huge kernel values", "All-zero kernel",
                  "no valid output", "1×1 and 31×31", "exception inside", "Cancelling",
                  "Closing the window", "1000 rapid edits", "read-only folder", "full disk",
                  "open elsewhere", "Presets end to end", "corrupt preset", "convolve2d",
                  "pool2d", "merge", "shape functions", "preset JSON", "command lines"):
        assert fault in faults, fault
