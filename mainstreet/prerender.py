"""Markdown read in parallel and cached across builds.

Converting Markdown is the biggest single cost of a build, and each file's
HTML depends only on its text and the ``MARKDOWN`` settings. So the build
converts every Markdown file under ``PATH`` in worker processes (one per core,
``BUILD_WORKERS``), while Pelican's generators ask for them one by one, and
keeps the results in a cache next to the output folder (``BUILD_CACHE``), keyed
by a hash of the file's text, the ``MARKDOWN`` settings and the versions of
Markdown and Pelican. A changed file, a changed Markdown setting or an upgrade
is a cache miss; nothing else is cached (metadata processing, plugins,
templates and writing run as in a serial build), so the output is byte for
byte the one a serial, uncached build writes (tests/test_prerender.py).

A conversion that logs anything, fails or is not found in the cache is done
again in the main process, exactly as Pelican would, so warnings and errors
are reported the same way, with the same file and line.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import fnmatch
import functools
import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

CACHE_FILE = "markdown.pickle"
CACHE_VERSION = 1
# Below this many files to convert, starting worker processes costs more than it saves.
MIN_PARALLEL_FILES = 24


def cache_folder(output: Path) -> Path:
    """The cache lives beside the output folder (``.output-cache`` for ``output``), never inside it."""
    return output.parent / f".{output.name}-cache"


@contextlib.contextmanager
def prerendering(settings: dict, output: Path):
    """Within this block, Pelican reads Markdown through the workers and the cache."""
    from pelican.readers import MarkdownReader

    extensions = MarkdownReader.file_extensions
    readers = settings.get("READERS") or {}
    chosen = settings.get("BUILD_WORKERS")
    workers = (os.cpu_count() or 1) if chosen is None else int(chosen)
    use_cache = bool(settings.get("BUILD_CACHE", True))
    if any(ext in readers for ext in extensions) or not MarkdownReader.enabled or (workers <= 1 and not use_cache):
        yield None  # a custom Markdown reader, or both optimisations off: Pelican's own reading
        return
    # Workers pay off from a few dozen files; BUILD_WORKERS set explicitly always uses them.
    state = _State(settings, workers, cache_folder(output) if use_cache else None,
                   min_files=MIN_PARALLEL_FILES if chosen is None else 2)
    settings["READERS"] = {**readers, **dict.fromkeys(extensions, reader_class())}
    _ACTIVE.append(state)
    try:
        yield state
    finally:
        _ACTIVE.remove(state)
        state.close()


# The prerendering of the build in progress (a list, so nested builds unwind cleanly).
_ACTIVE: list[_State] = []


@functools.cache
def reader_class():
    """The reader, made on first use: importing this module must not import Pelican."""
    from . import compat

    class PrerenderedMarkdownReader(compat.markdown_reader_class()):
        """Pelican's Markdown reader, served from the workers or the cache when it can be."""

        def read(self, source_path):
            state = _ACTIVE[-1] if _ACTIVE else None
            if state is None:
                return super().read(source_path)
            found, key = state.result(source_path, self.settings["MARKDOWN"])
            if found is None:
                # Pelican's own reading; remembered for the next build unless it logged.
                heard = _Heard()
                logging.getLogger().addHandler(heard)
                try:
                    self.raw_meta = None
                    content, metadata = super().read(source_path)
                finally:
                    logging.getLogger().removeHandler(heard)
                if key is not None and not heard.records:
                    state.remember(key, (content, self.raw_meta))
                return content, metadata
            content, meta = found
            if meta is None:
                return content, {}
            return content, self.metadata_from(meta, source_path, _FormattedFields(self.settings))

    return PrerenderedMarkdownReader


class _FormattedFields:
    """What Pelican's metadata processing needs of the Markdown instance, made only when a field needs it.

    Pelican converts FORMATTED_FIELDS (Summary) with the instance that read the
    body, after ``reset()`` and without the meta preprocessor: a fresh instance
    without it converts them the same way.
    """

    def __init__(self, settings):
        self.settings = settings
        self._markdown = None
        self._deregistered: list[str] = []

    @property
    def preprocessors(self):
        return self._instance().preprocessors if self._markdown is not None else self

    def deregister(self, name):
        self._deregistered.append(name)  # applied when the instance is made

    def reset(self):
        return self._instance().reset()

    def convert(self, text):
        return self._instance().convert(text)

    def _instance(self):
        if self._markdown is None:
            from markdown import Markdown

            self._markdown = Markdown(**self.settings["MARKDOWN"])
            for name in self._deregistered:
                self._markdown.preprocessors.deregister(name)
        return self._markdown


