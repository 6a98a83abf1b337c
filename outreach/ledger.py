"""Append-only JSON Lines ledgers in state/: what was sent, what was scheduled.

Every record is written with one ``write``. ``append`` makes it durable with
``fsync`` before the caller goes on, so a crash never loses a record that was
appended. ``append_soon`` hands the ``fsync`` to a background thread and
returns at once: the record is in the operating system's cache (a crash of the
process keeps it, a crash of the machine may not) until ``wait_durable``
returns, which the caller must call before it relies on the record being on
disk. A crash in the middle of a write can leave a torn last line; it is dropped
(and cut off the file) on the next open. One run at a time holds the file lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from pathlib import Path

from .errors import InputError


def invalid_record(path: Path, line: int, what: str) -> InputError:
    """The error for line ``line`` of a ledger that is not a record it could have written."""
    return InputError(f"{path}:{line}: not a valid ledger record ({what}); restore the file from git")


def parse_records(data: bytes, path: Path) -> tuple[list[int], list[dict]]:
    """(line numbers, records) of the complete lines of ``data``; InputError names a line that is not
    a JSON object. A torn last line (no newline) is left out."""
    lines, records = [], []
    for number, line in enumerate(data[: data.rfind(b"\n") + 1].splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise invalid_record(path, number, "not JSON") from None
        if not isinstance(record, dict):
            raise invalid_record(path, number, f"{_json_kind(record)}, not a JSON object")
        lines.append(number)
        records.append(record)
    return lines, records


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    return {list: "an array", str: "a string"}.get(type(value), "a number")


class Ledger:
    """One append-only JSON Lines file, locked while open."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.records: list[dict] = []
        self.lines: list[int] = []  # the line of each record read from the file
        self._fh = None
        self._syncer: _Syncer | None = None

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
        try:
            data = self._fh.read()
            good = data.rfind(b"\n") + 1
            if good < len(data):  # a torn last line from a crash mid-write
                self._fh.truncate(good)
                os.fsync(self._fh.fileno())
            self.lines, self.records = parse_records(data, self.path)
        except BaseException:
            self.close()
            raise
        self._fh.seek(0, os.SEEK_END)

    def append(self, record: dict) -> None:
        """Write ``record`` and return once it is on disk."""
        self.append_soon(record)
        self.wait_durable()

    def append_soon(self, record: dict) -> None:
        """Write ``record`` now and start making it durable in the background (see wait_durable)."""
        line = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        self._fh.write(line.encode("utf-8"))
        self.records.append(record)
        if self._syncer is None:
            self._syncer = _Syncer(self._fh.fileno())
        self._syncer.written()

    def wait_durable(self) -> None:
        """Return once every record written so far is on disk; raises the error of a failed fsync."""
        if self._syncer is not None:
            self._syncer.wait()

    def close(self) -> None:
        if self._fh is not None:
            try:
                if self._syncer is not None:
                    self._syncer.stop()
            finally:
                self._syncer = None
                fcntl.flock(self._fh, fcntl.LOCK_UN)
                self._fh.close()
                self._fh = None


class _Syncer:
    """One thread that fsyncs a file descriptor whenever something new was written to it.

    Writes are counted; an fsync that starts after write number N has been made covers
    writes 1..N (fsync flushes everything written to the file before it starts).
    """

    def __init__(self, fd: int):
        self.fd = fd
        self.lock = threading.Condition()
        self.count = 0  # writes done
        self.synced = 0  # writes known to be on disk
        self.error: OSError | None = None
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name="ledger-fsync", daemon=True)
        self.thread.start()

    def written(self) -> None:
        with self.lock:
            self.count += 1
            self.lock.notify_all()

    def wait(self) -> None:
        with self.lock:
            target = self.count
            while self.synced < target and self.error is None:
                self.lock.wait()
            if self.error is not None:
                raise self.error

    def stop(self) -> None:
        try:
            self.wait()
        finally:
            with self.lock:
                self.stopping = True
                self.lock.notify_all()
            self.thread.join()

    def _run(self) -> None:
        while True:
            with self.lock:
                while self.synced == self.count and not self.stopping:
                    self.lock.wait()
                if self.synced == self.count:
                    return
                target = self.count
            try:
                os.fsync(self.fd)
            except OSError as exc:
                with self.lock:
                    self.error = exc
                    self.lock.notify_all()
                return
            with self.lock:
                self.synced = target
                self.lock.notify_all()
