"""Exercise sheets and answer keys as Markdown, self-contained HTML, PDF and JSON. No Qt here.

A *sheet* shows each question with its matrices and a space for the answer; the *key* (``key=
True``) adds the answer and the worked solution. Markdown and JSON are byte-for-byte the same
for the same exercises; HTML needs no other file (inline CSS, no scripts, no images) and
prints one exercise per block; the PDF (fpdf2, its built-in Latin-1 fonts) spells the few
symbols those fonts lack in ASCII (``−`` → ``-``, ``⌊x⌋`` → ``floor(x)``, ``→`` → ``->``).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

from convgui.exercises.catalog import FORMATS, TOPICS, format_for_path
from convgui.exercises.generate import Exercise, Grid
from convgui.stepper import format_number

__all__ = [
    "FORMATS", "SheetInfo", "format_for_path", "render", "render_html", "render_json",
    "render_markdown", "render_pdf", "to_latin1",
]

_GRIDS_PER_ROW = 3


@dataclass(frozen=True)
class SheetInfo:
    """What the header of a sheet says: how to make the same sheet again."""

    seed: int
    difficulty: str
    topics: tuple[str, ...] = TOPICS
    title: str = "Convolution exercises"

    def heading(self, key: bool) -> str:
        """``"Convolution exercises"`` or ``"Convolution exercises: answer key"``."""
        return f"{self.title}: answer key" if key else self.title

    def summary(self, count: int) -> str:
        """One line: count, difficulty, seed, topics."""
        topics = "all topics" if tuple(self.topics) == TOPICS else ", ".join(self.topics)
        return (f"{count} exercise{'s' if count != 1 else ''} · difficulty {self.difficulty} · "
                f"seed {self.seed} · {topics}")

    def command(self, count: int) -> str:
        """The ``convgui exercises`` options that make this sheet again."""
        topics = "" if tuple(self.topics) == TOPICS else f" --topics {','.join(self.topics)}"
        return (f"convgui exercises -o SHEET --count {count} --seed {self.seed} "
                f"--difficulty {self.difficulty}{topics}")


CONVENTIONS = (
    "Conventions: rows and columns are counted from 0, output (0, 0) is the top-left. "
    "\"Convolution\" means cross-correlation (the kernel used as written, as CNNs do) unless "
    "the exercise says true convolution (kernel rotated 180° first). Padding cells hold 0. "
    "Give a number, a shape such as 63×63×16, or none when there is no output."
)


def render(exercises: Sequence[Exercise], info: SheetInfo, fmt: str, *, key: bool = False
           ) -> bytes:
    """The sheet (or key) in format ``fmt`` (one of :data:`FORMATS`), as bytes (UTF-8 text)."""
    if fmt == "md":
        return render_markdown(exercises, info, key=key).encode("utf-8")
    if fmt == "html":
        return render_html(exercises, info, key=key).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(exercises, info, key=key)
    if fmt == "json":
        return render_json(exercises, key=key).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")


# ----------------------------------------------------------------------------------------------
# Grids as monospaced text (Markdown code blocks, PDF)


def _grid_lines(grid: Grid) -> list[str]:
    cells = [[format_number(v) for v in row] for row in grid.rows]
    width = max(len(c) for row in cells for c in row)
    body = [" ".join(c.rjust(width) for c in row) for row in cells]
    span = max(len(grid.label), *(len(line) for line in body))
    return [grid.label.ljust(span)] + [line.ljust(span) for line in body]


def grid_text(grids: Sequence[Grid]) -> list[str]:
    """The grids side by side, at most three to a row, each under its label."""
    lines: list[str] = []
    for start in range(0, len(grids), _GRIDS_PER_ROW):
        blocks = [_grid_lines(g) for g in grids[start:start + _GRIDS_PER_ROW]]
        height = max(len(b) for b in blocks)
        for b in blocks:
            b.extend([" " * len(b[0])] * (height - len(b)))
        if lines:
            lines.append("")
        lines += ["    ".join(parts).rstrip() for parts in zip(*blocks, strict=True)]
    return lines


# ----------------------------------------------------------------------------------------------
# Markdown


def _md(text: str) -> str:
    for char in ("\\", "*", "_", "`", "<", "[", "]"):
        text = text.replace(char, "\\" + char)
    return text


def render_markdown(exercises: Sequence[Exercise], info: SheetInfo, *, key: bool = False) -> str:
    """The sheet or key as Markdown: a heading per exercise, grids in code blocks."""
    out = [f"# {info.heading(key)}", "", _md(info.summary(len(exercises))) + "  ",
           f"Made with `{info.command(len(exercises))}`", "", _md(CONVENTIONS), ""]
    for number, ex in enumerate(exercises, start=1):
        out += [f"## {number}. {ex.title}", "", _md(ex.question), ""]
        if ex.grids:
            out += ["```text", *grid_text(ex.grids), "```", ""]
        if key:
            out += [f"**Answer: {_md(ex.answer_text)}**", "", "Worked solution:", ""]
            out += [f"- {_md(line)}" for line in ex.solution]
            out.append("")
        else:
            out += [f"Answer ({_md(ex.answer_form)}): ______________________", ""]
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------
# HTML

_CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 48em; line-height: 1.45; color: #111; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
.meta, .conventions { color: #444; font-size: 0.9em; }
.meta code { font-size: 0.95em; }
.exercise { border-top: 1px solid #bbb; padding: 0.6em 0 0.8em; break-inside: avoid;
            page-break-inside: avoid; }
.exercise h2 { font-size: 1.15em; margin: 0.3em 0; }
.grids { display: flex; flex-wrap: wrap; gap: 1.5em; margin: 0.6em 0; }
table.grid { border-collapse: collapse; font-family: "DejaVu Sans Mono", Consolas, monospace; }
table.grid caption { font-size: 0.85em; color: #333; text-align: left; padding-bottom: 0.2em; }
table.grid td { border: 1px solid #888; min-width: 2em; padding: 0.15em 0.4em;
                text-align: right; }
.answer-line { margin-top: 1em; }
.answer-line span { display: inline-block; min-width: 14em; border-bottom: 1px solid #000; }
.answer { font-weight: bold; }
.solution li { margin: 0.15em 0; overflow-wrap: anywhere; }
@media print { body { margin: 0; max-width: none; } .exercise { padding: 0.4em 0; } }
""".strip()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html_grid(grid: Grid) -> str:
    rows = "".join(
        "<tr>" + "".join(f"<td>{_e(format_number(v))}</td>" for v in row) + "</tr>"
        for row in grid.rows
    )
    return f'<table class="grid"><caption>{_e(grid.label)}</caption>{rows}</table>'


