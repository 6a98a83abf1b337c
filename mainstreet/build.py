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

Interrupted builds (a kill, a power cut) leave nothing half-done behind:

* Each staging folder is locked (``flock``) by its build for as long as the
  build runs; the next build and ``python -m mainstreet clean`` remove the
  ones no running build holds, and leave a concurrent build's alone.
* The swap exchanges the staging folder and output/ in one step
  (``renameat2(RENAME_EXCHANGE)``) where the kernel and file system have it.
  Elsewhere it takes two renames, output/ to ``.output-previous-*`` and the
  staging folder to output/; a build killed between them leaves no output/,
  and the next build first puts the previous copy back.

``MAINSTREET_SWAP_PAUSE`` (seconds) makes the swap take the two renames and
wait that long between them, for tests of a build killed there.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from contract.site import reports_folder
from contract.state import build_state, new_build_state

from . import compat, guards, parallelwrite
from .errors import BuildAbortedError, BuildError, Problem, ProblemCollector, UsageError
from .fastmarkdown import with_fast_inline
from .prerender import prerendering
from .urlcache import caching_urls

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
SWAP_PAUSE_ENV = "MAINSTREET_SWAP_PAUSE"


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
    compat.check()  # Pelican and Markdown as tested, or a clear message instead of a wrong site
    extra = dict(overrides or {})
    if now is not None:
        extra["BUILD_NOW"] = now
    settings = load_settings(settings_file, extra)
    target = Path(output).resolve() if output else Path(settings["OUTPUT_PATH"])
    # Before anything else: an interrupted swap may have left no output/.
    restored = restore_interrupted(target)
    try:
        return _build(settings, settings_file, target, reports, started)
    except BuildError as exc:
        exc.output_note = output_note(target, restored)
        raise


def output_note(target: Path, restored: Path | None = None) -> str:
    """What a failed build left in ``target``, in words that are true."""
    shown = f"{target.name}/"
    if restored is not None:
        return (f"{shown} was missing after an interrupted build and holds the last good build again "
                f"(restored from {restored.name})")
    if target.is_dir():
        return f"{shown} was left as it was"
    return f"{shown} does not exist and nothing was written to it"


def _build(settings: dict, settings_file, target: Path, reports, started: float) -> BuildResult:
    """The build proper, once the output folder is known and in its place."""
    if settings.get("BUILD_FAST_MARKDOWN", True):
        # The same HTML, converted faster (fastmarkdown.py).
        settings["MARKDOWN"] = with_fast_inline(settings.get("MARKDOWN"))
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
    reports_dir.mkdir(parents=True, exist_ok=True)
    remove_stale(target, reports_dir)
    locks = []
    try:
        staging = _new_locked_folder(target.parent, f".{target.name}-building-", locks)
        reports_staging = _new_locked_folder(reports_dir, ".building-", locks)
        return _render(settings, root, target, staging, reports_dir, reports_staging, started)
    finally:
        for fd in locks:
            os.close(fd)


def _render(settings: dict, root: str, target: Path, staging: Path, reports_dir: Path, reports_staging: Path,
            started: float) -> BuildResult:
    """Run Pelican into ``staging``; swap it in when nothing went wrong."""
    settings["OUTPUT_PATH"] = str(staging)
    settings["DELETE_OUTPUT_DIRECTORY"] = False
    settings["REPORTS_PATH"] = str(reports_staging)
    new_build_state(settings)  # what the plugins of this build share (contract.state)

    collector = ProblemCollector(root, settings["PATH"])
    _ACTIVE.append(collector)
    recorder = _WarningRecorder()
    pelican_logger = logging.getLogger()
    pelican_logger.addHandler(collector)
    pelican_logger.addHandler(recorder)
    compat.reset_limit_filter()
    from pelican import Pelican, signals

    def choose_writer(pelican):  # pages rendered on every core (parallelwrite.py)
        return parallelwrite.writer_class(pelican.settings, collector, recorder)

    try:
        with _connections_undone():
            signals.get_writer.connect(_stop_before_writing)
            guards.connect()
            signals.get_writer.connect(choose_writer, weak=False)
            parallelwrite.connect()  # before the plugins' receivers (Pelican registers them)
            try:
                # Markdown converted on every core and cached beside the output (prerender.py).
                with prerendering(settings, target), caching_urls():
                    Pelican(settings).run()
            except BuildAbortedError:
                pass  # the problems that stopped it are collected already
            except Exception as exc:  # noqa: BLE001 - reported as a build problem below
                collector.problems.append(_problem_from_exception(exc, root))
    finally:
        _ACTIVE.remove(collector)
        if not _ACTIVE:
            guards.remove_slug_fallback()
        pelican_logger.removeHandler(collector)
        pelican_logger.removeHandler(recorder)

    if collector.problems:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(reports_staging, ignore_errors=True)
        raise BuildError(collector.problems)
    _swap_into_place(staging, target)
    _publish_reports(reports_staging, reports_dir)
    upcoming = list(build_state(settings).upcoming)
    return BuildResult(target, time.perf_counter() - started, recorder.messages, reports_dir, upcoming)


