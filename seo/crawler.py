"""The online source: crawl a live site (or a local server) with advertools.

advertools' ``crawl`` runs Scrapy in a subprocess: it obeys robots.txt, follows
the site's links from the start URL and from the sitemap's URLs (so orphan
pages are found too), and records status codes, redirects and response times.
Each page's HTML comes back in the crawl output and goes through the same
extractor as the offline reader, so both sources see the same page model.
robots.txt and the sitemap are read with advertools too.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import __version__
from .extract import extract_page, split_url
from .model import Page, Site, Sitemap, SiteMatcher
from .reader import AuditInputError

logger = logging.getLogger(__name__)

HTML_COLUMN = "page_html"


class CrawlError(AuditInputError):
    """The crawl could not run (Scrapy missing, start URL unreachable ...)."""


def _advertools():
    """Import advertools without the logging set-up it does on import (INFO on the root logger)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import advertools

    root.handlers[:] = handlers
    root.setLevel(level)
    return advertools


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def crawl_site(
    start_url: str,
    settings: dict,
    public_url: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    workdir: str | os.PathLike | None = None,
) -> Site:
    """Crawl ``start_url`` and map the result onto the page model.

    ``public_url`` is the site's public address when it differs from the crawled
    one (a local preview of https://www.example.com): canonical URLs, sitemap
    entries and absolute links on that address then count as this site.
    """
    parts = urlsplit(start_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CrawlError(f"{start_url!r} is not a web address; give one like http://127.0.0.1:8000/")
    if not parts.path:
        start_url += "/"
    origin = origin_of(start_url)
    user_agent = settings["user_agent"].format(version=__version__)
    _preflight(start_url, user_agent)

    robots_txt, sitemap_urls = _read_robots(origin)
    aliases = []
    if public_url:
        aliases.append(public_url.rstrip("/"))
    # robots.txt names the sitemap at the site's public address; on a preview server
    # (or a staging host) the same file is served here.
    local = []
    for url in sitemap_urls:
        if urlsplit(url).netloc and origin_of(url) != origin:
            aliases.append(origin_of(url))
            url = origin + (urlsplit(url).path or "/sitemap.xml")
        local.append(url)
    sitemap_urls = list(dict.fromkeys(local))
    sitemap_rows = _read_sitemaps(sitemap_urls)
    for loc in (row["loc"] for row in sitemap_rows if row.get("loc")):
        if urlsplit(loc).netloc and origin_of(loc) != origin:
            aliases.append(origin_of(loc))  # the sitemap names the public address
        break
    site = Site(source="online", target=start_url, origin=origin, aliases=tuple(dict.fromkeys(aliases)),
                robots_txt=robots_txt)
    site.sitemap = _sitemap_model(site, sitemap_urls, sitemap_rows)

    seeds = [start_url] + [origin + path for path in site.sitemap.paths]
    seeds = list(dict.fromkeys(seeds))[: int(settings["crawl_max_pages"])]
    with tempfile.TemporaryDirectory(prefix="seo-crawl-", dir=workdir) as tmp:
        output = Path(tmp) / "crawl.jl"
        log = Path(tmp) / "scrapy.log"
        _run_crawl(seeds, output, log, site, settings, user_agent, progress)
        _read_crawl(output, site, settings)
    _check_resources(site, settings)
    return site


def _preflight(url: str, user_agent: str) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent}, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=15):
            pass
    except urllib.error.HTTPError:
        return  # the site answers; the crawl reports the status
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CrawlError(f"{url}: the site cannot be reached ({reason}); is the server running?") from None


