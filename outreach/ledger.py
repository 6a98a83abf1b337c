"""Append-only JSON Lines ledgers in state/: what was sent, what was scheduled.

Every record is written with one ``write`` and made durable with ``fsync``
before the caller goes on, so a crash never loses a record that was appended.
A crash in the middle of a write can leave a torn last line; it is dropped (and
cut off the file) on the next open. One run at a time holds the file lock.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from .errors import InputError


class Ledger:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.records: list[dict] = []
        self._fh = None

    def __enter__(self) -> Ledger:
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        self._fh = os.fdopen(fd, "r+b", buffering=0)
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._fh.close()
            self._fh = None
            raise InputError(f"{self.path} is in use by another run; wait for it to finish") from None
        data = self._fh.read()
        good = data.rfind(b"\n") + 1
        if good < len(data):  # a torn last line from a crash mid-write
            self._fh.truncate(good)
            os.fsync(self._fh.fileno())
        self.records = []
        for number, line in enumerate(data[:good].splitlines(), start=1):
            if not line.strip():
                continue
            try:
                self.records.append(json.loads(line))
            except ValueError:
                raise InputError(f"{self.path}:{number}: not a JSON record; restore the file from git") from None
        self._fh.seek(0, os.SEEK_END)

    def append(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        self._fh.write(line.encode("utf-8"))
        os.fsync(self._fh.fileno())
        self.records.append(record)

    def close(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
