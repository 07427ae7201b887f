"""The first / previous / play / next / last bar of the classroom's step-by-step panels."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget
from superqt import QFlowLayout

__all__ = ["StepControls"]

_SP = QStyle.StandardPixmap
_CONTROLS = (  # name, text, icon, tooltip, shortcuts
    ("first", "First", _SP.SP_MediaSkipBackward, "The first output (Home)", ["Home"]),
    ("previous", "Previous", _SP.SP_MediaSeekBackward, "The previous output (Left)", ["Left"]),
    ("play", "Play", _SP.SP_MediaPlay, "Play or pause (P)", ["P"]),
    ("next", "Next", _SP.SP_MediaSeekForward, "The next output (Right or Space)",
     ["Right", "Space"]),
    ("last", "Last", _SP.SP_MediaSkipForward, "The last output (End)", ["End"]),
)


class StepControls(QWidget):
    """Buttons for the actions ``first_action``, ``prev_action``, ``play_action``,
    ``next_action`` and ``last_action`` (shortcuts Home, Left, P, Right/Space, End, active
    anywhere in ``owner``), a play timer and a speed slider (0.2 to 3 steps/s).

    ``triggered(name)`` says which action was used ("first", "previous", "play", "next",
    "last"); ``ticked()`` fires at the chosen speed between :meth:`start` and :meth:`stop`.
    """

    triggered = Signal(str)
    ticked = Signal()
    SPEED_UNIT = 0.2  # the slider counts in 0.2 steps/s

    def __init__(self, owner: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QFlowLayout(self)  # the speed slider goes under the buttons when narrow
        layout.setContentsMargins(0, 0, 0, 0)
        self._buttons: list[QToolButton] = []
        actions = {}
        for name, text, icon, tip, keys in _CONTROLS:
            action = QAction(owner.style().standardIcon(icon), text, owner)
            action.setToolTip(tip)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, name=name: self.triggered.emit(name))
            owner.addAction(action)
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            layout.addWidget(button)
            self._buttons.append(button)
            actions[name] = action
        self.first_action, self.prev_action = actions["first"], actions["previous"]
        self.play_action, self.next_action = actions["play"], actions["next"]
        self.last_action = actions["last"]
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.ticked)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(1, round(3 / self.SPEED_UNIT))
        self.speed_slider.setValue(round(1 / self.SPEED_UNIT))
        self.speed_slider.setAccessibleName("Playing speed")
        self.speed_slider.setToolTip("How many steps per second Play takes")
        self.speed_label = QLabel()
        self.speed_slider.valueChanged.connect(self._speed_changed)
        speed = QWidget()
        speed_row = QHBoxLayout(speed)
        speed_row.setContentsMargins(0, 0, 0, 0)
        speed_title = QLabel("Speed:")
        speed_title.setBuddy(self.speed_slider)
        for widget in (speed_title, self.speed_slider, self.speed_label):
            speed_row.addWidget(widget)
        layout.addWidget(speed)
        self._speed_changed()
        self.apply_font()

    def actions_list(self) -> list[QAction]:
        return [b.defaultAction() for b in self._buttons]

    def apply_font(self) -> None:
        """Icons as tall as a line of the widget's font; the slider 12 characters wide."""
        metrics = QFontMetrics(self.font())
        side = metrics.height()
        for button in self._buttons:
            button.setIconSize(QSize(side, side))
        self.speed_slider.setFixedWidth(metrics.horizontalAdvance("0") * 12)
        self.speed_label.setMinimumWidth(metrics.horizontalAdvance("0.0 steps/s") + 4)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FontChange:
            self.apply_font()
        super().changeEvent(event)

    def speed(self) -> float:
        """Playing speed in steps per second."""
        return self.speed_slider.value() * self.SPEED_UNIT

    def _speed_changed(self) -> None:
        self.speed_label.setText(f"{self.speed():.1f} steps/s")
        self._timer.setInterval(round(1000 / self.speed()))

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        self._timer.start()
        self.play_action.setText("Pause")
        self.play_action.setIcon(self.style().standardIcon(_SP.SP_MediaPause))

    def stop(self) -> None:
        self._timer.stop()
        self.play_action.setText("Play")
        self.play_action.setIcon(self.style().standardIcon(_SP.SP_MediaPlay))
