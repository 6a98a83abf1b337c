"""Pelican's and Python-Markdown's internals the build engine relies on, in one place.

The guards, the error translation and the speed layers lean on names neither
library documents: private attributes and methods, the exact text of log
messages, the order Pelican runs things in. Every such name is here and only
here (tests/test_compat.py scans the other modules of mainstreet/), so an
upgrade of Pelican or Markdown is checked against one list:

- ``LimitFilter._ignore``, ``_raised_messages``, ``_group_count`` (pelican.log):
  reset before each build (``reset_limit_filter``);
- ``MarkdownReader._md``, ``_source_path``, ``_parse_metadata`` (pelican.readers):
  prerender.py gives Pelican the metadata of a file converted elsewhere
  (``markdown_reader_class``);
- ``Writer._open_w``, ``_written_files``, ``_overridden_files`` (pelican.writers):
  parallelwrite.py watches which files each render opens and keeps Pelican's
  rules for writing a file twice (``writer_class``);
- ``URLWrapper._normalize_key``, ``_slug``, ``_slug_from_name``
  (pelican.urlwrappers): guards.py's slug for names that slugify to nothing
  (``install_slug_fallback``);
- ``Content.url`` and ``Content.save_as`` are properties of the class
  (pelican.contents): urlcache.py (``content_property``);
- the list of generators Pelican sends with ``all_generators_finalized`` is the
  one it then runs ``generate_output`` on (``Pelican.run``): parallelwrite.py
  appends a last "generator" that writes what was deferred (``append_generator``);
- receivers are called in the order they were connected (pelican.plugins.signals
  sets blinker's ``Signal.set_class``): parallelwrite.py finishes the deferred
  writes before the writer signals' other receivers run (``runs_first``);
- ``InlineProcessor.__applyPattern`` and ``__handleInline``, name-mangled
  (markdown.treeprocessors): fastmarkdown.py's inline loop
  (``inline_apply_pattern``, ``install_inline_loop``);
- the text of the log messages errors.py and the console match, and of
  ``Writing "%s"`` (the constants below);
- the content object being processed is ``self`` of a frame on the call stack
  (``sys._getframe``): the file of a broken link (``content_source_in_stack``).

(``Content._content``, which plugins/landing rewrites, is a plugin's business
and not listed here: plugins do not import the engine.)

``check()`` runs at the start of every build: Pelican and Markdown must be the
versions this list was checked against (``TESTED``, the pins of
requirements.lock), and the attributes above must exist. Otherwise the build
stops with a message naming the installed and tested versions and what to do,
instead of writing a subtly wrong site. ``MAINSTREET_ALLOW_UNTESTED=1`` skips
the version comparison (the attribute checks still run) for trying a new
release before the pins move.

Importing this module imports neither Pelican nor Markdown.
"""

from __future__ import annotations

import os
import sys

# The versions this module was checked against: the pins of requirements.lock
# (tests/test_compat.py keeps the two in step).
TESTED = {"pelican": "4.12.0", "markdown": "3.11.3"}
ALLOW_UNTESTED_ENV = "MAINSTREET_ALLOW_UNTESTED"

# --- Pelican's log messages (record.msg, before formatting) ----------------------

COULD_NOT_PROCESS = "Could not process %s"
MISSING_METADATA = "Skipping %s: could not find information about"  # a prefix
UNKNOWN_STATUS = "Unknown status '%s' for file %s"  # a prefix
OUTSIDE_OUTPUT = "Skipping %s: file %r would be written outside output path"  # a prefix
# A {filename} link to nothing; the second form is older Pelican's.
BROKEN_LINK = (
    "Unable to find '%s', skipping url replacement.",
    "Unable to find '%s', skipping url replacement",
)
PLUGIN_FAILED = ("Cannot load plugin", "Cannot register plugin")  # prefixes
# Pelican's duplicate-slug warnings (the build's collision check reports those as errors).
DUPLICATE_SLUG = ("There are %s items", "There are %s original")  # prefixes
WRITING = 'Writing "%s"'
# Exceptions recognised by their class name.
TEMPLATE_NOT_FOUND = "PelicanTemplateNotFound"
FILE_OVERWRITE_FAILED = "FileOverwriteFailedError"

