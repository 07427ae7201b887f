"""Teaching material out of the window: "Export figure…" and "Export animation…".

*Export figure* paints a classroom view (the current tab's panel, or any widget given a context
menu with :meth:`LessonExports.install_context_menu`) the way it is on screen, numbers
included: PNG at twice the widget's size, SVG (:class:`QSvgGenerator`) and PDF
(:class:`QPdfWriter`) as vectors, all through :meth:`QWidget.render`.

*Export animation* asks the current panel for its animation: a panel with a sliding window
(:class:`Animated`: the Step through and Transposed panels) offers an
:class:`~convgui.animation.request.AnimationRequest` made from its current values and settings,
and this module writes it as a :mod:`convgui.animation` file — GIF, APNG, PDF or numbered SVG
frames, one frame per output cell. The animation is built and written on a worker thread
(:class:`AnimationExport`) behind a progress dialog whose Cancel leaves no file.

File dialogs start in the folder of the last export (remembered in the application's settings).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import shiboken6
from PySide6.QtCore import (
    QBuffer,
    QIODevice,
    QMarginsF,
    QObject,
    QPoint,
    QRect,
    QSizeF,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QImage, QPageSize, QPaintDevice, QPainter, QPalette, QPdfWriter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QMenu, QProgressDialog, QScrollArea, QWidget

from convgui.animation.draw import Figure
from convgui.animation.request import AnimationRequest
from convgui.animation.writers import WriteCancelled, write_animation
from convgui.atomic import atomic_write, quote_path
from convgui.shapes import ShapeError
from convgui.ui.session import Session  # the one place this module reaches the settings
from convgui.ui.tasks import GuardedThread

__all__ = [
    "ANIMATION_FILTERS", "FIGURE_FILTERS", "PNG_SCALE", "Animated", "AnimationExport",
    "AnimationRequest", "LessonExports", "animation_request", "ask_save_path",
    "export_animation", "figure_bytes", "save_figure",
]

PNG_SCALE = 2
FIGURE_FILTERS = "PNG image, 2× resolution (*.png);;SVG, vector (*.svg);;PDF, vector (*.pdf)"
ANIMATION_FILTERS = ("Animated GIF (*.gif);;Animated PNG (*.png);;PDF, one page per frame "
                     "(*.pdf);;SVG, one numbered file per frame (*.svg)")
LAST_DIR_KEY = "lesson_exports/last_dir"
PROGRESS_DELAY_MS = 300

Report = Callable[[str], object]


def _slug(text: str) -> str:
    """A file name from a tab title: ``"Step through"`` → ``"step-through"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "figure"


def _filter_extension(selected_filter: str) -> str:
    """``".png"`` from ``"PNG image (*.png)"``, else ``""``."""
    found = re.search(r"\(\*(\.[A-Za-z0-9]+)\)", selected_filter)
    return found.group(1) if found else ""


def ask_save_path(parent: QWidget | None, caption: str, file_name: str, filters: str
                  ) -> str | None:
    """Ask where to save (a file dialog in the folder of the last lesson export, suggesting
    ``file_name``); a name typed without extension gets the chosen filter's. Returns the path,
    or None when cancelled; remembers the folder."""
    session = Session()
    folder = session.last_dir(LAST_DIR_KEY)
    start = os.path.join(folder, file_name) if folder else file_name
    path, chosen = QFileDialog.getSaveFileName(parent, caption, start, filters)
    if not path:
        return None
    if not Path(path).suffix:
        path += _filter_extension(chosen)
    session.set_last_dir(LAST_DIR_KEY, os.path.abspath(path))
    return path


# ----------------------------------------------------------------------------------------------
# Figures


def _paint(device: QPaintDevice, widget: QWidget, scale: float = 1.0) -> None:
    """Paint ``widget`` (and its children) onto ``device``, scaled by ``scale``."""
    painter = QPainter()
    if not painter.begin(device):
        raise ValueError("cannot paint the figure (Qt refused the output device)")
    try:
        painter.scale(scale, scale)
        widget.render(painter, QPoint())
    finally:
        painter.end()


