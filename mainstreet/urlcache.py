"""Content URLs computed once per page object while the site is written.

Pelican computes ``Content.url`` and ``Content.save_as`` from the URL settings
and the metadata on every access; templates ask for them tens of thousands of
times in a large site (every card, list, feed entry, breadcrumb and related
post), which made it one of the largest costs of writing. Once Pelican asks for
its writer, every generator and every plugin's finalizing step has run and no
metadata changes any more, so from then until the build ends each object's
values are kept after the first access.

Outside that window (reading, plugins adjusting metadata, Pelican runs not made
by ``mainstreet build``) the properties behave exactly as Pelican's, and
when the build returns Pelican's own properties are back on the class.
"""

from __future__ import annotations

import contextlib

from . import compat

_FROZEN: list[bool] = []  # one entry per build in progress that has reached writing
_KEY = "_mainstreet_url_cache"


def _cached(name: str, original: property) -> property:
    compute = original.fget

    def fget(self):
        if not _FROZEN or not _FROZEN[-1]:
            return compute(self)
        cache = self.__dict__.get(_KEY)
        if cache is None:
            cache = self.__dict__[_KEY] = {}
        try:
            return cache[name]
        except KeyError:
            value = cache[name] = compute(self)
            return value

    return property(fget, original.fset, original.fdel, original.__doc__)


_ORIGINALS: dict[str, property] = {}


def _install() -> None:
    from pelican.contents import Content

    if _ORIGINALS:
        return
    for name in ("url", "save_as"):
        _ORIGINALS[name] = compat.content_property(name)
        setattr(Content, name, _cached(name, _ORIGINALS[name]))


def _uninstall() -> None:
    """Pelican's own properties again."""
    from pelican.contents import Content

    for name, original in _ORIGINALS.items():
        setattr(Content, name, original)
    _ORIGINALS.clear()


def _freeze(*_args, **_kwargs) -> None:  # get_writer: returns no writer class
    if _FROZEN:
        _FROZEN[-1] = True


@contextlib.contextmanager
def caching_urls():
    """Within a build: URLs are cached from the moment Pelican starts writing."""
    from pelican import signals

    _install()
    signals.get_writer.connect(_freeze)
    _FROZEN.append(False)
    try:
        yield
    finally:
        _FROZEN.pop()
        if not _FROZEN:  # the outermost build: Pelican's classes as they were
            _uninstall()
            signals.get_writer.disconnect(_freeze)
