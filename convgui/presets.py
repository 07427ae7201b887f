"""Kernel presets: named kernels (optionally with all other settings) saved as JSON files.

Pure standard library + NumPy; imports no Qt, so it works headless and from the CLI.

A :class:`Preset` is a name (any Unicode text), the kernel grid as entered (integers stay
integers) with its divisor and bias, a one-line description, tags, and optionally the full
non-kernel settings (padding, stride, dilation, boundary, cval, flip, channels, display).
:meth:`Preset.apply_to` restores exactly what was saved; a kernel-only preset replaces only
kernel, divisor and bias.

File format (see ``docs/presets.md``): one human-readable JSON document per preset,
``{"format": "convgui-preset", "version": 1, ...}``, the kernel written one row per line; a
collection file ``{"format": "convgui-preset-collection", "version": 1, "presets": [...]}``
holds several. Every read is validated; every failure is a :class:`PresetError` (a
``ValueError``) with a one-line message, never another exception type.

:class:`PresetStore` manages the read-only built-in presets (``resources/presets``) and the
user's presets (one file per preset in :func:`user_presets_dir`). Writes are atomic
(:func:`convgui.atomic.atomic_write`); a corrupt, unreadable or newer file is reported as a
:class:`BrokenPreset` and never deleted or overwritten.

Regenerate the built-in files with ``python -m convgui.presets``.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import importlib.resources
import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from convgui.atomic import AtomicWriteError, atomic_write, describe_os_error, quote_path
from convgui.kernels import LIBRARY, dilate
from convgui.settings import Grid, Settings

__all__ = [
    "COLLECTION_FORMAT",
    "FORMAT",
    "SETTING_KEYS",
    "VERSION",
    "BrokenPreset",
    "Preset",
    "PresetError",
    "PresetExists",
    "PresetStore",
    "builtin_presets",
    "builtin_presets_dir",
    "collection_to_json",
    "preset_filename",
    "presets_from_json",
    "read_preset_file",
    "user_presets_dir",
    "write_builtin_presets",
]

FORMAT = "convgui-preset"
COLLECTION_FORMAT = "convgui-preset-collection"
VERSION = 1

#: The non-kernel settings a full preset stores, in file order.
SETTING_KEYS = ("padding", "stride", "dilation", "boundary", "cval", "flip", "channels", "display")

#: Files larger than this are refused without being parsed (a preset is a few hundred bytes).
MAX_FILE_BYTES = 16 * 1024 * 1024

_MAX_MESSAGE = 400
_CONFLICT_MODES = ("keep-both", "replace", "skip")
_PRESET_KEYS = (
    "format", "version", "name", "description", "tags", "kernel", "divisor", "bias", "settings",
)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class PresetError(ValueError):
    """Any preset problem. ``str(error)`` is one line for the user (at most ~400 characters)."""

    def __init__(self, message: object = "") -> None:
        text = " ".join(str(message).splitlines())
        if len(text) > _MAX_MESSAGE:
            text = text[: _MAX_MESSAGE - 1] + "…"
        super().__init__(text)


class PresetExists(PresetError):
    """Saving would replace an existing preset and ``overwrite`` was not given."""


def _shown(name: str, limit: int = 60) -> str:
    """``name`` quoted for a message: repr-escaped (one line) and shortened."""
    if len(name) > limit:
        name = name[: limit - 1] + "…"
    return repr(name)


def _json_type(value: Any) -> str:
    """How a JSON value's type reads in a message: ``a string``, ``a list``, ``null``..."""
    if value is None:
        return "null"
    if isinstance(value, _NonFinite):
        return "a number"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, np.number)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


# --------------------------------------------------------------------------------------------
# The preset value object
# --------------------------------------------------------------------------------------------

_BAD_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _check_text(value: Any, what: str, *, allow_empty: bool) -> str:
    if not isinstance(value, str):
        raise PresetError(f"{what} must be a string, got {_json_type(value)}")
    if not allow_empty and not value.strip():
        raise PresetError(f"{what} must not be empty")
    for ch in value:
        if unicodedata.category(ch) in _BAD_CATEGORIES:
            raise PresetError(
                f"{what} must be one line without control characters (found U+{ord(ch):04X})"
            )
    return value


