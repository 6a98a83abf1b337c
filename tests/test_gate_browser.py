"""Every page of the demo in a real browser: headless Chromium driven by Playwright.

Each page is loaded once, 360 px wide (a small phone), from the project's own
server on loopback. The visit scrolls to the end so lazy images load, then
records what a visitor would run into: console errors, failed or third-party
requests, layout shifts, images without sizes, horizontal scroll, and where
the Tab key takes a keyboard user. The tests below each judge one of those
records for every page, so a new page is checked the moment the build makes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

import pytest
from quality import CHROME_FLAGS, fetch, html_paths, require_chromium, serve

pytestmark = pytest.mark.slow

PHONE = {"width": 360, "height": 740}
# Layout shift a visitor could notice (Lighthouse calls < 0.1 good; we allow none).
MAX_LAYOUT_SHIFT = 0.001

WATCH_SHIFTS_AND_FOCUS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    const nodes = (entry.sources || []).map((s) => s.node ? s.node.nodeName.toLowerCase()
      + (s.node.id ? '#' + s.node.id : '') + (s.node.className && s.node.className.baseVal === undefined
      ? '.' + String(s.node.className).trim().replace(/\\s+/g, '.') : '') : '?');
    window.__shifts.push({value: entry.value, nodes});
  }
}).observe({type: 'layout-shift', buffered: true});
// A focus indicator is an outline or box shadow that appears on the element, or
// on one of its nearest ancestors (a card that lights up with :focus-within).
window.__ring = (el) => {
  const parts = [];
  for (let node = el, depth = 0; node && node.nodeType === 1 && depth < 4; node = node.parentElement, depth++) {
    const style = getComputedStyle(node);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
      ? style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor : '';
    const shadow = style.boxShadow !== 'none' ? style.boxShadow : '';
    parts.push(outline + '|' + shadow);
  }
  return parts;
};
window.__resting = {};
window.__focus = [];
document.addEventListener('focusin', (event) => {
  const el = event.target;
  const key = el.dataset ? el.dataset.gateKey || null : null;
  const ring = window.__ring(el);
  const before = (key !== null && window.__resting[key]) || ring.map(() => '|');
  const indicator = ring.some((part, i) => part !== '|' && part !== before[i]);
  window.__focus.push({key, tag: el.tagName.toLowerCase(), href: el.getAttribute('href'), indicator});
}, true);
"""

COLLECT = """() => {
  const visible = (el) => el.checkVisibility({visibilityProperty: true})
    && el.getClientRects().length > 0 && !el.closest('[inert]');
  const links = [...document.querySelectorAll('a[href]')];
  links.forEach((a, i) => { a.dataset.gateKey = String(i); window.__resting[String(i)] = window.__ring(a); });
  const tabbable = [...document.querySelectorAll(
    'a[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable]')]
    .filter((el) => el.tabIndex >= 0 && !el.disabled);
  const root = document.scrollingElement;
  return {
    title: document.title,
    scrollWidth: Math.max(root.scrollWidth, document.body.scrollWidth),
    viewportWidth: window.innerWidth,
    shifts: window.__shifts,
    images: [...document.images].map((img) => ({
      src: img.getAttribute('src'), width: img.getAttribute('width'), height: img.getAttribute('height'),
      naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, complete: img.complete,
    })),
    links: links.map((a, i) => ({key: String(i), href: a.href, raw: a.getAttribute('href'),
                                 visible: visible(a), tabbable: a.tabIndex >= 0})),
    resources: [...document.querySelectorAll('link[href], script[src], img[src], source[srcset]')]
      .map((el) => el.href || el.src || el.srcset),
    ids: [...document.querySelectorAll('[id]')].map((el) => el.id),
    tabbable: tabbable.length,
    mainNav: [...document.querySelectorAll('nav[aria-label="Main"] a[href]')].map((a) => a.href),
  };
}"""

SCROLL_TO_END = """async () => {
  const step = Math.max(200, window.innerHeight / 2);
  for (let y = 0; y < document.scrollingElement.scrollHeight; y += step) {
    window.scrollTo(0, y);
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  }
  window.scrollTo(0, 0);
}"""


