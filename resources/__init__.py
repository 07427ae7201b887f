"""Data shipped with ConvGUI: sample images, built-in presets, icons (installed as
convgui.resources)."""