def _number_field(value: Any, what: str) -> float:
    if isinstance(value, _NonFinite):
        raise PresetError(f"{what} is {value.text}: NaN/inf not allowed")
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise PresetError(f"{what} must be a number, got {_json_type(value)}")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # a huge Python int
        finite = False
    if not finite:
        raise PresetError(f"{what} is {value}: NaN/inf not allowed")
    return value


def _check_cells(kernel: Any) -> None:
    """Report a NaN/Infinity cell read from JSON by its position (the grid's other problems
    are left to :class:`Settings`)."""
    if not isinstance(kernel, (list, tuple)):
        return
    for r, row in enumerate(kernel, start=1):
        if isinstance(row, (list, tuple)):
            for c, value in enumerate(row, start=1):
                if isinstance(value, _NonFinite):
                    raise PresetError(f"cell ({r}, {c}) is {value.text}: NaN/inf not allowed")


def _whole_numbers(value: Any, depth: int) -> bool:
    """Whether ``value`` is an int (not a bool) or a list/tuple of such, nested ≤ ``depth``."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return True
    if depth > 0 and isinstance(value, (list, tuple)) and value:
        return all(_whole_numbers(v, depth - 1) for v in value)
    return False


def _normalise_settings(value: Any) -> Mapping[str, Any] | None:
    """The non-kernel settings, completed with defaults and frozen; ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, Settings):
        return MappingProxyType({k: getattr(value, k) for k in SETTING_KEYS})
    if not isinstance(value, Mapping):
        raise PresetError(f"settings must be an object or null, got {_json_type(value)}")
    unknown = [k for k in value if k not in SETTING_KEYS]
    if unknown:
        shown = ", ".join(_shown(str(k), 30) for k in unknown[:5])
        raise PresetError(
            f"settings: unknown setting(s) {shown}; known: {', '.join(SETTING_KEYS)}"
        )
    values = dict(value)
    for key in ("stride", "dilation"):
        if isinstance(values.get(key), list):
            values[key] = tuple(values[key])
    if "cval" in values:
        _number_field(values["cval"], "settings.cval")
    for key in ("boundary", "channels", "display"):
        if key in values and not isinstance(values[key], str):
            raise PresetError(f"settings: {key} must be a string, got {_json_type(values[key])}")
    for key in ("stride", "dilation"):
        if key in values and not _whole_numbers(values[key], depth=1):
            raise PresetError(
                f"settings: {key} must be a whole number or a pair [rows, cols], got "
                f"{_json_type(values[key])}"
            )
    if "flip" in values and not isinstance(values["flip"], (bool, np.bool_)):
        raise PresetError(f"settings: flip must be true or false, got {_json_type(values['flip'])}")
    if "padding" in values and not isinstance(values["padding"], str) \
            and not _whole_numbers(values["padding"], depth=2):
        raise PresetError(
            "settings: padding must be valid, same, full or whole numbers "
            f"((top, bottom), (left, right)), got {_json_type(values['padding'])}"
        )
    try:
        full = Settings(**values)
    except (ValueError, TypeError, OverflowError) as exc:
        raise PresetError(f"settings: {exc}") from None
    return MappingProxyType({k: getattr(full, k) for k in SETTING_KEYS})


