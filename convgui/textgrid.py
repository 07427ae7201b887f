"""Numbers and kernel grids as text: what a user types into a cell, pastes from a spreadsheet or
copies out of a NumPy session. Pure Python; imports no Qt.

* :func:`parse_number` reads one value: ``3``, ``-0.25``, ``1e-3``, ``1/16``, ``−2/3`` (Unicode
  minus), with spaces around it.
* :func:`parse_grid` reads a block: rows separated by newlines or ``;``, values by tabs, commas
  or spaces; NumPy's ``array([[...], [...]])`` / ``[[1 2] [3 4]]`` decorations are ignored.
* :func:`format_grid` writes a block that :func:`parse_grid` reads back exactly.

Every error is a :class:`ValueError` with a one-line reason meant for the user.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

__all__ = ["MAX_SIDE", "format_grid", "format_number", "parse_grid", "parse_number"]

#: Largest number of rows or columns :func:`parse_grid` accepts (the editor's kernel limit).
MAX_SIDE = 31

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_MINUSES = str.maketrans({"\u2212": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-"})
# "array(", "np.array(", "numpy.array(" and a trailing ", dtype=float32)".
_ARRAY_OPEN = re.compile(r"\b(?:np\.|numpy\.)?array\s*\(")
_DTYPE = re.compile(r",?\s*dtype\s*=\s*[\w.'\"]+")
# "], [" or "]\n [" between two rows of a nested list.
_ROW_BREAK = re.compile(r"\]\s*,?\s*\[")


def _scalar(text: str) -> float:
    """One plain number (no fraction) from already-stripped, minus-normalised ``text``."""
    if _NON_FINITE.fullmatch(text):
        raise ValueError("NaN/inf not allowed")
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"{text!r} is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is too large: NaN/inf not allowed")
    return value


def parse_number(text: str) -> float:
    """``text`` as a finite float: an int, decimal, exponent or fraction such as ``"1/16"``.

    Spaces around the value (and around ``/``) are ignored and ``−`` counts as a minus sign.
    Raises :class:`ValueError` with a one-line reason: empty text, not a number, division by
    zero, NaN or infinity.
    """
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not text")
    clean = text.translate(_MINUSES).strip()
    if not clean:
        raise ValueError("empty value: type a number such as 2, -0.5 or 1/16")
    if "/" not in clean:
        return _scalar(clean)
    top, _, bottom = (part.strip() for part in clean.partition("/"))
    if "/" in bottom or not top or not bottom:
        raise ValueError(f"{clean!r} is not a number")
    numerator, denominator = _scalar(top), _scalar(bottom)
    if denominator == 0:
        raise ValueError(f"{clean}: division by zero")
    value = numerator / denominator
    if not math.isfinite(value):
        raise ValueError(f"{clean} is too large: NaN/inf not allowed")
    return value


def _cells(row: str) -> list[str]:
    """Split one row into cell texts: by tabs if it has any, else commas, else whitespace."""
    for sep in ("\t", ","):
        if sep in row:
            cells = [c.strip() for c in row.split(sep)]
            if len(cells) > 1 and not cells[-1]:  # a trailing separator ("1, 2, 3,")
                cells.pop()
            return cells
    return row.split()


def parse_grid(text: str) -> list[list[float]]:
    """A rectangular block of numbers from ``text``, as rows of floats.

    Rows are separated by newlines or ``;`` (blank lines are skipped), values by tabs, commas
    or whitespace; each cell is read by :func:`parse_number`, so fractions work. NumPy and
    Python decorations (``array(``, ``[``, ``]``, ``)``, ``dtype=...``) are ignored, so a
    printed array or a nested list pastes as it looks; once the text has a ``[``, only
    ``][`` and ``;`` end a row and line breaks are mere wrapping (as NumPy wraps long rows).
    At most :data:`MAX_SIDE` rows and
    columns. Raises :class:`ValueError` with a one-line reason (empty text, a bad cell with its
    position, ragged rows such as ``"row 2 has 2 values, expected 3"``, too large).
    """
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not text")
    clean = text.translate(_MINUSES)
    clean = _DTYPE.sub("", _ARRAY_OPEN.sub("", clean)).replace("\r", "\n")
    if "[" in clean:  # NumPy wraps long rows over several lines: only brackets end a row
        clean = _ROW_BREAK.sub(";", clean.replace("\n", " "))
    clean = re.sub(r"[\[\]()]", " ", clean)
    rows = [r for r in re.split(r"[\n;]", clean) if r.strip()]
    if not rows:
        raise ValueError("no numbers found: the text is empty")
    if len(rows) > MAX_SIDE:
        raise ValueError(f"{len(rows)} rows is more than the {MAX_SIDE} a kernel can have")
    grid: list[list[float]] = []
    width = None
    for r, row in enumerate(rows, start=1):
        cells = _cells(row)
        if len(cells) > MAX_SIDE:
            raise ValueError(
                f"row {r} has {len(cells)} values, more than the {MAX_SIDE} a kernel can have"
            )
        if width is None:
            width = len(cells)
        elif len(cells) != width:
            raise ValueError(f"row {r} has {len(cells)} values, expected {width}")
        values = []
        for c, cell in enumerate(cells, start=1):
            if not cell:
                raise ValueError(f"row {r}, column {c} is empty")
            try:
                values.append(parse_number(cell))
            except ValueError as exc:
                raise ValueError(f"row {r}, column {c}: {exc}") from None
        grid.append(values)
    return grid


def format_number(value: float) -> str:
    """``value`` as text that :func:`parse_number` reads back exactly.

    Whole numbers print without ``.0`` (``16``); other values use the shortest form that
    round-trips (``repr``: ``0.0625``, ``1e-05``, ``0.3333333333333333``).
    """
    v = float(value)
    if not math.isfinite(v):
        raise ValueError("NaN/inf not allowed")
    if v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v)


def format_grid(grid: Iterable[Iterable[float]], sep: str = "\t") -> str:
    """``grid`` as text: values joined by ``sep``, rows by newlines (no trailing newline).

    The default tab separator pastes straight into a spreadsheet; :func:`parse_grid` of the
    result gives the same numbers exactly.
    """
    return "\n".join(sep.join(format_number(v) for v in row) for row in grid)
