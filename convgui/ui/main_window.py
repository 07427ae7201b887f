"""The ConvGUI main window: panels around the before/after views, wired to one settings model
and one worker thread.

The window builds its pieces and lays them out; each piece is its own module: the computation
and its status bar read-outs (:mod:`~convgui.ui.playground`), files and the clipboard
(:mod:`~convgui.ui.image_files`), the menus (:mod:`~convgui.ui.menus`), patch mode
(:mod:`~convgui.ui.patch_mode`), the docks (:mod:`~convgui.ui.dock_layout`), the keyboard
(:mod:`~convgui.ui.keyboard`), Help (:mod:`~convgui.ui.help`) and what is remembered between
runs (:mod:`~convgui.ui.session`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QMessageBox, QToolBar

from convgui import kernels, lessons
from convgui.imageio import LoadedImage
from convgui.settings import Settings
from convgui.ui.classroom.frequency_view import FrequencyView
from convgui.ui.classroom.tabs import ClassroomTabs
from convgui.ui.dock_layout import DockLayout, Panel
from convgui.ui.help import HelpMenu
from convgui.ui.image_files import START_SAMPLE, ImageFiles
from convgui.ui.kernel_editor import KernelEditor
from convgui.ui.keyboard import install_keyboard
from convgui.ui.lesson_tabs import LessonTabs
from convgui.ui.menus import WindowMenus
from convgui.ui.model import SettingsModel
from convgui.ui.params import ParameterPanel
from convgui.ui.patch_mode import PatchMode
from convgui.ui.playground import PlaygroundCompute
from convgui.ui.presentation import Presentation
from convgui.ui.preset_panel import PresetPanel
from convgui.ui.session import Session
from convgui.ui.shape_panel import ShapePanel
from convgui.ui.views import ImageViews
from convgui.ui.worker import Result

START_KERNEL = "sobel-x"


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
        self.session = Session()
        self._save_on_close = save_session
        self.model = SettingsModel(Settings(), self)
        self.image: LoadedImage | None = None
        self.sample: str | None = None  # the bundled sample shown, if the input is one
        self.error_box: QMessageBox | None = None
        self.views = ImageViews(self)
        # First in line: a change starts the computation before the panels redraw themselves.
        self.compute = PlaygroundCompute(self, self.model, self.views, lambda: self.image)
        self.worker = self.compute.worker
        self.files = ImageFiles(self)

        self.tabs = LessonTabs(self)
        self.tabs.addTab(self.views, lessons.PLAYGROUND)
        self.tabs.setTabToolTip(0, "Any kernel on any image, live, with exact numbers on hover")
        self.classroom = ClassroomTabs(self.model, self.tabs, self)
        self.setCentralWidget(self.tabs)
        lesson_bar = QToolBar("Lessons", self)
        lesson_bar.setObjectName("Lessons")
        lesson_bar.setMovable(False)
        lesson_bar.setFloatable(False)
        lesson_bar.addWidget(self.tabs.bar)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, lesson_bar)
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
        self.dock_layout.docks["frequency"].visibilityChanged.connect(
            self.frequency.set_on_screen)
        self.presentation = Presentation(self, self.session.qsettings)
        self.compute.install_read_outs(self.statusBar())
        self.patch = PatchMode(self, self.model, self.views)
        self.keyboard = install_keyboard(self)
        self.menus = WindowMenus(self)
        self.lesson_exports = self.menus.lesson_exports
        self.help = HelpMenu(self, lambda: self.tabs.tabText(self.tabs.currentIndex()))
        self._connect()

        if not (restore and self._restore_session()):
            self._default_size()
            start = kernels.get(START_KERNEL)
            self.model.reset(Settings(kernel=start.grid.tolist(), divisor=start.divisor))
            self.files.open_sample(START_SAMPLE)

    def _default_size(self) -> None:
        """1280×800, or the screen's free area if that is smaller."""
        width, height = 1280, 800
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            free = screen.availableGeometry()
            width, height = min(width, free.width()), min(height, free.height())
        self.resize(width, height)

    def _connect(self) -> None:
        # A message says what the last action did: a new image, an undo or a redo outdates it.
        self.model.undo_stack.indexChanged.connect(self.statusBar().clearMessage)
        self.compute.resultShown.connect(self.resultShown)
        self.compute.firstResultShown.connect(self.firstResultShown)
        for widget in (self.compute, self.patch, self.kernel_editor, self.parameters,
                       self.views, self.preset_panel, self.classroom.matrix,
                       self.classroom.transposed, self.classroom.quiz, self.lesson_exports):
            widget.message.connect(self.show_message)

    # ---------------------------------------------------------------------------- the input

    @property
    def result(self) -> Result | None:
        """The result on the playground's after view (None: none yet, or it failed)."""
        return self.compute.result

    def set_image(self, image: LoadedImage, sample: str | None = None) -> None:
        """Use ``image`` as the input: the bundled ``sample`` of that name, if it is one (no
        size check: see :meth:`open_image` for files)."""
        self.image, self.sample = image, sample
        self.statusBar().clearMessage()
        self.views.set_input(image.data, image.value_range)
        self.classroom.set_image(image.data, image.value_range)
        self.shape_panel.set_input_shape(image.data.shape)
        name = Path(image.path).name if image.path else "pasted image"
        self.setWindowTitle(f"{name} — ConvGUI")
        self.compute.recompute()

    def open_image(self, path: str, interactive: bool = True) -> bool:
        """:meth:`ImageFiles.open_image <convgui.ui.image_files.ImageFiles.open_image>`."""
        return self.files.open_image(path, interactive)

    def save_output(self, path: str) -> bool:
        """:meth:`ImageFiles.save_output <convgui.ui.image_files.ImageFiles.save_output>`."""
        return self.files.save_output(path)

    def apply_kernel_name(self, name: str) -> bool:
        """Use a library kernel by name (e.g. ``sobel-x``); False with a message if unknown."""
        try:
            entry = kernels.get(name)
        except ValueError as exc:
            self.show_error("Unknown kernel", str(exc))
            return False
        self.model.edit(f"Kernel {name}", kernel=entry.grid.tolist(), divisor=entry.divisor,
                        display="auto")
        return True

    # ------------------------------------------------------------------------- what is shown

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

    def reset_layout(self) -> None:
        """Every panel back in the arrangement for the window's current size."""
        self.dock_layout.arrange()

    def escape(self) -> None:
        """Esc: stop the running computation, or else leave patch mode."""
        if self.worker.busy:
            self.compute.cancel()
        elif self.patch.is_on():
            self.patch.set_on(False)

    # ------------------------------------------------------------------------------ messages

    def show_message(self, text: str) -> None:
        """A transient message in the status bar."""
        self.statusBar().showMessage(text, 8000)

    def status_text(self) -> str:
        """The status bar's message, or "" when there is none."""
        return self.statusBar().currentMessage()

    def show_error(self, title: str, text: str) -> None:
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
        self.files.reopen(*self.session.image_source())
        return True

    def _save_session(self) -> None:
        plan = self.dock_layout.plan or self.dock_layout.current_plan()
        self.session.save_window(self.saveGeometry(), self.saveState(), plan.arrangement)
        self.session.set_tab(self.tabs.tabText(self.tabs.currentIndex()))
        self.session.save(self.model.settings, self.sample,
                          self.image.path if self.image is not None else None)
        self.session.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self._save_on_close:
            self._save_session()
        self.compute.stop()
        self.classroom.shutdown()
        self.views.shutdown()
        super().closeEvent(event)