def _reports_folder(settings: dict, settings_file, override) -> Path:
    """--reports, else REPORTS_PATH (relative to the settings file's folder)."""
    return Path(override).resolve() if override else reports_folder(settings, settings_file)


def _publish_reports(staging: Path, folder: Path) -> None:
    """Move the new reports over the old ones, file by file (other reports stay)."""
    for path in sorted(staging.iterdir()):
        os.replace(path, folder / path.name)
    shutil.rmtree(staging, ignore_errors=True)


# The collector of the build in progress (a list, so nested builds unwind cleanly).
_ACTIVE: list[ProblemCollector] = []


@contextlib.contextmanager
def _connections_undone():
    """Every receiver connected to a Pelican signal within (ours, the plugins') is disconnected after.

    Plugins connect theirs when Pelican registers them, once per build; a
    second build in the same process (tests, the live server) starts with the
    receivers there were before the first.
    """
    before = {name: set(compat.receivers(signal)) for name, signal in compat.pelican_signals().items()}
    try:
        yield
    finally:
        for name, signal in compat.pelican_signals().items():
            for key, receiver in compat.receivers(signal).items():
                if key not in before.get(name, ()):
                    signal.disconnect(receiver)


def _stop_before_writing(pelican):
    """Reading found problems: stop before a single file is written."""
    if _ACTIVE and _ACTIVE[-1].problems:
        raise BuildAbortedError("problems found while reading the content")


def _problem_from_exception(exc: Exception, root: str) -> Problem:
    name = type(exc).__name__
    text = str(exc)
    if name == compat.TEMPLATE_NOT_FOUND:
        return Problem(f"{text}; add the template to the theme or fix the Template metadata")
    if name == compat.FILE_OVERWRITE_FAILED:
        return Problem(f"two outputs write the same file: {text}; give each a unique Slug or Save_as")
    logger.debug("build failed", exc_info=exc)
    return Problem(f"the build stopped: {name}: {text} (run with --debug for the traceback)")


def _swap_into_place(staging: Path, target: Path) -> None:
    """Replace ``target`` with ``staging``; at every instant one of them is a whole build.

    One atomic exchange where the kernel has it; otherwise two renames, with
    the replaced output locked under ``.output-previous-*`` in between so a
    concurrent build leaves it alone and the next build restores it if this
    one is killed there (restore_interrupted).
    """
    staging.chmod(0o755)  # mkdtemp makes 0700 folders; a web server needs to read it
    pause = _swap_pause()
    replaced = None
    if pause is None and target.is_dir() and _exchange(staging, target):
        # The exchange left the previous build under the staging name.
        replaced = _unused_name(target.parent, f".{target.name}-removing-")
        staging.rename(replaced)
    elif target.exists():
        previous = _unused_name(target.parent, f".{target.name}-previous-")
        held = _try_lock(target)
        try:
            target.rename(previous)
            if pause:
                time.sleep(pause)
            staging.rename(target)
            replaced = _unused_name(target.parent, f".{target.name}-removing-")
            previous.rename(replaced)
        finally:
            if held is not None:
                os.close(held)
    else:
        staging.rename(target)
    if replaced is not None:
        _remove_later(replaced)


def _swap_pause() -> float | None:
    """MAINSTREET_SWAP_PAUSE: seconds between the two renames (tests of an interrupted swap)."""
    text = os.environ.get(SWAP_PAUSE_ENV, "").strip()
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        raise UsageError(f"{SWAP_PAUSE_ENV}={text!r}: expected a number of seconds") from None


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_NO_EXCHANGE = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}


