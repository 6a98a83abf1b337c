"""EDITORIAL settings and the folders they name; no Pelican needed (the command line uses it too)."""

from __future__ import annotations

import numbers
import os
from pathlib import Path

from contract.site import REPORTS_PATH, resolve_path

from .plan import CHANNELS, Vocabulary

DEFAULTS = {
    "path": "calendar",  # the calendar folder, relative to the project folder
    "cadence": 1,  # target posts per week (0.5 = one every two weeks)
    "channels": list(CHANNELS),  # the channels a row may name
}


def editorial_settings(settings) -> dict:
    """EDITORIAL merged over DEFAULTS, without touching the user's dict."""
    merged = dict(DEFAULTS)
    merged.update(settings.get("EDITORIAL") or {})
    return merged


def settings_problems(conf: dict) -> list[str]:
    problems = []
    for key in conf:
        if key not in DEFAULTS:
            problems.append(f"EDITORIAL[{key!r}] is not a setting; known: {', '.join(DEFAULTS)}")
    if not isinstance(conf["path"], (str, os.PathLike)) or not str(conf["path"]):
        problems.append(f"EDITORIAL['path'] = {conf['path']!r}; expected a folder name such as 'calendar'")
    cadence = conf["cadence"]
    if isinstance(cadence, bool) or not isinstance(cadence, numbers.Real) or cadence <= 0:
        problems.append(
            f"EDITORIAL['cadence'] = {cadence!r}; expected a positive number of posts a week, e.g. 2 or 0.5"
        )
    channels = conf["channels"]
    if not isinstance(channels, (list, tuple)) or not all(
        isinstance(c, str) and c and c == c.strip().lower() for c in channels
    ):
        problems.append(
            f"EDITORIAL['channels'] = {channels!r}; expected a list of lower-case names, e.g. ['blog', 'newsletter']"
        )
    return problems


def project_folder(settings) -> Path:
    """The folder holding content/: relative calendar and reports paths start here."""
    return Path(settings["PATH"]).resolve().parent


def reports_folder(settings) -> Path:
    """REPORTS_PATH (the build driver makes it absolute; plain ``pelican`` runs resolve it here)."""
    return resolve_path(settings.get("REPORTS_PATH") or REPORTS_PATH, project_folder(settings))


def vocabulary(settings, conf: dict | None = None) -> Vocabulary:
    """What a plan row may name: the keys of SEGMENTS and the configured channels."""
    conf = conf or editorial_settings(settings)
    return Vocabulary(tuple(settings.get("SEGMENTS") or {}), tuple(conf["channels"]))


def segment_labels(settings) -> dict[str, str]:
    """SEGMENTS as key -> label."""
    return {
        key: str(value.get("label", key)) if isinstance(value, dict) else key
        for key, value in (settings.get("SEGMENTS") or {}).items()
    }
