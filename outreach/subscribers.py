"""The subscriber list: a CSV that never enters git or output/.

Header (any order, extra columns ignored)::

    email,name,segments,consent,consent_date,joined,unsubscribed

and optionally ``first_name``, the name a greeting uses ("Hi John,"); without it the
greeting takes the first word of ``name``, or of what follows the comma of a name
written "Smith, John". ``segments`` are keys of SEGMENTS separated by ``;`` (empty:
general news only; ``all``: every segment),
``consent`` is ``yes`` or ``no``, dates are ISO (``2026-03-01``), ``unsubscribed``
is empty or the ISO date of the unsubscription. A bad row is skipped with its
line number and the reason; it never stops the run and never gets mail.

Ledgers (committed to git) must not hold addresses: a subscriber is known there
by ``subscriber_key``, a keyed hash (HMAC-SHA256) of the normalised address.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

COLUMNS = ("email", "name", "segments", "consent", "consent_date", "joined", "unsubscribed")
OPTIONAL_COLUMNS = ("first_name",)
#: A subscriber's segment that means every key of SEGMENTS (as ``Segment: all`` in the calendar).
ALL_SEGMENTS = "all"
# Name suffixes that follow a comma without being a first name: "John Smith, Jr.".
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "dds", "cpa"}
# Punctuation a greeting must not carry over from a name cell ("Cher," -> "Cher").
_EDGE_PUNCTUATION = " ,;:"
DEFAULT_PATH = "private/subscribers.csv"
ENV_PATH = "MAINSTREET_SUBSCRIBERS"
ENV_KEY = "MAINSTREET_LEDGER_KEY"
# Used when MAINSTREET_LEDGER_KEY is unset; set your own secret to keep ledgers unguessable.
DEFAULT_KEY = "mainstreet-ledger-v1"

# A practical address check (RFC 5321 sizes, one @, a dotted domain, no spaces or quotes).
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


@dataclass
class Subscriber:
    line: int
    email: str
    name: str
    segments: tuple[str, ...]
    consent: bool
    consent_date: dt.date | None
    joined: dt.date
    unsubscribed: dt.date | None
    key: str = ""
    first_name: str = ""

    @property
    def greeting_name(self) -> str:
        """The name a greeting uses: ``first_name``, else the first name in ``name``; "" when there is none."""
        first = _printable(self.first_name).strip(_EDGE_PUNCTUATION)
        if first:
            return first
        name = _printable(self.name)
        before, comma, after = name.partition(",")
        if comma and after.strip(_EDGE_PUNCTUATION + ".").lower() not in _SUFFIXES | {""}:
            name = after  # "Smith, John": the first name follows the comma
        else:
            name = before or after
        words = name.replace(",", " ").split()
        return words[0].strip(_EDGE_PUNCTUATION) if words else ""

    @property
    def display_name(self) -> str:
        """The name as a header can hold it: a line break (a quoted CSV cell) or other control character is a space."""
        if self.name.isprintable():
            return self.name
        return _printable(self.name)

    @property
    def display(self) -> str:
        from email.utils import formataddr

        return formataddr((self.display_name, self.email)) if self.display_name else self.email

    def may_receive(self, on: dt.date) -> bool:
        """Consented on or before ``on``, joined by then, not unsubscribed."""
        return (
            self.consent
            and self.unsubscribed is None
            and self.consent_date is not None
            and self.consent_date <= on
            and self.joined <= on
        )

    @property
    def edition(self) -> str:
        """The edition of the newsletter this subscriber reads: 'families', 'families+offices', 'general'."""
        return "+".join(self.segments) or "general"


@dataclass
class SkippedRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class SubscriberList:
    path: Path
    subscribers: list[Subscriber] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)


def _printable(text: str) -> str:
    """``text`` on one line: a line break or other control character is a space, runs of spaces one."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def subscribers_path(option: str | None, root: Path) -> Path:
    value = option or os.environ.get(ENV_PATH) or DEFAULT_PATH
    path = Path(value)
    return path if path.is_absolute() else root / path


