"""The social schedule: one post per platform per published item, in weekly time slots.

From the feed's items and the calendar's channels (through the manifest), each
post that names a platform in its Channels gets one text for that platform,
within the platform's limit (X counts every link as 23 characters), with
hashtags from its tags and a link carrying UTM parameters
(utm_source=<platform>, utm_medium=social, utm_campaign=<slug>). It goes into the
first free slot of that platform on or after the later of the post's date and
now (plus ``lead_minutes``). Evergreen posts fill slots left empty in the next
``evergreen_days``, each at most once per ``evergreen_weeks`` on a platform.

Every scheduled post is appended to state/social.jsonl (with its text), so a
post is never scheduled twice on a platform and a re-run changes nothing. The
exports in reports/social/ hold the latest batch (or, with ``--upcoming``,
everything still ahead): Hootsuite and Buffer CSVs per platform, schedule.ics
and index.html.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from contract.files import atomic_write
from contract.spreadsheet import safe_row

from .ledger import Ledger, invalid_record
from .posts import Post, read_posts
from .settings import PLATFORMS, Site, parse_slot
from .utm import with_utm

LEDGER_NAME = "social.jsonl"
HOOTSUITE_MAX_ROWS = 350
HOOTSUITE_COLUMNS = ("date", "message", "link")  # no header row
BUFFER_COLUMNS = ("Text", "Image URL", "Tags", "Posting Time")
SLOT_MINUTES = 15  # the length of a calendar event in schedule.ics
SEARCH_DAYS = 366
# The keys every scheduled record in the ledger holds (as _record writes them), each a string.
SCHEDULED_KEYS = ("post", "platform", "at", "kind", "batch", "slug", "title", "text", "message", "link")

# --- X's weighted length (twitter-text v3 configuration) ----------------------------

X_URL_LENGTH = 23
# Code points in these ranges weigh 1; every other code point weighs 2.
X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_URL = re.compile(
    r"https?://[^\s<>\"]+|\b(?:[a-z0-9-]+\.)+(?:com|org|net|edu|gov|io|co|us|uk|ca|de|fr|info|biz|me)(?:/[^\s<>\"]*)?\b",
    re.I,
)


def _weight(char: str) -> int:
    code = ord(char)
    return 1 if any(low <= code <= high for low, high in X_LIGHT_RANGES) else 2


def x_length(text: str) -> int:
    """The length X counts for ``text``: NFC, each URL 23, CJK and emoji code points 2.

    Emoji sequences joined with ZWJ or variation selectors count a little more
    here than on X (each part counts), which errs on the safe side.
    """
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for match in _URL.finditer(text):
        total += sum(_weight(c) for c in text[position : match.start()]) + X_URL_LENGTH
        position = match.end()
    return total + sum(_weight(c) for c in text[position:])


def text_length(text: str, platform: str) -> int:
    return x_length(text) if platform == "x" else len(text)


# --- composing the text ----------------------------------------------------------


class RefusedError(Exception):
    """A post that cannot be exported to a platform, and why."""


def hashtag(tag: str) -> str | None:
    words = re.findall(r"[^\W_]+", tag)
    if not words or all(w.isdigit() for w in words):
        return None
    return "#" + "".join(w[:1].upper() + w[1:] for w in words)


def hashtags(tags: list[str], limit: int) -> list[str]:
    result = []
    for tag in tags:
        tagged = hashtag(tag)
        if tagged and tagged.lower() not in {t.lower() for t in result}:
            result.append(tagged)
    return result[:limit]


def _cut(text: str, room: int, platform: str) -> str:
    """``text`` shortened at a word boundary so it measures at most ``room``, with '...'."""
    if text_length(text, platform) <= room:
        return text
    words = text.split()
    while words and text_length(" ".join(words) + "...", platform) > room:
        words.pop()
    return (" ".join(words).rstrip(",;:.") + "...") if words else ""


@dataclass
class Composition:
    message: str  # without the link (Hootsuite adds its Link column)
    text: str  # the full post: message and link
    link: str
    image: str | None
    tags: list[str]


def compose(post: Post, platform: str) -> Composition:
    """The post's text for ``platform``, within its limit; RefusedError when impossible."""
    spec = PLATFORMS[platform]
    limit = spec["limit"]
    link = with_utm(post.url, {"utm_source": platform, "utm_medium": "social", "utm_campaign": post.slug})
    if platform == "instagram" and not post.image:
        raise RefusedError("Instagram needs an image; add Image: to the post")
    tags = hashtags(post.tags, spec["hashtags"])
    separator = " " if platform == "x" else "\n\n"
    title, summary = " ".join(post.title.split()), " ".join(post.summary.split())
    attempts = (
        [(title, tags), (title, tags[:1]), (title, [])]
        if platform == "x"
        else [(f"{title}\n\n{summary}" if summary else title, tags), (title, tags), (title, [])]
    )
    for body, chosen in attempts:
        message = separator.join(x for x in (body, " ".join(chosen)) if x)
        text = f"{message}{separator}{link}"
        if text_length(text, platform) <= limit:
            return Composition(message, text, link, post.image, chosen)
    # Even the bare title does not fit: shorten it.
    room = limit - text_length(f"{separator}{link}", platform)
    short = _cut(title, room, platform)
    if not short:
        raise RefusedError(f"no room for a title within {limit} characters")
    return Composition(short, f"{short}{separator}{link}", link, post.image, [])


