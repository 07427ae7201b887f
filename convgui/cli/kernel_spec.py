"""What ``--kernel`` names: a library kernel, a preset, a file, a generator call or the
numbers themselves, resolved to a grid, a divisor and any settings a preset saved."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from convgui import kernels, textgrid
from convgui.atomic import describe_os_error, quote_path
from convgui.cli.errors import CLIError, one_line
from convgui.settings import is_finite_number

GRID_EXAMPLE = '"1 2 1; 2 4 2; 1 2 1"'
#: ``convgui apply``'s defaults for the options a preset file may also set (the command line
#: wins, then the file, then these).
APPLY_DEFAULTS: dict[str, Any] = {
    "bias": 0.0, "padding": "valid", "stride": 1, "dilation": 1, "boundary": "constant",
    "cval": 0.0, "flip": False, "channels": "per-channel", "display": "auto",
}


@dataclass(frozen=True)
class KernelChoice:
    """What ``--kernel`` named: the grid, its divisor, and any settings a preset file saved
    with it (keys of :data:`APPLY_DEFAULTS`, as :class:`convgui.settings.Settings` stores them)."""

    grid: np.ndarray
    divisor: float = 1.0
    settings: dict[str, Any] = field(default_factory=dict)


def resolve_kernel(spec: str) -> tuple[np.ndarray, float]:
    """The kernel grid and divisor that ``--kernel spec`` names; the kernel is ``grid / divisor``.

    See :func:`resolve_kernel_choice`, which also returns the settings saved in a preset file.
    """
    choice = resolve_kernel_choice(spec)
    return choice.grid, choice.divisor


def resolve_kernel_choice(spec: str) -> KernelChoice:
    """Resolve ``--kernel spec``. Tried in order:

    1. a library name (:func:`convgui.kernels.get`, tolerant of case, ``_`` and spaces);
    2. a preset name, yours or built-in (see ``convgui presets list``): exactly, else ignoring
       case when only one preset matches; a full preset brings its saved settings too;
    3. a file: ``*.json`` holding a list of rows, ``{"kernel": rows, "divisor": n, ...}`` (a
       ConvGUI preset file, a :meth:`convgui.settings.Settings.to_dict` object, or either
       with the settings under ``"settings"``); any other existing file is read as grid text;
    4. a generator call ``NAME:V1,V2`` or ``NAME:param=V,...`` (``gaussian:7,2.0``);
    5. grid text for :func:`convgui.textgrid.parse_grid` (``"1 2 1; 2 4 2; 1 2 1"``).

    Raises ``ValueError`` with a one-line message; an unknown name gets the library's
    "did you mean" suggestion (and similar preset names).
    """
    if not isinstance(spec, str) or not spec.strip():
        raise CLIError(
            f"the kernel is empty: give a library name, a preset name, a .json file or "
            f"{GRID_EXAMPLE}"
        )
    text = spec.strip()
    try:
        named = kernels.get(text)
    except ValueError as exc:
        name_error = exc
    else:
        return KernelChoice(np.array(named.grid, dtype=np.float64), float(named.divisor))

    preset_names, preset = _find_preset(spec)
    if preset is not None:
        return _preset_choice(preset)
    path = Path(text)
    if path.suffix.lower() == ".json" or _is_file(path):
        return _kernel_from_file(path)
    generator = _generator_kernel(text)
    if generator is not None:
        return KernelChoice(generator)
    similar = "" if "did you mean" in str(name_error) else _similar_presets(text, preset_names)
    if re.fullmatch(r"[A-Za-z_][\w\- ]*", text):  # a name, not numbers: the library's message
        raise CLIError(f"{name_error}{similar}; see 'convgui kernels' and 'convgui presets list'")
    try:
        grid = textgrid.parse_grid(text)
    except ValueError as exc:
        raise CLIError(f"cannot read kernel {_short(text)}: {exc}{similar}") from None
    return KernelChoice(_check_grid(grid, f"kernel {_short(text)}"))


def _find_preset(spec: str) -> tuple[list[str], Any]:
    """(every preset name, the preset ``spec`` names or ``None``): an exact name (as given or
    without surrounding spaces), else the only name equal to it ignoring case."""
    from convgui.presets import PresetStore  # imports the engine (SciPy): only when needed

    store = PresetStore()
    presets = {p.name: p for p in store.list()[0]}
    for candidate in (spec, spec.strip()):
        if candidate in presets:
            return list(presets), presets[candidate]
    folded = spec.strip().casefold()
    matches = [name for name in presets if name.casefold() == folded]
    return list(presets), presets[matches[0]] if len(matches) == 1 else None


def _similar_presets(text: str, names: list[str]) -> str:
    """``"; presets with a similar name: 'A', 'B'"``, or ``""``."""
    import difflib

    by_fold: dict[str, str] = {}
    for name in names:
        by_fold.setdefault(name.casefold(), name)
    close = difflib.get_close_matches(text.casefold(), list(by_fold), n=3, cutoff=0.75)
    if not close:
        return ""
    return "; presets with a similar name: " + ", ".join(repr(by_fold[c]) for c in close)


def _preset_choice(preset: Any) -> KernelChoice:
    """The grid, divisor and settings (bias, and all the others for a full preset) of a
    :class:`convgui.presets.Preset`."""
    settings: dict[str, Any] = {"bias": preset.bias}
    if preset.settings is not None:
        settings.update({k: v for k, v in preset.settings.items() if k in APPLY_DEFAULTS})
    return KernelChoice(np.array(preset.kernel, dtype=np.float64), float(preset.divisor),
                        settings)


def _short(text: str, limit: int = 40) -> str:
    one_line = " ".join(text.split())
    return repr(one_line if len(one_line) <= limit else one_line[: limit - 1] + "…")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _kernel_from_file(path: Path) -> KernelChoice:
    shown = quote_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CLIError(f"cannot read kernel file {shown}: not a text file") from None
    except OSError as exc:
        raise CLIError(
            f"cannot read kernel file {shown}: {describe_os_error(exc, reading=True)}"
        ) from None
    if path.suffix.lower() != ".json":
        try:
            grid = textgrid.parse_grid(text)
        except ValueError as exc:
            raise CLIError(f"cannot read kernel file {shown}: {exc}") from None
        return KernelChoice(_check_grid(grid, f"kernel file {shown}"))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CLIError(
            f"cannot read kernel file {shown}: invalid JSON ({exc.msg}, line {exc.lineno})"
        ) from None
    return _kernel_from_json(data, shown)


def _kernel_from_json(data: Any, shown: str) -> KernelChoice:
    where = f"kernel file {shown}"
    if isinstance(data, list):
        return KernelChoice(_check_grid(data, where))
    nested = data.get("settings") if isinstance(data, dict) else None
    if nested is not None and not isinstance(nested, dict):
        raise CLIError(f"cannot use {where}: \"settings\" must be an object")
    nested = nested or {}
    source = data if isinstance(data, dict) and "kernel" in data else nested
    if "kernel" not in source:
        raise CLIError(
            f"cannot use {where}: expected a list of rows or an object with a \"kernel\" entry"
        )
    rows = source["kernel"]
    if isinstance(rows, str):
        try:
            rows = textgrid.parse_grid(rows)
        except ValueError as exc:
            raise CLIError(f"cannot use {where}: kernel: {exc}") from None
    divisor = source.get("divisor", 1)
    if isinstance(divisor, str):
        try:
            divisor = textgrid.parse_number(divisor)
        except ValueError as exc:
            raise CLIError(f"cannot use {where}: divisor: {exc}") from None
    if isinstance(divisor, bool) or not isinstance(divisor, (int, float)):
        raise CLIError(f"cannot use {where}: divisor must be a number, got {divisor!r}")
    check_divisor(divisor, where)
    grid = _check_grid(rows, where)
    saved = {k: v for k, v in {**nested, **data}.items() if k in APPLY_DEFAULTS}
    return KernelChoice(grid, float(divisor), _saved_settings(saved, where))


def _saved_settings(saved: dict[str, Any], where: str) -> dict[str, Any]:
    """The settings a preset file holds, validated and normalised by :class:`Settings`."""
    if not saved:
        return {}
    from convgui.settings import Settings  # imports the engine (SciPy): only for preset files

    try:
        settings = Settings.from_dict({"kernel": [[1]], **saved})
    except (ValueError, TypeError) as exc:
        raise CLIError(f"cannot use {where}: {one_line(exc)}") from None
    return {key: getattr(settings, key) for key in saved}


def _check_grid(rows: Any, where: str) -> np.ndarray:
    """Rows of finite numbers, all the same length, as a float64 array (else CLIError)."""
    if not isinstance(rows, (list, tuple)) or not rows:
        raise CLIError(f"cannot use {where}: the kernel must be a non-empty list of rows")
    width = None
    for r, row in enumerate(rows, start=1):
        if not isinstance(row, (list, tuple)) or not row:
            raise CLIError(f"cannot use {where}: row {r} must be a non-empty list of numbers")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise CLIError(f"cannot use {where}: row {r} has {len(row)} values, expected {width}")
        for c, v in enumerate(row, start=1):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise CLIError(f"cannot use {where}: row {r}, column {c} is not a number")
            if not is_finite_number(v):
                raise CLIError(f"cannot use {where}: row {r}, column {c}: NaN/inf not allowed")
    return np.array(rows, dtype=np.float64)


def check_divisor(divisor: float, where: str) -> None:
    """Refuse a zero or non-finite divisor (CLIError naming ``where``)."""
    if divisor == 0 or not is_finite_number(divisor):
        raise CLIError(f"cannot use {where}: the divisor must be a finite number other than 0")


def _generator_kernel(text: str) -> np.ndarray | None:
    """``NAME:ARGS`` for a generator, or None when ``text`` does not look like one."""
    match = re.fullmatch(r"([A-Za-z][\w\- ]*?)\s*:\s*(.*)", text, re.DOTALL)
    if match is None:
        return None
    name = match.group(1).strip().lower().replace("-", "_").replace(" ", "_")
    spec = kernels.GENERATORS.get(name)
    if spec is None:
        import difflib

        close = difflib.get_close_matches(name, kernels.GENERATORS, n=2, cutoff=0.6)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        raise CLIError(
            f"unknown kernel generator {match.group(1).strip()!r}; {hint}"
            f"generators: {', '.join(kernels.GENERATORS)}; see 'convgui kernels'"
        )
    params: dict[str, float] = {}
    order = [p.name for p in spec.params]
    args = [a.strip() for a in match.group(2).split(",")] if match.group(2).strip() else []
    for i, arg in enumerate(args):
        key, sep, value = arg.partition("=")
        if sep:
            key = key.strip()
        elif i < len(order):
            key, value = order[i], arg
        else:
            raise CLIError(
                f"kernel generator {name} takes at most {len(order)} values "
                f"({', '.join(order)}), got {len(args)}"
            )
        try:
            params[key] = textgrid.parse_number(value)
        except ValueError as exc:
            raise CLIError(f"kernel generator {name}: {key}: {exc}") from None
    if name == "box" and "h" in params and "w" not in params:
        params["w"] = params["h"]  # "box:5" is 5×5, as kernels.box(5)
    try:
        return np.asarray(spec.make(**params), dtype=np.float64)
    except ValueError as exc:
        raise CLIError(f"kernel generator {name}: {exc}") from None
