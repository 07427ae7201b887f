"""The presets list models: roles of each kind of row, row-by-row updates that keep the view's
selection, and the search filter (every word, headers of sections with a match, no
placeholder while searching).

Qt's own ``QAbstractItemModelTester`` watches the models and reports any inconsistent signal
as a ``qt.modeltest`` message, which fails the test.
"""

import random
import sys

import pytest
from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    qInstallMessageHandler,
)
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QListView

from convgui.presets import Preset, PresetStore
from convgui.presets.library import BROKEN, HEADER, PLACEHOLDER, PRESET, PresetLibrary, Row
from convgui.settings import Settings
from convgui.ui.preset_model import (
    KIND_ROLE,
    OBJECT_ROLE,
    SEARCH_ROLE,
    PresetFilterModel,
    PresetListModel,
)

DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture
def store(tmp_path):
    builtin = tmp_path / "builtin"
    builtin.mkdir()
    for name, kernel in (("Sobel x", [[-1, 0, 1]]), ("Box", [[1, 1], [1, 1]])):
        (builtin / f"{name}.json").write_text(Preset(name, kernel).to_json(), encoding="utf-8")
    store = PresetStore(user_dir=tmp_path / "user", builtin_dir=builtin)
    store.save(Preset("Lesson blur", [[1, 2, 1]], divisor=4, tags=("blur",)))
    store.save(Preset("Mine", [[2]], description="a sharp one"))
    return store


@pytest.fixture
def model_failures():
    """What Qt's model tester reports (logging category ``qt.modeltest``) during the test;
    it must stay empty. Other Qt messages go on to the previous handler (or stderr)."""
    failures = []

    def handler(mode, context, message):
        if context.category == "qt.modeltest":
            failures.append(message)
        elif previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)
    yield failures
    qInstallMessageHandler(previous)
    assert failures == []


def watch(*models):
    """Qt's model tester on each of ``models`` (keep the result while the test runs)."""
    mode = QAbstractItemModelTester.FailureReportingMode.Warning
    return [QAbstractItemModelTester(model, mode) for model in models]


@pytest.fixture
def models(model_failures, store):
    """(library, list model, filter model), each model watched by Qt's model tester."""
    library = PresetLibrary(store)
    library.reload()
    model = PresetListModel(library)
    library.add_listener(model.sync)
    proxy = PresetFilterModel()
    proxy.setSourceModel(model)
    testers = watch(model, proxy)
    yield library, model, proxy
    del testers


def texts(model):
    return [model.index(i, 0).data(DISPLAY).split("\n")[0] for i in range(model.rowCount())]


def test_roles_of_each_kind_of_row(models, store):
    library, model, _ = models
    (store.user_dir / "bad.json").write_text("{", encoding="utf-8")
    library.reload()
    kinds = [model.index(i, 0).data(KIND_ROLE) for i in range(model.rowCount())]
    assert kinds == [HEADER, PRESET, PRESET, HEADER, PRESET, PRESET, HEADER, BROKEN]
    header, blur, broken = model.index(0, 0), model.index(1, 0), model.index(7, 0)
    assert header.data(DISPLAY) == "Your presets (2)" and header.data(OBJECT_ROLE) == "user"
    assert header.data(Qt.ItemDataRole.FontRole).bold()
    assert model.flags(header) == Qt.ItemFlag.NoItemFlags
    assert blur.data(OBJECT_ROLE) == store.get("Lesson blur")
    assert blur.data(SEARCH_ROLE) == "lesson blur blur "
    assert blur.data(Qt.ItemDataRole.ToolTipRole).startswith("Lesson blur\nYour preset; 1×3")
    assert model.flags(blur) & Qt.ItemFlag.ItemIsSelectable
    assert blur.data(Qt.ItemDataRole.DecorationRole).actualSize(
        blur.data(Qt.ItemDataRole.DecorationRole).availableSizes()[0]).width() == 32
    assert blur.data(Qt.ItemDataRole.ForegroundRole) is None
    assert broken.data(OBJECT_ROLE).path.name == "bad.json"
    assert not broken.data(Qt.ItemDataRole.DecorationRole).isNull()  # a warning sign
    assert broken.data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    names = model.roleNames()
    assert (names[KIND_ROLE], names[OBJECT_ROLE], names[SEARCH_ROLE]) == (
        b"kind", b"object", b"search")
    assert names[int(DISPLAY.value)] == b"display"


