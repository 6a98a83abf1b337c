"""Hosting: fingerprinted assets and the security and caching headers of the built site.

* Templates name theme files through the ``fingerprint`` filter
  (``{{ SITEURL }}/{{ 'theme/css/main.css'|fingerprint }}``): the page links to
  ``theme/css/main.<hash>.css``, a copy whose name changes whenever its bytes
  do, so hosts may cache it for a year.
* After every page is written (still in the build's staging folder, so the
  atomic swap covers these files too), the pages are read once to find what a
  Content-Security-Policy must allow: the SHA-256 of every inline ``<script>``
  and ``<style>`` element actually present (the landing pages' A/B script,
  whatever its text), and the origins of external scripts, frames and form
  targets. An inline event handler (``onclick=``) cannot be allowed by a hash
  and fails the build.
* The headers go to ``_headers`` (read by Netlify and Cloudflare Pages) and
  ``_headers.nginx`` (``add_header`` lines that ``hosting/nginx/site.conf``
  includes), so the policy always matches the pages it ships with.

Settings: ``HOSTING`` (merged over ``DEFAULTS``, validated at start-up).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from pelican import signals
from selectolax.lexbor import LexborHTMLParser

from contract.state import build_state, declare_render_state

logger = logging.getLogger(__name__)

DEFAULTS = {
    # Hash file names of theme assets named through the `fingerprint` filter.
    "fingerprint": True,
    # Written into the output root; "" writes none.
    "headers_file": "_headers",
    "nginx_file": "_headers.nginx",
    # Content-Security-Policy, directive -> sources. The build adds the hashes
    # of inline scripts and styles and the origins of external scripts,
    # frames and form targets found in the pages.
    "csp": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'self'"],
    },
    # Sent with every response.
    "headers": {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "X-Frame-Options": "SAMEORIGIN",
    },
    # Cache-Control of fingerprinted files (their names change with their content).
    "cache_fingerprinted": "public, max-age=31536000, immutable",
    # Strict-Transport-Security: browsers that saw it use HTTPS only, for max_age
    # seconds. False sends none (a site not yet on HTTPS). preload asks to be
    # listed in the browsers' preload list (hstspreload.org: max_age of a year or
    # more and include_subdomains required).
    "hsts": {"max_age": 31536000, "include_subdomains": False, "preload": False},
}
HSTS_KEYS = {"max_age": int, "include_subdomains": bool, "preload": bool}
PRELOAD_MIN_AGE = 31536000

FINGERPRINT_LENGTH = 10
# Script types a browser executes (anything else, e.g. application/ld+json, is data).
_SCRIPT_TYPES = {"", "module", "text/javascript", "application/javascript", "text/ecmascript",
                 "application/ecmascript", "text/jscript", "text/livescript"}


class HostingSettingsError(ValueError):
    """HOSTING holds a value of the wrong form."""


def hosting_settings(settings) -> dict:
    """HOSTING merged over DEFAULTS (one level deep for csp and headers), validated."""
    user = settings.get("HOSTING") or {}
    if not isinstance(user, dict):
        raise HostingSettingsError(f"HOSTING = {user!r}; expected a dict like {{'csp': {{'img-src': [...]}}}}")
    merged = {key: (dict(value) if isinstance(value, dict) else value) for key, value in DEFAULTS.items()}
    for key, value in user.items():
        if key not in DEFAULTS:
            raise HostingSettingsError(f"HOSTING[{key!r}]: unknown key; expected one of: {', '.join(DEFAULTS)}")
        if key == "hsts":
            merged[key] = {**DEFAULTS["hsts"], **value} if isinstance(value, dict) else value
        elif isinstance(DEFAULTS[key], dict):
            if not isinstance(value, dict):
                raise HostingSettingsError(f"HOSTING[{key!r}] = {value!r}; expected a dict")
            merged[key].update(value)
        else:
            merged[key] = value
    _check_hsts(merged["hsts"])
    for directive, sources in merged["csp"].items():
        if not isinstance(sources, list | tuple) or not all(isinstance(s, str) and s for s in sources):
            raise HostingSettingsError(
                f"HOSTING['csp'][{directive!r}] = {sources!r}; expected a list of sources like [\"'self'\"]"
            )
    for name, value in merged["headers"].items():
        if not isinstance(value, str) or "\n" in value:
            raise HostingSettingsError(f"HOSTING['headers'][{name!r}] = {value!r}; expected a one-line string")
    for key in ("headers_file", "nginx_file", "cache_fingerprinted"):
        if not isinstance(merged[key], str):
            raise HostingSettingsError(f"HOSTING[{key!r}] = {merged[key]!r}; expected a string")
    return merged


def _check_hsts(hsts) -> None:
    if hsts is False or hsts is None:
        return
    example = "{'max_age': 31536000, 'include_subdomains': True, 'preload': False}, or False to send none"
    if not isinstance(hsts, dict):
        raise HostingSettingsError(f"HOSTING['hsts'] = {hsts!r}; expected a dict like {example}")
    for key, value in hsts.items():
        kind = HSTS_KEYS.get(key)
        if kind is None:
            raise HostingSettingsError(f"HOSTING['hsts'][{key!r}]: unknown key; expected one of: {', '.join(HSTS_KEYS)}")
        if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise HostingSettingsError(f"HOSTING['hsts']['max_age'] = {value!r}; expected whole seconds >= 0, e.g. 31536000 (a year)")
        if kind is bool and not isinstance(value, bool):
            raise HostingSettingsError(f"HOSTING['hsts'][{key!r}] = {value!r}; expected True or False")
    if hsts["preload"] and (hsts["max_age"] < PRELOAD_MIN_AGE or not hsts["include_subdomains"]):
        raise HostingSettingsError(
            f"HOSTING['hsts'] = {hsts!r}: preload needs max_age >= {PRELOAD_MIN_AGE} and include_subdomains True "
            "(the preload list's rules); raise them or set preload False"
        )


def hsts_value(hsts) -> str | None:
    """The Strict-Transport-Security value of the HOSTING['hsts'] setting (None: send none)."""
    if not hsts:
        return None
    value = f"max-age={hsts['max_age']}"
    if hsts["include_subdomains"]:
        value += "; includeSubDomains"
    if hsts["preload"]:
        value += "; preload"
    return value


# --- Fingerprints -------------------------------------------------------------


def file_fingerprint(path: str | os.PathLike) -> str:
    """The first hex digits of the file's SHA-256."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:FINGERPRINT_LENGTH]


