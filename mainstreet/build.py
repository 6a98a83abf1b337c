"""Build the site safely: render into a staging folder, then swap it into place.

Pelican writes into its output folder as it goes, keeps stale files from
earlier builds and exits 0 after skipping a file it could not read. This
driver runs Pelican with every error collected (see errors.py), renders into a
fresh sibling folder and only replaces output/ when the whole build succeeded,
so output/ always holds one complete, current build and a failed build leaves
the previous one untouched.

The private reports (``REPORTS_PATH``: manifest.json, calendar views) follow
the same rule: plugins write them into a staging folder inside the reports
folder, and they replace the previous ones only after output/ was swapped in,
so a manifest always describes the output/ that exists.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import guards, parallelwrite
from .errors import BuildAbortedError, BuildError, Problem, ProblemCollector, UsageError
from .fastmarkdown import with_fast_inline
from .prerender import prerendering
from .urlcache import caching_urls

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class BuildResult:
    output: Path
    seconds: float
    warnings: list[str]
    reports: Path | None = None
    # plugins/visibility's coming publish/expiry moments, earliest first
    # (dicts with "at", "slug", "change", "source").
    upcoming: list[dict] = field(default_factory=list)


class _WarningRecorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < logging.ERROR:
            self.messages.append(record.getMessage())


def _reset_pelican_log_filter() -> None:
    """Pelican's LimitFilter remembers messages for the whole process; start clean."""
    from pelican.log import LimitFilter

    LimitFilter._ignore.clear()
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


def load_settings(settings_file: str | os.PathLike, overrides: dict | None = None) -> dict:
    from pelican.settings import read_settings

    path = Path(settings_file)
    if not path.is_file():
        raise UsageError(f"settings file {str(path)!r} not found; run from the project folder")
    try:
        return read_settings(str(path), override=dict(overrides or {}))
    except SyntaxError as exc:
        raise BuildError([Problem(f"syntax error in settings: {exc.msg}", exc.filename, exc.lineno)]) from None
    except Exception as exc:  # noqa: BLE001 - any error in a user's settings file
        raise BuildError([Problem(f"could not load settings: {type(exc).__name__}: {exc}", str(path))]) from None


def build(
    settings_file: str | os.PathLike = ROOT / "pelicanconf.py",
    output: str | os.PathLike | None = None,
    now: dt.datetime | str | None = None,
    overrides: dict | None = None,
    reports: str | os.PathLike | None = None,
) -> BuildResult:
    """Build the site into ``output`` (default: the settings' OUTPUT_PATH).

    ``reports`` overrides REPORTS_PATH (default "reports" next to the settings
    file). Raises BuildError with every problem found; output and reports are
    then unchanged.
    """
    started = time.perf_counter()
    extra = dict(overrides or {})
    if now is not None:
        extra["BUILD_NOW"] = now
    settings = load_settings(settings_file, extra)
    if settings.get("BUILD_FAST_MARKDOWN", True):
        # The same HTML, converted faster (fastmarkdown.py).
        settings["MARKDOWN"] = with_fast_inline(settings.get("MARKDOWN"))
    target = Path(output).resolve() if output else Path(settings["OUTPUT_PATH"])
    content = Path(settings["PATH"])
    if target == content or content.is_relative_to(target):
        raise UsageError(f"output folder {target} would contain the content folder {content}")
    root = str(Path(settings_file).resolve().parent)
    # Files that would crash or corrupt the build stop it before Pelican reads them.
    unsafe = guards.preflight(settings, root)
    if unsafe:
        raise BuildError(unsafe)
    reports_dir = _reports_folder(settings, settings_file, reports)
    if reports_dir == target or reports_dir.is_relative_to(target):
        raise UsageError(f"reports folder {reports_dir} is inside the output folder {target}; reports are private")
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-building-", dir=target.parent))
    settings["OUTPUT_PATH"] = str(staging)
    settings["DELETE_OUTPUT_DIRECTORY"] = False
    reports_dir.mkdir(parents=True, exist_ok=True)
    reports_staging = Path(tempfile.mkdtemp(prefix=".building-", dir=reports_dir))
    settings["REPORTS_PATH"] = str(reports_staging)

    collector = ProblemCollector(root, settings["PATH"])
    _ACTIVE.append(collector)
    recorder = _WarningRecorder()
    pelican_logger = logging.getLogger()
    pelican_logger.addHandler(collector)
    pelican_logger.addHandler(recorder)
    _reset_pelican_log_filter()
    from pelican import Pelican, signals

    def choose_writer(pelican):  # pages rendered on every core (parallelwrite.py)
        return parallelwrite.writer_class(pelican.settings, collector, recorder)

    try:
        signals.get_writer.connect(_stop_before_writing)
        guards.connect()
        signals.get_writer.connect(choose_writer, weak=False)
        signals.all_generators_finalized.connect(parallelwrite.add_flush)
        try:
            # Markdown converted on every core and cached beside the output (prerender.py).
            with prerendering(settings, target), caching_urls():
                Pelican(settings).run()
        except BuildAbortedError:
            pass  # the problems that stopped it are collected already
        except Exception as exc:  # noqa: BLE001 - reported as a build problem below
            collector.problems.append(_problem_from_exception(exc, root))
    finally:
        signals.get_writer.disconnect(choose_writer)
        _ACTIVE.remove(collector)
        pelican_logger.removeHandler(collector)
        pelican_logger.removeHandler(recorder)

    if collector.problems:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(reports_staging, ignore_errors=True)
        raise BuildError(collector.problems)
    _swap_into_place(staging, target)
    _publish_reports(reports_staging, reports_dir)
    upcoming = list(settings.get("VISIBILITY_UPCOMING") or [])
    return BuildResult(target, time.perf_counter() - started, recorder.messages, reports_dir, upcoming)


