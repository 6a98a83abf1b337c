"""Pages rendered on every core.

Once Pelican has read the site, writing it is thousands of independent template
renders (each article, each list page, each tag page), done one after another
in one process while the other cores wait. During a build this module's writer
collects Pelican's ``write_file`` calls instead of running them; after the last
generator it forks one process per core (``BUILD_WORKERS``), each renders and
writes every n-th call with Pelican's own ``write_file``, and the parent then
takes back what the renders left behind:

- problems and warnings the build's collector recorded while rendering (a
  broken ``{filename}`` link is only noticed when the page's content is used);
- what plugins recorded while rendering, declared with ``contract.state.declare_render_state`` (onpage's
  page list for the sitemap, hosting's fingerprinted assets);
- which files each call opened, replayed in call order with Pelican's rules for
  writing a file twice, so a clash fails exactly as it does serially; a path
  written by more than one call (allowed with ``override_output``), or also
  before, is written again in the parent, in call order, so the serial winner wins.

Pelican's writer signals keep their meaning for plugins that listen to them
(pelican-plugins' sitemap, image-process, ...):

- ``content_written(path, context=...)`` is sent in the parent, once per file
  and in call order, with the path and local context Pelican's ``write_file``
  gives it: each call is run through ``write_file`` again without rendering or
  writing (or really, for a file written twice), after the workers are done,
  so a receiver finds the file written, as it does serially.
- ``article_writer_finalized`` and ``page_writer_finalized`` mean "this
  generator's pages are written": when anything else listens to one, the
  writes deferred so far are done first (the build connects this flush before
  any plugin, and receivers run in connection order), and later writes are
  collected again.

What stays different: the template renders run after every generator has
queued its writes (``article_generator_write_article`` and
``page_generator_write_page`` are still sent just before each write is
queued), and ``content_written`` receivers run after all files of one batch
are written instead of between them.

The output is byte for byte the serial one (tests/test_prerender.py builds the
demo both ways, tests/test_stock_plugins.py with pelican-plugins' sitemap).
Writing stays serial when it would not pay (fewer calls than
``MIN_PARALLEL_CALLS`` unless ``BUILD_WORKERS`` is set), with ``RELATIVE_URLS``
(Pelican then changes the shared context between renders), and when a
receiver of a writer-finalized signal was connected before the build (its
flush could not run first).
"""

from __future__ import annotations

import io
import logging
import os

from contract.state import render_state

from . import compat

logger = logging.getLogger(__name__)

MIN_PARALLEL_CALLS = 200


def writer_class(settings: dict, collector, recorder):
    """The Writer class for this build, or None to keep Pelican's (serial) one."""
    chosen = settings.get("BUILD_WORKERS")
    workers = (os.cpu_count() or 1) if chosen is None else int(chosen)
    if workers <= 1 or settings.get("RELATIVE_URLS"):
        return None
    for flush in WRITER_SIGNAL_FLUSHES:
        if flush.signal_has_others() and not compat.runs_first(flush.signal(), flush):
            logger.info("mainstreet: writing in one process: a receiver of %s was connected before the build",
                        flush.name)
            return None
    minimum = MIN_PARALLEL_CALLS if chosen is None else 2

    class ParallelWriter(compat.writer_class()):
        """Pelican's Writer, with write_file deferred until ``flush``."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.calls: list[tuple[tuple, dict]] = []
            self.deferring = True
            self.opened: list[tuple[int, str, bool]] | None = None  # in a worker: what each call opened
            self.current = -1
            self.replaying = False

        def write_file(self, *args, **kwargs):
            if self.deferring:
                self.calls.append((args, kwargs))
                return None
            return super().write_file(*args, **kwargs)

        def open_output(self, filename, encoding, override=False):
            if self.replaying:
                return io.StringIO()  # the file is written already; Pelican's steps after it still run
            if self.opened is None:
                return super().open_output(filename, encoding, override)
            self.opened.append((self.current, filename, override))
            return open(filename, "w", encoding=encoding)

        def flush(self, final: bool = True) -> None:
            """Write every call collected so far; with ``final`` False, collect the later ones again."""
            self.deferring = False
            calls, self.calls = self.calls, []
            try:
                if len(calls) < minimum:
                    for args, kwargs in calls:
                        super().write_file(*args, **kwargs)
                    return
                logger.info("mainstreet: rendering %d write(s) in %d worker processes", len(calls), workers)
                results = _render_in_workers(self, calls, workers, collector, recorder)
                _merge(self, calls, results, collector, recorder)
            finally:
                self.deferring = not final

    return ParallelWriter


class _Flush:
    """A last "generator": Pelican calls generate_output on it after every real one."""

    def generate_output(self, writer):
        flush = getattr(writer, "flush", None)
        if flush is not None:
            flush()


def add_flush(generators) -> None:
    """all_generators_finalized receiver: append the flush to Pelican's own list of generators."""
    if isinstance(generators, list) and not any(isinstance(g, _Flush) for g in generators):
        compat.append_generator(generators, _Flush())


