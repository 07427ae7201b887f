"""The shape panel shows the numbers of convgui.shapes, checked here against hand arithmetic."""

from __future__ import annotations

import pytest

from convgui.settings import Settings
from convgui.ui.model import SettingsModel
from convgui.ui.shape_panel import ShapePanel, parse_padding

K3 = ((1, 2, 1), (2, 4, 2), (1, 2, 1))
K2 = ((1, 1), (1, 1))


@pytest.fixture
def model() -> SettingsModel:
    return SettingsModel(Settings(kernel=K3, padding="valid"))


@pytest.fixture
def panel(qtbot, model: SettingsModel) -> ShapePanel:
    widget = ShapePanel(model)
    qtbot.addWidget(widget)
    return widget


def test_no_image(panel: ShapePanel) -> None:
    assert panel.summary_text() == "No image"
    assert panel.formula_texts() == ()
    assert panel.error_text() == ""


def test_valid_and_same_5x5(panel: ShapePanel, model: SettingsModel) -> None:
    panel.set_input_shape((5, 5))
    # valid: (5 − 3)/1 + 1 = 3 on each axis
    assert panel.summary_text() == "5×5×1 → 3×3×1"
    assert panel.formula_texts() == ("⌊(5 + 0 + 0 − 2 − 1)/1⌋ + 1 = 3",) * 2
    model.edit("same", padding="same")
    # same: one pixel each side, (5 + 2 − 3)/1 + 1 = 5
    assert panel.summary_text() == "5×5×1 → 5×5×1"
    assert panel.formula_texts()[0] == "⌊(5 + 1 + 1 − 2 − 1)/1⌋ + 1 = 5"
    assert "same → padding 1 + 1" in panel.details_text()


def test_rectangular_input_2x2_kernel(panel: ShapePanel, model: SettingsModel) -> None:
    model.edit("kernel", kernel=K2)
    panel.set_input_shape((3, 4))
    # (3 − 2) + 1 = 2 rows, (4 − 2) + 1 = 3 columns
    assert panel.summary_text() == "3×4×1 → 2×3×1"
    assert panel.formula_texts() == (
        "⌊(3 + 0 + 0 − 1 − 1)/1⌋ + 1 = 2",
        "⌊(4 + 0 + 0 − 1 − 1)/1⌋ + 1 = 3",
    )


def test_channel_modes_follow_settings(panel: ShapePanel, model: SettingsModel) -> None:
    panel.set_input_shape((5, 5, 3))
    assert panel.summary_text() == "5×5×3 → 3×3×3"  # per-channel keeps C
    model.edit("sum", channels="sum")
    assert panel.summary_text() == "5×5×3 → 3×3×1"
    assert "Parameters: 28" in panel.details_text()  # 3·3·3 weights + 1 bias
    model.edit("luma", channels="luma")
    assert panel.summary_text() == "5×5×3 → 3×3×1"
    assert "Parameters: 10" in panel.details_text()


def test_dilation_span_is_stated(panel: ShapePanel, model: SettingsModel) -> None:
    panel.set_input_shape((9, 9))
    model.edit("dilation", dilation=(2, 2))
    # span 2·(3 − 1) + 1 = 5; (9 − 5) + 1 = 5
    assert panel.summary_text() == "9×9×1 → 5×5×1"
    assert "3×3 kernel, dilation 2 → spans 5×5" in panel.details_text()
    assert "Receptive field: 5×5" in panel.details_text()


def test_impossible_case_explains(panel: ShapePanel, model: SettingsModel) -> None:
    panel.set_input_shape((4, 4))
    model.edit("dilation", dilation=(2, 2))
    assert "spans 5×5" in panel.error_text()
    assert panel.summary_text() == "4×4×1 → no output"
    assert not panel.breakdown.error.isHidden()
    assert "spans 5×5" in panel.breakdown.error.text()
    assert all(f.endswith("no output (< 1)") for f in panel.formula_texts())
    # and it recovers
    model.edit("padding", padding="same")
    assert panel.error_text() == ""
    assert panel.breakdown.error.isHidden()
    assert panel.summary_text() == "4×4×1 → 4×4×1"


