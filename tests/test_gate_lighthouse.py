"""Lighthouse 12 on the pages that matter, mobile and desktop presets.

Each page must score at least 95 in Performance and 100 in Accessibility, Best
Practices and SEO. The JSON reports land in reports/lighthouse/<page>-<preset>.json
(CI keeps reports/ as an artifact); a failure lists the audits that cost points.
One run takes about 12 s, so the picks are one page of each kind that matters:
the home page, a blog post, the blog index, a landing-page variant and a
location page.

Performance is a timing measurement and varies from run to run (Lighthouse's
own advice is to judge the median of several runs): when one run scores below
the bar, two more are made and the median run is judged. Accessibility, Best
Practices and SEO do not vary and are judged on every run.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from quality import CHROME_FLAGS, LIGHTHOUSE, REPORTS, chromium_env, require_lighthouse, serve

pytestmark = pytest.mark.slow

MINIMUM = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
RUNS_WHEN_SLOW = 3
PRESETS = ["mobile", "desktop"]


def pick_post(site):
    posts = [p for p in site.pages if re.fullmatch(r"/blog/[^/]+/", p.url) and p.meta("og:type") == "article"]
    # The longest post: the most text and images to load.
    return max(posts, key=lambda p: len(p.path.read_bytes())).url if posts else None


def pick_landing_variant(site):
    """A segment variant of a landing page: /offers/<page>/<segment>/, canonical to its base page."""
    for page in site.pages:
        match = re.fullmatch(r"(/offers/[^/]+/)[^/]+/", page.url)
        if match and page.canonical == site.base + match[1]:
            return page.url
    return None


def pick_location(site):
    return next((p.url for p in site.pages if re.fullmatch(r"/locations/[^/]+/", p.url)), None)


PICKS = {
    "home": lambda site: "/",
    "post": pick_post,
    "blog-index": lambda site: "/blog/",
    "landing-variant": pick_landing_variant,
    "location": pick_location,
}


@pytest.fixture(scope="module")
def served(demo_site):
    with serve(demo_site.output) as site:
        yield site


def run_lighthouse(url: str, preset: str, report_path) -> dict:
    node, _ = require_lighthouse()
    command = [
        node,
        str(LIGHTHOUSE.resolve()),
        url,
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        "--output=json",
        f"--output-path={report_path}",
        "--quiet",
        "--only-categories=performance,accessibility,best-practices,seo",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    result = subprocess.run(command, env=chromium_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and report_path.is_file(), f"lighthouse failed:\n{result.stderr[-3000:]}"
    return json.loads(report_path.read_text())


def costly_audits(report: dict, category: str) -> list[str]:
    """The audits of a category that did not score full marks, weightiest first."""
    audits = report["audits"]
    rows = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref["weight"] > 0 and audit.get("score") is not None and audit["score"] < 1:
            detail = audit.get("displayValue") or audit.get("title")
            items = (audit.get("details") or {}).get("items") or []
            where = [
                str(item.get("node", {}).get("snippet") or item.get("url") or item.get("source", {}).get("url") or "")
                for item in items[:3]
            ]
            where = [w for w in where if w]
            rows.append((ref["weight"], f"{ref['id']} (score {audit['score']}, {detail}){': ' if where else ''}{'; '.join(where)}"))
    return [text for _, text in sorted(rows, key=lambda row: -row[0])]


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("name", list(PICKS))
def test_lighthouse_scores(demo_site, served, name, preset):
    require_lighthouse()
    path = PICKS[name](demo_site)
    if path is None:
        pytest.skip(f"the demo has no {name.replace('-', ' ')} page yet (nothing matched the pick for it)")
    out = REPORTS / "lighthouse"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(f"{name}-{preset}*.json"):
        old.unlink()
    report = run_lighthouse(served.url(path), preset, out / f"{name}-{preset}.json")
    assert report["finalDisplayedUrl"].startswith(served.base), report["finalDisplayedUrl"]
    assert not report.get("runtimeError"), report["runtimeError"]

    failures = []
    for category in ("accessibility", "best-practices", "seo"):
        score = report["categories"][category]["score"]
        if score is None or score < MINIMUM[category]:
            audits = "\n    ".join(costly_audits(report, category)) or "(no single audit; see the report)"
            failures.append(f"{category} {score} < {MINIMUM[category]} on {path} ({preset}):\n    {audits}")

    runs = [report]
    if (report["categories"]["performance"]["score"] or 0) < MINIMUM["performance"]:
        for number in range(2, RUNS_WHEN_SLOW + 1):
            runs.append(run_lighthouse(served.url(path), preset, out / f"{name}-{preset}-run{number}.json"))
    runs.sort(key=lambda run: run["categories"]["performance"]["score"] or 0)
    median = runs[len(runs) // 2]
    score = median["categories"]["performance"]["score"]
    if score is None or score < MINIMUM["performance"]:
        audits = "\n    ".join(costly_audits(median, "performance")) or "(no single audit; see the report)"
        scores = ", ".join(str(run["categories"]["performance"]["score"]) for run in runs)
        failures.append(
            f"performance {score} < {MINIMUM['performance']} on {path} ({preset}; runs: {scores}):\n    {audits}"
        )
    assert failures == [], "\n".join(failures)