@dataclass
class Visit:
    path: str
    status: int
    data: dict
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    third_party: list[str] = field(default_factory=list)
    focus: list[dict] = field(default_factory=list)


@pytest.fixture(scope="module")
def served_demo(demo_site):
    with serve(demo_site.output) as site:
        yield site


@pytest.fixture(scope="module")
def browser():
    """One chromium for this module (Playwright's sync API allows one instance at a time)."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROME_FLAGS)
        yield chromium
        chromium.close()


def watch(page, site, visit: Visit) -> None:
    def on_console(message):
        if message.type == "error":
            visit.console_errors.append(message.text)

    def on_response(response):
        if response.status >= 400:
            visit.failed_requests.append(f"{response.status} {response.url}")

    def on_request(request):
        if not request.url.startswith((site.base + "/", "data:", "blob:", "about:")):
            visit.third_party.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda r: visit.failed_requests.append(f"{r.failure} {r.url}"))
    page.on("response", on_response)
    page.on("request", on_request)


def tab_through(page, cdp, data: dict) -> list[dict]:
    """Press Tab once per focusable element (and one more); returns what got focus, in order.

    The key events go straight through the DevTools protocol (what Playwright's
    keyboard.press sends, without its per-key waits): real key presses, 3x faster.
    """
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.__focus = []; }")
    key = {"key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}
    for _ in range(data["tabbable"] + 1):
        cdp.send("Input.dispatchKeyEvent", {"type": "keyDown", **key})
        cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", **key})
    return page.evaluate("window.__focus")


@pytest.fixture(scope="module")
def visits(browser, served_demo, demo_site) -> dict[str, Visit]:
    """Every page of the demo, visited once at 360 px wide."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=False)
    context.add_init_script(WATCH_SHIFTS_AND_FOCUS)
    results = {}
    for path in html_paths(demo_site.output):
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        visit = Visit(path, 0, {})
        watch(page, served_demo, visit)
        response = page.goto(served_demo.url(path), wait_until="load")
        visit.status = response.status if response else 0
        page.evaluate(SCROLL_TO_END)
        page.wait_for_function("[...document.images].every((img) => img.complete)", timeout=15000)
        visit.data = page.evaluate(COLLECT)
        visit.focus = tab_through(page, cdp, visit.data)
        cdp.detach()
        results[path] = visit
        page.close()
    context.close()
    return results


def report(problems: list[str]) -> str:
    return "\n".join(problems)


def test_every_page_loads_without_console_errors_or_failed_requests(visits):
    problems = []
    for path, visit in visits.items():
        if visit.status != 200:
            problems.append(f"{path}: HTTP {visit.status}")
        problems += [f"{path}: console: {text}" for text in visit.console_errors]
        problems += [f"{path}: request failed: {text}" for text in visit.failed_requests]
    assert len(visits) > 20
    assert problems == [], report(problems)


def test_no_page_requests_anything_from_another_site(visits):
    problems = [f"{path}: {url}" for path, visit in visits.items() for url in visit.third_party]
    assert problems == [], report(problems)


def test_every_link_leads_somewhere(visits, served_demo):
    """Navigation works from every page: each internal link answers 200 and each #fragment exists."""
    ids_by_path = {path: set(visit.data["ids"]) for path, visit in visits.items()}
    status_of: dict[str, int] = {}
    problems = []
    for path, visit in visits.items():
        for link in visit.data["links"]:
            url, fragment = urldefrag(link["href"])
            if not url.startswith(served_demo.base + "/"):
                if urlsplit(url).scheme in ("http", "https") and "127.0.0.1" in url:
                    problems.append(f"{path}: link to another local server {link['raw']!r}")
                continue
            target = urlsplit(url).path
            if target not in status_of:
                status_of[target] = fetch(served_demo.base, target, "HEAD")[0]
            if status_of[target] != 200:
                problems.append(f"{path}: link {link['raw']!r} answers {status_of[target]}")
            elif fragment and target in ids_by_path and fragment not in ids_by_path[target]:
                problems.append(f"{path}: link {link['raw']!r}: no element with id {fragment!r}")
    assert status_of, "no internal links found"
    assert problems == [], report(problems)


