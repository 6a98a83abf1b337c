"""plugins/hosting and the self-hosting config: fingerprints, headers, CSP hashes, nginx.

The site is published into a folder with the real command, then served by a
real nginx on loopback with the server block the repository ships
(hosting/nginx/site.conf), and read back over HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT
from test_publish import PUBLISHCONF, run_publish

# An inline script like the landing pages' A/B script: it must run under the CSP.
AB_PAGE = """\
Title: Spring menu test
Slug: spring-menu
Description: Which spring menu do our customers like more? A small test of two versions of this page.

<p id="arm">Menu A</p>
<script>document.getElementById("arm").textContent = "Menu B";</script>
"""
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).is_file()), None)


def inline_script_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@pytest.fixture
def published(project, tmp_path) -> Path:
    (project / "publishconf.py").write_text(PUBLISHCONF, encoding="utf-8")
    (project / "content" / "pages" / "spring-menu.md").write_text(AB_PAGE, encoding="utf-8")
    target = tmp_path / "www"
    done = run_publish(project, "--to", str(target))
    assert done.returncode == 0, done.stderr
    return target


def csp_of(headers_text: str) -> str:
    return re.search(r"^\s+Content-Security-Policy: (.+)$", headers_text, re.M).group(1)


def executable_inline_scripts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "lxml")
    return [s.string or "" for s in soup.find_all("script")
            if not s.get("src") and (s.get("type") or "").lower() in ("", "module", "text/javascript")]


def test_csp_allows_exactly_the_inline_scripts(published):
    ours = executable_inline_scripts((published / "spring-menu" / "index.html").read_text(encoding="utf-8"))
    assert ours == ['document.getElementById("arm").textContent = "Menu B";']
    # Every inline script of every page (the landing pages' scripts too), read independently.
    everywhere = {inline_script_hash(text) for page in published.rglob("*.html")
                  for text in executable_inline_scripts(page.read_text(encoding="utf-8"))}
    assert inline_script_hash(ours[0]) in everywhere
    policy = csp_of((published / "_headers").read_text(encoding="utf-8"))
    script_src = re.search(r"script-src ([^;]+)", policy).group(1).split()
    assert script_src[0] == "'self'"
    assert set(script_src[1:]) == everywhere  # JSON-LD data blocks are not scripts and need no hash
    assert "'unsafe-inline'" not in policy
    nginx_conf = (published / "_headers.nginx").read_text(encoding="utf-8")
    assert f'add_header Content-Security-Policy "{policy}" always;' in nginx_conf


def test_stylesheet_is_fingerprinted_and_cached_long(published):
    page = BeautifulSoup((published / "index.html").read_text(encoding="utf-8") if (published / "index.html").exists()
                         else (published / "about" / "index.html").read_text(encoding="utf-8"), "lxml")
    href = page.find("link", rel="stylesheet")["href"]
    match = re.search(r"/(theme/css/main\.([0-9a-f]{10})\.css)$", href)
    assert match, href
    css = published / match.group(1)
    assert hashlib.sha256(css.read_bytes()).hexdigest()[:10] == match.group(2)
    assert css.read_bytes() == (ROOT / "themes" / "mainstreet" / "static" / "css" / "main.css").read_bytes()
    headers = (published / "_headers").read_text(encoding="utf-8")
    assert f"/{match.group(1)}\n  Cache-Control: public, max-age=31536000, immutable" in headers


def test_inline_event_handler_fails_the_build(project):
    (project / "publishconf.py").write_text(PUBLISHCONF, encoding="utf-8")
    (project / "content" / "pages" / "spring-menu.md").write_text(
        AB_PAGE + '\n<button onclick="alert(1)">Order</button>\n', encoding="utf-8")
    done = run_publish(project, "--to", str(project.parent / "www"))
    assert done.returncode == 1
    assert "spring-menu/index.html: hosting: inline event handler attribute 'onclick'" in done.stderr
    assert not (project.parent / "www").exists()


# --- nginx ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(published, tmp_path):
    """A private nginx serving the published folder with hosting/nginx/site.conf."""
    if not NGINX:
        pytest.skip("needs nginx (apt-get install nginx; .ci/run does)")
    site_conf = (ROOT / "hosting" / "nginx" / "site.conf").read_text(encoding="utf-8")
    assert site_conf.count("root /var/www/mainstreet;") == 1
    assert site_conf.count("include /var/www/mainstreet/_headers.nginx;") == 2
    port = free_port()
    site_conf = site_conf.replace("/var/www/mainstreet", str(published))
    site_conf = site_conf.replace("listen 80;", f"listen 127.0.0.1:{port};")
    run = tmp_path / "nginx"
    for sub in ("logs", "client", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run / sub).mkdir(parents=True)
    mime = "/etc/nginx/mime.types"
    # Workers run as this user: pytest's temporary folders are private to it.
    user = "" if os.geteuid() else "user root;"
    (run / "nginx.conf").write_text(f"""