def _read_robots(origin: str) -> tuple[str | None, list[str]]:
    adv = _advertools()

    try:
        frame = adv.robotstxt_to_df(origin + "/robots.txt")
    except (urllib.error.URLError, OSError, ValueError):
        return None, [origin + "/sitemap.xml"]
    if "directive" not in frame.columns:
        # No robots.txt (404 ...): advertools returns only its error; that means "allow all".
        return None, [origin + "/sitemap.xml"]
    lines = []
    sitemaps = []
    for directive, content in zip(frame["directive"], frame["content"], strict=True):
        if directive == "comment":
            continue
        lines.append(f"{directive}: {content}")
        if str(directive).lower() == "sitemap" and content:
            sitemaps.append(str(content))
    return "\n".join(lines) + "\n", sitemaps or [origin + "/sitemap.xml"]


def _read_sitemaps(urls: list[str]) -> list[dict]:
    adv = _advertools()

    rows = []
    for url in urls:
        try:
            frame = adv.sitemap_to_df(url)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            rows.append({"sitemap": url, "errors": str(exc)})
            continue
        records = frame.to_dict("records")
        for record in records:
            record.setdefault("sitemap", url)
        rows.extend(records)
    return rows


def _sitemap_model(site: Site, urls: list[str], rows: list[dict]) -> Sitemap:
    sitemap = Sitemap()
    for row in rows:
        error = row.get("errors")
        if isinstance(error, str) and error and error != "nan":
            if "404" in error or "Not Found" in error:
                continue  # no sitemap at this address
            sitemap.errors.append(f"{row.get('sitemap')}: {error}")
            continue
        loc = row.get("loc")
        if not isinstance(loc, str) or not loc:
            continue
        sitemap.found = True
        location = row.get("sitemap") or urls[0]
        sitemap.location = sitemap.location or site.site_path(location) or location
        path = site.site_path(loc)
        if path is None:
            sitemap.foreign.append(loc)
        else:
            lastmod = row.get("lastmod")
            sitemap.paths[unquote(path)] = str(lastmod) if isinstance(lastmod, str) else None
    return sitemap


def _run_crawl(seeds, output: Path, log: Path, site: Site, settings, user_agent, progress) -> None:
    adv = _advertools()

    host = urlsplit(site.origin).hostname
    custom = {
        "USER_AGENT": user_agent,
        "ROBOTSTXT_OBEY": True,
        "CLOSESPIDER_PAGECOUNT": int(settings["crawl_max_pages"]),
        "CLOSESPIDER_TIMEOUT": int(settings["crawl_timeout_s"]),
        "CONCURRENT_REQUESTS": int(settings["crawl_concurrency"]),
        "CONCURRENT_REQUESTS_PER_DOMAIN": int(settings["crawl_concurrency"]),
        "DOWNLOAD_DELAY": float(settings["crawl_delay_s"]),
        "DOWNLOAD_TIMEOUT": 30,
        "RETRY_TIMES": 1,
        "LOG_FILE": str(log),
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
    }
    error: list[BaseException] = []

    def run() -> None:
        bin_dir = str(Path(sys.executable).parent)
        old_path = os.environ.get("PATH", "")
        os.environ["PATH"] = bin_dir + os.pathsep + old_path  # Scrapy runs as `scrapy` in a subprocess
        try:
            adv.crawl(seeds, str(output), follow_links=True, allowed_domains=[host],
                      xpath_selectors={HTML_COLUMN: "/html"}, custom_settings=custom)
        except FileNotFoundError as exc:
            error.append(exc)
        finally:
            os.environ["PATH"] = old_path

    worker = threading.Thread(target=run, name="seo-crawl", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.25)
        if progress:
            progress(_count_lines(output), None)
    if error:
        raise CrawlError(f"could not start Scrapy ({error[0]}); install the project's dependencies (make site)")
    if not output.is_file() or output.stat().st_size == 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:] if log.is_file() else []
        details = "\n  ".join(line for line in tail if "ERROR" in line or "Error" in line) or "no output"
        raise CrawlError(f"the crawl of {seeds[0]} returned no pages:\n  {details}")
    if progress:
        progress(_count_lines(output), _count_lines(output))


