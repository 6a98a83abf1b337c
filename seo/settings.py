"""SEO_AUDIT: every threshold, switch and ignore pattern of the audit, in one dict.

The dict lives in pelicanconf.py next to the site's other settings and is merged
over ``DEFAULTS`` here (the user's dict is never changed). The audit reads the
settings file with ``runpy`` only: it needs no Pelican to do so.
"""

from __future__ import annotations

import copy
import runpy
from pathlib import Path

from .model import SEVERITIES


class SettingsError(ValueError):
    """SEO_AUDIT holds a value of the wrong form."""


DEFAULTS: dict = {
    # Titles: Google shows about 600 px of a title (20 px Arial) on desktop.
    "title_min_chars": 30,
    "title_max_chars": 65,
    "title_max_px": 600,
    # Meta descriptions (Yoast: 120-156 characters).
    "description_min_chars": 120,
    "description_max_chars": 156,
    # Focus keyphrase density in % of the words (Yoast: 0.5-3 %).
    "density_min": 0.5,
    "density_max": 3.0,
    # Content
    "thin_content_words": 300,
    "too_many_links": 150,
    "stale_months": 12,
    "long_sentence_words": 20,
    "long_sentences_max_share": 25,  # % of sentences
    "long_paragraph_words": 150,
    "passive_max_share": 10,  # % of sentences (English only)
    "transition_min_share": 0,  # % of sentences; 0 = do not check (Yoast asks for 30)
    "readability_min_words": 200,  # shorter texts are not judged
    # Where a page's own text is: the first selector that matches (CSS).
    "content_selectors": ["[itemprop=articleBody]", ".post-body", ".page-body", "main", "body"],
    # Where the visible name/address/phone is (schema.nap-mismatch).
    "nap_selectors": ["address", "[itemprop=address]", ".nap"],
    # Online
    "slow_response_ms": 1000,
    "crawl_max_pages": 5000,
    "crawl_concurrency": 8,
    "crawl_timeout_s": 600,
    "crawl_delay_s": 0,
    "user_agent": "mainstreet-seo-audit/{version} (site audit run by the site's owner)",
    # External link checks (--check-external)
    "external_concurrency": 16,
    "external_per_host": 2,
    "external_timeout_s": 10,
    "external_retries": 2,
    "external_backoff_s": 1.0,
    "external_cache_hours": 24,
    "external_ignore": [],  # URL patterns (fnmatch) never checked
    # Findings of one rule kept in audit.json, .csv and .sarif; the rest are counted in one
    # "… and N more" finding (they still count in the totals and the score). 0: no limit.
    "max_instances_per_rule": 1000,
    # Rule switches: {"onpage.og-missing": "off", "links.orphan-page": "error"}
    "rules": {},
    # Ignore findings: [{"url": "/offers/*", "rules": ["sitemap.page-missing"]}, "/drafts/*"]
    "ignore": [],
}

_NUMBERS = [k for k, v in DEFAULTS.items() if isinstance(v, int | float) and not isinstance(v, bool)]
_STRING_LISTS = ["content_selectors", "nap_selectors", "external_ignore"]


def load_settings(settings_file: str | Path | None = None, overrides: dict | None = None) -> dict:
    """DEFAULTS, then SEO_AUDIT from the settings file (if any), then ``overrides``; validated."""
    user: dict = {}
    if settings_file is not None:
        path = Path(settings_file)
        if not path.is_file():
            raise SettingsError(f"{path}: settings file not found; pass --settings FILE or run from the project folder")
        try:
            namespace = runpy.run_path(str(path))
        except Exception as exc:  # noqa: BLE001 - any error in the user's file is reported, not raised
            raise SettingsError(f"{path}: could not read settings ({type(exc).__name__}: {exc})") from None
        user = namespace.get("SEO_AUDIT") or {}
        if not isinstance(user, dict):
            raise SettingsError(f"{path}: SEO_AUDIT is {user!r}; expected a dict like {{'thin_content_words': 300}}")
    merged = copy.deepcopy(DEFAULTS)
    merged.update(copy.deepcopy(user))
    merged.update(overrides or {})
    validate(merged)
    return merged


def validate(settings: dict) -> None:
    from .rules.catalog import RULES

    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise SettingsError(f"SEO_AUDIT[{unknown[0]!r}]: unknown setting; expected one of: {', '.join(DEFAULTS)}")
    for key in _NUMBERS:
        value = settings[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise SettingsError(f"SEO_AUDIT[{key!r}] = {value!r}; expected a number >= 0 (default {DEFAULTS[key]!r})")
    cap = settings["max_instances_per_rule"]
    if isinstance(cap, bool) or not isinstance(cap, int):
        raise SettingsError(f"SEO_AUDIT['max_instances_per_rule'] = {cap!r}; expected a whole number >= 0 "
                            f"(0: no limit; default {DEFAULTS['max_instances_per_rule']!r})")
    for key in _STRING_LISTS:
        value = settings[key]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"SEO_AUDIT[{key!r}] = {value!r}; expected a list of strings")
    if settings["density_min"] > settings["density_max"]:
        raise SettingsError(
            f"SEO_AUDIT['density_min'] = {settings['density_min']!r} is above density_max = {settings['density_max']!r}"
        )
    rules = settings["rules"]
    if not isinstance(rules, dict):
        raise SettingsError(f"SEO_AUDIT['rules'] = {rules!r}; expected a dict like {{'onpage.og-missing': 'off'}}")
    for rule, value in rules.items():
        if rule not in RULES and not rule.startswith("calendar."):
            raise SettingsError(f"SEO_AUDIT['rules'][{rule!r}]: unknown rule; see the rules table in README.md")
        if value not in (*SEVERITIES, "off"):
            raise SettingsError(
                f"SEO_AUDIT['rules'][{rule!r}] = {value!r}; expected one of: {', '.join((*SEVERITIES, 'off'))}"
            )
    if not isinstance(settings["ignore"], list | tuple):
        raise SettingsError(f"SEO_AUDIT['ignore'] = {settings['ignore']!r}; expected a list")
    for entry in settings["ignore"]:
        if isinstance(entry, str):
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise SettingsError(
                f"SEO_AUDIT['ignore'] entry {entry!r}; expected a URL pattern like '/drafts/*' "
                "or {'url': '/offers/*', 'rules': ['sitemap.page-missing']}"
            )
        for rule in entry.get("rules", []):
            if rule not in RULES and not rule.endswith(".*") and not rule.startswith("calendar."):
                raise SettingsError(f"SEO_AUDIT['ignore'] entry {entry!r}: unknown rule {rule!r}")
