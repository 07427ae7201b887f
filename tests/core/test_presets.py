"""Tests for convgui.presets: the preset format, validation, the store and built-ins."""

from __future__ import annotations

import copy
import errno
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convgui.atomic
from convgui import presets as P
from convgui.presets import (
    BrokenPreset,
    Preset,
    PresetError,
    PresetExists,
    PresetStore,
    preset_filename,
    presets_from_json,
)
from convgui.settings import Settings

REPO = Path(__file__).resolve().parents[2]
BUILTIN_DIR = REPO / "resources" / "presets"


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    """Never touch the real user folder: CONVGUI_HOME points into the test's tmp_path."""
    home = tmp_path / "home"
    monkeypatch.setenv("CONVGUI_HOME", str(home))
    return home


@pytest.fixture
def store(private_home):
    return PresetStore()


@pytest.fixture
def user_only(tmp_path):
    """A store without built-ins (an empty built-in folder)."""
    empty = tmp_path / "no-builtins"
    empty.mkdir()
    return PresetStore(user_dir=tmp_path / "user", builtin_dir=empty)


FULL = Settings(
    kernel=((1, 2.5, -1), (0, 4, 0)), divisor=3.5, bias=-0.25, padding=((1, 2), (0, 3)),
    stride=(2, 1), dilation=(1, 3), boundary="constant", cval=7.5, flip=True, channels="luma",
    display="diverging",
)


def doc(**fields):
    """A valid single-preset document as text, with ``fields`` changed (None deletes)."""
    data = {"format": "convgui-preset", "version": 1, "name": "Test",
            "kernel": [[1, 2, 1], [2, 4, 2], [1, 2, 1]], "divisor": 16}
    for key, value in fields.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return json.dumps(data)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.name: b"<dir>" if p.is_dir() else p.read_bytes() for p in sorted(folder.iterdir())}


# --------------------------------------------------------------------------------------------
# The value object and the format
# --------------------------------------------------------------------------------------------


def test_round_trip_of_every_field():
    preset = Preset.from_settings(
        "Flou gaussien 😀 / «test» — 模糊", FULL, description="Ünïcödé, one line",
        tags=("blur", "démo"), include_settings=True,
    )
    text = preset.to_json()
    back = Preset.from_json(text)
    assert back == preset
    assert back.name == "Flou gaussien 😀 / «test» — 模糊"
    assert back.kernel == ((1, 2.5, -1), (0, 4, 0))
    assert [type(v) for v in back.kernel[0]] == [int, float, int]  # ints stay ints
    assert (back.divisor, back.bias) == (3.5, -0.25)
    assert back.tags == ("blur", "démo") and back.description == "Ünïcödé, one line"
    assert dict(back.settings) == {
        "padding": ((1, 2), (0, 3)), "stride": (2, 1), "dilation": (1, 3),
        "boundary": "constant", "cval": 7.5, "flip": True, "channels": "luma",
        "display": "diverging",
    }
    assert back.apply_to(Settings()) == FULL
    assert "😀" in text  # human-readable: no \\u escapes
    assert back.to_json() == text


def test_round_trip_through_the_store(store):
    preset = Preset("ε-blur", [[0.1, 0.2], [0.3, 1e-300]], divisor=-7, bias=1e20,
                    description="tiny", tags=("x",))
    store.save(preset)
    assert store.get("ε-blur") == preset
    assert store.get("ε-blur").kernel == ((0.1, 0.2), (0.3, 1e-300))


def test_kernel_only_apply_leaves_other_settings_alone():
    current = FULL
    preset = Preset("Sobel", [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], divisor=2, bias=5)
    assert preset.kernel_only
    applied = preset.apply_to(current)
    assert applied.kernel == ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1))
    assert (applied.divisor, applied.bias) == (2, 5)
    for key in P.SETTING_KEYS:
        assert getattr(applied, key) == getattr(current, key), key


def test_full_apply_restores_everything():
    saved = Preset.from_settings("full", FULL, include_settings=True)
    assert not saved.kernel_only
    assert saved.apply_to(Settings()) == FULL
    assert saved.apply_to(Settings(stride=(3, 3), boundary="wrap", display="abs")) == FULL
    kernel_only = Preset.from_settings("k", FULL)
    assert kernel_only.settings is None
    assert kernel_only.apply_to(Settings()) == Settings(
        kernel=FULL.kernel, divisor=FULL.divisor, bias=FULL.bias)


def test_partial_settings_are_completed_with_defaults():
    preset = Preset.from_json(doc(settings={"stride": [2, 2]}))
    assert dict(preset.settings) == {k: getattr(Settings(stride=2), k) for k in P.SETTING_KEYS}


def test_preset_is_immutable_and_hashable():
    preset = Preset.from_settings("a", FULL, include_settings=True)
    with pytest.raises(Exception):  # noqa: B017 - FrozenInstanceError
        preset.name = "b"  # type: ignore[misc]
    with pytest.raises(TypeError):
        preset.settings["stride"] = (1, 1)  # type: ignore[index]
    assert hash(preset) == hash(Preset.from_json(preset.to_json()))


