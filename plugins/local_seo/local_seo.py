"""Local SEO: one business profile becomes structured data and the visible local details.

* ``LOCAL_BUSINESS`` (and ``LOCATIONS`` for branches) in the settings is checked
  once at start-up (business.py); a mistake fails the build with the setting's
  path, the bad value and the fix.
* Every page gets one JSON-LD ``@graph`` (graph.py), rendered by the theme's
  partials/jsonld.html with ``|tojson``: the business, the WebSite, the
  WebPage, a BreadcrumbList and what the page is about (BlogPosting, FAQ,
  location, event, offer).
* Templates read the same profile through the ``business`` and ``locations``
  globals (partials/business.html renders the NAP block and the hours).
* One page per location at ``/locations/<slug>/``, and ``/locations/`` when
  there are several.
* Events from content/events/ (events.py) at ``/events/<slug>/`` and an
  ``/events/`` index; an event leaves the site once it has ended unless it is
  archived. Upcoming events are ``events`` in every template's context.

Settings: ``LOCAL_BUSINESS``, ``LOCATIONS`` and ``LOCAL_SEO`` (options, merged
over ``DEFAULTS``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field

from jinja2 import pass_context
from pelican import signals
from pelican.generators import Generator

from contract.images import image_size
from contract.sources import project_path
from contract.state import build_clock, note_change

from .business import DAYS, public_base, read_profile
from .events import is_event, read_event
from .faq import extract_faq
from .graph import page_graph
from .offers import read_offer

logger = logging.getLogger(__name__)

DEFAULTS = {
    "locations_url": "locations/{slug}/",
    "locations_save_as": "locations/{slug}/index.html",
    "locations_index_url": "locations/",
    "locations_index_save_as": "locations/index.html",
    "locations_title": "Our locations",
    "locations_description": "",
    "events_path": "events",
    "events_url": "events/{slug}/",
    "events_save_as": "events/{slug}/index.html",
    "events_index_url": "events/",
    "events_index_save_as": "events/index.html",
    "events_title": "Events",
    "events_description": "",
    "faq_headings": ["FAQ", "FAQs", "Frequently asked questions", "Questions"],
    # WebPage subtype by page slug; a page's own Page_type metadata wins.
    "page_types": {"about": "AboutPage", "contact": "ContactPage"},
}
PROFILE = "LOCAL_SEO_PROFILE"  # the checked Profile, kept in the settings for the generators


def local_seo_settings(settings) -> dict:
    """LOCAL_SEO merged over DEFAULTS, without touching the user's dict."""
    merged = dict(DEFAULTS)
    merged.update(settings.get("LOCAL_SEO") or {})
    return merged


# --- start-up: check the profile ------------------------------------------------


def check_profile(pelican) -> None:
    build_clock(pelican.settings)  # the theme reads BUILD_NOW: resolve it before the context is made
    settings = pelican.settings
    conf = local_seo_settings(settings)
    for key in conf:
        if key not in DEFAULTS:
            logger.error("local_seo: LOCAL_SEO[%r]: unknown option; use one of: %s", key, ", ".join(DEFAULTS))
    profile, problems = read_profile(settings, conf)
    for problem in problems:
        logger.error("local_seo: %s", problem)
    settings[PROFILE] = profile
    # Event files are pages of their own kind: read them with the pages, never as posts.
    events = conf["events_path"]
    if events not in settings.get("PAGE_PATHS", []):
        settings["PAGE_PATHS"] = [*settings.get("PAGE_PATHS", []), events]
    if events not in settings.get("ARTICLE_EXCLUDES", []):
        settings["ARTICLE_EXCLUDES"] = [*settings.get("ARTICLE_EXCLUDES", []), events]


# --- templates --------------------------------------------------------------------


@pass_context
def structured_data(ctx, meta) -> dict:
    """The page's JSON-LD document; ``meta`` is the page's seo() result (plugins/onpage)."""
    return page_graph(ctx, meta, ctx.get(PROFILE), local_seo_settings(ctx))