def test_every_page_has_the_main_navigation(visits):
    menus = {tuple(visit.data["mainNav"]) for visit in visits.values() if visit.path != "/404.html"}
    assert len(menus) == 1 and next(iter(menus)), f"main navigation differs between pages: {menus}"


def test_clicking_the_main_navigation_goes_where_it_says(browser, served_demo, visits):
    menu = next(iter(visits.values())).data["mainNav"]
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    problems = []
    # From a page of each kind: the home page, a post, a list, a page.
    starts = ["/"] + [
        next((p for p in visits if re.fullmatch(pattern, p)), "/")
        for pattern in (r"/blog/[^/]+/", r"/blog/", r"/[a-z-]+/")
    ]
    for start in starts:
        for target in menu:
            page.goto(served_demo.url(start))
            label = target.removeprefix(served_demo.base)
            with page.expect_navigation():
                page.locator(f'nav[aria-label="Main"] a[href="{label}"]').click()
            if page.url != target:
                problems.append(f"{start}: the menu link {label} went to {page.url}")
            if not page.locator("h1").count():
                problems.append(f"{start} -> {label}: the page has no h1")
    context.close()
    assert problems + errors == []


def test_unknown_url_gets_the_sites_404_page(browser, served_demo, demo_site):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    response = page.goto(served_demo.url("/no/such/page/"))
    assert response.status == 404
    expected = demo_site.page("/404.html").soup.h1.get_text(" ", strip=True)
    assert page.locator("h1").inner_text().strip() == expected
    assert page.title() == demo_site.page("/404.html").soup.title.get_text()
    # The page must still work from its odd URL: styles and the way home.
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px", "stylesheet did not load"
    with page.expect_navigation():
        page.locator("a.brand").click()
    assert page.url == served_demo.url("/")
    context.close()


def test_images_have_sizes_and_nothing_shifts(visits):
    problems = []
    for path, visit in visits.items():
        for img in visit.data["images"]:
            if not (img["width"] and img["height"]):
                problems.append(f"{path}: <img src={img['src']!r}> has no width and height")
                continue
            if not (img["complete"] and img["naturalWidth"]):
                problems.append(f"{path}: <img src={img['src']!r}> did not load")
                continue
            declared = int(img["width"]) / int(img["height"])
            natural = img["naturalWidth"] / img["naturalHeight"]
            if abs(declared - natural) / natural > 0.02:
                problems.append(
                    f"{path}: <img src={img['src']!r}> declares {img['width']}x{img['height']} "
                    f"but is {img['naturalWidth']}x{img['naturalHeight']}"
                )
        shift = sum(entry["value"] for entry in visit.data["shifts"])
        if shift > MAX_LAYOUT_SHIFT:
            nodes = sorted({n for entry in visit.data["shifts"] for n in entry["nodes"]})
            problems.append(f"{path}: layout shift {shift:.4f} ({', '.join(nodes)})")
    assert problems == [], report(problems)


def test_no_horizontal_scroll_at_360_px(visits):
    problems = [
        f"{path}: {visit.data['scrollWidth']} px wide in a {visit.data['viewportWidth']} px window"
        for path, visit in visits.items()
        if visit.data["scrollWidth"] > visit.data["viewportWidth"]
    ]
    assert problems == [], report(problems)


def test_keyboard_reaches_every_link_and_shows_focus(visits):
    problems = []
    for path, visit in visits.items():
        reached = {entry["key"] for entry in visit.focus}
        for link in visit.data["links"]:
            if link["visible"] and link["key"] not in reached:
                problems.append(f"{path}: Tab never reaches the link {link['raw']!r}")
        for entry in visit.focus:
            if not entry["indicator"]:
                problems.append(f"{path}: no visible focus on <{entry['tag']} href={entry['href']!r}>")
    assert problems == [], report(problems)
