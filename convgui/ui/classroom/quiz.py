"""The Quiz tab: generated exercises one at a time, answers checked at once, a score.

Exercises come from :func:`convgui.exercises.exercise_at` — exercise ``n`` of the sequence
for the chosen seed, difficulty and topics, so a class given the same seed sees the same
exercises — and are made off the GUI thread (they compute convolutions). The student types a
number, a shape like ``63x63x16`` or ``none``; :meth:`Exercise.check` judges it. Text that is
not an answer at all is explained and asked again; it never counts as wrong.

Scoring: an exercise counts once, with the first answer that could be read, or as not right
when its solution is shown before any answer; later answers still say right or wrong. Changing
the seed, the difficulty or the topics starts a new session. "Export sheet…" writes the
session's exercises (every one shown so far) as a student sheet and its answer key, exactly
as ``convgui exercises`` would for the same count, seed, difficulty and topics.
"""

from __future__ import annotations

import html
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QAction, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from superqt import QFlowLayout

from convgui.atomic import atomic_write, quote_path
from convgui.exercises import DIFFICULTIES, TOPIC_TITLES, TOPICS, Exercise, Verdict, exercise_at
from convgui.exercises.render import SheetInfo, format_for_path, render
from convgui.ui.classroom.grid_widgets import NumberGrid, labelled, scaled_font
from convgui.ui.lesson_exports import ask_save_path
from convgui.ui.tasks import LatestTask, stop_task

__all__ = ["SHEET_FILTERS", "QuizPanel", "key_path"]

MAX_SEED = 2**31 - 1  # a QSpinBox holds an int32
SHEET_FILTERS = ("Markdown (*.md);;HTML, printable (*.html);;PDF (*.pdf);;"
                 "JSON, with parameters (*.json)")
RIGHT_COLOUR, WRONG_COLOUR = "#1b7a2e", "#b3261e"  # dark enough on light and high-contrast


def key_path(sheet: str | os.PathLike[str]) -> Path:
    """Where the answer key of ``sheet`` goes: ``quiz.md`` → ``quiz-answers.md``."""
    path = Path(sheet)
    return path.with_name(f"{path.stem}-answers{path.suffix}")


def _write_sheets(exercises: Sequence[Exercise], info: SheetInfo, sheet: str, fmt: str
                  ) -> tuple[Path, Path]:
    """Render the sheet and its key (off the GUI thread: a PDF takes a while) and write both
    atomically; returns their paths."""
    files = [(Path(sheet), render(exercises, info, fmt, key=False)),
             (key_path(sheet), render(exercises, info, fmt, key=True))]
    for path, data in files:
        atomic_write(path, lambda fh, data=data: fh.write(data))
    return files[0][0], files[1][0]


