"""The small dialogs of the presets panel: the details of a preset to save, a new name, a
yes/no question, what to do with name conflicts on import, the folder the Import and Export
dialogs open in, and the helpers that read their answers.

Each dialog is opened by one method of :class:`convgui.ui.preset_panel.PresetPanel`
(``ask_save_details``, ``ask_conflict_policy``...), so tests replace that method instead of
clicking through a modal dialog.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from convgui.ui.session import app_settings

__all__ = ["CONFLICT_POLICIES", "LAST_DIR_KEY", "SaveDetails", "SaveDetailsDialog",
           "ask_conflict_policy", "ask_rename", "ask_save_details", "confirm", "last_dir",
           "parse_tags", "remember_dir"]

LAST_DIR_KEY = "presets/last_dir"  # the folder the Import/Export dialogs last used

#: The store's ``on_conflict`` values, in the order the import dialog offers them.
CONFLICT_POLICIES = ("keep-both", "replace", "skip")

#: What :meth:`SaveDetailsDialog.values` returns: name, description, tags, include settings.
SaveDetails = tuple[str, str, list[str], bool]


def parse_tags(text: str) -> list[str]:
    """``"blur, edge,,  blur"`` → ``["blur", "edge"]``: comma separated, trimmed, no blanks,
    each tag once (first spelling kept)."""
    tags: list[str] = []
    for part in text.split(","):
        tag = " ".join(part.split())
        if tag and tag not in tags:
            tags.append(tag)
    return tags


class SaveDetailsDialog(QDialog):
    """Name, description, tags and "include settings" for *Save current…*.

    ``existing`` maps the names already taken to whether they are built-in: the dialog says
    as you type that a name will replace one of your presets, and refuses a built-in's name
    (built-ins are read-only) by disabling *Save*.
    """

    def __init__(self, parent: QWidget | None = None, *, name: str = "", description: str = "",
                 tags: Sequence[str] = (), include: bool = False,
                 existing: Mapping[str, bool] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save current kernel as a preset")
        self._existing = dict(existing or {})
        self.name_edit = QLineEdit(name)
        self.name_edit.setPlaceholderText("e.g. My edge detector")
        self.name_edit.setToolTip("Any text (emoji, accents, / and : are fine). Names are exact: "
                                  "'Edge' and 'edge' are two presets.")
        self.description_edit = QLineEdit(description)
        self.description_edit.setPlaceholderText("one line: what it does (optional)")
        self.description_edit.setToolTip("Shown under the name in the list and as its tooltip.")
        self.tags_edit = QLineEdit(", ".join(tags))
        self.tags_edit.setPlaceholderText("comma separated, e.g. blur, lesson 3 (optional)")
        self.tags_edit.setToolTip("Words to find the preset by: the search field matches tags.")
        self.include_box = QCheckBox("Include all other settings")
        self.include_box.setChecked(include)
        self.include_box.setToolTip(
            "Also keep padding, stride, dilation, boundary, flip, channel mode and display. "
            "Unchecked: applying the preset changes only the kernel, divisor and bias.")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        form.addRow("&Description", self.description_edit)
        form.addRow("&Tags", self.tags_edit)
        form.addRow("", self.include_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(self._check)
        self.name_edit.selectAll()
        self.resize(440, self.sizeHint().height())
        self._check()

    def _check(self) -> None:
        name = self.name_edit.text().strip()
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        builtin = self._existing.get(name)
        if not name:
            text, ok = "Give the preset a name.", False
        elif builtin:
            text, ok = f"“{name}” is a built-in preset (read-only): choose another name.", False
        elif builtin is False:
            text, ok = f"You already have a preset “{name}”: saving asks to replace it.", True
        else:
            text, ok = "", True
        self.hint.setText(text)
        self.hint.setVisible(bool(text))
        save.setEnabled(ok)

    def values(self) -> SaveDetails:
        """(name without surrounding spaces, description, tags, include settings)."""
        return (self.name_edit.text().strip(), self.description_edit.text().strip(),
                parse_tags(self.tags_edit.text()), self.include_box.isChecked())


def ask_save_details(parent: QWidget | None, *, name: str, description: str,
                     tags: Sequence[str], include: bool, existing: Mapping[str, bool]
                     ) -> SaveDetails | None:
    """Show :class:`SaveDetailsDialog` filled in with the arguments; its values, or ``None``
    when cancelled."""
    dialog = SaveDetailsDialog(parent, name=name, description=description, tags=tags,
                               include=include, existing=existing)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.values()


def ask_rename(parent: QWidget | None, old: str) -> str | None:
    """The new name typed for the preset ``old``, or ``None`` when cancelled."""
    text, ok = QInputDialog.getText(parent, "Rename preset", f"New name for “{old}”:",
                                    QLineEdit.EchoMode.Normal, old)
    return text if ok else None


def confirm(parent: QWidget | None, text: str, title: str) -> bool:
    """Ask a yes/no question (No is the default); True for yes."""
    answer = QMessageBox.question(
        parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def last_dir() -> str:
    """The folder Import and Export open in: the one last used (remembered across runs in
    :func:`~convgui.ui.session.app_settings`), else the home folder."""
    value = app_settings().value(LAST_DIR_KEY, "")
    return value if isinstance(value, str) and value and Path(value).is_dir() else str(
        Path.home())


def remember_dir(path: str) -> None:
    """Make the folder of ``path`` the one Import and Export open in next."""
    app_settings().setValue(LAST_DIR_KEY, str(Path(path).resolve().parent))


def ask_conflict_policy(parent: QWidget | None, names: Iterable[str]) -> str | None:
    """Ask once what to do with imported presets whose names are taken: one of
    :data:`CONFLICT_POLICIES`, or ``None`` to cancel the import."""
    names = list(names)
    shown = ", ".join(f"“{n}”" for n in names[:5]) + (" …" if len(names) > 5 else "")
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Import presets")
    noun = "preset has a name" if len(names) == 1 else f"{len(names)} presets have names"
    box.setText(f"{noun.capitalize()} you already use: {shown}.")
    box.setInformativeText(
        "Keep both: the imported ones get a number, e.g. “Blur (2)”.\n"
        "Replace: the imported ones overwrite yours (built-ins are never replaced: both are "
        "kept).\nSkip: import only the presets with new names.")
    choices = {
        box.addButton("&Keep both", QMessageBox.ButtonRole.AcceptRole): "keep-both",
        box.addButton("&Replace", QMessageBox.ButtonRole.DestructiveRole): "replace",
        box.addButton("&Skip", QMessageBox.ButtonRole.AcceptRole): "skip",
    }
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(next(iter(choices)))
    box.setEscapeButton(cancel)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
    return choices.get(box.clickedButton())
