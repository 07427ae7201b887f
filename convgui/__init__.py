"""ConvGUI: a desktop convolution playground.

The core (``engine``, ``shapes``, ``kernels``, ``settings``, ``presets``, ``imageio``) is pure
NumPy/SciPy/Pillow and imports no Qt; the window lives in ``convgui.ui``.
"""

__version__ = "0.1.0"
