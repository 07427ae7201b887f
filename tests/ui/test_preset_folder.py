"""The presets' Import and Export dialogs open in the folder last used (issue 13), remembered
across panels and runs in the application settings."""

import pytest

from convgui.presets import Preset, PresetStore
from convgui.settings import Settings
from convgui.ui import preset_panel as preset_panel_module
from convgui.ui.model import SettingsModel
from convgui.ui.preset_panel import LAST_DIR_KEY, PresetPanel
from convgui.ui.session import app_settings


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVGUI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HOME", str(tmp_path / "user-home"))
    (tmp_path / "user-home").mkdir()


@pytest.fixture
def store(tmp_path):
    store = PresetStore(user_dir=tmp_path / "user")
    store.save(Preset("Lesson blur", [[1, 2, 1], [2, 4, 2], [1, 2, 1]], divisor=16))
    return store


@pytest.fixture
def dialogs(monkeypatch):
    """Replace the file dialogs: record the folder each one opens in and answer with the
    path queued in ``answers``."""
    opened, answers = [], []

    def fake(kind):
        def dialog(_parent, _title, start, _filter):
            opened.append((kind, start))
            return answers.pop(0), ""
        return staticmethod(dialog)

    monkeypatch.setattr(preset_panel_module.QFileDialog, "getOpenFileName", fake("open"))
    monkeypatch.setattr(preset_panel_module.QFileDialog, "getSaveFileName", fake("save"))
    return opened, answers


def make_panel(qtbot, store):
    panel = PresetPanel(SettingsModel(Settings()), store)
    qtbot.addWidget(panel)
    panel.ask_conflict_policy = lambda names: "keep-both"
    return panel


def test_import_opens_in_the_folder_last_used_even_in_a_new_panel(qtbot, store, tmp_path,
                                                                  dialogs):
    opened, answers = dialogs
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    first = make_panel(qtbot, store)
    first.select("Lesson blur")
    answers.append(str(lessons / "blur.json"))
    assert first.export_selected()
    home = tmp_path / "user-home"
    assert opened == [("save", str(home / "lesson-blur.json"))]  # nothing used yet: home
    assert app_settings().value(LAST_DIR_KEY) == str(lessons.resolve())

    second = make_panel(qtbot, store)  # e.g. the next run of the application
    answers.append(str(lessons / "blur.json"))
    assert second.import_presets()
    assert opened[-1] == ("open", str(lessons.resolve()))

    other = tmp_path / "other"
    other.mkdir()
    (other / "copy.json").write_bytes((lessons / "blur.json").read_bytes())
    answers.append(str(other / "copy.json"))
    assert second.import_presets()
    answers.append(str(other / "again.json"))
    second.select("Lesson blur")
    assert second.export_selected()
    assert opened[-1] == ("save", str(other.resolve() / "lesson-blur.json"))


def test_a_remembered_folder_that_is_gone_falls_back_to_home(qtbot, store, tmp_path):
    app_settings().setValue(LAST_DIR_KEY, str(tmp_path / "deleted"))
    assert PresetPanel.last_dir() == str(tmp_path / "user-home")
