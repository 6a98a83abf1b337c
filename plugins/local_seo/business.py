"""The business profile: LOCAL_BUSINESS and LOCATIONS, checked once and normalised.

``read_profile(settings)`` returns a ``Profile`` (the business and its locations
as ``Place`` objects) and a list of problems. Every problem names the setting's
path, the bad value and the fix, for example::

    LOCAL_BUSINESS['opening_hours']['monday'][1]: closes '09:00' before it opens '17:00'; write ["09:00", "17:00"]

Templates render the visible details (address, phone, hours) and graph.py the
structured data from the same ``Place`` objects, so the two cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from .vocabulary import LOCAL_BUSINESS_TYPES, suggest

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

BUSINESS_KEYS = {
    "type", "name", "legal_name", "url", "logo", "image", "description", "telephone", "email",
    "address", "geo", "opening_hours", "special_hours", "price_range", "payment_accepted",
    "currency", "area_served", "same_as", "amenities", "founding_date", "map_url",
}
LOCATION_KEYS = {
    "slug", "main", "type", "name", "description", "telephone", "email", "address", "geo", "opening_hours",
    "special_hours", "price_range", "payment_accepted", "currency", "area_served", "same_as",
    "amenities", "image", "map_url",
}
# What a location takes from LOCAL_BUSINESS when it does not say otherwise.
INHERITED = (
    "type", "telephone", "email", "special_hours", "price_range", "payment_accepted",
    "currency", "area_served",
)
# What the main shop (a location with "main": True: the business's own address)
# also takes from LOCAL_BUSINESS, so its name, address and phone are written once.
# {Place field: LOCAL_BUSINESS key}
MAIN_INHERITED = {"name": "name", "address": "address", "geo": "geo", "hours": "opening_hours",
                  "amenities": "amenities"}
ADDRESS_KEYS = ("street", "locality", "region", "postal_code", "country")
SPECIAL_KEYS = {"date", "through", "hours", "label"}

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
_PHONE = re.compile(r"^\+\d[\d\s().-]*\d$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class TimeRange(NamedTuple):
    opens: str  # "07:00"
    closes: str  # "18:00"; "24:00" is midnight at the end of the day

    @property
    def schema_closes(self) -> str:
        """schema.org and Google write the end of the day as 23:59."""
        return "23:59" if self.closes == "24:00" else self.closes


@dataclass(frozen=True)
class SpecialHours:
    """Hours that replace the weekly ones from ``start`` through ``end`` (holidays)."""

    start: dt.date
    end: dt.date
    ranges: tuple[TimeRange, ...]
    label: str = ""

    @property
    def closed(self) -> bool:
        return not self.ranges


@dataclass(frozen=True)
class Address:
    street: str
    locality: str
    region: str = ""
    postal_code: str = ""
    country: str = ""

    @property
    def one_line(self) -> str:
        tail = " ".join(p for p in (self.region, self.postal_code) if p)
        return ", ".join(p for p in (self.street, self.locality, tail) if p)


@dataclass(frozen=True)
class Geo:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class AreaCircle:
    """Served within ``radius_m`` metres of a point (a schema.org GeoCircle)."""

    latitude: float
    longitude: float
    radius_m: float
    label: str


@dataclass
class Place:
    """The business itself, or one of its LOCATIONS, ready for templates and JSON-LD."""

    setting: str  # "LOCAL_BUSINESS" or "LOCATIONS[1]", for messages
    id: str  # the JSON-LD @id
    type: str
    name: str
    url: str  # absolute public URL of the page about this place
    path: str  # the same page's site-relative URL ("" for the home page)
    telephone: str = ""
    email: str = ""
    address: Address | None = None
    geo: Geo | None = None
    hours: dict[str, tuple[TimeRange, ...]] = field(default_factory=dict)
    special_hours: tuple[SpecialHours, ...] = ()
    description: str = ""
    images: tuple[str, ...] = ()  # paths relative to the site root
    price_range: str = ""
    payment_accepted: tuple[str, ...] = ()
    currency: str = ""
    area_served: tuple[str | AreaCircle, ...] = ()
    same_as: tuple[str, ...] = ()
    amenities: tuple[str, ...] = ()
    map_url: str = ""
    slug: str = ""
    is_location: bool = False
    # LOCAL_BUSINESS only
    legal_name: str = ""
    logo: str = ""  # path relative to the site root, or an absolute URL
    founding_date: str = ""

    @property
    def has_hours(self) -> bool:
        return bool(self.hours)

    def hours_of(self, day: str) -> tuple[TimeRange, ...]:
        return self.hours.get(day, ())

    def upcoming_special_hours(self, today: dt.date) -> list[SpecialHours]:
        """Holiday hours that have not passed yet on ``today``, soonest first."""
        return sorted((s for s in self.special_hours if s.end >= today), key=lambda s: s.start)


@dataclass
class Profile:
    business: Place
    locations: list[Place]

    def place(self, key: str) -> Place | None:
        """The location with slug ``key``, or None."""
        return next((p for p in self.locations if p.slug == key), None)

    @property
    def places(self) -> list[Place]:
        return [self.business, *self.locations]


class _Checker:
    """Collects problems while it normalises one settings value after another."""

    def __init__(self, settings):
        self.settings = settings
        self.problems: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    # --- scalars ------------------------------------------------------------

    def text(self, data: dict, key: str, path: str, required: bool = False) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.error(f"{path}[{key!r}]", f"missing; add {key!r} to {path}")
            return ""
        if not isinstance(value, str):
            self.error(f"{path}[{key!r}]", f"{value!r} is not text; write it in quotes")
            return ""
        return value.strip()

    def texts(self, data: dict, key: str, path: str) -> tuple[str, ...]:
        value = data.get(key)
        if value in (None, "", []):
            return ()
        if isinstance(value, str):
            return (value.strip(),)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
            self.error(f"{path}[{key!r}]", f"{value!r} is not a list of text; write e.g. ['Cash', 'Credit Card']")
            return ()
        return tuple(v.strip() for v in value)

    def telephone(self, data: dict, path: str, required: bool) -> str:
        number = self.text(data, "telephone", path, required)
        if number and not (_PHONE.match(number) and 8 <= len(re.sub(r"\D", "", number)) <= 15):
            self.error(
                f"{path}['telephone']",
                f"{number!r} is not in international format; start with + and the country code, "
                "e.g. '+1-802-555-0142'",
            )
            return ""
        return number

    def email(self, data: dict, path: str) -> str:
        email = self.text(data, "email", path)
        if email and not _EMAIL.match(email):
            self.error(f"{path}['email']", f"{email!r} is not an email address; write e.g. 'hello@example.com'")
            return ""
        return email

    def absolute_url(self, value, path: str) -> str:
        parts = urlsplit(value) if isinstance(value, str) else None
        if not parts or parts.scheme not in ("http", "https") or not parts.netloc:
            self.error(
                path,
                f"{value!r} is not an absolute URL; write the full address, e.g. "
                "'https://www.instagram.com/yourbusiness'",
            )
            return ""
        return value

    def file(self, value: str, path: str) -> str:
        """A site-relative path that must exist in content/ or in the theme's static folder."""
        if value.startswith(("http://", "https://")):
            return value
        rel = value.replace("{static}", "").lstrip("/")
        theme_dir = self.settings.get("THEME_STATIC_DIR", "theme")
        if rel.startswith(theme_dir + "/"):
            source = os.path.join(self.settings.get("THEME", ""), "static", rel[len(theme_dir) + 1 :])
            where = "the theme's static/ folder"
        else:
            source = os.path.join(self.settings.get("PATH", "content"), rel)
            where = "content/"
        if not os.path.isfile(source):
            self.error(path, f"file {rel!r} not found in {where}; check the path (e.g. 'images/storefront.jpg')")
        return rel

    # --- structures ---------------------------------------------------------

    def unknown_keys(self, data: dict, allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else "use one of: " + ", ".join(sorted(allowed))
                self.error(f"{path}[{key!r}]", f"unknown key; {hint}")

    def schema_type(self, data: dict, path: str) -> str:
        value = self.text(data, "type", path, required=True)
        if value and value not in LOCAL_BUSINESS_TYPES:
            hint = suggest(value, LOCAL_BUSINESS_TYPES) or (
                "; use LocalBusiness or a schema.org subtype of it, e.g. Bakery, Plumber, Dentist"
            )
            self.error(f"{path}['type']", f"{value!r} is not a schema.org LocalBusiness type{hint}")
            return "LocalBusiness"
        return value

    def address(self, data: dict, path: str, required: bool) -> Address | None:
        value = data.get("address")
        if value is None:
            if required:
                self.error(f"{path}['address']", "missing; add {'street': ..., 'locality': ..., 'region': ..., "
                           "'postal_code': ..., 'country': 'US'}")
            return None
        here = f"{path}['address']"
        if not isinstance(value, dict):
            self.error(here, f"{value!r} is not a dict; write {{'street': ..., 'locality': ..., 'country': 'US'}}")
            return None
        self.unknown_keys(value, set(ADDRESS_KEYS), here)
        street = self.text(value, "street", here, required=True)
        locality = self.text(value, "locality", here, required=True)
        country = self.text(value, "country", here, required=True)
        if country and not _COUNTRY.match(country):
            self.error(f"{here}['country']", f"{country!r} is not a two-letter country code; write e.g. 'US', 'GB', 'DE'")
        return Address(
            street, locality, self.text(value, "region", here), self.text(value, "postal_code", here), country
        )

    def geo(self, data: dict, path: str, required: bool) -> Geo | None:
        value = data.get("geo")
        here = f"{path}['geo']"
        if value is None:
            if required:
                self.error(here, "missing; add {'latitude': 43.6106, 'longitude': -72.9726} (from a map)")
            return None
        if not isinstance(value, dict):
            self.error(here, f"{value!r} is not a dict; write {{'latitude': 43.6106, 'longitude': -72.9726}}")
            return None
        self.unknown_keys(value, {"latitude", "longitude"}, here)
        numbers = {}
        for key, limit in (("latitude", 90), ("longitude", 180)):
            number = value.get(key)
            if isinstance(number, bool) or not isinstance(number, int | float):
                self.error(f"{here}[{key!r}]", f"{number!r} is not a number; write decimal degrees, e.g. 43.6106")
            elif not -limit <= number <= limit:
                self.error(
                    f"{here}[{key!r}]",
                    f"{number!r} is out of range; a {key} lies between -{limit} and {limit} "
                    "(check that latitude and longitude are not swapped)",
                )
            else:
                numbers[key] = float(number)
        return Geo(numbers["latitude"], numbers["longitude"]) if len(numbers) == 2 else None

    def ranges(self, value, path: str) -> tuple[TimeRange, ...]:
        """A day's list of [opens, closes] ranges: valid, in order, not overlapping."""
        if not isinstance(value, list | tuple):
            self.error(path, f"{value!r} is not a list of ranges; write e.g. [['07:00', '12:00'], ['13:00', '18:00']] "
                             "or [] for closed")
            return ()
        result: list[TimeRange] = []
        for index, item in enumerate(value):
            here = f"{path}[{index}]"
            if (
                not isinstance(item, list | tuple)
                or len(item) != 2
                or not all(isinstance(t, str) and _TIME.match(t) for t in item)
            ):
                self.error(here, f"{item!r} is not an [opens, closes] pair of 24-hour times; write e.g. ['07:00', '18:00']")
                continue
            opens, closes = item
            if opens == "24:00":
                self.error(here, f"opens at {opens!r}; a day starts at '00:00'")
                continue
            if closes <= opens:
                if closes < opens:
                    fix = f'write ["{closes}", "{opens}"] if you swapped them; for hours past midnight end the day ' \
                          f'at "24:00" and start the next day at "00:00"'
                else:
                    fix = "a range must end after it starts"
                self.error(here, f"closes {closes!r} before it opens {opens!r}; {fix}")
                continue
            result.append(TimeRange(opens, closes))
        ordered = sorted(result)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after.opens < before.closes:
                index = list(result).index(after)
                merged = f'["{before.opens}", "{max(before.closes, after.closes)}"]'
                self.error(
                    f"{path}[{index}]",
                    f'["{after.opens}", "{after.closes}"] overlaps ["{before.opens}", "{before.closes}"]; '
                    f"merge them into {merged}",
                )
        return tuple(ordered)

    def opening_hours(self, data: dict, path: str) -> dict[str, tuple[TimeRange, ...]]:
        value = data.get("opening_hours")
        here = f"{path}['opening_hours']"
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(here, f"{value!r} is not a dict of weekdays; write {{'monday': [['07:00', '18:00']], ...}}")
            return {}
        self.unknown_keys(value, set(DAYS), here)
        return {day: self.ranges(value.get(day) or [], f"{here}[{day!r}]") for day in DAYS}

    def date(self, value, path: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.error(path, f"{value!r} is not a date; write it as 'YYYY-MM-DD', e.g. '2026-12-24'")
            return None

    def special_hours(self, data: dict, path: str) -> tuple[SpecialHours, ...]:
        value = data.get("special_hours")
        here = f"{path}['special_hours']"
        if value in (None, []):
            return ()
        if not isinstance(value, list | tuple):
            self.error(here, "is not a list; write [{'date': '2026-12-24', 'hours': [['07:00', '14:00']], "
                             "'label': 'Christmas Eve'}, ...]")
            return ()
        result = []
        for index, item in enumerate(value):
            item_path = f"{here}[{index}]"
            if not isinstance(item, dict):
                self.error(item_path, f"{item!r} is not a dict; write {{'date': '2026-12-25', 'hours': [], "
                                      "'label': 'Christmas Day'}")
                continue
            self.unknown_keys(item, SPECIAL_KEYS, item_path)
            if "date" not in item:
                self.error(f"{item_path}['date']", "missing; add 'date': 'YYYY-MM-DD'")
                continue
            if "hours" not in item:
                self.error(f"{item_path}['hours']", "missing; add 'hours': [['10:00', '14:00']] or [] for closed")
                continue
            start = self.date(item["date"], f"{item_path}['date']")
            end = self.date(item["through"], f"{item_path}['through']") if "through" in item else start
            ranges = self.ranges(item["hours"], f"{item_path}['hours']")
            label = self.text(item, "label", item_path)
            if start and end:
                if end < start:
                    self.error(f"{item_path}['through']", f"{end.isoformat()!r} is before the date "
                                                          f"{start.isoformat()!r}; it is the last day these hours apply")
                    continue
                result.append(SpecialHours(start, end, ranges, label))
        ordered = sorted(result, key=lambda s: s.start)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after.start <= before.end:
                self.error(here, f"{after.start.isoformat()} is covered twice (also by the entry for "
                                 f"{before.start.isoformat()}); give each day one entry")
        return tuple(ordered)

    def area_served(self, data: dict, path: str, geo: Geo | None) -> tuple[str | AreaCircle, ...]:
        value = data.get("area_served")
        here = f"{path}['area_served']"
        if value in (None, "", []):
            return ()
        items = [value] if isinstance(value, str | dict) else value
        if not isinstance(items, list | tuple):
            self.error(here, f"{value!r} is not a list; write e.g. ['Alder Falls', {{'radius_miles': 10}}]")
            return ()
        result: list[str | AreaCircle] = []
        for index, item in enumerate(items):
            item_path = f"{here}[{index}]"
            if isinstance(item, str) and item.strip():
                result.append(item.strip())
                continue
            if not isinstance(item, dict):
                self.error(item_path, f"{item!r} is neither a place name nor {{'radius_miles': 10}}")
                continue
            self.unknown_keys(item, {"radius_km", "radius_miles", "latitude", "longitude", "label"}, item_path)
            radius = item.get("radius_km", item.get("radius_miles"))
            if isinstance(radius, bool) or not isinstance(radius, int | float) or radius <= 0:
                self.error(item_path, f"radius {radius!r} is not a positive number; write {{'radius_miles': 10}} "
                                      "or {'radius_km': 15}")
                continue
            metres = radius * (1000 if "radius_km" in item else 1609.344)
            centre = self.geo({"geo": {"latitude": item["latitude"], "longitude": item["longitude"]}}, item_path,
                              True) if "latitude" in item or "longitude" in item else geo
            if centre is None:
                if "geo" not in data:  # a wrong geo is reported once, where it is
                    self.error(item_path, "a radius needs a centre; add 'geo' to the profile or 'latitude' and "
                                          "'longitude' here")
                continue
            unit = "km" if "radius_km" in item else "miles"
            label = item.get("label") or f"within {radius:g} {unit}"
            result.append(AreaCircle(centre.latitude, centre.longitude, round(metres), str(label)))
        return tuple(result)

    def same_as(self, data: dict, path: str) -> tuple[str, ...]:
        value = data.get("same_as")
        here = f"{path}['same_as']"
        if value in (None, []):
            return ()
        if isinstance(value, str) or not isinstance(value, list | tuple):
            self.error(here, f"{value!r} is not a list; write ['https://www.instagram.com/yourbusiness', ...]")
            return ()
        return tuple(u for i, u in enumerate(value) if self.absolute_url(u, f"{here}[{i}]"))

    def currency(self, data: dict, path: str) -> str:
        value = self.text(data, "currency", path)
        if value and not _CURRENCY.match(value):
            self.error(f"{path}['currency']", f"{value!r} is not an ISO 4217 currency code; write e.g. 'USD', 'EUR'")
            return ""
        return value

    def images(self, data: dict, path: str) -> tuple[str, ...]:
        value = data.get("image")
        if value in (None, "", []):
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) and i for i in items):
            self.error(f"{path}['image']", f"{value!r} is not an image path or a list of them")
            return ()
        if len(items) == 1:
            return (self.file(items[0], f"{path}['image']"),)
        return tuple(self.file(item, f"{path}['image'][{i}]") for i, item in enumerate(items))