daemon off;
{user}
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/logs/error.log;
events {{ worker_connections 64; }}
http {{
    include {mime};
    default_type application/octet-stream;
    access_log {run}/logs/access.log;
    client_body_temp_path {run}/client;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    {site_conf}
}}
""", encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(run), "-c", str(run / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield port
    finally:
        process.send_signal(3)  # SIGQUIT: graceful stop
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def get(port: int, path: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_nginx_serves_the_site_with_its_headers(published, nginx):
    response, body = get(nginx, "/blog/first-loaf/")
    assert response.status == 200
    assert b"Test Bakery" in body  # our site, not whatever else listens on loopback
    assert body == (published / "blog" / "first-loaf" / "index.html").read_bytes()
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert response.getheader("Cache-Control") == "public, max-age=300"
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000"
    assert "  Strict-Transport-Security: max-age=31536000\n" in (published / "_headers").read_text(encoding="utf-8")

    # The policy nginx sends allows the inline script of the page it serves.
    response, body = get(nginx, "/spring-menu/")
    assert response.status == 200
    script = BeautifulSoup(body, "lxml").find("script", type=None, src=None).string
    policy = response.getheader("Content-Security-Policy")
    assert inline_script_hash(script) in policy.split("script-src ")[1].split(";")[0].split()
    assert policy == csp_of((published / "_headers").read_text(encoding="utf-8"))


def test_nginx_pretty_urls_404_and_assets(published, nginx):
    response, body = get(nginx, "/no-such-page/")
    assert response.status == 404
    assert body == (published / "404.html").read_bytes()
    assert response.getheader("Content-Security-Policy")

    response, _ = get(nginx, "/about")  # no trailing slash: the folder's page
    assert response.status in (200, 301)

    css = next((published / "theme" / "css").glob("main.*.css")).relative_to(published).as_posix()
    response, body = get(nginx, "/" + css)
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Content-Type").startswith("text/css")

    for private in ("/_headers", "/_headers.nginx"):
        assert get(nginx, private)[0].status == 404


def test_a_browser_runs_the_inline_script_under_the_policy(published, nginx):
    """Chromium enforces the CSP nginx sends: the hashed script runs, an unlisted one would not."""
    from quality import require_chromium

    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    violations = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=flags)
        try:
            page = browser.new_page()
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(f"http://127.0.0.1:{nginx}/spring-menu/")
            assert page.text_content("#arm") == "Menu B"
            # The same page with the script changed by one character is blocked.
            page.route("**/spring-menu/", lambda route: route.fulfill(
                status=200, headers={"Content-Type": "text/html",
                                     "Content-Security-Policy": csp_of((published / "_headers").read_text())},
                body=(published / "spring-menu" / "index.html").read_text().replace('"Menu B"', '"Menu C"')))
            page.goto(f"http://127.0.0.1:{nginx}/spring-menu/")
            assert page.text_content("#arm") == "Menu A"
        finally:
            browser.close()
    assert any("script-src" in v for v in violations)


def test_nginx_config_is_valid_as_shipped(tmp_path):
    if not NGINX:
        pytest.skip("needs nginx (apt-get install nginx; .ci/run does)")
    root = tmp_path / "www"
    root.mkdir()
    (root / "_headers.nginx").write_text('add_header X-Content-Type-Options "nosniff" always;\n')
    conf = (ROOT / "hosting" / "nginx" / "site.conf").read_text().replace("/var/www/mainstreet", str(root))
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}} "
                    f"http {{ include /etc/nginx/mime.types; access_log off; {conf} }}")
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True,
                             env=dict(os.environ))
    assert checked.returncode == 0, checked.stderr


_PAGE = '<!doctype html><html><head><script type="application/ld+json">{"a": 1}</script></head><body>{}</body></html>'


@pytest.mark.parametrize("snippet", [
    "<style>p{color:red}</style>", '<div style="color:red">x</div>', "<DIV STYLE='x'>x</DIV>",
    '<iframe src="https://maps.example/embed"></iframe>', '<form action="https://forms.example/x"></form>',
    "<img src=x onerror=alert(1)>", '<button\tonclick="go()">Go</button>', "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>", '<script type="module">x()</script>', '<script src="https://cdn.example/a.js"></script>',
    "<svg><style>circle{fill:red}</style></svg>", '<script type="application/ld+json" id="x">{}</script>',
])
def test_a_page_with_anything_a_policy_must_allow_is_parsed(snippet):
    from plugins.hosting.hosting import _needs_nothing

    assert _needs_nothing(_PAGE.replace("{}", "<p>Plain text, a button on the page.</p>").encode())
    assert not _needs_nothing(_PAGE.replace("{}", snippet).encode()), snippet


def test_skipping_plain_pages_finds_what_parsing_every_page_finds(demo_site):
    from plugins.hosting.hosting import _read_page, _scan_page, csp_hash

    pages = sorted(demo_site.output.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        scripts, styles, origins, handlers, styled = _read_page(path.read_text(encoding="utf-8"))
        parsed = [csp_hash(t) for t in scripts], [csp_hash(t) for t in styles], origins, handlers, styled
        assert _scan_page(str(path)) == parsed, path


@pytest.mark.parametrize(
    ("hsts", "expected"),
    [
        ({}, "max-age=31536000"),
        ({"include_subdomains": True}, "max-age=31536000; includeSubDomains"),
        ({"max_age": 63072000, "include_subdomains": True, "preload": True}, "max-age=63072000; includeSubDomains; preload"),
        (False, None),
    ],
)
def test_hsts_setting_shapes_the_header(hsts, expected):
    from plugins.hosting.hosting import hosting_settings, response_headers

    conf = hosting_settings({"HOSTING": {"hsts": hsts}})
    assert response_headers(conf, "default-src 'self'").get("Strict-Transport-Security") == expected


@pytest.mark.parametrize(
    ("hsts", "message"),
    [
        ({"preload": True}, "preload needs max_age >= 31536000 and include_subdomains True"),
        ({"max_age": "a year"}, "HOSTING['hsts']['max_age'] = 'a year'; expected whole seconds"),
        ({"subdomains": True}, "HOSTING['hsts']['subdomains']: unknown key"),
        ("on", "HOSTING['hsts'] = 'on'; expected a dict"),
    ],
)
def test_bad_hsts_setting_names_the_value(hsts, message):
    from plugins.hosting.hosting import HostingSettingsError, hosting_settings

    with pytest.raises(HostingSettingsError, match=re.escape(message)):
        hosting_settings({"HOSTING": {"hsts": hsts}})
