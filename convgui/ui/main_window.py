"""The ConvGUI main window: panels around the before/after views, wired to one settings model
and one worker thread."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, QMimeData, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from convgui import kernels, samples
from convgui.imageio import (
    READ_EXTENSIONS,
    ImageLoadError,
    ImageSaveError,
    LoadedImage,
    image_from_array,
    load_image,
    save_output,
)
from convgui.settings import Settings
from convgui.snippet import python_snippet
from convgui.ui.app import app_settings
from convgui.ui.kernel_editor import KernelEditor
from convgui.ui.model import SettingsModel
from convgui.ui.params import ParameterPanel
from convgui.ui.shape_panel import ShapePanel
from convgui.ui.views import ImageViews
from convgui.ui.worker import ConvolutionWorker, Result

START_SAMPLE = "camera"
START_KERNEL = "sobel-x"
LARGE_IMAGE_PIXELS = 16_000_000
PROGRESS_DELAY_S = 0.3
MAX_RECENT = 8
SAVE_FILTERS = (
    "PNG image, as shown (*.png);;Raw values, NumPy (*.npy);;Raw values, 32-bit TIFF (*.tif)"
)


class MainWindow(QMainWindow):
    """The playground window. ``first_result_shown`` fires once, when the first result is drawn."""

    first_result_shown = Signal()
    result_shown = Signal(object)  # the Result now on screen

    def __init__(self, restore: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("ConvGUI — convolution playground")
        self.setAcceptDrops(True)
        self._qsettings = app_settings()
        self.model = SettingsModel(Settings(), self)
        self.worker = ConvolutionWorker(self)
        self.image: LoadedImage | None = None
        self.result: Result | None = None
        self._first_shown = False
        self._started_at = 0.0

        self.views = ImageViews(self)
        self.setCentralWidget(self.views)
        self.kernel_editor = KernelEditor(self.model, self)
        self.parameters = ParameterPanel(self.model, self)
        self.shape_panel = ShapePanel(self.model, self)
        self._docks = {
            "kernel": self._dock(
                "Kernel", self.kernel_editor, Qt.DockWidgetArea.LeftDockWidgetArea
            ),
            "parameters": self._dock(
                "Parameters", self.parameters, Qt.DockWidgetArea.RightDockWidgetArea
            ),
            "shape": self._dock(
                "Shape calculator", self.shape_panel, Qt.DockWidgetArea.RightDockWidgetArea
            ),
        }
        self._build_status_bar()
        self._build_menus()
        self._connect()
        self.worker.start()

        restored = restore and self._restore_session()
        if not restored:
            self.model.reset(_kernel_settings(Settings(), START_KERNEL))
            self._set_image(samples.load_sample(START_SAMPLE))

    # -------------------------------------------------------------------------------- building

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.replace(" ", "_"))
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self._shape_label = QLabel()
        self._method_label = QLabel()
        self._hover_label = QLabel()
        self._progress = QProgressBar()
        self._progress.setMaximumWidth(160)
        self._progress.setRange(0, 100)
        self._cancel = QPushButton("Cancel")
        self._cancel.setToolTip("Stop the running computation (Esc)")
        self._cancel.clicked.connect(self.cancel_computation)
        for w in (self._progress, self._cancel):
            w.hide()
        bar.addWidget(self._hover_label, 1)
        for w in (self._progress, self._cancel, self._shape_label, self._method_label):
            bar.addPermanentWidget(w)

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip or text)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(
            self._action(
                "&Open image…",
                self.open_dialog,
                QKeySequence.StandardKey.Open,
                "Open a PNG, JPEG, TIFF or BMP image",
            )
        )
        samples_menu = file_menu.addMenu("Open &sample")
        for name, description in samples.list_samples():
            samples_menu.addAction(
                self._action(
                    name.replace("_", " "),
                    lambda _=False, n=name: self.open_sample(n),
                    tip=description,
                )
            )
        self._recent_menu = file_menu.addMenu("Open &recent")
        self._refresh_recent_menu()
        file_menu.addAction(
            self._action(
                "&Paste image",
                self.paste_image,
                "Ctrl+Shift+V",
                "Use the image on the clipboard as the input",
            )
        )
        file_menu.addSeparator()
        file_menu.addAction(
            self._action(
                "&Save output…",
                self.save_dialog,
                QKeySequence.StandardKey.Save,
                "Save the output as PNG (as shown), .npy or 32-bit TIFF (raw)",
            )
        )
        file_menu.addAction(
            self._action(
                "Copy output &image",
                self.copy_output_image,
                "Ctrl+Shift+C",
                "Copy the output, as shown, to the clipboard",
            )
        )
        file_menu.addAction(
            self._action(
                "Copy as &Python",
                self.copy_python,
                "Ctrl+Alt+C",
                "Copy a Python snippet that reproduces this result",
            )
        )
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))

        edit_menu = menus.addMenu("&Edit")
        edit_menu.addAction(self.kernel_editor.undo_action)
        edit_menu.addAction(self.kernel_editor.redo_action)
        edit_menu.addSeparator()
        self._patch_action = self._action(
            "&Kernel from image region",
            self.views.set_patch_mode,
            "Ctrl+K",
            "Drag a rectangle on the input: that patch becomes the kernel (template matching)",
        )
        self._patch_action.setCheckable(True)
        edit_menu.addAction(self._patch_action)
        self._zero_mean_action = QAction("Zero-mean patch kernels", self, checkable=True)
        self._zero_mean_action.setChecked(True)
        self._zero_mean_action.setToolTip(
            "Subtract the patch's mean so flat regions give 0 and the match stands out"
        )
        edit_menu.addAction(self._zero_mean_action)
        cancel = self._action("Cancel computation", self.cancel_computation, "Esc")
        self.addAction(cancel)

        view_menu = menus.addMenu("&View")
        for dock in self._docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addAction(self._action("Reset layout", self.reset_layout))

    def _connect(self) -> None:
        self.model.changed.connect(self._recompute)
        self.worker.resultReady.connect(self._on_result)
        self.worker.failed.connect(self._on_failed)
        self.worker.progress.connect(self._on_progress)
        self.worker.cancelled.connect(self._on_cancelled)
        self.views.hoverText.connect(self._hover_label.setText)
        self.views.patchSelected.connect(self._use_patch)
        for widget in (self.kernel_editor, self.parameters, self.views):
            if hasattr(widget, "message"):
                widget.message.connect(self.show_message)

    # ------------------------------------------------------------------------------- computing

    def _recompute(self, *_args) -> None:
        if self.image is None:
            return
        self._started_at = time.perf_counter()
        self.worker.submit(self.image.data, self.image.value_range, self.model.settings)

    def _is_current(self, seq: int) -> bool:
        return seq == self.worker.latest_seq

    def _on_result(self, result: Result) -> None:
        if not self._is_current(result.seq):
            return
        self.result = result
        self._hide_progress()
        self.views.set_result(result)
        h, w = result.output.shape[:2]
        c = f"×{result.output.shape[2]}" if result.output.ndim == 3 else ""
        ih, iw = self.image.data.shape[:2] if self.image is not None else (0, 0)
        ic = (
            f"×{self.image.data.shape[2]}"
            if self.image is not None and self.image.data.ndim == 3
            else ""
        )
        self._shape_label.setText(f"{ih}×{iw}{ic} → {h}×{w}{c}")
        self._method_label.setText(f"{result.method} · {result.seconds * 1000:.0f} ms")
        if result.nonfinite:
            self.show_message(
                f"{result.nonfinite} output values are NaN or infinite "
                "(the kernel's values are too large)"
            )
        self.result_shown.emit(result)
        if not self._first_shown:
            self._first_shown = True
            self.first_result_shown.emit()

    def _on_failed(self, seq: int, message: str, is_shape_error: bool) -> None:
        if not self._is_current(seq):
            return
        self._hide_progress()
        self.result = None
        self.views.show_message(message)
        self._method_label.setText("no output" if is_shape_error else "error")
        self.show_message(message)

    def _on_progress(self, seq: int, fraction: float) -> None:
        if not self._is_current(seq) or fraction >= 1.0:
            return
        if time.perf_counter() - self._started_at > PROGRESS_DELAY_S:
            self._progress.setValue(int(fraction * 100))
            self._progress.show()
            self._cancel.show()

    def _on_cancelled(self, seq: int) -> None:
        if self._is_current(seq):
            self._hide_progress()
            self.show_message("computation cancelled")

    def _hide_progress(self) -> None:
        self._progress.hide()
        self._cancel.hide()

    def cancel_computation(self) -> None:
        """Stop the running computation (the last result stays on screen)."""
        self.worker.cancel()

    def show_message(self, text: str) -> None:
        """A transient message in the status bar."""
        self.statusBar().showMessage(text, 8000)

    # ---------------------------------------------------------------------------------- images

    def _set_image(self, image: LoadedImage) -> None:
        self.image = image
        self.views.set_input(image.data, image.value_range)
        self.shape_panel.set_input_shape(image.data.shape)
        name = Path(image.path).name if image.path else "pasted image"
        self.setWindowTitle(f"{name} — ConvGUI")
        self._recompute()

    def open_image(self, path: str) -> bool:
        """Load ``path`` as the input; on failure say why and keep the current image."""
        try:
            image = load_image(path)
        except ImageLoadError as exc:
            self._error("Cannot open image", str(exc))
            return False
        image = self._maybe_downscale(image)
        self._set_image(image)
        self._add_recent(os.path.abspath(path))
        return True

    def open_sample(self, name: str) -> None:
        """Load one of the bundled sample images."""
        try:
            self._set_image(samples.load_sample(name))
        except ImageLoadError as exc:
            self._error("Cannot open sample", str(exc))

    def open_dialog(self) -> None:
        """Ask for an image file and open it."""
        patterns = " ".join(f"*{ext}" for ext in READ_EXTENSIONS)
        start = str(self._qsettings.value("last_dir", ""))
        path, _ = QFileDialog.getOpenFileName(
            self, "Open image", start, f"Images ({patterns});;All files (*)"
        )
        if path:
            self._qsettings.setValue("last_dir", os.path.dirname(path))
            self.open_image(path)

    def paste_image(self) -> None:
        """Use the clipboard's image as the input."""
        qimage = QGuiApplication.clipboard().image()
        if qimage.isNull():
            self.show_message("the clipboard holds no image")
            return
        qimage = qimage.convertToFormat(QImage.Format.Format_RGB888)
        buffer = np.frombuffer(qimage.constBits(), dtype=np.uint8)
        rows = buffer.reshape(qimage.height(), qimage.bytesPerLine())
        rgb = rows[:, : qimage.width() * 3].reshape(qimage.height(), qimage.width(), 3)
        self._set_image(image_from_array(rgb.copy()))

    def _maybe_downscale(self, image: LoadedImage) -> LoadedImage:
        h, w = image.data.shape[:2]
        if h * w <= LARGE_IMAGE_PIXELS:
            return image
        factor = int(np.ceil(np.sqrt(h * w / LARGE_IMAGE_PIXELS)))
        answer = QMessageBox.question(
            self,
            "Large image",
            f"This image has {h * w / 1e6:.0f} megapixels; live updates will be slow.\n"
            f"Downscale it by {factor} (to {h // factor}×{w // factor})?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return image
        return dataclasses.replace(image, data=_block_mean(image.data, factor), alpha=None)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if _local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        paths = _local_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.open_image(paths[0])

    def _add_recent(self, path: str) -> None:
        recent = [p for p in self._recent() if p != path]
        self._qsettings.setValue("recent", json.dumps([path, *recent][:MAX_RECENT]))
        self._refresh_recent_menu()

    def _recent(self) -> list[str]:
        try:
            value = json.loads(str(self._qsettings.value("recent", "[]")))
        except ValueError:
            return []
        return [p for p in value if isinstance(p, str)] if isinstance(value, list) else []

    def _refresh_recent_menu(self) -> None:
        self._recent_menu.clear()
        for path in self._recent():
            self._recent_menu.addAction(
                self._action(path, lambda _=False, p=path: self.open_image(p))
            )
        self._recent_menu.setEnabled(bool(self._recent()))

    # --------------------------------------------------------------------------------- kernels

    def apply_kernel_name(self, name: str) -> bool:
        """Use a library kernel by name (e.g. ``sobel-x``); False with a message if unknown."""
        try:
            self.model.set(_kernel_settings(self.model.settings, name), f"Kernel {name}")
        except ValueError as exc:
            self._error("Unknown kernel", str(exc))
            return False
        return True

    def _use_patch(self, patch: np.ndarray) -> None:
        kernel = patch.astype(np.float64)
        if self._zero_mean_action.isChecked():
            kernel = kernel - kernel.mean()
        scale = float(np.abs(kernel).sum()) or 1.0
        self.model.edit(
            "Kernel from image region",
            kernel=np.round(kernel / scale, 6),
            divisor=1,
            bias=0,
            display="auto",
        )
        self._patch_action.setChecked(False)
        self.views.set_patch_mode(False)

    # --------------------------------------------------------------------------------- output

    def save_dialog(self) -> None:
        """Ask where to save the output (PNG as displayed, .npy or .tif raw) and save it."""
        if self.result is None:
            self.show_message("there is no output to save")
            return
        start = str(self._qsettings.value("last_save_dir", ""))
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save output",
            os.path.join(start, "output.png"),
            SAVE_FILTERS,
        )
        if path:
            self._qsettings.setValue("last_save_dir", os.path.dirname(path))
            self.save_output(path)

    def save_output(self, path: str) -> bool:
        """Save the current output to ``path``; on failure say why (no partial file is left)."""
        if self.result is None:
            return False
        try:
            save_output(path, self.result.output, self.result.display)
        except ImageSaveError as exc:
            self._error("Cannot save output", str(exc))
            return False
        self.show_message(f"saved {path}")
        return True

    def copy_output_image(self) -> None:
        """Copy the displayed output to the clipboard."""
        if self.result is None:
            return
        image = np.ascontiguousarray(self.result.display)
        if image.ndim == 2:
            qimage = QImage(
                image.data,
                image.shape[1],
                image.shape[0],
                image.strides[0],
                QImage.Format.Format_Grayscale8,
            )
        else:
            qimage = QImage(
                image.data,
                image.shape[1],
                image.shape[0],
                image.strides[0],
                QImage.Format.Format_RGB888,
            )
        QGuiApplication.clipboard().setImage(qimage.copy())
        self.show_message("output image copied")

    def copy_python(self) -> None:
        """Copy a Python snippet reproducing the current result."""
        path = self.image.path if self.image is not None else None
        QGuiApplication.clipboard().setText(python_snippet(self.model.settings, path))
        self.show_message("Python snippet copied to the clipboard")

    # -------------------------------------------------------------------------- session state

    def _restore_session(self) -> bool:
        geometry = self._qsettings.value("window/geometry")
        state = self._qsettings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        try:
            settings = Settings.from_dict(json.loads(str(self._qsettings.value("settings", ""))))
        except (ValueError, TypeError):
            return False
        image_path = str(self._qsettings.value("image", ""))
        try:
            image = load_image(image_path) if image_path else samples.load_sample(START_SAMPLE)
        except ImageLoadError:
            image = samples.load_sample(START_SAMPLE)
        self.model.reset(settings)
        self._set_image(image)
        return True

    def _save_session(self) -> None:
        self._qsettings.setValue("window/geometry", self.saveGeometry())
        self._qsettings.setValue("window/state", self.saveState())
        self._qsettings.setValue("settings", json.dumps(self.model.settings.to_dict()))
        path = self.image.path if self.image is not None else None
        is_sample = path is not None and Path(path).parent == samples.images_dir()
        self._qsettings.setValue("image", "" if is_sample or path is None else path)
        self._qsettings.sync()

    def reset_layout(self) -> None:
        """Put every panel back where it starts."""
        areas = {"kernel": Qt.DockWidgetArea.LeftDockWidgetArea}
        for key, dock in self._docks.items():
            dock.setFloating(False)
            dock.show()
            self.addDockWidget(areas.get(key, Qt.DockWidgetArea.RightDockWidgetArea), dock)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._save_session()
        self.worker.stop()
        super().closeEvent(event)

    def _error(self, title: str, text: str) -> None:
        """Say what went wrong in the status bar and, when the window is up, in a message box
        that does not block (so nothing waits on it)."""
        self.show_message(text)
        if self.isVisible():
            self.error_box = QMessageBox(
                QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
            )
            self.error_box.open()


def _kernel_settings(settings: Settings, name: str) -> Settings:
    entry = kernels.get(name)
    grid = [[int(v) if float(v).is_integer() else float(v) for v in row] for row in entry.grid]
    return settings.replace(kernel=grid, divisor=entry.divisor, display="auto")


def _local_paths(mime: QMimeData) -> list[str]:
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []


def _block_mean(data: np.ndarray, factor: int) -> np.ndarray:
    h, w = (data.shape[0] // factor) * factor, (data.shape[1] // factor) * factor
    cropped = data[:h, :w]
    shape = (h // factor, factor, w // factor, factor, *data.shape[2:])
    return cropped.reshape(shape).mean(axis=(1, 3)).astype(np.float32)
