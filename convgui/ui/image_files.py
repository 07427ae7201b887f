"""The input image in and the output out: a file (from a dialog, the recent files or dropped on
the window), a bundled sample or the clipboard's image in, with an offer to downscale a large
one; the output saved, or copied as an image or as Python that reproduces it.

:class:`ImageFiles` works through the window's public side (``set_image``, ``image``,
``sample``, ``result``, ``model``, ``show_message``, ``show_error``, ``session``), so the window
itself opens and writes no file.
"""

from __future__ import annotations

import dataclasses
import os
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QMimeData, QObject, Signal
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox

from convgui import samples
from convgui.imageio import (
    READ_EXTENSIONS,
    ImageLoadError,
    ImageSaveError,
    LoadedImage,
    block_mean,
    image_from_array,
    load_image,
    save_output,
)
from convgui.render import shown_image
from convgui.snippet import python_snippet

if TYPE_CHECKING:
    from convgui.ui.main_window import MainWindow

#: The bundled sample a new window starts with (and one whose last image cannot be read).
START_SAMPLE = "camera"
#: An image with more pixels than this is offered downscaling when opened or pasted.
LARGE_IMAGE_PIXELS = 16_000_000
SAVE_FILTERS = (
    "PNG image, as shown (*.png);;Raw values, NumPy (*.npy);;Raw values, 32-bit TIFF (*.tif)"
)


class ImageFiles(QObject):
    """Opens the input and saves the output of ``window``, and takes files dropped on it.

    ``recentChanged()`` fires when an opened file has joined the session's recent files.
    """

    recentChanged = Signal()  # noqa: N815 - Qt naming

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    # ------------------------------------------------------------------------------- inputs

    def open_image(self, path: str, interactive: bool = True) -> bool:
        """Load ``path`` as the input; on failure say why and keep the current image. Only
        ``interactive`` opening asks whether to downscale a large image and adds it to the
        recent files (a screenshot has nobody to answer and leaves the session alone)."""
        try:
            image = load_image(path)
        except ImageLoadError as exc:
            self._window.show_error("Cannot open image", str(exc))
            return False
        if interactive:
            image = self._maybe_downscale(image)
        self._window.set_image(image)
        if interactive:
            self._window.session.add_recent(path)
            self.recentChanged.emit()
        return True

    def open_sample(self, name: str) -> bool:
        """Load one of the bundled sample images."""
        try:
            image = samples.load_sample(name)
        except ValueError as exc:  # ImageLoadError too
            self._window.show_error("Cannot open sample", str(exc))
            return False
        self._window.set_image(image, sample=name)
        return True

    def reopen(self, kind: str, source: str) -> None:
        """Open the input of the last window (:meth:`Session.image_source`); the start sample
        when there was none, or when its file cannot be read (saying so)."""
        if kind == "sample" and self.open_sample(source):
            return
        if kind == "file":
            try:
                self._window.set_image(self._maybe_downscale(load_image(source)))
                return
            except ImageLoadError as exc:
                self.open_sample(START_SAMPLE)
                self._window.show_message(f"last image not reopened: {exc}")
                return
        self.open_sample(START_SAMPLE)

    def open_dialog(self) -> None:
        """Ask for an image file and open it."""
        session = self._window.session
        patterns = " ".join(f"*{ext}" for ext in READ_EXTENSIONS)
        path, _ = QFileDialog.getOpenFileName(
            self._window, "Open image", session.last_dir("last_dir"),
            f"Images ({patterns});;All files (*)"
        )
        if path:
            session.set_last_dir("last_dir", path)
            self.open_image(path)

    def paste_image(self) -> None:
        """Use the clipboard's image as the input."""
        qimage = QGuiApplication.clipboard().image()
        if qimage.isNull():
            self._window.show_message("the clipboard holds no image")
            return
        qimage = qimage.convertToFormat(QImage.Format.Format_RGB888)
        buffer = np.frombuffer(qimage.constBits(), dtype=np.uint8)
        rows = buffer.reshape(qimage.height(), qimage.bytesPerLine())
        rgb = rows[:, : qimage.width() * 3].reshape(qimage.height(), qimage.width(), 3)
        try:
            image = image_from_array(rgb.copy())
        except ImageLoadError as exc:
            self._window.show_error("Cannot paste image", str(exc))
            return
        self._window.set_image(self._maybe_downscale(image))

    def _maybe_downscale(self, image: LoadedImage) -> LoadedImage:
        h, w = image.data.shape[:2]
        if h * w <= LARGE_IMAGE_PIXELS:
            return image
        factor = int(np.ceil(np.sqrt(h * w / LARGE_IMAGE_PIXELS)))
        answer = QMessageBox.question(
            self._window,
            "Large image",
            f"This image has {h * w / 1e6:.0f} megapixels; live updates will be slow.\n"
            f"Downscale it by {factor} (to {h // factor}×{w // factor})?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return image
        return dataclasses.replace(image, data=block_mean(image.data, factor), alpha=None,
                                   downscale=factor)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """A local file dragged onto the window is accepted; dropped, it is opened."""
        if watched is self._window and event.type() in (QEvent.Type.DragEnter,
                                                         QEvent.Type.Drop):
            paths = _local_paths(event.mimeData())
            if paths:
                event.acceptProposedAction()
                if event.type() == QEvent.Type.Drop:
                    self.open_image(paths[0])
                return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------------------ outputs

    def save_dialog(self) -> None:
        """Ask where to save the output (PNG as displayed, .npy or .tif raw) and save it."""
        if self._window.result is None:
            self._window.show_message("there is no output to save")
            return
        session = self._window.session
        start = session.last_dir("last_save_dir")
        path, _ = QFileDialog.getSaveFileName(
            self._window, "Save output", os.path.join(start, "output.png"), SAVE_FILTERS
        )
        if path:
            session.set_last_dir("last_save_dir", path)
            self.save_output(path)

    def save_output(self, path: str) -> bool:
        """Save the current output to ``path``; on failure say why (no partial file is left)."""
        result = self._window.result
        if result is None:
            self._window.show_message("there is no output to save")
            return False
        try:
            save_output(path, result.output, shown_image(result.display, result.display_mode))
        except ImageSaveError as exc:
            self._window.show_error("Cannot save output", str(exc))
            return False
        self._window.show_message(f"saved {path}")
        return True

    def copy_output_image(self) -> None:
        """Copy the displayed output to the clipboard."""
        result = self._window.result
        if result is None:
            self._window.show_message("there is no output to copy")
            return
        image = np.ascontiguousarray(shown_image(result.display, result.display_mode))
        grey = QImage.Format.Format_Grayscale8
        colour = QImage.Format.Format_RGB888
        qimage = QImage(image.data, image.shape[1], image.shape[0], image.strides[0],
                        grey if image.ndim == 2 else colour)
        QGuiApplication.clipboard().setImage(qimage.copy())
        self._window.show_message("output image copied")

    def copy_python(self) -> None:
        """Copy a Python snippet reproducing the current result."""
        image, sample = self._window.image, self._window.sample
        path = image.path if image is not None else None
        if sample is not None and path is None:  # a generated sample: its file, if any
            sample_file = samples.sample_path(sample)
            path = str(sample_file) if sample_file.is_file() else None
        snippet = python_snippet(self._window.model.settings, path,
                                 image.data if image is not None else None,
                                 image.downscale if image is not None else 1)
        QGuiApplication.clipboard().setText(snippet)
        self._window.show_message("Python snippet copied to the clipboard")


def _local_paths(mime: QMimeData) -> list[str]:
    """The local files among the URLs of ``mime`` (dragged from a file manager)."""
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
