"""calendar.*: what the editorial calendar plans but the site does not publish yet (needs the manifest)."""

from __future__ import annotations

from ..language import Keyphrase
from . import Context, quote


def check(ctx: Context) -> None:
    manifest = ctx.manifest
    if manifest is None:
        return
    # Plan problems the build found in calendar/*.md (overdue rows, unknown segments ...).
    for item in getattr(manifest, "calendar", None) or []:
        rule = getattr(item, "rule", "") or ""
        if not rule.startswith("calendar.") or getattr(item, "severity", None) not in ("error", "warning", "notice"):
            continue
        where = f"{item.file}:{item.line}" if item.file and item.line else item.file
        ctx.add(rule, None, item.message, severity=item.severity, hint=item.hint or None, source=where,
                file=None, value=item.slug)
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