def test_grid_is_written_one_row_per_line():
    preset = Preset("Gauss", [[1, 2, 1], [2, 4, 2], [1, 2, 1]], divisor=16, tags=("blur",),
                    settings=Settings(stride=2))
    lines = preset.to_json().splitlines()
    assert '    [1, 2, 1],' in lines
    assert '    [2, 4, 2],' in lines
    assert '    [1, 2, 1]' in lines
    assert '  "kernel": [' in lines
    assert '  "tags": ["blur"],' in lines
    assert '    "stride": [2, 2],' in lines
    assert lines[:3] == ["{", '  "format": "convgui-preset",', '  "version": 1,']
    assert preset.to_json().endswith("}\n")
    json.loads(preset.to_json())  # and it is plain JSON


def test_collection_format_uses_the_same_entries():
    a = Preset("a", [[1]])
    b = Preset("b", [[1, 2], [3, 4]], settings=Settings())
    text = P.collection_to_json([a, b])
    data = json.loads(text)
    assert data["format"] == "convgui-preset-collection" and data["version"] == 1
    assert data["presets"] == [json.loads(a.to_json()), json.loads(b.to_json())]
    assert "        [1, 2],\n        [3, 4]\n" in text
    assert presets_from_json(text) == [a, b]
    # entries may leave out format and version
    bare = {k: v for k, v in data["presets"][1].items() if k not in ("format", "version")}
    short = json.dumps({"format": P.COLLECTION_FORMAT, "version": 1, "presets": [bare]})
    assert presets_from_json(short) == [b]
    with pytest.raises(PresetError, match="collection"):
        Preset.from_json(text)


BAD_DOCUMENTS = [
    (doc(kernel=[[1, 2, 3, 4, 5]] * 2 + [[1, 2, 3, 4]]), "row 3 has 4 values, expected 5"),
    (doc(kernel=[[1, 2], ["x", 2]]), "cell (2, 1) is not a number"),
    (doc(kernel=[[1, 2], [None, 2]]), "cell (2, 1) is not a number"),
    (doc(kernel=[[1, 2], [True, 2]]), "cell (2, 1) is not a number"),
    (doc(kernel=[[1] * 31] * 32), "larger than 31×31"),
    (doc(kernel=[[1] * 32]), "larger than 31×31"),
    (doc(kernel=[]), "kernel must be a non-empty list of rows"),
    (doc(kernel="1 2 1"), "kernel must be a non-empty list of rows"),
    (doc(kernel=[[1, 2], []]), "row 2"),
    (doc(kernel=[[1, 2], [3, "NaN"]]).replace('"NaN"', "NaN"),
     "cell (2, 2) is NaN: NaN/inf not allowed"),
    (doc(kernel=[[1, 2], [3, 4]]).replace("4]", "Infinity]"), "NaN/inf not allowed"),
    (doc(kernel=[[1, 2], [3, 4]]).replace("4]", "-Infinity]"), "NaN/inf not allowed"),
    (doc(kernel=[[1, 2], [3, 4]]).replace("4]", "1e999]"), "cell (2, 2) is 1e999: NaN/inf"),
    (doc(kernel=[[1, 2], [3, 4]]).replace("4]", "9" * 400 + "]"), "NaN/inf not allowed"),
    (doc(kernel=[[1, 2], [3, 4]]).replace("4]", "9" * 5000 + "]"), "NaN/inf not allowed"),
    (doc(divisor=16).replace("16", "NaN"), "divisor is NaN: NaN/inf not allowed"),
    (doc(bias=0).replace('"bias": 0', '"bias": Infinity'), "bias is Infinity: NaN/inf"),
    (doc(settings={"cval": 0}).replace('"cval": 0', '"cval": NaN'),
     "settings.cval is NaN: NaN/inf not allowed"),
    (doc(version=2), "unknown version 2: this file was written by a newer ConvGUI"),
    (doc(version=0), "unsupported version 0"),
    (doc(version="1"), "version must be a whole number, got a string"),
    (doc(version=None), "missing version"),
    (doc(format="something-else"), "not a ConvGUI preset (format is 'something-else'"),
    (doc(format=None), "not a ConvGUI preset (format is missing)"),
    (doc(format=3), "not a ConvGUI preset (format is a number"),
    ("[1, 2, 3]", "not a ConvGUI preset (expected a JSON object, got a list)"),
    ('"hello"', "not a ConvGUI preset (expected a JSON object, got a string)"),
    ('{"format": "convgui-preset",\n  "version": 1,\n  "name": "x"\n  "kernel": [[1]]}',
     "invalid JSON at line 4 column 3: Expecting ',' delimiter"),
    ("", "invalid JSON at line 1 column 1"),
    ("[" * 100_000, "nested too deeply"),
    (doc(name=None), "missing name"),
    (doc(kernel=None), "missing kernel"),
    (doc(name=5), "name must be a string, got a number"),
    (doc(name=""), "name must not be empty"),
    (doc(name="   "), "name must not be empty"),
    (doc(name="two\nlines"), "name must be one line"),
    (doc(description=["a"]), "description must be a string, got a list"),
    (doc(description="a\u2028b"), "description must be one line"),
    (doc(tags="blur"), "tags must be a list of strings, got a string"),
    (doc(tags=["ok", 3]), "tag 2 must be a string, got a number"),
    (doc(tags=["ok", ""]), "tag 2 must not be empty"),
    (doc(divisor="16"), "divisor must be a number, got a string"),
    (doc(divisor=True), "divisor must be a number, got true"),
    (doc(divisor=0), "divisor must not be 0"),
    (doc(bias=[]), "bias must be a number, got a list"),
    (doc(settings=[1]), "settings must be an object or null, got a list"),
    (doc(settings={"colour": 1}), "settings: unknown setting(s) 'colour'"),
    (doc(settings={"kernel": [[1]]}), "settings: unknown setting(s) 'kernel'"),
    (doc(settings={"stride": 0}), "stride must be ≥ 1"),
    (doc(settings={"stride": "2"}),
     "settings: stride must be a whole number or a pair [rows, cols], got a string"),
    (doc(settings={"dilation": [1, 2, 3]}), "settings: dilation must be an int or a pair"),
    (doc(settings={"padding": [[1.5, 1], [1, 1]]}), "padding must be valid, same, full or"),
    (doc(settings={"padding": "around"}), "unknown padding 'around'"),
    (doc(settings={"boundary": "mirror"}), "unknown boundary 'mirror'"),
    (doc(settings={"flip": 1}), "flip must be true or false"),
    (doc(settings={"display": None}), "settings: display must be a string, got null"),
    (doc(settings={"display": "rainbow"}), "settings: unknown display 'rainbow'"),
    (doc(settings={"channels": "rgb"}), "settings: unknown channel mode 'rgb'"),
    (doc(colour="red"), "unknown field(s) 'colour'"),
    (doc().replace('"name": "Test"', '"name": "a", "name": "b"'), "duplicate key 'name'"),
    (doc(name="\ud800"), "name must be one line without control characters (found U+D800)"),
    (b"\xff\xfe{}", "not UTF-8 text"),
    (json.dumps({"format": "convgui-preset-collection", "version": 2, "presets": []}),
     "unknown version 2: this file was written by a newer ConvGUI"),
    (json.dumps({"format": "convgui-preset-collection", "version": 1}), "missing presets"),
    (json.dumps({"format": "convgui-preset-collection", "version": 1, "presets": {}}),
     "presets must be a list, got an object"),
    (json.dumps({"format": "convgui-preset-collection", "version": 1, "presets": [],
                 "extra": 1}), "unknown field(s) 'extra'"),
    (json.dumps({"format": "convgui-preset-collection", "version": 1, "presets": [
        {"name": "ok", "kernel": [[1]]}, {"name": "Broken", "kernel": [[1, 2], [3]]}]}),
     "preset 2 of 2 ('Broken'): row 2 has 1 values, expected 2"),
    (json.dumps({"format": "convgui-preset-collection", "version": 1, "presets": [
        {"name": "ok", "kernel": [[1]]}, 7]}),
     "preset 2 of 2: a preset must be a JSON object, got a number"),
    (json.dumps({"format": "convgui-preset-collection", "version": 1, "presets": [
        {"name": "ok", "kernel": [[1]], "format": "convgui-preset", "version": 3}]}),
     "preset 1 of 1 ('ok'): unknown version 3"),
]