@dataclass(frozen=True)
class Preset:
    """A named kernel, optionally with the full settings. Immutable; validated on construction.

    * ``name``: any Unicode text with a non-space character and no control characters or line
      breaks. Names are exact: ``"Edge"`` and ``"edge"`` are two presets.
    * ``kernel``: the grid as entered (1..31 per side, finite numbers; whole numbers are kept as
      ints); lists and NumPy arrays are accepted and frozen into a tuple of tuples.
    * ``divisor`` (non-zero) and ``bias``: finite numbers.
    * ``description``: one line (may be empty). ``tags``: non-empty one-line strings.
    * ``settings``: ``None`` for a kernel-only preset, else a read-only mapping of every key in
      :data:`SETTING_KEYS` (a partial mapping is completed with :class:`Settings` defaults;
      a :class:`Settings` object is accepted too). Values are as :class:`Settings` stores them
      (tuples, not lists).
    * ``builtin``: set by the store for read-only built-ins; not serialised, not compared.

    Invalid values raise :class:`PresetError`.
    """

    name: str
    kernel: Grid
    divisor: float = 1
    bias: float = 0
    description: str = ""
    tags: tuple[str, ...] = ()
    settings: Mapping[str, Any] | None = None
    builtin: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        put = object.__setattr__
        _check_text(self.name, "name", allow_empty=False)
        _check_text(self.description, "description", allow_empty=True)
        _number_field(self.divisor, "divisor")
        _number_field(self.bias, "bias")
        _check_cells(self.kernel)
        try:
            core = Settings(kernel=self.kernel, divisor=self.divisor, bias=self.bias)
        except (ValueError, TypeError, OverflowError) as exc:
            raise PresetError(str(exc)) from None
        put(self, "kernel", core.kernel)
        put(self, "divisor", core.divisor)
        put(self, "bias", core.bias)
        tags = self.tags
        if isinstance(tags, str) or not isinstance(tags, (list, tuple)):
            raise PresetError(f"tags must be a list of strings, got {_json_type(tags)}")
        for i, tag in enumerate(tags, start=1):
            _check_text(tag, f"tag {i}", allow_empty=False)
        put(self, "tags", tuple(tags))
        put(self, "settings", _normalise_settings(self.settings))
        put(self, "builtin", bool(self.builtin))

    def __hash__(self) -> int:
        settings = None if self.settings is None else tuple(self.settings.items())
        return hash((self.name, self.kernel, self.divisor, self.bias, self.description,
                     self.tags, settings))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle/deepcopy support (the read-only settings mapping cannot be pickled)."""
        settings = None if self.settings is None else dict(self.settings)
        return (Preset, (self.name, self.kernel, self.divisor, self.bias, self.description,
                         self.tags, settings, self.builtin))

    @property
    def kernel_only(self) -> bool:
        """True when applying the preset changes only kernel, divisor and bias."""
        return self.settings is None

    @classmethod
    def from_settings(
        cls,
        name: str,
        settings: Settings,
        description: str = "",
        tags: Iterable[str] = (),
        include_settings: bool = False,
    ) -> Preset:
        """A preset of ``settings``' kernel/divisor/bias, plus everything else if
        ``include_settings``."""
        return cls(
            name=name, kernel=settings.kernel, divisor=settings.divisor, bias=settings.bias,
            description=description, tags=tuple(tags),
            settings=settings if include_settings else None,
        )

    def apply_to(self, settings: Settings) -> Settings:
        """``settings`` with this preset applied.

        Kernel-only: a copy of ``settings`` with kernel, divisor and bias replaced and nothing
        else touched. Full: exactly the saved settings (``settings`` is ignored).
        """
        if self.settings is None:
            return settings.replace(kernel=self.kernel, divisor=self.divisor, bias=self.bias)
        return Settings(kernel=self.kernel, divisor=self.divisor, bias=self.bias,
                        **self.settings)

    def with_name(self, name: str) -> Preset:
        """A (user, not built-in) copy under another name."""
        return dataclasses.replace(self, name=name, builtin=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the file's fields, ``format`` and ``version`` included)."""
        data: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "name": self.name,
            "description": self.description,
            "tags": list(self.tags),
            "kernel": [list(row) for row in self.kernel],
            "divisor": self.divisor,
            "bias": self.bias,
        }
        if self.settings is not None:
            data["settings"] = {k: _jsonable(self.settings[k]) for k in SETTING_KEYS}
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Preset:
        """Validate one parsed preset object (as in a file or a collection entry).

        ``format`` and ``version`` may be omitted (collection entries) but must be right when
        given. Unknown fields are an error. Raises :class:`PresetError`.
        """
        if not isinstance(data, Mapping):
            raise PresetError(f"a preset must be a JSON object, got {_json_type(data)}")
        if "format" in data:
            _check_format(data["format"], FORMAT)
        if "version" in data:
            _check_version(data["version"])
        unknown = [k for k in data if k not in _PRESET_KEYS]
        if unknown:
            shown = ", ".join(_shown(str(k), 30) for k in unknown[:5])
            raise PresetError(f"unknown field(s) {shown}; known: {', '.join(_PRESET_KEYS)}")
        for key in ("name", "kernel"):
            if key not in data:
                raise PresetError(f"missing {key}")
        tags = data.get("tags", [])
        if not isinstance(tags, list):
            raise PresetError(f"tags must be a list of strings, got {_json_type(tags)}")
        return cls(
            name=data["name"], kernel=data["kernel"], divisor=data.get("divisor", 1),
            bias=data.get("bias", 0), description=data.get("description", ""),
            tags=tuple(tags), settings=data.get("settings"),
        )

    def to_json(self) -> str:
        """The preset file's text: indented JSON, one kernel row per line, final newline."""
        return _dump(self.to_dict(), 0) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Preset:
        """Parse and validate a single-preset document. Raises :class:`PresetError` only."""
        presets, is_collection = _parse_document(text)
        if is_collection:
            raise PresetError(
                "this is a preset collection, not a single preset: import it instead"
            )
        return presets[0]


