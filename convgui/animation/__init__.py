"""Sliding-window animations without Qt: :mod:`~convgui.animation.frames` (the frame model),
:mod:`~convgui.animation.draw` (palette images, SVG, PDF pages) and
:mod:`~convgui.animation.writers` (GIF, APNG, PNG/SVG frames, PDF; atomic) and
:mod:`~convgui.animation.request` (what the window's exporter asks of a panel). The command is
``convgui animate`` (:mod:`convgui.cli.animate`)."""
