"""Publish exactly the public content, and refuse content that would publish wrongly.

Pelican writes drafts to output/drafts/, writes hidden pages to their URL and
decides "future" with the wall clock. This plugin replaces those rules:

* drafts, hidden articles and hidden/draft pages are dropped before anything is
  written, so they reach no page, list, feed or sitemap;
* an article dated after the build clock is held back until a build on or after
  its date. The clock is the site TIMEZONE's "now", or ``BUILD_NOW`` (a datetime
  or ISO string; the CLI's ``--now`` and ``MAINSTREET_NOW`` set it) for tests
  and previews;
* two sources that would write one URL, a duplicate slug and an unknown
  template are errors naming both files and the line to fix.

Errors are logged at ERROR level as ``file:line: message``; the build driver
(``python -m mainstreet build``) turns any error into a failed build that leaves
the previous output/ untouched.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections import defaultdict
from zoneinfo import ZoneInfo

from pelican import signals

from mainstreet.sources import metadata_line, project_path

logger = logging.getLogger(__name__)

HELD_BACK = "VISIBILITY_HELD_BACK"


def resolve_clock(settings) -> dt.datetime:
    """Return the build's "now" as an aware datetime in the site timezone."""
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    value = settings.get("BUILD_NOW") or os.environ.get("MAINSTREET_NOW")
    if not value:
        return dt.datetime.now(tz)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            logger.error(
                "visibility: BUILD_NOW %r is not an ISO date or date-time; "
                "use e.g. 2026-12-01 or 2026-12-01T08:00",
                value,
            )
            return dt.datetime.now(tz)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value


def aware(moment: dt.datetime, tz) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def set_clock(pelican) -> None:
    pelican.settings["BUILD_NOW"] = resolve_clock(pelican.settings)
    pelican.settings[HELD_BACK] = []


def hold_back_unpublished_articles(generator) -> None:
    """Drop drafts, hidden and future articles before taxonomies are built."""
    settings = generator.settings
    now = settings.get("BUILD_NOW") or resolve_clock(settings)
    tz = now.tzinfo
    held = settings.setdefault(HELD_BACK, [])

    def public(article) -> bool:
        date = getattr(article, "date", None)
        if date is not None and aware(date, tz) > now:
            held.append(article)
            logger.info(
                "visibility: holding back %s until %s",
                project_path(article.source_path, settings),
                date.isoformat(),
            )
            return False
        return True

    generator.articles = [a for a in generator.articles if public(a)]
    generator.translations = [a for a in generator.translations if public(a)]
    for name in ("drafts", "drafts_translations", "hidden_articles", "hidden_translations"):
        setattr(generator, name, [])


def hold_back_unpublished_pages(generator) -> None:
    """Drop hidden and draft pages: hidden means unpublished here."""
    for name in ("hidden_pages", "hidden_translations", "draft_pages", "draft_translations"):
        getattr(generator, name).clear()


def check_collisions(generators) -> None:
    """Two sources writing one file, duplicate slugs and unknown templates are errors."""
    by_save_as: dict[str, list] = defaultdict(list)
    by_slug: dict[tuple[str, str, str], list] = defaultdict(list)
    settings = generators[0].settings
    for generator in generators:
        for name in ("articles", "translations", "pages"):
            for content in getattr(generator, name, []) or []:
                if not getattr(content, "source_path", None):
                    continue
                by_save_as[os.path.normpath(content.save_as)].append(content)
                kind = type(content).__name__
                by_slug[(kind, content.slug, getattr(content, "lang", ""))].append(content)
                check_template(generator, content, settings)

    for save_as, contents in sorted(by_save_as.items()):
        for content in contents if len(contents) > 1 else []:
            others = ", ".join(project_path(c.source_path, settings) for c in contents if c is not content)
            logger.error(
                "%s:%d: writes %s, as does %s; give each a unique Slug (or Save_as)",
                project_path(content.source_path, settings),
                metadata_line(content.source_path, "slug"),
                save_as,
                others,
            )
    for (kind, slug, _lang), contents in sorted(by_slug.items()):
        if len(contents) > 1 and len({c.save_as for c in contents}) == len(contents):
            files = ", ".join(project_path(c.source_path, settings) for c in contents)
            logger.error(
                "%s:%d: duplicate slug %r (%s: %s); change the Slug of one of them",
                project_path(contents[-1].source_path, settings),
                metadata_line(contents[-1].source_path, "slug"),
                slug,
                kind.lower() + "s",
                files,
            )


def check_template(generator, content, settings) -> None:
    if not hasattr(generator, "get_template"):
        return
    name = content.template
    try:
        generator.get_template(name)
    except Exception:  # noqa: BLE001 - Pelican raises its own not-found class
        theme_templates = os.path.join(settings["THEME"], "templates")
        available = sorted(
            os.path.splitext(name)[0]
            for name in os.listdir(theme_templates)
            if name.endswith(".html") and name != "base.html"
        )
        logger.error(
            "%s:%d: unknown template %r; use one of: %s",
            project_path(content.source_path, settings),
            metadata_line(content.source_path, "template"),
            name,
            ", ".join(available),
        )


def register() -> None:
    signals.initialized.connect(set_clock)
    signals.article_generator_pretaxonomy.connect(hold_back_unpublished_articles)
    signals.page_generator_finalized.connect(hold_back_unpublished_pages)
    signals.all_generators_finalized.connect(check_collisions)