@pytest.mark.parametrize(("text", "message"), BAD_DOCUMENTS)
def test_validation_messages(text, message):
    with pytest.raises(PresetError) as info:
        presets_from_json(text)
    assert type(info.value) is PresetError
    assert isinstance(info.value, ValueError)
    assert message in str(info.value)
    assert "\n" not in str(info.value) and len(str(info.value)) <= 400


def test_byte_order_mark_and_bytes_are_accepted():
    text = Preset("bom", [[1]]).to_json()
    assert presets_from_json(("\ufeff" + text).encode("utf-8"))[0].name == "bom"
    assert presets_from_json("\ufeff" + text)[0].name == "bom"


def test_python_api_validates_too():
    with pytest.raises(PresetError, match="row 2 has 1 values, expected 2"):
        Preset("x", [[1, 2], [3]])
    with pytest.raises(PresetError, match=r"divisor is nan: NaN/inf not allowed"):
        Preset("x", [[1]], divisor=float("nan"))
    with pytest.raises(PresetError, match="cell \\(1, 1\\) is inf: NaN/inf not allowed"):
        Preset("x", [[float("inf")]])
    with pytest.raises(PresetError, match="settings: unknown setting"):
        Preset("x", [[1]], settings={"bias": 3})
    with pytest.raises(PresetError, match="name must be a string"):
        Preset(None, [[1]])  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Where files live and how they are named
# --------------------------------------------------------------------------------------------


def test_user_presets_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("CONVGUI_HOME", str(tmp_path / "h"))
    assert P.user_presets_dir() == tmp_path / "h" / "presets"
    monkeypatch.delenv("CONVGUI_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert P.user_presets_dir() == tmp_path / "xdg" / "ConvGUI" / "presets"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert P.user_presets_dir() == tmp_path / "home" / ".local/share/ConvGUI/presets"
    monkeypatch.setenv("CONVGUI_HOME", "")  # empty counts as unset
    assert P.user_presets_dir() == tmp_path / "home" / ".local/share/ConvGUI/presets"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert P.user_presets_dir() == (
        tmp_path / "home" / "Library" / "Application Support" / "ConvGUI" / "presets")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))
    assert P.user_presets_dir() == tmp_path / "appdata" / "ConvGUI" / "presets"


