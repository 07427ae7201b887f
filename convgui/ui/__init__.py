"""The Qt layer of ConvGUI: widgets, worker thread and models on top of the Qt-free core.

pyqtgraph's options are set here, once, before any of its widgets exists: images are indexed
row-major (``array[row, col]``, as NumPy and the engine do) and lines are antialiased.
"""

import pyqtgraph as pg

pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)
