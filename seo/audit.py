"""One audit from start to finish: read (or crawl) the site, check links, run the rules."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from contract.manifest import Manifest, ManifestError, read_manifest

from . import TOOL_NAME, __version__
from .model import SEVERITY_RANK, Finding, Site
from .rules import Context, run_rules, summarize

# How much one finding costs a page's score (0-100).
SCORE_COST = {"error": 20, "warning": 5, "notice": 1}
# Score bands: "good" (green) from 90, "fair" (amber) from 60, else "poor" (red). An error blocks
# publishing, so a site with any error scores at most SCORE_WITH_ERRORS: never green, never amber.
SCORE_GOOD, SCORE_FAIR = 90, 60
SCORE_WITH_ERRORS = SCORE_FAIR - 1


@dataclass
class AuditResult:
    site: Site
    findings: list[Finding]
    keyword_rows: list[dict]
    settings: dict
    generated_at: dt.datetime
    seconds: float
    manifest_note: str | None = None  # why keyword data is missing, if it is
    external_checked: int | None = None  # URLs checked with --check-external
    notes: list[str] = field(default_factory=list)
    # findings past SEO_AUDIT['max_instances_per_rule'] on pages: URL -> severity -> count (not kept one by one)
    more_by_url: dict[str, Counter] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, int]:
        return summarize(self.findings)

    @property
    def score(self) -> int:
        """100 minus what the findings cost each page, averaged over the pages (site-wide ones count too);
        at most SCORE_WITH_ERRORS while any error is left."""
        score = self._raw_score()
        return min(score, SCORE_WITH_ERRORS) if self.summary["error"] else score

    @property
    def score_band(self) -> str:
        """"good", "fair" or "poor": the colour the reports give the score."""
        score = self.score
        return "good" if score >= SCORE_GOOD else "fair" if score >= SCORE_FAIR else "poor"

    def _raw_score(self) -> int:
        pages = {self.site.url_for(p.path) for p in self.site.html_pages()}
        cost: Counter = Counter()
        site_cost = 0
        for finding in self.findings:
            # "… and N more" stands for N findings: those on pages cost those pages (below), the rest the site
            weight = finding.extra.get("more", 1)
            if finding.url in pages and "more" not in finding.extra:
                cost[finding.url] += SCORE_COST[finding.severity]
            else:
                site_cost += SCORE_COST[finding.severity] * weight
        for url, counts in self.more_by_url.items():
            if url in pages:
                moved = sum(SCORE_COST[severity] * n for severity, n in counts.items())
                cost[url] += moved
                site_cost -= moved
        if not pages:
            return 0
        average = sum(max(0, 100 - cost[url]) for url in pages) / len(pages)
        return max(0, round(average - site_cost))

    def failed(self, fail_on: str) -> bool:
        return any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on] for f in self.findings)

    def page_rows(self) -> list[dict]:
        by_url: dict[str, Counter] = {}
        for finding in self.findings:
            if "more" not in finding.extra:
                by_url.setdefault(finding.url, Counter())[finding.severity] += 1
        for url, counts in self.more_by_url.items():
            by_url.setdefault(url, Counter()).update(counts)
        keywords = {row["url"]: row["keyword"] for row in self.keyword_rows}
        rows = []
        for page in sorted(self.site.pages.values(), key=lambda p: p.path):
            url = self.site.url_for(page.path)
            counts = by_url.get(url, Counter())
            rows.append({
                "url": url, "path": page.path, "status": page.status, "title": page.title,
                "words": page.word_count, "indexable": page.indexable, "keyword": keywords.get(url),
                "response_ms": round(page.response_ms) if page.response_ms is not None else None,
                "error": counts["error"], "warning": counts["warning"], "notice": counts["notice"],
            })
        return rows

    def to_dict(self, findings: bool = True) -> dict:
        """Everything the reports show; without ``findings`` that entry is None (to be filled in)."""
        return {
            "tool": TOOL_NAME,
            "version": __version__,
            "source": {"mode": self.site.source, "target": self.site.target, "base_url": self.site.origin or None,
                       "aliases": list(self.site.aliases)},
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "seconds": round(self.seconds, 2),
            "score": self.score,
            "score_band": self.score_band,
            "pages": self.page_rows(),
            "summary": self.summary,
            "findings": [f.to_dict() for f in self.findings] if findings else None,
            "keywords": self.keyword_rows,
            "notes": self.notes,
        }


def load_manifest(path: str | Path | None) -> tuple[Manifest | None, str | None]:
    """The manifest if there is one; else None and why (keyword checks then report it)."""
    if path is None:
        return None, "no manifest given"
    try:
        return read_manifest(path), None
    except ManifestError as exc:
        return None, str(exc)


def run_audit(
    site: Site,
    settings: dict,
    manifest: Manifest | None = None,
    now: dt.datetime | None = None,
    check_external: bool = False,
    cache_dir: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    started: float | None = None,
) -> AuditResult:
    started = time.perf_counter() if started is None else started
    now = now or dt.datetime.now(dt.UTC)
    external = None
    if check_external:
        from .external import check_urls

        urls = {link.url for page in site.html_pages() for link in page.links if not link.internal}
        external = check_urls(urls, settings, cache_dir=cache_dir, progress=progress)
    ctx = Context(site=site, settings=settings, manifest=manifest, now=now, external=external)
    findings = run_rules(ctx)
    return AuditResult(
        site=site, findings=findings, keyword_rows=ctx.keyword_rows, more_by_url=ctx.more_by_url, settings=settings, generated_at=now,
        seconds=time.perf_counter() - started, external_checked=len(external) if external is not None else None,
    )
