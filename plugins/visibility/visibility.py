"""Publish exactly the public content, and refuse content that would publish wrongly.

Pelican writes drafts to output/drafts/, writes hidden pages to their URL and
decides "future" with the wall clock. This plugin replaces those rules:

* drafts, hidden articles and hidden/draft pages are dropped before anything is
  written, so they reach no page, list, feed or sitemap;
* an article dated after the build clock is held back until a build on or after
  its date. The clock is the site TIMEZONE's "now", or ``BUILD_NOW`` (a datetime
  or ISO string; the CLI's ``--now`` and ``MAINSTREET_NOW`` set it) for tests
  and previews;
* a post, page or landing page whose ``Expires`` moment has passed leaves the
  site, lists, sitemap and feeds; its URL then serves the 404 page, or a
  redirect page when its metadata names a ``Successor`` (a site path or URL);
* everything held back is recorded with its reason (the build state's
  ``held_back``), and the coming publish/expiry moments after the clock are
  listed, earliest first (``upcoming``: the build prints the next one);
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
from pelican.generators import Generator
from pelican.utils import get_date

from contract.sources import metadata_line, project_path
from contract.state import HeldBack, Redirect, build_clock, build_state, note_change

logger = logging.getLogger(__name__)

def aware(moment: dt.datetime, tz) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def set_clock(pelican) -> None:
    build_clock(pelican.settings)


def expiry(content, settings) -> dt.datetime | None:
    """The content's ``Expires`` moment in the site timezone (None without one or when unreadable)."""
    value = content.metadata.get("expires")
    if not value:
        return None
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    if not isinstance(value, dt.datetime):
        try:
            value = get_date(str(value))
        except ValueError:
            logger.error(
                "%s:%d: unreadable Expires %r; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM (site timezone)",
                project_path(content.source_path, settings),
                metadata_line(content.source_path, "expires"),
                str(value),
            )
            return None
    return aware(value, tz)


def _note_upcoming(settings, content, moment: dt.datetime, change: str) -> None:
    note_change(settings, moment, content.slug, change, project_path(content.source_path, settings))


def _expire(content, settings) -> None:
    """Record an expired content, and its redirect when it names a Successor."""
    build_state(settings).held_back.append(HeldBack(content, "expired"))
    successor = str(content.metadata.get("successor") or "").strip()
    if not successor:
        return
    if not successor.startswith(("/", "http://", "https://")):
        logger.error(
            "%s:%d: Successor %r is not a site path or URL; write it as /offers/new-offer/ or https://...",
            project_path(content.source_path, settings),
            metadata_line(content.source_path, "successor"),
            successor,
        )
        return
    build_state(settings).redirects.append(Redirect(content, successor))


def _publication(content, settings, now: dt.datetime, dated: bool = True) -> str:
    """'public', 'scheduled' or 'expired' by the clock; notes the content's coming changes.

    ``dated``: the content's Date schedules it (articles; a page's Date does not).
    """
    tz = now.tzinfo
    date = getattr(content, "date", None) if dated else None
    expires = expiry(content, settings)
    if expires is not None:
        content.expires = expires  # templates and the manifest get the moment, not the text
    if date is not None and expires is not None and expires <= aware(date, tz):
        logger.error(
            "%s:%d: Expires %s is not after the Date %s: it would never be published; fix one of the two",
            project_path(content.source_path, settings),
            metadata_line(content.source_path, "expires"),
            expires.isoformat(),
            aware(date, tz).isoformat(),
        )
    if date is not None and aware(date, tz) > now:
        _note_upcoming(settings, content, aware(date, tz), "publishes")
        if expires is not None:
            _note_upcoming(settings, content, expires, "expires")
        return "scheduled"
    if expires is not None and expires <= now:
        return "expired"
    if expires is not None:
        _note_upcoming(settings, content, expires, "expires")
    return "public"