def test_builtin_dir_is_the_resources_folder():
    assert P.builtin_presets_dir().resolve() == BUILTIN_DIR.resolve()


HOSTILE = ["a/b", "c:d", "a\\b", "..", ".", "...", "CON", "nul", "com1.txt", "😀 smile",
           "x" * 300, "é" * 300, "Edge", "edge", "EDGE", " lead", "trail. ", "*?<>|\"'",
           "Blur", "blur"]


def test_file_names_are_safe():
    names = {preset_filename(n) for n in HOSTILE}
    assert len(names) == len(HOSTILE)
    assert len({n.casefold() for n in names}) == len(HOSTILE)  # case-insensitive safe
    for name in HOSTILE:
        filename = preset_filename(name)
        stem = filename[: -len(".json")]
        assert filename.endswith(".json") and len(filename) <= 60
        assert all(c.isascii() and (c.isalnum() or c == "-") for c in stem), filename
        assert not filename.startswith((".", "-"))
        assert stem.split(".")[0].upper() not in {"CON", "NUL", "PRN", "AUX", "COM1"}
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
        assert stem.endswith("-" + digest)
    assert preset_filename("Sobel x") == "sobel-x-" + hashlib.sha1(b"Sobel x").hexdigest()[:10] \
        + ".json"
    assert preset_filename("😀").startswith("preset-")
    assert preset_filename("Crème brûlée").startswith("creme-brulee-")
    assert preset_filename("Gaussian 3×3 (2)").startswith("gaussian-3-3-2-")
    assert preset_filename("ǅ ﬁ ①").startswith("dz-fi-1-")  # compatibility forms


def test_hostile_names_save_and_load(user_only):
    for i, name in enumerate(HOSTILE):
        user_only.save(Preset(name, [[i]]))
    files = sorted(p.name for p in user_only.user_dir.iterdir())
    assert len(files) == len(HOSTILE)
    assert all(f.endswith(".json") and not f.startswith(".") for f in files)
    presets, broken = user_only.list()
    assert broken == []
    assert sorted(p.name for p in presets) == sorted(HOSTILE)
    for i, name in enumerate(HOSTILE):
        assert user_only.get(name).kernel == ((i,),)
    assert user_only.get("Edge").kernel != user_only.get("edge").kernel
    assert sorted(p.name for p in user_only.user_dir.parent.iterdir()) == ["no-builtins", "user"]


# --------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------


def test_save_get_list_delete_rename(user_only):
    a = Preset("Beta", [[1]], description="b")
    path = user_only.save(a)
    assert path.parent == user_only.user_dir and path.name == preset_filename("Beta")
    with pytest.raises(PresetExists, match="already exists"):
        user_only.save(Preset("Beta", [[2]]))
    assert user_only.get("Beta") == a
    assert user_only.save(Preset("Beta", [[2]]), overwrite=True) == path
    assert user_only.get("Beta").kernel == ((2,),)
    user_only.save(Preset("alpha", [[3]]))
    user_only.save(Preset("Gamma", [[4]]))
    assert user_only.names() == ["alpha", "Beta", "Gamma"]  # case-folded order

    renamed = user_only.rename("Beta", "Delta")
    assert renamed.name == "Delta" and renamed.kernel == ((2,),)
    assert user_only.names() == ["alpha", "Delta", "Gamma"]
    assert not path.exists()
    with pytest.raises(PresetExists):
        user_only.rename("Delta", "Gamma")
    assert user_only.rename("Delta", "DELTA").name == "DELTA"  # case-only rename
    with pytest.raises(PresetError, match="no preset named 'nope'"):
        user_only.rename("nope", "x")

    deleted = user_only.delete("alpha")
    assert deleted == Preset("alpha", [[3]])
    assert user_only.names() == ["DELTA", "Gamma"]
    user_only.save(deleted)  # undo
    assert user_only.names() == ["alpha", "DELTA", "Gamma"]
    with pytest.raises(PresetError, match="no preset named 'alpha2'"):
        user_only.delete("alpha2")
    with pytest.raises(PresetError, match="no preset named 'x'"):
        user_only.get("x")


def test_unique_name_and_duplicate(user_only):
    user_only.save(Preset("Blur", [[1]]))
    assert user_only.unique_name("Fresh") == "Fresh"
    assert user_only.unique_name("Blur") == "Blur (2)"
    copy1 = user_only.duplicate("Blur")
    assert copy1.name == "Blur (copy)" and copy1.kernel == ((1,),)
    assert user_only.duplicate("Blur").name == "Blur (copy) (2)"
    user_only.save(Preset("Blur (2)", [[1]]))
    assert user_only.unique_name("Blur") == "Blur (3)"
    assert user_only.unique_name("Blur (2)") == "Blur (3)"
    assert user_only.duplicate("Blur", "Other").name == "Other"
    with pytest.raises(PresetExists):
        user_only.duplicate("Blur", "Other")