class _FlushBefore:
    """Receiver of a writer signal (article_writer_finalized, ...), connected before any plugin's.

    Pelican sends these signals once a generator has written its pages, and
    receivers may rely on the files being there; deferred writes are done
    first, when any other receiver listens.
    """

    def __init__(self, name: str):
        self.name = name

    def signal(self):
        from pelican import signals

        return getattr(signals, self.name)

    def signal_has_others(self) -> bool:
        return bool(compat.other_receivers(self.signal(), self))

    def __call__(self, generator, writer=None, **_kwargs):
        flush = getattr(writer, "flush", None)
        if flush is not None and self.signal_has_others():
            flush(final=False)


WRITER_SIGNAL_FLUSHES = (_FlushBefore("article_writer_finalized"), _FlushBefore("page_writer_finalized"))


def connect() -> None:
    """Connect the receivers of a build; before the plugins', so the flushes run first."""
    from pelican import signals

    signals.all_generators_finalized.connect(add_flush)
    for flush in WRITER_SIGNAL_FLUSHES:
        flush.signal().connect(flush)


# Set in the parent just before forking; the workers inherit it.
_JOB: dict = {}


def _render_in_workers(writer, calls, workers: int, collector, recorder) -> list[dict]:
    import concurrent.futures
    import multiprocessing

    _JOB.update(writer=writer, calls=calls, workers=workers, collector=collector, recorder=recorder)
    try:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            return list(pool.map(_render_share, range(workers)))
    finally:
        _JOB.clear()


def _render_share(share: int) -> dict:
    """In a worker: render calls share, share + n, share + 2n, ... and report what they left."""
    writer, calls, workers = _JOB["writer"], _JOB["calls"], _JOB["workers"]
    collector, recorder = _JOB["collector"], _JOB["recorder"]
    settings = writer.settings
    before = {name: dict(getter(settings)) for name, getter in render_state().items()}
    problems_before = len(collector.problems) if collector is not None else 0
    messages_before = len(recorder.messages) if recorder is not None else 0
    writer.opened = []
    error = None
    for index in range(share, len(calls), workers):
        args, kwargs = calls[index]
        writer.current = index
        try:
            writer.write_file(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises the first one
            error = (index, _portable(exc))
            break
    tracked = {}
    for name, getter in render_state().items():
        old = before[name]
        tracked[name] = {key: value for key, value in getter(settings).items() if old.get(key) is not value}
    return {
        "opened": writer.opened,
        "problems": collector.problems[problems_before:] if collector is not None else [],
        "messages": recorder.messages[messages_before:] if recorder is not None else [],
        "tracked": tracked,
        "error": error,
    }


def _portable(exc: Exception) -> Exception:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - an exception that does not survive pickling
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _merge(writer, calls, results, collector, recorder) -> None:
    errors = sorted((r["error"] for r in results if r["error"]), key=lambda e: e[0])
    seen = set()
    for result in results:
        for problem in result["problems"]:
            key = repr(problem)
            if collector is not None and key not in seen:
                seen.add(key)
                collector.problems.append(problem)
        if recorder is not None:
            known = set(recorder.messages)
            recorder.messages.extend(m for m in result["messages"] if m not in known)
        for name, entries in result["tracked"].items():
            render_state()[name](writer.settings).update(entries)
    if errors:
        raise errors[0][1]
    opened = sorted((entry for r in results for entry in r["opened"]), key=lambda e: e[0])
    counts: dict[str, int] = {}
    for _, filename, _ in opened:
        counts[filename] = counts.get(filename, 0) + 1
    # Written more than once (here, or also before this flush): run the calls
    # that wrote those files again here, in call order, with Pelican's own
    # bookkeeping, which raises, skips or overrides exactly as it does serially.
    clashing = {filename for filename, count in counts.items() if count > 1 or writer.written_before(filename)}
    redone = {index for index, filename, _ in opened if filename in clashing}
    theirs = {filename for index, filename, _ in opened if index in redone}
    writer.opened = None
    writer.mark_written(set(counts) - theirs)
    # content_written, in call order and in this process, as Pelican sends it:
    # the other calls go through Pelican's write_file again without rendering
    # or writing, so receivers get the same path and local context.
    from pelican import signals

    replay = bool(signals.content_written.receivers)
    for index, (args, kwargs) in enumerate(calls):
        if index in redone:
            writer.write_file(*args, **kwargs)
        elif replay:
            _replay(writer, args, kwargs)


class _NotRendered:
    """Stands in for the template of a call whose file a worker wrote."""

    def render(self, *_args, **_kwargs) -> str:
        return ""


def _quiet_writing(record: logging.LogRecord) -> bool:
    """Drops Pelican's 'Writing "<file>"' line: the worker that wrote the file said it."""
    return record.msg != compat.WRITING


def _replay(writer, args, kwargs) -> None:
    if len(args) > 1:
        args = (args[0], _NotRendered(), *args[2:])
    else:
        kwargs = {**kwargs, "template": _NotRendered()}
    pelican_writer_logger = logging.getLogger("pelican.writers")
    pelican_writer_logger.addFilter(_quiet_writing)
    writer.replaying = True
    try:
        writer.write_file(*args, **kwargs)
    finally:
        writer.replaying = False
        pelican_writer_logger.removeFilter(_quiet_writing)