def _count_lines(path: Path) -> int:
    with contextlib.suppress(OSError), path.open("rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 16), b""))
    return 0


def _split(value) -> list[str]:
    if value is None or (isinstance(value, float)):
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v for v in str(value).split("@@") if v]


def _read_crawl(output: Path, site: Site, settings: dict) -> None:
    matcher = SiteMatcher((site.origin, *site.aliases))
    shared_links: dict = {}
    with output.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            _add_row(row, site, matcher, settings, shared_links)


def _add_row(row: dict, site: Site, matcher: SiteMatcher, settings: dict, shared_links: dict) -> None:
    url, _ = split_url(row.get("url") or "")
    path = site.site_path(url)
    if path is None:
        return
    path = unquote(path)
    redirect_urls = _split(row.get("redirect_urls"))
    reasons = _split(row.get("redirect_reasons"))
    if redirect_urls:
        chain = [unquote(site.site_path(u) or u) for u in redirect_urls] + [path]
        for i in range(len(chain) - 1):
            site.redirects.setdefault(chain[i], chain[i:])
        for hop, reason in zip(chain, reasons, strict=False):
            if str(reason).isdigit():
                site.hop_status.setdefault(hop, int(reason))
    if path in site.pages:
        return  # reached again through another redirect
    page = Page(path=path, requested_url=redirect_urls[0] if redirect_urls else url)
    page.redirects = [(u, int(r)) for u, r in zip(redirect_urls, reasons, strict=False) if str(r).isdigit()]
    status = row.get("status")
    if status is None:
        page.status = 0
        page.is_html = False
        page.error = _short_error(row.get("errors"))
        site.pages[path] = page
        return
    page.status = int(status)
    latency = row.get("download_latency")
    page.response_ms = float(latency) * 1000 if isinstance(latency, int | float) else None
    page.content_type = str(row.get("resp_headers_content-type") or row.get("resp_headers_Content-Type") or "")
    page.is_html = page.content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml")
    x_robots = row.get("resp_headers_x-robots-tag") or row.get("resp_headers_X-Robots-Tag")
    html = row.get(HTML_COLUMN)
    if page.is_html and isinstance(html, str) and html:
        extract_page("<!doctype html>" + html, url, matcher, settings, page, shared_links)
    if x_robots:
        page.robots = ", ".join(filter(None, [page.robots, str(x_robots).lower()]))
    site.pages[path] = page


def _short_error(error) -> str:
    text = str(error or "no response")
    for known, said in (("TimeoutError", "no answer in time"), ("ConnectionRefused", "connection refused"),
                        ("DNSLookupError", "the host name does not resolve"),
                        ("ResponseNeverReceived", "the server closed the connection")):
        if known in text:
            return said
    return text[:200]


def _check_resources(site: Site, settings: dict) -> None:
    """Internal link targets the crawler did not fetch: check their status and redirects.

    Images, styles and PDFs are never crawled, and Scrapy drops a redirect whose
    target it has already crawled, so those addresses are asked once more here.
    """
    from .external import check_urls

    wanted = {}
    for page in site.html_pages():
        for link in page.links:
            if link.internal and link.path not in site.pages and link.path not in site.redirects:
                wanted.setdefault(site.origin + link.url[len(origin_of(link.url)):], link.path)
    if not wanted:
        return
    quick = dict(settings, external_ignore=[], external_retries=0, external_per_host=4)
    for url, result in check_urls(wanted, quick).items():
        path = wanted[url]
        if result.redirects and result.final_url:
            chain = [unquote(site.site_path(u) or u) for u, _ in result.redirects]
            final = unquote(site.site_path(result.final_url) or result.final_url)
            for i in range(len(chain)):
                site.redirects.setdefault(chain[i], chain[i:] + [final])
            for (_, status), hop in zip(result.redirects, chain, strict=True):
                site.hop_status.setdefault(hop, status)
            path = final
        if result.status is not None and path not in site.pages:
            site.resources[path] = result.status