def test_large_numbers_have_separators(panel: ShapePanel, model: SettingsModel) -> None:
    model.edit("sum", channels="sum")
    panel.set_input_shape((100, 100, 3))
    # 98·98 outputs × 27 taps = 259,308 multiply-adds
    assert "Multiply-adds: 259,308" in panel.details_text()


def test_calculator_cnn_layer(panel: ShapePanel) -> None:
    calc = panel.calculator
    calc.set_values(h=128, w=128, c=3, kernel=3, filters=16, padding="valid", stride=1,
                    dilation=1, channels="sum")
    # (128 − 3)/1 + 1 = 126; 16 filters of 3·3·3 weights + 1 bias = 448 parameters
    assert calc.summary_text() == "128×128×3 → 126×126×16"
    assert "Parameters: 448" in calc.details_text()
    calc.set_values(stride=2)
    # ⌊(128 − 3)/2⌋ + 1 = 62 + 1 = 63
    assert calc.summary_text() == "128×128×3 → 63×63×16"
    assert calc.formula_texts()[0] == "⌊(128 + 0 + 0 − 2 − 1)/2⌋ + 1 = 63"
    assert "Parameters: 448" in calc.details_text()
    # the panel's own line is untouched by the calculator
    assert panel.summary_text() == "No image"


def test_calculator_padding_forms(panel: ShapePanel) -> None:
    calc = panel.calculator
    calc.set_values(h=5, w=5, c=1, kernel=3, filters=1, stride=1, dilation=1, padding=2)
    assert calc.summary_text() == "5×5×1 → 7×7×1"  # (5 + 4 − 3) + 1
    calc.set_values(padding="full")
    assert calc.summary_text() == "5×5×1 → 7×7×1"
    calc.set_values(padding=((1, 0), (0, 0)))
    assert calc.summary_text() == "5×5×1 → 4×3×1"
    calc.padding.setCurrentText("bogus")
    assert "padding must be" in calc.error_text()
    calc.padding.setCurrentText("same")
    assert calc.error_text() == ""
    assert calc.summary_text() == "5×5×1 → 5×5×1"


def test_calculator_impossible(panel: ShapePanel) -> None:
    calc = panel.calculator
    calc.set_values(h=4, w=4, c=1, kernel=3, padding="valid", stride=1, dilation=2)
    assert "spans 5×5" in calc.error_text()
    assert calc.layer() is None


def test_calculator_use_current(panel: ShapePanel, model: SettingsModel) -> None:
    model.edit("geometry", stride=(2, 2), channels="sum")
    panel.set_input_shape((10, 12, 3))
    panel.calculator.use_current.click()
    # ⌊(10 − 3)/2⌋ + 1 = 4, ⌊(12 − 3)/2⌋ + 1 = 5
    assert panel.calculator.summary_text() == "10×12×3 → 4×5×1"
    assert panel.calculator.summary_text() == panel.summary_text()


def test_transposed(panel: ShapePanel) -> None:
    section = panel.calculator.transposed
    section.set_values(i=3, k=3, s=2, p=0)
    # (3 − 1)·2 − 0 + (3 − 1) + 1 = 7
    assert section.output() == 7
    assert section.formula_text().endswith("= 7")
    assert "i = 7" in section.forward.text()
    section.set_values(p=5)
    assert section.output() is None
    assert section.error_text()


def test_pooling(panel: ShapePanel) -> None:
    section = panel.calculator.pooling
    section.set_values(n=6, window=2)
    # ⌊(6 − 2)/2⌋ + 1 = 3
    assert section.output() == 3
    assert section.formula_text() == "⌊(6 + 2·0 − 2)/2⌋ + 1 = 3"
    section.set_values(n=1, window=3)
    assert section.output() is None
    assert "larger than" in section.error_text()


def test_parse_padding() -> None:
    assert parse_padding(" Same ") == "same"
    assert parse_padding("2") == 2
    assert parse_padding("1, 2") == (1, 2)
    assert parse_padding("1,2,3,4") == ((1, 2), (3, 4))
    for bad in ("", "-1", "1,2,3", "x"):
        with pytest.raises(ValueError):
            parse_padding(bad)


def test_bad_shape_rejected(panel: ShapePanel) -> None:
    with pytest.raises(ValueError):
        panel.set_input_shape((1, 2, 3, 4))


def test_fits_a_narrow_dock(panel: ShapePanel) -> None:
    assert panel.minimumSizeHint().width() <= 320