def _renameat2():
    """glibc's renameat2, or None where there is none (other systems, musl before 1.2.5)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step; False when this kernel or file system cannot."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _NO_EXCHANGE:
        logger.debug("renameat2(RENAME_EXCHANGE) not available here (%s); two renames", os.strerror(code))
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _unused_name(parent: Path, prefix: str) -> Path:
    """A path that does not exist yet, beginning with ``prefix``."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    path.rmdir()
    return path


# --- Locks: is the build that made a folder still running? -----------------------


def _try_lock(folder: Path) -> int | None:
    """An exclusive flock on ``folder`` (an open descriptor), or None when a running build holds it.

    The lock dies with its process, so a killed build's folders are free.
    """
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _new_locked_folder(parent: Path, prefix: str, locks: list[int]) -> Path:
    """A fresh folder, locked for this build (its descriptor appended to ``locks``).

    A sweep of another build can take the lock between mkdtemp and flock and
    move the folder away; then the lock is on a moved folder and we start over.
    """
    while True:
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits only while a sweep holds it
        try:
            here = os.stat(path)
        except FileNotFoundError:
            here = None
        mine = os.fstat(fd)
        if here is not None and (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino):
            locks.append(fd)
            return path
        os.close(fd)


def restore_interrupted(target: Path) -> Path | None:
    """No ``target`` but a replaced copy no build holds: a swap was interrupted; put it back.

    Returns the folder it was restored from, or None.
    """
    if target.exists():
        return None
    candidates = [p for p in target.parent.glob(f".{target.name}-previous-*") if p.is_dir() and not p.is_symlink()]
    for folder in sorted(candidates, key=lambda p: p.stat().st_ctime, reverse=True):
        fd = _try_lock(folder)
        if fd is None:
            continue  # its build is in the middle of its swap
        try:
            if target.exists():
                return None
            folder.rename(target)
        finally:
            os.close(fd)
        logger.warning("%s was missing after an interrupted build; restored the previous build from %s",
                       target, folder.name)
        return folder
    return None


def remove_stale(target: Path, reports: Path | None = None, previous: bool | None = None) -> list[Path]:
    """Delete what killed builds left beside ``target`` and in ``reports`` (in the background).

    Staging folders (``.output-building-*``, ``reports/.building-*``) and
    replaced outputs (``.output-previous-*``; by default only while output/
    exists, else they are the copy restore_interrupted puts back) go when no
    running build holds their lock; ``.output-removing-*`` (a deleter that
    was stopped) always go. Returns the folders found, by their names before removal.
    """
    name = target.name
    places = [(target.parent, f".{name}-building-", f".{name}-removing-")]
    if target.is_dir() if previous is None else previous:
        places.append((target.parent, f".{name}-previous-", f".{name}-removing-"))
    if reports is not None and reports.is_dir():
        places.append((reports, ".building-", ".removing-"))
    found, doomed = [], []
    for parent, prefix, removing in places:
        for folder in sorted(parent.glob(f"{prefix}*")):
            if not folder.is_dir() or folder.is_symlink():
                continue
            fd = _try_lock(folder)
            if fd is None:
                continue  # a running build's
            try:
                moved = _unused_name(parent, removing)
                folder.rename(moved)
            except OSError:
                continue
            finally:
                os.close(fd)
            found.append(folder)
            doomed.append(moved)
    for parent, removing in {(target.parent, f".{name}-removing-"), (reports, ".removing-")}:
        if parent is None or not parent.is_dir():
            continue
        for folder in sorted(parent.glob(f"{removing}*")):
            if folder.is_dir() and not folder.is_symlink() and folder not in doomed:
                found.append(folder)
                doomed.append(folder)
    for folder in doomed:
        _remove_later(folder)
    return found


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


def clean(outputs: list[Path], reports: Path | None = None) -> list[str]:
    """``invoke clean``: each output folder, its Markdown cache and what killed builds left.

    A running build's staging folders stay. Returns what was removed (names).
    """
    done = []
    for target in outputs:
        target = Path(target).resolve()
        for folder in (target, target.parent / f".{target.name}-cache"):
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder)
                done.append(f"{folder.name}/")
        done += [f"{folder.name}/" for folder in remove_stale(target, reports, previous=True)]
    return done