def render_html(exercises: Sequence[Exercise], info: SheetInfo, *, key: bool = False) -> str:
    """The sheet or key as one self-contained, printable HTML page (well-formed XHTML syntax:
    every element closed)."""
    title = _e(info.heading(key))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"/>',
        f"<title>{title}</title><style>{_CSS}</style></head><body>",
        f"<h1>{title}</h1>",
        f'<p class="meta">{_e(info.summary(len(exercises)))}<br/>Made with '
        f"<code>{_e(info.command(len(exercises)))}</code></p>",
        f'<p class="conventions">{_e(CONVENTIONS)}</p>',
    ]
    for number, ex in enumerate(exercises, start=1):
        parts.append(f'<section class="exercise"><h2>{number}. {_e(ex.title)}</h2>')
        parts.append(f"<p>{_e(ex.question)}</p>")
        if ex.grids:
            parts.append('<div class="grids">' + "".join(_html_grid(g) for g in ex.grids)
                         + "</div>")
        if key:
            parts.append(f'<p class="answer">Answer: {_e(ex.answer_text)}</p>')
            parts.append('<p>Worked solution:</p><ol class="solution">'
                         + "".join(f"<li>{_e(line)}</li>" for line in ex.solution) + "</ol>")
        else:
            parts.append(f'<p class="answer-line">Answer ({_e(ex.answer_form)}): '
                         "<span>&#160;</span></p>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# ----------------------------------------------------------------------------------------------
# JSON


def render_json(exercises: Sequence[Exercise], *, key: bool = False) -> str:
    """A JSON list of ``{"topic", "question", "params", "answer"}`` (the key adds
    ``"solution"``, a list of lines), UTF-8, keys in that order, one exercise per element."""
    data = [ex.to_json(solution=key) for ex in exercises]
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# ----------------------------------------------------------------------------------------------
# PDF

_LATIN1 = str.maketrans({
    "−": "-", "–": "-", "—": "-", "⌊": "floor(", "⌋": ")", "⌈": "ceil(", "⌉": ")",
    "→": "->", "≥": ">=", "≤": "<=", "≈": "~", "…": "...", "′": "'", "∞": "inf", "₁": "1",
    "₂": "2", "∅": "none", "“": '"', "”": '"', "‘": "'", "’": "'",
})


def to_latin1(text: str) -> str:
    """``text`` in the PDF core fonts' Latin-1: the symbols they lack spelled in ASCII. Raises
    ValueError naming any other character (so a new symbol cannot silently become ``?``)."""
    mapped = text.translate(_LATIN1)
    try:
        mapped.encode("latin-1")
    except UnicodeEncodeError as err:
        raise ValueError(f"no PDF spelling for {mapped[err.start]!r} in {text!r}") from None
    return mapped


def render_pdf(exercises: Sequence[Exercise], info: SheetInfo, *, key: bool = False) -> bytes:
    """The sheet or key as an A4 PDF (an exercise is moved to the next page rather than split
    when it fits on one; its height is estimated from its text's width)."""
    from fpdf import FPDF  # imported here: only PDF output needs it

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(to_latin1(info.heading(key)))
    pdf.set_creator("ConvGUI")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    _pdf_par(pdf, info.heading(key), 8)
    pdf.set_font("Helvetica", "", 9)
    _pdf_par(pdf, info.summary(len(exercises)), 4.5)
    _pdf_par(pdf, "Made with: " + info.command(len(exercises)), 4.5)
    pdf.ln(1.5)
    _pdf_par(pdf, CONVENTIONS, 4.5)
    for number, ex in enumerate(exercises, start=1):
        needed = _pdf_exercise(pdf, number, ex, key, dry=True)
        if pdf.get_y() + needed > pdf.page_break_trigger and needed < (
            pdf.page_break_trigger - pdf.t_margin
        ):
            pdf.add_page()
        _pdf_exercise(pdf, number, ex, key, dry=False)
    return bytes(pdf.output())


def _pdf_par(pdf, text: str, height: float, dry: bool = False) -> float:
    """Write (or with ``dry`` only estimate, from the text's width) a wrapped paragraph;
    returns its height in mm."""
    if dry:
        lines = math.ceil(pdf.get_string_width(to_latin1(text)) * 1.1 / pdf.epw)
        return max(lines, 1) * height
    pdf.multi_cell(0, height, to_latin1(text), align="L", new_x="LMARGIN", new_y="NEXT")
    return 0.0


def _pdf_exercise(pdf, number: int, ex: Exercise, key: bool, *, dry: bool) -> float:
    """Write exercise ``number`` (or with ``dry`` only measure it); returns its height."""
    total = 0.0
    if not dry:
        pdf.ln(3)
    total += 3
    pdf.set_font("Helvetica", "B", 12)
    total += _pdf_par(pdf, f"{number}. {ex.title}", 6.5, dry)
    pdf.set_font("Helvetica", "", 10.5)
    total += _pdf_par(pdf, ex.question, 5.2, dry)
    if ex.grids:
        pdf.set_font("Courier", "", 9.5)
        lines = grid_text(ex.grids)
        total += 2 + 4.3 * len(lines)
        if not dry:
            pdf.ln(2)
            for line in lines:
                pdf.cell(0, 4.3, to_latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10.5)
    total += 1.5
    if not dry:
        pdf.ln(1.5)
    if key:
        pdf.set_font("Helvetica", "B", 10.5)
        total += _pdf_par(pdf, f"Answer: {ex.answer_text}", 5.5, dry)
        pdf.set_font("Helvetica", "", 9.5)
        for line in ex.solution:
            total += _pdf_par(pdf, "- " + line, 4.6, dry)
    else:
        total += _pdf_par(pdf, f"Answer ({ex.answer_form}): ________________________", 7, dry)
    return total