def map_link(name: str, geo: Geo | None, address: Address | None) -> str:
    """An OpenStreetMap link (no third-party embed): the pin at ``geo``, else an address search."""
    if geo is not None:
        lat, lon = f"{geo.latitude:.6f}".rstrip("0"), f"{geo.longitude:.6f}".rstrip("0")
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    if address is not None:
        return "https://www.openstreetmap.org/search?query=" + quote(f"{name}, {address.one_line}")
    return ""


def _place(check: _Checker, data: dict, path: str, *, is_location: bool, inherited: dict | None = None) -> dict:
    """The checked fields shared by the business and a location.

    A location's own NAP, geo and hours are required; what it leaves out of
    INHERITED comes from the business, already checked (so a mistake there is
    reported once, under LOCAL_BUSINESS). The main shop's ``inherited`` also
    holds MAIN_INHERITED: its name, address, geo, hours and amenities.
    """
    inherited = inherited or {}

    def own(key: str, field: str, read):
        """The location's own value of ``key``, else the business's ``field``."""
        if data.get(key) is None and field in inherited:
            return inherited[field]
        return read()

    geo = own("geo", "geo", lambda: check.geo(data, path, required=is_location))
    address = own("address", "address", lambda: check.address(data, path, required=True))
    name = own("name", "name", lambda: check.text(data, "name", path, required=True))
    map_url = check.text(data, "map_url", path)
    if map_url:
        map_url = check.absolute_url(map_url, f"{path}['map_url']")
    readers = {
        "type": lambda: check.schema_type(data, path),
        "telephone": lambda: check.telephone(data, path, required=True),
        "email": lambda: check.email(data, path),
        "special_hours": lambda: check.special_hours(data, path),
        "price_range": lambda: check.text(data, "price_range", path),
        "payment_accepted": lambda: check.texts(data, "payment_accepted", path),
        "currency": lambda: check.currency(data, path),
        "area_served": lambda: check.area_served(data, path, geo),
    }
    fields = {key: inherited[key] if key in inherited and data.get(key) is None else read()
              for key, read in readers.items()}
    return {
        **fields,
        "name": name,
        "address": address,
        "geo": geo,
        "hours": own("opening_hours", "hours", lambda: check.opening_hours(data, path)),
        "description": check.text(data, "description", path),
        "images": check.images(data, path),
        "same_as": check.same_as(data, path),
        "amenities": own("amenities", "amenities", lambda: check.texts(data, "amenities", path)),
        "map_url": map_url or map_link(name, geo, address),
    }


