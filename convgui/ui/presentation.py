"""Presenting to a class: larger text, high-contrast colours and full screen, remembered."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow

FONT_STEP = 1.15
MIN_SCALE, MAX_SCALE = 0.7, 3.0
PRESENTATION_SCALE = 1.4
DISABLED_TEXT = "#7a7a7a"


class Presentation(QObject):
    """Font scale (Ctrl+= / Ctrl+−), presentation mode (larger text, high contrast) and full
    screen (F11) for ``window``; the scale and the mode are stored in ``settings``."""

    def __init__(self, window: QMainWindow, settings: QSettings) -> None:
        super().__init__(window)
        self._window, self._settings = window, settings
        app = QApplication.instance()
        if not hasattr(app, "_convgui_base_look"):  # the system's look, before any scaling
            app._convgui_base_look = (app.font(), app.palette())
        self._base_font, self._base_palette = app._convgui_base_look
        self.scale = _float(settings.value("ui/font_scale", 1.0), 1.0)
        self.larger_action = self._make("Larger text", QKeySequence.StandardKey.ZoomIn,
                                         lambda: self.set_scale(self.scale * FONT_STEP))
        self.larger_action.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self.smaller_action = self._make("Smaller text", QKeySequence("Ctrl+-"),
                                         lambda: self.set_scale(self.scale / FONT_STEP))
        self.reset_action = self._make("Normal text size", QKeySequence("Ctrl+0"),
                                       lambda: self.set_scale(1.0))
        self.presentation_action = self._make("Presentation mode", QKeySequence("Ctrl+Shift+F5"),
                                              self.set_presentation, checkable=True)
        self.presentation_action.setToolTip(
            "Larger text and high-contrast colours for a projector")
        self.full_screen_action = self._make("Full screen", QKeySequence("F11"),
                                             self.set_full_screen, checkable=True)
        presenting = settings.value("ui/presentation", "false") in (True, "true")
        self.presentation_action.setChecked(presenting)
        self._apply()
        window.installEventFilter(self)  # the full-screen action follows the window's state

    def _make(self, text: str, shortcut, slot, checkable: bool = False) -> QAction:
        action = QAction(text, self._window, checkable=checkable)
        action.setShortcut(shortcut if isinstance(shortcut, QKeySequence) else
                           QKeySequence(shortcut))
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    def actions(self) -> list[QAction]:
        """For the View menu."""
        return [self.presentation_action, self.full_screen_action, self.larger_action,
                self.smaller_action, self.reset_action]

    def set_scale(self, scale: float) -> None:
        """Text size relative to the system's, within 0.7–3×."""
        self.scale = min(max(float(scale), MIN_SCALE), MAX_SCALE)
        self._settings.setValue("ui/font_scale", self.scale)
        self._apply()

    def set_presentation(self, on: bool, remember: bool = True) -> None:
        """Larger text and a high-contrast palette; ``remember`` it for the next window."""
        self.presentation_action.setChecked(bool(on))
        if remember:
            self._settings.setValue("ui/presentation", "true" if on else "false")
        self._apply()

    def set_full_screen(self, on: bool) -> None:
        """Full screen on or off; off returns to the state before (maximized stays
        maximized)."""
        self.full_screen_action.setChecked(bool(on))
        state = self._window.windowState()
        if on:
            state |= Qt.WindowState.WindowFullScreen
        else:
            state &= ~Qt.WindowState.WindowFullScreen
        self._window.setWindowState(state)
        self._window.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._window and event.type() == QEvent.Type.WindowStateChange:
            # left (or entered) full screen some other way: the action says so
            self.full_screen_action.setChecked(self._window.isFullScreen())
        return super().eventFilter(watched, event)

    def effective_scale(self) -> float:
        """The font scale in use (presentation mode multiplies it)."""
        extra = PRESENTATION_SCALE if self.presentation_action.isChecked() else 1.0
        return self.scale * extra

    def _apply(self) -> None:
        app = QApplication.instance()
        font = app.font()
        size = self._base_font.pointSizeF()
        if size > 0:
            font.setPointSizeF(size * self.effective_scale())
        app.setFont(font)
        app.setPalette(high_contrast_palette() if self.presentation_action.isChecked()
                       else self._base_palette)


def high_contrast_palette() -> QPalette:
    """Black text on white, a strong blue selection: readable on a washed-out projector."""
    palette = QPalette()
    white, black = QColor("white"), QColor("black")
    for role, color in (
        (QPalette.ColorRole.Window, QColor("#f4f4f4")), (QPalette.ColorRole.WindowText, black),
        (QPalette.ColorRole.Base, white), (QPalette.ColorRole.Text, black),
        (QPalette.ColorRole.Button, QColor("#e8e8e8")), (QPalette.ColorRole.ButtonText, black),
        (QPalette.ColorRole.Highlight, QColor("#0033cc")),
        (QPalette.ColorRole.HighlightedText, white), (QPalette.ColorRole.ToolTipBase, white),
        (QPalette.ColorRole.ToolTipText, black),
    ):
        palette.setColor(role, color)
    # Disabled controls must look disabled (Redo with nothing to redo, greyed boxes): grey
    # text on a flatter background, still readable (about 3.5:1).
    disabled = QPalette.ColorGroup.Disabled
    for role, color in (
        (QPalette.ColorRole.WindowText, DISABLED_TEXT), (QPalette.ColorRole.Text, DISABLED_TEXT),
        (QPalette.ColorRole.ButtonText, DISABLED_TEXT), (QPalette.ColorRole.Base, "#eeeeee"),
        (QPalette.ColorRole.Button, "#f0f0f0"), (QPalette.ColorRole.Highlight, "#9aa6c8"),
    ):
        palette.setColor(disabled, role, QColor(color))
    return palette


def _float(value: object, default: float) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
