"""The Qt layer of ConvGUI: widgets, worker thread and models on top of the Qt-free core."""