# Where each template must appear in Pelican's source (checked by check()).
_TEMPLATE_SOURCES = {
    COULD_NOT_PROCESS: "generators.py",
    MISSING_METADATA: "contents.py",
    UNKNOWN_STATUS: "contents.py",
    OUTSIDE_OUTPUT: "contents.py",
    BROKEN_LINK[0]: "contents.py",
    PLUGIN_FAILED[0]: "plugins/_utils.py",
    PLUGIN_FAILED[1]: "__init__.py",
    DUPLICATE_SLUG[0]: "utils.py",
    DUPLICATE_SLUG[1]: "utils.py",
    WRITING: "writers.py",
    f"class {TEMPLATE_NOT_FOUND}(": "generators.py",
    f"class {FILE_OVERWRITE_FAILED}(": "writers.py",
}

_INLINE_APPLY = "_InlineProcessor__applyPattern"
_INLINE_HANDLE = "_InlineProcessor__handleInline"


# --- The check --------------------------------------------------------------------


def installed_versions() -> dict[str, str]:
    """The installed versions of the libraries in TESTED."""
    from importlib.metadata import version

    return {name: version(name) for name in TESTED}


def version_problem(installed: dict[str, str], tested: dict[str, str] = TESTED) -> str | None:
    """Why ``installed`` is not what this module was checked against (None when it is)."""
    untested = [name for name in tested if installed.get(name) != tested[name]]
    if not untested:
        return None
    have = [f"{_label(name)} {installed[name]}" for name in untested if installed.get(name)]
    absent = [_label(name) for name in untested if not installed.get(name)]
    parts = []
    if have:
        parts.append(f"{' and '.join(have)} {'is' if len(have) == 1 else 'are'} installed")
    if absent:
        parts.append(f"{' and '.join(absent)} {'is' if len(absent) == 1 else 'are'} not installed")
    want = " and ".join(f"{_label(name)} {tested[name]}" for name in tested)
    return (
        f"{', '.join(parts)}, but the build engine was tested with {want}: it relies on their internals "
        "(mainstreet/compat.py), which change without notice between releases. Install the tested versions "
        f"(.venv/bin/pip install -r requirements.lock), or set {ALLOW_UNTESTED_ENV}=1 to build with these "
        "anyway and compare the output"
    )


def structure_problems() -> list[str]:
    """The internals listed above that the installed libraries lack."""
    import inspect
    from pathlib import Path

    import blinker
    import pelican
    from markdown.treeprocessors import InlineProcessor
    from pelican import Pelican
    from pelican.contents import Content
    from pelican.log import LimitFilter
    from pelican.plugins import signals  # noqa: F401 - it sets the receivers' order
    from pelican.readers import MarkdownReader
    from pelican.urlwrappers import URLWrapper
    from pelican.writers import Writer

    missing = []

    def need(ok: bool, what: str) -> None:
        if not ok:
            missing.append(what)

    for name in ("_ignore", "_raised_messages", "_group_count"):
        need(hasattr(LimitFilter, name), f"pelican.log.LimitFilter.{name}")
    need(callable(getattr(MarkdownReader, "_parse_metadata", None)), "pelican.readers.MarkdownReader._parse_metadata")
    reader_source = _source(MarkdownReader.read)
    for name in ("self._md", "self._source_path"):
        need(name in reader_source, f"pelican.readers.MarkdownReader.read setting {name}")
    need(callable(getattr(Writer, "_open_w", None)), "pelican.writers.Writer._open_w")
    writer = Writer("", settings={})
    for name in ("_written_files", "_overridden_files"):
        need(isinstance(getattr(writer, name, None), set), f"pelican.writers.Writer().{name}")
    need(callable(getattr(URLWrapper, "_normalize_key", None)), "pelican.urlwrappers.URLWrapper._normalize_key")
    need(isinstance(URLWrapper.__dict__.get("slug"), property), "pelican.urlwrappers.URLWrapper.slug (a property)")
    for name in ("_slug", "_slug_from_name"):
        need(f"self.{name}" in _source(URLWrapper.__init__), f"pelican.urlwrappers.URLWrapper().{name}")
    for name in ("url", "save_as"):
        need(isinstance(Content.__dict__.get(name), property), f"pelican.contents.Content.{name} (a property)")
    run = _source(Pelican.run)
    need("all_generators_finalized.send(generators)" in run and "for p in generators:" in run,
         "pelican.Pelican.run sending its own generators list with all_generators_finalized")
    need(getattr(blinker.Signal, "set_class", set) is not set,
         "receivers called in connection order (pelican.plugins.signals sets blinker's Signal.set_class)")
    for name in (_INLINE_APPLY, _INLINE_HANDLE):
        need(callable(getattr(InlineProcessor, name, None)), f"markdown.treeprocessors.InlineProcessor.{name}")
    need(callable(getattr(sys, "_getframe", None)), "sys._getframe")

    root = Path(inspect.getfile(pelican)).parent
    texts: dict[str, str] = {}
    for template, module in _TEMPLATE_SOURCES.items():
        if module not in texts:
            try:
                texts[module] = (root / module).read_text(encoding="utf-8")
            except OSError:
                texts[module] = ""
        need(template in texts[module], f"the message {template!r} in pelican/{module}")
    return missing


