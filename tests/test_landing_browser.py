"""Landing pages in a real browser: Debian's chromium driven by Playwright, on loopback.

What the inline scripts do for a visitor: the arm they get (and keep), the split
over many visitors, the no-JavaScript and privacy fallbacks, dynamic text that
can only ever be text, and the conversion events. Each test starts from the
built pages served by the project's own server on a port the system picks.
"""

from __future__ import annotations

import concurrent.futures
import functools
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from landing_support import ARMS, build_landing_site
from quality import CHROME_FLAGS, require_chromium, serve

pytestmark = pytest.mark.slow

HOLIDAY = "/offers/holiday-cakes/"
FAMILIES = HOLIDAY + "families/"
CLUB = "/offers/bread-club/"
VISITOR_KEY = "mainstreet-visitor"

# Global Privacy Control and Do Not Track as a browser (or an extension) sets them.
GPC_ON = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"
DNT_ON = "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'});"
# Records the arm attribute at the moment <body> appears: what the first paint can show.
ARM_AT_BODY = """
window.__armAtBody = 'no body yet';
new MutationObserver((records, observer) => {
  if (document.body) {
    window.__armAtBody = document.documentElement.dataset.ab ?? null;
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""
# Fresh visitors, one after another, in one page: clear storage and the
# assignment, then run the page's own A/B script element again (a copy with the
# same attributes and text, which the browser executes like the original).
# crypto.getRandomValues is seeded so the measured split is the same every run.
SPLIT = """(count) => {
  let seed = 20261124;
  crypto.getRandomValues = (array) => {
    for (let i = 0; i < array.length; i++) {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
      array[i] = seed >>> 0;
    }
    return array;
  };
  const original = document.querySelector('script[data-experiment]');
  const root = document.documentElement;
  const counts = {};
  const ids = new Set();
  for (let visitor = 0; visitor < count; visitor++) {
    localStorage.clear();
    delete root.dataset.ab; delete root.dataset.abArm; delete root.dataset.abExperiment;
    const copy = document.createElement('script');
    for (const attribute of original.attributes) copy.setAttribute(attribute.name, attribute.value);
    copy.textContent = original.textContent;
    document.head.appendChild(copy);
    copy.remove();
    ids.add(localStorage.getItem(original.dataset.key));
    counts[root.dataset.abArm] = (counts[root.dataset.abArm] || 0) + 1;
  }
  return {counts, ids: ids.size};
}"""


# Playwright's sync API runs one instance per thread, and other test modules keep
# theirs open for the whole session: this module's browser lives in a thread of
# its own, and each test runs in that thread (@in_browser_thread).
_BROWSER_THREAD = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="landing-chromium")


def in_browser_thread(test):
    @functools.wraps(test)
    def run(*args, **kwargs):
        return _BROWSER_THREAD.submit(test, *args, **kwargs).result()

    return run


@pytest.fixture(scope="module")
def browser():
    executable = require_chromium()

    def start():
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        return playwright, playwright.chromium.launch(executable_path=executable, headless=True, args=CHROME_FLAGS)

    playwright, chromium = _BROWSER_THREAD.submit(start).result()
    yield chromium

    def stop():
        chromium.close()
        playwright.stop()

    _BROWSER_THREAD.submit(stop).result()


@pytest.fixture(scope="module")
def demo(demo_site):
    with serve(demo_site.output) as site:
        yield site


@pytest.fixture(scope="module")
def club(tmp_path_factory):
    built = build_landing_site(tmp_path_factory.mktemp("club") / "site")
    with serve(built.output) as site:
        yield site


@pytest.fixture(scope="module")
def consent_club(tmp_path_factory):
    settings = 'LANDING = dict(LANDING, form_action="https://forms.example/club", consent_key="cookie-consent")  # noqa: F405\n'
    built = build_landing_site(tmp_path_factory.mktemp("consent") / "site", settings=settings)
    with serve(built.output) as site:
        yield site


class Visit:
    """A page open in its own fresh browser context, with its console errors and dialogs."""

    def __init__(self, browser, url: str, init_scripts=(), **options):
        self.context = browser.new_context(**options)
        for script in init_scripts:
            self.context.add_init_script(script)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("dialog", self._dialog)
        self.page.goto(url)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, expression: str, *args):
        return self.page.evaluate(expression, *args)

    @property
    def arm(self) -> str | None:
        return self.js("document.documentElement.dataset.abArm ?? null")

    def visible_texts(self, selector: str) -> list[str]:
        locator = self.page.locator(selector)
        return [locator.nth(i).inner_text().strip() for i in range(locator.count()) if locator.nth(i).is_visible()]

    def close(self):
        self.context.close()


@in_browser_thread
def test_a_visitor_keeps_their_arm_across_reloads_and_pages(browser, demo):
    seen = set()
    for _ in range(4):
        visit = Visit(browser, demo.url(HOLIDAY))
        arm, visitor = visit.arm, visit.js(f"localStorage.getItem('{VISITOR_KEY}')")
        assert arm in ("A", "B") and visitor
        headline = visit.visible_texts("h1")
        for _ in range(3):
            visit.page.reload()
            assert visit.arm == arm
            assert visit.js(f"localStorage.getItem('{VISITOR_KEY}')") == visitor
            assert visit.visible_texts("h1") == headline
        # the same experiment on a variant page: the same arm
        visit.page.goto(demo.url(FAMILIES))
        assert visit.arm == arm
        assert visit.errors == []
        seen.add(arm)
        visit.close()
    # the visible headline and CTA are the assigned arm's, exactly one of each
    visit = Visit(browser, demo.url(HOLIDAY))
    index = visit.js("document.documentElement.dataset.ab")
    assert visit.page.locator(f'h1 [data-arm="{index}"]').is_visible()
    assert visit.page.locator("h1 [data-arm]:visible").count() == 1
    assert visit.page.locator(".hero .btn-row a:visible").count() == 1
    visit.close()


@in_browser_thread
def test_the_arm_is_set_before_the_page_body_exists(browser, demo):
    """No flicker: the attribute the CSS shows arms by is there before any body content."""
    visit = Visit(browser, demo.url(HOLIDAY), init_scripts=[ARM_AT_BODY])
    assert visit.js("window.__armAtBody") == visit.js("document.documentElement.dataset.ab") in ("0", "1")
    visit.close()


@pytest.mark.parametrize(("path", "weights"), [(CLUB, ARMS), (HOLIDAY, {"A": 50.0, "B": 50.0})])
@in_browser_thread
def test_a_thousand_fresh_visitors_split_by_the_weights(browser, club, demo, path, weights):
    site = club if path == CLUB else demo
    visit = Visit(browser, site.url(path))
    result = visit.js(SPLIT, 1000)
    assert result["ids"] == 1000, "every visitor got an id of their own"
    shares = {arm: result["counts"].get(arm, 0) / 10 for arm in weights}
    print(f"{path}: measured split {shares} for weights {weights}")
    for arm, weight in weights.items():
        assert abs(shares[arm] - weight) <= 3, f"arm {arm}: {shares[arm]}% of visitors, weight {weight}%"
    assert sum(result["counts"].values()) == 1000
    assert visit.errors == []
    visit.close()


@in_browser_thread
def test_without_javascript_visitors_see_arm_a(browser, club):
    visit = Visit(browser, club.url(CLUB), java_script_enabled=False)
    assert visit.visible_texts("h1") == ["Fresh sourdough every Saturday"]
    assert visit.page.locator('h1 [data-arm="0"]').is_visible()
    assert not visit.page.locator('h1 [data-arm="1"]').is_visible()
    assert not visit.page.locator('.landing-body .arm-block[data-arm="1"]').is_visible()
    ctas = visit.page.locator(".hero .btn-row a:visible")
    assert ctas.count() == 1
    assert parse_qs(urlsplit(ctas.first.get_attribute("href")).query)["utm_content"] == ["all.control"]
    visit.close()


@pytest.mark.parametrize("signal", [GPC_ON, DNT_ON], ids=["global-privacy-control", "do-not-track"])
@in_browser_thread
def test_privacy_signals_mean_nothing_is_assigned_or_stored(browser, demo, signal):
    visit = Visit(browser, demo.url(FAMILIES), init_scripts=[signal])
    assert visit.js("localStorage.length") == 0
    assert visit.js("sessionStorage.length") == 0
    assert visit.js("document.cookie") == ""
    assert visit.context.cookies() == []
    assert visit.arm is None and visit.js("document.documentElement.dataset.ab ?? null") is None
    events = visit.js("(window.dataLayer || []).map((e) => e.event)")
    assert "experiment_view" not in events
    # arm A is what they see
    assert visit.page.locator('h1 [data-arm="0"]').is_visible()
    assert not visit.page.locator('h1 [data-arm="1"]').is_visible()
    visit.page.reload()
    assert visit.js("localStorage.length") == 0 and visit.errors == []
    visit.close()


@in_browser_thread
def test_without_consent_nothing_is_stored_when_consent_is_required(browser, consent_club):
    visit = Visit(browser, consent_club.url(CLUB))
    assert visit.js("localStorage.length") == 0 and visit.arm is None
    visit.close()
    granted = "localStorage.setItem('cookie-consent', 'granted');"
    visit = Visit(browser, consent_club.url(CLUB), init_scripts=[granted])
    assert visit.arm in ARMS and visit.js(f"localStorage.getItem('{VISITOR_KEY}')")
    visit.close()
    visit = Visit(browser, consent_club.url("/"))
    visit.context.add_cookies([{"name": "cookie-consent", "value": "granted", "url": consent_club.url("/")}])
    visit.page.goto(consent_club.url(CLUB))
    assert visit.arm in ARMS
    visit.close()


def dtr_texts(visit) -> list[str]:
    return visit.js("[...document.querySelectorAll('[data-dtr]')].map((e) => e.textContent)")


@in_browser_thread
def test_dynamic_text_inserts_the_keyword_as_text(browser, demo):
    plain = Visit(browser, demo.url(FAMILIES))
    defaults = dtr_texts(plain)
    assert defaults and "Spring Sale" not in defaults
    plain.close()
    visit = Visit(browser, demo.url(FAMILIES) + "?kw=Spring%20Sale")
    assert dtr_texts(visit) == ["Spring Sale"] * len(defaults)
    assert "Spring Sale" in visit.visible_texts("h1")[0]
    assert visit.errors == []
    visit.close()
    visit = Visit(browser, demo.url(FAMILIES) + "?utm_term=Yule%20logs%20%26%20tortes")
    assert dtr_texts(visit) == ["Yule logs & tortes"] * len(defaults)
    assert "<" not in visit.js("document.querySelector('[data-dtr]').innerHTML.replace('&amp;', '')")
    visit.close()


@pytest.mark.parametrize(
    "value",
    ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", '"><svg onload=alert(1)>', "a" * 500,
     "javascript:alert(1)", "Spring Sale" + "!" * 40],
    ids=["img-onerror", "script", "attribute-break", "500-characters", "javascript-url", "too-long"],
)
@in_browser_thread
def test_dynamic_text_leaves_anything_else_out(browser, demo, value):
    visit = Visit(browser, demo.url(FAMILIES))  # the same visitor (arm) sees the page first without it
    defaults, markup = dtr_texts(visit), visit.js("document.querySelector('main').innerHTML")
    scripts = visit.js("document.scripts.length")
    visit.page.goto(demo.url(FAMILIES) + "?kw=" + quote(value, safe=""))
    assert dtr_texts(visit) == defaults
    assert visit.js("document.querySelector('main').innerHTML") == markup, "the page changed"
    assert visit.js("document.querySelectorAll('img[src=\"x\"], svg[onload]').length") == 0
    assert visit.js("document.scripts.length") == scripts
    assert visit.dialogs == [], "a script ran"
    assert visit.errors == []
    visit.close()


@in_browser_thread
def test_cta_clicks_and_form_submits_push_goals_with_the_arm(browser, club):
    visit = Visit(browser, club.url(CLUB + "families/"))
    arm = visit.arm
    assert arm in ARMS
    # stay on the page: the click and the submit still reach the page script
    visit.js("""() => {
      document.addEventListener('click', (e) => { if (e.target.closest('a')) e.preventDefault(); }, true);
      window.addEventListener('submit', (e) => e.preventDefault(), true);
    }""")
    visit.page.locator(".hero .btn-row a:visible").click()
    form = visit.page.locator("form.lead-form")
    form.locator("#lead-name").fill("Ana")
    form.locator("#lead-email").fill("ana@example.com")
    form.locator("button[type=submit]").click()
    events = visit.js("window.dataLayer")
    assert events[0] == {"event": "experiment_view", "experiment": "club-headline", "arm": arm, "segment": "families"}
    goals = [e for e in events if e["event"] == "landing_goal"]
    common = {"event": "landing_goal", "landing": "bread-club", "segment": "families", "experiment": "club-headline",
              "arm": arm}
    assert goals == [{**common, "goal": "cta_click"}, {**common, "goal": "form_submit"}]
    assert form.locator("input[name=arm]").input_value() == arm
    assert visit.errors == []
    visit.close()


@in_browser_thread
def test_shared_outbound_links_name_the_visitors_arm(browser, club):
    visit = Visit(browser, club.url(CLUB + "offices/"))
    href = visit.page.get_by_role("link", name="outbound link").get_attribute("href")
    parts = urlsplit(href)
    params = parse_qs(parts.query)
    assert params["utm_content"] == [f"offices.{visit.arm}"]
    assert params["grade"] == ["t65"] and params["sack"] == ["25"] and parts.fragment == "rye"
    assert params["utm_campaign"] == ["bread-club"]
    visit.close()


@pytest.mark.parametrize("path", [HOLIDAY, FAMILIES, HOLIDAY + "offices/"])
@in_browser_thread
def test_demo_landing_pages_run_without_console_errors(browser, demo, path):
    visit = Visit(browser, demo.url(path) + "?kw=Gingerbread")
    assert visit.errors == [] and visit.dialogs == []
    assert visit.page.locator("h1 [data-arm]:visible").count() == 1
    assert set(dtr_texts(visit)) == {"Gingerbread"}
    visit.close()


@in_browser_thread
def test_the_scripts_run_under_the_sites_content_security_policy(browser, demo, demo_site):
    """The policy plugins/hosting writes allows both inline scripts by hash, and nothing else."""
    csp = re.search(r"^\s+Content-Security-Policy: (.+)$", (demo_site.output / "_headers").read_text(), re.M)[1]
    context = browser.new_context()
    page = context.new_page()

    def with_policy(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": csp})

    page.route(re.compile(r".*/offers/.*"), with_policy)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(demo.url(FAMILIES) + "?kw=Spring%20Sale")
    assert page.evaluate("document.documentElement.dataset.abArm") in ("A", "B")
    assert set(page.evaluate("[...document.querySelectorAll('[data-dtr]')].map((e) => e.textContent)")) == {"Spring Sale"}
    assert errors == []
    # the policy is enforced: another inline script is refused
    with pytest.raises(Exception, match="Content Security Policy|Refused"):
        page.add_script_tag(content="window.__other = 1;")
    assert page.evaluate("window.__other") is None
    context.close()