@dataclass(frozen=True)
class BrokenPreset:
    """A file in a presets folder that could not be read as a preset (left untouched)."""

    path: Path
    reason: str


# --------------------------------------------------------------------------------------------
# Writing: a small pretty-printer (one kernel row per line)
# --------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _inline(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return _scalar(value)


def _dump(value: Any, level: int) -> str:
    """Objects one key per line; ``kernel`` and ``presets`` one item per line; other lists
    (tags, stride, padding...) inline."""
    pad = "  " * (level + 1)
    end = "  " * level
    items = []
    for key, item in value.items():
        if isinstance(item, dict):
            text = _dump(item, level + 1)
        elif key in ("kernel", "presets") and item:
            parts = [_dump(v, level + 2) if isinstance(v, dict) else _inline(v) for v in item]
            inner = "  " * (level + 2)
            text = "[\n" + ",\n".join(inner + p for p in parts) + "\n" + pad + "]"
        else:
            text = _inline(item)
        items.append(f"{pad}{_scalar(key)}: {text}")
    return "{\n" + ",\n".join(items) + "\n" + end + "}"


def collection_to_json(presets: Iterable[Preset]) -> str:
    """A collection document holding ``presets`` in order (each entry a full preset object)."""
    data = {
        "format": COLLECTION_FORMAT,
        "version": VERSION,
        "presets": [p.to_dict() for p in presets],
    }
    return _dump(data, 0) + "\n"


# --------------------------------------------------------------------------------------------
# Reading and validation
# --------------------------------------------------------------------------------------------


class _NonFinite:
    """Stands in for NaN, ±Infinity and out-of-range numbers while parsing, so the validator
    can say where they are."""

    def __init__(self, text: str) -> None:
        self.text = text if len(text) <= 20 else text[:19] + "…"

    def __repr__(self) -> str:
        return self.text


class _Duplicate(ValueError):
    pass


def _parse_float(text: str) -> float | _NonFinite:
    value = float(text)
    return value if math.isfinite(value) else _NonFinite(text)


def _parse_int(text: str) -> int | _NonFinite:
    try:
        value = int(text)
        float(value)
    except (ValueError, OverflowError):  # over 4300 digits, or beyond the float range
        return _NonFinite(text)
    return value


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Duplicate(f"duplicate key {_shown(key, 40)} in a JSON object")
        result[key] = value
    return result


def _check_format(value: Any, expected: str) -> None:
    if value != expected:
        shown = _shown(value, 40) if isinstance(value, str) else _json_type(value)
        raise PresetError(f"not a ConvGUI preset (format is {shown}, expected {expected!r})")


def _check_version(value: Any) -> None:
    if isinstance(value, _NonFinite):
        raise PresetError(f"version is {value.text}: NaN/inf not allowed")
    if isinstance(value, bool) or not isinstance(value, int):
        raise PresetError(f"version must be a whole number, got {_json_type(value)}")
    if value > VERSION:
        raise PresetError(f"unknown version {value}: this file was written by a newer ConvGUI")
    if value < VERSION:
        raise PresetError(f"unsupported version {value} (expected {VERSION})")


def _decode(text: str | bytes) -> str:
    if isinstance(text, (bytes, bytearray)):
        try:
            return bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PresetError(f"not UTF-8 text (bad byte at offset {exc.start})") from None
    if not isinstance(text, str):
        raise PresetError(f"expected text, got {type(text).__name__}")
    return text[1:] if text.startswith("\ufeff") else text


