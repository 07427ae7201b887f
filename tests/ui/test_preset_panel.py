"""Tests for the presets panel: list, search, apply (undoable), save, rename, duplicate, delete
with undo, import/export, broken files, an unwritable folder and the keyboard.

Every dialog method of the panel is replaced: a test that reaches an unexpected dialog fails
instead of blocking.
"""

import json

import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QToolButton

from convgui.presets import Preset, PresetStore, read_preset_file
from convgui.settings import Settings
from convgui.ui.kernel_table import heat_color
from convgui.ui.model import SettingsModel
from convgui.ui.preset_dialogs import SaveDetailsDialog, parse_tags
from convgui.ui.preset_panel import KIND_ROLE, OBJECT_ROLE, PresetPanel, kernel_thumbnail

START = Settings(kernel=((1, 2, 3), (4, 5, 6), (7, 8, 9)), divisor=45, bias=2, padding="valid",
                 stride=(2, 3), dilation=(1, 2), boundary="wrap", cval=3, flip=True,
                 channels="luma", display="abs")
SOBEL_X = ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1))
FULL = Settings(kernel=((0, 1), (2, 3)), divisor=6, bias=-1, padding=((1, 0), (2, 1)),
                stride=(1, 2), dilation=(2, 2), boundary="constant", cval=9, flip=False,
                channels="sum", display="diverging")
DIALOGS = ("ask_save_details", "ask_rename", "confirm", "ask_conflict_policy", "ask_open_path",
           "ask_save_path")


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVGUI_HOME", str(tmp_path / "home"))


@pytest.fixture
def store(tmp_path):
    store = PresetStore(user_dir=tmp_path / "user")
    store.save(Preset("Lesson blur", [[1, 2, 1], [2, 4, 2], [1, 2, 1]], divisor=16,
                      description="Soft blur for lesson three", tags=("Teaching", "blur")))
    store.save(Preset.from_settings("Full one", FULL, description="everything",
                                    include_settings=True))
    return store


@pytest.fixture
def model():
    return SettingsModel(START)


def _unexpected(name):
    def fail(*args, **kwargs):
        raise AssertionError(f"unexpected dialog {name}{args}")
    return fail


