"""PresetLibrary without Qt: the rows it lists and every operation against a real PresetStore in
a temporary folder, with the messages the user reads and the undo of deletes.

Dialogs are plain functions here: ``Answers`` records each question and replies in turn.
"""

from __future__ import annotations

import json

import pytest

from convgui.presets import BrokenPreset, Preset, PresetStore, read_preset_file
from convgui.presets.library import (
    BROKEN,
    HEADER,
    PLACEHOLDER,
    PRESET,
    PresetLibrary,
    number_text,
    settings_summary,
)
from convgui.settings import Settings

START = Settings(kernel=((1, 2, 3), (4, 5, 6), (7, 8, 9)), divisor=45, bias=2, padding="valid",
                 stride=(2, 3), dilation=(1, 2), boundary="wrap", cval=3, flip=True,
                 channels="luma", display="abs")
FULL = Settings(kernel=((0, 1), (2, 3)), divisor=6, bias=-1, padding=((1, 0), (2, 1)),
                stride=(1, 2), dilation=(2, 2), boundary="constant", cval=-0.5, flip=False,
                channels="sum", display="diverging")
SOBEL_X = ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1))


class Answers:
    """A dialog stand-in: returns ``replies`` in turn and records the arguments it got."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.calls = []

    def __call__(self, *args):
        self.calls.append(args)
        return self.replies.pop(0)


def never(*args):
    raise AssertionError(f"unexpected question {args}")


@pytest.fixture
def store(tmp_path):
    builtin = tmp_path / "builtin"
    builtin.mkdir()
    (builtin / "sobel.json").write_text(
        Preset("Sobel x", SOBEL_X, description="horizontal edges", tags=("edge",)).to_json(),
        encoding="utf-8")
    store = PresetStore(user_dir=tmp_path / "user", builtin_dir=builtin)
    store.save(Preset("Lesson blur", [[1, 2, 1], [2, 4, 2], [1, 2, 1]], divisor=16,
                      description="Soft blur for lesson three", tags=("Teaching", "blur")))
    store.save(Preset.from_settings("Full one", FULL, description="everything",
                                    include_settings=True))
    return store


@pytest.fixture
def library(store):
    library = PresetLibrary(store)
    assert library.reload() is None
    return library


def names(library, kind=PRESET):
    return [row.entry.name if kind == PRESET else row.entry.path.name
            for row in library.rows if row.kind == kind]


# -- the rows -----------------------------------------------------------------------------------


def test_rows_in_sections_with_counts_texts_and_search_text(library, store):
    assert [(r.kind, r.text.split("\n")[0]) for r in library.rows] == [
        (HEADER, "Your presets (2)"),
        (PRESET, "Full one  ·  with settings"),
        (PRESET, "Lesson blur  ·  #Teaching #blur"),
        (HEADER, "Built-in (read-only) (1)"),
        (PRESET, "Sobel x  ·  #edge"),
    ]
    blur = library.rows[2]
    assert blur.text == "Lesson blur  ·  #Teaching #blur\nSoft blur for lesson three"
    assert blur.search_text == "lesson blur teaching blur soft blur for lesson three"
    assert blur.tooltip == (
        "Lesson blur\nSoft blur for lesson three\nYour preset; 3×3 kernel, kernel only: "
        "applying it keeps your other settings.\nTags: Teaching, blur\n"
        "Double-click or Enter applies it.")
    assert blur.key == (PRESET, "Lesson blur") and blur.section == "user"
    assert library.rows[4].section == "builtin" and "Built-in (read-only)" in \
        library.rows[4].tooltip
    assert str(store.user_dir) in library.rows[0].tooltip
    assert blur.matches(["soft", "teach"]) and not blur.matches(["soft", "edge"])


def test_no_user_presets_shows_a_placeholder_and_broken_files_get_a_section(tmp_path):
    store = PresetStore(user_dir=tmp_path / "user", builtin_dir=tmp_path / "none")
    library = PresetLibrary(store)
    library.reload()
    assert [r.kind for r in library.rows] == [HEADER, PLACEHOLDER, HEADER]
    assert library.rows[1].text.startswith("None yet")
    (tmp_path / "user").mkdir()
    (tmp_path / "user" / "bad.json").write_text("{", encoding="utf-8")
    library.reload()
    assert [(r.kind, r.section) for r in library.rows] == [
        (HEADER, "user"), (PLACEHOLDER, "user"), (HEADER, "builtin"), (HEADER, "broken"),
        (BROKEN, "broken")]
    broken = library.rows[-1]
    assert isinstance(broken.entry, BrokenPreset)
    assert broken.text.startswith("bad.json\nbroken: invalid JSON")
    assert library.rows[-2].text == "Broken files (1)"
    assert "untouched" in broken.tooltip and broken.search_text.startswith("bad.json invalid json")


def test_listeners_hear_every_reload_and_every_write(library):
    heard = []
    library.add_listener(lambda: heard.append(names(library)))
    library.duplicate(library.rows[1].entry)
    assert heard == [["Full one", "Full one (copy)", "Lesson blur", "Sobel x"]]
    library.reload()
    assert len(heard) == 2


def test_number_text_and_settings_summary():
    assert [number_text(v) for v in (16, -1, 0.0625, -0.5, 1e-05, 2 / 3)] == [
        "16", "−1", "0.0625", "−0.5", "1e−05", "0.6667"]
    full = Preset.from_settings("F", FULL, include_settings=True)
    assert settings_summary(full) == (
        "with all settings: padding 1, 0, 2, 1, stride 1×2, dilation 2×2, boundary "
        "constant −0.5, correlation, channels sum, display diverging")


# -- apply ----------------------------------------------------------------------------------------


def test_apply_kernel_only_full_broken_and_nothing(library, tmp_path):
    blur = library.rows[2].entry
    applied, outcome = library.apply(blur, START)
    assert applied == START.replace(kernel=((1, 2, 1), (2, 4, 2), (1, 2, 1)), divisor=16,
                                    bias=0)
    assert outcome.ok and outcome.names == ("Lesson blur",)
    assert outcome.message == "Applied preset “Lesson blur” (kernel); Undo takes it back."
    applied, outcome = library.apply(library.rows[1].entry, START)
    assert applied == FULL and "(kernel and all settings)" in outcome.message
    applied, outcome = library.apply(BrokenPreset(tmp_path / "x.json", "invalid JSON"), START)
    assert applied is None and outcome.error
    assert outcome.message == "x.json is broken: invalid JSON"
    applied, outcome = library.apply(None, START)
    assert (applied, outcome.message, outcome.ok) == (None, "Select a preset to apply.", False)


# -- save, rename, duplicate ---------------------------------------------------------------------


def test_save_new_replace_after_asking_and_builtin_refused(library, store):
    outcome = library.save("  Mine ", START, "my kernel", ["a"], False, never)
    assert outcome.ok and outcome.message == "Saved preset “Mine”." and outcome.names == ("Mine",)
    assert store.get("Mine") == Preset("Mine", START.kernel, divisor=45, bias=2,
                                       description="my kernel", tags=("a",))
    assert "Mine" in names(library)  # the rows follow without a separate refresh

    ask = Answers(False, True)
    outcome = library.save("Lesson blur", START, "new", [], True, ask)
    assert not outcome.ok and not outcome.error
    assert outcome.message == "Not saved: “Lesson blur” kept as it was."
    assert store.get("Lesson blur").divisor == 16
    outcome = library.save("Lesson blur", START, "new", [], True, ask)
    assert outcome.ok and store.get("Lesson blur").apply_to(Settings()) == START
    assert ask.calls == [("You already have a preset “Lesson blur”. Replace it?",
                          "Replace preset")] * 2

    outcome = library.save("Sobel x", START, "", [], False, never)
    assert outcome.error and outcome.message == \
        "'Sobel x' is a built-in preset (read-only): choose another name"
    outcome = library.save("   ", START, "", [], False, never)
    assert outcome.error and outcome.message.startswith("cannot save preset: ")
    assert "name must not be empty" in outcome.message


def test_rename(library, store):
    blur = store.get("Lesson blur")
    ask = Answers(None, "Lesson blur", " Blur ✓ ", "Full one")
    assert library.rename(blur, ask).message == ""  # cancelled
    assert library.rename(blur, ask).message == ""  # the same name
    outcome = library.rename(blur, ask)
    assert outcome.ok and outcome.message == "Renamed “Lesson blur” to “Blur ✓”."
    assert outcome.names == ("Blur ✓",) and store.get("Blur ✓").divisor == 16
    assert "Lesson blur" not in store.names()
    outcome = library.rename(store.get("Blur ✓"), ask)
    assert outcome.error and "already exists" in outcome.message
    assert ask.calls == [("Lesson blur",)] * 3 + [("Blur ✓",)]
    outcome = library.rename(store.get("Sobel x"), never)
    assert outcome.message == ("“Sobel x” is built-in and cannot be renamed: duplicate it and "
                               "rename the copy.")
    assert library.rename(None, never).message == "Select one of your presets to rename."


def test_duplicate(library, store):
    outcome = library.duplicate(store.get("Sobel x"))
    assert outcome.message == "Saved a copy of “Sobel x” as “Sobel x (copy)”."
    assert not store.get("Sobel x (copy)").builtin
    assert library.duplicate(store.get("Sobel x")).names == ("Sobel x (copy) (2)",)
    assert library.duplicate(None).message == "Select a preset to duplicate."


# -- delete and undo -----------------------------------------------------------------------------


def test_delete_asks_then_undo_restores_the_same_file(library, store):
    path = store.path_of("Lesson blur")
    original = path.read_bytes()
    blur = store.get("Lesson blur")
    ask = Answers(False, True)
    assert library.delete([blur], ask).ok is False
    assert "Lesson blur" in store.names() and library.undo_delete_text is None
    outcome = library.delete([blur], ask)
    assert ask.calls[0] == ("Delete preset “Lesson blur”?\n\n“Undo delete” brings it back.",
                            "Delete presets")
    assert outcome.message == "Deleted preset “Lesson blur”; “Undo delete” brings it back."
    assert "Lesson blur" not in store.names() and "Lesson blur" not in names(library)
    assert library.undo_delete_text == "Undo delete “Lesson blur”"
    outcome = library.undo_delete()
    assert outcome.message == "Restored “Lesson blur”." and outcome.names == ("Lesson blur",)
    assert path.read_bytes() == original
    assert library.undo_delete_text is None
    outcome = library.undo_delete()
    assert outcome.error and outcome.message == "Nothing to undo: no preset was deleted."


def test_delete_several_keeps_builtins_and_undo_renames_a_taken_name(library, store):
    chosen = [store.get("Full one"), store.get("Lesson blur"), store.get("Sobel x")]
    ask = Answers(True)
    outcome = library.delete(chosen, ask)
    assert ask.calls[0][0] == ("Delete 2 presets “Full one”, “Lesson blur” (built-in presets "
                               "in the selection are kept)?\n\n“Undo delete” brings them back.")
    assert outcome.message == ("Deleted 2 presets “Full one”, “Lesson blur”; “Undo delete” "
                               "brings them back.")
    assert store.names() == ["Sobel x"]
    assert library.undo_delete_text == "Undo delete (2 presets)"
    store.save(Preset("Full one", [[5]]))  # another window took the name meanwhile
    outcome = library.undo_delete()
    assert outcome.message == "Restored “Full one (2)”, “Lesson blur”."
    assert outcome.names == ("Full one (2)", "Lesson blur")
    assert store.get("Full one").kernel == ((5,),)
    assert store.get("Full one (2)").apply_to(Settings()) == FULL


def test_deletes_undo_newest_first(library, store):
    library.delete([store.get("Full one")], Answers(True))
    library.delete([store.get("Lesson blur")], Answers(True))
    assert library.undo_delete_text == "Undo delete “Lesson blur”"
    assert library.undo_delete().names == ("Lesson blur",)
    assert library.undo_delete_text == "Undo delete “Full one”"
    assert library.undo_delete().names == ("Full one",)


def test_delete_refuses_builtins_and_an_empty_selection(library, store):
    outcome = library.delete([store.get("Sobel x")], never)
    assert outcome.error and outcome.message == \
        "Built-in presets cannot be deleted; select presets of your own."
    assert library.delete([], never).message == "Select presets of your own to delete."


def test_an_undo_that_cannot_write_keeps_the_presets_for_another_try(library, store, tmp_path):
    library.delete([store.get("Lesson blur")], Answers(True))
    moved = tmp_path / "moved"
    store.user_dir.rename(moved)
    store.user_dir.write_text("a file where the folder was")
    outcome = library.undo_delete()
    assert outcome.error and "is not writable" in outcome.message
    assert library.undo_delete_text == "Undo delete “Lesson blur”"
    store.user_dir.unlink()
    moved.rename(store.user_dir)
    assert library.undo_delete().ok
    assert store.get("Lesson blur").divisor == 16


# -- export and import ---------------------------------------------------------------------------


def test_export_adds_the_extension_and_says_where(library, store, tmp_path):
    ask = Answers(str(tmp_path / "lesson"), str(tmp_path / "one.json"), None)
    outcome = library.export([store.get("Lesson blur"), store.get("Sobel x")], ask)
    target = tmp_path / "lesson.json"
    assert outcome.ok and outcome.path == str(target)
    assert outcome.message == f"Exported 2 presets to '{target}'."
    assert [p.name for p in read_preset_file(target)] == ["Lesson blur", "Sobel x"]
    outcome = library.export([store.get("Lesson blur")], ask)
    assert outcome.message == f"Exported 1 preset to '{tmp_path / 'one.json'}'."
    assert ask.calls[:2] == [("presets.json",), ("lesson-blur.json",)]
    outcome = library.export([store.get("Lesson blur")], ask)  # cancelled
    assert (outcome.ok, outcome.message, outcome.path) == (False, "", None)
    assert library.export([], never).message.startswith("Select the presets to export")


def test_export_into_a_missing_folder_is_a_message(library, store, tmp_path):
    outcome = library.export([store.get("Sobel x")],
                             lambda _suggested: str(tmp_path / "no" / "x.json"))
    assert outcome.error and outcome.message.startswith("cannot export")
    assert outcome.path is None  # nothing written: no folder to remember


def test_import_asks_once_for_taken_names_and_follows_the_policy(library, store, tmp_path):
    source = tmp_path / "shared.json"
    store.export(["Lesson blur", "Sobel x"], source)
    (tmp_path / "extra.json").write_text(Preset("Brand new", [[1, -1]]).to_json(),
                                         encoding="utf-8")
    policy = Answers("keep-both", "skip", None)
    outcome = library.import_file(lambda: str(source), policy)
    assert policy.calls == [(["Lesson blur", "Sobel x"],)]
    assert outcome.names == ("Lesson blur (2)", "Sobel x (2)") and outcome.path == str(source)
    assert outcome.message == f"Imported 2 of 2 presets from '{source}'."
    assert {"Lesson blur (2)", "Sobel x (2)"} <= set(names(library))
    outcome = library.import_file(lambda: str(source), policy)
    assert outcome.message == (f"Imported 0 of 2 presets from '{source}' (2 skipped: the "
                               "name was taken).")
    outcome = library.import_file(lambda: str(source), policy)
    assert not outcome.ok and outcome.message == "Import cancelled: nothing was added."
    outcome = library.import_file(lambda: str(tmp_path / "extra.json"), never)
    assert outcome.names == ("Brand new",) and store.get("Brand new").kernel == ((1, -1),)
    assert library.import_file(lambda: None, never).message == ""


def test_import_of_an_invalid_file_writes_nothing(library, store, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "convgui-preset-collection", "version": 1,
                               "presets": [{"name": "ok", "kernel": [[1]]},
                                           {"name": "Blur", "kernel": [[1, 2], [3]]}]}))
    before = store.names()
    outcome = library.import_file(lambda: str(bad), never)
    assert outcome.error and outcome.message.startswith(f"cannot import '{bad}': ")
    assert "preset 2 of 2 ('Blur')" in outcome.message
    assert outcome.path == str(bad)  # the folder is remembered even so
    assert store.names() == before


def test_taken_names_say_which_are_builtin(library):
    assert library.taken_names() == {"Full one": False, "Lesson blur": False, "Sobel x": True}
