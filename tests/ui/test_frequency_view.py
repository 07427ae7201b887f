"""The frequency view's sizes (issue 13, item 5): a dock holding it gets a plot whose axis
titles and tick labels are whole, at the normal font and at presentation size."""

from contextlib import contextmanager

import numpy as np
import pytest
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow

from convgui.kernels import LIBRARY
from convgui.settings import Settings
from convgui.ui.classroom.frequency_view import BOTTOM_LABEL, LEFT_LABEL, FrequencyView
from convgui.ui.model import SettingsModel


@contextmanager
def app_font_scaled(factor: float):
    """The application font at ``factor`` times its size, as presentation mode sets it (the
    widgets hear of it through posted events, as in the running application)."""
    original = QApplication.font()
    font = QApplication.font()
    font.setPointSizeF(original.pointSizeF() * factor)
    QApplication.setFont(font)
    QApplication.processEvents()
    try:
        yield
    finally:
        QApplication.setFont(original)
        QApplication.processEvents()


@pytest.fixture
def model():
    return SettingsModel(Settings(kernel=tuple(map(tuple, LIBRARY["sobel-x"].grid.tolist()))))


def in_a_dock(qtbot, model, window_size=(1024, 768)):
    """A window like ConvGUI's: a tall panel docked on the right above the frequency view."""
    window = QMainWindow()
    window.setCentralWidget(QLabel("central"))
    tall = QLabel("parameters")
    tall.setMinimumHeight(2000)  # wants every pixel of the column
    above = QDockWidget("Parameters", window)
    above.setWidget(tall)
    view = FrequencyView(model)
    dock = QDockWidget("Frequency response", window)
    dock.setWidget(view)
    for d in (above, dock):
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, d)
    qtbot.addWidget(window)
    window.resize(*window_size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(20)
    return window, view


def shown_rect(view, graphics_item) -> QRectF:
    """Where ``graphics_item`` (text) is drawn, in the plot widget's pixels."""
    scene_rect = graphics_item.mapRectToScene(graphics_item.boundingRect())
    return QRectF(view.plot.mapFromScene(scene_rect).boundingRect())


def assert_axis_texts_whole(view):
    """Both axis titles lie inside the plot widget, around an image area that is not a
    sliver."""
    plot = QRectF(QRect(0, 0, view.plot.width(), view.plot.height()))
    item = view.plot.getPlotItem()
    for name in ("bottom", "left"):
        axis = item.getAxis(name)
        label = shown_rect(view, axis.label)
        document_margin = axis.label.document().documentMargin()
        assert plot.contains(label.adjusted(document_margin, document_margin,
                                            -document_margin, -document_margin)), name
    vb = item.vb.mapRectToScene(item.vb.boundingRect())
    fm = QFontMetrics(view.font())
    assert vb.width() >= fm.height() * 4 and vb.height() >= fm.horizontalAdvance(LEFT_LABEL)


@pytest.mark.parametrize("factor", [1.0, 1.4])
def test_a_dock_gives_the_plot_room_for_its_axis_titles(qtbot, model, factor):
    with app_font_scaled(factor):
        _window, view = in_a_dock(qtbot, model)
        fm = QFontMetrics(view.font())
        line = fm.height()
        # an independent floor: the left title's length, the bottom axis's two lines of text
        assert view.height() >= fm.horizontalAdvance(LEFT_LABEL) + 2 * line
        assert view.plot.width() >= fm.horizontalAdvance(BOTTOM_LABEL)
        assert view.height() >= view.minimumSizeHint().height()
        assert_axis_texts_whole(view)


def test_the_minimum_follows_the_font_live(qtbot, model):
    view = FrequencyView(model)
    qtbot.addWidget(view)
    normal = view.minimumSizeHint()
    with app_font_scaled(1.5):
        bigger = view.minimumSizeHint()
        assert bigger.height() >= 1.25 * normal.height()
        assert bigger.width() >= 1.25 * normal.width()
        tick_font = view.plot.getPlotItem().getAxis("bottom").style["tickFont"]
        assert tick_font.pointSizeF() == pytest.approx(view.font().pointSizeF())
    assert view.minimumSizeHint() == normal


def test_narrow_puts_the_explanation_under_the_plot_and_wide_beside_it(qtbot, model):
    view = FrequencyView(model)
    qtbot.addWidget(view)
    low = view.minimumSizeHint()
    view.resize(low.width(), low.height() + 300)
    view.show()
    qtbot.waitExposed(view)
    qtbot.wait(20)
    assert not view.is_side_by_side()
    assert view.side.geometry().top() >= view.plot.geometry().bottom()
    assert_axis_texts_whole(view)
    view.resize(low.width() * 3, low.height())
    qtbot.wait(20)
    assert view.is_side_by_side()
    assert view.side.geometry().left() >= view.plot.geometry().right()
    assert_axis_texts_whole(view)
    np.testing.assert_allclose(view.response()[32, 32], 0.0, atol=1e-12)  # Sobel: zero sum