def add_jinja_globals(generator) -> None:
    env = generator.env
    profile = generator.settings.get(PROFILE)
    env.globals["structured_data"] = structured_data
    env.globals["business"] = profile.business if profile else None
    env.globals["locations"] = profile.locations if profile else []
    env.globals["local_seo"] = local_seo_settings(generator.settings)
    env.globals["WEEKDAYS"] = DAYS
    env.filters["weekday_name"] = weekday_name
    env.filters["date_display"] = date_display
    env.filters["event_when"] = event_when


def weekday_name(day: str) -> str:
    return day.capitalize()


def date_display(value: dt.date) -> str:
    """'Thursday, December 24' (the year is added when it is not the build's year)."""
    return f"{value:%A, %B} {value.day}"


def event_when(info) -> str:
    """'Saturday, December 5, 2026, 9:30 am – 1:30 pm' for an EventInfo."""
    start, end = info.start, info.end
    day = f"{start:%A, %B} {start.day}, {start.year}"
    if end is None:
        return f"{day}, {_clock(start)}"
    if end.date() == start.date():
        return f"{day}, {_clock(start)} – {_clock(end)}"
    return f"{day}, {_clock(start)} – {end:%A, %B} {end.day}, {end.year}, {_clock(end)}"


def _clock(moment: dt.datetime) -> str:
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}:{moment.minute:02d} {suffix}" if moment.minute else f"{hour} {suffix}"


# --- content: FAQ and events ------------------------------------------------------


def add_faq(content, conf) -> None:
    content.faq = extract_faq(getattr(content, "_content", "") or "", conf["faq_headings"])


def enrich_articles(generator) -> None:
    conf = local_seo_settings(generator.settings)
    for article in list(generator.articles) + list(generator.translations):
        add_faq(article, conf)


def prepare_pages(generator) -> None:
    """FAQ on every page; events routed, checked, and dropped once they are over."""
    settings = generator.settings
    conf = local_seo_settings(settings)
    profile = settings.get(PROFILE)
    base = public_base(settings)
    now = build_clock(settings)  # resolved by whichever plugin asks first
    folder = os.path.join(settings["PATH"], conf["events_path"])
    upcoming, archived = [], []
    for name in ("pages", "translations"):
        pages = getattr(generator, name)
        kept = []
        for page in pages:
            add_faq(page, conf)
            if not is_event(page, folder):
                page.offer = read_offer(page, settings, profile.business.currency if profile else "")
                kept.append(page)
                continue
            if "url" not in page.metadata:
                page.override_url = conf["events_url"].format(slug=page.slug)
            if "save_as" not in page.metadata:
                page.override_save_as = conf["events_save_as"].format(slug=page.slug)
            if "template" not in page.metadata:
                page.template = "event"
            page.is_event = True
            info = read_event(page, settings, profile, base)
            if info is None:
                continue
            page.event = info
            announced = getattr(page, "date", None)
            source = project_path(page.source_path, settings)
            if now is not None and announced is not None and announced > now:
                logger.info("local_seo: holding back %s until %s", source, announced.isoformat())
                note_change(settings, announced, page.slug, "publishes", source)
                if name == "pages" and not info.archived:
                    note_change(settings, info.finishes, page.slug, "ends", source)
                continue
            if now is not None and info.has_ended(now):
                if not info.archived:
                    logger.info("local_seo: %s has ended; not published (add 'Archived: yes' to keep it)",
                                project_path(page.source_path, settings))
                    continue
                if name == "pages":
                    archived.append(page)
            elif name == "pages":
                upcoming.append(page)
                if now is not None:  # leaves the site, or moves to the past events
                    note_change(settings, info.finishes, page.slug, "ends", source)
            kept.append(page)
        pages[:] = kept  # in place: the context holds the same list
    if now is not None and profile is not None:
        note_hours_changes(settings, profile, now)
    upcoming.sort(key=lambda p: p.event.start)
    archived.sort(key=lambda p: p.event.start, reverse=True)
    generator.context["events"] = upcoming
    generator.context["past_events"] = archived
    generator.context["LOCAL_SEO_EVENTS_FOLDER"] = os.path.isdir(folder)


# --- generated pages: locations and the events index --------------------------------


@dataclass
class Hero:
    """The page image, in the shape plugins/onpage's seo() reads (path, url, alt, size)."""

    path: str
    url: str
    alt: str
    width: int | None = None
    height: int | None = None


