"""Page weight: the home page is light, and no page waits on another site to render."""

from __future__ import annotations

import json
from urllib.parse import urljoin, urlsplit

import pytest
from quality import CHROME_FLAGS, REPORTS, require_chromium, serve

pytestmark = pytest.mark.slow

# Budgets for the home page, images not counted (they load lazily or are the hero).
MAX_BYTES = 100 * 1024
MAX_REQUESTS = 15


def test_home_page_weight_budget(demo_site):
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with serve(demo_site.output) as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROME_FLAGS)
        context = browser.new_context(viewport={"width": 1350, "height": 940})  # a cold cache
        page = context.new_page()
        requests = []
        page.on("requestfinished", lambda request: requests.append(request))
        page.goto(site.url("/"), wait_until="load")
        page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
        page.wait_for_load_state("networkidle")
        rows = []
        for request in requests:
            sizes = request.sizes()
            rows.append(
                {
                    "url": request.url.removeprefix(site.base),
                    "type": request.resource_type,
                    "bytes": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                }
            )
        browser.close()

    # Requests finish in any order; the page itself must be among them.
    assert [row["url"] for row in rows if row["type"] == "document"] == ["/"], rows
    budgeted = [row for row in rows if row["type"] != "image"]
    total = sum(row["bytes"] for row in budgeted)
    report = {
        "page": "/",
        "bytes_without_images": total,
        "requests_without_images": len(budgeted),
        "bytes_with_images": sum(row["bytes"] for row in rows),
        "requests_with_images": len(rows),
        "requests": rows,
    }
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "page-weight.json").write_text(json.dumps(report, indent=2) + "\n")
    listing = "\n".join(f"{row['bytes']:>8} {row['type']:<10} {row['url']}" for row in rows)
    assert total < MAX_BYTES, f"home page transfers {total} bytes without images (budget {MAX_BYTES}):\n{listing}"
    assert len(budgeted) < MAX_REQUESTS, f"{len(budgeted)} requests without images (budget < {MAX_REQUESTS}):\n{listing}"


def test_no_render_blocking_third_party_resources(demo_site):
    """A stylesheet or synchronous script from another host would hold up every page."""
    base = demo_site.base
    problems = []
    for page in demo_site.pages:
        for tag in page.soup.find_all(["script", "link"]):
            if tag.name == "script":
                src = tag.get("src")
                blocking = src and not (tag.has_attr("async") or tag.has_attr("defer") or tag.get("type") == "module")
            else:
                src = tag.get("href")
                rel = [r.lower() for r in tag.get("rel") or []]
                blocking = "stylesheet" in rel and tag.get("media") not in ("print",)
            if not (src and blocking):
                continue
            host = urlsplit(urljoin(base + page.url, src)).netloc
            if host != urlsplit(base).netloc:
                problems.append(f"{page.url}: render-blocking <{tag.name}> from {host}: {src}")
        for style in page.soup.find_all("style"):
            if "@import" in (style.string or ""):
                problems.append(f"{page.url}: @import in an inline style (a blocking request)")
    assert problems == []