def hold_back_unpublished_articles(generator) -> None:
    """Drop drafts, hidden, future and expired articles before taxonomies are built."""
    settings = generator.settings
    now = build_clock(settings)
    held = build_state(settings).held_back

    def public(article) -> bool:
        state = _publication(article, settings, now)
        if state == "scheduled":
            held.append(HeldBack(article, "scheduled"))
            logger.info(
                "visibility: holding back %s until %s",
                project_path(article.source_path, settings),
                article.date.isoformat(),
            )
        elif state == "expired":
            _expire(article, settings)
            logger.info("visibility: %s has expired", project_path(article.source_path, settings))
        return state == "public"

    generator.articles = [a for a in generator.articles if public(a)]
    generator.translations = [a for a in generator.translations if public(a)]
    for name, reason in (
        ("drafts", "draft"),
        ("drafts_translations", "draft"),
        ("hidden_articles", "hidden"),
        ("hidden_translations", "hidden"),
    ):
        held += [HeldBack(article, reason) for article in getattr(generator, name)]
        setattr(generator, name, [])


def hold_back_unpublished_pages(generator) -> None:
    """Drop hidden and draft pages: hidden means unpublished here."""
    held = build_state(generator.settings).held_back
    for name, reason in (
        ("hidden_pages", "hidden"),
        ("hidden_translations", "hidden"),
        ("draft_pages", "draft"),
        ("draft_translations", "draft"),
    ):
        held += [HeldBack(page, reason) for page in getattr(generator, name)]
        getattr(generator, name).clear()


def hold_back_expired_pages(generators) -> None:
    """Drop pages and landing pages whose Expires moment has passed.

    Runs once every page generator has finished, so a landing page is dropped
    with its final URL (its redirect, if any, is written there).
    """
    settings = generators[0].settings
    now = build_clock(settings)
    for generator in generators:
        if not hasattr(generator, "pages"):
            continue
        for name in ("pages", "translations"):
            pages = getattr(generator, name)
            kept = []
            for page in pages:
                if _publication(page, settings, now, dated=False) == "expired":
                    _expire(page, settings)
                    logger.info("visibility: %s has expired", project_path(page.source_path, settings))
                else:
                    kept.append(page)
            pages[:] = kept  # in place: the template context holds the same list


REDIRECT_PAGE = """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<title>{{ title }}: moved</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{{ canonical }}">
<meta http-equiv="refresh" content="0; url={{ href }}">
</head>
<body>
<p>{{ title }} has ended. Continue to <a href="{{ href }}">{{ href }}</a>.</p>
</body>
</html>
"""


class ExpiredRedirectGenerator(Generator):
    """Writes a small redirect page at the URL of each expired content that names a Successor."""

    def generate_output(self, writer):
        from jinja2 import Environment

        settings = self.settings
        template = Environment(autoescape=True).from_string(REDIRECT_PAGE)
        taken = {
            os.path.normpath(content.save_as)
            for name in ("articles", "pages")
            for content in self.context.get(name, []) or []
        }
        site = (settings.get("SITEURL") or "").rstrip("/")
        public = (settings.get("PUBLIC_SITEURL") or settings.get("SITEURL") or "").rstrip("/")
        for redirect in build_state(settings).redirects:
            content = redirect.content
            if os.path.normpath(content.save_as) in taken:
                logger.info("visibility: %s is taken by live content; no redirect written", content.save_as)
                continue
            local = redirect.target.startswith("/")
            writer.write_file(
                content.save_as,
                template,
                {},
                relative_urls=False,
                lang=getattr(content, "lang", None) or settings.get("DEFAULT_LANG", "en"),
                title=content.title,
                href=(site + redirect.target) if local else redirect.target,
                canonical=(public + redirect.target) if local else redirect.target,
            )


def get_generators(pelican):
    return ExpiredRedirectGenerator


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
    signals.all_generators_finalized.connect(hold_back_expired_pages)
    signals.all_generators_finalized.connect(check_collisions)
    signals.get_generators.connect(get_generators)
