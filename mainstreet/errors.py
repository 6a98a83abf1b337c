"""Errors a user can act on, and the translation of Pelican's log records into them.

Every message has the shape ``file:line: what is wrong; how to fix it`` so an
editor or CI can jump to the spot. The build driver collects them all and
prints them together instead of stopping at the first.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from dataclasses import dataclass

from contract.sources import display_path, find_line

from . import compat
from .compat import content_source_in_stack


class MainstreetError(Exception):
    """Base class of the errors the command line prints without a traceback."""

    exit_code = 1


class UsageError(MainstreetError):
    """The command was called wrongly (bad option, missing settings file)."""

    exit_code = 2


class UntestedVersionError(UsageError):
    """Pelican or Markdown is not the version the build engine was checked against (compat.py)."""


class BuildAbortedError(MainstreetError):
    """Raised inside a build to stop it before anything is written (problems already logged)."""


class BuildError(MainstreetError):
    """The site could not be built; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Problem:
    message: str
    path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}: {self.message}"
        if self.path:
            return f"{self.path}: {self.message}"
        return self.message


# Pelican messages that mean "something would be published wrongly" although
# Pelican logs them only as warnings.
FATAL_WARNINGS = compat.BROKEN_LINK

_LOCATED = re.compile(r"^(?P<path>[^:\n]+\.\w+):(?P<line>\d+): (?P<message>.*)$", re.S)


def metadata_line_for(path: str, text: str) -> int | None:
    """Line of the metadata header whose value appears in ``text`` (e.g. an error)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    return None
                key, sep, value = line.partition(":")
                value = value.strip()
                if sep and value and value in text:
                    return number
    except OSError:
        return None
    return None


def problem_from_record(record: logging.LogRecord, root: str, content_path: str = "") -> Problem:
    """Turn one Pelican or plugin log record into a located, actionable Problem."""
    msg, args = record.msg, record.args if isinstance(record.args, tuple) else ()
    if msg == compat.COULD_NOT_PROCESS and args:
        path = os.path.join(content_path, str(args[0]))
        exc = record.exc_info[1] if record.exc_info else getattr(record, "mainstreet_exception", None)
        reason = f"{type(exc).__name__}: {exc}" if exc else "could not be read"
        line = metadata_line_for(path, str(exc)) if exc else None
        hint = _hint_for_exception(str(exc) if exc else "")
        return Problem(f"could not read this file ({reason}){hint}", display_path(path, root), line)
    if msg.startswith(compat.MISSING_METADATA) and len(args) == 2:
        path, prop = str(args[0]), str(args[1])
        return Problem(
            f"missing required metadata {prop.capitalize()!r}; add a line "
            f"'{prop.capitalize()}: ...' to the metadata block at the top of the file",
            display_path(path, root),
            1,
        )
    if msg.startswith(compat.UNKNOWN_STATUS) and len(args) >= 2:
        status, path = str(args[0]), str(args[1])
        return Problem(
            f"unknown Status {status!r}; use one of: published, draft, hidden",
            display_path(path, root),
            find_line(path, status, header_only=True),
        )
    if msg.startswith(compat.OUTSIDE_OUTPUT):
        path, save_as = str(args[0]), str(args[1])
        return Problem(
            f"this file would be written outside output/ ({save_as!r}); "
            "use a plain Slug without '..' or leading '/'",
            display_path(path, root),
            find_line(path, "..", header_only=True) or 1,
        )
    if msg in FATAL_WARNINGS and args:
        target = str(args[0])
        source = getattr(record, "mainstreet_source", None)
        if source:
            return Problem(
                f"broken link to {target!r}: no such file in content/; links with "
                "{filename} are relative to this file's folder, or to content/ when they "
                "start with '/'",
                display_path(source, root),
                find_line(source, target),
            )
        return Problem(f"broken intra-site link to {target!r}: no such file in content/")
    if msg.startswith(compat.PLUGIN_FAILED):
        text = record.getMessage()
        exc = record.exc_info[1] if record.exc_info else None
        detail = f" ({type(exc).__name__}: {exc})" if exc else ""
        return Problem(
            f"{text.splitlines()[0]}{detail}; check PLUGINS and PLUGIN_PATHS in the settings"
        )
    text = record.getMessage()
    located = _LOCATED.match(text)
    if located:
        return Problem(located["message"], located["path"], int(located["line"]))
    return Problem(text)


def _hint_for_exception(text: str) -> str:
    lowered = text.lower()
    if "date" in lowered or "string format" in lowered or "out of range" in lowered:
        return "; write dates as YYYY-MM-DD or YYYY-MM-DD HH:MM"
    if "codec" in lowered or "decode" in lowered:
        return "; save the file as UTF-8"
    if "recursion" in lowered:
        return "; lists or quotes are nested too deeply (hundreds of levels): flatten them"
    return ""


class ProblemCollector(logging.Handler):
    """Collects the records that must fail a build, as Problems."""

    def __init__(self, root: str, content_path: str = ""):
        super().__init__(level=logging.WARNING)
        self.root = root
        self.content_path = content_path
        self.problems: list[Problem] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.msg in FATAL_WARNINGS:
            if record.msg in FATAL_WARNINGS:
                record.mainstreet_source = content_source_in_stack()
            # Pelican logs "Could not process" inside its except block without
            # exc_info (unless DEBUG); the exception is still the one being handled.
            record.mainstreet_exception = sys.exc_info()[1]
            problem = problem_from_record(record, self.root, self.content_path)
            if problem not in self.problems:
                self.problems.append(problem)