def test_a_hand_placed_file_keeps_its_file_name(user_only):
    user_only.user_dir.mkdir(parents=True)
    mine = user_only.user_dir / "My Blur.json"
    mine.write_text(Preset("Mine", [[1]]).to_json(), encoding="utf-8")
    user_only.save(Preset("Mine", [[5]]), overwrite=True)
    assert [p.name for p in user_only.user_dir.iterdir()] == ["My Blur.json"]
    assert user_only.get("Mine").kernel == ((5,),)
    assert user_only.path_of("Mine") == mine


def test_duplicate_name_files_are_reported_not_lost(user_only):
    user_only.user_dir.mkdir(parents=True)
    (user_only.user_dir / "a.json").write_text(Preset("Same", [[1]]).to_json())
    (user_only.user_dir / "b.json").write_text(Preset("Same", [[2]]).to_json())
    presets, broken = user_only.list()
    assert [p.kernel for p in presets] == [((1,),)]
    assert broken == [BrokenPreset(user_only.user_dir / "b.json",
                                   "duplicate name 'Same' (also in 'a.json')")]
    user_only.delete("Same")
    assert user_only.get("Same").kernel == ((2,),)


def test_corrupt_file_beside_good_ones(user_only):
    user_only.save(Preset("Good one", [[1]]))
    user_only.save(Preset("Good two", [[2]]))
    folder = user_only.user_dir
    bad_files = {
        "corrupt.json": b'{"format": "convgui-preset", "version": 1, "name": "x", "kern',
        "binary.json": b"\x00\xff\xfe garbage",
        "newer.json": doc(version=2).encode(),
        "nan.json": doc().replace("16", "NaN").encode(),
        "collection.json": P.collection_to_json([Preset("c", [[1]])]).encode(),
    }
    for name, data in bad_files.items():
        (folder / name).write_bytes(data)
    (folder / "notes.txt").write_text("not a preset, ignored")
    (folder / ".hidden.json.1234.tmp").write_text("temporary, ignored")
    (folder / "sub.json").mkdir()
    before = tree(folder)

    presets, broken = user_only.list()
    assert [p.name for p in presets] == ["Good one", "Good two"]
    reasons = {b.path.name: b.reason for b in broken}
    assert set(reasons) == set(bad_files)
    assert reasons["corrupt.json"].startswith("invalid JSON at line 1 column")
    assert reasons["binary.json"].startswith("not UTF-8 text")
    assert reasons["newer.json"] == "unknown version 2: this file was written by a newer ConvGUI"
    assert reasons["nan.json"] == "divisor is NaN: NaN/inf not allowed"
    assert "import it instead" in reasons["collection.json"]
    assert all(b.path.parent == folder for b in broken)
    assert tree(folder) == before  # nothing deleted, nothing rewritten
    assert user_only.get("Good two").kernel == ((2,),)

    # saving never overwrites a broken file, even when its slug is the one it would get
    squatted = folder / preset_filename("Good three")
    squatted.write_bytes(b"{ broken")
    path = user_only.save(Preset("Good three", [[3]]))
    assert path != squatted and squatted.read_bytes() == b"{ broken"
    assert user_only.get("Good three").kernel == ((3,),)


def test_newer_version_file_is_listed_as_broken(user_only):
    user_only.user_dir.mkdir(parents=True)
    newer = {"format": "convgui-preset", "version": 2, "name": "From the future",
             "kernel": {"sparse": True}, "shiny": "new field"}
    path = user_only.user_dir / "future.json"
    path.write_text(json.dumps(newer))
    presets, broken = user_only.list()
    assert presets == []
    assert broken == [BrokenPreset(path, "unknown version 2: this file was written by a newer "
                                         "ConvGUI")]