@dataclass
class GeneratedPage:
    """A page this plugin writes itself, in the shape seo() and the templates read."""

    title: str
    slug: str
    url: str
    save_as: str
    meta_description: str
    hero: Hero | None = None
    metadata: dict = field(default_factory=dict)
    content: str = ""
    date: dt.datetime | None = None
    modified: dt.datetime | None = None


def note_hours_changes(settings, profile, now: dt.datetime) -> None:
    """Holiday hours leave every page that shows them the day after they end: a change of the site."""
    tz = now.tzinfo  # the build clock is in the site timezone
    seen = set()
    for place in [profile.business, *profile.locations]:
        for special in place.upcoming_special_hours(now.astimezone(tz).date()):
            at = dt.datetime.combine(special.end + dt.timedelta(days=1), dt.time(), tz)
            name = f"{special.label or special.start.isoformat()} hours"
            if at > now and (at, name) not in seen:
                seen.add((at, name))
                note_change(settings, at, name, "drop out", place.setting)


def hero_for(place, settings) -> Hero | None:
    if not place.images:
        return None
    path = place.images[0]
    size = image_size(os.path.join(settings["PATH"], path))
    width, height = size if size else (None, None)
    alt = f"{place.name}, {place.address.one_line}" if place.address else place.name
    return Hero(path, f"{public_base(settings)}/{path}", alt, width, height)


def location_description(place) -> str:
    open_days = [day.capitalize() for day in DAYS if place.hours_of(day)]
    where = place.address.one_line if place.address else place.name
    text = f"{place.name} at {where}: opening hours, phone, directions"
    if open_days:
        text += f", open {open_days[0]} to {open_days[-1]}" if len(open_days) > 1 else f", open {open_days[0]}"
    return text + "."


class LocalSeoGenerator(Generator):
    """Writes one page per location, the locations index and the events index."""

    def generate_output(self, writer):
        settings = self.settings
        conf = local_seo_settings(settings)
        profile = settings.get(PROFILE)
        if profile is not None and profile.locations:
            for place in profile.locations:
                page = GeneratedPage(
                    title=place.name,
                    slug=place.slug,
                    url=place.path,
                    save_as=conf["locations_save_as"].format(slug=place.slug),
                    meta_description=place.description or location_description(place),
                    hero=hero_for(place, settings),
                    content=place.description,
                )
                writer.write_file(page.save_as, self.get_template("location"), self.context,
                                  relative_urls=False, page=page, location=place, page_name=page.url)
            if len(profile.locations) > 1:
                names = ", ".join(p.name for p in profile.locations)
                page = GeneratedPage(
                    title=conf["locations_title"],
                    slug="locations",
                    url=conf["locations_index_url"],
                    save_as=conf["locations_index_save_as"],
                    meta_description=conf["locations_description"]
                    or f"Find {profile.business.name}: {names}. Addresses, opening hours, phone numbers and maps.",
                )
                writer.write_file(page.save_as, self.get_template("locations"), self.context,
                                  relative_urls=False, page=page, page_name=page.url)
        if self.context.get("LOCAL_SEO_EVENTS_FOLDER"):
            upcoming = self.context.get("events") or []
            name = profile.business.name if profile else settings.get("SITENAME", "")
            listed = "; ".join(p.title for p in upcoming[:3])
            page = GeneratedPage(
                title=conf["events_title"],
                slug="events",
                url=conf["events_index_url"],
                save_as=conf["events_index_save_as"],
                meta_description=conf["events_description"]
                or (f"Upcoming events at {name}: {listed}." if listed else
                    f"Workshops, tastings and open days at {name}. No events are planned right now."),
                metadata={} if upcoming else {"noindex": "true"},
            )
            writer.write_file(page.save_as, self.get_template("events"), self.context,
                              relative_urls=False, page=page, page_name=page.url)


def get_generators(pelican):
    return LocalSeoGenerator


def register() -> None:
    signals.initialized.connect(check_profile)
    signals.generator_init.connect(add_jinja_globals)
    signals.article_generator_finalized.connect(enrich_articles)
    signals.page_generator_finalized.connect(prepare_pages)
    signals.get_generators.connect(get_generators)
