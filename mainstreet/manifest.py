"""The shape of reports/manifest.json: where plan data meets built pages.

The build (plugins/editorial) writes it; the SEO audit and the outreach tools
read it instead of re-parsing content/. This module imports nothing from Pelican
or the plugins, so seo/ and outreach/ may import it.

    {
      "version": 1,
      "generated_at": "2026-11-24T12:00:00-05:00",   # the build clock
      "site": {"name": ..., "url": "https://...", "timezone": "America/New_York"},
      "next_change": "2026-12-03T08:00:00-05:00" | null,
      "pages": [ManifestEntry, ...],      # one per published URL
      "held_back": [ManifestEntry, ...],  # scheduled/expired: known, not published
    }
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

MANIFEST_VERSION = 1


class ManifestError(ValueError):
    """The manifest file is missing, unreadable or of another version."""


@dataclass
class ManifestEntry:
    url: str  # site-relative, with a leading slash: "/blog/holiday-cake-guide/"
    kind: str  # "article", "page", "landing", "event", "location"
    source: str | None = None  # "content/posts/holiday-cake-guide.md"
    title: str = ""
    slug: str = ""
    keyword: str | None = None  # the focus keyphrase
    keywords: list[str] = field(default_factory=list)  # secondary keyphrases
    segment: str | None = None
    stage: str | None = None
    channels: list[str] = field(default_factory=list)
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    date: str | None = None  # ISO 8601 with offset
    modified: str | None = None
    expires: str | None = None
    status: str = "published"  # published, scheduled, expired, ...
    word_count: int = 0
    description: str = ""
    image: str | None = None  # absolute URL of the hero/social image
    campaign: str | None = None
    pillar: str | None = None
    owner: str | None = None
    evergreen: bool = False
    calendar_row: str | None = None  # "calendar/2026.md:14"

    @classmethod
    def from_dict(cls, data: dict) -> ManifestEntry:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Manifest:
    generated_at: str
    site: dict
    pages: list[ManifestEntry] = field(default_factory=list)
    held_back: list[ManifestEntry] = field(default_factory=list)
    next_change: str | None = None
    version: int = MANIFEST_VERSION

    def by_url(self) -> dict[str, ManifestEntry]:
        return {entry.url: entry for entry in self.pages}

    def to_dict(self) -> dict:
        return asdict(self)


def read_manifest(path: str | os.PathLike) -> Manifest:
    """Read reports/manifest.json; ManifestError says what is wrong and what to do."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path}: no manifest; build the site first (invoke build)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path}: unreadable manifest ({exc}); rebuild the site") from None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        raise ManifestError(
            f"{path}: manifest version {data.get('version') if isinstance(data, dict) else '?'!r}, "
            f"expected {MANIFEST_VERSION}; rebuild the site"
        )
    return Manifest(
        generated_at=data["generated_at"],
        site=data.get("site", {}),
        pages=[ManifestEntry.from_dict(e) for e in data.get("pages", [])],
        held_back=[ManifestEntry.from_dict(e) for e in data.get("held_back", [])],
        next_change=data.get("next_change"),
    )


def write_manifest(manifest: Manifest, path: str | os.PathLike) -> None:
    """Write atomically (a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".manifest-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(manifest.to_dict(), fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    os.replace(tmp, path)