def test_a_save_inserts_one_row_and_the_selection_stays(qtbot, models, store):
    library, model, proxy = models
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
    mine = proxy.mapFromSource(model.index(2, 0))
    view.selectionModel().setCurrentIndex(mine, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    kept = QPersistentModelIndex(model.index(2, 0))
    inserted, removed, resets = [], [], []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.modelReset.connect(lambda: resets.append(True))

    library.save("Alpha", Settings(), "", [], False, lambda *a: True)
    assert texts(model) == ["Your presets (3)", "Alpha", "Lesson blur  ·  #blur", "Mine",
                            "Built-in (read-only) (2)", "Box", "Sobel x"]
    assert inserted == [(1, 1)] and removed == [] and resets == []
    assert kept.row() == 3 and kept.data(OBJECT_ROLE).name == "Mine"
    assert proxy.row_at(view.currentIndex()).entry.name == "Mine"
    assert [proxy.row_at(i).entry.name for i in view.selectionModel().selectedIndexes()] == \
        ["Mine"]

    library.delete([store.get("Alpha")], lambda *a: True)
    assert removed == [(1, 1)] and kept.row() == 2 and resets == []


def test_a_changed_preset_updates_its_row_in_place(models, store):
    library, model, _ = models
    changed = []
    model.dataChanged.connect(lambda first, last: changed.append((first.row(), last.row())))
    store.save(Preset("Mine", [[3]], description="changed"), overwrite=True)
    library.reload()
    assert changed == [(2, 2)]  # the header's count is the same: only the preset's row
    assert model.index(2, 0).data(DISPLAY) == "Mine\nchanged"


def test_sync_reaches_any_new_list_of_rows(model_failures):
    """Random lists of rows (keys drawn from a small pool, so old and new overlap): after
    each sync the model holds exactly the new rows."""

    class Rows:
        rows: list[Row] = []

    rng = random.Random(16)
    pool = [Row(PRESET, "user", f"P{i}", entry=Preset(f"P{i}", [[i]])) for i in range(12)]
    source = Rows()
    model = PresetListModel(source)  # type: ignore[arg-type]
    testers = watch(model)
    for _ in range(200):
        chosen = rng.sample(pool, rng.randint(0, len(pool)))
        source.rows = [Row(r.kind, r.section, r.text + rng.choice(["", "*"]), entry=r.entry)
                       for r in chosen]
        model.sync()
        assert list(model.rows) == source.rows
    assert model_failures == []
    del testers


# -- the search filter -------------------------------------------------------------------------


def shown(proxy):
    return [proxy.index(i, 0).data(DISPLAY).split("\n")[0].split("  ·")[0]
            for i in range(proxy.rowCount())]


@pytest.mark.parametrize(("text", "expected"), [
    ("", ["Your presets (2)", "Lesson blur", "Mine", "Built-in (read-only) (2)", "Box",
          "Sobel x"]),
    ("BLUR", ["Your presets (2)", "Lesson blur"]),             # a tag or name, any case
    ("sharp   one", ["Your presets (2)", "Mine"]),             # every word, in the description
    ("box", ["Built-in (read-only) (2)", "Box"]),              # the other section's header
    ("blur sharp", []),                                        # no row has both words
])
def test_filter_keeps_rows_with_every_word_and_their_headers(models, text, expected):
    _, _, proxy = models
    proxy.set_search_text(text)
    assert shown(proxy) == expected
    assert proxy.words == tuple(text.casefold().split())


def test_placeholder_only_without_a_search_and_refilter_after_new_rows(tmp_path,
                                                                       model_failures):
    store = PresetStore(user_dir=tmp_path / "user", builtin_dir=tmp_path / "none")
    library = PresetLibrary(store)
    library.reload()
    model = PresetListModel(library)
    library.add_listener(model.sync)
    proxy = PresetFilterModel()
    proxy.setSourceModel(model)
    testers = watch(model, proxy)
    assert [proxy.index(i, 0).data(KIND_ROLE) for i in range(proxy.rowCount())] == [
        HEADER, PLACEHOLDER, HEADER]
    proxy.set_search_text("zeta")
    assert proxy.rowCount() == 0
    store.save(Preset("Zeta", [[1]]))
    library.reload()
    proxy.refilter()
    assert shown(proxy) == ["Your presets (1)", "Zeta"]
    proxy.set_search_text("")
    assert shown(proxy) == ["Your presets (1)", "Zeta", "Built-in (read-only) (0)"]
    assert proxy.row_at(QModelIndex()) is None
    del testers
