"""Plumbing for the quality gates: the real tools, found or skipped with a reason.

The gates drive the tools a web professional would use on the built site:
Debian's chromium (through Playwright for Python, and through Lighthouse), the
Nu HTML Checker (vnu.jar from npm ``vnu-jar``, run with the machine's Java) and
Lighthouse 12 (npm). ``.ci/run`` installs them and ``make test`` runs
``npm ci``; where one is missing on a developer's machine its tests skip and
say what to install. Nothing here reaches the network: the site is served on
loopback by the project's own server, on a port the system picks.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mainstreet.serve import make_server

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "reports"
# Without the networking flags Chromium keeps trying to reach the internet.
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> str:
    if not CHROMIUM.is_file():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium; .ci/run does)")
    return str(CHROMIUM)


def require_java() -> str:
    java = shutil.which("java")
    if not java:
        pytest.skip("needs a Java runtime for vnu.jar (apt-get install default-jre-headless; .ci/run does)")
    if not VNU_JAR.is_file():
        pytest.skip("needs node_modules/vnu-jar (run `make test`, which runs `npm ci`)")
    return java


def require_lighthouse() -> tuple[str, str]:
    node = shutil.which("node")
    if not node:
        pytest.skip("needs Node.js 18+ for Lighthouse (apt-get install nodejs; .ci/run does)")
    if not LIGHTHOUSE.exists():
        pytest.skip("needs node_modules/lighthouse (run `make test`, which runs `npm ci`)")
    return node, require_chromium()


@dataclass
class ServedSite:
    output: Path
    base: str  # http://127.0.0.1:PORT, no trailing slash

    def url(self, path: str) -> str:
        return self.base + path


@contextlib.contextmanager
def serve(output: Path) -> Iterator[ServedSite]:
    """Serve ``output`` on 127.0.0.1 with a port the system picks; check it is this site."""
    httpd = make_server(output, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    site = ServedSite(output, f"http://127.0.0.1:{httpd.server_address[1]}")
    try:
        # The loopback is shared: make sure the port answers with our files.
        status, body = fetch(site.base, "/")
        assert status == 200 and body == (output / "index.html").read_bytes(), (
            f"{site.base}/ did not serve {output}/index.html"
        )
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def fetch(base: str, path: str, method: str = "GET") -> tuple[int, bytes]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def html_paths(output: Path) -> list[str]:
    """Every HTML page of a built site as a URL path (/, /blog/x/, /404.html)."""
    paths = []
    for file in sorted(output.rglob("*.html")):
        rel = file.relative_to(output).as_posix()
        if rel == "index.html":
            paths.append("/")
        elif rel.endswith("/index.html"):
            paths.append("/" + rel.removesuffix("index.html"))
        else:
            paths.append("/" + rel)
    return paths


def chromium_env() -> dict[str, str]:
    """Environment for tools that start chromium themselves (Lighthouse)."""
    return dict(os.environ, CHROME_PATH=str(CHROMIUM))
