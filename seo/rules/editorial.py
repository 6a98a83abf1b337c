"""calendar.*: what the editorial calendar plans but the site does not publish yet (needs the manifest)."""

from __future__ import annotations

from ..language import Keyphrase
from . import Context, quote


def check(ctx: Context) -> None:
    manifest = ctx.manifest
    if manifest is None:
        return
    published = {Keyphrase.parse(e.keyword).key() for e in manifest.pages if e.keyword}
    for entry in manifest.held_back:
        if not entry.keyword or Keyphrase.parse(entry.keyword).key() in published:
            continue
        where = f" ({entry.calendar_row})" if entry.calendar_row else ""
        when = f", planned for {entry.date[:10]}" if entry.date else ""
        ctx.add("calendar.keyword-unpublished", entry.url,
                f"The keyword {quote(entry.keyword)} is planned{where}{when} ({entry.status}) but no published page "
                "targets it yet.",
                keyword=entry.keyword, value=entry.status, source=entry.calendar_row or entry.source)
