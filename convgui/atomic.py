"""Atomic file writing shared by image export and presets (pure standard library, no Qt).

``atomic_write(path, writer)`` lets ``writer`` fill a temporary file created next to the target
(same folder, so the final rename never crosses a file system), flushes and fsyncs it, then
``os.replace``-s it over the target. Either the complete new file is in place or the old file (if
any) is untouched; on any failure the temporary file is removed. Operating-system errors become
an :class:`AtomicWriteError` whose message is one human-readable line, e.g.
``cannot write 'out.png': permission denied``.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["AtomicWriteError", "atomic_write", "describe_os_error", "quote_path"]


class AtomicWriteError(ValueError):
    """A file could not be written; ``str(error)`` is a one-line message for the user."""


_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOSPC: "no space left on device",
    errno.EROFS: "the file system is read-only",
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EMFILE: "too many open files",
    errno.ENFILE: "too many open files",
    errno.EIO: "input/output error",
    errno.EFBIG: "the file is too large",
    errno.ELOOP: "too many levels of symbolic links",
}
if hasattr(errno, "EDQUOT"):
    _REASONS[errno.EDQUOT] = "disk quota exceeded"


def quote_path(path: str | os.PathLike[str]) -> str:
    """``'path'`` in quotes, with control characters escaped so a message stays on one line."""
    text = os.fspath(path)
    if isinstance(text, bytes):  # pragma: no cover - bytes paths are not used by the app
        text = os.fsdecode(text)
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return f"'{text}'"


def describe_os_error(exc: BaseException, *, reading: bool = False) -> str:
    """A short lower-case reason for an ``OSError`` (``"permission denied"``, ...)."""
    if isinstance(exc, OSError) and exc.errno is not None:
        if exc.errno == errno.ENOENT:
            return "no such file" if reading else "the folder does not exist"
        reason = _REASONS.get(exc.errno)
        if reason:
            return reason
        if exc.strerror:
            return exc.strerror[:1].lower() + exc.strerror[1:]
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file" if reading else "the folder does not exist"
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _create_temp(folder: Path, name: str) -> tuple[int, Path]:
    """Create a new, empty, hidden temporary file in ``folder``; mode 0o666 minus the umask."""
    stem = name[:100]
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        candidate = folder / f".{stem}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(candidate, flags, 0o666), candidate
        except FileExistsError:  # pragma: no cover - 32 random bits, practically never
            continue
    raise FileExistsError(errno.EEXIST, "could not create a temporary file", str(folder))


def _fsync_folder(folder: Path) -> None:
    """Best effort: make the rename itself durable (POSIX only; errors are ignored)."""
    if os.name != "posix":  # pragma: no cover
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def atomic_write(path: str | os.PathLike[str], writer: Callable[[BinaryIO], None]) -> None:
    """Write ``path`` atomically: ``writer`` gets a binary file object to fill.

    The temporary file lives in the target's folder (``.<name>.<random>.tmp``). If the target is
    a symbolic link, the file it points to is replaced (the link is kept). An existing target's
    permission bits are carried over to the new file.

    Raises :class:`AtomicWriteError` (one-line message) for any ``OSError``; any other exception
    raised by ``writer`` propagates unchanged. In every failure case the temporary file is
    removed and a pre-existing target is left exactly as it was.
    """
    shown = quote_path(path)
    target = Path(os.path.realpath(os.fspath(path)))
    folder = target.parent
    tmp: Path | None = None
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(target))
        fd, tmp = _create_temp(folder, target.name)
        with os.fdopen(fd, "wb") as fh:
            writer(fh)
            fh.flush()
            try:
                os.fsync(fh.fileno())
            except OSError as exc:  # some file systems (FUSE, SMB) cannot fsync a file
                if exc.errno not in (errno.EINVAL, getattr(errno, "ENOTSUP", -1)):
                    raise
        try:
            old_mode = stat.S_IMODE(os.stat(target).st_mode)
        except OSError:
            old_mode = None
        if old_mode is not None:
            try:
                os.chmod(tmp, old_mode)
            except OSError:  # pragma: no cover - best effort only
                pass
        os.replace(tmp, target)
        tmp = None
        _fsync_folder(folder)
    except OSError as exc:
        raise AtomicWriteError(f"cannot write {shown}: {describe_os_error(exc)}") from exc
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
