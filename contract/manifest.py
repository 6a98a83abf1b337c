"""The shape of reports/manifest.json: where plan data meets built pages.

The build (plugins/editorial) writes it; the SEO audit and the outreach tools
read it instead of re-parsing content/. This module imports nothing from Pelican
or the plugins, so seo/ and outreach/ may import it.

    {
      "version": 1,
      "generated_at": "2026-11-24T12:00:00-05:00",   # the build clock
      "site": {"name": ..., "url": "https://...", "timezone": "America/New_York"},
      "next_change": "2026-12-03T08:00:00-05:00" | null,
      "upcoming": [{"at": ..., "slug": ..., "change": "publishes" | "expires", "source": ...}],
      "pages": [ManifestEntry, ...],      # one per published URL
      "held_back": [ManifestEntry, ...],  # scheduled/expired/draft/hidden: known, not published
      "calendar": [CalendarFinding, ...], # plan problems (warnings) and notices of the calendar
    }
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .files import atomic_open

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
    redirect_to: str | None = None  # kind "redirect": an expired page's successor

    @classmethod
    def from_dict(cls, data: dict) -> ManifestEntry:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class CalendarFinding:
    """A problem or notice about the content calendar (rule IDs ``calendar.*``)."""

    rule: str  # "calendar.overdue"
    severity: str  # "error", "warning" or "notice"
    message: str  # "'holiday-cake-guide' was due 2026-12-03 but has no post"
    hint: str = ""  # how to fix it
    file: str | None = None  # "calendar/2026.md"
    line: int | None = None
    slug: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else f"{self.file}: " if self.file else ""
        return f"{where}{self.message}" + (f"; {self.hint}" if self.hint else "")

    @classmethod
    def from_dict(cls, data: dict) -> CalendarFinding:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Manifest:
    generated_at: str
    site: dict
    pages: list[ManifestEntry] = field(default_factory=list)
    held_back: list[ManifestEntry] = field(default_factory=list)
    next_change: str | None = None
    upcoming: list[dict] = field(default_factory=list)
    calendar: list[CalendarFinding] = field(default_factory=list)
    version: int = MANIFEST_VERSION

    def by_url(self) -> dict[str, ManifestEntry]:
        return {entry.url: entry for entry in self.pages}

    def to_dict(self) -> dict:
        return asdict(self)


def describe_next_change(upcoming: list[dict], tz=None) -> str:
    """'2026-12-03 08:00 EST (holiday-cake-guide publishes)': the earliest of ``upcoming``.

    ``upcoming`` is the manifest's list (``at`` as ISO text) or the build's
    (``at`` a datetime), earliest first; the moment is shown in ``tz``.
    """
    if not upcoming:
        return "none (nothing scheduled or expiring)"

    def moment(item):
        at = item["at"]
        return dt.datetime.fromisoformat(at) if isinstance(at, str) else at

    first = moment(upcoming[0])
    changes = ", ".join(f"{i['slug']} {i['change']}" for i in upcoming if moment(i) == first)
    shown = first.astimezone(tz) if tz is not None else first
    return f"{shown.strftime('%Y-%m-%d %H:%M %Z').strip()} ({changes})"


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
        upcoming=list(data.get("upcoming", [])),
        calendar=[CalendarFinding.from_dict(f) for f in data.get("calendar", [])],
    )


def write_manifest(manifest: Manifest, path: str | os.PathLike) -> None:
    """Write atomically (a reader never sees half a file)."""
    with atomic_open(path, mode=None) as fh:  # private: stays 0600
        json.dump(manifest.to_dict(), fh, indent=2, ensure_ascii=False)
        fh.write("\n")