def _reports_folder(settings: dict, settings_file, override) -> Path:
    """--reports, else REPORTS_PATH (relative to the settings file's folder)."""
    if override:
        return Path(override).resolve()
    path = Path(settings.get("REPORTS_PATH") or "reports")
    return path if path.is_absolute() else (Path(settings_file).resolve().parent / path).resolve()


def _publish_reports(staging: Path, folder: Path) -> None:
    """Move the new reports over the old ones, file by file (other reports stay)."""
    for path in sorted(staging.iterdir()):
        os.replace(path, folder / path.name)
    shutil.rmtree(staging, ignore_errors=True)


# The collector of the build in progress (a list, so nested builds unwind cleanly).
_ACTIVE: list[ProblemCollector] = []


def _stop_before_writing(pelican):
    """Reading found problems: stop before a single file is written."""
    if _ACTIVE and _ACTIVE[-1].problems:
        raise BuildAbortedError("problems found while reading the content")


def _problem_from_exception(exc: Exception, root: str) -> Problem:
    name = type(exc).__name__
    text = str(exc)
    if name == "PelicanTemplateNotFound":
        return Problem(f"{text}; add the template to the theme or fix the Template metadata")
    if name == "FileOverwriteFailedError":
        return Problem(f"two outputs write the same file: {text}; give each a unique Slug or Save_as")
    logger.debug("build failed", exc_info=exc)
    return Problem(f"the build stopped: {name}: {text} (run with --debug for the traceback)")


def _swap_into_place(staging: Path, target: Path) -> None:
    """Replace ``target`` with ``staging`` with two renames on one filesystem."""
    previous = None
    if target.exists():
        previous = Path(tempfile.mkdtemp(prefix=f".{target.name}-previous-", dir=target.parent))
        previous.rmdir()
        target.rename(previous)
    staging.rename(target)
    target.chmod(0o755)  # mkdtemp makes 0700 folders; a web server needs to read it
    if previous is not None:
        _remove_later(previous)


def _remove_later(folder: Path) -> None:
    """Delete a replaced output folder in a detached process; the build is done without it.

    Deleting thousands of files can take longer than the rebuild itself (each
    unlink waits for the disk, more so on file systems mounted with ``discard``),
    and the new output is already in place. A folder a deleter did not finish
    (the machine stopped) is removed by the next build.
    """
    try:
        subprocess.Popen(  # noqa: S603 - our interpreter, a fixed script, a path we created
            [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(folder)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True,
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_leftovers(target: Path) -> None:
    """Replaced output folders an earlier build left behind (its deleter was stopped)."""
    for folder in target.parent.glob(f".{target.name}-previous-*"):
        if folder.is_dir():
            _remove_later(folder)
