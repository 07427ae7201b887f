"""The classroom panels as tabs beside the playground, all editing the window's one model."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from convgui.lessons import CLASSROOM_TABS
from convgui.ui.classroom.channels_view import ChannelsView
from convgui.ui.classroom.filter_bank import FilterBank
from convgui.ui.classroom.layer_view import LayerView
from convgui.ui.classroom.matrix_mode import MatrixMode
from convgui.ui.classroom.quiz import QuizPanel
from convgui.ui.classroom.transposed_view import TransposedView
from convgui.ui.lesson_tabs import LessonTabs
from convgui.ui.model import SettingsModel


class ClassroomTabs:
    """Creates the classroom panels, adds them to ``tabs`` and feeds them the input image.

    A panel follows the settings and computes only while its tab is shown.
    """

    def __init__(self, model: SettingsModel, tabs: LessonTabs, parent: QWidget) -> None:
        self.matrix = MatrixMode(model, parent)
        self.filter_bank = FilterBank(model, parent)
        self.channels = ChannelsView(model, parent)
        self.layer = LayerView(model, parent)
        self.transposed = TransposedView(model, parent)
        self.quiz = QuizPanel(parent)
        for attribute, title, tip in CLASSROOM_TABS:
            # In a scroll area, so a panel's minimum size never squeezes the window's docks.
            scroller = QScrollArea(parent)
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QFrame.Shape.NoFrame)
            scroller.setWidget(getattr(self, attribute))
            index = tabs.addTab(scroller, title)
            tabs.setTabToolTip(index, tip)
        for panel in self.panels():
            panel.follow_when_hidden = False

    def photo_panels(self) -> list[QWidget]:
        """The panels that work on the window's input image."""
        return [self.filter_bank, self.channels, self.layer, self.transposed]

    def panels(self) -> list[QWidget]:
        """Every classroom panel."""
        return [self.matrix, *self.photo_panels(), self.quiz]

    def set_image(self, data: np.ndarray, value_range: tuple[float, float]) -> None:
        """The window's input image changed."""
        for panel in self.photo_panels():
            panel.set_image(data, value_range)

    def shutdown(self) -> None:
        """Stop every panel's worker thread (the window is closing)."""
        for panel in self.panels():
            panel.close()