class _State:
    def __init__(self, settings: dict, workers: int, cache_dir: Path | None, min_files: int):
        self.settings = settings
        self.workers = workers
        self.min_files = min_files
        self.hits = 0
        self.cache_dir = cache_dir
        self.cache: dict[str, tuple] = {}
        self.used: dict[str, tuple] = {}
        self.futures: dict[str, tuple[str, concurrent.futures.Future]] = {}
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        self.started = False
        self.markdown_key = ""

    def result(self, path: str, markdown_settings: dict) -> tuple[tuple | None, str | None]:
        """((html, raw metadata) or None: read it the usual way, the file's cache key)."""
        if not self.started:
            self.start(markdown_settings)
        if not self.markdown_key:
            return None, None
        if path in self.futures:
            key, future = self.futures.pop(path)
            try:
                found = future.result()
            except Exception:  # noqa: BLE001 - read again by Pelican, which reports the error
                found = None
        else:
            text = _read(path)
            if text is None:
                return None, None
            key = self._key(text)
            found = self.cache.get(key)
        if found is not None:
            self.used[key] = found
        return found, key

    def remember(self, key: str, found: tuple) -> None:
        self.used[key] = found

    def start(self, markdown_settings: dict) -> None:
        """Convert every Markdown file the cache does not have, in the workers."""
        self.started = True
        self.markdown_key = markdown_identity(markdown_settings, self.settings["PATH"]) or ""
        if not self.markdown_key:
            return  # MARKDOWN holds something without a stable identity: read as Pelican does
        self.cache = self._load()
        todo = []
        for path in _markdown_files(self.settings):
            text = _read(path)
            if text is None:
                continue
            key = self._key(text)
            if key in self.cache:
                self.hits += 1
            else:
                todo.append((path, key, text))
        logger.info("mainstreet: Markdown: %d file(s) to convert, %d in the cache", len(todo), self.hits)
        if self.workers > 1 and len(todo) >= self.min_files:
            logger.info("mainstreet: converting Markdown in %d worker processes", self.workers)
            global _WORKER_MARKDOWN
            _WORKER_MARKDOWN = markdown_settings  # inherited by the forked workers
            context = multiprocessing.get_context("fork")
            self.pool = concurrent.futures.ProcessPoolExecutor(self.workers, mp_context=context,
                                                               initializer=_worker_init)
            for path, key, text in todo:
                self.futures[path] = (key, self.pool.submit(_convert, text))

    def _key(self, text: str) -> str:
        return hashlib.sha256(self.markdown_key.encode() + text.encode("utf-8")).hexdigest()

    def _load(self) -> dict:
        if self.cache_dir is None:
            return {}
        try:
            with open(self.cache_dir / CACHE_FILE, "rb") as fh:
                data = pickle.load(fh)  # noqa: S301 - our own file, beside the output we write
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        if self.cache_dir is not None and self.markdown_key and self.used.keys() != self.cache.keys():
            self._save(self.used)  # only what this build used: deleted posts drop out

    def _save(self, data: dict) -> None:
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.cache_dir / CACHE_FILE)
        except OSError as exc:
            logger.info("mainstreet: could not save the Markdown cache in %s: %s", self.cache_dir, exc)


def markdown_identity(markdown_settings: dict, content_path: str) -> str | None:
    """What a file's HTML depends on besides its text, as a hash; None when it cannot be told.

    The MARKDOWN settings (an extension object counts as its class, its
    attributes and its module's source code), the versions of Markdown and
    Pelican, and the size and time of every other file under the content
    folder: extensions read images (onpage adds their width and height).
    """
    import inspect

    import markdown
    import pelican
    from markdown.extensions import Extension

    def describe(obj):
        if isinstance(obj, Extension):
            cls = type(obj)
            source = hashlib.sha256(Path(inspect.getfile(cls)).read_bytes()).hexdigest()
            return {"class": f"{cls.__module__}.{cls.__qualname__}", "source": source, "attributes": vars(obj)}
        raise TypeError(f"{type(obj).__name__} has no stable identity")

    try:
        config = json.dumps(markdown_settings, sort_keys=True, default=describe)
    except (TypeError, ValueError, OSError):
        return None
    digest = hashlib.sha256(f"{CACHE_VERSION}\0{markdown.__version__}\0{pelican.__version__}\0{config}".encode())
    suffixes = tuple(f".{ext}" for ext in _markdown_extensions())
    for dirpath, dirs, files in os.walk(content_path, followlinks=True):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(suffixes):
                path = os.path.join(dirpath, name)
                with contextlib.suppress(OSError):
                    stat = os.stat(path)
                    digest.update(f"\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _markdown_extensions() -> list[str]:
    from pelican.readers import MarkdownReader

    return MarkdownReader.file_extensions


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8-sig") as fh:  # as pelican.utils.pelican_open
            return fh.read()
    except (OSError, UnicodeDecodeError):
        return None  # Pelican reads it and reports the problem


def _markdown_files(settings: dict) -> list[str]:
    """Every Markdown file under PATH that IGNORE_FILES does not exclude (as Pelican's get_files)."""
    suffixes = tuple(f".{ext}" for ext in _markdown_extensions())
    ignores = settings.get("IGNORE_FILES") or []
    found = []
    for dirpath, dirs, files in os.walk(settings["PATH"], topdown=True, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not any(fnmatch.fnmatch(d, pattern) for pattern in ignores))
        for name in sorted(files):
            if name.endswith(suffixes) and not any(fnmatch.fnmatch(name, pattern) for pattern in ignores):
                found.append(os.path.abspath(os.path.join(dirpath, name)))
    return found


# --- in the worker processes ----------------------------------------------------

_WORKER_MARKDOWN: dict | None = None


class _Heard(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = 0

    def emit(self, record):
        if record.levelno >= logging.WARNING:
            self.records += 1


_HEARD = _Heard()


def _worker_init() -> None:
    # The parent's handlers (the build's problem collector) must not run here.
    root = logging.getLogger()
    root.handlers[:] = [_HEARD]


def _convert(text: str) -> tuple | None:
    """The HTML and raw metadata of one file, as MarkdownReader.read makes them; None if it logged."""
    from markdown import Markdown

    before = _HEARD.records
    md = Markdown(**_WORKER_MARKDOWN)
    content = md.convert(text)
    meta = md.Meta if hasattr(md, "Meta") else None
    if _HEARD.records != before:
        return None  # converted again in the main process, where the message is reported
    return content, meta