def test_unreadable_file_is_listed_as_broken(user_only, monkeypatch):
    user_only.save(Preset("ok", [[1]]))
    target = user_only.user_dir / "locked.json"
    target.write_text(doc())
    real_open = open

    def fake_open(path, *args, **kwargs):
        if Path(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    presets, broken = user_only.list()
    assert [p.name for p in presets] == ["ok"]
    assert broken == [BrokenPreset(target, "cannot read: permission denied")]


def test_too_large_file_is_refused(user_only, monkeypatch):
    user_only.save(Preset("ok", [[1]]))
    monkeypatch.setattr(P.format, "MAX_FILE_BYTES", 500)  # where reading looks it up
    (user_only.user_dir / "big.json").write_text(doc(description="x" * 500))
    presets, broken = user_only.list()
    assert [b.reason for b in broken] == ["file is too large (more than 500 bytes)"]
    assert [p.name for p in presets] == ["ok"]


def test_failed_replace_leaves_the_old_file_and_no_temp_files(user_only, monkeypatch):
    path = user_only.save(Preset("Keep me", [[1, 2], [3, 4]], description="old"))
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(convgui.atomic.os, "replace", broken_replace)
    with pytest.raises(PresetError) as info:
        user_only.save(Preset("Keep me", [[9]], description="new"), overwrite=True)
    assert "cannot save preset 'Keep me'" in str(info.value)
    assert "input/output error" in str(info.value)
    assert path.read_bytes() == before
    assert [p.name for p in user_only.user_dir.iterdir()] == [path.name]  # no .tmp left
    with pytest.raises(PresetError):
        user_only.save(Preset("New one", [[1]]))
    assert [p.name for p in user_only.user_dir.iterdir()] == [path.name]
    monkeypatch.undo()
    assert user_only.get("Keep me").description == "old"


def test_unwritable_folder_under_a_regular_file(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("I am a file")
    store = PresetStore(user_dir=blocker / "presets")
    presets, broken = store.list()
    assert broken == [] and len(presets) > 10  # built-ins still listed
    sobel = store.get("Sobel x")
    assert sobel.apply_to(Settings()).kernel == ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1))
    with pytest.raises(PresetError) as info:
        store.save(Preset("Mine", [[1]]))
    message = str(info.value)
    assert message.startswith("cannot save preset 'Mine': folder ")
    assert "is not writable (a part of the path is not a folder)" in message
    with pytest.raises(PresetError, match="is not writable"):
        store.duplicate("Sobel x")
    store2 = PresetStore(user_dir=blocker)  # the user folder itself is a file
    with pytest.raises(PresetError, match=r"is not writable \(it is a file, not a folder\)"):
        store2.save(Preset("Mine", [[1]]))
    assert blocker.read_text() == "I am a file"


def test_permission_denied_is_reported(user_only, monkeypatch):
    user_only.save(Preset("Existing", [[1]]))

    def denied(path, writer):
        exc = PermissionError(errno.EACCES, "Permission denied", str(path))
        raise convgui.atomic.AtomicWriteError(f"cannot write '{path}': permission denied") \
            from exc

    monkeypatch.setattr(P.store, "atomic_write", denied)  # what the store writes with
    with pytest.raises(PresetError) as info:
        user_only.save(Preset("New", [[1]]))
    assert str(info.value) == (
        f"cannot save preset 'New': folder '{user_only.user_dir}' is not writable "
        "(permission denied)")
    assert user_only.get("Existing").apply_to(Settings()).kernel == ((1,),)
    assert [p.name for p in user_only.list()[0]] == ["Existing"]


def test_unreadable_folder_does_not_stop_listing(tmp_path, monkeypatch):
    store = PresetStore(user_dir=tmp_path / "u")
    (tmp_path / "u").mkdir()
    real = os.listdir

    def denied(path):
        if Path(path) == tmp_path / "u":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(P.store.os, "listdir", denied)
    presets, broken = store.list()
    assert len(presets) > 10
    assert broken == [BrokenPreset(tmp_path / "u",
                                   "cannot read the folder: permission denied")]


WRITER = textwrap.dedent("""
    import sys
    from convgui.presets import Preset, PresetStore
    tag = sys.argv[1]
    store = PresetStore()
    for i in range(30):
        store.save(Preset(f"{tag} preset {i}", [[i, 1], [2, 3]], description=tag))
        store.save(Preset("shared", [[i] * 5] * 5, description=tag), overwrite=True)
""")


