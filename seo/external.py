"""External link checks (``--check-external``): each distinct URL once, politely.

* concurrently (aiohttp), with at most ``external_per_host`` requests per host
  at a time, a timeout, and retries with exponential backoff for timeouts,
  connection errors, 429 and 5xx answers (``Retry-After`` is honoured);
* HEAD first, GET when HEAD fails (many servers answer HEAD with 403/405/404);
* results are cached in reports/ (``external-links.json``) for
  ``external_cache_hours``, so a re-run does not hit other people's servers again;
* sites that block link checkers (LinkedIn's 999, X's 400/403, any 429) are
  reported as *unverified*, with the explanation, never as broken.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from . import __version__

logger = logging.getLogger(__name__)

OK, BROKEN, BLOCKED, UNREACHABLE = "ok", "broken", "blocked", "unreachable"
CACHE_FILE = "external-links.json"
CACHE_VERSION = 1

# Hosts known to refuse automated visitors with a misleading status.
_BLOCKING = {
    "linkedin.com": ({400, 401, 403, 999}, "LinkedIn refuses link checkers (HTTP {status}) but the page may work in a browser"),
    "x.com": ({400, 401, 403}, "X (Twitter) answers HTTP {status} to link checkers even for pages that work in a browser"),
    "twitter.com": ({400, 401, 403}, "X (Twitter) answers HTTP {status} to link checkers even for pages that work in a browser"),
    "instagram.com": ({401, 403, 429}, "Instagram refuses link checkers (HTTP {status}) but the page may work in a browser"),
    "facebook.com": ({400, 403}, "Facebook refuses link checkers (HTTP {status}) but the page may work in a browser"),
}


@dataclass
class LinkCheck:
    url: str
    outcome: str  # ok, broken, blocked, unreachable
    status: int | None
    reason: str  # completes "the link points to URL, which ..." / "could not be checked: ..."
    final_url: str | None = None
    checked_at: float = 0.0  # seconds since the epoch
    method: str = "HEAD"
    attempts: int = 1
    redirects: list = field(default_factory=list)  # [url, status] of each redirect followed


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def classify(url: str, status: int) -> tuple[str, str]:
    """(outcome, reason) for a final HTTP status."""
    host = _host(url)
    for domain, (statuses, reason) in _BLOCKING.items():
        if (host == domain or host.endswith("." + domain)) and status in statuses:
            return BLOCKED, reason.format(status=status)
    if status == 999:
        return BLOCKED, "the site answers 999, LinkedIn's code for refusing automated visitors; it may work in a browser"
    if status == 429:
        return BLOCKED, "the site answered 429 Too Many Requests: it rate-limits automated checks"
    if 200 <= status < 400:
        return OK, "works"
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "unknown status"
    if status in (401, 403):
        return BLOCKED, f"the server refuses automated access (HTTP {status} {phrase}); it may work in a browser"
    if 400 <= status < 500:
        return BROKEN, f"answers HTTP {status} ({phrase})"
    return UNREACHABLE, f"the server fails (HTTP {status} {phrase})"


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


class LinkCache:
    """reports/external-links.json: results younger than ``max_age`` seconds are reused."""

    def __init__(self, path: Path | None, max_age: float, clock: Callable[[], float]):
        self.path, self.max_age, self.clock = path, max_age, clock
        self.entries: dict[str, dict] = {}
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("version") == CACHE_VERSION:
                    self.entries = data.get("checked", {})
            except (OSError, ValueError, AttributeError):
                logger.warning("%s: unreadable link cache, checking every link again", path)

    def get(self, url: str) -> LinkCheck | None:
        entry = self.entries.get(url)
        if not entry or self.clock() - entry.get("checked_at", 0) > self.max_age:
            return None
        try:
            return LinkCheck(**entry)
        except TypeError:
            return None

    def put(self, result: LinkCheck) -> None:
        self.entries[result.url] = asdict(result)

    def save(self) -> None:
        if self.path is None:
            return
        now = self.clock()
        fresh = {u: e for u, e in self.entries.items() if now - e.get("checked_at", 0) <= self.max_age}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".external-links-", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"version": CACHE_VERSION, "checked": fresh}, fh, indent=1, sort_keys=True)
        os.replace(tmp, self.path)


def check_urls(
    urls: Iterable[str],
    settings: dict,
    cache_dir: str | os.PathLike | None = None,
    clock: Callable[[], float] = time.time,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, LinkCheck]:
    """Check each distinct URL once (cached results count); returns url -> LinkCheck."""
    wanted = sorted({u for u in urls if urlsplit(u).scheme in ("http", "https")})
    wanted = [u for u in wanted if not any(fnmatch.fnmatchcase(u, p) for p in settings["external_ignore"])]
    cache = LinkCache(Path(cache_dir) / CACHE_FILE if cache_dir else None, settings["external_cache_hours"] * 3600, clock)
    results: dict[str, LinkCheck] = {}
    todo = []
    for url in wanted:
        cached = cache.get(url)
        if cached is not None:
            results[url] = cached
        else:
            todo.append(url)
    done = len(results)
    if progress:
        progress(done, len(wanted))
    if todo:
        def advance(result: LinkCheck) -> None:
            nonlocal done
            results[result.url] = result
            cache.put(result)
            done += 1
            if progress:
                progress(done, len(wanted))

        _run_in_own_thread(lambda: _check_all(todo, settings, clock, advance))
    cache.save()
    return results


def _run_in_own_thread(make_coroutine) -> None:
    """asyncio.run in a thread of its own: works even where the caller's thread already runs
    an event loop (Playwright's sync API, a notebook)."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(make_coroutine())
        except BaseException as exc:  # noqa: BLE001 - handed back to the calling thread
            failure.append(exc)

    worker = threading.Thread(target=target, name="seo-link-check")
    worker.start()
    worker.join()
    if failure:
        raise failure[0]


async def _check_all(urls: list[str], settings: dict, clock, advance) -> None:
    import aiohttp

    timeout = aiohttp.ClientTimeout(total=settings["external_timeout_s"])
    headers = {"User-Agent": settings["user_agent"].format(version=__version__), "Accept": "*/*"}
    per_host: dict[str, asyncio.Semaphore] = {}
    connector = aiohttp.TCPConnector(limit=settings["external_concurrency"], limit_per_host=settings["external_per_host"])
    async with aiohttp.ClientSession(timeout=timeout, headers=headers, connector=connector) as session:

        async def one(url: str) -> None:
            host = urlsplit(url).netloc.lower()
            gate = per_host.setdefault(host, asyncio.Semaphore(max(1, settings["external_per_host"])))
            result = await _check_one(session, gate, url, settings, clock)
            advance(result)

        await asyncio.gather(*(one(url) for url in urls))


async def _check_one(session, gate: asyncio.Semaphore, url: str, settings: dict, clock) -> LinkCheck:
    import aiohttp

    retries, backoff = int(settings["external_retries"]), float(settings["external_backoff_s"])
    attempt = 0
    while True:
        attempt += 1
        retry_after = None
        try:
            async with gate:
                status, final, method, retry_after, hops = await _head_then_get(session, url)
            outcome, reason = classify(url, status)
            result = LinkCheck(url, outcome, status, reason, final, clock(), method, attempt, hops)
            if not _retryable(status) or attempt > retries:
                return result
        except aiohttp.TooManyRedirects:
            return LinkCheck(url, BROKEN, None, "redirects in a loop (or through too many hops)", None, clock(), "GET", attempt)
        except (aiohttp.InvalidURL, ValueError) as exc:
            return LinkCheck(url, BROKEN, None, f"is not a valid address ({exc})", None, clock(), "GET", attempt)
        except (aiohttp.ClientError, TimeoutError) as exc:
            result = LinkCheck(url, UNREACHABLE, None, _explain(exc, settings), None, clock(), "GET", attempt)
            if attempt > retries:
                return result
        wait = backoff * 2 ** (attempt - 1)
        if retry_after is not None:
            wait = max(wait, min(retry_after, 30.0))
        await asyncio.sleep(wait)


async def _head_then_get(session, url: str) -> tuple[int, str, str, float | None, list]:
    async with session.head(url, allow_redirects=True, max_redirects=10) as response:
        status, final = response.status, str(response.url)
        retry_after = _retry_after(response.headers.get("Retry-After"))
        hops = [[str(r.url), r.status] for r in response.history]
    if status < 400 or status == 429:
        return status, final, "HEAD", retry_after, hops
    async with session.get(url, allow_redirects=True, max_redirects=10) as response:
        hops = [[str(r.url), r.status] for r in response.history]
        return response.status, str(response.url), "GET", _retry_after(response.headers.get("Retry-After")), hops


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _explain(exc: BaseException, settings: dict) -> str:
    import aiohttp

    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return f"no answer within {settings['external_timeout_s']} s"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return "its HTTPS certificate is not valid"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "its host name does not resolve"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"the server could not be reached ({exc.os_error.strerror or exc})"
    return f"the connection failed ({type(exc).__name__}: {exc})"
