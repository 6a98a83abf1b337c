"""Community events: content/events/*.md are pages with a date, a place and a price.

An event page lives at ``/events/<slug>/`` with the ``event`` template. Its
metadata (besides Title, Slug, Description, Image, Status)::

    Start: 2026-12-05 09:30          required; site timezone
    End: 2026-12-05 13:30            optional; after Start
    Location: depot                  a LOCATIONS slug; empty = the business itself;
                                     any other name is a venue and needs Address
    Address: 1 Town Green, Alder Falls, VT 05701, US
    Price: 95                        0 or "free" for free events; optional
    Price_currency: USD              default LOCAL_BUSINESS['currency']
    Tickets: /contact/               where to book (site path or absolute URL)
    Availability: in stock           in stock, limited, sold out, pre-order
    Capacity: 8
    Performers: Ana Ribeiro          comma-separated people who lead it
    Event_type: EducationEvent       a schema.org Event subtype
    Event_status: scheduled          scheduled, cancelled, postponed, rescheduled
    Archived: yes                    keep the page after the event ended

An event leaves the site (page, index, feeds, sitemap) once it has ended,
judged by the build clock, unless it is Archived. An event whose Date (the
announcement) lies in the future is held back like a future post.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from contract.sources import metadata_line, project_path

from .business import Address, Place, Profile, map_link
from .vocabulary import EVENT_TYPES, suggest

logger = logging.getLogger(__name__)

STATUSES = {
    "scheduled": "EventScheduled",
    "cancelled": "EventCancelled",
    "canceled": "EventCancelled",
    "postponed": "EventPostponed",
    "rescheduled": "EventRescheduled",
}
AVAILABILITY = {
    "in stock": "InStock",
    "available": "InStock",
    "limited": "LimitedAvailability",
    "sold out": "SoldOut",
    "pre-order": "PreOrder",
}
_TRUE = {"1", "true", "yes", "on"}


@dataclass
class Venue:
    """A place elsewhere (a town green, a market hall) named by the event itself."""

    id: str
    name: str
    address: Address

    @property
    def map_url(self) -> str:
        return map_link(self.name, None, self.address)


@dataclass
class EventInfo:
    start: dt.datetime
    end: dt.datetime | None
    place: Place | None  # the business or one of its locations
    venue: Venue | None  # somewhere else
    price: Decimal | None
    currency: str
    tickets: str  # absolute URL
    availability: str  # schema.org ItemAvailability name
    capacity: int | None
    performers: tuple[str, ...]
    type: str
    status: str  # schema.org EventStatusType name
    archived: bool

    @property
    def finishes(self) -> dt.datetime:
        """When the event is over: its End, else the end of its first day."""
        if self.end is not None:
            return self.end
        return dt.datetime.combine(self.start.date() + dt.timedelta(days=1), dt.time(), self.start.tzinfo)

    def has_ended(self, now: dt.datetime) -> bool:
        return self.finishes <= now

    @property
    def free(self) -> bool:
        return self.price is not None and self.price == 0

    @property
    def cancelled(self) -> bool:
        return self.status == "EventCancelled"

    @property
    def where(self) -> Place | Venue | None:
        return self.venue or self.place

    @property
    def price_text(self) -> str:
        if self.price is None:
            return ""
        if self.free:
            return "Free"
        amount = f"{self.price:,.2f}".removesuffix(".00")
        symbol = {"USD": "$", "CAD": "$", "AUD": "$", "EUR": "€", "GBP": "£"}.get(self.currency)
        return f"{symbol}{amount}" if symbol else f"{amount} {self.currency}"


def is_event(page, folder: str) -> bool:
    folder = os.path.abspath(folder)
    return os.path.commonpath([os.path.abspath(page.source_path), folder]) == folder


def _parse_moment(value, tz) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value).strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _parse_address(text: str) -> Address | None:
    """'1 Town Green, Alder Falls, VT 05701, US' -> Address (street and town at least)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) < 2:
        return None
    region = postal = country = ""
    if len(parts) >= 3:
        head, _, tail = parts[2].rpartition(" ")
        if head and any(c.isdigit() for c in tail):
            region, postal = head, tail
        elif any(c.isdigit() for c in parts[2]):
            postal = parts[2]
        else:
            region = parts[2]
    if len(parts) >= 4:
        country = parts[3]
    return Address(parts[0], parts[1], region, postal, country)


