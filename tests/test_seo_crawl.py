"""The online audit: advertools crawls a real local server; same page model, plus HTTP findings."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading
import time
from urllib.parse import urlsplit

import pytest
from seo_sites import BASE, NOW, PageSpec, clean_site

from mainstreet.serve import SiteRequestHandler, make_server
from seo.audit import run_audit
from seo.crawler import CrawlError, crawl_site
from seo.reader import read_site
from seo.settings import load_settings

A = "/blog/sourdough-starter/"
B = "/blog/rye-bread/"
SPECIAL = ("/old-recipe/", "/older-recipe/", "/gone/", "/boom/", "/slow/")


class ExtraRoutes(SiteRequestHandler):
    """The built site, plus routes a static folder cannot have: redirect chains, errors, slowness."""

    def do_GET(self):  # noqa: N802 - http.server's name
        if self._special():
            return
        super().do_GET()

    def do_HEAD(self):  # noqa: N802
        if self._special():
            return
        super().do_HEAD()

    def _special(self) -> bool:
        path = urlsplit(self.path).path
        if path == "/old-recipe/":
            self._send(301, b"", {"Location": "/older-recipe/"})
        elif path == "/older-recipe/":
            self._send(301, b"", {"Location": B})
        elif path == "/boom/":
            self._send(500, b"<h1>Internal error</h1>")
        elif path == "/slow/":
            time.sleep(0.8)
            self._send(200, b'<!doctype html><html lang="en"><head><title>Slow</title>'
                            b'<meta name="robots" content="noindex"></head><body><h1>Slow</h1></body></html>')
        else:
            return False
        return True

    def _send(self, status, body, headers=None):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)


def serve(directory, handler=SiteRequestHandler):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def planted_site():
    """The clean site with defects a static folder shows, and links to the special routes."""
    site = clean_site()
    site.page(A).body += "".join(f'<p><a href="{path}">route {path}</a></p>' for path in SPECIAL if path != "/older-recipe/")
    site.page(B).title = None
    site.page(B).body += '<p><a href="/blog/no-such-post/">lost</a></p>'
    site.add(PageSpec(path="/blog/lonely/", title="A Page Nobody Links To · Clean Bakery",
                      description="An orphan page of the clean bakery that only the sitemap lists, so no visitor ever "
                                  "finds it by following a link anywhere.",
                      h1="A lonely page", keyword=None, body="<p>Alone.</p>", in_nav=False))
    return site


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    root = tmp_path_factory.mktemp("crawl")
    site = planted_site()
    output = site.write(root)
    httpd, url = serve(output, ExtraRoutes)
    try:
        settings = load_settings(None, overrides={"slow_response_ms": 400})
        online = crawl_site(url, settings, public_url=BASE)
        now = dt.datetime.fromisoformat(NOW)
        result = run_audit(online, settings, manifest=site.manifest(), now=now)
        offline = run_audit(read_site(output, settings), settings, manifest=site.manifest(), now=now)
    finally:
        httpd.shutdown()
        httpd.server_close()
    return url, result, offline


def pairs(result, origin):
    return {(f.rule, f.url.removeprefix(origin)) for f in result.findings}


def test_crawl_maps_pages_statuses_and_response_times(crawled):
    url, result, _ = crawled
    site = result.site
    assert site.source == "online" and site.origin == url.rstrip("/")
    assert site.pages[A].status == 200 and site.pages[A].title == "How We Feed a Sourdough Starter · Clean Bakery"
    assert site.pages[A].word_count > 400 and site.pages[A].response_ms is not None
    assert site.pages["/boom/"].status == 500
    assert site.pages["/blog/lonely/"].status == 200  # seeded from the sitemap
    assert site.redirects["/old-recipe/"] == ["/old-recipe/", "/older-recipe/", B]
    assert "/images/starter.jpg" in site.resources or "/images/starter.jpg" in site.pages


def test_online_gives_http_findings(crawled):
    url, result, _ = crawled
    got = pairs(result, url.rstrip("/"))
    assert ("http.5xx", "/boom/") in got
    assert ("http.4xx", "/gone/") in got
    assert ("http.redirect", "/old-recipe/") in got
    assert ("http.slow-response", "/slow/") in got
    assert ("links.redirect-chain", A) in got
    assert ("links.broken-internal", A) in got  # to /gone/ and /boom/
    redirect = next(f for f in result.findings if f.rule == "http.redirect" and f.url.endswith("/old-recipe/"))
    assert redirect.severity == "warning" and "301 → 301" in redirect.message
    boom = [f for f in result.findings if f.rule == "links.broken-internal" and "/boom/" in f.message]
    assert boom and "500" in boom[0].message


def test_online_and_offline_agree_on_page_findings(crawled):
    url, online, offline = crawled

    def page_findings(result, origin):
        return {
            (rule, path) for rule, path in pairs(result, origin)
            if not rule.startswith("http.") and path not in SPECIAL
        } - {("links.broken-internal", A), ("links.redirect-chain", A)}  # the special routes, offline missing

    assert page_findings(online, url.rstrip("/")) == page_findings(offline, BASE)
    assert ("onpage.title-missing", B) in page_findings(offline, BASE)
    assert ("links.orphan-page", "/blog/lonely/") in page_findings(offline, BASE)


def test_crawl_of_a_dead_address_is_an_input_error():
    with pytest.raises(CrawlError, match="cannot be reached"):
        crawl_site("http://127.0.0.1:9/", load_settings(None))
    with pytest.raises(CrawlError, match="not a web address"):
        crawl_site("ftp://127.0.0.1/", load_settings(None))


@pytest.mark.slow
def test_demo_site_online_has_the_offline_findings_plus_http(demo_site):
    settings = load_settings(None)
    now = dt.datetime.fromisoformat("2026-11-24T12:00:00-05:00")
    offline = run_audit(read_site(demo_site.output, settings), settings, now=now)
    httpd = make_server(demo_site.output, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        online = run_audit(crawl_site(url + "/", settings, public_url=demo_site.base), settings, now=now)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert online.summary["error"] == 0
    on = {p for p in pairs(online, url) if not p[0].startswith("http.")}
    off = pairs(offline, demo_site.base)
    # The crawler sees the pages a visitor can reach (links and the sitemap); the 404 page is not one.
    off = {(rule, path) for rule, path in off if path != "/404.html"}
    assert on == off
