"""Reading and checking a typed answer, for exercise sheets and a quiz. No Qt here.

An answer is one of three kinds:

* a number: ``-5``, ``−5``, ``2.33``, ``2,33`` (decimal comma), ``7/3``, ``1,234`` / ``1 234``
  (thousands, when a number is expected);
* a shape: ``63x63x16``, ``63×63×16``, ``63 X 63``, ``63*63``, ``(63, 63, 16)``, ``[63, 63]``;
* no output: ``none``, ``no output``, ``no``, ``null``, ``nothing``, ``empty``, ``n/a``, ``∅``,
  also followed by a reason (``none: the kernel spans 5 but the input is 4``).

Expected answers are JSON values, as :attr:`convgui.exercises.Exercise.answer`: a number, a
list of ints (a shape) or None (no output).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from convgui.stepper import MINUS, format_number
from convgui.textgrid import parse_number

__all__ = [
    "Answer", "AnswerError", "ExpectedAnswer", "Verdict", "answer_text", "check_answer",
    "parse_answer",
]

ExpectedAnswer = int | float | list[int] | None
"""An exercise's answer as stored in JSON: a number, a shape [h, w] / [h, w, c], or None."""

#: How far a typed decimal may be from a non-integer answer: rounding to 2 decimal places.
DECIMAL_TOLERANCE = 0.005

_NONE_WORDS = ("no output", "none", "nothing", "empty", "null", "n/a", "no", "∅")
_NONE = re.compile(
    r"^(?:" + "|".join(re.escape(w) for w in _NONE_WORDS) + r")(?:$|[\s:;,.!—–(-])"
)
_SHAPE_SEP = re.compile(r"\s*[x×*,]\s*|\s+")
_SHAPE = re.compile(r"^\d+(?:\s*[x×*,]\s*\d+|\s+\d+)+$")
_THOUSANDS = re.compile(r"^-?\d{1,3}(?:([, \u00a0\u202f'])\d{3})(?:\1\d{3})*$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_BRACKETS = {"(": ")", "[": "]"}


class AnswerError(ValueError):
    """The text is not a number, a shape or "none"; the message says what to type."""


@dataclass(frozen=True)
class Answer:
    """A parsed answer: ``kind`` is ``"number"`` (``value`` a float), ``"shape"`` (``value`` a
    tuple of ints ≥ 1) or ``"none"`` (``value`` None)."""

    kind: str
    value: float | tuple[int, ...] | None


@dataclass(frozen=True)
class Verdict:
    """The result of :func:`check_answer`: ``correct``; ``readable`` is False when the text was
    not an answer at all (a quiz may let the student retype it); ``feedback`` is one short
    sentence that never gives the expected value away."""

    correct: bool
    readable: bool
    feedback: str


def _normalize(text: str) -> str:
    clean = text.replace("\u2212", "-").replace("\u2013", "-").lower()
    clean = " ".join(clean.split())
    for prefix in ("≈", "~", "="):
        clean = clean.removeprefix(prefix).strip()
    return clean.rstrip(".!").strip()


def parse_answer(text: str) -> Answer:
    """Parse a typed answer (see the module docstring for the forms); raises
    :class:`AnswerError` with a one-line hint when it is none of them.

    ``"63,63"`` parses as a shape here; :func:`check_answer` reads it as a number when a number
    is expected.
    """
    if not isinstance(text, str):
        raise AnswerError(f"an answer is text, got {type(text).__name__}")
    clean = _normalize(text)
    if not clean:
        raise AnswerError("empty answer: type a number, a shape like 63x63x16, or none")
    if _NONE.match(clean):
        return Answer("none", None)
    body = clean
    if body[0] in _BRACKETS and body.endswith(_BRACKETS[body[0]]):
        body = body[1:-1].strip().rstrip(",").strip()
    if _SHAPE.match(body):
        dims = tuple(int(p) for p in _SHAPE_SEP.split(body) if p)
        if len(dims) > 4 or min(dims) < 1:
            raise AnswerError(f"{text.strip()!r} is not a shape: use 2 or 3 sizes ≥ 1, "
                              "like 63x63x16")
        return Answer("shape", dims)
    try:
        return Answer("number", parse_number(body))
    except ValueError:
        raise AnswerError(
            f"{text.strip()!r} is not an answer: type a number (−5, 2.25, 7/3), a shape like "
            "63x63x16, or none"
        ) from None


def _as_number(text: str) -> float | None:
    """``text`` as a number with thousands separators or a decimal comma, else None."""
    clean = _normalize(text)
    if _THOUSANDS.match(clean):
        return float(re.sub(r"[, \u00a0\u202f']", "", clean))
    if _DECIMAL_COMMA.match(clean):
        return float(clean.replace(",", "."))
    return None


def _kind(expected: ExpectedAnswer) -> str:
    if expected is None:
        return "none"
    if isinstance(expected, (list, tuple)):
        return "shape"
    return "number"


def _numbers_match(typed: float, expected: float) -> bool:
    if float(expected).is_integer():
        return typed == expected
    return math.isclose(typed, expected, rel_tol=1e-9) or (
        abs(typed - expected) <= DECIMAL_TOLERANCE + 1e-9
    )


def check_answer(expected: ExpectedAnswer, text: str) -> Verdict:
    """Compare the typed ``text`` with ``expected``.

    Numbers: an integer answer must be typed exactly (``5`` or ``5.0``); a non-integer one
    within :data:`DECIMAL_TOLERANCE` (``2.33`` for 7/3) or exactly (``7/3``). Shapes: the same
    sizes in the same order. None: any of the "no output" words.
    """
    want = _kind(expected)
    if want == "number":
        reread = _as_number(text)
        if reread is not None:
            correct = _numbers_match(reread, float(expected))  # type: ignore[arg-type]
            return Verdict(correct, True, "Right." if correct else "Wrong.")
    try:
        typed = parse_answer(text)
    except AnswerError as err:
        return Verdict(False, False, str(err))
    if typed.kind != want:
        hints = {
            "number": "Wrong: the answer is a number.",
            "shape": "Wrong: the answer is a shape, like "
                     + ("H×W×C." if want == "shape" and len(expected) == 3 else "H×W."),
            "none": "Wrong: these settings give no output.",
        }
        if want != "none" and typed.kind == "none":
            return Verdict(False, True, "Wrong: there is an output.")
        return Verdict(False, True, hints[want])
    if want == "none":
        return Verdict(True, True, "Right.")
    if want == "shape":
        correct = tuple(typed.value) == tuple(int(v) for v in expected)  # type: ignore[union-attr]
    else:
        correct = _numbers_match(float(typed.value), float(expected))  # type: ignore[arg-type]
    return Verdict(correct, True, "Right." if correct else "Wrong.")


def answer_text(answer: ExpectedAnswer) -> str:
    """An answer as a student writes it: ``−5``, ``2.333`` (a non-integer to 3 decimal
    places, so it is within :data:`DECIMAL_TOLERANCE`), ``63×63×16``, ``none (no output)``."""
    kind = _kind(answer)
    if kind == "none":
        return "none (no output)"
    if kind == "shape":
        return "×".join(str(int(v)) for v in answer)  # type: ignore[union-attr]
    value = float(answer)  # type: ignore[arg-type]
    if value.is_integer():
        return format_number(value)
    body = f"{abs(value):.3f}".rstrip("0").rstrip(".")
    return f"{MINUS}{body}" if value < 0 and body != "0" else body