def _load_json(text: str) -> Any:
    try:
        return json.loads(
            text, parse_constant=_NonFinite, parse_float=_parse_float, parse_int=_parse_int,
            object_pairs_hook=_pairs,
        )
    except json.JSONDecodeError as exc:
        message = f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        raise PresetError(message) from None
    except _Duplicate as exc:
        raise PresetError(f"invalid preset: {exc}") from None
    except RecursionError:
        raise PresetError("invalid JSON: nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as exc:  # pragma: no cover - defensive
        raise PresetError(f"invalid JSON: {exc}") from None


def _parse_document(text: str | bytes) -> tuple[list[Preset], bool]:
    """(presets, is_collection) of a preset or collection document; :class:`PresetError` only."""
    try:
        data = _load_json(_decode(text))
        if not isinstance(data, dict):
            raise PresetError(
                f"not a ConvGUI preset (expected a JSON object, got {_json_type(data)})"
            )
        if "format" not in data:
            raise PresetError("not a ConvGUI preset (format is missing)")
        if data["format"] == COLLECTION_FORMAT:
            return _parse_collection(data), True
        _check_format(data["format"], FORMAT)
        if "version" not in data:
            raise PresetError("missing version")
        return [Preset.from_dict(data)], False
    except PresetError:
        raise
    except RecursionError:
        raise PresetError("invalid preset: nested too deeply") from None
    except Exception as exc:  # pragma: no cover - the contract: PresetError and nothing else
        raise PresetError(f"invalid preset: {type(exc).__name__}: {exc}") from None


def _parse_collection(data: dict[str, Any]) -> list[Preset]:
    if "version" not in data:
        raise PresetError("missing version")
    _check_version(data["version"])
    unknown = [k for k in data if k not in ("format", "version", "presets")]
    if unknown:
        shown = ", ".join(_shown(str(k), 30) for k in unknown[:5])
        raise PresetError(f"unknown field(s) {shown} in a collection; known: format, version, "
                          "presets")
    if "presets" not in data:
        raise PresetError("missing presets")
    entries = data["presets"]
    if not isinstance(entries, list):
        raise PresetError(f"presets must be a list, got {_json_type(entries)}")
    presets = []
    for i, entry in enumerate(entries, start=1):
        try:
            presets.append(Preset.from_dict(entry))
        except PresetError as exc:
            name = entry.get("name") if isinstance(entry, Mapping) else None
            label = f" ({_shown(name, 40)})" if isinstance(name, str) else ""
            raise PresetError(f"preset {i} of {len(entries)}{label}: {exc}") from None
    return presets


def presets_from_json(text: str | bytes) -> list[Preset]:
    """Every preset in a single-preset or a collection document (validated).

    ``bytes`` are decoded as UTF-8 (a byte-order mark is allowed). Raises :class:`PresetError`
    with a one-line message, and nothing else, for any problem.
    """
    return _parse_document(text)[0]


def _read_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = describe_os_error(exc, reading=True)
        if isinstance(exc, IsADirectoryError):
            reason = "it is a folder"
        raise PresetError(f"cannot read: {reason}") from None
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES
        shown = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit} bytes"
        raise PresetError(f"file is too large (more than {shown})")
    return data