def check(environ=os.environ) -> None:
    """Stop the build (UntestedVersionError) on untested versions or missing internals."""
    from .errors import UntestedVersionError  # errors.py imports this module

    installed = installed_versions()
    problem = None if environ.get(ALLOW_UNTESTED_ENV) == "1" else version_problem(installed)
    if problem:
        raise UntestedVersionError(problem)
    missing = structure_problems()
    if missing:
        have = " and ".join(f"{_label(name)} {installed[name]}" for name in TESTED)
        want = " and ".join(f"{_label(name)} {TESTED[name]}" for name in TESTED)
        raise UntestedVersionError(
            f"{have} lack what the build engine relies on ({'; '.join(missing)}); it was tested with {want}. "
            "Install the tested versions (.venv/bin/pip install -r requirements.lock)"
        )


def _label(name: str) -> str:
    return {"pelican": "Pelican", "markdown": "Markdown"}.get(name, name)


def _source(function) -> str:
    import inspect

    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


# --- Accessors ----------------------------------------------------------------------


def reset_limit_filter() -> None:
    """Pelican's LimitFilter remembers messages for the whole process; start clean."""
    from pelican.log import LimitFilter

    LimitFilter._ignore.clear()
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


def markdown_reader_class():
    """Pelican's MarkdownReader, with its private steps under public names.

    ``raw_meta``: the metadata of the last file as Markdown's ``Meta`` gave it
    (before FORMATTED_FIELDS reset the instance and its Meta);
    ``metadata_from(meta, source_path, formatter)``: Pelican's metadata
    processing of a file converted elsewhere, with ``formatter`` standing in
    for the Markdown instance that converted the body.
    """
    from pelican.readers import MarkdownReader

    class CompatMarkdownReader(MarkdownReader):
        raw_meta = None

        def _parse_metadata(self, meta):
            self.raw_meta = meta
            return super()._parse_metadata(meta)

        def metadata_from(self, meta, source_path, formatter):
            self._source_path = source_path
            self._md = formatter
            return self._parse_metadata(meta)

    return CompatMarkdownReader


def writer_class():
    """Pelican's Writer, with its file bookkeeping under public names.

    ``open_output(filename, encoding, override)`` is what Pelican calls to open
    every file it writes (override it to watch); ``open_checked`` is Pelican's
    own, which refuses, skips or overrides a second write; ``mark_written``
    and ``written_before`` read and extend the files written so far.
    """
    from pelican.writers import Writer

    class CompatWriter(Writer):
        def _open_w(self, filename, encoding, override=False):
            return self.open_output(filename, encoding, override)

        def open_output(self, filename, encoding, override=False):
            return self.open_checked(filename, encoding, override)

        def open_checked(self, filename, encoding, override=False):
            return Writer._open_w(self, filename, encoding, override)

        def mark_written(self, filenames) -> None:
            self._written_files.update(filenames)

        def written_before(self, filename: str) -> bool:
            return filename in self._written_files or filename in self._overridden_files

    return CompatWriter


