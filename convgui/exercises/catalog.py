"""What the exercise generator offers: topics, difficulties and sheet formats.

Kept free of NumPy and SciPy so that ``convgui exercises --help`` and option checking start
fast; :mod:`convgui.exercises.generate` and :mod:`convgui.exercises.render` use these names.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

__all__ = ["DIFFICULTIES", "FORMATS", "TOPICS", "TOPIC_TITLES", "format_for_path",
           "parse_topics"]

TOPICS = ("output-size", "value", "rgb", "pooling", "merge", "parameters", "no-output")
DIFFICULTIES = ("easy", "medium", "hard")
TOPIC_TITLES = {
    "output-size": "Output size",
    "value": "One output value",
    "rgb": "A filter over an RGB input",
    "pooling": "Pooling",
    "merge": "Merging feature maps",
    "parameters": "Parameters of a layer",
    "no-output": "Output or no output?",
}
FORMATS = ("md", "html", "pdf", "json")
_EXTENSIONS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf",
               ".json": "json"}


def parse_topics(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """Topics from ``"value,pooling"`` (or a list); None, ``""`` or ``"all"`` mean every topic.
    Duplicates are dropped, order is kept; an unknown name raises ValueError naming the valid
    ones."""
    if text is None:
        return TOPICS
    names = text.split(",") if isinstance(text, str) else list(text)
    names = [n.strip().lower() for n in names if n.strip()]
    if not names or names == ["all"]:
        return TOPICS
    unknown = [n for n in names if n not in TOPICS]
    if unknown:
        raise ValueError(f"unknown topic {unknown[0]!r}: use {', '.join(TOPICS)} (or all)")
    return tuple(dict.fromkeys(names))


def format_for_path(path: str | os.PathLike[str]) -> str | None:
    """``"md"``, ``"html"``, ``"pdf"`` or ``"json"`` from the file's extension, else None."""
    return _EXTENSIONS.get(os.path.splitext(os.fspath(path))[1].lower())
