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

Modules: :mod:`~convgui.presets.format` (the value object, its validation and its JSON),
:mod:`~convgui.presets.store` (where files live, and the store), :mod:`~convgui.presets.builtin`
(the built-in presets), :mod:`~convgui.presets.library` (the presets' list rows and the store
operations with their messages and undo of deletes, as the window's panel uses them).
"""

from convgui.presets.builtin import builtin_presets, write_builtin_presets
from convgui.presets.format import (
    COLLECTION_FORMAT,
    FORMAT,
    SETTING_KEYS,
    VERSION,
    BrokenPreset,
    Preset,
    PresetError,
    PresetExists,
    collection_to_json,
    presets_from_json,
    read_preset_file,
)
from convgui.presets.store import (
    PresetStore,
    builtin_presets_dir,
    preset_filename,
    user_presets_dir,
)

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