def fingerprinted_name(rel: str, digest: str) -> str:
    """'theme/css/main.css' -> 'theme/css/main.<digest>.css'."""
    head, _, name = rel.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    new = f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"
    return f"{head}/{new}" if head else new


def theme_source(settings, rel: str) -> Path:
    """The theme file that Pelican copies to ``rel`` in the output."""
    prefix = settings.get("THEME_STATIC_DIR", "theme").strip("/") + "/"
    if rel.startswith(prefix):
        inner = rel[len(prefix):]
        for static in settings.get("THEME_STATIC_PATHS", ["static"]):
            candidate = Path(settings["THEME"]) / static / inner
            if candidate.is_file():
                return candidate
    raise FileNotFoundError(
        f"hosting: fingerprint: {rel!r} is not a theme file; name files below "
        f"'{prefix}' as they appear in output/, e.g. '{prefix}css/main.css'"
    )


class Fingerprinter:
    """The ``fingerprint`` Jinja filter of one build (bound to its settings)."""

    def __init__(self, settings):
        self.settings = settings

    def __call__(self, rel: str) -> str:
        rel = str(rel).lstrip("/")
        if not hosting_settings(self.settings)["fingerprint"]:
            return rel
        source = theme_source(self.settings, rel)
        hashed = fingerprinted_name(rel, file_fingerprint(source))
        build_state(self.settings).fingerprinted[hashed] = str(source)
        return hashed


def add_filter(generator) -> None:
    env = getattr(generator, "env", None)
    if env is not None:
        env.filters["fingerprint"] = Fingerprinter(generator.settings)


def check_settings(pelican) -> None:
    try:
        hosting_settings(pelican.settings)
    except HostingSettingsError as exc:
        logger.error("hosting: %s", exc)


# --- What the pages need from a CSP --------------------------------------------


