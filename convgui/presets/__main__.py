"""``python -m convgui.presets``: regenerate the built-in preset files."""

from convgui.presets.builtin import write_builtin_presets

for written_path in write_builtin_presets():
    print(written_path)