def ledger_secret() -> bytes:
    return (os.environ.get(ENV_KEY) or DEFAULT_KEY).encode("utf-8")


def subscriber_key(email: str, secret: bytes | None = None) -> str:
    """Stable pseudonymous id of an address (what ledgers store instead of it)."""
    secret = ledger_secret() if secret is None else secret
    return hmac.new(secret, normalise(email).encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def key_check(secret: bytes | None = None) -> str:
    """A fingerprint of the ledger key, stored once per ledger to catch a changed key."""
    secret = ledger_secret() if secret is None else secret
    return hmac.new(secret, b"mainstreet-ledger-check", hashlib.sha256).hexdigest()[:16]


def normalise(email: str) -> str:
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def _date(value: str, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise ValueError(f"{column} {value!r} is not an ISO date; write it as YYYY-MM-DD") from None


def read_subscribers(path: Path, segments: dict) -> SubscriberList:
    """Read and check the CSV; InputError only when the file itself is unusable."""
    if not path.is_file():
        raise InputError(
            f"{path}: no subscriber list; create it with the header {','.join(COLUMNS)} "
            f"or point {ENV_PATH} at it"
        )
    result = SubscriberList(path)
    secret = ledger_secret()
    seen: dict[str, int] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise InputError(
                    f"{path}:1: the header lacks {', '.join(missing)}; expected the columns {','.join(COLUMNS)}"
                )
            reader.fieldnames = header
            for row in reader:
                line = reader.line_num
                try:
                    subscriber = _subscriber(row, line, segments)
                except ValueError as exc:
                    result.skipped.append(SkippedRow(line, str(exc)))
                    continue
                address = normalise(subscriber.email).lower()
                if address in seen:
                    result.skipped.append(SkippedRow(line, f"the same address as line {seen[address]}; keep one row"))
                    continue
                seen[address] = line
                subscriber.key = subscriber_key(subscriber.email, secret)
                result.subscribers.append(subscriber)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason}); save the CSV as UTF-8") from None
    except csv.Error as exc:
        raise InputError(f"{path}: unreadable CSV ({exc})") from None
    return result


def _subscriber(row: dict, line: int, segments: dict) -> Subscriber:
    if None in row:
        raise ValueError("more cells than columns; quote values that contain commas")
    cell = {k: (row.get(k) or "").strip() for k in (*COLUMNS, *OPTIONAL_COLUMNS)}
    email = cell["email"]
    if not email:
        raise ValueError("no email address")
    if not _ADDRESS.match(email):
        raise ValueError(f"invalid email address {email!r}")
    keys = tuple(sorted({s.strip().lower() for s in cell["segments"].split(";") if s.strip()}))
    if ALL_SEGMENTS in keys:
        keys = tuple(sorted(segments))
    unknown = [k for k in keys if k not in segments]
    if unknown:
        raise ValueError(
            f"unknown segment {', '.join(map(repr, unknown))}; expected keys of SEGMENTS "
            f"({', '.join(segments) or 'none'}) or {ALL_SEGMENTS}"
        )
    consent = cell["consent"].lower()
    if not consent:
        raise ValueError("missing consent; write yes or no")
    if consent not in ("yes", "no"):
        raise ValueError(f"consent {cell['consent']!r}; write yes or no")
    consent_date = _date(cell["consent_date"], "consent_date") if cell["consent_date"] else None
    if consent == "yes" and consent_date is None:
        raise ValueError("consent is yes but consent_date is empty; record when the person agreed (YYYY-MM-DD)")
    if not cell["joined"]:
        raise ValueError("missing joined date; write it as YYYY-MM-DD")
    joined = _date(cell["joined"], "joined")
    unsubscribed = _date(cell["unsubscribed"], "unsubscribed") if cell["unsubscribed"] else None
    return Subscriber(line, email, cell["name"], keys, consent == "yes", consent_date, joined, unsubscribed,
                      first_name=cell["first_name"])
