"""Published posts as outreach sees them: the JSON Feed joined with the manifest.

The feed says what is public (and its text, image and dates); the manifest says
what the plan wants (segment, channels, evergreen, campaign). A post is known by
its feed id, the public URL, which no edit, feed order or rebuild changes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from contract.manifest import ManifestError, read_manifest

from .errors import InputError
from .settings import Site

logger = logging.getLogger(__name__)

GENERAL = ("", "all")


@dataclass
class Post:
    id: str  # the feed entry id: the post's public URL
    url: str
    title: str
    summary: str
    content_html: str
    published: dt.datetime
    modified: dt.datetime
    slug: str
    image: str | None = None
    image_alt: str = ""
    tags: list[str] = field(default_factory=list)
    segment: str = ""  # "" = general
    channels: list[str] = field(default_factory=list)
    evergreen: bool = False
    campaign: str | None = None
    source: str | None = None

    @property
    def general(self) -> bool:
        return not self.segment


def read_feed(site: Site, output: Path | None = None) -> dict:
    output = Path(output or site.output)
    if not site.feeds_json:
        raise InputError("FEEDS['json'] is turned off; outreach reads the JSON Feed, so set it (default 'feeds/all.json')")
    path = output / site.feeds_json
    try:
        feed = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no JSON Feed; build the site first (invoke build)") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: unreadable JSON Feed ({exc}); rebuild the site") from None
    if not isinstance(feed, dict) or not isinstance(feed.get("items"), list):
        raise InputError(f"{path}: not a JSON Feed (no items); rebuild the site")
    return feed


def load_manifest(path: Path):
    try:
        return read_manifest(path)
    except ManifestError as exc:
        raise InputError(str(exc)) from None


def read_posts(site: Site, manifest_path: Path, output: Path | None = None) -> list[Post]:
    """Every published post, newest first, with its plan data from the manifest."""
    feed = read_feed(site, output)
    manifest = load_manifest(manifest_path)
    by_path = {entry.url: entry for entry in manifest.pages}
    posts = []
    for item in feed["items"]:
        path = urlsplit(item.get("url") or item["id"]).path or "/"
        entry = by_path.get(path)
        if entry is None:
            logger.warning(
                "outreach: %s is in the feed but not in %s; rebuild the site (the post is left out)",
                item.get("url"),
                manifest_path,
            )
            continue
        extra = item.get("_mainstreet") or {}
        segment = (entry.segment or "").strip().lower()
        posts.append(
            Post(
                id=item["id"],
                url=item.get("url") or item["id"],
                title=item.get("title") or entry.title,
                summary=item.get("summary") or entry.description or "",
                content_html=item.get("content_html") or "",
                published=_date(item.get("date_published") or entry.date),
                modified=_date(item.get("date_modified") or item.get("date_published") or entry.date),
                slug=entry.slug or extra.get("slug") or path.strip("/").rsplit("/", 1)[-1],
                image=item.get("image") or entry.image,
                tags=list(item.get("tags") or entry.tags or []),
                segment="" if segment in GENERAL else segment,
                channels=[c.strip().lower() for c in entry.channels or [] if c.strip()],
                evergreen=bool(entry.evergreen),
                campaign=entry.campaign,
                source=entry.source,
            )
        )
    posts.sort(key=lambda p: (p.published, p.id), reverse=True)
    return posts


def manifest_sources(manifest_path: Path) -> dict[str, str]:
    """Source path ("content/posts/x.md") -> site-relative URL, for links in emails."""
    manifest = load_manifest(manifest_path)
    return {entry.source: entry.url for entry in manifest.pages if entry.source}


def _date(value) -> dt.datetime:
    if not value:
        raise InputError("a feed item has no date; rebuild the site")
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
