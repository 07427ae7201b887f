"""The Quiz tab's options line: difficulty, topics, seed, New seed and Export sheet…"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QMenu, QPushButton, QSpinBox, QToolButton, QWidget
from superqt import QFlowLayout

from convgui.exercises import DIFFICULTIES, TOPIC_TITLES, TOPICS
from convgui.quiz import MAX_SEED, QuizOptions, random_seed, topics_label
from convgui.ui.classroom.grid_widgets import labelled

__all__ = ["QuizOptionsBar"]


class QuizOptionsBar(QWidget):
    """The options in a flow layout; they say what the user chose and show what
    :meth:`show_options` tells them.

    Signals, from the user only: ``difficultyChosen(name)``, ``seedChosen(seed)`` (typed and
    left, or drawn by New seed), ``topicsChosen(topics)`` (the ticked topics, in order; empty
    when the last one was unticked), ``exportRequested()``.
    """

    difficultyChosen = Signal(str)
    seedChosen = Signal(int)
    topicsChosen = Signal(list)
    exportRequested = Signal()

    def __init__(self, options: QuizOptions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        flow = QFlowLayout(self)
        flow.setContentsMargins(0, 0, 0, 0)
        self.difficulty_box = QComboBox()
        self.difficulty_box.addItems(list(DIFFICULTIES))
        self.difficulty_box.setCurrentText(options.difficulty)
        self.difficulty_box.currentTextChanged.connect(self.difficultyChosen)
        self.topics_button = QToolButton()
        self.topics_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.topics_button.setToolTip("The kinds of exercise, taken in turn")
        topics_menu = QMenu(self.topics_button)
        self.topic_actions: dict[str, QAction] = {}
        for topic in TOPICS:
            action = topics_menu.addAction(TOPIC_TITLES[topic])
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(lambda _: self.topicsChosen.emit(
                [t for t, a in self.topic_actions.items() if a.isChecked()]))
            self.topic_actions[topic] = action
        self.topics_button.setMenu(topics_menu)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, MAX_SEED)
        self.seed_spin.setValue(options.seed)
        self.seed_spin.setToolTip("The same seed gives the same exercises on every computer: "
                                  "give the class one seed")
        self.seed_spin.editingFinished.connect(
            lambda: self.seedChosen.emit(self.seed_spin.value()))
        self.new_seed_button = QPushButton("New seed")
        self.new_seed_button.setToolTip("Start a new session with a random seed")
        self.new_seed_button.clicked.connect(
            lambda: self.seedChosen.emit(random_seed()))
        self.export_button = QPushButton("Export sheet…")
        self.export_button.setToolTip("Save this session's exercises as a sheet and an answer "
                                      "key with worked solutions (Markdown, HTML, PDF, JSON)")
        self.export_button.clicked.connect(lambda: self.exportRequested.emit())
        self.difficulty_box.setToolTip("How hard the generated exercises are")
        self.topics_button.setAccessibleName("Topics")
        for text, widget in (("Difficult&y:", self.difficulty_box), ("Topics:", self.topics_button),
                             ("Seed:", self.seed_spin)):
            flow.addWidget(labelled(text, widget))
        flow.addWidget(self.new_seed_button)
        flow.addWidget(self.export_button)
        self.setToolTip("Changing an option starts a new session")
        self.show_options(options)

    def show_options(self, options: QuizOptions) -> None:
        """Show ``options`` in the controls; emits nothing."""
        with QSignalBlocker(self.seed_spin):
            self.seed_spin.setValue(options.seed)
        with QSignalBlocker(self.difficulty_box):
            self.difficulty_box.setCurrentText(options.difficulty)
        for topic, action in self.topic_actions.items():
            with QSignalBlocker(action):
                action.setChecked(topic in options.topics)
        self.topics_button.setText(topics_label(options.topics))
