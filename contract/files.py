"""Atomic writes: a reader (a browser, a calendar app, the next command) never sees half a file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, *, binary: bool = False, encoding: str = "utf-8",
                newline: str | None = None, mode: int | None = 0o644):
    """Open a temporary file beside ``path``; on a clean exit it replaces ``path`` in one step.

    ``mode``: the finished file's permissions (None keeps the private 0600 of
    a temporary file, for files holding personal data). On an exception the
    temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        if binary:
            handle = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with handle:
            yield handle
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write(path: str | os.PathLike, data: str | bytes, *, encoding: str = "utf-8",
                 newline: str | None = None, mode: int | None = 0o644) -> None:
    """Write ``data`` (text or bytes) to ``path`` atomically (see ``atomic_open``)."""
    binary = isinstance(data, bytes)
    with atomic_open(path, binary=binary, encoding=encoding, newline=newline, mode=mode) as fh:
        fh.write(data)