def test_two_processes_saving_at_once_lose_nothing(private_home):
    env = dict(os.environ, CONVGUI_HOME=str(private_home))
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, tag], env=env, cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for tag in ("first", "second")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    store = PresetStore()
    presets, broken = store.list()
    assert broken == []
    user = [p for p in presets if not p.builtin]
    names = {p.name for p in user}
    expected = {f"{tag} preset {i}" for tag in ("first", "second") for i in range(30)}
    assert names == expected | {"shared"}
    for p in user:
        if p.name != "shared":
            i = int(p.name.split()[-1])
            assert p.kernel == ((i, 1), (2, 3)) and p.description == p.name.split()[0]
    shared = store.get("shared")
    assert shared.description in ("first", "second") and shared.kernel == ((29,) * 5,) * 5
    assert not [p for p in store.user_dir.iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------------------------
# Export and import
# --------------------------------------------------------------------------------------------


def test_export_import_round_trip_and_conflicts(tmp_path):
    empty = tmp_path / "nb"
    empty.mkdir()
    teacher = PresetStore(user_dir=tmp_path / "teacher", builtin_dir=empty)
    a = Preset("Blur", [[1, 1], [1, 1]], divisor=4, tags=("blur",))
    b = Preset("Edges 😀", [[-1, 1]], settings=Settings(stride=2))
    teacher.save(a)
    teacher.save(b)
    shared = tmp_path / "class.json"
    teacher.export(["Edges 😀", "Blur", "Blur"], shared)
    assert json.loads(shared.read_text("utf-8"))["format"] == "convgui-preset-collection"
    assert presets_from_json(shared.read_bytes()) == [b, a]

    student = PresetStore(user_dir=tmp_path / "student", builtin_dir=empty)
    assert student.import_file(shared) == [b, a]
    assert student.list()[0] == [a, b]

    # keep-both (default): the import gets "name (2)"
    again = student.import_file(shared)
    assert [p.name for p in again] == ["Edges 😀 (2)", "Blur (2)"]
    assert student.get("Blur (2)").kernel == a.kernel

    # replace: overwrites the user preset of that name in its own file
    student.save(Preset("Blur", [[7]]), overwrite=True)
    replaced = student.import_file(shared, on_conflict="replace")
    assert [p.name for p in replaced] == ["Edges 😀", "Blur"]
    assert student.get("Blur") == a
    assert len(list(student.user_dir.iterdir())) == 4

    # skip: nothing new
    student.save(Preset("Blur", [[7]]), overwrite=True)
    assert student.import_file(shared, on_conflict="skip") == []
    assert student.get("Blur").kernel == ((7,),)

    # a single-preset file imports too
    single = tmp_path / "one.json"
    single.write_text(Preset("Solo", [[1]]).to_json(), encoding="utf-8")
    assert [p.name for p in student.import_file(single)] == ["Solo"]

    with pytest.raises(PresetError, match="unknown on_conflict 'merge'"):
        student.import_file(shared, on_conflict="merge")
    with pytest.raises(PresetError, match="cannot import .*: cannot read: no such file"):
        student.import_file(tmp_path / "missing.json")
    with pytest.raises(PresetError, match="cannot export: no preset named 'nope'"):
        teacher.export(["Blur", "nope"], tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()
    with pytest.raises(PresetError, match="cannot export presets: cannot write"):
        teacher.export(["Blur"], tmp_path / "no-such-folder" / "x.json")


def test_import_with_duplicate_names_inside_the_file(user_only, tmp_path):
    path = tmp_path / "dups.json"
    path.write_text(P.collection_to_json([Preset("X", [[1]]), Preset("X", [[2]])]))
    assert [p.name for p in user_only.import_file(path)] == ["X", "X (2)"]
    assert [p.name for p in user_only.import_file(path, on_conflict="replace")] == ["X"]
    assert user_only.get("X").kernel == ((2,),)


def test_importing_a_collection_with_one_invalid_entry_writes_nothing(user_only, tmp_path):
    user_only.save(Preset("Existing", [[1]]))
    before = tree(user_only.user_dir)
    entries = [json.loads(Preset(f"P{i}", [[i]]).to_json()) for i in range(4)]
    entries[2]["kernel"] = [[1, 2], [3, "four"]]
    path = tmp_path / "bad-collection.json"
    path.write_text(json.dumps({"format": P.COLLECTION_FORMAT, "version": 1,
                                "presets": entries}))
    with pytest.raises(PresetError) as info:
        user_only.import_file(path)
    assert "preset 3 of 4 ('P2'): cell (2, 2) is not a number" in str(info.value)
    assert str(path) in str(info.value)
    assert tree(user_only.user_dir) == before


# --------------------------------------------------------------------------------------------
# Built-in presets
# --------------------------------------------------------------------------------------------


def test_builtins_load_and_are_read_only(store, private_home):
    presets, broken = store.list()
    assert broken == []
    assert all(p.builtin for p in presets)
    names = {p.name for p in presets}
    from convgui.kernels import LIBRARY

    assert {k.title for k in LIBRARY.values()} <= names
    dilated = store.get("Dilated Laplacian (d=2)")
    assert dilated.settings["dilation"] == (2, 2)
    assert dilated.apply_to(Settings()).dilation == (2, 2)
    down = store.get("Downsample ×2 (box, stride 2)")
    assert down.settings["stride"] == (2, 2) and down.settings["padding"] == "valid"
    assert sum(1 for p in presets if p.settings is not None) >= 5
    sobel = store.get("Sobel x")
    assert sobel.kernel == ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1)) and sobel.kernel_only
    assert store.get("Box blur 3×3").divisor == 9
    assert isinstance(store.get("Box blur 3×3").divisor, int)

    before = tree(BUILTIN_DIR)
    with pytest.raises(PresetError, match="built-in preset and cannot be deleted"):
        store.delete("Sobel x")
    with pytest.raises(PresetError, match="built-in preset and cannot be renamed"):
        store.rename("Sobel x", "Mine")
    with pytest.raises(PresetExists, match="built-in preset"):
        store.save(Preset("Sobel x", [[1]]), overwrite=True)
    assert tree(BUILTIN_DIR) == before
    assert not (private_home / "presets").exists()

    copy_ = store.duplicate("Sobel x")
    assert copy_.name == "Sobel x (copy)" and not copy_.builtin
    assert copy_.kernel == sobel.kernel
    assert store.get("Sobel x (copy)") == copy_
    assert store.delete("Sobel x (copy)").name == "Sobel x (copy)"
    assert tree(BUILTIN_DIR) == before


def test_import_replace_never_touches_builtins(store, tmp_path):
    path = tmp_path / "c.json"
    path.write_text(P.collection_to_json([Preset("Sobel x", [[1]])]))
    assert [p.name for p in store.import_file(path, on_conflict="replace")] == ["Sobel x (2)"]
    assert store.get("Sobel x").builtin


def test_a_user_file_shadows_a_builtin_of_the_same_name(store):
    store.user_dir.mkdir(parents=True)
    (store.user_dir / "old.json").write_text(Preset("Sobel x", [[1]]).to_json())
    presets, _ = store.list()
    assert [p.kernel for p in presets if p.name == "Sobel x"] == [((1,),)]
    assert store.delete("Sobel x").kernel == ((1,),)
    assert store.get("Sobel x").builtin


