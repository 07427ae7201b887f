"""The Qt binding itself must be sound: PySide6 6.12.0 decremented the reference count of
``True`` on every signal emit under Python 3.11, which aborts the interpreter after a while."""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    plain = Signal()
    number = Signal(int, float)
    anything = Signal(object)


def test_signal_emit_leaves_reference_counts_alone(qapp):
    emitter = _Emitter()
    emitter.anything.connect(lambda _value: None)
    before = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    for _ in range(200):
        emitter.plain.emit()
        emitter.number.emit(1, 2.0)
        emitter.anything.emit(None)
    after = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    assert [a - b for a, b in zip(after, before, strict=True)] == [0, 0, 0]
