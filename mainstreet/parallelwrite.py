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
  written by more than one call (allowed with ``override_output``) is written
  again in the parent, in call order, so the serial winner wins.

The output is byte for byte the serial one (tests/test_prerender.py builds the
demo both ways). Writing stays serial when it would not pay (fewer calls than
``MIN_PARALLEL_CALLS`` unless ``BUILD_WORKERS`` is set), with ``RELATIVE_URLS``
(Pelican then changes the shared context between renders), and when any plugin
listens to ``content_written`` (its state would stay in the worker processes).
"""

from __future__ import annotations

import logging
import os

from contract.state import render_state

logger = logging.getLogger(__name__)

MIN_PARALLEL_CALLS = 200

def writer_class(settings: dict, collector, recorder):
    """The Writer class for this build, or None to keep Pelican's (serial) one."""
    from pelican import signals
    from pelican.writers import Writer

    chosen = settings.get("BUILD_WORKERS")
    workers = (os.cpu_count() or 1) if chosen is None else int(chosen)
    if workers <= 1 or settings.get("RELATIVE_URLS") or bool(signals.content_written.receivers):
        return None
    minimum = MIN_PARALLEL_CALLS if chosen is None else 2

    class ParallelWriter(Writer):
        """Pelican's Writer, with write_file deferred until ``flush``."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.calls: list[tuple[tuple, dict]] = []
            self.deferring = True
            self.opened: list[tuple[int, str, bool]] | None = None  # in a worker: what each call opened
            self.current = -1

        def write_file(self, *args, **kwargs):
            if self.deferring:
                self.calls.append((args, kwargs))
                return None
            return super().write_file(*args, **kwargs)

        def _open_w(self, filename, encoding, override=False):
            if self.opened is None:
                return super()._open_w(filename, encoding, override)
            self.opened.append((self.current, filename, override))
            return open(filename, "w", encoding=encoding)

        def flush(self) -> None:
            self.deferring = False
            calls, self.calls = self.calls, []
            if len(calls) < minimum:
                for args, kwargs in calls:
                    super().write_file(*args, **kwargs)
                return
            logger.info("mainstreet: rendering %d write(s) in %d worker processes", len(calls), workers)
            results = _render_in_workers(self, calls, workers, collector, recorder)
            _merge(self, calls, results, collector, recorder)

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
        generators.append(_Flush())


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
    clashing = {filename for filename, count in counts.items() if count > 1}
    # Written more than once: run the calls that wrote those files again here,
    # in call order, with Pelican's own bookkeeping, which raises, skips or
    # overrides exactly as it does serially.
    again = sorted({index for index, filename, _ in opened if filename in clashing})
    redone = set(again)
    theirs = {filename for index, filename, _ in opened if index in redone}
    writer.opened = None
    writer._written_files.update(set(counts) - theirs)
    for index in again:
        args, kwargs = calls[index]
        writer.write_file(*args, **kwargs)