class QuizPanel(QWidget):
    """The Quiz tab (see the module docstring). ``message(str)`` says what was exported or
    why not (also shown in the panel)."""

    message = Signal(str)

    def __init__(self, parent: QWidget | None = None, seed: int | None = None) -> None:
        super().__init__(parent)
        self._seed = secrets.randbelow(100_000) if seed is None else int(seed)
        self._difficulty = "medium"
        self._topics: tuple[str, ...] = TOPICS
        self._exercises: list[Exercise] = []  # the session so far; the last one is shown
        self._pending_index: int | None = None  # the exercise being made
        self._scored = False  # the shown exercise has counted
        self._correct = self._answered = 0
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
        options = QWidget()
        flow = QFlowLayout(options)
        flow.setContentsMargins(0, 0, 0, 0)
        self.difficulty_box = QComboBox()
        self.difficulty_box.addItems(list(DIFFICULTIES))
        self.difficulty_box.setCurrentText(self._difficulty)
        self.difficulty_box.currentTextChanged.connect(
            lambda text: self.set_options(difficulty=text))
        self.topics_button = QToolButton()
        self.topics_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.topics_button.setToolTip("The kinds of exercise, taken in turn")
        topics_menu = QMenu(self.topics_button)
        self.topic_actions: dict[str, QAction] = {}
        for topic in TOPICS:
            action = topics_menu.addAction(TOPIC_TITLES[topic])
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(self._topics_toggled)
            self.topic_actions[topic] = action
        self.topics_button.setMenu(topics_menu)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, MAX_SEED)
        self.seed_spin.setValue(self._seed)
        self.seed_spin.setToolTip("The same seed gives the same exercises on every computer: "
                                  "give the class one seed")
        self.seed_spin.editingFinished.connect(
            lambda: self.set_options(seed=self.seed_spin.value()))
        self.new_seed_button = QPushButton("New seed")
        self.new_seed_button.setToolTip("Start a new session with a random seed")
        self.new_seed_button.clicked.connect(
            lambda: self.set_options(seed=secrets.randbelow(100_000)))
        self.export_button = QPushButton("Export sheet…")
        self.export_button.setToolTip("Save this session's exercises as a sheet and an answer "
                                      "key with worked solutions (Markdown, HTML, PDF, JSON)")
        self.export_button.clicked.connect(lambda: self.export_sheet())
        self.difficulty_box.setToolTip("How hard the generated exercises are")
        self.topics_button.setAccessibleName("Topics")
        for text, widget in (("Difficult&y:", self.difficulty_box), ("Topics:", self.topics_button),
                             ("Seed:", self.seed_spin)):
            flow.addWidget(labelled(text, widget))
        flow.addWidget(self.new_seed_button)
        flow.addWidget(self.export_button)
        options.setToolTip("Changing an option starts a new session")

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
        layout.addWidget(options)
        layout.addLayout(heading_row)
        layout.addWidget(self.question_label)
        layout.addWidget(self.grids_area)
        layout.addLayout(answer_row)
        layout.addWidget(self.feedback_label)
        layout.addLayout(buttons)
        layout.addWidget(self.solution_label)
        layout.addStretch(1)
        layout.addWidget(self.message_label)
        self._update_topics_button()
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
        return self._seed, self._difficulty, self._topics

    def set_options(self, seed: int | None = None, difficulty: str | None = None,
                    topics: Sequence[str] | None = None) -> None:
        """Change any of the options; a change starts a new session (ValueError for a
        difficulty or topic the generator does not know, or no topic)."""
        seed = self._seed if seed is None else int(seed)
        difficulty = self._difficulty if difficulty is None else difficulty
        chosen = self._topics if topics is None else tuple(t for t in TOPICS if t in topics)
        if not 0 <= seed <= MAX_SEED:
            raise ValueError(f"the seed must be 0 to {MAX_SEED}, got {seed}")
        if difficulty not in DIFFICULTIES:
            raise ValueError(f"unknown difficulty {difficulty!r}: use {', '.join(DIFFICULTIES)}")
        unknown = [t for t in (topics or ()) if t not in TOPICS]
        if unknown or not chosen:
            raise ValueError(f"choose topics among {', '.join(TOPICS)}")
        if (seed, difficulty, chosen) == self.options():
            return
        self._seed, self._difficulty, self._topics = seed, difficulty, chosen
        with QSignalBlocker(self.seed_spin):
            self.seed_spin.setValue(seed)
        with QSignalBlocker(self.difficulty_box):
            self.difficulty_box.setCurrentText(difficulty)
        for topic, action in self.topic_actions.items():
            with QSignalBlocker(action):
                action.setChecked(topic in chosen)
        self._update_topics_button()
        self.restart()

    def _topics_toggled(self) -> None:
        chosen = [t for t, action in self.topic_actions.items() if action.isChecked()]
        if not chosen:  # at least one topic: keep the one just unticked
            for topic in self._topics:
                with QSignalBlocker(self.topic_actions[topic]):
                    self.topic_actions[topic].setChecked(True)
            self.message.emit("Keep at least one topic.")
            return
        self.set_options(topics=chosen)

    def _update_topics_button(self) -> None:
        if self._topics == TOPICS:
            self.topics_button.setText("All topics")
        elif len(self._topics) <= 2:
            self.topics_button.setText(", ".join(TOPIC_TITLES[t] for t in self._topics))
        else:
            self.topics_button.setText(f"{len(self._topics)} topics")

    def restart(self) -> None:
        """A new session with the current options: exercise 1, score 0."""
        self._exercises = []
        self._correct = self._answered = 0
        self._request(0)

    def _request(self, index: int) -> None:
        self._pending_index = index
        self._show_waiting()
        seed, difficulty, topics = self.options()
        self._task.submit(exercise_at, seed, index, difficulty=difficulty, topics=topics)

    def next_exercise(self) -> None:
        """Go on to the next exercise of the sequence."""
        if self._pending_index is None:
            self._request(len(self._exercises))

    def _on_exercise(self, seq: int, exercise: Exercise) -> None:
        if seq != self._task.latest_seq or self._pending_index is None:
            return
        self._pending_index = None
        self._exercises.append(exercise)
        self._scored = False
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
        self.heading_label.setText(f"Exercise {len(self._exercises)} · {exercise.title}")
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
        self.score_label.setText(f"Score: {self._correct} of {self._answered}")

    # ------------------------------------------------------------------ answering
    def check(self) -> Verdict | None:
        """Judge the answer line against the shown exercise (None while there is none)."""
        exercise = self.current_exercise()
        if exercise is None:
            return None
        verdict = exercise.check(self.answer_edit.text())
        if not verdict.readable:
            self.feedback_label.setText(html.escape(f"{verdict.feedback.rstrip('.')}. Try again."))
            self.answer_edit.selectAll()
            return verdict
        if not self._scored:
            self._scored = True
            self._answered += 1
            self._correct += int(verdict.correct)
            self._show_score()
        if verdict.correct:
            text = f"<span style='color:{RIGHT_COLOUR}'>✓ {html.escape(verdict.feedback)}</span>"
        else:
            text = (f"<span style='color:{WRONG_COLOUR}'>✗ {html.escape(verdict.feedback)}</span>"
                    " Try again, or show the solution.")
        self.feedback_label.setText(text)
        self.answer_edit.selectAll()
        return verdict

    def show_solution(self) -> None:
        """Reveal the answer and the worked solution (counts as not right if unanswered)."""
        exercise = self.current_exercise()
        if exercise is None:
            return
        if not self._scored:
            self._scored = True
            self._answered += 1
            self._show_score()
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in exercise.solution)
        self.solution_label.setText(f"<b>Answer: {html.escape(exercise.answer_text)}</b>"
                                    f"<ol>{lines}</ol>")
        self.solution_label.show()

    # ------------------------------------------------------------------ exporting
    def export_sheet(self, path: str | None = None) -> None:
        """Write the session's exercises to ``path`` (asked for when None; the format from its
        extension) and the answer key beside it (:func:`key_path`), off the GUI thread;
        ``message`` says where."""
        if not self._exercises:
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
        info = SheetInfo(self._seed, self._difficulty, self._topics)
        self._exporting = True
        self.export_button.setEnabled(False)
        self.message.emit(f"Writing {len(self._exercises)} exercises…")
        self._export_task.submit(_write_sheets, list(self._exercises), info, path, fmt)

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
        if self._pending_index is not None or not self._exercises:
            return None
        return self._exercises[-1]

    def exercises(self) -> list[Exercise]:
        """The session's exercises so far, the shown one last."""
        return list(self._exercises)

    def score(self) -> tuple[int, int]:
        """(right, counted)."""
        return self._correct, self._answered
