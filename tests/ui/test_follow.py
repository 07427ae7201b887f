"""Per-field change events: the model names the fields that changed, a follower hears only
the ones it depends on, and a hidden follower catches up once when shown."""

from PySide6.QtWidgets import QWidget

from convgui.settings import FIELDS, Settings
from convgui.ui.follow import FollowsSettings
from convgui.ui.model import SettingsModel

#: A value different from the default for every field (checked below to cover them all).
NEW_VALUES = {"kernel": ((1, 2, 1),), "divisor": 4, "bias": 1, "padding": "valid",
              "stride": (2, 2), "dilation": (2, 1), "boundary": "wrap", "cval": 3,
              "flip": True, "channels": "luma", "display": "diverging"}


class Recorder(FollowsSettings, QWidget):
    depends_on = frozenset({"stride", "bias"})

    def __init__(self, model: SettingsModel) -> None:
        super().__init__()
        self.calls: list[frozenset[str]] = []
        self.follow(model)

    def settings_changed(self, settings: Settings, fields: frozenset[str]) -> None:
        self.calls.append(fields)


def test_every_field_is_named_alone_when_it_alone_changes():
    assert set(NEW_VALUES) == set(FIELDS)
    for name, value in NEW_VALUES.items():
        model = SettingsModel()
        heard = []
        model.fieldsChanged.connect(lambda s, f, heard=heard: heard.append((s, f)))
        model.edit("x", **{name: value})
        assert heard == [(model.settings, frozenset({name}))]


def test_undo_and_whole_replacements_name_every_changed_field():
    model = SettingsModel()
    heard = []
    model.fieldsChanged.connect(lambda s, f: heard.append(f))
    model.set(Settings(stride=3, bias=2, display="abs"))
    model.undo_stack.undo()
    model.set(Settings())  # equal: nothing
    assert heard == [frozenset({"stride", "bias", "display"})] * 2


def test_follower_hears_only_its_fields(qtbot):
    model = SettingsModel()
    rec = Recorder(model)
    qtbot.addWidget(rec)
    model.edit("k", kernel=((1,),))
    model.edit("d", display="abs")
    assert rec.calls == []
    model.edit("s", stride=2, display="auto")
    assert rec.calls == [frozenset({"stride"})]


def test_hidden_follower_catches_up_once_with_all_it_missed(qtbot):
    model = SettingsModel()
    rec = Recorder(model)
    rec.follow_when_hidden = False
    qtbot.addWidget(rec)
    model.edit("s", stride=2)
    model.edit("b", bias=5)
    model.edit("s", stride=3)
    model.edit("k", kernel=((2,),))
    assert rec.calls == [] and rec.is_behind()
    rec.show()
    qtbot.waitExposed(rec)
    assert rec.calls == [frozenset({"stride", "bias"})]
    assert not rec.is_behind()
    rec.hide()
    rec.show()
    assert len(rec.calls) == 1  # nothing new: no second catch-up
