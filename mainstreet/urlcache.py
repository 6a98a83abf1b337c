"""Content URLs computed once per page object while the site is written.

Pelican computes ``Content.url`` and ``Content.save_as`` from the URL settings
and the metadata on every access; templates ask for them tens of thousands of
times in a large site (every card, list, feed entry, breadcrumb and related
post), which made it one of the largest costs of writing. Once Pelican asks for
its writer, every generator and every plugin's finalizing step has run and no
metadata changes any more, so from then until the build ends each object's
values are kept after the first access.

Outside that window (reading, plugins adjusting metadata, Pelican runs not made
by ``mainstreet build``) the properties behave exactly as Pelican's.
"""

from __future__ import annotations

import contextlib

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


def _install() -> None:
    from pelican.contents import Content

    if getattr(Content, "_mainstreet_url_cache_installed", False):
        return
    for name in ("url", "save_as"):
        setattr(Content, name, _cached(name, Content.__dict__[name]))
    Content._mainstreet_url_cache_installed = True


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
