"""What the presets panel shows and does, without Qt: :class:`PresetLibrary`.

The library reads a :class:`~convgui.presets.store.PresetStore` into :class:`Row` s (three
sections: *Your presets*, *Built-in*, *Broken files*, each row with its text, tooltip and the
case-folded text the search matches) and performs the store operations the panel offers —
apply, save, rename, duplicate, delete with undo, import, export — each returning an
:class:`Outcome` with the one-line message for the user. Nothing raises for a store error:
the message says what went wrong.

Questions to the user (a name, a yes/no, a file, a conflict policy) come in as callables, so
the panel can answer them with dialogs and tests with plain functions.

The undo of deletes lives here, with one owner: every delete pushes its batch of presets;
:meth:`PresetLibrary.undo_delete` saves the newest batch again. It is not a step of the
window's settings undo stack because it writes files that other windows share and can fail
(an unwritable folder), and a linear stack would tie it to later kernel edits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from convgui.atomic import quote_path
from convgui.presets.format import (
    BrokenPreset,
    Preset,
    PresetError,
    PresetExists,
    read_preset_file,
)
from convgui.presets.store import PresetStore, preset_filename
from convgui.settings import Settings
from convgui.textgrid import format_number

__all__ = ["BROKEN", "HEADER", "PLACEHOLDER", "PRESET", "SECTIONS", "Ask", "Outcome",
           "PresetLibrary", "Row", "kernel_size", "number_text", "settings_summary"]

HEADER, PLACEHOLDER, PRESET, BROKEN = "header", "placeholder", "preset", "broken"
#: (key, title) of the list's sections, in order; "broken" is shown only when not empty.
SECTIONS = (("user", "Your presets"), ("builtin", "Built-in (read-only)"),
            ("broken", "Broken files"))
PLACEHOLDER_TEXT = ("None yet: “Save current…” keeps the kernel you have now; “Duplicate” "
                    "makes an editable copy of a built-in.")

#: A yes/no question: ``ask(text, title)`` is True for yes.
Ask = Callable[[str, str], bool]


def kernel_size(preset: Preset) -> str:
    """``"3×5"``: the kernel's rows × columns."""
    return f"{len(preset.kernel)}×{len(preset.kernel[0])}"


def number_text(value: float) -> str:
    """A number as the kernel editor shows it: integers whole, others with 4 significant
    digits, negatives with a real minus sign ``−``."""
    text = format_number(value) if float(value).is_integer() else format(value, ".4g")
    return text.replace("-", "−")


def settings_summary(preset: Preset) -> str:
    """One phrase saying what applying ``preset`` changes besides the kernel."""
    if preset.settings is None:
        return "kernel only: applying it keeps your other settings"
    s = preset.settings
    padding = s["padding"] if isinstance(s["padding"], str) else \
        ", ".join(str(v) for pair in s["padding"] for v in pair)
    boundary = s["boundary"] + (f" {number_text(s['cval'])}"
                                if s["boundary"] == "constant" else "")
    return (f"with all settings: padding {padding}, stride {'×'.join(map(str, s['stride']))}, "
            f"dilation {'×'.join(map(str, s['dilation']))}, boundary {boundary}, "
            f"{'convolution (flipped)' if s['flip'] else 'correlation'}, "
            f"channels {s['channels']}, display {s['display']}")


@dataclass(frozen=True)
class Row:
    """One line of the presets list: a section ``HEADER``, the ``PLACEHOLDER`` of an empty
    *Your presets*, a ``PRESET`` or a ``BROKEN`` file. ``entry`` is the preset or broken file
    (``None`` for the others); ``search_text`` is case-folded."""

    kind: str
    section: str
    text: str
    tooltip: str = ""
    search_text: str = ""
    entry: Preset | BrokenPreset | None = None

    @property
    def key(self) -> tuple[str, str]:
        """What identifies the row across reloads: its kind and preset name, file or
        section."""
        if isinstance(self.entry, Preset):
            return (self.kind, self.entry.name)
        if isinstance(self.entry, BrokenPreset):
            return (self.kind, str(self.entry.path))
        return (self.kind, self.section)

    def matches(self, words: Sequence[str]) -> bool:
        """Whether every one of the (case-folded) ``words`` occurs in the search text."""
        return all(word in self.search_text for word in words)