def _png(widget: QWidget) -> bytes:
    image = QImage(widget.size() * PNG_SCALE, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(PNG_SCALE)
    image.fill(widget.palette().color(QPalette.ColorRole.Window))
    _paint(image, widget)
    return _encode(lambda buffer: image.save(buffer, "PNG"))


def _svg(widget: QWidget, title: str) -> bytes:
    def write(buffer: QBuffer) -> bool:
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(widget.size())
        generator.setViewBox(QRect(QPoint(), widget.size()))
        generator.setResolution(widget.logicalDpiX())  # point-sized fonts as on screen
        generator.setTitle(title)
        generator.setDescription("Exported from ConvGUI")
        _paint(generator, widget)
        return True

    return _encode(write)


def _pdf(widget: QWidget, title: str) -> bytes:
    def write(buffer: QBuffer) -> bool:
        dpi = widget.logicalDpiX()
        writer = QPdfWriter(buffer)
        writer.setResolution(dpi)  # one widget pixel is one device pixel
        size = QSizeF(widget.width() * 72 / dpi, widget.height() * 72 / dpi)
        writer.setPageSize(QPageSize(size, QPageSize.Unit.Point, title,
                                     QPageSize.SizeMatchPolicy.ExactMatch))
        writer.setPageMargins(QMarginsF(0, 0, 0, 0))
        writer.setTitle(title)
        writer.setCreator("ConvGUI")
        # the page is the widget's size up to rounding to whole points: fit it exactly
        _paint(writer, widget, min(writer.width() / max(1, widget.width()),
                                   writer.height() / max(1, widget.height())))
        return True

    return _encode(write)


def _encode(write: Callable[[QBuffer], bool]) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not write(buffer):
        raise ValueError("cannot encode the figure")
    buffer.close()
    return bytes(buffer.data())


def figure_bytes(widget: QWidget, kind: str, title: str = "ConvGUI figure") -> bytes:
    """``widget`` painted as on screen, as ``kind`` ``"png"`` (``PNG_SCALE`` × its size),
    ``"svg"`` or ``"pdf"`` (vector, one page of the widget's size)."""
    if widget.width() < 1 or widget.height() < 1:
        raise ValueError("the view has no size yet: show it first")
    if kind == "png":
        return _png(widget)
    if kind == "svg":
        return _svg(widget, title)
    if kind == "pdf":
        return _pdf(widget, title)
    raise ValueError(f"unknown figure format {kind!r}: use png, svg or pdf")


def save_figure(widget: QWidget, path: str | os.PathLike[str], title: str = "ConvGUI figure"
                ) -> None:
    """Write ``widget`` to ``path`` in the format its extension names (.png, .svg, .pdf),
    atomically; ValueError (:class:`convgui.atomic.AtomicWriteError` for file errors) with a
    one-line message otherwise."""
    kind = Path(path).suffix.lower().lstrip(".")
    if kind not in ("png", "svg", "pdf"):
        raise ValueError(f"cannot write {quote_path(path)}: a figure is .png, .svg or .pdf")
    data = figure_bytes(widget, kind, title)
    atomic_write(path, lambda fh: fh.write(data))


# ----------------------------------------------------------------------------------------------
# Animations


@runtime_checkable
class Animated(Protocol):
    """A panel with a sliding window to animate (the Step through and Transposed panels):
    all :func:`export_animation` needs of it."""

    def animation_request(self) -> AnimationRequest:
        """Its animation with its current values and settings; ValueError saying why when
        there is none."""


def animation_request(panel: QWidget) -> AnimationRequest:
    """The animation of ``panel`` (see :class:`Animated`) with its current values and
    settings; ValueError saying why when there is none."""
    if not isinstance(panel, Animated):
        raise ValueError("animations are made on the Step through and Transposed tabs")
    return panel.animation_request()


_ACTIVE: set[AnimationExport] = set()  # kept alive until their outcome has been handled


class AnimationExport(GuardedThread):
    """Builds and writes one animation on its own thread, behind a cancellable
    :class:`QProgressDialog` (:attr:`dialog`). ``progressed(done, total)`` after each frame;
    ``done(paths)`` once at the end: the files written, or None (cancelled or failed — the
    reason goes to ``report``)."""

    progressed = Signal(int, int)
    done = Signal(object)

    def __init__(self, request: AnimationRequest, path: str, report: Report | None,
                 dialog_parent: QWidget | None) -> None:
        super().__init__()  # no parent: a closing window must not delete a running thread
        self._request, self._path, self._report = request, path, report
        self._cancel = threading.Event()
        self._outcome: tuple[str, object] = ("failed", "the animation was not written")
        self.dialog = QProgressDialog(f"Writing {Path(path).name}…", "Cancel", 0, 0,
                                      dialog_parent)
        self.dialog.setWindowTitle("Export animation")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self.progressed.connect(self._show_progress)
        self.finished.connect(self._conclude)

    def cancel(self) -> None:
        """Stop after the frame being written; nothing is left behind."""
        self._cancel.set()

    def stop(self, timeout_ms: int = 2000) -> bool:
        """Cancel and wait for the thread (the application is quitting)."""
        self.cancel()
        return self.wait(timeout_ms)

    def run(self) -> None:  # the worker thread
        try:
            animation = self._request.build()
            if self._cancel.is_set():
                raise WriteCancelled("cancelled")
            written = write_animation(self._path, Figure(animation), fps=self._request.fps,
                                      progress=self._frame_written)
            self._outcome = ("written", written)
        except WriteCancelled:
            self._outcome = ("cancelled", None)
        except ShapeError as exc:
            self._outcome = ("failed", f"no output: {exc}")
        except (ValueError, TypeError, OSError) as exc:
            self._outcome = ("failed", str(exc))
        except MemoryError:
            self._outcome = ("failed", "not enough memory for this animation")
        except Exception as exc:  # noqa: BLE001 - the window must keep working
            self._outcome = ("failed", f"unexpected error: {type(exc).__name__}: {exc}")

    def _frame_written(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self._cancel.is_set()

    def _dialog_alive(self) -> bool:
        """False once Qt has deleted the dialog (its window closed during the write)."""
        return shiboken6.isValid(self.dialog)

    def _show_progress(self, done: int, total: int) -> None:
        if not self._dialog_alive():
            return
        if self.dialog.maximum() != total:
            self.dialog.setMaximum(total)
        self.dialog.setLabelText(f"Writing {Path(self._path).name}: frame {done} of {total}")
        self.dialog.setValue(done)

    def _conclude(self) -> None:
        if self._dialog_alive():
            self.dialog.close()
            self.dialog.deleteLater()
        kind, detail = self._outcome
        if kind == "written":
            paths = list(detail)  # type: ignore[call-overload]
            where = (quote_path(paths[0]) if len(paths) == 1 else
                     f"{len(paths)} files, {quote_path(paths[0])} …")
            self._say(f"Saved the animation: {where}")
        elif kind == "cancelled":
            paths = None
            self._say("Animation cancelled: nothing was written.")
        else:
            paths = None
            self._say(f"Animation not written: {detail}")
        _ACTIVE.discard(self)
        self.done.emit(paths)

    def _say(self, text: str) -> None:
        if self._report is None:
            return
        try:
            self._report(text)
        except RuntimeError:  # the panel that asked is gone (its window closed meanwhile):
            pass  # the file is written (or not) all the same, and there is nobody to tell


def export_animation(panel: QWidget, path: str | None = None, *, report: Report | None = None
                     ) -> AnimationExport | None:
    """Write ``panel``'s animation (see :func:`animation_request`) to ``path`` (asked for
    when None) on a worker thread; returns the running export, or None when there is nothing
    to write (the reason goes to ``report``) or the dialog was cancelled."""
    try:
        request = animation_request(panel)
    except ValueError as exc:
        if report is not None:
            report(f"Cannot export an animation: {exc}")
        return None
    if path is None:
        path = ask_save_path(panel.window(), "Export animation", f"{request.name}.gif",
                             ANIMATION_FILTERS)
        if path is None:
            return None
    job = AnimationExport(request, path, report, panel.window())
    _ACTIVE.add(job)
    job.start()
    return job


# ----------------------------------------------------------------------------------------------
# The window's actions


class LessonExports(QObject):
    """Adds "Export figure…" and "Export animation…" to ``menu`` for the window's ``tabs``
    (a QTabWidget: ``currentWidget()``, ``currentIndex()``, ``tabText(i)``), whose classroom
    pages hold ``panels`` (directly or in a scroll area). ``message(str)`` says what was
    written or why not."""

    message = Signal(str)

    def __init__(self, tabs: QWidget, panels: Sequence[QWidget], menu: QMenu,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tabs, self._panels = tabs, list(panels)
        self.figure_action = QAction("Export &figure…", self)
        self.figure_action.setToolTip("Save the current view as a PNG (2× resolution), SVG or "
                                      "PDF, with the numbers shown on screen")
        self.figure_action.triggered.connect(lambda _checked=False: self.export_figure())
        self.animation_action = QAction("Export &animation…", self)
        self.animation_action.setToolTip("Save the sliding window of the Step through or "
                                         "Transposed tab as GIF, APNG, PDF or SVG frames: one "
                                         "frame per output cell, with the numbers")
        self.animation_action.triggered.connect(lambda _checked=False: self.export_animation())
        menu.addAction(self.figure_action)
        menu.addAction(self.animation_action)
        menu.aboutToShow.connect(self.update_actions)
        self.update_actions()

    def current_panel(self) -> QWidget | None:
        """The current tab's classroom panel; for another page, what its scroll area shows,
        else the page itself (None without pages)."""
        page = self._tabs.currentWidget()
        if page is None:
            return None
        for panel in self._panels:
            if panel is page or page.isAncestorOf(panel):
                return panel
        if isinstance(page, QScrollArea) and page.widget() is not None:
            return page.widget()
        return page

    def update_actions(self) -> None:
        """"Export animation…" only where there is a sliding window to animate."""
        panel = self.current_panel()
        self.figure_action.setEnabled(panel is not None)
        self.animation_action.setEnabled(isinstance(panel, Animated))

    def _current_title(self) -> str:
        index = self._tabs.currentIndex()
        return self._tabs.tabText(index).replace("&", "") if index >= 0 else "figure"

    def export_figure(self, path: str | None = None, widget: QWidget | None = None,
                      name: str | None = None) -> bool:
        """Save ``widget`` (default: the current tab's panel) as a figure at ``path`` (asked
        for when None); ``name`` titles it (default: the tab's title). True when written."""
        if widget is None:
            widget, name = self.current_panel(), name or self._current_title()
        if widget is None:
            self.message.emit("There is no view to export.")
            return False
        name = name or widget.windowTitle() or "figure"
        if path is None:
            path = ask_save_path(widget.window(), "Export figure", f"{_slug(name)}.png",
                                 FIGURE_FILTERS)
            if path is None:
                return False
        try:
            save_figure(widget, path, f"ConvGUI: {name}")
        except ValueError as exc:
            self.message.emit(f"Figure not written: {exc}")
            return False
        self.message.emit(f"Saved the figure: {quote_path(path)}")
        return True

    def export_animation(self, path: str | None = None) -> AnimationExport | None:
        """Export the current tab's animation (see :func:`export_animation`)."""
        panel = self.current_panel()
        if panel is None:
            self.message.emit("There is no view to animate.")
            return None
        return export_animation(panel, path, report=self.message.emit)

    def install_context_menu(self, widget: QWidget, name: str | None = None) -> None:
        """Give ``widget`` a right-click menu with "Export figure…" for itself (titled
        ``name``, default its window title). Children with their own context menu (a plot)
        keep theirs."""
        widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        widget.customContextMenuRequested.connect(
            lambda pos, w=widget: self.context_menu(w, name).popup(w.mapToGlobal(pos)))

    def context_menu(self, widget: QWidget, name: str | None = None) -> QMenu:
        """The menu :meth:`install_context_menu` shows (deleted when it closes)."""
        menu = QMenu(widget)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        action = menu.addAction("Export figure…")
        action.setToolTip(self.figure_action.toolTip())
        action.triggered.connect(
            lambda _checked=False: self.export_figure(widget=widget, name=name))
        return menu