def public_base(settings) -> str:
    return (settings.get("PUBLIC_SITEURL") or settings.get("SITEURL") or "").rstrip("/")


def read_profile(settings, conf: dict) -> tuple[Profile | None, list[str]]:
    """Check LOCAL_BUSINESS and LOCATIONS; return the profile (None without one) and the problems."""
    check = _Checker(settings)
    data = settings.get("LOCAL_BUSINESS")
    if not data:
        return None, []
    if not isinstance(data, dict):
        return None, [f"LOCAL_BUSINESS: {type(data).__name__} is not a dict; see README, 'Local SEO profile'"]
    check.unknown_keys(data, BUSINESS_KEYS, "LOCAL_BUSINESS")
    base = public_base(settings)
    fields = _place(check, data, "LOCAL_BUSINESS", is_location=False)
    url = check.text(data, "url", "LOCAL_BUSINESS")
    if url:
        url = check.absolute_url(url, "LOCAL_BUSINESS['url']")
    logo = check.text(data, "logo", "LOCAL_BUSINESS")
    founding = data.get("founding_date")
    business = Place(
        setting="LOCAL_BUSINESS",
        id=f"{base}/#organization",
        url=url or f"{base}/",
        path="",
        legal_name=check.text(data, "legal_name", "LOCAL_BUSINESS"),
        logo=check.file(logo, "LOCAL_BUSINESS['logo']") if logo else "",
        founding_date=str(founding) if founding else "",
        **fields,
    )
    locations: list[Place] = []
    raw_locations = settings.get("LOCATIONS") or []
    if not isinstance(raw_locations, list | tuple):
        check.error("LOCATIONS", f"{type(raw_locations).__name__} is not a list; write LOCATIONS = [{{...}}, ...]")
        raw_locations = []
    inherited = {key: getattr(business, key) for key in INHERITED}
    seen: dict[str, int] = {}
    main: int | None = None
    for index, item in enumerate(raw_locations):
        path = f"LOCATIONS[{index}]"
        if not isinstance(item, dict):
            check.error(path, f"{item!r} is not a dict; see README, 'Locations'")
            continue
        check.unknown_keys(item, LOCATION_KEYS, path)
        slug = check.text(item, "slug", path, required=True)
        if slug and not _SLUG.match(slug):
            check.error(f"{path}['slug']", f"{slug!r} is not a URL slug; use lowercase letters, digits and hyphens, "
                                           "e.g. 'mill-street'")
        if slug in seen:
            check.error(f"{path}['slug']", f"{slug!r} is already used by LOCATIONS[{seen[slug]}]; give each location "
                                           "its own slug")
        seen.setdefault(slug, index)
        is_main = item.get("main", False)
        if not isinstance(is_main, bool):
            check.error(f"{path}['main']", f"{is_main!r} is not True or False; write 'main': True for the "
                                           "business's own shop (it then takes its name, address and phone)")
            is_main = False
        if is_main and main is not None:
            check.error(f"{path}['main']", f"LOCATIONS[{main}] is already the main shop; only one location "
                                           "can be, remove 'main' from the other")
            is_main = False
        if is_main:
            main = index
        takes = dict(inherited)
        if is_main:  # what LOCAL_BUSINESS gives (a mistake there is reported once, under LOCAL_BUSINESS)
            takes.update({f: getattr(business, f) for f, key in MAIN_INHERITED.items() if data.get(key) is not None})
        fields = _place(check, item, path, is_location=True, inherited=takes)
        page = conf["locations_url"].format(slug=slug)
        locations.append(
            Place(setting=path, id=f"{base}/{page}#location", url=f"{base}/{page}", path=page, slug=slug,
                  is_location=True, **fields)
        )
    return Profile(business, locations), check.problems
