"""A local preview server: pretty URLs, the site's own 404 page, localhost only."""

from __future__ import annotations

import functools
import http.server
import logging
import urllib.parse
from pathlib import Path

logger = logging.getLogger(__name__)


class SiteRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site the way a static host does, including 404.html."""

    def send_head(self):
        """A path no file can have (a NUL byte) is the client's mistake: 400, not a dropped connection."""
        path = urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0], errors="surrogatepass")
        if "\x00" in path:
            self.send_error(400, "Bad request: the path contains a NUL byte")
            return None
        try:
            return super().send_head()
        except ValueError as exc:  # other paths the file system refuses outright
            logger.info("bad request path %r: %s", self.path, exc)
            self.send_error(400, "Bad request: no file can have this path")
            return None

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file() and self.command in ("GET", "HEAD"):
            body = page.read_bytes()
            self.send_response(404, message)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        logger.info("%s - %s", self.address_string(), format % args)


def make_server(directory: str | Path, host: str = "127.0.0.1", port: int = 8000):
    """A threading HTTP server for ``directory``; port 0 picks a free port."""
    handler = functools.partial(SiteRequestHandler, directory=str(directory))
    return http.server.ThreadingHTTPServer((host, port), handler)