def read_preset_file(path: str | os.PathLike[str]) -> list[Preset]:
    """The presets in a single-preset or collection file. Raises :class:`PresetError` whose
    message is the reason only (the caller knows the path)."""
    return presets_from_json(_read_bytes(Path(path)))


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
    _check_text(name, "name", allow_empty=False)
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
                presets, is_collection = _parse_document(_read_bytes(path))
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
                    path, f"duplicate name {_shown(preset.name)} (also in {other!r})"))
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
        raise PresetError(f"no preset named {_shown(str(name))}")

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
            presets, is_collection = _parse_document(_read_bytes(path))
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
                f"cannot save preset {_shown(preset.name)}: folder {quote_path(folder)} is not "
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
                    f"cannot save preset {_shown(preset.name)}: folder {quote_path(folder)} "
                    f"is not writable ({reason})"
                ) from None
            raise PresetError(
                f"cannot save preset {_shown(preset.name)} to {quote_path(path)}: {reason}"
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
                raise PresetExists(f"a preset named {_shown(preset.name)} already exists")
            path = scan.user[preset.name][1]
        elif preset.name in scan.builtin:
            raise PresetExists(
                f"{_shown(preset.name)} is a built-in preset (read-only): choose another name"
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
                raise PresetError(f"{_shown(name)} is a built-in preset and cannot be deleted")
            raise PresetError(f"no preset named {_shown(str(name))}")
        preset, path = scan.user[name]
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass  # deleted meanwhile by another window or process: the goal is reached
        except OSError as exc:
            raise PresetError(
                f"cannot delete preset {_shown(name)}: {describe_os_error(exc)}"
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
                    f"{_shown(old)} is a built-in preset and cannot be renamed: duplicate it"
                )
            raise PresetError(f"no preset named {_shown(str(old))}")
        preset, old_path = scan.user[old]
        if new == old:
            return preset
        renamed = preset.with_name(new)
        if new in scan.taken():
            raise PresetExists(f"a preset named {_shown(new)} already exists")
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
                f"cannot rename preset {_shown(old)}: {describe_os_error(exc)}"
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
                raise PresetError(f"cannot export: no preset named {_shown(str(name))}")
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


# --------------------------------------------------------------------------------------------
# Built-in presets
# --------------------------------------------------------------------------------------------


def _int_grid(grid: Any) -> list[list[float]]:
    return [[int(v) if float(v).is_integer() else float(v) for v in row]
            for row in np.asarray(grid).tolist()]


def _full(**changes: Any) -> Settings:
    return Settings(**changes)


def _extras() -> list[tuple[str, Preset]]:
    """Classic teaching kernels beyond the library, some with full settings."""
    lap4 = LIBRARY["laplacian-4"].grid
    g5 = [1, 4, 6, 4, 1]
    unsharp = [[-a * b for b in g5] for a in g5]
    unsharp[2][2] = 476
    return [
        ("dilated-laplacian-d2", Preset(
            "Dilated Laplacian (d=2)", _int_grid(lap4),
            description="The 4-neighbour Laplacian with dilation 2: taps two pixels apart, "
                        "so it reacts to coarser detail at no extra cost.",
            tags=("edge", "dilation"), settings=_full(dilation=(2, 2)))),
        ("dilated-laplacian-5x5", Preset(
            "Dilated Laplacian as a 5×5 grid", _int_grid(dilate(lap4, 2)),
            description="The same taps spread out by hand (zeros between them): gives the "
                        "same result as 'Dilated Laplacian (d=2)' with dilation 1.",
            tags=("edge", "dilation"))),
        ("downsample-box-stride2", Preset(
            "Downsample ×2 (box, stride 2)", [[1, 1], [1, 1]], divisor=4,
            description="Average each 2×2 block and keep one value per block: half the width "
                        "and height (average pooling).",
            tags=("stride", "blur"), settings=_full(padding="valid", stride=(2, 2)))),
        ("gaussian-3-stride2", Preset(
            "Blur then downsample ×2 (Gaussian, stride 2)", [[1, 2, 1], [2, 4, 2], [1, 2, 1]],
            divisor=16,
            description="Smooth before taking every second pixel, so fine patterns do not "
                        "alias (compare a zone plate with stride 2 and no blur).",
            tags=("stride", "blur"), settings=_full(stride=(2, 2)))),
        ("shift-right-correlation", Preset(
            "Shift right 1 px (correlation)", [[0, 0, 0], [1, 0, 0], [0, 0, 0]],
            description="Cross-correlation reads the left neighbour, so the picture moves one "
                        "pixel to the right.",
            tags=("basic", "flip"), settings=_full(flip=False))),
        ("shift-left-convolution", Preset(
            "Same kernel flipped: shift left 1 px (true convolution)",
            [[0, 0, 0], [1, 0, 0], [0, 0, 0]],
            description="True convolution rotates the kernel 180°, so the same grid now moves "
                        "the picture one pixel to the left.",
            tags=("basic", "flip"), settings=_full(flip=True))),
        ("emboss-grey", Preset(
            "Emboss on grey (bias 128)", _int_grid(LIBRARY["emboss"].grid), bias=128,
            description="Emboss with 128 added, so flat areas become mid-grey and edges light "
                        "or dark.",
            tags=("stylize", "bias"), settings=_full(display="clip"))),
        ("sobel-x-diverging", Preset(
            "Sobel x (signed colours)", _int_grid(LIBRARY["sobel-x"].grid),
            description="Horizontal gradient shown with a diverging colour map: positive and "
                        "negative edges in different colours.",
            tags=("edge", "gradient", "display"), settings=_full(display="diverging"))),
        ("laplacian-8-abs-luma", Preset(
            "Edge strength on brightness (Laplacian, |value|)",
            _int_grid(LIBRARY["laplacian-8"].grid),
            description="8-neighbour Laplacian on the luma channel, showing the magnitude: "
                        "one grey edge map for a colour photo.",
            tags=("edge", "channels", "display"),
            settings=_full(channels="luma", display="abs"))),
        ("box-9-wrap", Preset(
            "Box blur 9×9, wrap-around boundary", [[1] * 9 for _ in range(9)], divisor=81,
            description="Strong blur with the image treated as a tile: the left edge blends "
                        "with the right edge.",
            tags=("blur", "boundary"), settings=_full(boundary="wrap"))),
        ("box-9-zero", Preset(
            "Box blur 9×9, zero padding", [[1] * 9 for _ in range(9)], divisor=81,
            description="Strong blur padding with zeros (black): the border darkens, unlike "
                        "with reflect.",
            tags=("blur", "boundary"), settings=_full(boundary="constant", cval=0))),
        ("unsharp-mask-5", Preset(
            "Unsharp mask 5×5", unsharp, divisor=256,
            description="Sharpens gently: the image plus the difference between it and a "
                        "Gaussian blur (sums to 1).",
            tags=("sharpen",))),
        ("roberts-x", Preset(
            "Roberts cross (↘)", [[1, 0], [0, -1]],
            description="The smallest diagonal gradient: top-left minus bottom-right.",
            tags=("edge", "gradient"))),
        ("roberts-y", Preset(
            "Roberts cross (↙)", [[0, 1], [-1, 0]],
            description="The other diagonal gradient: top-right minus bottom-left.",
            tags=("edge", "gradient"))),
        ("line-horizontal", Preset(
            "Line detector, horizontal", [[-1, -1, -1], [2, 2, 2], [-1, -1, -1]],
            description="Responds to thin horizontal lines one pixel wide.",
            tags=("edge", "lines"))),
        ("line-vertical", Preset(
            "Line detector, vertical", [[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]],
            description="Responds to thin vertical lines one pixel wide.",
            tags=("edge", "lines"))),
        ("line-diagonal-45", Preset(
            "Line detector, +45°", [[-1, -1, 2], [-1, 2, -1], [2, -1, -1]],
            description="Responds to thin lines rising from bottom-left to top-right.",
            tags=("edge", "lines"))),
        ("kirsch-north", Preset(
            "Kirsch compass (north)", [[5, 5, 5], [-3, 0, -3], [-3, -3, -3]],
            description="Compass edge detector: bright above, dark below.",
            tags=("edge", "gradient"))),
        ("motion-blur-diagonal-5", Preset(
            "Motion blur, diagonal 5×5", [[1 if r == c else 0 for c in range(5)]
                                           for r in range(5)], divisor=5,
            description="Averages along a diagonal line, like a camera moving during the "
                        "exposure.",
            tags=("blur",))),
    ]


def builtin_presets() -> list[tuple[str, Preset]]:
    """``(file stem, preset)`` for every built-in: the kernel library (kernel-only, named by
    title) followed by the teaching extras."""
    result = [
        (key, Preset(k.title, _int_grid(k.grid), divisor=k.divisor,
                     description=k.description, tags=k.tags))
        for key, k in LIBRARY.items()
    ]
    result += _extras()
    return result


def write_builtin_presets(folder: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write every built-in preset as ``<folder>/<stem>.json`` (default
    :func:`builtin_presets_dir`) and return the paths. Other files are left alone."""
    target = Path(folder) if folder is not None else builtin_presets_dir()
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, preset in builtin_presets():
        path = target / f"{stem}.json"
        data = preset.to_json().encode("utf-8")
        atomic_write(path, lambda fh, data=data: fh.write(data))
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for written_path in write_builtin_presets():
        print(written_path)
