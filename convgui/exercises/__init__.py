"""Exercise sheets with worked answers, and the pieces a quiz needs. No Qt here.

:func:`generate_sheet` / :func:`exercise_at` make :class:`Exercise` objects (question, the
matrices that go with it, JSON parameters, the answer, the worked solution);
:meth:`Exercise.check` / :func:`check_answer` judge a typed answer; :mod:`.render` writes a
sheet and its answer key as Markdown, HTML, PDF or JSON; :mod:`.catalog` names the topics,
difficulties and formats.

The names below are loaded on first use, so importing :mod:`.catalog` (the command line's
option checking) does not load NumPy and the engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from convgui.exercises.answers import (
        Answer,
        AnswerError,
        Verdict,
        answer_text,
        check_answer,
        parse_answer,
    )
    from convgui.exercises.catalog import DIFFICULTIES, TOPIC_TITLES, TOPICS, parse_topics
    from convgui.exercises.generate import (
        Exercise,
        Grid,
        exercise_at,
        generate_sheet,
        make_exercise,
    )

_HOMES = {
    "answers": ("Answer", "AnswerError", "Verdict", "answer_text", "check_answer",
                "parse_answer"),
    "catalog": ("DIFFICULTIES", "TOPICS", "TOPIC_TITLES", "parse_topics"),
    "generate": ("Exercise", "Grid", "exercise_at", "generate_sheet", "make_exercise"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "DIFFICULTIES", "TOPICS", "TOPIC_TITLES", "Answer", "AnswerError", "Exercise", "Grid",
    "Verdict", "answer_text", "check_answer", "exercise_at", "generate_sheet", "make_exercise",
    "parse_answer", "parse_topics",
]


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