def append_generator(generators, generator) -> None:
    """all_generators_finalized: Pelican runs ``generate_output`` on this very list afterwards."""
    generators.append(generator)


def runs_first(signal, receiver) -> bool:
    """Whether ``receiver`` is called before every other receiver of ``signal``.

    Pelican makes blinker call receivers in the order they were connected.
    """
    for connected in receivers(signal).values():
        return connected is receiver
    return False


def other_receivers(signal, receiver) -> list:
    """The receivers of ``signal`` other than ``receiver``, in the order they run."""
    return [connected for connected in receivers(signal).values() if connected is not receiver]


def receivers(signal) -> dict:
    """blinker's receiver key -> the receiver (weak references resolved, dead ones left out)."""
    import weakref

    found = {}
    for key, connected in list(signal.receivers.items()):
        live = connected() if isinstance(connected, weakref.ref) else connected
        if live is not None:
            found[key] = live
    return found


def pelican_signals() -> dict:
    """Every signal Pelican defines, by its name in pelican.plugins.signals."""
    from blinker import Signal
    from pelican.plugins import signals

    return {name: value for name, value in vars(signals).items() if isinstance(value, Signal)}


# URLWrapper (tags, categories, authors): the attributes a slug fallback needs.
_URLWRAPPER_ORIGINALS: dict[str, object] = {}


def install_slug_fallback(fallback) -> None:
    """Give URLWrapper's slug, and the key Pelican compares names with, ``fallback(kind, name)``
    when Pelican's slugify gives nothing (idempotent; ``remove_slug_fallback`` undoes it)."""
    from pelican.urlwrappers import URLWrapper

    if _URLWRAPPER_ORIGINALS:
        return
    pelican_slug = URLWrapper.__dict__["slug"]
    pelican_key = URLWrapper.__dict__["_normalize_key"]

    def normalize_key(self, key):
        return pelican_key(self, key) or fallback(type(self).__name__.lower(), key)

    def slug(self):
        if self._slug is None and self._slug_from_name:
            self._slug = normalize_key(self, self.name)
        return pelican_slug.fget(self)

    _URLWRAPPER_ORIGINALS.update(slug=pelican_slug, _normalize_key=pelican_key)
    URLWrapper._normalize_key = normalize_key
    URLWrapper.slug = property(slug, pelican_slug.fset, doc="the slug; never empty for a non-empty name")


def remove_slug_fallback() -> None:
    """Put Pelican's own URLWrapper.slug and _normalize_key back."""
    from pelican.urlwrappers import URLWrapper

    for name, original in _URLWRAPPER_ORIGINALS.items():
        setattr(URLWrapper, name, original)
    _URLWRAPPER_ORIGINALS.clear()


def content_property(name: str) -> property:
    """Pelican's own property ``Content.<name>`` (``url``, ``save_as``)."""
    from pelican.contents import Content

    return Content.__dict__[name]


def content_source_in_stack() -> str | None:
    """The source file of the Pelican content object being processed, if any.

    Pelican's "Unable to find" warning names the link target but not the file
    that holds the link; the content object is ``self`` of a frame on the call stack.
    """
    from pelican.contents import Content

    frame = sys._getframe(1)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, Content) and getattr(candidate, "source_path", None):
            return candidate.source_path
        frame = frame.f_back
    return None


def inline_apply_pattern():
    """Markdown's ``InlineProcessor.__applyPattern`` (or None where it has another name)."""
    from markdown.treeprocessors import InlineProcessor

    return getattr(InlineProcessor, _INLINE_APPLY, None)


def install_inline_loop(cls, loop) -> bool:
    """Make ``loop`` the inline loop (``__handleInline``) of ``cls``, an InlineProcessor subclass.

    False, and nothing changed, when this Markdown has no such loop.
    """
    from markdown.treeprocessors import InlineProcessor

    if inline_apply_pattern() is None or not hasattr(InlineProcessor, _INLINE_HANDLE):
        return False
    setattr(cls, _INLINE_HANDLE, loop)
    return True
