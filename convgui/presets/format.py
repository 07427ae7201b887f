"""The preset file format: the :class:`Preset` value object, its validation, and its JSON
(one human-readable document per preset, or a collection; see ``docs/presets.md``).

Every read is validated; every failure is a :class:`PresetError` (a ``ValueError``) with a
one-line message, never another exception type. No Qt here.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from convgui.atomic import describe_os_error
from convgui.settings import Grid, Settings

FORMAT = "convgui-preset"
COLLECTION_FORMAT = "convgui-preset-collection"
VERSION = 1

#: The non-kernel settings a full preset stores, in file order.
SETTING_KEYS = ("padding", "stride", "dilation", "boundary", "cval", "flip", "channels", "display")

#: Files larger than this are refused without being parsed (a preset is a few hundred bytes).
MAX_FILE_BYTES = 16 * 1024 * 1024

_MAX_MESSAGE = 400
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


def shown_name(name: str, limit: int = 60) -> str:
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


def check_text(value: Any, what: str, *, allow_empty: bool) -> str:
    """``value`` as one line of text for field ``what`` (else PresetError)."""
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
        shown = ", ".join(shown_name(str(k), 30) for k in unknown[:5])
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
        check_text(self.name, "name", allow_empty=False)
        check_text(self.description, "description", allow_empty=True)
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
            check_text(tag, f"tag {i}", allow_empty=False)
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
            shown = ", ".join(shown_name(str(k), 30) for k in unknown[:5])
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
        presets, is_collection = parse_document(text)
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
            raise _Duplicate(f"duplicate key {shown_name(key, 40)} in a JSON object")
        result[key] = value
    return result


def _check_format(value: Any, expected: str) -> None:
    if value != expected:
        shown = shown_name(value, 40) if isinstance(value, str) else _json_type(value)
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


def parse_document(text: str | bytes) -> tuple[list[Preset], bool]:
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
        shown = ", ".join(shown_name(str(k), 30) for k in unknown[:5])
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
            label = f" ({shown_name(name, 40)})" if isinstance(name, str) else ""
            raise PresetError(f"preset {i} of {len(entries)}{label}: {exc}") from None
    return presets


def presets_from_json(text: str | bytes) -> list[Preset]:
    """Every preset in a single-preset or a collection document (validated).

    ``bytes`` are decoded as UTF-8 (a byte-order mark is allowed). Raises :class:`PresetError`
    with a one-line message, and nothing else, for any problem.
    """
    return parse_document(text)[0]


def read_file_bytes(path: Path) -> bytes:
    """The bytes of ``path``, refusing files over :data:`MAX_FILE_BYTES` (PresetError only)."""
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
    return presets_from_json(read_file_bytes(Path(path)))