@pytest.fixture
def panel(qtbot, model, store):
    widget = PresetPanel(model, store)
    qtbot.addWidget(widget)
    for name in DIALOGS:
        setattr(widget, name, _unexpected(name))
    widget.messages = []
    widget.message.connect(widget.messages.append)
    widget.resize(420, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def answer(panel, monkeypatch, **replies):
    """Make the panel's dialog methods return ``replies`` (values, or lists used in turn);
    return the list of calls made."""
    calls = []
    for name, reply in replies.items():
        queue = list(reply) if isinstance(reply, list) else None

        def method(*args, _name=name, _reply=reply, _queue=queue, **kwargs):
            calls.append((_name, args, kwargs))
            return _queue.pop(0) if _queue is not None else _reply

        monkeypatch.setattr(panel, name, method)
    return calls


class ListRow:
    """One row of the panel's list model, read the way a ``QListWidgetItem`` is: its data,
    text, tooltip, icon, foreground, whether the search hides it, and selecting it."""

    def __init__(self, panel, source_row):
        self.panel = panel
        self.source = panel.presets_model.index(source_row)

    @property
    def index(self):
        """The row's index in the list view (invalid while the search hides it)."""
        return self.panel.filter_model.mapFromSource(self.source)

    def data(self, role):
        return self.source.data(role)

    def text(self):
        return self.data(Qt.ItemDataRole.DisplayRole)

    def toolTip(self):  # noqa: N802 - as QListWidgetItem
        return self.data(Qt.ItemDataRole.ToolTipRole)

    def icon(self):
        return self.data(Qt.ItemDataRole.DecorationRole)

    def foreground(self):
        return self.data(Qt.ItemDataRole.ForegroundRole)

    def isHidden(self):  # noqa: N802 - as QListWidgetItem
        return not self.index.isValid()

    def setSelected(self, selected):  # noqa: N802 - as QListWidgetItem
        flag = QItemSelectionModel.SelectionFlag
        self.panel.list.selectionModel().select(
            self.index, flag.Select if selected else flag.Deselect)


def items(panel):
    """Every row of the list, shown or hidden by the search."""
    return [ListRow(panel, r) for r in range(panel.presets_model.rowCount())]


def item_of(panel, name):
    return next(it for it in items(panel) if it.data(KIND_ROLE) == "preset"
                and it.data(OBJECT_ROLE).name == name)


# -- list, thumbnails, search ----------------------------------------------------------------


def test_sections_user_first_then_builtin_with_details(panel, store):
    kinds = [(it.data(KIND_ROLE), it.text().split(" (")[0]) for it in items(panel)]
    assert kinds[0] == ("header", "Your presets")
    builtin_header = kinds.index(("header", "Built-in"))
    shown = panel.presets_shown()
    assert shown[:2] == ["Full one", "Lesson blur"]  # the user's, sorted
    assert {"Sobel x", "Gaussian 3×3", "Downsample ×2 (box, stride 2)"} <= set(shown[2:])
    assert builtin_header == 3
    assert len(shown) == len(store.names())
    blur = item_of(panel, "Lesson blur")
    lines = blur.text().split("\n")
    assert lines[0].startswith("Lesson blur") and "#Teaching #blur" in lines[0]
    assert lines[1] == "Soft blur for lesson three"
    assert "Soft blur for lesson three" in blur.toolTip() and "Your preset" in blur.toolTip()
    assert "with settings" in item_of(panel, "Full one").text()
    assert "Built-in" in item_of(panel, "Sobel x").toolTip()
    assert not blur.icon().isNull()
    assert blur.icon().actualSize(panel.list.iconSize()).width() == 32


def test_thumbnail_uses_the_kernel_editor_colours():
    pixmap = kernel_thumbnail(((-2, 0, 2), (1, 0, -1), (0, 2, 0)), 33)
    image = pixmap.toImage()
    assert (image.width(), image.height()) == (33, 33)
    for r, row in enumerate(((-2, 0, 2), (1, 0, -1), (0, 2, 0))):
        for c, value in enumerate(row):
            assert QColor(image.pixel(c * 11 + 5, r * 11 + 5)) == heat_color(value, 2)
    wide = kernel_thumbnail(((1, -1),), 32).toImage()  # 1×2: centred, transparent above
    assert QColor(wide.pixel(8, 16)) == heat_color(1, 1)
    assert QColor(wide.pixel(24, 16)) == heat_color(-1, 1)
    assert wide.pixelColor(16, 2).alpha() == 0


@pytest.mark.parametrize(("text", "expected"), [
    ("lesson", ["Lesson blur"]),              # name, case-insensitive
    ("TEACHING", ["Lesson blur"]),            # tag
    ("EVERYthing", ["Full one"]),             # description
    ("blur soft", ["Lesson blur"]),           # every word must match
])
def test_search_filters_name_tag_description(panel, text, expected):
    panel.search.setText(text)
    assert panel.presets_shown() == expected
    assert not panel.empty_label.isVisible()


def test_search_hides_empty_sections_and_says_when_nothing_matches(panel):
    panel.search.setText("sobel")
    assert "Sobel x" in panel.presets_shown() and "Lesson blur" not in panel.presets_shown()
    headers = [it for it in items(panel) if it.data(KIND_ROLE) == "header"]
    assert [h.isHidden() for h in headers] == [True, False]
    panel.search.setText("zzz no such thing")
    assert panel.presets_shown() == []
    assert panel.empty_label.isVisible() and "zzz" in panel.empty_label.text()
    panel.search.clear()
    assert "Lesson blur" in panel.presets_shown() and not panel.empty_label.isVisible()


# -- apply ------------------------------------------------------------------------------------


def test_applying_a_kernel_only_preset_keeps_the_other_settings_and_undoes(panel, model):
    applied = []
    panel.applied.connect(applied.append)
    assert panel.select("Sobel x")
    assert panel.apply_selected()
    assert model.settings == START.replace(kernel=SOBEL_X, divisor=1, bias=0)
    assert model.settings.stride == (2, 3) and model.settings.boundary == "wrap"
    assert model.undo_stack.undoText() == "Apply preset Sobel x"
    assert applied == ["Sobel x"] and "Applied preset “Sobel x”" in panel.messages[-1]
    model.undo_stack.undo()
    assert model.settings == START


def test_applying_a_full_preset_restores_everything(panel, model):
    panel.select("Full one")
    panel.apply_selected()
    assert model.settings == FULL
    model.undo_stack.undo()
    assert model.settings == START


def test_double_click_applies(panel, model, qtbot):
    item = item_of(panel, "Lesson blur")
    rect = panel.list.visualRect(item.index)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.current_preset().name == "Lesson blur"
    assert model.settings == START  # a single click only selects
    assert "Lesson blur" in panel.details.text() and "kernel only" in panel.details.text()
    qtbot.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert model.settings.kernel == ((1, 2, 1), (2, 4, 2), (1, 2, 1))
    assert model.settings.divisor == 16 and model.settings.stride == (2, 3)


def test_keyboard_arrows_skip_headers_and_enter_applies(panel, model, qtbot):
    panel.select("Lesson blur")  # the last of the user's presets
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)  # over the "Built-in" header
    first_builtin = panel.presets_shown()[2]
    assert panel.current_preset().name == first_builtin
    qtbot.keyClick(panel.list, Qt.Key.Key_Up)
    qtbot.keyClick(panel.list, Qt.Key.Key_Up)
    assert panel.current_preset().name == "Full one"
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert model.settings == FULL
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    qtbot.keyClick(panel.list, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert model.settings.kernel == ((1, 2, 1), (2, 4, 2), (1, 2, 1))
    assert model.settings.stride == FULL.stride  # kernel-only: the rest stays


def test_search_then_down_and_enter_applies(panel, model, qtbot):
    panel.search.setFocus()
    qtbot.keyClicks(panel.search, "sobel x")
    assert panel.presets_shown()[:2] == ["Scharr x", "Sobel x"]  # Scharr's text names Sobel
    qtbot.keyClick(panel.search, Qt.Key.Key_Down)
    assert panel.list.hasFocus()
    assert panel.current_preset().name == "Scharr x"
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert model.settings.kernel == SOBEL_X


def test_apply_without_selection_is_a_message_not_an_exception(panel, model):
    panel.list.setCurrentIndex(QModelIndex())
    assert panel.apply_selected() is False
    assert "Select a preset" in panel.message_label.text()
    assert model.undo_stack.count() == 0


def test_buttons_follow_the_selection(panel):
    panel.select("Sobel x")
    assert panel.apply_action.isEnabled() and panel.duplicate_action.isEnabled()
    assert not panel.rename_action.isEnabled() and not panel.delete_action.isEnabled()
    panel.select("Lesson blur")
    assert panel.rename_action.isEnabled() and panel.delete_action.isEnabled()
    assert not panel.undo_delete_action.isEnabled()
    for action in (panel.save_action, panel.rename_action, panel.delete_action,
                   panel.refresh_action, panel.apply_action):
        assert action.toolTip()
    assert panel.rename_action.shortcut().toString() == "F2"


def test_shortcuts_work_while_the_focus_is_in_the_panel(panel, store, qtbot, monkeypatch):
    calls = answer(panel, monkeypatch, confirm=False, ask_rename=None,
                   ask_save_details=None)
    panel.select("Lesson blur")
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    qtbot.keyClick(panel.list, Qt.Key.Key_F2)
    qtbot.keyClick(panel.list, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert [c[0] for c in calls] == ["confirm", "ask_rename", "ask_save_details"]
    qtbot.keyClick(panel.list, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert "Lesson blur (copy)" in store.names()
    qtbot.keyClick(panel.list, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.search.hasFocus()


# -- save, rename, duplicate, delete ------------------------------------------------------------


def test_save_current_kernel_only_and_full(panel, model, store, monkeypatch):
    calls = answer(panel, monkeypatch,
                   ask_save_details=[("  Mine  ", "my kernel", ["a", "b"], False),
                                     ("Mine full", "", [], True)])
    assert panel.save_current()
    mine = store.get("Mine")
    assert mine == Preset("Mine", START.kernel, divisor=45, bias=2, description="my kernel",
                          tags=("a", "b"))
    assert panel.current_preset().name == "Mine" and "Saved preset" in panel.messages[-1]
    assert panel.save_current()
    # The dialog starts from the selected user preset.
    assert calls[1][2] == {"name": "Mine", "description": "my kernel", "tags": ("a", "b"),
                           "include": False}
    assert store.get("Mine full").apply_to(Settings()) == START
    assert "Mine full" in panel.presets_shown()


def test_save_over_an_existing_name_asks_and_builtin_names_are_refused(panel, model, store,
                                                                       monkeypatch):
    calls = answer(panel, monkeypatch, ask_save_details=("Lesson blur", "new", [], False),
                   confirm=[False, True])
    assert not panel.save_current()
    assert store.get("Lesson blur").description == "Soft blur for lesson three"
    assert panel.save_current()
    assert store.get("Lesson blur").kernel == START.kernel
    assert store.get("Lesson blur").description == "new"
    assert [c[0] for c in calls].count("confirm") == 2
    assert "Lesson blur" in calls[1][1][0]

    answer(panel, monkeypatch, ask_save_details=("Sobel x", "", [], False))
    before = sorted(p.name for p in store.user_dir.iterdir())
    assert not panel.save_current()
    assert "built-in" in panel.message_label.text()
    assert sorted(p.name for p in store.user_dir.iterdir()) == before
    assert store.get("Sobel x").builtin


def test_save_with_an_invalid_name_shows_the_reason(panel, monkeypatch):
    answer(panel, monkeypatch, ask_save_details=("   ", "", [], False))
    assert not panel.save_current()
    assert "name must not be empty" in panel.message_label.text()
    answer(panel, monkeypatch, ask_save_details=None)
    assert not panel.save_current()  # cancelled


def test_rename(panel, store, monkeypatch):
    answer(panel, monkeypatch, ask_rename="Blur for lesson 3 ✓")
    panel.select("Lesson blur")
    assert panel.rename_selected()
    assert "Lesson blur" not in store.names()
    assert store.get("Blur for lesson 3 ✓").divisor == 16
    assert panel.current_preset().name == "Blur for lesson 3 ✓"
    answer(panel, monkeypatch, ask_rename="Full one")  # taken: refused with the reason
    assert not panel.rename_selected()
    assert "already exists" in panel.message_label.text()
    panel.select("Sobel x")
    assert not panel.rename_selected()  # built-in: no dialog at all
    assert "built-in" in panel.message_label.text()


def test_duplicate_builtin_and_user(panel, store):
    panel.select("Sobel x")
    assert panel.duplicate_selected()
    copy = store.get("Sobel x (copy)")
    assert not copy.builtin and copy.kernel == SOBEL_X
    assert panel.current_preset().name == "Sobel x (copy)"
    panel.select("Sobel x")
    panel.duplicate_selected()
    assert "Sobel x (copy) (2)" in store.names()
    panel.select("Full one")
    panel.duplicate_selected()
    assert store.get("Full one (copy)").settings == store.get("Full one").settings


def test_delete_asks_and_undo_delete_restores(panel, store, monkeypatch):
    original = store.path_of("Lesson blur").read_bytes()
    calls = answer(panel, monkeypatch, confirm=[False, True])
    panel.select("Lesson blur")
    assert not panel.delete_selected()
    assert "Lesson blur" in store.names()
    assert panel.delete_selected()
    assert "Lesson blur" not in store.names() and "Lesson blur" not in panel.presets_shown()
    assert "Lesson blur" in calls[0][1][0]
    assert panel.undo_delete_action.isEnabled()
    assert "Lesson blur" in panel.undo_delete_action.text()
    assert panel.undo_delete()
    assert store.path_of("Lesson blur").read_bytes() == original
    assert panel.current_preset().name == "Lesson blur"
    assert not panel.undo_delete_action.isEnabled()


def test_delete_several_and_undo_even_if_a_name_was_taken_meanwhile(panel, store,
                                                                    monkeypatch):
    answer(panel, monkeypatch, confirm=True)
    panel.select("Lesson blur")
    item_of(panel, "Full one").setSelected(True)
    item_of(panel, "Sobel x").setSelected(True)  # built-in: kept
    assert panel.delete_selected()
    assert set(store.names()).isdisjoint({"Lesson blur", "Full one"})
    assert "Sobel x" in store.names()
    store.save(Preset("Full one", [[5]]))  # another window took the name
    assert panel.undo_delete()
    assert store.get("Full one").kernel == ((5,),)
    assert store.get("Full one (2)").settings is not None
    assert store.get("Lesson blur").divisor == 16


def test_builtin_presets_cannot_be_deleted(panel, store):
    panel.select("Sobel x")
    assert not panel.delete_selected()  # no confirmation asked
    assert "Built-in presets cannot be deleted" in panel.message_label.text()


# -- import and export ------------------------------------------------------------------------


def test_export_selected_then_import_with_each_conflict_policy(panel, store, tmp_path,
                                                               monkeypatch):
    target = tmp_path / "shared" / "lesson"
    target.parent.mkdir()
    calls = answer(panel, monkeypatch, ask_save_path=str(target))
    panel.select("Lesson blur")
    item_of(panel, "Sobel x").setSelected(True)
    assert panel.export_selected()
    exported = target.with_suffix(".json")  # the extension is added
    assert [p.name for p in read_preset_file(exported)] == ["Lesson blur", "Sobel x"]
    assert calls[0][1] == ("presets.json",)
    assert "Exported 2 presets" in panel.messages[-1]

    # Both names are taken: one question for the whole import.
    calls = answer(panel, monkeypatch, ask_open_path=str(exported),
                   ask_conflict_policy=["keep-both", "skip", "replace", None])
    assert panel.import_presets()
    assert calls[-1] == ("ask_conflict_policy", (["Lesson blur", "Sobel x"],), {})
    assert {"Lesson blur (2)", "Sobel x (2)"} <= set(store.names())
    assert [p.name for p in panel.selected_presets()] == ["Lesson blur (2)", "Sobel x (2)"]
    before = sorted(store.names())
    assert panel.import_presets()  # skip
    assert sorted(store.names()) == before and "2 skipped" in panel.messages[-1]
    store.save(Preset("Lesson blur", [[7]]), overwrite=True)
    assert panel.import_presets()  # replace: yours is overwritten, the built-in is kept twice
    assert store.get("Lesson blur").divisor == 16
    assert "Sobel x (3)" in store.names()
    assert not panel.import_presets()  # cancelled
    assert "cancelled" in panel.messages[-1]


def test_import_without_conflicts_asks_nothing(panel, store, tmp_path, monkeypatch):
    source = tmp_path / "one.json"
    source.write_text(Preset("Brand new", [[1, -1]], tags=("x",)).to_json(), encoding="utf-8")
    answer(panel, monkeypatch, ask_open_path=str(source))
    assert panel.import_presets()
    assert store.get("Brand new").tags == ("x",)
    assert panel.current_preset().name == "Brand new"


def test_import_of_an_invalid_file_is_a_message(panel, store, tmp_path, monkeypatch):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "convgui-preset-collection", "version": 1,
                               "presets": [{"name": "ok", "kernel": [[1]]},
                                           {"name": "Blur", "kernel": [[1, 2], [3]]}]}))
    before = sorted(store.names())
    answer(panel, monkeypatch, ask_open_path=str(bad))
    assert not panel.import_presets()
    assert "preset 2 of 2 ('Blur')" in panel.message_label.text()
    assert sorted(store.names()) == before
    answer(panel, monkeypatch, ask_open_path=None)
    assert not panel.import_presets()


def test_export_errors_are_messages(panel, tmp_path, monkeypatch):
    answer(panel, monkeypatch, ask_save_path=str(tmp_path / "no" / "such" / "x.json"))
    panel.select("Sobel x")
    assert not panel.export_selected()
    assert "cannot export" in panel.message_label.text()


# -- broken files, unwritable folder, other windows --------------------------------------------


def test_corrupt_file_is_listed_as_broken_and_never_touched(qtbot, model, store, monkeypatch):
    corrupt = store.user_dir / "corrupt.json"
    data = b'{"format": "convgui-preset", "version": 1, "name": "Half\n'
    corrupt.write_bytes(data)
    newer = store.user_dir / "newer.json"
    newer_data = b'{"format": "convgui-preset", "version": 9, "name": "x", "kernel": [[1]]}'
    newer.write_bytes(newer_data)
    panel = PresetPanel(model, store)
    qtbot.addWidget(panel)
    for name in DIALOGS:
        setattr(panel, name, _unexpected(name))
    broken = {b.path.name: b.reason for b in panel.broken_shown()}
    assert set(broken) == {"corrupt.json", "newer.json"}
    assert "newer ConvGUI" in broken["newer.json"]
    item = next(it for it in items(panel) if it.data(KIND_ROLE) == "broken"
                and it.data(OBJECT_ROLE).path == corrupt)
    assert item.text().split("\n")[1].startswith("broken: invalid JSON")
    assert str(corrupt) in item.toolTip() and "untouched" in item.toolTip()
    assert item.foreground().color() != panel.palette().text().color()  # greyed
    panel.list.setCurrentIndex(item.index)
    assert "corrupt.json" in panel.details.text()
    assert not panel.apply_selected() and "broken" in panel.message_label.text()
    assert not panel.rename_action.isEnabled() and not panel.delete_action.isEnabled()
    # Saving, deleting and refreshing around the broken files leaves them byte for byte.
    answer(panel, monkeypatch, ask_save_details=("Half", "", [], False), confirm=True)
    assert panel.save_current()
    panel.select("Lesson blur")
    panel.delete_selected()
    panel.refresh()
    panel.search.setText("invalid json")
    assert [b.path.name for b in panel.broken_shown()] == ["corrupt.json"]
    assert corrupt.read_bytes() == data and newer.read_bytes() == newer_data


def test_unwritable_folder_still_lists_and_applies_and_saving_explains(qtbot, model, tmp_path,
                                                                      monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = PresetStore(user_dir=blocker / "presets")
    panel = PresetPanel(model, store)
    qtbot.addWidget(panel)
    assert "Sobel x" in panel.presets_shown()
    panel.select("Sobel x")
    assert panel.apply_selected()
    assert model.settings.kernel == SOBEL_X and model.settings.stride == START.stride
    answer(panel, monkeypatch, ask_save_details=("Mine", "", [], True))
    assert not panel.save_current()
    text = panel.message_label.text()
    assert text.startswith("cannot save preset 'Mine': folder ") and "is not writable" in text
    assert panel.message_label.styleSheet()  # shown as an error
    panel.select("Sobel x")
    assert not panel.duplicate_selected()
    assert "is not writable" in panel.message_label.text()
    assert blocker.read_text() == "not a folder"


def test_refresh_shows_changes_made_by_another_window(panel, store, qtbot):
    other = PresetStore(user_dir=store.user_dir)
    other.save(Preset("From elsewhere", [[1]]))
    assert "From elsewhere" not in panel.presets_shown()
    panel.select("Full one")
    panel.refresh()
    assert "From elsewhere" in panel.presets_shown()
    assert panel.current_preset().name == "Full one"  # the selection survives
    other.delete("From elsewhere")
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    panel.changeEvent(QEvent(QEvent.Type.ActivationChange))  # coming back to the window
    assert "From elsewhere" not in panel.presets_shown()


# -- the dialogs themselves ----------------------------------------------------------------------


def test_save_dialog_values_and_name_checks(qtbot):
    dialog = SaveDetailsDialog(None, name="Mine", tags=("a",),
                               existing={"Mine": False, "Sobel x": True})
    qtbot.addWidget(dialog)
    save = dialog.buttons.buttons()[0]
    assert save.isEnabled() and "replace" in dialog.hint.text()
    dialog.name_edit.setText("Sobel x")
    assert not save.isEnabled() and "built-in" in dialog.hint.text()
    dialog.name_edit.setText("  ")
    assert not save.isEnabled()
    dialog.name_edit.setText(" New ")
    dialog.description_edit.setText("desc")
    dialog.tags_edit.setText("blur,  edge , ,blur")
    dialog.include_box.setChecked(True)
    assert save.isEnabled()
    assert dialog.values() == ("New", "desc", ["blur", "edge"], True)
    assert parse_tags("") == []


# -- the list keeps its room (issue 17) ---------------------------------------------------------


@pytest.mark.parametrize("scale", [1.0, 1.4])  # normal and presentation font
def test_long_details_never_squeeze_the_list_below_five_rows(qtbot, model, store, scale):
    store.save(Preset("Long story", [[1, 2], [3, 4]],
                      description=" ".join(["a rather long description"] * 40),
                      tags=tuple(f"tag{i}" for i in range(20))))
    panel = PresetPanel(model, store)
    qtbot.addWidget(panel)
    font = panel.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    panel.setFont(font)
    panel.resize(320, 520)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.select("Long story")
    qtbot.wait(1)  # let the layout follow the longer details
    row = panel.list.visualRect(item_of(panel, "Lesson blur").index).height()
    assert row >= 2 * panel.list.fontMetrics().lineSpacing()  # a two-line preset row
    assert panel.list.viewport().height() >= 5 * row
    # The details are all there, in a scroll area that scrolls to their end.
    assert "tag19" in panel.details.text()
    area = panel.details_area
    assert area.verticalScrollBar().maximum() > 0
    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    assert area.widget().height() - area.verticalScrollBar().value() <= \
        area.viewport().height()


def test_the_minimum_height_keeps_five_rows_and_every_tool_button(qtbot, model, store):
    """In a narrow dock the buttons wrap into rows: the panel's minimum height counts them,
    so a dock at that height still shows five preset rows and every button whole."""
    panel = PresetPanel(model, store)
    qtbot.addWidget(panel)
    panel.resize(270, 700)
    panel.show()
    qtbot.waitExposed(panel)
    panel.select("Lesson blur")
    qtbot.wait(1)
    panel.resize(270, panel.minimumSizeHint().height())
    qtbot.waitUntil(lambda: panel.height() == panel.minimumSizeHint().height())
    qtbot.wait(1)
    row = panel.list.visualRect(item_of(panel, "Lesson blur").index).height()
    assert panel.list.viewport().height() >= 5 * row
    buttons = panel.tools.findChildren(QToolButton)
    assert len(buttons) == 9 and len({b.y() for b in buttons}) > 1  # wrapped into rows
    assert all(panel.tools.rect().contains(b.geometry()) for b in buttons)
    assert panel.tools.geometry().bottom() < panel.height()
