"""The ConvGUI main window: panels around the before/after views, wired to one settings model
and one worker thread."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QMimeData, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QToolBar,
)

from convgui import kernels, samples
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
from convgui.settings import Settings
from convgui.snippet import python_snippet
from convgui.ui.classroom.frequency_view import FrequencyView
from convgui.ui.classroom.tabs import ClassroomTabs
from convgui.ui.dock_layout import DockLayout, Panel
from convgui.ui.help import HelpMenu
from convgui.ui.kernel_editor import KernelEditor
from convgui.ui.keyboard import install_keyboard
from convgui.ui.lesson_exports import LessonExports
from convgui.ui.lesson_tabs import LessonTabs
from convgui.ui.model import SettingsModel
from convgui.ui.params import ParameterPanel
from convgui.ui.presentation import Presentation
from convgui.ui.preset_panel import PresetPanel
from convgui.ui.session import Session
from convgui.ui.shape_panel import ShapePanel
from convgui.ui.views import ImageViews
from convgui.ui.worker import ConvolutionWorker, Result

START_SAMPLE = "camera"
START_KERNEL = "sobel-x"
LARGE_IMAGE_PIXELS = 16_000_000
PROGRESS_DELAY_S = 0.3
SAVE_FILTERS = (
    "PNG image, as shown (*.png);;Raw values, NumPy (*.npy);;Raw values, 32-bit TIFF (*.tif)"
)


class MainWindow(QMainWindow):
    """The playground window.

    ``restore``: start from the session saved by the last window (settings, image, layout);
    ``save_session``: save it when this window closes (off for screenshots).
    ``firstResultShown`` fires once, when the first result is drawn; ``resultShown(Result)``
    every time a result is drawn, always newer than the one before.
    """

    firstResultShown = Signal()
    resultShown = Signal(object)  # the Result now on screen

    def __init__(self, restore: bool = True, save_session: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("ConvGUI — convolution playground")
        self.setAcceptDrops(True)
        self.session = Session()
        self._save_on_close = save_session
        self.model = SettingsModel(Settings(), self)
        self.worker = ConvolutionWorker(self)
        self.image: LoadedImage | None = None
        self.result: Result | None = None
        self.error_box: QMessageBox | None = None
        self._sample: str | None = None  # the bundled sample shown, if the input is one
        self._first_shown = False
        self._started_at = 0.0
        # First in line: a change starts the computation before the panels redraw themselves.
        self.model.changed.connect(self._recompute)

        self.views = ImageViews(self)
        self.tabs = LessonTabs(self)
        self.tabs.addTab(self.views, "Playground")
        self.tabs.setTabToolTip(0, "Any kernel on any image, live, with exact numbers on hover")
        self.classroom = ClassroomTabs(self.model, self.tabs, self)
        self.setCentralWidget(self.tabs)
        lessons = QToolBar("Lessons", self)
        lessons.setObjectName("Lessons")
        lessons.setMovable(False)
        lessons.setFloatable(False)
        lessons.addWidget(self.tabs.bar)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, lessons)
        self.kernel_editor = KernelEditor(self.model, self)
        # Wrap the sum line so the kernel dock can be narrow (it is one long line otherwise).
        self.kernel_editor.sum_label.setWordWrap(True)
        self.parameters = ParameterPanel(self.model, self)
        self.shape_panel = ShapePanel(self.model, self)
        self.preset_panel = PresetPanel(self.model, parent=self)
        self.frequency = FrequencyView(self.model, self)
        self.dock_layout = DockLayout(self, [
            Panel("kernel", "Kernel", "Kernel", "left", self.kernel_editor, scrolls=True),
            Panel("parameters", "Parameters", "Parameters", "right", self.parameters,
                  scrolls=True),
            Panel("shape", "Shape calculator", "Shape", "left", self.shape_panel, below=True),
            Panel("presets", "Presets", "Presets", "left", self.preset_panel),
            Panel("frequency", "Frequency response", "Frequency", "left", self.frequency),
        ])
        self._docks = self.dock_layout.docks
        self._docks["frequency"].visibilityChanged.connect(self.frequency.set_on_screen)
        self.presentation = Presentation(self, self.session.qsettings)
        self._build_status_bar()
        self._build_menus()
        self._connect()
        self.worker.start()
        app = QCoreApplication.instance()
        if app is not None:  # never leave the thread running when the application ends
            app.aboutToQuit.connect(self.worker.stop)

        if not (restore and self._restore_session()):
            self._default_size()
            self.model.reset(_kernel_settings(Settings(), START_KERNEL))
            self.open_sample(START_SAMPLE)

    # -------------------------------------------------------------------------------- building

    def _default_size(self) -> None:
        """1280×800, or the screen's free area if that is smaller."""
        width, height = 1280, 800
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            free = screen.availableGeometry()
            width, height = min(width, free.width()), min(height, free.height())
        self.resize(width, height)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self._shape_label = QLabel()
        self._method_label = QLabel()
        self._hover_label = QLabel()
        self._hover_label.setObjectName("hover")
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
        samples_menu = file_menu.addMenu("Open sa&mple")
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
                "Copy as P&ython",
                self.copy_python,
                "Ctrl+Alt+C",
                "Copy a Python snippet that reproduces this result",
            )
        )
        file_menu.addSeparator()
        self.lesson_exports = LessonExports(self.tabs, self.classroom.panels(), file_menu, self)
        self.lesson_exports.install_context_menu(self.frequency, "Frequency response")
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))

        edit_menu = menus.addMenu("&Edit")
        edit_menu.addAction(self.kernel_editor.undo_action)
        edit_menu.addAction(self.kernel_editor.redo_action)
        edit_menu.addSeparator()
        self._patch_action = self._action(
            "&Kernel from image region",
            self.set_patch_mode,
            "Ctrl+K",
            "Drag a rectangle on the input: that patch becomes the kernel (template matching); "
            "move or resize it to try another, Ctrl+K or Esc to finish",
        )
        self._patch_action.setCheckable(True)
        edit_menu.addAction(self._patch_action)
        self._zero_mean_action = QAction("Zero-mean patch kernels", self, checkable=True)
        self._zero_mean_action.setChecked(True)
        self._zero_mean_action.setToolTip(
            "Subtract the patch's mean so flat regions give 0 and the match stands out"
        )
        edit_menu.addAction(self._zero_mean_action)
        escape = self._action(
            "Cancel", self._escape, "Esc", "Stop the running computation, or leave patch mode"
        )
        self.addAction(escape)

        view_menu = menus.addMenu("&View")
        for dock in self._docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addAction(self._action("Reset layout", self.reset_layout))
        view_menu.addSeparator()
        for action in self.presentation.actions():
            view_menu.addAction(action)
        self.keyboard = install_keyboard(self)
        edit_menu.addSeparator()
        edit_menu.addMenu(self.keyboard.kernel_menu(edit_menu))
        view_menu.addSeparator()
        view_menu.addActions(self.keyboard.view_actions())
        self.help = HelpMenu(self, lambda: self.tabs.tabText(self.tabs.currentIndex()))

    def show_tab(self, name: str) -> bool:
        """Show the central tab called ``name`` ("step-through" finds "Step through"); False
        with a message naming the tabs if there is none."""
        index = self.tabs.index_of_title(name)
        if index < 0:
            self.show_message(f"no tab {name!r}; the tabs are: {', '.join(self.tabs.titles())}")
            return False
        self.tabs.setCurrentIndex(index)
        return True

    def lesson_ready(self) -> bool:
        """Whether the central tab shows its current result (a classroom panel can still be
        computing after the playground's result arrived)."""
        page = self.tabs.currentWidget()
        panel = page.widget() if hasattr(page, "widget") else page
        return bool(getattr(panel, "is_ready", lambda: True)())

    def _escape(self) -> None:
        if self.worker.busy:
            self.cancel_computation()
        elif self.views.patch_mode():
            self.set_patch_mode(False)

    def _connect(self) -> None:
        # A message says what the last action did: a new image, an undo or a redo outdates it.
        self.model.undo_stack.indexChanged.connect(self.statusBar().clearMessage)
        self.worker.resultReady.connect(self._on_result)
        self.worker.failed.connect(self._on_failed)
        self.worker.progress.connect(self._on_progress)
        self.worker.cancelled.connect(self._on_cancelled)
        self.views.hoverText.connect(self._on_hover_text)
        self.views.patchSelected.connect(self._use_patch)
        for widget in (self.kernel_editor, self.parameters, self.views, self.preset_panel,
                       self.classroom.matrix, self.classroom.transposed, self.classroom.quiz,
                       self.lesson_exports):
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
        self.views.set_result(result)  # also drops the hover outline of the old result
        self._hover_label.clear()
        source = _shape_text(self.image.data.shape) if self.image is not None else "?"
        self._shape_label.setText(f"{source} → {_shape_text(result.output.shape)}")
        self._method_label.setText(f"{result.method} · {result.seconds * 1000:.0f} ms")
        if result.nonfinite:
            self.show_message(
                f"{result.nonfinite} output values are NaN/inf (too large to represent): use "
                "smaller kernel values or a larger divisor"
            )
        self.resultShown.emit(result)
        if not self._first_shown:
            self._first_shown = True
            self.firstResultShown.emit()

    def _on_failed(self, seq: int, message: str, is_shape_error: bool) -> None:
        if not self._is_current(seq):
            return
        self._hide_progress()
        self.result = None
        self._hover_label.clear()
        self.views.show_message(message)
        source = _shape_text(self.image.data.shape) if self.image is not None else "?"
        self._shape_label.setText(f"{source} → no output" if is_shape_error else "")
        self._method_label.setText("" if is_shape_error else "error")
        self.show_message(("no output: " if is_shape_error else "error: ") + message)

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
            if self.result is not None and self.result.settings != self.model.settings:
                self.show_message("computation cancelled; the output shown is from before "
                                  "the last change")
            else:
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

    def status_text(self) -> str:
        """The status bar's message, or "" when there is none."""
        return self.statusBar().currentMessage()

    def hover_text(self) -> str:
        """The read-out of the pixel under the mouse shown in the status bar ("" if none)."""
        return self._hover_label.text()

    def _on_hover_text(self, text: str) -> None:
        self._hover_label.setText(text)
        if text:  # pointing at a pixel: its value matters more than an old message
            self.statusBar().clearMessage()

    # ---------------------------------------------------------------------------------- images

    def set_image(self, image: LoadedImage) -> None:
        """Use ``image`` as the input (no size check: see :meth:`open_image` for files)."""
        self._sample = None
        self._set_image(image)

    def _set_image(self, image: LoadedImage) -> None:
        self.image = image
        self.statusBar().clearMessage()
        self.views.set_input(image.data, image.value_range)
        self.classroom.set_image(image.data, image.value_range)
        self.shape_panel.set_input_shape(image.data.shape)
        name = Path(image.path).name if image.path else "pasted image"
        self.setWindowTitle(f"{name} — ConvGUI")
        self._recompute()

    def open_image(self, path: str, interactive: bool = True) -> bool:
        """Load ``path`` as the input; on failure say why and keep the current image. Only
        ``interactive`` opening asks whether to downscale a large image and adds it to the
        recent files (a screenshot has nobody to answer and leaves the session alone)."""
        try:
            image = load_image(path)
        except ImageLoadError as exc:
            self._error("Cannot open image", str(exc))
            return False
        if interactive:
            image = self._maybe_downscale(image)
        self.set_image(image)
        if interactive:
            self.session.add_recent(path)
            self._refresh_recent_menu()
        return True

    def open_sample(self, name: str) -> bool:
        """Load one of the bundled sample images."""
        try:
            image = samples.load_sample(name)
        except ValueError as exc:  # ImageLoadError too
            self._error("Cannot open sample", str(exc))
            return False
        self._set_image(image)
        self._sample = name
        return True

    def open_dialog(self) -> None:
        """Ask for an image file and open it."""
        patterns = " ".join(f"*{ext}" for ext in READ_EXTENSIONS)
        start = self.session.last_dir("last_dir")
        path, _ = QFileDialog.getOpenFileName(
            self, "Open image", start, f"Images ({patterns});;All files (*)"
        )
        if path:
            self.session.set_last_dir("last_dir", path)
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
        try:
            image = image_from_array(rgb.copy())
        except ImageLoadError as exc:
            self._error("Cannot paste image", str(exc))
            return
        self.set_image(self._maybe_downscale(image))

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
        return dataclasses.replace(image, data=block_mean(image.data, factor), alpha=None,
                                   downscale=factor)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if _local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        paths = _local_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.open_image(paths[0])

    def _refresh_recent_menu(self) -> None:
        self._recent_menu.clear()
        recent = self.session.recent()
        for path in recent:
            self._recent_menu.addAction(
                self._action(path, lambda _=False, p=path: self.open_image(p))
            )
        self._recent_menu.setEnabled(bool(recent))

    # --------------------------------------------------------------------------------- kernels

    def apply_kernel_name(self, name: str) -> bool:
        """Use a library kernel by name (e.g. ``sobel-x``); False with a message if unknown."""
        try:
            self.model.set(_kernel_settings(self.model.settings, name), f"Kernel {name}")
        except ValueError as exc:
            self._error("Unknown kernel", str(exc))
            return False
        return True

    def set_patch_mode(self, on: bool) -> None:
        """Patch mode on/off: while on, a rectangle dragged on the input becomes the kernel; it
        stays on (the rectangle can be moved or resized to try another patch) until turned off."""
        on = bool(on)
        self._patch_action.setChecked(on)
        self.views.set_patch_mode(on)
        if on:
            self.show_message("drag a rectangle (at most 31×31) on the input to use it as the "
                              "kernel; Esc or Ctrl+K to finish")

    def _use_patch(self, patch: np.ndarray) -> None:
        zero_mean = self._zero_mean_action.isChecked()
        kernel = patch_kernel(patch, zero_mean)
        # A zero-mean kernel answers a match with positive and a mismatch with negative values:
        # diverging by construction (its rounded weights need not sum to exactly 0 for "auto").
        self.model.edit(
            "Kernel from image region",
            kernel=kernel,
            divisor=1,
            bias=0,
            display="diverging" if zero_mean else "auto",
        )
        h, w = kernel.shape
        rect = self.views.patch_rect()
        where = f" at ({rect[0]}, {rect[1]})" if rect else ""
        self.show_message(f"kernel from the {h}×{w} patch{where}; move or resize the rectangle "
                          "to try another, Esc to finish")

    # --------------------------------------------------------------------------------- output

    def save_dialog(self) -> None:
        """Ask where to save the output (PNG as displayed, .npy or .tif raw) and save it."""
        if self.result is None:
            self.show_message("there is no output to save")
            return
        start = self.session.last_dir("last_save_dir")
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save output",
            os.path.join(start, "output.png"),
            SAVE_FILTERS,
        )
        if path:
            self.session.set_last_dir("last_save_dir", path)
            self.save_output(path)

    def save_output(self, path: str) -> bool:
        """Save the current output to ``path``; on failure say why (no partial file is left)."""
        if self.result is None:
            self.show_message("there is no output to save")
            return False
        try:
            result = self.result
            save_output(path, result.output, shown_image(result.display, result.display_mode))
        except ImageSaveError as exc:
            self._error("Cannot save output", str(exc))
            return False
        self.show_message(f"saved {path}")
        return True

    def copy_output_image(self) -> None:
        """Copy the displayed output to the clipboard."""
        if self.result is None:
            self.show_message("there is no output to copy")
            return
        image = np.ascontiguousarray(shown_image(self.result.display, self.result.display_mode))
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
        if self._sample is not None and path is None:  # a generated sample: its file, if any
            sample_file = samples.sample_path(self._sample)
            path = str(sample_file) if sample_file.is_file() else None
        image = self.image
        snippet = python_snippet(self.model.settings, path,
                                 image.data if image is not None else None,
                                 image.downscale if image is not None else 1)
        QGuiApplication.clipboard().setText(snippet)
        self.show_message("Python snippet copied to the clipboard")

    # -------------------------------------------------------------------------- session state

    def _restore_session(self) -> bool:
        """Settings, image, size and current tab as the last window left them; the dock
        layout too when it was saved for the arrangement this size gets. False if no session
        was saved."""
        geometry = self.session.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.session.window_state(self.dock_layout.current_plan().arrangement)
        if state is not None and self.restoreState(state):
            self.dock_layout.plan = self.dock_layout.current_plan()
        tab = self.tabs.index_of_title(self.session.tab())
        if tab >= 0:
            self.tabs.setCurrentIndex(tab)
        settings = self.session.settings()
        if settings is None:
            return False
        self.model.reset(settings)
        kind, source = self.session.image_source()
        if kind == "sample" and self.open_sample(source):
            return True
        if kind == "file":
            try:
                self.set_image(self._maybe_downscale(load_image(source)))
                return True
            except ImageLoadError as exc:
                self.open_sample(START_SAMPLE)
                self.show_message(f"last image not reopened: {exc}")
                return True
        self.open_sample(START_SAMPLE)
        return True

    def _save_session(self) -> None:
        plan = self.dock_layout.plan or self.dock_layout.current_plan()
        self.session.save_window(self.saveGeometry(), self.saveState(), plan.arrangement)
        self.session.set_tab(self.tabs.tabText(self.tabs.currentIndex()))
        self.session.save(self.model.settings, self._sample,
                          self.image.path if self.image is not None else None)
        self.session.sync()

    def reset_layout(self) -> None:
        """Every panel back in the arrangement for the window's current size."""
        self.dock_layout.arrange()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._save_on_close:
            self._save_session()
        # The running band finishes, then the thread ends: no result arrives after this, and
        # the thread is never destroyed while it runs.
        self.worker.stop()
        self.classroom.shutdown()
        self.views.shutdown()
        super().closeEvent(event)

    def _error(self, title: str, text: str) -> None:
        """Say what went wrong in the status bar and, when the window is up, in a message box
        that does not block (so nothing waits on it)."""
        self.show_message(text)
        if self.isVisible():
            if self.error_box is not None:
                self.error_box.close()
            self.error_box = QMessageBox(
                QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
            )
            self.error_box.open()


def patch_kernel(patch: np.ndarray, zero_mean: bool = True) -> np.ndarray:
    """The kernel made from an image patch: minus its mean (``zero_mean``, so flat regions give
    0 and a match stands out), scaled so the absolute values sum to 1, rounded to 6 decimals."""
    kernel = np.asarray(patch, dtype=np.float64)
    if zero_mean:
        kernel = kernel - kernel.mean()
    scale = float(np.abs(kernel).sum()) or 1.0
    return np.round(kernel / scale, 6)


def _kernel_settings(settings: Settings, name: str) -> Settings:
    entry = kernels.get(name)
    grid = [[int(v) if float(v).is_integer() else float(v) for v in row] for row in entry.grid]
    return settings.replace(kernel=grid, divisor=entry.divisor, display="auto")


def _shape_text(shape: tuple[int, ...]) -> str:
    """``512×512`` or ``512×512×3``."""
    return "×".join(str(n) for n in shape)


def _local_paths(mime: QMimeData) -> list[str]:
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