def _header_row(section: str, title: str, count: int, user_dir: Path) -> Row:
    tips = {
        "user": f"Your presets: one JSON file each in {user_dir}",
        "builtin": "Built-in presets come with ConvGUI and cannot be changed: "
                   "“Duplicate” makes a copy you can rename, replace or delete.",
        "broken": "Files in a presets folder that could not be read. They are left "
                  "exactly as they are: fix or remove them yourself.",
    }
    return Row(HEADER, section, f"{title} ({count})", tips[section])


def _preset_row(preset: Preset) -> Row:
    first = preset.name
    if preset.settings is not None:
        first += "  ·  with settings"
    if preset.tags:
        first += "  ·  " + " ".join(f"#{t}" for t in preset.tags)
    origin = "Built-in (read-only)" if preset.builtin else "Your preset"
    lines = [preset.name]
    if preset.description:
        lines.append(preset.description)
    lines.append(f"{origin}; {kernel_size(preset)} kernel, {settings_summary(preset)}.")
    if preset.tags:
        lines.append("Tags: " + ", ".join(preset.tags))
    lines.append("Double-click or Enter applies it.")
    return Row(PRESET, "builtin" if preset.builtin else "user",
               first + (f"\n{preset.description}" if preset.description else ""),
               "\n".join(lines),
               " ".join([preset.name, *preset.tags, preset.description]).casefold(), preset)


def _broken_row(broken: BrokenPreset) -> Row:
    return Row(BROKEN, "broken", f"{broken.path.name}\nbroken: {broken.reason}",
               f"{broken.path}\nbroken: {broken.reason}\n"
               "ConvGUI leaves this file untouched: fix or remove it yourself.",
               f"{broken.path.name} {broken.reason}".casefold(), broken)


@dataclass(frozen=True)
class Outcome:
    """What an operation did: ``ok`` if it did what was asked, the ``message`` for the user
    (empty when the user cancelled a dialog), whether it is an ``error``, the presets to
    select afterwards (``names``, the first one current) and the file the user chose
    (``path``, for remembering its folder)."""

    ok: bool
    message: str = ""
    error: bool = False
    names: tuple[str, ...] = ()
    path: str | None = None


def _done(message: str, names: Sequence[str] = (), path: str | None = None) -> Outcome:
    return Outcome(True, message, names=tuple(names), path=path)


def _failed(message: str, path: str | None = None) -> Outcome:
    return Outcome(False, message, error=True, path=path)


def _declined(message: str = "", path: str | None = None) -> Outcome:
    return Outcome(False, message, path=path)


def _quoted(names: Sequence[str], limit: int = 5) -> str:
    return ", ".join(f"“{n}”" for n in names[:limit]) + (" …" if len(names) > limit else "")


