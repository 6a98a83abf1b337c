"""External link checks against a real HTTP server on loopback (no network)."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
import time
from collections import Counter

import pytest
from seo_sites import BASE, NOW, clean_site

from seo.audit import run_audit
from seo.external import BLOCKED, BROKEN, OK, UNREACHABLE, check_urls, classify
from seo.reader import read_site
from seo.settings import load_settings

A = "/blog/sourdough-starter/"


class Handler(http.server.BaseHTTPRequestHandler):
    """Routes that behave like the web: moved, gone, blocking, flaky, slow."""

    state: dict  # set per server

    def log_message(self, *args):
        pass

    def _answer(self, status, headers=None, body=b"ok"):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def _route(self):
        state = self.state
        path = self.path
        with state["lock"]:
            state["hits"][path] += 1
            state["methods"][(self.command, path)] += 1
            state["inflight"] += 1
            state["max_inflight"] = max(state["max_inflight"], state["inflight"])
            hits = state["hits"][path]
        try:
            if path == "/ok":
                return self._answer(200)
            if path == "/moved":
                return self._answer(301, {"Location": "/ok"})
            if path == "/missing":
                return self._answer(404)
            if path == "/gone":
                return self._answer(410)
            if path == "/linkedin":
                return self._answer(999)
            if path == "/busy":
                return self._answer(429, {"Retry-After": "0"})
            if path == "/flaky":
                return self._answer(503 if hits <= 2 else 200)
            if path == "/head-refused":
                return self._answer(405 if self.command == "HEAD" else 200)
            if path == "/slow":
                time.sleep(1.5)
                return self._answer(200)
            if path == "/loop":
                return self._answer(302, {"Location": "/loop"})
            if path.startswith("/concurrent/"):
                time.sleep(0.2)
                return self._answer(200)
            return self._answer(404)
        finally:
            with state["lock"]:
                state["inflight"] -= 1

    do_GET = _route  # noqa: N815 - http.server's method names
    do_HEAD = _route  # noqa: N815


@pytest.fixture
def server():
    state = {"lock": threading.Lock(), "hits": Counter(), "methods": Counter(), "inflight": 0, "max_inflight": 0}
    handler = type("BoundHandler", (Handler,), {"state": state})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.state = state
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def settings(**overrides):
    return load_settings(None, overrides={"external_backoff_s": 0.01, "external_timeout_s": 0.7,
                                          "external_retries": 2, **overrides})


def test_each_kind_of_answer_is_classified(server):
    urls = {name: f"{server.url}/{name}" for name in
            ("ok", "moved", "missing", "gone", "linkedin", "busy", "flaky", "head-refused", "slow", "loop")}
    results = check_urls(urls.values(), settings())
    outcome = {name: results[url].outcome for name, url in urls.items()}
    assert outcome == {
        "ok": OK, "moved": OK, "missing": BROKEN, "gone": BROKEN, "linkedin": BLOCKED, "busy": BLOCKED,
        "flaky": OK, "head-refused": OK, "slow": UNREACHABLE, "loop": BROKEN,
    }
    assert results[urls["moved"]].final_url == urls["ok"]
    assert "999" in results[urls["linkedin"]].reason
    assert "429" in results[urls["busy"]].reason
    assert "within 0.7 s" in results[urls["slow"]].reason


def test_head_first_then_get(server):
    check_urls([f"{server.url}/ok", f"{server.url}/head-refused"], settings())
    methods = server.state["methods"]
    assert methods[("HEAD", "/ok")] == 1 and methods[("GET", "/ok")] == 0
    assert methods[("HEAD", "/head-refused")] == 1 and methods[("GET", "/head-refused")] == 1


def test_retries_with_backoff_then_gives_up(server):
    results = check_urls([f"{server.url}/flaky", f"{server.url}/busy"], settings())
    assert results[f"{server.url}/flaky"].outcome == OK
    assert results[f"{server.url}/flaky"].attempts == 2  # HEAD 503 and GET 503, wait, then HEAD 200
    assert server.state["hits"]["/flaky"] == 3
    assert server.state["hits"]["/busy"] >= 3  # 429 is retried, then reported as blocked
    assert results[f"{server.url}/busy"].outcome == BLOCKED


def test_each_url_is_checked_once_with_a_per_host_limit(server):
    urls = [f"{server.url}/concurrent/{i}" for i in range(8)]
    results = check_urls(urls + urls, settings(external_per_host=2))
    assert len(results) == 8
    assert all(server.state["hits"][f"/concurrent/{i}"] == 1 for i in range(8))
    assert 1 <= server.state["max_inflight"] <= 2  # the limit holds (overlap itself depends on timing)


def test_results_are_cached_for_their_age_limit(server, tmp_path):
    clock = [1_000_000.0]
    urls = [f"{server.url}/ok", f"{server.url}/missing"]
    first = check_urls(urls, settings(external_cache_hours=1), cache_dir=tmp_path, clock=lambda: clock[0])
    assert (tmp_path / "external-links.json").is_file()
    hits = sum(server.state["hits"].values())
    clock[0] += 1800  # half an hour later: from the cache
    second = check_urls(urls, settings(external_cache_hours=1), cache_dir=tmp_path, clock=lambda: clock[0])
    assert sum(server.state["hits"].values()) == hits
    assert {u: r.outcome for u, r in second.items()} == {u: r.outcome for u, r in first.items()}
    clock[0] += 3600  # past the age limit: checked again
    check_urls(urls, settings(external_cache_hours=1), cache_dir=tmp_path, clock=lambda: clock[0])
    assert sum(server.state["hits"].values()) > hits


@pytest.mark.parametrize(("url", "status", "outcome"), [
    ("https://www.linkedin.com/company/x", 999, BLOCKED),
    ("https://www.linkedin.com/in/someone", 403, BLOCKED),
    ("https://x.com/bakery", 403, BLOCKED),
    ("https://twitter.com/bakery", 400, BLOCKED),
    ("https://example.org/a", 429, BLOCKED),
    ("https://example.org/a", 404, BROKEN),
    ("https://example.org/a", 400, BROKEN),
    ("https://example.org/a", 503, UNREACHABLE),
    ("https://example.org/a", 200, OK),
    ("https://example.org/a", 301, OK),
])
def test_sites_that_block_checkers_are_not_called_broken(url, status, outcome):
    assert classify(url, status)[0] == outcome


def test_ignored_urls_are_not_checked(server):
    results = check_urls([f"{server.url}/missing", f"{server.url}/ok"], settings(external_ignore=["*/missing"]))
    assert list(results) == [f"{server.url}/ok"]
    assert server.state["hits"]["/missing"] == 0


def test_audit_reports_broken_and_unverified_external_links(server, tmp_path):
    site = clean_site()
    site.page(A).body += (f'<p><a href="{server.url}/missing">a lost recipe</a> <a href="{server.url}/linkedin">'
                          f'our profile</a> <a href="{server.url}/ok">a good one</a></p>')
    output = site.write(tmp_path)
    config = settings()
    result = run_audit(read_site(output, config), config, manifest=site.manifest(), now=dt.datetime.fromisoformat(NOW),
                       check_external=True, cache_dir=tmp_path / "reports")
    broken = [f for f in result.findings if f.rule == "links.broken-external"]
    unverified = [f for f in result.findings if f.rule == "links.external-unverified"]
    assert [(f.url, f.extra["target"], f.severity) for f in broken] == [(BASE + A, f"{server.url}/missing", "error")]
    assert [(f.url, f.extra["target"], f.severity) for f in unverified] == [(BASE + A, f"{server.url}/linkedin", "warning")]
    assert "LinkedIn" in unverified[0].message
    assert result.external_checked == 3


def test_checks_run_inside_a_running_event_loop(server):
    """Callers that already run an event loop (Playwright's sync API, notebooks) can check links too."""
    import asyncio

    async def inside_a_loop():
        return check_urls([f"{server.url}/ok"], settings())

    assert asyncio.run(inside_a_loop())[f"{server.url}/ok"].outcome == OK
