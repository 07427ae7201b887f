"""Where preset files live, and :class:`PresetStore`: the read-only built-in presets and the
user's own, one file each, written atomically; a corrupt, unreadable or newer file is
reported as a :class:`~convgui.presets.format.BrokenPreset` and never deleted or
overwritten."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import importlib.resources
import os
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from convgui.atomic import AtomicWriteError, atomic_write, describe_os_error, quote_path
from convgui.presets.format import (
    BrokenPreset,
    Preset,
    PresetError,
    PresetExists,
    check_text,
    collection_to_json,
    parse_document,
    read_file_bytes,
    read_preset_file,
    shown_name,
)

_CONFLICT_MODES = ("keep-both", "replace", "skip")

# --------------------------------------------------------------------------------------------
# Where files live
# --------------------------------------------------------------------------------------------


def user_presets_dir() -> Path:
    """The user's presets folder (not created here).

    ``$CONVGUI_HOME/presets`` when ``CONVGUI_HOME`` is set and non-empty; otherwise the
    platform data folder + ``ConvGUI/presets``: ``%APPDATA%`` on Windows,
    ``~/Library/Application Support`` on macOS, ``$XDG_DATA_HOME`` (if absolute) or
    ``~/.local/share`` elsewhere.
    """
    home = os.environ.get("CONVGUI_HOME")
    if home:
        return Path(home).expanduser().absolute() / "presets"
    if sys.platform.startswith("win"):
        appdata = os.environ.get("APPDATA")
        base = Path(appdata) if appdata else Path.home() / "AppData" / "Roaming"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / "ConvGUI" / "presets"


def builtin_presets_dir() -> Path:
    """The read-only built-in presets: ``convgui.resources/presets`` (``<checkout>/resources/
    presets`` when that subpackage is not installed)."""
    try:
        base = importlib.resources.files("convgui.resources")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "resources" / "presets"
    return Path(str(base / "presets"))


def preset_filename(name: str) -> str:
    """A safe, portable file name for a user preset called ``name``.

    ``<slug>-<hash>.json``: ``slug`` is the name's ASCII letters and digits in lower case
    (accents stripped, every other run of characters becomes ``-``, at most 40 characters,
    ``preset`` if nothing is left) and ``hash`` the first 10 hex digits of the SHA-1 of the
    exact name in UTF-8. The result never contains a path separator or a drive colon, never
    starts with a dot, is never a reserved Windows device name, stays short, and two names
    differing only in case get different file names even on a case-insensitive file system.
    The true name is stored inside the file.
    """
    check_text(name, "name", allow_empty=False)
    plain = "".join(c for c in unicodedata.normalize("NFKD", name)
                    if unicodedata.category(c) != "Mn")  # drop accents: é -> e
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:40].strip("-")
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
    return f"{slug or 'preset'}-{digest}.json"


# --------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------


@dataclass
class _Scan:
    user: dict[str, tuple[Preset, Path]]
    builtin: dict[str, Preset]
    broken: list[BrokenPreset]

    def taken(self) -> set[str]:
        return set(self.user) | set(self.builtin)


_NUMBERED = re.compile(r"^(.*) \((\d+)\)$", re.DOTALL)


class PresetStore:
    """Built-in presets (read-only) plus the user's presets (one JSON file each).

    ``user_dir`` defaults to :func:`user_presets_dir` (read when the store is made; the Qt UI
    may pass its own), ``builtin_dir`` to :func:`builtin_presets_dir`. Nothing is cached: every
    call looks at the folders, so several windows or processes see each other's changes.

    A user preset shadows a built-in one of the same name (possible only for files written by
    hand or by an older ConvGUI; the store itself never saves over a built-in name).

    Guarantees: writes are atomic (a file is either the old or the complete new version); a
    file that cannot be read as a preset is listed as broken and never deleted or overwritten;
    listing and getting work when the user folder is missing or unwritable.
    """

    def __init__(self, user_dir: str | os.PathLike[str] | None = None,
                 builtin_dir: str | os.PathLike[str] | None = None) -> None:
        self.user_dir = Path(user_dir) if user_dir is not None else user_presets_dir()
        self.builtin_dir = Path(builtin_dir) if builtin_dir is not None else \
            builtin_presets_dir()

    # ---- reading ---------------------------------------------------------------------------

    @staticmethod
    def _read_folder(folder: Path, builtin: bool) -> tuple[list[tuple[Preset, Path]],
                                                           list[BrokenPreset]]:
        found: list[tuple[Preset, Path]] = []
        broken: list[BrokenPreset] = []
        try:
            if not folder.is_dir():
                return found, broken
            names = sorted(os.listdir(folder))
        except OSError as exc:
            reason = f"cannot read the folder: {describe_os_error(exc, reading=True)}"
            return found, [BrokenPreset(folder, reason)]
        for filename in names:
            if filename.startswith(".") or not filename.lower().endswith(".json"):
                continue  # hidden files, including atomic_write's temporary files
            path = folder / filename
            if not os.path.isfile(path):  # folders, dangling links (never raises)
                continue
            try:
                presets, is_collection = parse_document(read_file_bytes(path))
            except PresetError as exc:
                if os.path.lexists(path):  # else deleted meanwhile by another process
                    broken.append(BrokenPreset(path, str(exc)))
                continue
            if is_collection:
                broken.append(BrokenPreset(
                    path, f"a collection of {len(presets)} presets, not a single preset: "
                          "import it instead"))
                continue
            preset = presets[0]
            if builtin:
                preset = dataclasses.replace(preset, builtin=True)
            found.append((preset, path))
        return found, broken

    def _scan(self) -> _Scan:
        user_found, user_broken = self._read_folder(self.user_dir, builtin=False)
        builtin_found, builtin_broken = self._read_folder(self.builtin_dir, builtin=True)
        user: dict[str, tuple[Preset, Path]] = {}
        broken = user_broken
        for preset, path in user_found:
            if preset.name in user:
                other = user[preset.name][1].name
                broken.append(BrokenPreset(
                    path, f"duplicate name {shown_name(preset.name)} (also in {other!r})"))
            else:
                user[preset.name] = (preset, path)
        builtin: dict[str, Preset] = {}
        for preset, _path in builtin_found:
            builtin.setdefault(preset.name, preset)
        return _Scan(user, builtin, broken + builtin_broken)

    def list(self) -> tuple[list[Preset], list[BrokenPreset]]:
        """(presets, broken): built-in and user presets sorted by name (case-folded), and the
        files that could not be read, each with a one-line reason. Never raises for bad files
        or a missing/unreadable folder, and never modifies anything."""
        scan = self._scan()
        presets = [p for p, _ in scan.user.values()]
        presets += [p for name, p in scan.builtin.items() if name not in scan.user]
        presets.sort(key=lambda p: (p.name.casefold(), p.name))
        return presets, sorted(scan.broken, key=lambda b: str(b.path))

    def names(self) -> list[str]:
        """Names of all readable presets, sorted like :meth:`list`."""
        return [p.name for p in self.list()[0]]

    def get(self, name: str) -> Preset:
        """The preset called exactly ``name`` (a user preset first, then a built-in).
        ``PresetError("no preset named 'x'")`` if there is none."""
        scan = self._scan()
        if name in scan.user:
            return scan.user[name][0]
        if name in scan.builtin:
            return scan.builtin[name]
        raise PresetError(f"no preset named {shown_name(str(name))}")

    def path_of(self, name: str) -> Path | None:
        """The file of the user preset ``name``, or ``None`` (built-in or unknown)."""
        entry = self._scan().user.get(name)
        return entry[1] if entry else None

    def unique_name(self, name: str) -> str:
        """``name`` if no preset has it, else the first free ``"base (2)"``, ``"base (3)"``...
        where ``base`` is ``name`` without a trailing ``" (n)"``."""
        return self._unique(name, self._scan().taken())

    @staticmethod
    def _unique(name: str, taken: set[str]) -> str:
        if name not in taken:
            return name
        match = _NUMBERED.match(name)
        base = match.group(1) if match and match.group(1).strip() else name
        n = 2
        while f"{base} ({n})" in taken:
            n += 1
        return f"{base} ({n})"

    # ---- writing ---------------------------------------------------------------------------

    def _free_path(self, name: str, avoid: set[Path] | None = None) -> Path:
        """The file for a preset ``name`` not seen by the last scan: its
        :func:`preset_filename`, or ``<stem>-2.json``, ``-3``... if that file holds something
        else (a hash collision or an unreadable file, which is never overwritten).

        If the file appeared meanwhile with the same name (another process saved that name
        concurrently), it is reused: one save wins fully, no duplicate file is created."""
        first = self.user_dir / preset_filename(name)
        candidate, n = first, 2
        while (avoid and candidate in avoid) or os.path.lexists(candidate):
            if not (avoid and candidate in avoid) and self._holds(candidate, name):
                return candidate
            candidate = first.with_name(f"{first.stem}-{n}.json")
            n += 1
        return candidate

    @staticmethod
    def _holds(path: Path, name: str) -> bool:
        """Whether ``path`` is a readable single-preset file for ``name``."""
        try:
            presets, is_collection = parse_document(read_file_bytes(path))
        except PresetError:
            return False
        return not is_collection and presets[0].name == name

    def _write(self, preset: Preset, path: Path) -> None:
        data = preset.to_json().encode("utf-8")
        folder = self.user_dir
        try:
            if folder.exists() and not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder", str(folder))
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = "it is a file, not a folder" if isinstance(exc, NotADirectoryError) and \
                folder.is_file() else describe_os_error(exc)
            raise PresetError(
                f"cannot save preset {shown_name(preset.name)}: folder {quote_path(folder)} is not "
                f"writable ({reason})"
            ) from None
        try:
            atomic_write(path, lambda fh: fh.write(data))
        except AtomicWriteError as exc:
            cause = exc.__cause__
            reason = describe_os_error(cause) if cause is not None else str(exc)
            if isinstance(cause, OSError) and cause.errno in (errno.EACCES, errno.EPERM,
                                                              errno.EROFS):
                raise PresetError(
                    f"cannot save preset {shown_name(preset.name)}: folder {quote_path(folder)} "
                    f"is not writable ({reason})"
                ) from None
            raise PresetError(
                f"cannot save preset {shown_name(preset.name)} to {quote_path(path)}: {reason}"
            ) from None

    def save(self, preset: Preset, overwrite: bool = False) -> Path:
        """Save ``preset`` as a user preset (atomically) and return its file.

        A new name gets a new file (:func:`preset_filename`); with ``overwrite=True`` an
        existing user preset of that name is replaced in its own file. Raises
        :class:`PresetExists` if the name is taken and ``overwrite`` is false (or the name is a
        built-in's: built-ins are read-only), :class:`PresetError` if the folder cannot be
        written (the message says why).
        """
        if not isinstance(preset, Preset):
            raise PresetError(f"expected a Preset, got {type(preset).__name__}")
        scan = self._scan()
        if preset.name in scan.user:
            if not overwrite:
                raise PresetExists(f"a preset named {shown_name(preset.name)} already exists")
            path = scan.user[preset.name][1]
        elif preset.name in scan.builtin:
            raise PresetExists(
                f"{shown_name(preset.name)} is a built-in preset (read-only): choose another name"
            )
        else:
            path = self._free_path(preset.name)
        self._write(preset, path)
        return path

    def delete(self, name: str) -> Preset:
        """Delete the user preset ``name`` and return it (save it again to undo).
        Built-in presets cannot be deleted (:class:`PresetError`)."""
        scan = self._scan()
        if name not in scan.user:
            if name in scan.builtin:
                raise PresetError(f"{shown_name(name)} is a built-in preset and cannot be deleted")
            raise PresetError(f"no preset named {shown_name(str(name))}")
        preset, path = scan.user[name]
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass  # deleted meanwhile by another window or process: the goal is reached
        except OSError as exc:
            raise PresetError(
                f"cannot delete preset {shown_name(name)}: {describe_os_error(exc)}"
            ) from None
        return preset

    def rename(self, old: str, new: str) -> Preset:
        """Rename the user preset ``old`` to ``new`` and return the renamed preset.

        The new file is written before the old one is removed, so a crash in between leaves
        both, never neither. Raises :class:`PresetExists` if ``new`` is taken, and
        :class:`PresetError` for built-ins, unknown names or an invalid new name.
        """
        scan = self._scan()
        if old not in scan.user:
            if old in scan.builtin:
                raise PresetError(
                    f"{shown_name(old)} is a built-in preset and cannot be renamed: duplicate it"
                )
            raise PresetError(f"no preset named {shown_name(str(old))}")
        preset, old_path = scan.user[old]
        if new == old:
            return preset
        renamed = preset.with_name(new)
        if new in scan.taken():
            raise PresetExists(f"a preset named {shown_name(new)} already exists")
        new_path = self._free_path(new)
        self._write(renamed, new_path)
        try:
            os.unlink(old_path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            try:
                os.unlink(new_path)
            except OSError:
                pass
            raise PresetError(
                f"cannot rename preset {shown_name(old)}: {describe_os_error(exc)}"
            ) from None
        return renamed

    def duplicate(self, name: str, new_name: str | None = None) -> Preset:
        """Save a user copy of preset ``name`` (built-in or user) and return it.

        ``new_name`` defaults to ``"<name> (copy)"``, made unique with :meth:`unique_name`;
        an explicit ``new_name`` that is taken raises :class:`PresetExists`.
        """
        source = self.get(name)
        if new_name is None:
            new_name = self._unique(f"{name} (copy)", self._scan().taken())
        copy = source.with_name(new_name)
        self.save(copy)
        return copy

    def export(self, names: Iterable[str], path: str | os.PathLike[str]) -> None:
        """Write the presets ``names`` (in that order, duplicates once) to a collection file,
        atomically. Unknown names raise :class:`PresetError` before anything is written."""
        scan = self._scan()
        chosen: list[Preset] = []
        seen: set[str] = set()
        for name in names:
            if name in seen:
                continue
            seen.add(name)
            if name in scan.user:
                chosen.append(scan.user[name][0])
            elif name in scan.builtin:
                chosen.append(scan.builtin[name])
            else:
                raise PresetError(f"cannot export: no preset named {shown_name(str(name))}")
        data = collection_to_json(chosen).encode("utf-8")
        try:
            atomic_write(path, lambda fh: fh.write(data))
        except AtomicWriteError as exc:
            raise PresetError(f"cannot export presets: {exc}") from None

    def import_file(self, path: str | os.PathLike[str], on_conflict: str = "keep-both") -> \
            list[Preset]:
        """Import a single-preset or collection file into the user presets; return the presets
        written (with their final names), in file order.

        ``on_conflict`` decides what happens to an incoming preset whose name is taken:
        ``"keep-both"`` saves it as ``"name (2)"`` (the first free number), ``"replace"``
        overwrites the user preset of that name (a built-in is never replaced: keep-both is used
        instead), ``"skip"`` leaves it out. Every entry is validated before anything is
        written; an invalid entry raises :class:`PresetError` naming it (``preset 2 of 5
        ('Blur'): ...``) and nothing is written.
        """
        if on_conflict not in _CONFLICT_MODES:
            raise PresetError(
                f"unknown on_conflict {on_conflict!r}: use {', '.join(_CONFLICT_MODES)}"
            )
        try:
            incoming = read_preset_file(path)
        except PresetError as exc:
            raise PresetError(f"cannot import {quote_path(path)}: {exc}") from None
        scan = self._scan()
        taken = scan.taken()
        planned: dict[str, Preset] = {}
        for preset in incoming:
            preset = dataclasses.replace(preset, builtin=False)
            name = preset.name
            if name not in taken and name not in planned:
                planned[name] = preset
            elif on_conflict == "skip":
                continue
            elif on_conflict == "replace" and name not in scan.builtin:
                planned.pop(name, None)
                planned[name] = preset
            else:
                new = self._unique(name, taken | set(planned))
                planned[new] = preset.with_name(new)
        used: set[Path] = set()
        written: list[Preset] = []
        for name, preset in planned.items():
            target = scan.user[name][1] if name in scan.user else self._free_path(name, used)
            used.add(target)
            try:
                self._write(preset, target)
            except PresetError as exc:
                raise PresetError(
                    f"{exc} (imported {len(written)} of {len(planned)} before the error)"
                ) from None
            written.append(preset)
        return written
