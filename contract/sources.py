"""Locating things in the user's source files, for messages of the form file:line."""

from __future__ import annotations

import os


def metadata_line(source_path: str, key: str) -> int:
    """Line number of ``key:`` in a Markdown file's metadata header (1 if absent)."""
    wanted = key.lower() + ":"
    try:
        with open(source_path, encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    break
                if line.lstrip("\ufeff").lower().startswith(wanted):
                    return number
    except OSError:
        pass
    return 1


def find_line(path: str, needle: str, header_only: bool = False) -> int | None:
    """First line of ``path`` containing ``needle`` (None when absent)."""
    if not needle:
        return None
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, start=1):
                if header_only and not line.strip():
                    return None
                if needle in line:
                    return number
    except OSError:
        return None
    return None


def display_path(path: str, root: str) -> str:
    """``path`` relative to ``root`` when it lies inside it, else unchanged."""
    try:
        rel = os.path.relpath(path, root)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def project_path(path: str, settings) -> str:
    """A content path as the user sees it: relative to the folder holding content/."""
    return display_path(path, os.path.dirname(os.path.abspath(settings.get("PATH", "."))))
