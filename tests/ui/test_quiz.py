"""The Quiz tab: answers in every form a student types, the score, the solution, the export."""

import json

import numpy as np
import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from convgui.exercises import TOPICS, exercise_at, generate_sheet
from convgui.exercises.render import SheetInfo, render
from convgui.quiz import key_path
from convgui.ui.classroom.quiz import QuizPanel

SEED = 11


@pytest.fixture
def quiz(qtbot):
    panel = QuizPanel(seed=SEED)
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    qtbot.waitUntil(panel.is_ready, timeout=5000)
    return panel


def set_options(qtbot, quiz, **options):
    quiz.set_options(**options)
    qtbot.waitUntil(quiz.is_ready, timeout=5000)


def next_exercise(qtbot, quiz):
    quiz.next_button.click()
    qtbot.waitUntil(quiz.is_ready, timeout=5000)


def answer(quiz, text):
    quiz.answer_edit.setText(text)
    quiz.check_button.click()
    return quiz.feedback_label.text()


def brute_force_value(params):
    """Output params["cell"] by the definition: bias + Σ Xp[i·sh + a·dh, j·sw + b·dw]·K[a, b]
    (K rotated 180° for a true convolution), zero padding."""
    x = np.array(params["input"], dtype=float)
    k = np.array(params["kernel"], dtype=float)
    if params["flip"]:
        k = k[::-1, ::-1]
    xp = np.pad(x, params["padding"])
    (sh, sw), (dh, dw), (i, j) = params["stride"], params["dilation"], params["cell"]
    total = params["bias"]
    for a in range(k.shape[0]):
        for b in range(k.shape[1]):
            total += xp[i * sh + a * dh, j * sw + b * dw] * k[a, b]
    return total


def independent_shape(params):
    """The output shape from the size formulas, or None when an axis has no output."""
    sizes = []
    for axis in range(2):
        n, k = params["input_shape"][axis], params["kernel_shape"][axis]
        top, bottom = params["padding"][axis]
        s, d = params["stride"][axis], params["dilation"][axis]
        if params["op"] == "transposed":
            out = (n - 1) * s - top - bottom + d * (k - 1) + params["output_padding"][axis] + 1
        else:
            span = d * (k - 1) + 1
            out = (n + top + bottom - span) // s + 1 if n + top + bottom >= span else 0
        if out < 1:
            return None
        sizes.append(out)
    if len(params["input_shape"]) == 3:
        depth = (params["input_shape"][2] if params["op"] in ("max", "avg")
                 else params["filters"])
        sizes.append(depth)
    return sizes


def test_first_exercise_is_the_seeded_one_with_its_grids(quiz):
    expected = exercise_at(SEED, 0, difficulty="medium", topics=TOPICS)
    shown = quiz.current_exercise()
    assert shown.question == expected.question and shown.answer == expected.answer
    assert quiz.question_label.text() == expected.question
    assert len(quiz.grid_widgets) == len(expected.grids)
    for widget, grid in zip(quiz.grid_widgets, expected.grids, strict=True):
        assert widget.shape() == (len(grid.rows), len(grid.rows[0]))
    assert quiz.score() == (0, 0) and quiz.score_label.text() == "Score: 0 of 0"


def test_a_number_is_accepted_and_a_wrong_one_refused(qtbot, quiz):
    set_options(qtbot, quiz, topics=["value"])
    value = brute_force_value(quiz.current_exercise().params)
    assert "Right" in answer(quiz, f"{value:g}")
    assert quiz.score() == (1, 1)
    next_exercise(qtbot, quiz)
    value = brute_force_value(quiz.current_exercise().params)
    assert "Wrong" in answer(quiz, f"{value + 1:g}")
    assert quiz.score() == (1, 2)
    # a negative typed with the Unicode minus or an ASCII one reads the same
    assert "Right" in answer(quiz, f"{value:g}".replace("-", "\u2212"))
    assert quiz.score() == (1, 2), "only the first readable answer counts"


def test_shapes_in_every_typed_form(qtbot, quiz):
    set_options(qtbot, quiz, topics=["output-size"])
    for _ in range(4):
        shape = independent_shape(quiz.current_exercise().params)
        assert shape is not None
        forms = ["x".join(map(str, shape)), " × ".join(map(str, shape)),
                 "(" + ", ".join(map(str, shape)) + ")", "X".join(map(str, shape))]
        for form in forms:
            assert "Right" in answer(quiz, form), form
        wrong = list(shape)
        wrong[0] += 1
        assert "Wrong" in answer(quiz, "x".join(map(str, wrong)))
        assert "Wrong" in answer(quiz, "none")
        next_exercise(qtbot, quiz)
    assert quiz.score() == (4, 4)


def test_none_is_right_exactly_when_there_is_no_output(qtbot, quiz):
    set_options(qtbot, quiz, topics=["no-output"])
    seen = set()
    for _ in range(8):
        shape = independent_shape(quiz.current_exercise().params)
        if shape is None:
            assert "Right" in answer(quiz, "none")
            assert "Right" in answer(quiz, "No output: the kernel is too large")
            assert "Wrong" in answer(quiz, "3x3")
        else:
            assert "Wrong" in answer(quiz, "none")
            assert "Right" in answer(quiz, "x".join(map(str, shape)))
        seen.add(shape is None)
        next_exercise(qtbot, quiz)
    assert seen == {True, False}, "both kinds of exercise were tried"