def check_row(row: dict, now: dt.datetime) -> str | None:
    """Why ``row`` (a ledger record) must not be exported, or None."""
    platform = row["platform"]
    at = dt.datetime.fromisoformat(row["at"])
    if at <= now:
        return f"its time {at:%Y-%m-%d %H:%M} is in the past"
    length, limit = text_length(row["text"], platform), PLATFORMS[platform]["limit"]
    if length > limit:
        return f"its text is {length} characters, over {PLATFORMS[platform]['label']}'s {limit}"
    if platform == "instagram" and not row.get("image"):
        return "Instagram needs an image"
    return None


# --- slots -----------------------------------------------------------------------------


def slots_from(conf: dict, platform: str, start: dt.datetime, tz, days: int = SEARCH_DAYS):
    """The platform's slots at or after ``start``, in order, for ``days`` days."""
    weekly = sorted(parse_slot(s) for s in conf["slots"].get(platform, []))
    if not weekly:
        return
    local = start.astimezone(tz)
    for offset in range(days + 1):
        day = local.date() + dt.timedelta(days=offset)
        for weekday, hour, minute in weekly:
            if weekday != day.weekday():
                continue
            moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
            if moment >= start:
                yield moment


@dataclass
class Result:
    batch: str
    new: list[dict] = field(default_factory=list)
    exported: dict[str, list[dict]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


class Scheduler:
    def __init__(self, site: Site, *, now: dt.datetime, manifest: Path, state_dir: Path, reports_dir: Path, output=None):
        self.site = site
        self.conf = site.social
        self.now = now
        self.posts = read_posts(site, manifest, output)
        self.ledger_path = state_dir / LEDGER_NAME
        self.reports = reports_dir

    def platforms_for(self, post: Post) -> list[str]:
        chosen = [c for c in post.channels if c in PLATFORMS] or (
            [] if post.channels else list(self.conf["default_platforms"])
        )
        return [p for p in chosen if p in self.conf["slots"]]

    def run(self, upcoming: bool = False) -> Result:
        batch = self.now.isoformat(timespec="minutes")
        result = Result(batch)
        with Ledger(self.ledger_path) as ledger:
            self._check_records(ledger)
            rows = [r for r in ledger.records if r.get("type") == "scheduled"]
            taken = {(r["platform"], r["at"]) for r in rows}
            announced = {(r["post"], r["platform"]) for r in rows if r["kind"] == "new"}
            start = self.now + dt.timedelta(minutes=self.conf["lead_minutes"])
            oldest = self.now - dt.timedelta(days=self.conf["lookback_days"])
            for post in sorted(self.posts, key=lambda p: (p.published, p.id)):
                if post.published < oldest or post.published > self.now:
                    continue
                for platform in self.platforms_for(post):
                    if (post.id, platform) in announced:
                        continue
                    try:
                        composition = compose(post, platform)
                    except RefusedError as exc:
                        result.refused.append(f"{post.url} on {PLATFORMS[platform]['label']}: {exc}")
                        continue
                    slot = next(
                        (s for s in slots_from(self.conf, platform, max(post.published, start), self.site.timezone)
                         if (platform, s.isoformat()) not in taken),
                        None,
                    )
                    if slot is None:
                        result.refused.append(f"{post.url} on {platform}: no free slot within a year")
                        continue
                    record = self._record(post, platform, slot, "new", batch, composition)
                    ledger.append(record)
                    taken.add((platform, record["at"]))
                    announced.add((post.id, platform))
                    result.new.append(record)
            result.new += self._fill_with_evergreen(ledger, taken, start, batch, result)
            rows = [r for r in ledger.records if r.get("type") == "scheduled"]
        latest = max((r["batch"] for r in rows), default=None)
        chosen = [r for r in rows if (upcoming and dt.datetime.fromisoformat(r["at"]) > self.now) or
                  (not upcoming and r["batch"] == latest)]
        exported = []
        for row in sorted(chosen, key=lambda r: (r["at"], r["platform"], r["post"])):
            reason = check_row(row, self.now)
            if reason:
                result.refused.append(f"{row['link'].split('?')[0]} on {PLATFORMS[row['platform']]['label']} at {row['at']}: not exported, {reason}")
            else:
                exported.append(row)
        for row in exported:
            result.exported.setdefault(row["platform"], []).append(row)
        self.write_exports(result)
        return result

    @staticmethod
    def _check_records(ledger: Ledger) -> None:
        """InputError, with its line, for a scheduled record of the wrong shape (hand-edited, a bad merge)."""
        for line, record in zip(ledger.lines, ledger.records, strict=True):
            if record.get("type") != "scheduled":
                continue
            missing = [k for k in SCHEDULED_KEYS if not isinstance(record.get(k), str)]
            if missing:
                raise invalid_record(ledger.path, line, f"a scheduled record without {', '.join(map(repr, missing))}")
            if record["platform"] not in PLATFORMS:
                raise invalid_record(ledger.path, line, f"platform {record['platform']!r}; expected one of {', '.join(PLATFORMS)}")
            try:
                aware = dt.datetime.fromisoformat(record["at"]).tzinfo is not None
            except ValueError:
                aware = False
            if not aware:
                raise invalid_record(ledger.path, line, f"'at' {record['at'][:40]!r} is not an ISO date-time with its offset")

    def _fill_with_evergreen(self, ledger, taken, start, batch, result) -> list[dict]:
        evergreen = [p for p in self.posts if p.evergreen and p.published <= self.now]
        if not evergreen:
            return []
        spacing = dt.timedelta(weeks=self.conf["evergreen_weeks"])
        horizon = self.now + dt.timedelta(days=self.conf["evergreen_days"])
        history: dict[tuple[str, str], list[dt.datetime]] = {}
        for row in ledger.records:
            if row.get("type") == "scheduled":
                history.setdefault((row["post"], row["platform"]), []).append(dt.datetime.fromisoformat(row["at"]))
        added = []
        for platform in self.conf["slots"]:
            candidates = [p for p in evergreen if platform in self.platforms_for(p)]
            if not candidates:
                continue
            for slot in slots_from(self.conf, platform, start, self.site.timezone, days=self.conf["evergreen_days"]):
                if slot > horizon or (platform, slot.isoformat()) in taken:
                    continue
                fits = [
                    p for p in candidates
                    if all(abs(slot - when) >= spacing for when in history.get((p.id, platform), []))
                ]
                if not fits:
                    continue
                # The one shared longest ago (never = first), then the oldest post.
                fits.sort(key=lambda p: (max(history.get((p.id, platform), []), default=dt.datetime.min.replace(tzinfo=dt.UTC)), p.published, p.id))
                post = fits[0]
                try:
                    composition = compose(post, platform)
                except RefusedError as exc:
                    result.refused.append(f"{post.url} on {PLATFORMS[platform]['label']}: {exc}")
                    candidates.remove(post)
                    continue
                record = self._record(post, platform, slot, "evergreen", batch, composition)
                ledger.append(record)
                taken.add((platform, record["at"]))
                history.setdefault((post.id, platform), []).append(slot)
                added.append(record)
        return added

    @staticmethod
    def _record(post: Post, platform: str, slot: dt.datetime, kind: str, batch: str, c: Composition) -> dict:
        return {
            "type": "scheduled", "post": post.id, "platform": platform, "at": slot.isoformat(), "kind": kind,
            "batch": batch, "slug": post.slug, "title": post.title, "text": c.text, "message": c.message,
            "link": c.link, "image": c.image, "tags": c.tags,
        }

    # --- exports -----------------------------------------------------------------

    def write_exports(self, result: Result) -> None:
        self.reports.mkdir(parents=True, exist_ok=True)
        for old in self.reports.glob("*.csv"):
            old.unlink()  # platforms without rows this time must not keep stale files
        tz = self.site.timezone
        for platform, rows in result.exported.items():
            for part, start in enumerate(range(0, len(rows), HOOTSUITE_MAX_ROWS), start=1):
                name = f"hootsuite-{platform}.csv" if part == 1 else f"hootsuite-{platform}-{part}.csv"
                _write(self.reports / name, hootsuite_csv(rows[start : start + HOOTSUITE_MAX_ROWS], tz, self.conf))
            _write(self.reports / f"buffer-{platform}.csv", buffer_csv(rows, tz, self.conf))
        all_rows = [r for rows in result.exported.values() for r in rows]
        _write(self.reports / "schedule.ics", schedule_ics(all_rows, self.site, self.now))
        _write(self.reports / "index.html", preview_html(result, self.site).encode("utf-8"))


def _csv_bytes(rows: list[list[str]], header: tuple[str, ...] | None) -> bytes:
    """The rows as CSV; a cell a spreadsheet would run as a formula (``=``, ``+``, ...) starts with ``'``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(safe_row(row) for row in rows)
    return buffer.getvalue().encode("utf-8")


def hootsuite_csv(rows: list[dict], tz, conf: dict) -> bytes:
    """Hootsuite bulk composer: no header; date/time, message, link (it appends the link)."""
    fmt = conf["hootsuite_date_format"]
    return _csv_bytes(
        [[dt.datetime.fromisoformat(r["at"]).astimezone(tz).strftime(fmt), r["message"], r["link"]] for r in rows], None
    )


def buffer_csv(rows: list[dict], tz, conf: dict) -> bytes:
    """Buffer bulk upload: Text, Image URL, Tags, Posting Time."""
    fmt = conf["buffer_date_format"]
    return _csv_bytes(
        [
            [r["text"], r.get("image") or "", ",".join([r["slug"]] + (["evergreen"] if r["kind"] == "evergreen" else [])),
             dt.datetime.fromisoformat(r["at"]).astimezone(tz).strftime(fmt)]
            for r in rows
        ],
        BUFFER_COLUMNS,
    )


def schedule_ics(rows: list[dict], site: Site, now: dt.datetime) -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//Mainstreet//Social schedule//{site.name}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{site.name}: social schedule")
    for row in rows:
        start = dt.datetime.fromisoformat(row["at"]).astimezone(site.timezone)
        event = Event()
        uid = hashlib.sha256(f"{row['post']}|{row['platform']}|{row['at']}".encode()).hexdigest()[:32]
        event.add("uid", f"{uid}@{site.domain}")
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=SLOT_MINUTES))
        event.add("summary", f"{PLATFORMS[row['platform']]['label']}: {row['title']}")
        event.add("description", row["text"])
        event.add("url", row["link"])
        event.add("categories", [row["platform"], row["kind"]])
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def preview_html(result: Result, site: Site) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Social schedule · {esc(site.name)}</title>",
        "<style>body{font:15px/1.5 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ddd;padding:.4em;vertical-align:top;text-align:left}pre{white-space:pre-wrap;margin:0;font:inherit}"
        ".refused{color:#a00}img{max-width:120px}</style></head><body>",
        f"<h1>Social schedule</h1><p>Batch {esc(result.batch)}; times in {esc(str(site.timezone))}.</p>",
    ]
    if result.refused:
        parts.append("<h2 class='refused'>Refused</h2><ul class='refused'>")
        parts += [f"<li>{esc(r)}</li>" for r in result.refused]
        parts.append("</ul>")
    for platform, rows in sorted(result.exported.items()):
        limit = PLATFORMS[platform]["limit"]
        parts.append(f"<h2>{esc(PLATFORMS[platform]['label'])} ({len(rows)})</h2><table>"
                     "<tr><th>When</th><th>Text</th><th>Length</th><th>Image</th><th>Kind</th></tr>")
        for row in rows:
            when = dt.datetime.fromisoformat(row["at"]).astimezone(site.timezone).strftime("%a %Y-%m-%d %H:%M")
            image = f"<img src='{esc(row['image'])}' alt=''>" if row.get("image") else ""
            parts.append(
                f"<tr><td>{esc(when)}</td><td><pre>{esc(row['text'])}</pre></td>"
                f"<td>{text_length(row['text'], platform)}/{limit}</td><td>{image}</td><td>{esc(row['kind'])}</td></tr>"
            )
        parts.append("</table>")
    if not result.exported:
        parts.append("<p>Nothing to export.</p>")
    parts.append("</body></html>\n")
    return "".join(parts)


def _write(path: Path, data: bytes) -> None:
    atomic_write(path, data, mode=None)