def read_event(page, settings, profile: Profile | None, base: str) -> EventInfo | None:
    """The EventInfo of an event page; logs ``file:line: problem; fix`` and returns None when wrong."""
    meta = page.metadata
    source = page.source_path
    where = project_path(source, settings)
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    problems: list[tuple[str, str]] = []

    def problem(key: str, message: str) -> None:
        problems.append((key, message))

    start = end = None
    if not meta.get("start"):
        problem("title", "an event needs a Start; add a line 'Start: 2026-12-05 09:30'")
    else:
        try:
            start = _parse_moment(meta["start"], tz)
        except ValueError:
            problem("start", f"Start {meta['start']!r} is not a date and time; write 'Start: 2026-12-05 09:30'")
    if meta.get("end"):
        try:
            end = _parse_moment(meta["end"], tz)
        except ValueError:
            problem("end", f"End {meta['end']!r} is not a date and time; write 'End: 2026-12-05 13:30'")
        if start and end and end <= start:
            problem("end", f"End {meta['end']!r} is not after Start {meta['start']!r}; an event ends after it starts")

    place = venue = None
    location = str(meta.get("location", "")).strip()
    if profile is None:
        if not location:
            problem("location", "no LOCAL_BUSINESS profile to hold the event at; add a Location and an Address")
    elif location in ("", "business"):
        place = profile.business
    else:
        place = profile.place(location)
    if location and location != "business" and place is None:
        address = _parse_address(str(meta.get("address", "")))
        if address is None:
            slugs = ", ".join(["business", *(p.slug for p in profile.locations)]) if profile else "none"
            problem(
                "location",
                f"unknown Location {location!r}; use a location slug ({slugs}) or, for a venue elsewhere, add "
                "'Address: 1 Town Green, Alder Falls, VT 05701, US'",
            )
        else:
            venue = Venue(f"{base}/{page.url}#venue", location, address)

    price = None
    raw_price = str(meta.get("price", "")).strip()
    if raw_price:
        try:
            price = Decimal(0) if raw_price.lower() == "free" else Decimal(raw_price.lstrip("$€£").replace(",", ""))
            if price < 0:
                raise InvalidOperation
        except InvalidOperation:
            problem("price", f"Price {raw_price!r} is not an amount; write e.g. 'Price: 95' or 'Price: free'")
    currency = str(meta.get("price_currency", "")).strip() or (profile.business.currency if profile else "")
    if price and not currency:
        problem("price", "a Price needs a currency; add 'Price_currency: USD' or LOCAL_BUSINESS['currency']")

    availability = str(meta.get("availability", "in stock")).strip().lower()
    if availability not in AVAILABILITY:
        problem("availability", f"Availability {availability!r} is unknown; use one of: {', '.join(AVAILABILITY)}")
    status = str(meta.get("event_status", "scheduled")).strip().lower()
    if status not in STATUSES:
        problem("event_status", f"Event_status {status!r} is unknown; use one of: scheduled, cancelled, postponed, "
                                "rescheduled")
    event_type = str(meta.get("event_type", "Event")).strip()
    if event_type not in EVENT_TYPES:
        hint = suggest(event_type, EVENT_TYPES) or "; use Event or a schema.org subtype such as EducationEvent, FoodEvent"
        problem("event_type", f"Event_type {event_type!r} is not a schema.org Event type{hint}")
    capacity = None
    if meta.get("capacity"):
        try:
            capacity = int(str(meta["capacity"]))
            if capacity <= 0:
                raise ValueError
        except ValueError:
            problem("capacity", f"Capacity {meta['capacity']!r} is not a positive whole number; write e.g. 'Capacity: 8'")

    tickets = str(meta.get("tickets", "")).strip()
    if tickets and not tickets.startswith(("http://", "https://")):
        tickets = f"{base}/{tickets.lstrip('/')}"

    for key, message in problems:
        logger.error("%s:%d: %s", where, metadata_line(source, key), message)
    if problems:
        return None
    performers = tuple(p.strip() for p in str(meta.get("performers", "")).split(",") if p.strip())
    return EventInfo(
        start=start,
        end=end,
        place=place,
        venue=venue,
        price=price,
        currency=currency,
        tickets=tickets or f"{base}/{page.url}",
        availability=AVAILABILITY[availability],
        capacity=capacity,
        performers=performers,
        type=event_type,
        status=STATUSES[status],
        archived=str(meta.get("archived", "")).strip().lower() in _TRUE,
    )