def test_unreadable_input_asks_again_and_does_not_count(qtbot, quiz):
    set_options(qtbot, quiz, topics=["value"])
    value = brute_force_value(quiz.current_exercise().params)
    for text in ("", "banana", "3 apples"):
        feedback = answer(quiz, text)
        assert "Try again" in feedback and "Wrong" not in feedback and "Right" not in feedback
        assert quiz.score() == (0, 0)
    assert "Right" in answer(quiz, f"{value:g}")
    assert quiz.score() == (1, 1)


def test_solution_appears_and_showing_it_first_counts_as_not_right(qtbot, quiz):
    set_options(qtbot, quiz, topics=["pooling"])
    exercise = quiz.current_exercise()
    assert quiz.solution_label.isHidden()
    quiz.solution_button.click()
    assert not quiz.solution_label.isHidden()
    text = quiz.solution_label.text()
    assert exercise.answer_text in text
    for line in exercise.solution:
        assert line.replace("<", "&lt;").replace(">", "&gt;") in text
    assert quiz.score() == (0, 1)
    assert "Right" in answer(quiz, exercise.answer_text)  # still checked, no longer counted
    assert quiz.score() == (0, 1)
    next_exercise(qtbot, quiz)
    assert quiz.solution_label.isHidden() and quiz.feedback_label.text() == ""
    assert quiz.answer_edit.text() == ""


def test_options_start_a_new_session(qtbot, quiz):
    assert "Right" in answer(quiz, quiz.current_exercise().answer_text)
    next_exercise(qtbot, quiz)
    set_options(qtbot, quiz, difficulty="hard", topics=["merge", "pooling"])
    assert quiz.score() == (0, 0) and len(quiz.exercises()) == 1
    expected = exercise_at(SEED, 0, difficulty="hard", topics=("pooling", "merge"))
    assert quiz.current_exercise().question == expected.question
    assert quiz.options() == (SEED, "hard", ("pooling", "merge"))
    assert quiz.difficulty_box.currentText() == "hard"
    assert [t for t, a in quiz.topic_actions.items() if a.isChecked()] == ["pooling", "merge"]
    # the seed box: typing a seed and leaving the box starts the session for that seed
    quiz.seed_spin.setValue(99)
    quiz.seed_spin.editingFinished.emit()
    qtbot.waitUntil(quiz.is_ready, timeout=5000)
    assert quiz.options()[0] == 99
    assert quiz.current_exercise().question == exercise_at(
        99, 0, difficulty="hard", topics=("pooling", "merge")).question
    # unticking every topic keeps the last one
    for topic in ("merge", "pooling"):
        quiz.topic_actions[topic].setChecked(False)
    assert quiz.options()[2] == ("pooling",)
    assert quiz.topic_actions["pooling"].isChecked()


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_export_writes_the_sheet_and_key_the_renderer_makes(qtbot, quiz, tmp_path, fmt):
    set_options(qtbot, quiz, difficulty="easy", topics=["value", "rgb", "parameters"])
    next_exercise(qtbot, quiz)
    next_exercise(qtbot, quiz)
    sheet = tmp_path / f"lesson.{fmt}"
    quiz.export_sheet(str(sheet))
    qtbot.waitUntil(quiz.is_ready, timeout=10000)
    exercises = generate_sheet(3, SEED, difficulty="easy", topics=("value", "rgb", "parameters"))
    info = SheetInfo(SEED, "easy", ("value", "rgb", "parameters"))
    assert sheet.read_bytes() == render(exercises, info, fmt, key=False)
    assert key_path(sheet) == tmp_path / f"lesson-answers.{fmt}"
    assert key_path(sheet).read_bytes() == render(exercises, info, fmt, key=True)
    text = sheet.read_text(encoding="utf-8")
    if fmt == "json":
        data = json.loads(text)
        assert [item["answer"] for item in data] == [ex.answer for ex in exercises]
    else:
        assert f"--count 3 --seed {SEED} --difficulty easy" in text
    assert "lesson-answers" in quiz.message_label.text()


def test_export_pdf_writes_two_readable_pdfs(qtbot, quiz, tmp_path):
    sheet = tmp_path / "lesson.pdf"
    quiz.export_sheet(str(sheet))
    qtbot.waitUntil(quiz.is_ready, timeout=20000)
    for path in (sheet, key_path(sheet)):
        data = path.read_bytes()
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert key_path(sheet).stat().st_size > sheet.stat().st_size  # the worked solutions


def test_export_refuses_an_unknown_extension(qtbot, quiz, tmp_path):
    quiz.export_sheet(str(tmp_path / "lesson.txt"))
    assert "not written" in quiz.message_label.text()
    assert list(tmp_path.iterdir()) == []


def test_presentation_font_enlarges_the_quiz(qtbot, quiz):
    set_options(qtbot, quiz, topics=["value"])
    app = QApplication.instance()
    base = app.font()
    question = quiz.question_label.font().pointSizeF()
    cell = quiz.grid_widgets[0].cell_size()
    big = QFont(base)
    big.setPointSizeF(base.pointSizeF() * 1.4)
    try:
        app.setFont(big)
        app.processEvents()  # the widgets hear of it through posted events
        assert quiz.question_label.font().pointSizeF() == pytest.approx(question * 1.4)
        assert quiz.answer_edit.font().pointSizeF() > base.pointSizeF() * 1.4
        assert quiz.grid_widgets[0].cell_size() > cell
    finally:
        app.setFont(base)
        app.processEvents()
    assert quiz.question_label.font().pointSizeF() == pytest.approx(question)
