"""The site settings as outreach needs them, read without Pelican.

pelicanconf.py (or any settings file) is plain Python: it is executed with
``runpy`` and only its UPPER_CASE names are kept. ``NEWSLETTER`` and ``SOCIAL``
are merged over ``DEFAULTS`` here and validated once, with messages that name
the key, the bad value and the expected form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contract import site

from .errors import InputError

NEWSLETTER_DEFAULTS = {
    # From and Reply-To; None = "SITENAME <LOCAL_BUSINESS['email']>".
    "from": None,
    "reply_to": None,
    # {site}, {title} (the newest post's title) and {count} (posts in this edition).
    "subject": "{site}: {title}",
    # Posts per edition; also what the very first issue takes.
    "max_items": 5,
    "rate_per_minute": 60,  # 0 = no limit
    "max_attempts": 3,  # sends a refused recipient is given, across runs
    # One-click unsubscribe (RFC 8058): an https URL that accepts POST, with {token} and/or {email}.
    "unsubscribe_url": None,
    # mailto: target for List-Unsubscribe; None = LOCAL_BUSINESS['email'].
    "unsubscribe_mailto": None,
    # Hosts whose links get UTM parameters besides PUBLIC_SITEURL's.
    "utm_domains": [],
    "greeting": "Hi {name},",
    "greeting_fallback": "Hi there,",
    # Sequence emails (content/<emails>/*.md) still go out this many days after they were due.
    "sequence_grace_days": 3,
    "emails": "emails",
}

PLATFORMS = {
    # limit: characters (X: weighted, links count 23); hashtags: how many to add at most.
    "x": {"label": "X", "limit": 280, "hashtags": 2},
    "facebook": {"label": "Facebook", "limit": 63206, "hashtags": 3},
    "instagram": {"label": "Instagram", "limit": 2200, "hashtags": 10},
    "linkedin": {"label": "LinkedIn", "limit": 3000, "hashtags": 3},
    "google-business": {"label": "Google Business Profile", "limit": 1500, "hashtags": 0},
}

SOCIAL_DEFAULTS = {
    # Per platform: weekly time slots in the site's TIMEZONE, "tue 10:00".
    "slots": {
        "facebook": ["tue 10:00", "thu 10:00"],
        "instagram": ["wed 12:00", "sat 10:00"],
        "linkedin": ["tue 08:30", "thu 08:30"],
        "x": ["mon 12:00", "wed 12:00", "fri 12:00"],
        "google-business": ["mon 09:00"],
    },
    # A post published longer ago than this is not announced any more (evergreen ones still recycle).
    "lookback_days": 14,
    # The first slot is at least this far after the run (Hootsuite wants 10 minutes).
    "lead_minutes": 30,
    # Evergreen posts fill empty slots up to this many days ahead, each post at most once per N weeks.
    "evergreen_days": 14,
    "evergreen_weeks": 8,
    # Platforms for posts whose Channels name none (e.g. posts without a plan).
    "default_platforms": [],
    "hootsuite_date_format": "%m/%d/%Y %H:%M",
    "buffer_date_format": "%Y-%m-%d %H:%M",
}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SLOT = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)\s+([01]\d|2[0-3]):([0-5]\d)$")


@dataclass
class Site:
    """Everything outreach reads from the settings file."""

    settings_file: Path
    root: Path  # the folder holding the settings file
    name: str
    url: str  # PUBLIC_SITEURL, no trailing slash
    timezone: ZoneInfo
    content: Path
    output: Path
    reports: Path  # REPORTS_PATH: the build's private reports (manifest.json)
    theme: Path
    business: dict
    segments: dict
    feeds_json: str  # path of the JSON Feed inside output/
    newsletter: dict = field(default_factory=dict)
    social: dict = field(default_factory=dict)

    @property
    def domain(self) -> str:
        return urlsplit(self.url).hostname or "localhost"


def read_settings_file(path: str | Path) -> dict:
    """Execute a settings file and return its UPPER_CASE names."""
    try:
        return site.read_settings_file(path)
    except site.SettingsFileError as exc:
        raise InputError(str(exc)) from None


def merged(defaults: dict, user: dict | None) -> dict:
    result = dict(defaults)
    result.update(user or {})
    return result


def newsletter_problems(conf: dict) -> list[str]:
    problems = [
        f"NEWSLETTER[{key!r}] is not a newsletter setting; expected one of: {', '.join(NEWSLETTER_DEFAULTS)}"
        for key in conf
        if key not in NEWSLETTER_DEFAULTS
    ]
    for key in ("max_items", "max_attempts"):
        if not _positive_int(conf.get(key)):
            problems.append(f"NEWSLETTER[{key!r}] is {conf.get(key)!r}; expected a whole number of 1 or more")
    for key in ("rate_per_minute", "sequence_grace_days"):
        value = conf.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            problems.append(f"NEWSLETTER[{key!r}] is {value!r}; expected a number of 0 or more")
    url = conf.get("unsubscribe_url")
    if url is not None and (
        not isinstance(url, str) or not url.startswith("https://") or not ("{token}" in url or "{email}" in url)
    ):
        problems.append(
            f"NEWSLETTER['unsubscribe_url'] is {url!r}; expected an https URL that accepts POST (RFC 8058) "
            "with {token} or {email}, e.g. 'https://example.com/unsubscribe?s={token}'"
        )
    for key in ("subject", "greeting", "greeting_fallback", "emails"):
        if not isinstance(conf.get(key), str) or not conf.get(key):
            problems.append(f"NEWSLETTER[{key!r}] is {conf.get(key)!r}; expected a non-empty string")
    if not isinstance(conf.get("utm_domains"), list | tuple):
        problems.append(f"NEWSLETTER['utm_domains'] is {conf.get('utm_domains')!r}; expected a list of host names")
    return problems


def social_problems(conf: dict) -> list[str]:
    problems = [
        f"SOCIAL[{key!r}] is not a social setting; expected one of: {', '.join(SOCIAL_DEFAULTS)}"
        for key in conf
        if key not in SOCIAL_DEFAULTS
    ]
    slots = conf.get("slots")
    if not isinstance(slots, dict):
        problems.append(f"SOCIAL['slots'] is {slots!r}; expected a dict of platform -> ['tue 10:00', ...]")
        slots = {}
    for platform, times in slots.items():
        if platform not in PLATFORMS:
            problems.append(f"SOCIAL['slots'] has unknown platform {platform!r}; expected one of: {', '.join(PLATFORMS)}")
            continue
        if not isinstance(times, list | tuple):
            problems.append(f"SOCIAL['slots'][{platform!r}] is {times!r}; expected a list such as ['tue 10:00']")
            continue
        for slot in times:
            match = _SLOT.match(str(slot).strip().lower())
            if not match:
                problems.append(
                    f"SOCIAL['slots'][{platform!r}] has {slot!r}; expected a weekday and a 24-hour time, e.g. 'tue 10:00'"
                )
            elif int(match.group(3)) % 5:
                problems.append(
                    f"SOCIAL['slots'][{platform!r}] has {slot!r}; expected minutes ending in 0 or 5 (Hootsuite's rule)"
                )
    for key in ("lookback_days", "lead_minutes", "evergreen_days", "evergreen_weeks"):
        value = conf.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"SOCIAL[{key!r}] is {value!r}; expected a whole number of 0 or more")
    for platform in conf.get("default_platforms") or []:
        if platform not in PLATFORMS:
            problems.append(
                f"SOCIAL['default_platforms'] has {platform!r}; expected platforms from: {', '.join(PLATFORMS)}"
            )
    return problems


def parse_slot(slot: str) -> tuple[int, int, int]:
    """'tue 10:00' -> (1, 10, 0): weekday (Monday 0), hour, minute."""
    match = _SLOT.match(slot.strip().lower())
    return WEEKDAYS.index(match.group(1)), int(match.group(2)), int(match.group(3))


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def load_site(settings_file: str | Path) -> Site:
    """Read and validate the settings; InputError lists every problem."""
    settings_file = Path(settings_file).resolve()
    values = read_settings_file(settings_file)
    root = settings_file.parent
    problems = []
    tz_name = values.get("TIMEZONE") or "UTC"
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"TIMEZONE is {tz_name!r}; expected an IANA name such as 'America/New_York'")
        timezone = ZoneInfo("UTC")
    url = site.public_site_url(values)
    if not url.startswith(("https://", "http://")):
        problems.append(f"PUBLIC_SITEURL is {url!r}; expected the site's absolute address, e.g. 'https://www.example.com'")
    newsletter = merged(NEWSLETTER_DEFAULTS, values.get("NEWSLETTER"))
    social = merged(SOCIAL_DEFAULTS, values.get("SOCIAL"))
    problems += newsletter_problems(newsletter) + social_problems(social)
    if problems:
        raise InputError(f"{settings_file}: " + f"\n{settings_file}: ".join(problems))
    business = dict(values.get("LOCAL_BUSINESS") or {})
    name = values.get("SITENAME") or business.get("name") or url
    feeds = dict(values.get("FEEDS") or {})
    feeds_json = feeds.get("json", site.FEED_PATHS["json"])
    return Site(
        settings_file=settings_file,
        root=root,
        name=name,
        url=url,
        timezone=timezone,
        content=_resolve(root, values.get("PATH") or "content"),
        output=_resolve(root, values.get("OUTPUT_PATH") or "output"),
        reports=site.reports_folder(values, settings_file),
        theme=_resolve(root, values.get("THEME") or "themes/mainstreet"),
        business=business,
        segments=dict(values.get("SEGMENTS") or {}),
        feeds_json=feeds_json or "",
        newsletter=newsletter,
        social=social,
    )


def _resolve(root: Path, value: str) -> Path:
    return site.resolve_path(value, root)
