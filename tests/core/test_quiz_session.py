"""Tests for convgui.quiz: a quiz session's options, its score rules, its texts and its sheet,
headless. The exercises are the generator's own (seeded); the score is counted by hand."""

from __future__ import annotations

import html

import pytest

from convgui.exercises import TOPICS, exercise_at
from convgui.exercises.render import SheetInfo, render
from convgui.quiz import (
    MAX_SEED,
    RIGHT_COLOUR,
    WRONG_COLOUR,
    QuizOptions,
    QuizSession,
    feedback_html,
    key_path,
    random_seed,
    solution_html,
    topics_label,
    write_sheets,
)

SEED = 11


def exercise(n: int, topics: tuple[str, ...] = ("value",)):
    return exercise_at(SEED, n, difficulty="easy", topics=topics)


def test_options_change_one_at_a_time_and_refuse_what_the_generator_lacks():
    options = QuizOptions(SEED)
    assert options.as_tuple() == (SEED, "medium", TOPICS)
    assert options.changed() == options
    assert options.changed(difficulty="hard").as_tuple() == (SEED, "hard", TOPICS)
    # topics keep the generator's order whatever order they are given in
    assert options.changed(topics=["merge", "pooling"]).topics == ("pooling", "merge")
    assert options.changed(seed=MAX_SEED).seed == MAX_SEED
    for bad in ({"seed": -1}, {"seed": MAX_SEED + 1}, {"difficulty": "impossible"},
                {"topics": []}, {"topics": ["value", "astrology"]}):
        with pytest.raises(ValueError):
            options.changed(**bad)
    info = options.changed(difficulty="easy", topics=["value"]).sheet_info()
    assert info == SheetInfo(SEED, "easy", ("value",))
    assert all(0 <= random_seed() < 100_000 for _ in range(50))


def test_the_first_readable_answer_counts_once():
    session = QuizSession(QuizOptions(SEED))
    assert session.current() is None and session.check("3") is None
    first = exercise(0)
    session.add(first)
    unreadable = session.check("banana")
    assert not unreadable.readable and session.score() == (0, 0)
    assert session.check(first.answer_text).correct and session.score() == (1, 1)
    assert not session.check("99999").correct and session.score() == (1, 1)  # not again
    second = exercise(1)
    session.add(second)
    assert session.current() is second
    assert not session.check("99999").correct and session.score() == (1, 2)
    assert session.check(second.answer_text).correct and session.score() == (1, 2)


def test_showing_the_solution_first_counts_as_not_right():
    session = QuizSession(QuizOptions(SEED))
    session.reveal()  # nothing shown yet: nothing counts
    assert session.score() == (0, 0)
    first = exercise(0)
    session.add(first)
    session.reveal()
    session.reveal()
    assert session.score() == (0, 1)
    assert session.check(first.answer_text).correct and session.score() == (0, 1)
    session.restart(QuizOptions(7))
    assert session.score() == (0, 0) and session.exercises == []
    assert session.options == QuizOptions(7)


def test_texts_for_the_tab():
    assert topics_label(TOPICS) == "All topics"
    assert topics_label(("value",)) == "One output value"
    assert topics_label(("value", "pooling")) == "One output value, Pooling"
    assert topics_label(("value", "pooling", "merge")) == "3 topics"
    first = exercise(0)
    right = feedback_html(first.check(first.answer_text))
    assert right.startswith(f"<span style='color:{RIGHT_COLOUR}'>✓ ")
    wrong = feedback_html(first.check("99999"))
    assert wrong.startswith(f"<span style='color:{WRONG_COLOUR}'>✗ ")
    assert wrong.endswith(" Try again, or show the solution.")
    unreadable = feedback_html(first.check("<b>"))
    assert unreadable.endswith("Try again.") and "<b>" not in unreadable
    solution = solution_html(first)
    assert solution.startswith(f"<b>Answer: {html.escape(first.answer_text)}</b><ol><li>")
    assert solution.count("<li>") == len(first.solution)


def test_the_sheet_and_its_key_are_written_beside_each_other(tmp_path):
    assert key_path("quiz.md").name == "quiz-answers.md"
    assert key_path(tmp_path / "a.b.pdf") == tmp_path / "a.b-answers.pdf"
    exercises = [exercise(n) for n in range(2)]
    info = SheetInfo(SEED, "easy", ("value",))
    sheet, key = write_sheets(exercises, info, tmp_path / "lesson.md", "md")
    assert (sheet, key) == (tmp_path / "lesson.md", tmp_path / "lesson-answers.md")
    assert sheet.read_bytes() == render(exercises, info, "md", key=False)
    assert key.read_bytes() == render(exercises, info, "md", key=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson-answers.md", "lesson.md"]
