"""The offline source: read a built site straight from its folder, no server.

Every HTML file is parsed once (selectolax) into a Page and dropped; on a large
site the files are split across worker processes. sitemap.xml (lxml) and
robots.txt are read from the folder too, and the site's public address comes
from ``--base-url``, the manifest, the sitemap or the home page's canonical URL.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from .extract import extract_page, split_url
from .model import Page, Site, Sitemap, SiteMatcher

logger = logging.getLogger(__name__)

HTML_SUFFIXES = (".html", ".htm")
# Below this many files one process is faster than starting workers.
PARALLEL_FROM = 400
_PLACEHOLDER = "https://site.invalid"


class AuditInputError(Exception):
    """The thing to audit is unusable (exit code 2)."""

    exit_code = 2


def url_path_of(rel: str) -> str:
    """The URL path a static host serves a file at: a/index.html -> /a/."""
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def read_site(output_dir: str | os.PathLike, settings: dict, base_url: str | None = None, workers: int | None = None) -> Site:
    """Read every page of a built site; ``base_url`` is its public address if known."""
    output = Path(output_dir)
    if not output.is_dir():
        raise AuditInputError(f"{output}: no such folder; build the site first (invoke build)")
    files: set[str] = set()
    html: list[str] = []
    bad_names: list[str] = []
    for folder, dirnames, filenames in os.walk(output):
        dirnames.sort()
        rel_folder = os.path.relpath(folder, output).replace(os.sep, "/")
        prefix = "" if rel_folder == "." else rel_folder + "/"
        for name in sorted(filenames):
            rel = prefix + name
            if not _is_utf8(rel):
                bad_names.append("/" + rel)  # url.filename-not-utf8; no URL can name it reliably
                continue
            files.add("/" + rel)
            if name.lower().endswith(HTML_SUFFIXES):
                html.append(rel)
    if not html:
        raise AuditInputError(f"{output}: no HTML files; build the site first (invoke build)")

    robots_txt = _read_text(output / "robots.txt")
    sitemap_files = _sitemap_locations(robots_txt)
    origin = (base_url or "").rstrip("/") or _infer_origin(output, sitemap_files, html, settings)
    site = Site(source="offline", target=str(output), origin=origin, files=files, robots_txt=robots_txt,
                bad_filenames=bad_names)
    if not origin:
        site.aliases = (_PLACEHOLDER,)
    site.sitemap = _read_sitemaps(output, site, sitemap_files)
    for page in _parse_all(output, html, site, settings, workers):
        site.pages[page.path] = page
    return site


def _is_utf8(name: str) -> bool:
    """Whether a file name read from the disk is valid UTF-8 (os.walk keeps other bytes as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _sitemap_locations(robots_txt: str | None) -> list[str]:
    """Sitemap URLs named in robots.txt, else the conventional /sitemap.xml."""
    found = []
    for line in (robots_txt or "").splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(value.strip())
    return found or ["/sitemap.xml"]


def _infer_origin(output: Path, sitemap_files: list[str], html: list[str], settings: dict) -> str:
    """The public origin, read from the sitemap's URLs or the home page's canonical."""
    for location in sitemap_files:
        parts = urlsplit(location)
        if parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    local = output / "sitemap.xml"
    for loc in _sitemap_locs(local.read_bytes() if local.is_file() else b"")[:1]:
        parts = urlsplit(loc)
        if parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    home = "index.html" if "index.html" in html else html[0]
    page = extract_page((output / home).read_bytes(), "https://site.invalid/", lambda url: None, settings, Page("/"))
    for candidate in (page.canonical_url, page.og.get("og:url")):
        parts = urlsplit(candidate or "")
        if parts.scheme in ("http", "https") and parts.netloc and parts.netloc != "site.invalid":
            return f"{parts.scheme}://{parts.netloc}"
    return ""


def _sitemap_locs(data: bytes, tag: str = "url") -> list[str]:
    if not data.strip():
        return []
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True, recover=False))
    return [
        (loc.text or "").strip()
        for loc in root.iter("{*}loc")
        if etree.QName(loc.getparent()).localname == tag
    ]


def _read_sitemaps(output: Path, site: Site, locations: list[str]) -> Sitemap:
    sitemap = Sitemap()
    queue = list(locations)
    seen = set()
    while queue:
        location = queue.pop(0)
        path = site.site_path(location)
        if path is None or path in seen:
            if path is None:
                sitemap.errors.append(f"{location}: the sitemap is on another site; it is not read offline")
            continue
        seen.add(path)
        file = output / unquote(path).lstrip("/")
        if not file.is_file():
            if location != "/sitemap.xml" or locations != ["/sitemap.xml"]:
                sitemap.errors.append(f"{path}: named in robots.txt but not in the output folder")
            continue
        sitemap.found = True
        sitemap.location = sitemap.location or path
        try:
            data = file.read_bytes()
            children = _sitemap_locs(data, "sitemap")
            urls = _sitemap_locs(data, "url")
            lastmods = _sitemap_lastmods(data)
        except etree.XMLSyntaxError as exc:
            sitemap.errors.append(f"{path}: not valid XML ({exc})")
            continue
        queue.extend(children)
        for loc in urls:
            url_path = site.site_path(loc)
            if url_path is None:
                sitemap.foreign.append(loc)
            else:
                sitemap.paths[unquote(url_path)] = lastmods.get(loc)
    return sitemap


def _sitemap_lastmods(data: bytes) -> dict[str, str | None]:
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    lastmods = {}
    for url in root.iter("{*}url"):
        loc = next((c.text for c in url if etree.QName(c).localname == "loc"), None)
        lastmod = next((c.text for c in url if etree.QName(c).localname == "lastmod"), None)
        if loc:
            lastmods[loc.strip()] = lastmod.strip() if lastmod else None
    return lastmods


def _parse_all(output: Path, html: list[str], site: Site, settings: dict, workers: int | None):
    origins = (site.origin, *site.aliases)
    join_origin = site.origin or _PLACEHOLDER
    if workers is None:
        workers = min(os.cpu_count() or 1, 8) if len(html) >= PARALLEL_FROM else 1
    if workers <= 1:
        yield from parse_files(str(output), html, join_origin, origins, settings)
        return
    # Small chunks: each worker's pages arrive (pickled) a few MB at a time, not a quarter of the site at once.
    chunk = max(50, min(150, len(html) // (workers * 4) + 1))
    chunks = [html[i : i + chunk] for i in range(0, len(html), chunk)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(parse_files, str(output), part, join_origin, origins, settings) for part in chunks]
        for future in futures:
            yield from future.result()


def parse_files(output: str, rels: list[str], join_origin: str, origins: tuple[str, ...], settings: dict) -> list[Page]:
    """Parse some of the site's HTML files (runs in a worker process on large sites)."""
    matcher = SiteMatcher(origins)
    shared_links: dict = {}
    pages = []
    for rel in rels:
        path = url_path_of(rel)
        page = Page(path=path, file=rel)
        try:
            data = Path(output, rel).read_bytes()
        except OSError as exc:
            page.error = f"unreadable file ({exc.strerror})"
            pages.append(page)
            continue
        url, _ = split_url(join_origin + url_path_of(rel))
        pages.append(extract_page(data, url, matcher, settings, page, shared_links))
    return pages