def test_committed_builtin_files_equal_the_generator(tmp_path):
    written = P.write_builtin_presets(tmp_path)
    assert len(written) == len(P.builtin_presets())
    generated = tree(tmp_path)
    committed = {p.name: p.read_bytes() for p in BUILTIN_DIR.glob("*.json")}
    assert committed == generated, "run `python -m convgui.presets` to regenerate"
    names = [p.name for _, p in P.builtin_presets()]
    assert len(set(names)) == len(names)


def test_module_imports_no_qt():
    probe = ("import sys, convgui.presets; "
             "print([m for m in sys.modules if m.split('.')[0] in "
             "('PySide6', 'shiboken6', 'pyqtgraph', 'PyQt5', 'PyQt6')])")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------------------------
# Fuzzing the reader: any mutation gives a Preset list or a PresetError, nothing else
# --------------------------------------------------------------------------------------------

SEEDS = [
    Preset.from_settings("Full ✓", FULL, description="d", tags=("a", "b"),
                         include_settings=True).to_json(),
    Preset("Kernel only", [[1, 2, 1], [2, 4, 2], [1, 2, 1]], divisor=16).to_json(),
    P.collection_to_json([Preset("a", [[1]]), Preset("b", [[0.5, -1]], settings=Settings())]),
]

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=4),
    max_leaves=10,
)


def locations(value, out=None):
    """Every (container, key) pair inside a parsed document."""
    out = [] if out is None else out
    if isinstance(value, dict):
        for key in value:
            out.append((value, key))
            locations(value[key], out)
    elif isinstance(value, list):
        for i in range(len(value)):
            out.append((value, i))
            locations(value[i], out)
    return out


def check_reader(text):
    try:
        result = presets_from_json(text)
    except PresetError as exc:
        assert type(exc) in (PresetError,)
        assert "\n" not in str(exc) and str(exc)
        return
    assert all(isinstance(p, Preset) for p in result)
    for p in result:  # anything accepted survives a round trip
        assert Preset.from_json(p.to_json()) == p


FUZZ = settings(max_examples=250, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(st.data())
def test_fuzz_structural_mutations(data):
    document = json.loads(data.draw(st.sampled_from(SEEDS)))
    for _ in range(data.draw(st.integers(1, 4))):
        places = locations(document)
        if not places:
            break
        container, key = data.draw(st.sampled_from(places))
        if data.draw(st.booleans()):
            del container[key]
        else:
            container[key] = data.draw(JSON_VALUES)
    check_reader(json.dumps(document, ensure_ascii=data.draw(st.booleans())))


@FUZZ
@given(st.data())
def test_fuzz_text_corruption(data):
    text = data.draw(st.sampled_from(SEEDS))
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        piece = data.draw(st.text(min_size=1, max_size=3) | st.sampled_from(
            ["NaN", "-Infinity", "1e999", "[", "]", "{", "}", ",", '"', "\\", "9" * 30]))
        if op == "insert":
            text = text[:i] + piece + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + len(piece):]
        elif op == "replace":
            text = text[:i] + piece + text[i + len(piece):]
        else:
            text = text[:i]
    check_reader(text)
    check_reader(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.binary(max_size=64), st.sampled_from(SEEDS))
def test_fuzz_bytes(prefix, seed):
    check_reader(prefix + seed.encode("utf-8"))
    check_reader(seed.encode("utf-8")[: len(prefix)] + prefix)


def test_copy_pickle_and_equality_ignoring_the_builtin_flag():
    import dataclasses
    import pickle

    for preset in (Preset("x", [[1]]), Preset.from_settings("y", FULL, include_settings=True)):
        assert copy.deepcopy(preset) == preset
        assert pickle.loads(pickle.dumps(preset)) == preset
        flagged = dataclasses.replace(preset, builtin=True)
        assert flagged == preset and pickle.loads(pickle.dumps(flagged)).builtin


def test_documentation_examples_are_valid():
    text = (REPO / "docs" / "presets.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```json\n")[1:]]
    assert len(blocks) == 2
    single, collection = (presets_from_json(b) for b in blocks)
    assert len(single) == 1 and len(collection) == 2
    assert single[0].to_json() == blocks[0]  # the docs show exactly what ConvGUI writes
    assert P.collection_to_json(collection) == blocks[1]


def test_a_concurrent_save_of_the_same_name_reuses_the_file(user_only, monkeypatch):
    stale = user_only._scan()  # what this process saw before another process saved "Same"
    other = PresetStore(user_dir=user_only.user_dir, builtin_dir=user_only.builtin_dir)
    first = other.save(Preset("Same", [[1]]))
    monkeypatch.setattr(user_only, "_scan", lambda: stale)
    assert user_only.save(Preset("Same", [[2]])) == first  # one wins, no duplicate file
    monkeypatch.undo()
    assert [p.name for p in user_only.user_dir.iterdir()] == [first.name]
    assert user_only.get("Same").kernel == ((2,),)
