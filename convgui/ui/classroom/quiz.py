"""The Quiz tab: generated exercises one at a time, answers checked at once, a score.

Exercises come from :func:`convgui.exercises.exercise_at` — exercise ``n`` of the sequence
for the chosen seed, difficulty and topics, so a class given the same seed sees the same
exercises — and are made off the GUI thread (they compute convolutions). The student types a
number, a shape like ``63x63x16`` or ``none``; :meth:`Exercise.check` judges it. Text that is
not an answer at all is explained and asked again; it never counts as wrong.

Scoring (:class:`convgui.quiz.QuizSession`): an exercise counts once, with the first answer
that could be read, or as not right when its solution is shown before any answer; later answers
still say right or wrong. Changing the seed, the difficulty or the topics starts a new session.
"Export sheet…" writes the session's exercises (every one shown so far) as a student sheet and
its answer key, exactly as ``convgui exercises`` would for the same count, seed, difficulty and
topics.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
from superqt import QFlowLayout

from convgui.atomic import quote_path
from convgui.exercises import Exercise, Verdict, exercise_at
from convgui.exercises.render import format_for_path
from convgui.quiz import (
    QuizOptions,
    QuizSession,
    feedback_html,
    random_seed,
    solution_html,
    write_sheets,
)
from convgui.ui.classroom.grid_widgets import NumberGrid, scaled_font
from convgui.ui.classroom.quiz_options import QuizOptionsBar
from convgui.ui.lesson_exports import ask_save_path
from convgui.ui.tasks import LatestTask, stop_task

__all__ = ["SHEET_FILTERS", "QuizPanel"]

SHEET_FILTERS = ("Markdown (*.md);;HTML, printable (*.html);;PDF (*.pdf);;"
                 "JSON, with parameters (*.json)")


class QuizPanel(QWidget):
    """The Quiz tab (see the module docstring). ``message(str)`` says what was exported or
    why not (also shown in the panel)."""

    message = Signal(str)

    def __init__(self, parent: QWidget | None = None, seed: int | None = None) -> None:
        super().__init__(parent)
        self._session = QuizSession(QuizOptions(random_seed() if seed is None else int(seed)))
        self._pending_index: int | None = None  # the exercise being made
        self._exporting = False
        self._task = LatestTask()  # no parent: stopped in closeEvent / on destroyed
        self._task.finishedOk.connect(self._on_exercise)
        self._task.failed.connect(self._on_failed)
        self._export_task = LatestTask()
        self._export_task.finishedOk.connect(self._on_exported)
        self._export_task.failed.connect(self._on_export_failed)
        for task in (self._task, self._export_task):
            self.destroyed.connect(lambda *_, task=task: stop_task(task))
        self._build()
        self.restart()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self._options_bar = QuizOptionsBar(self._session.options)
        self.difficulty_box = self._options_bar.difficulty_box
        self.topics_button = self._options_bar.topics_button
        self.topic_actions = self._options_bar.topic_actions
        self.seed_spin = self._options_bar.seed_spin
        self.new_seed_button = self._options_bar.new_seed_button
        self.export_button = self._options_bar.export_button
        self._options_bar.difficultyChosen.connect(lambda name: self.set_options(difficulty=name))
        self._options_bar.seedChosen.connect(lambda seed: self.set_options(seed=seed))
        self._options_bar.topicsChosen.connect(self._choose_topics)
        self._options_bar.exportRequested.connect(lambda: self.export_sheet())

        self.heading_label = QLabel()
        self.score_label = QLabel()
        self.score_label.setToolTip("Each exercise counts once: its first answer that could be "
                                    "read; showing the solution first counts as not right")
        heading_row = QHBoxLayout()
        heading_row.addWidget(self.heading_label, 1)
        heading_row.addWidget(self.score_label)
        self.question_label = QLabel()
        self.question_label.setWordWrap(True)
        self.question_label.setTextFormat(Qt.TextFormat.PlainText)
        self.question_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.grids_area = QWidget()
        self._grids_flow = QFlowLayout(self.grids_area)
        self._grids_flow.setContentsMargins(0, 0, 0, 0)
        self.grid_widgets: list[NumberGrid] = []

        self.answer_form_label = QLabel()
        self.answer_edit = QLineEdit()
        self.answer_edit.setPlaceholderText("a number, a shape like 63x63x16, or none")
        self.answer_edit.setAccessibleName("Your answer")
        self.answer_edit.setToolTip("Type the answer (a number, a shape like 63x63x16, or "
                                    "none), then Enter or Check")
        self.answer_form_label.setBuddy(self.answer_edit)
        self.answer_edit.returnPressed.connect(self.check)
        self.check_button = QPushButton("Check")
        self.check_button.clicked.connect(self.check)
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.answer_form_label)
        answer_row.addWidget(self.answer_edit, 1)
        answer_row.addWidget(self.check_button)
        self.feedback_label = QLabel()
        self.feedback_label.setWordWrap(True)
        self.feedback_label.setTextFormat(Qt.TextFormat.RichText)

        self.solution_button = QPushButton("Show solution")
        self.solution_button.clicked.connect(self.show_solution)
        self.next_button = QPushButton("Next exercise")
        self.next_button.clicked.connect(self.next_exercise)
        buttons = QHBoxLayout()
        buttons.addWidget(self.solution_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        self.solution_label = QLabel()
        self.solution_label.setWordWrap(True)
        self.solution_label.setTextFormat(Qt.TextFormat.RichText)
        self.solution_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.solution_label.hide()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message.connect(self.message_label.setText)

        layout = QVBoxLayout(self)
        layout.addWidget(self._options_bar)
        layout.addLayout(heading_row)
        layout.addWidget(self.question_label)
        layout.addWidget(self.grids_area)
        layout.addLayout(answer_row)
        layout.addWidget(self.feedback_label)
        layout.addLayout(buttons)
        layout.addWidget(self.solution_label)
        layout.addStretch(1)
        layout.addWidget(self.message_label)
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        """Sizes from the widget's font, so presentation mode enlarges everything."""
        self.heading_label.setFont(scaled_font(self.font(), 1.35, bold=True))
        self.score_label.setFont(scaled_font(self.font(), 1.2, bold=True))
        self.question_label.setFont(scaled_font(self.font(), 1.2))
        answer_font = scaled_font(self.font(), 1.3)
        self.answer_edit.setFont(answer_font)
        self.answer_edit.setMinimumWidth(QFontMetrics(answer_font).horizontalAdvance("0" * 16))
        self.feedback_label.setFont(scaled_font(self.font(), 1.2, bold=True))
        self.solution_label.setFont(scaled_font(self.font(), 1.1))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()
        super().changeEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._task.stop()
        self._export_task.stop()
        super().closeEvent(event)

    # ------------------------------------------------------------------ options and session
    def options(self) -> tuple[int, str, tuple[str, ...]]:
        """(seed, difficulty, topics) of this session."""
        return self._session.options.as_tuple()

    def set_options(self, seed: int | None = None, difficulty: str | None = None,
                    topics: Sequence[str] | None = None) -> None:
        """Change any of the options; a change starts a new session (ValueError for a
        difficulty or topic the generator does not know, or no topic)."""
        options = self._session.options.changed(seed, difficulty, topics)
        if options == self._session.options:
            return
        self._options_bar.show_options(options)
        self.restart(options)

    def _choose_topics(self, topics: list[str]) -> None:
        if not topics:  # at least one topic: keep the one just unticked
            self._options_bar.show_options(self._session.options)
            self.message.emit("Keep at least one topic.")
            return
        self.set_options(topics=topics)

    def restart(self, options: QuizOptions | None = None) -> None:
        """A new session with ``options`` (None: the current ones): exercise 1, score 0."""
        self._session.restart(options or self._session.options)
        self._request(0)

    def _request(self, index: int) -> None:
        self._pending_index = index
        self._show_waiting()
        options = self._session.options
        self._task.submit(exercise_at, options.seed, index, difficulty=options.difficulty,
                          topics=options.topics)

    def next_exercise(self) -> None:
        """Go on to the next exercise of the sequence."""
        if self._pending_index is None:
            self._request(len(self._session.exercises))

    def _on_exercise(self, seq: int, exercise: Exercise) -> None:
        if seq != self._task.latest_seq or self._pending_index is None:
            return
        self._pending_index = None
        self._session.add(exercise)
        self._show_exercise(exercise)

    def _on_failed(self, seq: int, message: str, _is_shape_error: bool) -> None:
        if seq != self._task.latest_seq:
            return
        self._pending_index = None
        self.heading_label.setText("No exercise")
        self.question_label.setText(f"Cannot make an exercise: {message}")
        self._set_answering(False)

    # ------------------------------------------------------------------ showing
    def _set_answering(self, on: bool) -> None:
        for widget in (self.answer_edit, self.check_button, self.solution_button):
            widget.setEnabled(on)
        self.next_button.setEnabled(self._pending_index is None)

    def _show_waiting(self) -> None:
        self.heading_label.setText(f"Exercise {self._pending_index + 1}")
        self.question_label.setText("Making the exercise…")
        self._set_grids(())
        self._reset_answer()
        self._set_answering(False)
        self._show_score()

    def _reset_answer(self) -> None:
        self.answer_edit.clear()
        self.answer_form_label.setText("Answer:")
        self.feedback_label.clear()
        self.solution_label.clear()
        self.solution_label.hide()

    def _show_exercise(self, exercise: Exercise) -> None:
        self.heading_label.setText(
            f"Exercise {len(self._session.exercises)} · {exercise.title}")
        self.question_label.setText(exercise.question)
        self._set_grids(exercise.grids)
        self._reset_answer()
        self.answer_form_label.setText(f"Answer ({exercise.answer_form}):")
        self._set_answering(True)
        self._show_score()
        self.answer_edit.setFocus()

    def _set_grids(self, grids: Sequence) -> None:
        while self._grids_flow.count():
            item = self._grids_flow.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # at once: deleteLater waits for the event loop
                item.widget().deleteLater()
        self.grid_widgets = []
        for grid in grids:
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            label = QLabel(grid.label)
            label.setTextFormat(Qt.TextFormat.PlainText)
            column.addWidget(label)
            numbers = NumberGrid()
            numbers.set_values(np.array(grid.rows, dtype=np.float64))
            numbers.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            column.addWidget(numbers)
            self._grids_flow.addWidget(box)
            self.grid_widgets.append(numbers)
        self.grids_area.setVisible(bool(grids))

    def _show_score(self) -> None:
        self.score_label.setText("Score: {} of {}".format(*self._session.score()))

    # ------------------------------------------------------------------ answering
    def check(self) -> Verdict | None:
        """Judge the answer line against the shown exercise (None while there is none)."""
        if self.current_exercise() is None:
            return None
        verdict = self._session.check(self.answer_edit.text())
        self._show_score()
        self.feedback_label.setText(feedback_html(verdict))
        self.answer_edit.selectAll()
        return verdict

    def show_solution(self) -> None:
        """Reveal the answer and the worked solution (counts as not right if unanswered)."""
        exercise = self.current_exercise()
        if exercise is None:
            return
        self._session.reveal()
        self._show_score()
        self.solution_label.setText(solution_html(exercise))
        self.solution_label.show()

    # ------------------------------------------------------------------ exporting
    def export_sheet(self, path: str | None = None) -> None:
        """Write the session's exercises to ``path`` (asked for when None; the format from its
        extension) and the answer key beside it (:func:`convgui.quiz.key_path`), off the GUI
        thread;
        ``message`` says where."""
        exercises = list(self._session.exercises)
        if not exercises:
            self.message.emit("There is no exercise to export yet.")
            return
        if path is None:
            path = ask_save_path(self.window(), "Export exercise sheet", "exercises.md",
                                 SHEET_FILTERS)
            if path is None:
                return
        fmt = format_for_path(path)
        if fmt is None:
            self.message.emit(f"Sheet not written: {quote_path(path)} is not .md, .html, .pdf "
                              "or .json")
            return
        self._exporting = True
        self.export_button.setEnabled(False)
        self.message.emit(f"Writing {len(exercises)} exercises…")
        # off the GUI thread: a PDF takes a while
        self._export_task.submit(write_sheets, exercises, self._session.options.sheet_info(),
                                 path, fmt)

    def _on_exported(self, seq: int, paths: tuple[Path, Path]) -> None:
        if seq != self._export_task.latest_seq:
            return
        self._exporting = False
        self.export_button.setEnabled(True)
        sheet, key = paths
        self.message.emit(f"Saved the sheet {quote_path(sheet)} and the answer key "
                          f"{quote_path(key)}.")

    def _on_export_failed(self, seq: int, message: str, _is_shape_error: bool) -> None:
        if seq != self._export_task.latest_seq:
            return
        self._exporting = False
        self.export_button.setEnabled(True)
        self.message.emit(f"Sheet not written: {message}")

    # ------------------------------------------------------------------ for tests and callers
    def is_ready(self) -> bool:
        """True when no exercise is being made and no sheet is being written."""
        return self._pending_index is None and not self._exporting

    def current_exercise(self) -> Exercise | None:
        """The exercise shown, or None while one is being made."""
        return None if self._pending_index is not None else self._session.current()

    def exercises(self) -> list[Exercise]:
        """The session's exercises so far, the shown one last."""
        return list(self._session.exercises)

    def score(self) -> tuple[int, int]:
        """(right, counted)."""
        return self._session.score()