def csp_hash(text: str) -> str:
    """The CSP source expression allowing an inline element with exactly ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


_HANDLER_HINT = re.compile(r"\son[a-z0-9_-]*\s*=", re.IGNORECASE)


def _origin(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def _read_page(html: str) -> tuple:
    """(inline scripts, inline styles, origins, handler attributes, has style attributes) of one page.

    Parsed with lexbor (selectolax) as a browser would: script and style text is
    the raw text between the tags, which is what a CSP hash covers.
    """
    tree = LexborHTMLParser(html)
    scripts, styles, handlers = [], [], []
    origins: dict[str, set[str]] = {"script-src": set(), "frame-src": set(), "form-action": set()}
    for node in tree.css("script"):
        attrs = node.attributes
        if attrs.get("src"):
            origin = _origin(attrs["src"])
            if origin:
                origins["script-src"].add(origin)
        elif (attrs.get("type") or "").strip().lower() in _SCRIPT_TYPES:
            scripts.append(node.text(deep=True, separator="", strip=False))
    styles = [node.text(deep=True, separator="", strip=False) for node in tree.css("style")]
    for selector, directive, name in (("iframe[src]", "frame-src", "src"), ("form[action]", "form-action", "action")):
        for node in tree.css(selector):
            origin = _origin(node.attributes.get(name) or "")
            if origin:
                origins[directive].add(origin)
    if _HANDLER_HINT.search(html):  # walking every element's attributes is the slow part: only when needed
        for node in tree.root.traverse():
            handlers.extend(name for name in node.attributes if name.startswith("on"))
    return scripts, styles, origins, handlers, tree.css_first("[style]") is not None


def scan_pages(output: str | os.PathLike, workers: int | None = None) -> dict:
    """Inline script/style hashes and external origins over every HTML file of ``output``.

    Returns {"scripts", "styles": sorted hash sources, "origins": {directive: set},
    "handlers": [(file, attribute)], "style_attributes": [file]}. Pages are
    parsed on ``workers`` processes (default: one per core, for 64 pages or
    more) and merged in file order, so the result is the serial one.
    """
    root = Path(output)
    paths = sorted(root.rglob("*.html"))
    found = {"scripts": set(), "styles": set(), "origins": {}, "handlers": [], "style_attributes": []}
    for path, (scripts, styles, origins, handlers, styled) in zip(
        paths, _map_pages([str(p) for p in paths], workers), strict=True
    ):
        rel = path.relative_to(root).as_posix()
        found["scripts"].update(scripts)
        found["styles"].update(styles)
        for directive, values in origins.items():
            found["origins"].setdefault(directive, set()).update(values)
        found["handlers"].extend((rel, name) for name in handlers)
        if styled:
            found["style_attributes"].append(rel)
    found["scripts"] = sorted(found["scripts"])
    found["styles"] = sorted(found["styles"])
    return found


_DATA_SCRIPT = b'<script type="application/ld+json">'
_ON_ATTRIBUTE = re.compile(rb"on[a-z0-9_-]*\s*=")  # starts with a literal: the regex engine skips ahead fast


def _needs_nothing(data: bytes) -> bool:
    """True when a page certainly has nothing a policy must allow, so parsing it can be skipped.

    That is: no style element or attribute, no iframe, no form, nothing that
    looks like an event handler, and every script tag is a JSON-LD block as the
    theme writes it (data, not code). Anything else, even in text, is parsed.
    Works on the raw bytes (ASCII case folding), which is several times cheaper
    than decoding and parsing every page.
    """
    lower = data.lower()
    if b"<style" in lower or b"style=" in lower or b"<iframe" in lower or b"<form" in lower:
        return False
    for match in _ON_ATTRIBUTE.finditer(lower):
        start = match.start()
        if start and lower[start - 1:start].isspace():
            return False  # an on...= attribute after whitespace: maybe an event handler
    return lower.count(b"<script") == lower.count(_DATA_SCRIPT)


def _scan_page(path: str) -> tuple:
    data = Path(path).read_bytes()
    if _needs_nothing(data):
        return [], [], {"script-src": set(), "frame-src": set(), "form-action": set()}, [], False
    html = data.decode("utf-8", errors="replace")
    scripts, styles, origins, handlers, styled = _read_page(html)
    return [csp_hash(text) for text in scripts], [csp_hash(text) for text in styles], origins, handlers, styled


def _map_pages(paths: list[str], workers: int | None):
    """_scan_page over ``paths``, in order; in worker processes when it pays."""
    count = (os.cpu_count() or 1) if workers is None else workers
    if count <= 1 or len(paths) < (64 if workers is None else 2):
        return map(_scan_page, paths)
    import concurrent.futures
    import multiprocessing

    with concurrent.futures.ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_scan_page, paths, chunksize=16))


def content_security_policy(conf: dict, found: dict, site_origin: str = "") -> str:
    """The policy: HOSTING['csp'] plus what the pages need (hashes, external origins)."""
    directives = {name: list(sources) for name, sources in conf["csp"].items()}

    def add(name: str, sources) -> None:
        current = directives.setdefault(name, [])
        if "'none'" in current and sources:
            current.remove("'none'")
        current.extend(s for s in sources if s not in current)

    add("script-src", found["scripts"])
    # Analytics and similar scripts report back to where they came from.
    script_origins = sorted(o for o in found["origins"].get("script-src", ()) if o != site_origin)
    add("script-src", script_origins)
    if script_origins:
        add("connect-src", script_origins)
    add("frame-src", sorted(o for o in found["origins"].get("frame-src", ()) if o != site_origin))
    add("form-action", sorted(o for o in found["origins"].get("form-action", ()) if o != site_origin))
    if found["style_attributes"]:
        # Style attributes cannot be allowed by hash; a hash would also switch
        # 'unsafe-inline' off, so inline <style> stays allowed that way too.
        add("style-src", ["'unsafe-inline'"])
    else:
        add("style-src", found["styles"])
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items() if sources)


def response_headers(conf: dict, policy: str) -> dict[str, str]:
    headers = {"Content-Security-Policy": policy}
    hsts = hsts_value(conf["hsts"])
    if hsts and not any(name.lower() == "strict-transport-security" for name in conf["headers"]):
        headers["Strict-Transport-Security"] = hsts  # one the owner wrote in HOSTING['headers'] wins
    headers.update(conf["headers"])
    return headers


def headers_file_text(headers: dict[str, str], fingerprinted: list[str], cache: str) -> str:
    """The ``_headers`` format of Netlify and Cloudflare Pages."""
    lines = [
        "# Written by the build (plugins/hosting): the Content-Security-Policy",
        "# allows exactly the inline scripts of this build. Netlify and Cloudflare",
        "# Pages read this file; HTML keeps the host's default Cache-Control",
        "# (revalidate on every request).",
        "/*",
    ]
    lines += [f"  {name}: {value}" for name, value in headers.items()]
    for rel in fingerprinted:
        lines += [f"/{rel}", f"  Cache-Control: {cache}"]
    return "\n".join(lines) + "\n"


def nginx_file_text(headers: dict[str, str]) -> str:
    """``add_header`` lines for hosting/nginx/site.conf (included in each location)."""
    lines = ["# Written by the build (plugins/hosting); included by hosting/nginx/site.conf.",
             "# Reload nginx after a deploy so a changed policy takes effect."]
    for name, value in headers.items():
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'add_header {name} "{escaped}" always;')
    return "\n".join(lines) + "\n"


def write_hosting_files(pelican) -> None:
    """After the build wrote every page: fingerprinted copies, then the headers files."""
    settings = pelican.settings
    try:
        conf = hosting_settings(settings)
    except HostingSettingsError:
        return  # reported at start-up
    output = Path(pelican.output_path)
    assets = dict(build_state(settings).fingerprinted)
    for rel, source in sorted(assets.items()):
        target = output / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(Path(source).read_bytes())
    found = scan_pages(output, settings.get("BUILD_WORKERS"))
    for rel, name in found["handlers"]:
        logger.error(
            "%s: hosting: inline event handler attribute %r is blocked by the Content-Security-Policy; "
            "attach the handler from a <script> element instead",
            rel, name,
        )
    site_url = settings.get("SITEURL") or ""
    parts = urlsplit(site_url)
    site_origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    headers = response_headers(conf, content_security_policy(conf, found, site_origin))
    if conf["headers_file"]:
        (output / conf["headers_file"]).write_text(
            headers_file_text(headers, sorted(assets), conf["cache_fingerprinted"]), encoding="utf-8"
        )
    if conf["nginx_file"]:
        (output / conf["nginx_file"]).write_text(nginx_file_text(headers), encoding="utf-8")
    logger.info("hosting: %d inline script hash(es), %d fingerprinted file(s)", len(found["scripts"]), len(assets))


def register() -> None:
    # The fingerprint filter records assets while pages render (also in the
    # build's worker processes: the engine's parallel writer copies them back).
    declare_render_state("hosting.assets", lambda settings: build_state(settings).fingerprinted)
    signals.initialized.connect(check_settings)
    signals.generator_init.connect(add_filter)
    signals.finalized.connect(write_hosting_files)
