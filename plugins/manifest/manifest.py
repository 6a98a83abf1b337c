"""reports/manifest.json: one entry per published URL, the held-back content, the coming changes.

The manifest is where plan data meets built pages: the SEO audit, the
newsletter and the social schedule read it (its shape: contract/manifest.py).
This plugin builds it once every generator has finished, from what Pelican
read and what the other plugins left in the build state (contract.state:
held back, redirects, coming changes), and writes it after the site is
written, with the calendar's findings when plugins/editorial is enabled. It
works with any subset of the other plugins and in any order: a plugin that
needs the manifest earlier (editorial's plan report) asks the build state's
``assemble_manifest``, which builds it once.
"""

from __future__ import annotations

import datetime as dt
import logging

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

from contract.manifest import Manifest, ManifestEntry, write_manifest
from contract.site import MANIFEST_FILE, public_site_url
from contract.sources import project_path
from contract.state import build_clock, build_state
from planning.config import reports_folder
from planning.plan import as_list

logger = logging.getLogger(__name__)

GENERATORS = "manifest.generators"  # this build's generators, in the build state's plugins


def _iso(moment) -> str | None:
    if not isinstance(moment, dt.datetime) or moment.year >= 9999:
        return None
    return moment.isoformat()


def _public_url(content, settings) -> str:
    """The site-relative URL of ``content`` once published (drafts have no URL of their own)."""
    if getattr(content, "status", "") == "draft":
        key = "ARTICLE_URL" if type(content).__name__ == "Article" else "PAGE_URL"
        url = content.metadata.get("url") or settings[key].format(**content.url_format)
    else:
        url = content.url
    return "/" + str(url).lstrip("/")


def _kind(content) -> str:
    if type(content).__name__ == "Article":
        return "article"
    if getattr(content, "is_landing", False):
        return "landing"
    return "event" if getattr(content, "is_event", False) else "page"


def manifest_entry(content, settings, status: str, kind: str | None = None) -> ManifestEntry:
    meta = content.metadata
    hero = getattr(content, "hero", None)
    return ManifestEntry(
        url=_public_url(content, settings),
        kind=kind or _kind(content),
        source=project_path(content.source_path, settings),
        title=str(getattr(content, "title", "")),
        slug=str(getattr(content, "slug", "")),
        keyword=str(meta["keyword"]) if meta.get("keyword") else None,
        keywords=as_list(meta.get("keywords"), lower=False),
        segment=str(meta["segment"]).lower() if meta.get("segment") else None,
        stage=str(meta["stage"]).lower() if meta.get("stage") else None,
        channels=as_list(meta.get("channels")),
        category=str(content.category) if getattr(content, "category", None) else None,
        tags=[str(t) for t in getattr(content, "tags", []) or []],
        authors=[str(a) for a in getattr(content, "authors", []) or []],
        date=_iso(getattr(content, "date", None)),
        modified=_iso(getattr(content, "modified", None)),
        expires=_iso(getattr(content, "expires", None)),
        status=status,
        word_count=int(getattr(content, "word_count", 0) or 0),
        description=str(getattr(content, "meta_description", "") or meta.get("description") or ""),
        image=hero.url if hero is not None else None,
        campaign=str(meta["campaign"]) if meta.get("campaign") else None,
        pillar=str(meta["pillar"]) if meta.get("pillar") else None,
        owner=str(meta["owner"]) if meta.get("owner") else None,
        evergreen=str(meta.get("evergreen", "")).strip().lower() in ("1", "true", "yes", "on"),
        calendar_row=str(meta["calendar_row"]) if meta.get("calendar_row") else None,
    )


def build_manifest(generators, settings) -> Manifest:
    now = build_clock(settings)
    state = build_state(settings)
    pages = []
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            live = generator.articles + generator.translations
        elif isinstance(generator, PagesGenerator):
            live = generator.pages + generator.translations
        else:
            continue
        pages += [manifest_entry(content, settings, "published") for content in live]
    for redirect in state.redirects:
        entry = manifest_entry(redirect.content, settings, "expired", kind="redirect")
        entry.redirect_to = redirect.target
        pages.append(entry)
    held = [manifest_entry(h.content, settings, h.reason) for h in state.held_back]
    upcoming = [
        {"at": item["at"].isoformat(), "slug": item["slug"], "change": item["change"], "source": item["source"]}
        for item in state.upcoming
    ]
    return Manifest(
        generated_at=now.isoformat(),
        site={
            "name": settings.get("SITENAME", ""),
            "url": public_site_url(settings),
            "timezone": settings.get("TIMEZONE") or "UTC",
        },
        pages=sorted(pages, key=lambda e: (e.url, e.source or "")),
        held_back=sorted(held, key=lambda e: (e.url, e.source or "")),
        next_change=upcoming[0]["at"] if upcoming else None,
        upcoming=upcoming,
    )


def assemble(settings) -> Manifest | None:
    """This build's manifest, built on the first call once every generator has finished."""
    state = build_state(settings)
    generators = state.plugins.get(GENERATORS)
    if state.manifest is None and generators is not None:
        state.manifest = build_manifest(generators, settings)
    return state.manifest


def offer(pelican) -> None:
    build_clock(pelican.settings)  # before Pelican copies the settings into the template context
    build_state(pelican.settings).assemble_manifest = assemble


def keep_generators(generators) -> None:
    """Every plugin's all_generators_finalized may still change content: build the manifest after them."""
    build_state(generators[0].settings).plugins[GENERATORS] = generators


def collect(pelican) -> None:
    """get_writer: everything is read and decided, nothing is written yet."""
    assemble(pelican.settings)


def write(pelican) -> None:
    """The site is written: the manifest goes to the reports folder, with the calendar's findings."""
    settings = pelican.settings
    state = build_state(settings)
    if state.manifest is None:
        return
    state.manifest.calendar = list(state.calendar)
    write_manifest(state.manifest, reports_folder(settings) / MANIFEST_FILE)
    logger.info("manifest: wrote %s", MANIFEST_FILE)


def register() -> None:
    signals.initialized.connect(offer)
    signals.all_generators_finalized.connect(keep_generators)
    signals.get_writer.connect(collect)
    signals.finalized.connect(write)
