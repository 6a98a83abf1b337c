"""Where things are: the public address, the reports folder, the feed paths, the settings file.

One rule each, shared by the build's plugins and the tools that run after it
(seo/, outreach/, insights/), so they cannot disagree about where to look.
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path

REPORTS_PATH = "reports"  # REPORTS_PATH's default: private build and audit output
MANIFEST_FILE = "manifest.json"  # in the reports folder
# FEEDS' default paths in output/ (plugins/feeds writes them; outreach reads the JSON Feed).
FEED_PATHS = {
    "atom": "feeds/all.atom.xml",
    "rss": "feeds/all.rss.xml",
    "json": "feeds/all.json",
    "category_atom": "feeds/category/{slug}.atom.xml",
    "category_rss": "feeds/category/{slug}.rss.xml",
    "segment_atom": "feeds/segment/{segment}.atom.xml",
    "segment_rss": "feeds/segment/{segment}.rss.xml",
}


class SettingsFileError(ValueError):
    """The settings file is missing or does not run; the message says where and why."""


def public_site_url(settings) -> str:
    """The site's public address without a trailing slash: PUBLIC_SITEURL, else SITEURL, else ""."""
    return str(settings.get("PUBLIC_SITEURL") or settings.get("SITEURL") or "").rstrip("/")


def resolve_path(value: str | os.PathLike, base: str | os.PathLike) -> Path:
    """``value`` as an absolute path; a relative one starts at ``base``."""
    path = Path(value)
    return path if path.is_absolute() else (Path(base) / path).resolve()


def reports_folder(settings, settings_file: str | os.PathLike) -> Path:
    """REPORTS_PATH, relative to the folder of the settings file (default ``reports``)."""
    return resolve_path(settings.get("REPORTS_PATH") or REPORTS_PATH, Path(settings_file).resolve().parent)


def read_settings_file(path: str | os.PathLike) -> dict:
    """Run a settings file (pelicanconf.py) without Pelican and return its UPPER_CASE names.

    Raises SettingsFileError naming the file (and the line of a syntax error).
    """
    path = Path(path)
    if not path.is_file():
        raise SettingsFileError(f"settings file {str(path)!r} not found; run from the project folder or pass -s")
    try:
        namespace = runpy.run_path(str(path), run_name="settings")
    except SyntaxError as exc:
        raise SettingsFileError(f"{exc.filename}:{exc.lineno}: syntax error in settings: {exc.msg}") from None
    except Exception as exc:  # noqa: BLE001 - any error in a user's settings file
        raise SettingsFileError(f"{path}: could not load settings ({type(exc).__name__}: {exc})") from None
    return {key: value for key, value in namespace.items() if key.isupper()}
