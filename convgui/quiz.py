"""A quiz session, without Qt: its options, the exercises shown so far, the score, the texts the
Quiz tab shows, and the session written out as a sheet and its answer key.

Options (:class:`QuizOptions`) are a seed, a difficulty and the topics; exercise ``n`` of a
session is :func:`convgui.exercises.exercise_at` for them, so a class given the same seed sees
the same exercises.

Scoring (:class:`QuizSession`): an exercise counts once, with the first answer that could be
read, or as not right when its solution is shown before any answer; later answers still say
right or wrong. Text that is not an answer at all is explained and asked again; it never
counts.
"""

from __future__ import annotations

import html
import os
import secrets
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from pathlib import Path

from convgui.atomic import atomic_write
from convgui.exercises import DIFFICULTIES, TOPIC_TITLES, TOPICS, Exercise, Verdict
from convgui.exercises.render import SheetInfo, render

__all__ = ["MAX_SEED", "RIGHT_COLOUR", "WRONG_COLOUR", "QuizOptions", "QuizSession",
           "feedback_html", "key_path", "random_seed", "solution_html", "topics_label",
           "write_sheets"]

MAX_SEED = 2**31 - 1  # the Quiz tab's seed box holds an int32
_RANDOM_SEEDS = 100_000  # random seeds stay short enough to read out to a class
RIGHT_COLOUR, WRONG_COLOUR = "#1b7a2e", "#b3261e"  # dark enough on light and high-contrast


def random_seed() -> int:
    """A new random seed, 0 to 99 999."""
    return secrets.randbelow(_RANDOM_SEEDS)


@dataclass(frozen=True)
class QuizOptions:
    """A session's seed (0 to :data:`MAX_SEED`), difficulty and topics (in the order of
    :data:`convgui.exercises.TOPICS`)."""

    seed: int
    difficulty: str = "medium"
    topics: tuple[str, ...] = TOPICS

    def changed(self, seed: int | None = None, difficulty: str | None = None,
                topics: Sequence[str] | None = None) -> QuizOptions:
        """These options with any of them changed (None: kept); ValueError for a seed out of
        range, a difficulty or topic the generator does not know, or no topic."""
        seed = self.seed if seed is None else int(seed)
        difficulty = self.difficulty if difficulty is None else difficulty
        chosen = self.topics if topics is None else tuple(t for t in TOPICS if t in topics)
        if not 0 <= seed <= MAX_SEED:
            raise ValueError(f"the seed must be 0 to {MAX_SEED}, got {seed}")
        if difficulty not in DIFFICULTIES:
            raise ValueError(f"unknown difficulty {difficulty!r}: use {', '.join(DIFFICULTIES)}")
        unknown = [t for t in (topics or ()) if t not in TOPICS]
        if unknown or not chosen:
            raise ValueError(f"choose topics among {', '.join(TOPICS)}")
        return QuizOptions(seed, difficulty, chosen)

    def as_tuple(self) -> tuple[int, str, tuple[str, ...]]:
        """(seed, difficulty, topics)."""
        return astuple(self)  # type: ignore[return-value]

    def sheet_info(self) -> SheetInfo:
        """The header of this session's sheet: how to make the same sheet again."""
        return SheetInfo(self.seed, self.difficulty, self.topics)


class QuizSession:
    """The exercises shown so far with ``options`` (the newest is the current one) and the
    score (see the module docstring)."""

    def __init__(self, options: QuizOptions) -> None:
        self.options = options
        self.exercises: list[Exercise] = []
        self._scored = False  # the current exercise has counted
        self._correct = self._answered = 0

    def restart(self, options: QuizOptions) -> None:
        """A new session with ``options``: no exercise yet, score 0."""
        self.options = options
        self.exercises = []
        self._correct = self._answered = 0

    def add(self, exercise: Exercise) -> None:
        """Go on to ``exercise``; it has not counted yet."""
        self.exercises.append(exercise)
        self._scored = False

    def current(self) -> Exercise | None:
        """The newest exercise, or None before the first."""
        return self.exercises[-1] if self.exercises else None

    def check(self, answer: str) -> Verdict | None:
        """Judge ``answer`` to the current exercise (None without one); the first readable
        answer counts."""
        exercise = self.current()
        if exercise is None:
            return None
        verdict = exercise.check(answer)
        if verdict.readable and not self._scored:
            self._scored = True
            self._answered += 1
            self._correct += int(verdict.correct)
        return verdict

    def reveal(self) -> None:
        """The current exercise's solution is shown: it counts as not right if unanswered."""
        if self.current() is not None and not self._scored:
            self._scored = True
            self._answered += 1

    def score(self) -> tuple[int, int]:
        """(right, counted)."""
        return self._correct, self._answered


def topics_label(topics: Sequence[str]) -> str:
    """How a choice of topics reads on its button: "All topics", one or two titles, or
    "3 topics"."""
    if tuple(topics) == TOPICS:
        return "All topics"
    if len(topics) <= 2:
        return ", ".join(TOPIC_TITLES[t] for t in topics)
    return f"{len(topics)} topics"


def feedback_html(verdict: Verdict) -> str:
    """What an answer's verdict says, as rich text: green ✓ when right, red ✗ and a hint when
    wrong, "Try again." when it could not be read."""
    if not verdict.readable:
        return html.escape(f"{verdict.feedback.rstrip('.')}. Try again.")
    feedback = html.escape(verdict.feedback)
    if verdict.correct:
        return f"<span style='color:{RIGHT_COLOUR}'>✓ {feedback}</span>"
    return (f"<span style='color:{WRONG_COLOUR}'>✗ {feedback}</span>"
            " Try again, or show the solution.")


def solution_html(exercise: Exercise) -> str:
    """The answer in bold and the worked solution as a numbered list, as rich text."""
    lines = "".join(f"<li>{html.escape(line)}</li>" for line in exercise.solution)
    return f"<b>Answer: {html.escape(exercise.answer_text)}</b><ol>{lines}</ol>"


def key_path(sheet: str | os.PathLike[str]) -> Path:
    """Where the answer key of ``sheet`` goes: ``quiz.md`` → ``quiz-answers.md``."""
    path = Path(sheet)
    return path.with_name(f"{path.stem}-answers{path.suffix}")


def write_sheets(exercises: Sequence[Exercise], info: SheetInfo, sheet: str | os.PathLike[str],
                 fmt: str) -> tuple[Path, Path]:
    """Render ``exercises`` as a sheet and its key in ``fmt`` and write both atomically, to
    ``sheet`` and :func:`key_path` of it; returns their paths."""
    files = [(Path(sheet), render(exercises, info, fmt, key=False)),
             (key_path(sheet), render(exercises, info, fmt, key=True))]
    for path, data in files:
        atomic_write(path, lambda fh, data=data: fh.write(data))
    return files[0][0], files[1][0]
