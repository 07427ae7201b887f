"""Per-field change events (issue 16, item 2): an edit to one settings field makes exactly the
panels that show or compute from that field work, once each, and leaves every other panel
alone.

:data:`WORKS_FOR` is written by hand from what each panel shows: the filter bank convolves
the image's luma with its own filters and the model's geometry only; the channels view
convolves each channel with the model's kernel (and sums them, with biases of its own); the
layer view adds the model's channel mode (luma or all channels summed); the transposed view
takes only the model's kernel (its stride, padding and dilation are its own controls); the
frequency response is the kernel's FFT; the parameter panel shows geometry, channels and
display; the shape panel what decides the output shape. No panel here colours its maps by the
model's display mode or adds the model's bias.

After every edit each panel's numbers are compared with NumPy / ``convgui.engine`` run on the
current settings, so a panel that wrongly skips a field it depends on shows stale numbers and
fails (every new value below changes the result of every panel that depends on it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QWidget

import convgui.ui.classroom.frequency_view as frequency_module
from convgui.engine import LUMA_WEIGHTS, conv_transpose2d, convolve2d
from convgui.settings import FIELDS, Settings
from convgui.ui.classroom.channels_view import ChannelsView
from convgui.ui.classroom.filter_bank import FilterBank
from convgui.ui.classroom.frequency_view import FrequencyView
from convgui.ui.classroom.layer_view import LayerView
from convgui.ui.classroom.transposed_view import TransposedView
from convgui.ui.model import SettingsModel
from convgui.ui.params import ParameterPanel
from convgui.ui.shape_panel import ShapePanel

#: An asymmetric kernel (so flipping it changes every map) and a constant boundary (so its
#: fill value shows at the borders).
BASE = Settings(kernel=((1, 2, 0), (0, 1, -1), (-2, 0, 1)), boundary="constant", cval=0)
#: A value different from BASE's for every field.
NEW_VALUES: dict[str, Any] = {
    "kernel": ((0, 1, 0, -1, 2), (1, -4, 1, 0, 0), (0, 1, 2, 0, 1)), "divisor": 4, "bias": 5,
    "padding": "valid", "stride": (2, 2), "dilation": (2, 1), "boundary": "wrap", "cval": 7,
    "flip": True, "channels": "luma", "display": "diverging",
}
CLASSROOM = ("filter_bank", "channels", "layer", "transposed")
PANELS = (*CLASSROOM, "frequency", "params", "shape")
_GEOMETRY_PANELS = {"filter_bank", "channels", "layer"}
#: field → the panels that work for an edit of that field alone: one job (classroom panels),
#: one response computed (frequency) or one refresh (params, shape); every other panel none.
WORKS_FOR: dict[str, set[str]] = {
    "kernel": {"channels", "layer", "transposed", "frequency", "shape"},
    "divisor": {"channels", "layer", "transposed", "frequency"},
    "bias": set(),
    "padding": _GEOMETRY_PANELS | {"params", "shape"},
    "stride": _GEOMETRY_PANELS | {"params", "shape"},
    "dilation": _GEOMETRY_PANELS | {"params", "shape"},
    "boundary": _GEOMETRY_PANELS | {"params"},
    "cval": _GEOMETRY_PANELS | {"params"},
    "flip": _GEOMETRY_PANELS | {"params", "shape"},
    "channels": {"layer", "params", "shape"},
    "display": {"params"},
}
IMAGE = (np.random.default_rng(16).random((12, 14, 3)) * 255).astype(np.float32)
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)


def _geometry(s: Settings) -> dict[str, Any]:
    return {"padding": s.padding, "stride": s.stride, "dilation": s.dilation,
            "boundary": s.boundary, "cval": s.cval, "flip": s.flip}


def _luma(image: np.ndarray) -> np.ndarray:
    return (image.astype(np.float64) @ np.asarray(LUMA_WEIGHTS)).astype(np.float32)


def _close(actual: np.ndarray, expected: np.ndarray) -> None:
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-3)


# ------------------------------------------------------- what each panel must show for s

def _check_filter_bank(bank: FilterBank, s: Settings) -> None:
    gx = convolve2d(_luma(IMAGE), SOBEL_X, **_geometry(s)).astype(np.float64)
    gy = convolve2d(_luma(IMAGE), SOBEL_X.T.copy(), **_geometry(s)).astype(np.float64)
    _close(bank.feature_maps()[0], gx)
    _close(bank.feature_maps()[1], gy)
    _close(bank.merged(), np.sqrt(gx ** 2 + gy ** 2))


def _check_channels(view: ChannelsView, s: Settings) -> None:
    planes = [convolve2d(IMAGE[:, :, c], s.kernel_array(), **_geometry(s)) for c in range(3)]
    for shown, expected in zip(view.per_channel_results(), planes, strict=True):
        _close(shown, expected)
    # one filter, every slice the model's kernel, bias 0: the sum of the channel maps
    _close(view.layer_output()[:, :, 0], np.sum(planes, axis=0))


def _check_layer(view: LayerView, s: Settings) -> None:
    k = s.kernel_array()
    if s.channels == "luma":
        conv = convolve2d(_luma(IMAGE), k, **_geometry(s))
    else:
        conv = np.sum([convolve2d(IMAGE[:, :, c], k, **_geometry(s)) for c in range(3)], axis=0)
    conv_shown, activated, _pooled = view.stage_outputs()
    _close(conv_shown, conv)
    _close(activated, np.maximum(conv, 0))


def _check_transposed(view: TransposedView, s: Settings) -> None:
    # a 12×14 image is not downscaled: the input is its luma
    _close(view.output(), conv_transpose2d(_luma(IMAGE), s.kernel_array(), stride=2))


def _check_frequency(view: FrequencyView, s: Settings) -> None:
    padded = np.zeros((64, 64))
    kh, kw = s.kernel_shape
    padded[:kh, :kw] = s.kernel_array()
    np.testing.assert_allclose(view.response(), np.abs(np.fft.fftshift(np.fft.fft2(padded))),
                               atol=1e-9)


def _check_params(panel: ParameterPanel, s: Settings) -> None:
    assert panel.padding_mode.currentData() == s.padding
    assert (panel.stride.value(), panel.dilation.value()) == (s.stride, s.dilation)
    assert (panel.boundary.currentData(), panel.cval.value()) == (s.boundary, s.cval)
    assert panel.convolution.isChecked() == s.flip
    assert (panel.channels.currentData(), panel.display.currentData()) == (s.channels,
                                                                           s.display)


def _check_shape(panel: ShapePanel, s: Settings) -> None:
    # the output shape the engine really gives (a single map is shown as ×1)
    out = convolve2d(IMAGE, s.kernel_array(), **s.engine_kwargs()).shape
    assert panel.summary_text() == f"12×14×3 → {out[0]}×{out[1]}×{out[2] if len(out) == 3 else 1}"


CHECKS: dict[str, Callable[[Any, Settings], None]] = {
    "filter_bank": _check_filter_bank, "channels": _check_channels, "layer": _check_layer,
    "transposed": _check_transposed, "frequency": _check_frequency, "params": _check_params,
    "shape": _check_shape,
}
CLASSES = {"filter_bank": FilterBank, "channels": ChannelsView, "layer": LayerView,
           "transposed": TransposedView}


# ----------------------------------------------------------------------------- set-up

def _counted(work: Counter[str], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def counted(*args: Any, **kwargs: Any) -> Any:
        work[name] += 1
        return function(*args, **kwargs)
    return counted


def _settle(qtbot, panels: dict[str, Any]) -> None:
    """Run every job the edit started to its end (an edit schedules its jobs at once)."""
    computing = [panel for name, panel in panels.items() if name in CLASSROOM]
    for _ in range(2):  # and once more after the event loop had a turn
        QCoreApplication.processEvents()
        qtbot.waitUntil(lambda: all(panel.is_ready() for panel in computing), timeout=10_000)


@pytest.fixture
def window(qtbot, monkeypatch):
    """Every panel shown side by side on one model, as in the window (the classroom panels
    set to work only while shown, as its tabs are), on a 12×14 RGB image. Returns the model,
    the panels by name and the work each does, counted from now on."""
    model = SettingsModel(BASE)
    host = QWidget()
    qtbot.addWidget(host)
    panels: dict[str, Any] = {name: cls(model) for name, cls in CLASSES.items()}
    panels |= {"frequency": FrequencyView(model), "params": ParameterPanel(model),
               "shape": ShapePanel(model)}
    layout = QHBoxLayout(host)
    for panel in panels.values():
        layout.addWidget(panel)
    for name in CLASSROOM:
        panels[name].follow_when_hidden = False
    host.show()
    qtbot.waitExposed(host)
    for name in CLASSROOM:
        panels[name].set_image(IMAGE, (0.0, 255.0))
    panels["shape"].set_input_shape(IMAGE.shape)
    _settle(qtbot, panels)

    work: Counter[str] = Counter()
    for name in CLASSROOM:
        monkeypatch.setattr(panels[name], "make_job",
                            _counted(work, name, panels[name].make_job))
    monkeypatch.setattr(frequency_module, "frequency_response",
                        _counted(work, "frequency", frequency_module.frequency_response))
    for name in ("params", "shape"):
        monkeypatch.setattr(panels[name], "refresh", _counted(work, name, panels[name].refresh))
    yield model, panels, work
    host.close()


# ------------------------------------------------------------------------------ tests

def test_the_table_covers_every_field_with_a_new_value():
    assert set(WORKS_FOR) == set(NEW_VALUES) == set(FIELDS)
    assert all(getattr(BASE, f) != v for f, v in NEW_VALUES.items())


def test_the_panels_declare_what_the_table_says():
    for name, cls in {**CLASSES, "frequency": FrequencyView, "params": ParameterPanel,
                      "shape": ShapePanel}.items():
        assert cls.depends_on == {f for f, names in WORKS_FOR.items() if name in names}, name


@pytest.mark.parametrize("field", FIELDS)
def test_an_edit_to_one_field_makes_exactly_its_panels_work_once(window, qtbot, field):
    model, panels, work = window
    expected = {name: int(name in WORKS_FOR[field]) for name in PANELS}
    for check in CHECKS:  # the panels show BASE before the edit
        CHECKS[check](panels[check], model.settings)

    model.edit(field, **{field: NEW_VALUES[field]})
    _settle(qtbot, panels)
    assert {name: work[name] for name in PANELS} == expected
    assert model.settings == BASE.replace(**{field: NEW_VALUES[field]})
    for name, check in CHECKS.items():
        check(panels[name], model.settings)

    work.clear()  # undo changes the same field back: the same panels work again, once
    model.undo_stack.undo()
    _settle(qtbot, panels)
    assert {name: work[name] for name in PANELS} == expected
    assert model.settings == BASE
    for name, check in CHECKS.items():
        check(panels[name], model.settings)


@pytest.mark.parametrize("name", CLASSROOM)
def test_a_hidden_panel_works_once_when_shown_and_only_for_its_fields(qtbot, monkeypatch,
                                                                      name):
    model = SettingsModel(BASE)
    panel = CLASSES[name](model)
    panel.follow_when_hidden = False
    qtbot.addWidget(panel)
    jobs: Counter[str] = Counter()
    monkeypatch.setattr(panel, "make_job", _counted(jobs, name, panel.make_job))

    panel.set_image(IMAGE, (0.0, 255.0))
    for field, value in NEW_VALUES.items():  # every field, one edit each
        model.edit(field, **{field: value})
    QCoreApplication.processEvents()
    assert jobs[name] == 0 and panel.is_behind() and panel.is_ready()

    panel.show()
    qtbot.waitExposed(panel)
    _settle(qtbot, {name: panel})
    assert jobs[name] == 1 and not panel.is_behind()
    CHECKS[name](panel, model.settings)

    # hidden again, edits to fields it does not depend on: nothing to catch up on
    panel.hide()
    ignored = [f for f in FIELDS if f not in panel.depends_on]
    assert {"bias", "display"} <= set(ignored)
    model.edit("ignored", **{f: getattr(BASE, f) for f in ignored})
    assert not panel.is_behind()
    panel.show()
    _settle(qtbot, {name: panel})
    assert jobs[name] == 1

    # and two it depends on, edited one by one: one job when shown
    panel.hide()
    for field in sorted(panel.depends_on)[:2]:
        model.edit(field, **{field: getattr(BASE, field)})
    QCoreApplication.processEvents()
    assert jobs[name] == 1 and panel.is_behind()
    panel.show()
    _settle(qtbot, {name: panel})
    assert jobs[name] == 2
    CHECKS[name](panel, model.settings)
    panel.close()


def test_the_frequency_view_off_screen_follows_once_when_back(qtbot, monkeypatch):
    model = SettingsModel(BASE)
    view = FrequencyView(model)
    qtbot.addWidget(view)
    responses: Counter[str] = Counter()
    monkeypatch.setattr(frequency_module, "frequency_response",
                        _counted(responses, "frequency", frequency_module.frequency_response))
    view.set_on_screen(False)  # a dock page behind another tab
    model.edit("k", kernel=NEW_VALUES["kernel"])
    model.edit("d", divisor=4)
    model.edit("s", stride=(2, 2))
    assert responses["frequency"] == 0 and view.is_behind()
    view.set_on_screen(True)
    assert responses["frequency"] == 1 and not view.is_behind()
    _check_frequency(view, model.settings)
    model.edit("k", kernel=BASE.kernel)  # on screen: at once
    assert responses["frequency"] == 2
    _check_frequency(view, model.settings)