class PresetLibrary:
    """The presets of ``store`` as list rows, and the operations on them.

    :attr:`rows` is read by :meth:`reload`, which every operation that writes calls; each
    reload calls the listeners added with :meth:`add_listener`.
    """

    def __init__(self, store: PresetStore | None = None) -> None:
        self.store = store if store is not None else PresetStore()
        self.rows: list[Row] = []
        self._deleted: list[list[Preset]] = []  # batches of deleted presets, newest last
        self._listeners: list[Callable[[], None]] = []

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after every :meth:`reload`."""
        self._listeners.append(callback)

    # -- reading ----------------------------------------------------------------------------

    def reload(self) -> str | None:
        """Read the store into :attr:`rows`; the error message if it could not be listed."""
        error = None
        try:
            presets, broken = self.store.list()
        except (PresetError, OSError) as exc:  # the store promises not to, but never crash
            presets, broken, error = [], [], f"cannot list presets: {exc}"
        rows: list[Row] = []
        for section, title in SECTIONS:
            if section == "broken":
                entries = [_broken_row(b) for b in broken]
            else:
                entries = [_preset_row(p) for p in presets
                           if p.builtin == (section == "builtin")]
            if section == "broken" and not entries:
                continue
            rows.append(_header_row(section, title, len(entries), self.store.user_dir))
            if section == "user" and not entries:
                rows.append(Row(PLACEHOLDER, section, PLACEHOLDER_TEXT))
            rows.extend(entries)
        self.rows = rows
        for callback in self._listeners:
            callback()
        return error

    def taken_names(self) -> dict[str, bool]:
        """Every preset name in the store now, mapped to whether it is built-in."""
        try:
            return {p.name: p.builtin for p in self.store.list()[0]}
        except (PresetError, OSError):
            return {}

    # -- applying ---------------------------------------------------------------------------

    def apply(self, entry: Preset | BrokenPreset | None, settings: Settings
              ) -> tuple[Settings | None, Outcome]:
        """``settings`` with the preset ``entry`` applied (a kernel-only preset changes only
        kernel, divisor and bias), or ``None`` and why not."""
        if isinstance(entry, BrokenPreset):
            return None, _failed(f"{entry.path.name} is broken: {entry.reason}")
        if entry is None:
            return None, _failed("Select a preset to apply.")
        try:
            applied = entry.apply_to(settings)
        except (PresetError, ValueError) as exc:
            return None, _failed(f"cannot apply preset “{entry.name}”: {exc}")
        what = "kernel and all settings" if entry.settings is not None else "kernel"
        return applied, _done(f"Applied preset “{entry.name}” ({what}); Undo takes it back.",
                              [entry.name])

    # -- writing ----------------------------------------------------------------------------

    def save(self, name: str, settings: Settings, description: str, tags: Sequence[str],
             include_settings: bool, confirm: Ask) -> Outcome:
        """Save ``settings`` as the user preset ``name`` (trimmed); ``confirm`` is asked
        before replacing one of the user's presets; a built-in's name is refused."""
        try:
            preset = Preset.from_settings(name.strip(), settings, description, tags,
                                          include_settings)
        except PresetError as exc:
            return _failed(f"cannot save preset: {exc}")
        try:
            self.store.save(preset)
        except PresetExists as exc:
            if self.taken_names().get(preset.name, False):
                return _failed(str(exc))
            if not confirm(f"You already have a preset “{preset.name}”. Replace it?",
                           "Replace preset"):
                return _declined(f"Not saved: “{preset.name}” kept as it was.")
            try:
                self.store.save(preset, overwrite=True)
            except PresetError as exc2:
                return _failed(str(exc2))
        except PresetError as exc:
            return _failed(str(exc))
        self.reload()
        return _done(f"Saved preset “{preset.name}”.", [preset.name])

    def rename(self, preset: Preset | None, ask_name: Callable[[str], str | None]) -> Outcome:
        """Rename the user preset ``preset`` to ``ask_name(old name)`` (trimmed; ``None`` or
        the same name cancels)."""
        if preset is None:
            return _failed("Select one of your presets to rename.")
        if preset.builtin:
            return _failed(f"“{preset.name}” is built-in and cannot be renamed: duplicate it "
                           "and rename the copy.")
        new = ask_name(preset.name)
        if new is None or new.strip() == preset.name:
            return _declined()
        try:
            renamed = self.store.rename(preset.name, new.strip())
        except PresetError as exc:
            return _failed(str(exc))
        self.reload()
        return _done(f"Renamed “{preset.name}” to “{renamed.name}”.", [renamed.name])

    def duplicate(self, preset: Preset | None) -> Outcome:
        """Save an editable copy of ``preset`` (built-in or the user's) as “… (copy)”."""
        if preset is None:
            return _failed("Select a preset to duplicate.")
        try:
            copy = self.store.duplicate(preset.name)
        except PresetError as exc:
            return _failed(str(exc))
        self.reload()
        return _done(f"Saved a copy of “{preset.name}” as “{copy.name}”.", [copy.name])

    def delete(self, selected: Sequence[Preset], confirm: Ask) -> Outcome:
        """Delete the user presets among ``selected`` (built-ins are kept) once ``confirm``
        says yes; :meth:`undo_delete` brings them back."""
        mine = [p for p in selected if not p.builtin]
        if not mine:
            return _failed("Built-in presets cannot be deleted; select presets of your own."
                           if selected else "Select presets of your own to delete.")
        names = _quoted([p.name for p in mine])
        noun = "preset" if len(mine) == 1 else f"{len(mine)} presets"
        pronoun = "it" if len(mine) == 1 else "them"
        skipped = (" (built-in presets in the selection are kept)"
                   if len(mine) < len(selected) else "")
        if not confirm(f"Delete {noun} {names}{skipped}?\n\n“Undo delete” brings {pronoun} "
                       "back.", "Delete presets"):
            return _declined()
        deleted: list[Preset] = []
        error = None
        for preset in mine:
            try:
                deleted.append(self.store.delete(preset.name))
            except PresetError as exc:
                error = str(exc)
                break
        if deleted:
            self._deleted.append(deleted)
        self.reload()
        if error is not None:
            return _failed(error)
        return _done(f"Deleted {noun} {names}; “Undo delete” brings {pronoun} back.")

    @property
    def undo_delete_text(self) -> str | None:
        """What *Undo delete* would bring back (``Undo delete “Blur”``), or ``None``."""
        if not self._deleted:
            return None
        last = self._deleted[-1]
        return (f"Undo delete “{last[0].name}”" if len(last) == 1
                else f"Undo delete ({len(last)} presets)")

    def undo_delete(self) -> Outcome:
        """Save the presets deleted last again (under a new name if the old one was taken
        meanwhile); on an error the presets not yet saved stay for another try."""
        if not self._deleted:
            return _failed("Nothing to undo: no preset was deleted.")
        batch = self._deleted.pop()
        restored: list[str] = []
        for i, preset in enumerate(batch):
            try:
                restored.append(self._save_again(preset))
            except PresetError as exc:
                self._deleted.append(batch[i:])
                self.reload()
                return _failed(str(exc))
        self.reload()
        return _done("Restored " + ", ".join(f"“{n}”" for n in restored) + ".", restored)

    def _save_again(self, preset: Preset) -> str:
        """Save a deleted ``preset`` under its name, or the first free “name (n)”; the name
        used."""
        try:
            self.store.save(preset)
        except PresetExists:
            preset = preset.with_name(self.store.unique_name(preset.name))
            self.store.save(preset)
        return preset.name

    # -- files ------------------------------------------------------------------------------

    def export(self, presets: Sequence[Preset], ask_path: Callable[[str], str | None]
               ) -> Outcome:
        """Write ``presets`` to one collection file at ``ask_path(suggested file name)``
        (``.json`` added when it has no extension)."""
        if not presets:
            return _failed("Select the presets to export (Ctrl+click or Shift+click for "
                           "several).")
        suggested = (preset_filename(presets[0].name).rsplit("-", 1)[0] + ".json"
                     if len(presets) == 1 else "presets.json")
        path = ask_path(suggested)
        if not path:
            return _declined()
        if not Path(path).suffix:
            path += ".json"
        try:
            self.store.export([p.name for p in presets], path)
        except PresetError as exc:
            return _failed(str(exc))
        noun = "1 preset" if len(presets) == 1 else f"{len(presets)} presets"
        return _done(f"Exported {noun} to {quote_path(path)}.", path=path)

    def import_file(self, ask_path: Callable[[], str | None],
                    ask_policy: Callable[[list[str]], str | None]) -> Outcome:
        """Import the presets of the file ``ask_path()``; when some names are taken,
        ``ask_policy(names)`` says once what to do (``"keep-both"``, ``"replace"``,
        ``"skip"``, or ``None`` to cancel)."""
        path = ask_path()
        if not path:
            return _declined()
        try:
            incoming = read_preset_file(path)
        except PresetError as exc:
            return _failed(f"cannot import {quote_path(path)}: {exc}", path)
        taken = self.taken_names()
        conflicts = list(dict.fromkeys(p.name for p in incoming if p.name in taken))
        policy = "keep-both"
        if conflicts:
            answer = ask_policy(conflicts)
            if answer is None:
                return _declined("Import cancelled: nothing was added.", path)
            policy = answer
        try:
            written = self.store.import_file(path, on_conflict=policy)
        except PresetError as exc:
            self.reload()
            return _failed(str(exc), path)
        self.reload()
        skipped = len(incoming) - len(written)
        text = f"Imported {len(written)} of {len(incoming)} presets from {quote_path(path)}"
        if skipped:
            text += f" ({skipped} skipped: the name was taken)"
        return _done(text + ".", [p.name for p in written], path)
