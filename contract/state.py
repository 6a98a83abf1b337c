"""One build's shared state: what a plugin decides and others (or the build driver) read.

Plugins of one build used to pass state through loose string keys in the
settings dict (``VISIBILITY_HELD_BACK``, ``EDITORIAL_STATE`` ...), which only
worked in one plugin order. Now there is one typed object with named fields,
reached through one accessor::

    from contract.state import build_state

    state = build_state(settings)      # generator.settings or pelican.settings
    state.held_back.append(HeldBack(content, "expired"))

The build driver puts a fresh ``BuildState`` into the settings before Pelican
starts, so a second build in one process starts clean; under plain ``pelican``
the first plugin that asks creates it. The clock every plugin shares is
``build_clock(settings)``: whichever plugin asks first resolves it, so no
plugin depends on another having run before it.

Render-time state: a plugin whose templates or filters fill a dict while pages
render (a page list for the sitemap, fingerprinted assets) declares it with
``declare_render_state``; the engine's parallel writer copies what worker
processes add back into the parent's dict.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .manifest import CalendarFinding, Manifest

logger = logging.getLogger(__name__)

STATE_KEY = "MAINSTREET_BUILD_STATE"  # the one settings key holding the BuildState
NOW_ENV = "MAINSTREET_NOW"  # the build clock from the environment (BUILD_NOW wins)


@dataclass
class HeldBack:
    """A content object that exists but is not published, and why."""

    content: object
    reason: str  # "scheduled", "expired", "draft" or "hidden"


@dataclass
class Redirect:
    """An expired content's URL, pointing to its successor."""

    content: object
    target: str  # a site path ("/offers/spring-cakes/") or an absolute URL


@dataclass
class BuildState:
    """Everything one build's plugins share; each field names the plugin that fills it."""

    now: dt.datetime | None = None  # the build clock (build_clock), in the site timezone
    # visibility: what is not published and why; coming changes, earliest first
    # ({"at": datetime, "slug", "change", "source"}); expired URLs with a successor.
    held_back: list[HeldBack] = field(default_factory=list)
    upcoming: list[dict] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    # editorial: the calendar's problems and notices, for the manifest.
    calendar: list[CalendarFinding] = field(default_factory=list)
    # manifest: the manifest of this build, once every generator has finished;
    # assemble_manifest(settings) builds it on first use from get_writer on
    # (None without the manifest plugin).
    manifest: Manifest | None = None
    assemble_manifest: Callable | None = None
    # hosting: fingerprinted asset name -> its source file, filled while pages render.
    fingerprinted: dict[str, str] = field(default_factory=dict)
    # A plugin's own state between its receivers, under the plugin's name.
    plugins: dict[str, object] = field(default_factory=dict)


def build_state(settings) -> BuildState:
    """This build's state (created on first use when no build driver made one)."""
    state = settings.get(STATE_KEY)
    if not isinstance(state, BuildState):
        state = BuildState()
        settings[STATE_KEY] = state
    return state


def new_build_state(settings) -> BuildState:
    """A fresh state for a build that starts now (the build driver, and ``initialized``)."""
    state = BuildState()
    settings[STATE_KEY] = state
    return state


def build_clock(settings) -> dt.datetime:
    """The build's "now", aware, in the site TIMEZONE; resolved once per build.

    ``BUILD_NOW`` (a datetime, date or ISO text; the CLIs' ``--now``) wins over
    ``MAINSTREET_NOW``; a naive moment is site time. The resolved moment is
    kept in the state and in ``BUILD_NOW``, which the theme reads.
    """
    state = build_state(settings)
    if state.now is None:
        state.now = resolve_clock(settings)
        settings["BUILD_NOW"] = state.now
    return state.now


def resolve_clock(settings) -> dt.datetime:
    """``BUILD_NOW`` or ``MAINSTREET_NOW`` as an aware datetime in the site timezone, else now."""
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    value = settings.get("BUILD_NOW") or os.environ.get(NOW_ENV)
    if not value:
        return dt.datetime.now(tz)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            logger.error(
                "visibility: BUILD_NOW %r is not an ISO date or date-time; use e.g. 2026-12-01 or 2026-12-01T08:00",
                value,
            )
            return dt.datetime.now(tz)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value


def note_change(settings, at: dt.datetime, slug: str, change: str, source: str | None) -> None:
    """Record a coming change of the published site (``change``: "publishes", "expires", "ends" ...).

    Every plugin that knows a date on which a page appears, leaves or changes
    notes it here; the build prints the earliest and the manifest lists them all.
    """
    upcoming = build_state(settings).upcoming
    upcoming.append({"at": at, "slug": slug, "change": change, "source": source})
    upcoming.sort(key=lambda item: (item["at"], item["slug"]))


# name -> getter(settings) of a dict that templates or filters add to while rendering.
_RENDER_STATE: dict[str, Callable[[dict], dict]] = {}


def declare_render_state(name: str, getter: Callable[[dict], dict]) -> None:
    """Declare a dict filled while pages render: ``getter(settings)`` returns it.

    Entries a worker process of the parallel writer adds or replaces are copied
    into the parent's dict, so the plugin sees the same dict as in a serial build.
    """
    _RENDER_STATE[name] = getter


def render_state() -> dict[str, Callable[[dict], dict]]:
    """Every declared render-time dict (the engine's parallel writer reads this)."""
    return dict(_RENDER_STATE)
