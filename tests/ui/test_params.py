"""The parameter panel edits the settings model and follows it without feedback loops."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from convgui.settings import Settings
from convgui.ui.model import SettingsModel
from convgui.ui.params import ParameterPanel


@pytest.fixture
def model() -> SettingsModel:
    return SettingsModel(Settings())


@pytest.fixture
def panel(qtbot, model: SettingsModel) -> ParameterPanel:
    widget = ParameterPanel(model)
    qtbot.addWidget(widget)
    return widget


def _choose(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def test_padding_modes(panel: ParameterPanel, model: SettingsModel) -> None:
    for mode in ("valid", "full", "same"):
        _choose(panel.padding_mode, mode)
        assert model.settings.padding == mode
        assert not panel.pad_top.isEnabled()


def test_custom_padding(panel: ParameterPanel, model: SettingsModel) -> None:
    _choose(panel.padding_mode, "valid")
    _choose(panel.padding_mode, "custom")
    assert panel.pad_top.isEnabled() and panel.pad_right.isEnabled()
    assert model.settings.padding == ((0, 0), (0, 0))
    panel.pad_top.setValue(1)
    panel.pad_bottom.setValue(2)
    panel.pad_left.setValue(3)
    panel.pad_right.setValue(4)
    assert model.settings.padding == ((1, 2), (3, 4))


def test_custom_starts_from_same(panel: ParameterPanel, model: SettingsModel) -> None:
    # default: 3×3 kernel, padding "same" → one pixel on every side
    _choose(panel.padding_mode, "custom")
    assert model.settings.padding == ((1, 1), (1, 1))


def test_linked_stride(panel: ParameterPanel, model: SettingsModel) -> None:
    assert panel.stride.link.isChecked()
    panel.stride.h.setValue(2)
    assert panel.stride.w.value() == 2
    assert model.settings.stride == (2, 2)
    panel.stride.w.setValue(3)
    assert model.settings.stride == (3, 3)


def test_unlinked_dilation(panel: ParameterPanel, model: SettingsModel) -> None:
    assert panel.dilation.link.isChecked()
    panel.dilation.link.setChecked(False)
    panel.dilation.h.setValue(2)
    panel.dilation.w.setValue(3)
    assert model.settings.dilation == (2, 3)
    panel.dilation.link.setChecked(True)  # relinking makes width follow height
    assert model.settings.dilation == (2, 2)


def test_spin_drags_merge_into_one_undo_step(panel: ParameterPanel, model: SettingsModel) -> None:
    for v in (2, 3, 4):
        panel.stride.h.setValue(v)
    assert model.undo_stack.count() == 1
    model.undo_stack.undo()
    assert model.settings.stride == (1, 1)


def test_boundary_and_cval(panel: ParameterPanel, model: SettingsModel) -> None:
    assert model.settings.boundary == "reflect"
    assert not panel.cval.isEnabled()
    _choose(panel.boundary, "constant")
    assert model.settings.boundary == "constant"
    assert panel.cval.isEnabled()
    panel.cval.setValue(0.5)
    assert model.settings.cval == 0.5
    for name in ("symmetric", "edge", "wrap", "reflect"):
        _choose(panel.boundary, name)
        assert model.settings.boundary == name
        assert not panel.cval.isEnabled()


def test_boundary_labels_are_human(panel: ParameterPanel) -> None:
    """Short names in the box (it fits a narrow panel), the pattern explained under it."""
    labels = [panel.boundary.itemText(i) for i in range(panel.boundary.count())]
    assert labels == ["constant", "reflect", "symmetric", "edge", "wrap"]
    for name, pattern in (("reflect", "d c b | a b c d"), ("wrap", "b c | a b c")):
        _choose(panel.boundary, name)
        note = panel.boundary.parentWidget().note
        assert note.text() == pattern
        index = panel.boundary.findData(name)
        assert panel.boundary.itemData(index, Qt.ItemDataRole.ToolTipRole) == pattern


def test_padding_boxes_show_only_for_custom_padding(panel: ParameterPanel, qtbot) -> None:
    """Under 'same' the per-side boxes would show stale numbers (they read 60 after custom
    padding 60): they are hidden and disabled until 'custom' is chosen again."""
    panel.show()
    _choose(panel.padding_mode, "custom")
    panel.pad_top.setValue(60)
    assert panel.pad_top.isVisible()
    _choose(panel.padding_mode, "same")
    assert not panel.pad_top.isVisible() and not panel.pad_top.isEnabled()


def test_flip(panel: ParameterPanel, model: SettingsModel) -> None:
    assert panel.correlation.isChecked()
    panel.convolution.setChecked(True)
    assert model.settings.flip is True
    panel.correlation.setChecked(True)
    assert model.settings.flip is False
    assert model.undo_stack.count() == 1  # both were edits of one control: merged


def test_channels_and_display(panel: ParameterPanel, model: SettingsModel) -> None:
    for mode in ("sum", "luma", "per-channel"):
        _choose(panel.channels, mode)
        assert model.settings.channels == mode
    for mode in ("clip", "abs", "normalize", "offset", "diverging", "auto"):
        _choose(panel.display, mode)
        assert model.settings.display == mode


def test_outside_changes_update_widgets_without_edits(
    panel: ParameterPanel, model: SettingsModel
) -> None:
    model.edit(
        "preset", padding=((1, 2), (3, 4)), stride=(2, 3), dilation=(4, 4), boundary="constant",
        cval=7, flip=True, channels="luma", display="diverging",
    )
    assert model.undo_stack.count() == 1
    assert panel.padding_mode.currentData() == "custom"
    assert [s.value() for s in (panel.pad_top, panel.pad_bottom, panel.pad_left,
                                panel.pad_right)] == [1, 2, 3, 4]
    assert panel.pad_top.isEnabled()
    assert panel.stride.value() == (2, 3)
    assert not panel.stride.link.isChecked()  # unequal values cannot stay linked
    assert panel.dilation.value() == (4, 4)
    assert panel.boundary.currentData() == "constant" and panel.cval.isEnabled()
    assert panel.cval.value() == 7
    assert panel.convolution.isChecked()
    assert panel.channels.currentData() == "luma"
    assert panel.display.currentData() == "diverging"

    model.reset(Settings())
    assert model.undo_stack.count() == 0
    assert panel.padding_mode.currentData() == "same"
    assert not panel.pad_top.isEnabled()
    assert panel.correlation.isChecked()
    assert model.settings == Settings()


def test_undo_restores_widgets(panel: ParameterPanel, model: SettingsModel) -> None:
    _choose(panel.boundary, "wrap")
    panel.dilation.h.setValue(3)
    assert model.undo_stack.count() == 2
    model.undo_stack.undo()
    assert model.settings.dilation == (1, 1)
    assert panel.dilation.value() == (1, 1)
    model.undo_stack.undo()
    assert model.settings.boundary == "reflect"
    assert panel.boundary.currentData() == "reflect"
    model.undo_stack.redo()
    assert panel.boundary.currentData() == "wrap"
    assert model.undo_stack.count() == 2


def test_invalid_edit_reports_and_keeps_model(
    qtbot, panel: ParameterPanel, model: SettingsModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = model.settings

    def reject(*_args, **_kwargs):
        raise ValueError("nope")

    monkeypatch.setattr(model, "edit", reject)
    with qtbot.waitSignal(panel.message, timeout=1000) as blocker:
        panel.stride.h.setValue(5)
    assert "nope" in blocker.args[0]
    assert model.settings == before
    assert panel.stride.value() == (1, 1)  # the widgets show the model again


def test_every_control_has_a_tooltip(panel: ParameterPanel) -> None:
    controls = [
        panel.padding_mode, panel.pad_top, panel.pad_bottom, panel.pad_left, panel.pad_right,
        panel.stride.h, panel.stride.w, panel.stride.link, panel.dilation.h, panel.dilation.w,
        panel.dilation.link, panel.boundary, panel.cval, panel.correlation, panel.convolution,
        panel.channels, panel.display,
    ]
    for control in controls:
        assert isinstance(control, QWidget)
        assert control.toolTip().strip().endswith("."), control.objectName()
    assert "halves the output size" in panel.stride.h.toolTip()


def test_fits_a_narrow_dock(panel: ParameterPanel) -> None:
    assert panel.minimumSizeHint().width() <= 300
