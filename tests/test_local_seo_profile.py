"""The business profile: each mistake is a clear build error, one setting changes every page,
several locations give one page and one entity each, and events come and go with the clock."""

from __future__ import annotations

import copy
import importlib
import json
import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import DEMO_NOW, ROOT, read_pages, run_build
from structured_data import (
    by_id,
    expanded_problems,
    jsonld_documents,
    nodes_of_type,
    reference_problems,
    vocabulary_problems,
)


def plugin_module(name: str):
    sys.path.insert(0, str(ROOT / "plugins"))
    try:
        return importlib.import_module(f"local_seo.{name}")
    finally:
        sys.path.remove(str(ROOT / "plugins"))


def demo_settings() -> dict:
    """The demo's settings as Pelican reads them (PATH and THEME absolute)."""
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelicanconf.py"))


@pytest.fixture(scope="module")
def settings():
    return demo_settings()


def problems_with(settings, change) -> list[str]:
    business = plugin_module("business")
    local_seo = plugin_module("local_seo")
    changed = copy.deepcopy({k: settings[k] for k in ("LOCAL_BUSINESS", "LOCATIONS")})
    change(changed)
    merged = dict(settings, **changed)
    profile, problems = business.read_profile(merged, local_seo.local_seo_settings(merged))
    return problems


def test_the_demo_profile_is_valid(settings):
    assert problems_with(settings, lambda s: None) == []


def _set(path, value):
    def change(s):
        target = s
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(path):
    def change(s):
        target = s
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


MISTAKES = {
    "missing required field": (
        _delete(["LOCAL_BUSINESS", "name"]),
        "LOCAL_BUSINESS['name']: missing; add 'name' to LOCAL_BUSINESS",
    ),
    "missing street": (
        _delete(["LOCAL_BUSINESS", "address", "street"]),
        "LOCAL_BUSINESS['address']['street']: missing; add 'street' to LOCAL_BUSINESS['address']",
    ),
    "phone not international": (
        _set(["LOCAL_BUSINESS", "telephone"], "(802) 555-0142"),
        "LOCAL_BUSINESS['telephone']: '(802) 555-0142' is not in international format; start with + and the "
        "country code, e.g. '+1-802-555-0142'",
    ),
    "latitude out of range": (
        _set(["LOCAL_BUSINESS", "geo", "latitude"], 143.61),
        "LOCAL_BUSINESS['geo']['latitude']: 143.61 is out of range; a latitude lies between -90 and 90 "
        "(check that latitude and longitude are not swapped)",
    ),
    "longitude out of range": (
        _set(["LOCATIONS", 1, "geo", "longitude"], -272.97),
        "LOCATIONS[1]['geo']['longitude']: -272.97 is out of range; a longitude lies between -180 and 180",
    ),
    "latitude as text": (
        _set(["LOCAL_BUSINESS", "geo", "latitude"], "43.61"),
        "LOCAL_BUSINESS['geo']['latitude']: '43.61' is not a number; write decimal degrees, e.g. 43.6106",
    ),
    "hours end before they start": (
        _set(["LOCAL_BUSINESS", "opening_hours", "monday"], [["07:00", "12:00"], ["17:00", "09:00"]]),
        "LOCAL_BUSINESS['opening_hours']['monday'][1]: closes '09:00' before it opens '17:00'; "
        'write ["09:00", "17:00"] if you swapped them; for hours past midnight end the day at "24:00" '
        'and start the next day at "00:00"',
    ),
    "hours overlap": (
        _set(["LOCAL_BUSINESS", "opening_hours", "friday"], [["07:00", "12:00"], ["11:30", "18:00"]]),
        "LOCAL_BUSINESS['opening_hours']['friday'][1]: [\"11:30\", \"18:00\"] overlaps [\"07:00\", \"12:00\"]; "
        'merge them into ["07:00", "18:00"]',
    ),
    "time not 24-hour": (
        _set(["LOCATIONS", 1, "opening_hours", "tuesday"], [["7am", "6pm"]]),
        "LOCATIONS[1]['opening_hours']['tuesday'][0]: ['7am', '6pm'] is not an [opens, closes] pair of 24-hour "
        "times; write e.g. ['07:00', '18:00']",
    ),
    "unknown weekday": (
        lambda s: s["LOCAL_BUSINESS"]["opening_hours"].update(tuesdy=[["07:00", "18:00"]]),
        "LOCAL_BUSINESS['opening_hours']['tuesdy']: unknown key; did you mean 'tuesday'?",
    ),
    "unknown schema.org type": (
        _set(["LOCAL_BUSINESS", "type"], "Bakrey"),
        "LOCAL_BUSINESS['type']: 'Bakrey' is not a schema.org LocalBusiness type; did you mean 'Bakery'?",
    ),
    "a type that is not a local business": (
        _set(["LOCATIONS", 1, "type"], "Recipe"),
        "LOCATIONS[1]['type']: 'Recipe' is not a schema.org LocalBusiness type; use LocalBusiness or a schema.org "
        "subtype of it, e.g. Bakery, Plumber, Dentist",
    ),
    "sameAs not absolute": (
        _set(["LOCAL_BUSINESS", "same_as"], ["https://www.facebook.com/hh", "instagram.com/hearthandhoney"]),
        "LOCAL_BUSINESS['same_as'][1]: 'instagram.com/hearthandhoney' is not an absolute URL; write the full "
        "address, e.g. 'https://www.instagram.com/yourbusiness'",
    ),
    "typo in a key": (
        lambda s: s["LOCAL_BUSINESS"].update(adress=s["LOCAL_BUSINESS"]["address"]),
        "LOCAL_BUSINESS['adress']: unknown key; did you mean 'address'?",
    ),
    "country not a code": (
        _set(["LOCAL_BUSINESS", "address", "country"], "USA"),
        "LOCAL_BUSINESS['address']['country']: 'USA' is not a two-letter country code; write e.g. 'US', 'GB', 'DE'",
    ),
    "email": (
        _set(["LOCAL_BUSINESS", "email"], "hello@hearthandhoney"),
        "LOCAL_BUSINESS['email']: 'hello@hearthandhoney' is not an email address; write e.g. 'hello@example.com'",
    ),
    "holiday date": (
        _set(["LOCAL_BUSINESS", "special_hours", 1, "date"], "2026-12-32"),
        "LOCAL_BUSINESS['special_hours'][1]['date']: '2026-12-32' is not a date; write it as 'YYYY-MM-DD', "
        "e.g. '2026-12-24'",
    ),
    "holiday through before date": (
        _set(["LOCAL_BUSINESS", "special_hours", 2, "through"], "2026-12-20"),
        "LOCAL_BUSINESS['special_hours'][2]['through']: '2026-12-20' is before the date '2026-12-25'; it is the "
        "last day these hours apply",
    ),
    "holiday twice": (
        lambda s: s["LOCAL_BUSINESS"]["special_hours"].append({"date": "2026-12-26", "hours": []}),
        "LOCAL_BUSINESS['special_hours']: 2026-12-26 is covered twice (also by the entry for 2026-12-25); "
        "give each day one entry",
    ),
    "missing image": (
        _set(["LOCAL_BUSINESS", "image"], "images/shopfront.jpg"),
        "LOCAL_BUSINESS['image']: file 'images/shopfront.jpg' not found in content/; check the path",
    ),
    "missing logo": (
        _set(["LOCAL_BUSINESS", "logo"], "theme/logo.png"),
        "LOCAL_BUSINESS['logo']: file 'theme/logo.png' not found in the theme's static/ folder",
    ),
    "currency": (
        _set(["LOCAL_BUSINESS", "currency"], "usd"),
        "LOCAL_BUSINESS['currency']: 'usd' is not an ISO 4217 currency code; write e.g. 'USD', 'EUR'",
    ),
    "location without geo": (
        _delete(["LOCATIONS", 1, "geo"]),
        "LOCATIONS[1]['geo']: missing; add {'latitude': 43.6106, 'longitude': -72.9726} (from a map)",
    ),
    "location slug twice": (
        _set(["LOCATIONS", 1, "slug"], "mill-street"),
        "LOCATIONS[1]['slug']: 'mill-street' is already used by LOCATIONS[0]; give each location its own slug",
    ),
    "location slug not a slug": (
        _set(["LOCATIONS", 1, "slug"], "Depot Market"),
        "LOCATIONS[1]['slug']: 'Depot Market' is not a URL slug; use lowercase letters, digits and hyphens",
    ),
    "radius": (
        _set(["LOCAL_BUSINESS", "area_served"], [{"radius_miles": -3}]),
        "LOCAL_BUSINESS['area_served'][0]: radius -3 is not a positive number",
    ),
    "main not a flag": (
        _set(["LOCATIONS", 1, "main"], "yes"),
        "LOCATIONS[1]['main']: 'yes' is not True or False; write 'main': True for the business's own shop",
    ),
    "two main shops": (
        _set(["LOCATIONS", 1, "main"], True),
        "LOCATIONS[1]['main']: LOCATIONS[0] is already the main shop; only one location can be",
    ),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_each_profile_mistake_names_the_setting_and_the_fix(settings, name):
    change, message = MISTAKES[name]
    problems = problems_with(settings, change)
    assert len(problems) == 1, problems
    assert problems[0].startswith(message), problems[0]


def test_a_profile_mistake_fails_the_build_and_keeps_output(project, tmp_path):
    output = tmp_path / "out"
    output.mkdir()
    (output / "keep.html").write_text("previous build")
    conf = project / "siteconf.py"
    conf.write_text(conf.read_text() + (
        "\nLOCAL_BUSINESS = dict(LOCAL_BUSINESS, telephone='802-555-0142', adress={})\n"
        "LOCAL_SEO = {'events_pth': 'happenings'}\n"
    ))
    result = run_build(conf, output, now=DEMO_NOW)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert lines == [
        "error: local_seo: LOCAL_SEO['events_pth']: unknown option; use one of: " + ", ".join(
            plugin_module("local_seo").DEFAULTS),
        "error: local_seo: LOCAL_BUSINESS['adress']: unknown key; did you mean 'address'?",
        "error: local_seo: LOCAL_BUSINESS['telephone']: '802-555-0142' is not in international format; start "
        "with + and the country code, e.g. '+1-802-555-0142'",
    ]
    assert (output / "keep.html").read_text() == "previous build"


# --- one setting, every page -------------------------------------------------------------


def test_changing_the_phone_in_one_setting_changes_every_page_and_the_data(project, tmp_path):
    conf = project / "siteconf.py"
    conf.write_text(conf.read_text() + "\nLOCAL_BUSINESS = dict(LOCAL_BUSINESS, telephone='+1-802-555-0199')\n")
    output = tmp_path / "out"
    result = run_build(conf, output, now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    pages = read_pages(output)
    assert len(pages) > 10
    for page in pages:
        html = page.path.read_text(encoding="utf-8")
        assert "0142" not in html, f"{page.url} still shows the old number"
        links = {a["href"] for a in page.soup.select('a[href^="tel:"]')}
        assert links == {"tel:+18025550199"}, page.url
        assert "(802) 555-0199" in page.soup.find("address", class_="nap").get_text()
        [document] = jsonld_documents(html, "https://test-bakery.example" + page.url)
        business = by_id(document)["https://test-bakery.example/#organization"]
        assert business["telephone"] == "+1-802-555-0199"
        assert business["contactPoint"]["telephone"] == "+1-802-555-0199"


def test_the_main_shop_takes_the_business_nap_it_does_not_set_itself(settings):
    business, local_seo = plugin_module("business"), plugin_module("local_seo")
    changed = copy.deepcopy({k: settings[k] for k in ("LOCAL_BUSINESS", "LOCATIONS")})
    changed["LOCATIONS"][0].pop("name")
    changed["LOCATIONS"][0]["email"] = "mill@hearthandhoney.example"
    merged = dict(settings, **changed)
    profile, problems = business.read_profile(merged, local_seo.local_seo_settings(merged))
    assert problems == []
    shop, firm = profile.place("mill-street"), profile.business
    assert (shop.name, shop.telephone, shop.address, shop.geo) == (firm.name, firm.telephone, firm.address, firm.geo)
    assert shop.hours == firm.hours and shop.amenities == firm.amenities
    assert shop.email == "mill@hearthandhoney.example", "what the main shop sets itself stays its own"
    depot = profile.place("depot-market")
    assert depot.address != firm.address and depot.telephone == "+1-802-555-0178", "not the main shop"


def test_changing_the_business_phone_changes_the_main_shop_on_every_page(tmp_path):
    """The demo's Mill Street shop is LOCAL_BUSINESS's own address: one telephone setting serves both."""
    import shutil

    project = tmp_path / "demo"
    for name in ("content", "calendar"):
        shutil.copytree(ROOT / name, project / name)
    conf = project / "democonf.py"  # not pelicanconf.py: Pelican loads a settings file under its own name
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *  # noqa\n"
        f"PATH = {str(project / 'content')!r}\n"
        "LOCAL_BUSINESS = dict(LOCAL_BUSINESS, telephone='+1-802-555-0199')\n"
    )
    output = project / "output"
    result = run_build(conf, output, now=DEMO_NOW, reports=project / "reports")
    assert result.returncode == 0, result.stderr
    base = "https://www.hearthandhoney.example"
    shop = f"{base}/locations/mill-street/#location"
    showing = []
    for page in read_pages(output):
        html = page.path.read_text(encoding="utf-8")
        assert "555-0142" not in html and "5550142" not in html, f"{page.url} still shows the old number"
        for document in jsonld_documents(html, base + page.url):
            node = by_id(document).get(shop)
            if node and "telephone" in node:
                showing.append(page.url)
                assert node["telephone"] == "+1-802-555-0199", page.url
        block = page.soup.find("address", attrs={"data-entity": shop})
        if block is not None and block.select_one("a.nap-phone"):
            assert block.select_one("a.nap-phone")["href"] == "tel:+18025550199", page.url
    assert len(showing) >= 5, showing


def test_a_hostile_title_stays_inside_the_script_element(project, tmp_path):
    title = 'Bread </script><script>alert("owned")</script> <!-- & \'quotes\' </SCRIPT >'
    (project / "content" / "posts" / "hostile.md").write_text(
        f"Title: {title}\nDate: 2026-03-21 08:00\nCategory: Bread\nSlug: hostile\n"
        "Description: A post whose title tries to close the structured data script and open its own.\n\n"
        "Body text of the hostile post, long enough to be a post.\n",
        encoding="utf-8",
    )
    output = tmp_path / "out"
    result = run_build(project / "siteconf.py", output, now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    html = (output / "blog" / "hostile" / "index.html").read_text(encoding="utf-8")
    for parser in ("html.parser", "lxml"):
        soup = BeautifulSoup(html, parser)
        scripts = soup.find_all("script")
        assert [s.get("type") for s in scripts] == ["application/ld+json"], parser
        data = json.loads(scripts[0].string)
        [posting] = nodes_of_type(data, "BlogPosting")
        assert posting["headline"] == title
        assert "alert" not in "".join(s.get_text() for s in soup.find_all("script") if s.get("type") != "application/ld+json")
    [document] = jsonld_documents(html, "https://test-bakery.example/blog/hostile/")
    assert nodes_of_type(document, "BlogPosting")[0]["headline"] == title


# --- several locations ------------------------------------------------------------------------

THREE_LOCATIONS = '''
LOCATIONS = [
    {
        "slug": "north", "name": "Test Bakery North", "telephone": "+1-802-555-0101",
        "address": {"street": "1 North Road", "locality": "Northfield", "region": "VT", "postal_code": "05663",
                    "country": "US"},
        "geo": {"latitude": 44.15, "longitude": -72.66},
        "opening_hours": {"monday": [["06:00", "14:00"]], "saturday": [["08:00", "12:00"], ["13:00", "17:00"]]},
    },
    {
        "slug": "south", "name": "Test Bakery South", "type": "CafeOrCoffeeShop", "telephone": "+1-802-555-0102",
        "email": "south@test-bakery.example",
        "address": {"street": "2 South Street", "locality": "Southbury", "region": "VT", "postal_code": "05001",
                    "country": "US"},
        "geo": {"latitude": 43.1, "longitude": -72.5},
        "opening_hours": {"sunday": [["09:00", "24:00"]]},
        "special_hours": [{"date": "2026-12-25", "hours": [], "label": "Christmas Day"}],
    },
    {
        "slug": "east", "name": "Test Bakery East", "telephone": "+1-802-555-0103",
        "address": {"street": "3 East Lane", "locality": "Eastham", "region": "VT", "postal_code": "05100",
                    "country": "US"},
        "geo": {"latitude": 43.5, "longitude": -72.1},
        "opening_hours": {"wednesday": [["10:00", "16:00"]]},
    },
]
'''


@pytest.fixture(scope="module")
def three_locations(tmp_path_factory):
    import shutil

    from conftest import FIXTURES

    project = tmp_path_factory.mktemp("multi") / "site"
    shutil.copytree(FIXTURES / "site", project, ignore=shutil.ignore_patterns("output"))
    conf = project / "siteconf.py"
    conf.write_text(conf.read_text() + THREE_LOCATIONS)
    output = project.parent / "out"
    result = run_build(conf, output, now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    return output


def test_several_locations_give_one_page_and_one_entity_each(three_locations):
    base = "https://test-bakery.example"
    pages = {p.url: p for p in read_pages(three_locations)}
    for slug, phone in (("north", "+1-802-555-0101"), ("south", "+1-802-555-0102"), ("east", "+1-802-555-0103")):
        url = f"/locations/{slug}/"
        page = pages[url]
        [document] = jsonld_documents(page.path.read_text(encoding="utf-8"), base + url)
        assert vocabulary_problems(document) == [] and reference_problems(document) == []
        assert expanded_problems(document) == []
        local = [n for n in nodes_of_type(document, "LocalBusiness") if n["@id"] != f"{base}/#organization"]
        assert [n["@id"] for n in local] == [f"{base}{url}#location"]
        assert local[0]["telephone"] == phone
        block = page.soup.find("address", attrs={"data-entity": f"{base}{url}#location"})
        assert block.select_one("a.nap-phone")["href"] == "tel:+" + re.sub(r"\D", "", phone)
        crumbs = nodes_of_type(document, "BreadcrumbList")[0]["itemListElement"]
        assert [c["name"] for c in crumbs] == ["Home", "Our locations", local[0]["name"]]
    south = by_id(jsonld_documents(pages["/locations/south/"].path.read_text(), base + "/locations/south/")[0])
    node = south[f"{base}/locations/south/#location"]
    assert node["@type"] == "CafeOrCoffeeShop" and node["email"] == "south@test-bakery.example"
    assert node["openingHoursSpecification"] == [{
        "@type": "OpeningHoursSpecification", "dayOfWeek": ["https://schema.org/Sunday"],
        "opens": "09:00", "closes": "23:59",
    }]
    assert node["specialOpeningHoursSpecification"][0]["validFrom"] == "2026-12-25"
    assert "9 am–midnight" in " ".join(pages["/locations/south/"].soup.find(
        "table", attrs={"data-entity": node["@id"]}).get_text().split()).replace(" – ", "–").replace("– ", "–")
    index = pages["/locations/"]
    [document] = jsonld_documents(index.path.read_text(), base + "/locations/")
    assert len([n for n in nodes_of_type(document, "LocalBusiness") if "/locations/" in n["@id"]]) == 3
    assert [b["data-entity"] for b in index.soup.select("main address.nap")] == [
        f"{base}/locations/{s}/#location" for s in ("north", "south", "east")
    ]
    assert index.soup.find("a", string=re.compile("All 3 locations"))
    sitemap = (three_locations / "sitemap.xml").read_text()
    for slug in ("north", "south", "east"):
        assert f"{base}/locations/{slug}/" in sitemap


def test_a_business_with_one_shop_has_no_location_pages(fixture_site):
    urls = {p.url for p in fixture_site.pages}
    assert not any(u.startswith("/locations/") for u in urls)
    assert not (fixture_site.output / "events").exists(), "no content/events/, no events index"


# --- events and the clock -----------------------------------------------------------------------


def build_demo_at(tmp_path, now: str):
    output = tmp_path / "out"
    result = run_build(ROOT / "pelicanconf.py", output, now=now)
    assert result.returncode == 0, result.stderr
    return output


def test_an_event_leaves_the_site_after_it_ends_unless_archived_and_so_do_past_holidays(tmp_path):
    output = build_demo_at(tmp_path, "2026-12-05T19:31")
    assert not (output / "events" / "sourdough-workshop-december").exists()
    assert (output / "events" / "holiday-open-house" / "index.html").exists()
    assert (output / "events" / "harvest-fair-bread-stall" / "index.html").exists(), "archived"
    everything = "".join(p.read_text(encoding="utf-8", errors="replace") for p in output.rglob("*")
                         if p.is_file() and p.suffix in (".html", ".xml", ".json"))
    assert "sourdough-workshop-december" not in everything, "no page, list, feed or sitemap links it"
    index = BeautifulSoup((output / "events" / "index.html").read_text(), "lxml")
    assert [a["href"] for a in index.select(".event-list h2 a")] == ["/events/holiday-open-house/"]
    html = (output / "contact" / "index.html").read_text()
    [document] = jsonld_documents(html, "https://www.hearthandhoney.example/contact/")
    business = by_id(document)["https://www.hearthandhoney.example/#organization"]
    assert [s["validFrom"] for s in business["specialOpeningHoursSpecification"]] == [
        "2026-12-24", "2026-12-25", "2026-12-31", "2027-01-01"]
    shown = BeautifulSoup(html, "lxml").find(class_="special-hours").get_text(" ")
    assert "Thanksgiving" not in shown and "Christmas Eve" in shown


def test_an_event_is_announced_on_its_date(tmp_path):
    output = build_demo_at(tmp_path, "2026-11-12T09:00")
    assert not (output / "events" / "holiday-open-house").exists(), "announced on November 16"
    assert (output / "events" / "sourdough-workshop-december" / "index.html").exists()


def test_an_event_has_ended_at_its_end_or_after_its_first_day():
    import datetime as dt
    from zoneinfo import ZoneInfo

    events = plugin_module("events")
    tz = ZoneInfo("America/New_York")
    start = dt.datetime(2026, 12, 5, 16, 30, tzinfo=tz)
    info = events.EventInfo(start, start + dt.timedelta(hours=3), None, None, None, "", "", "InStock", None, (),
                            "Event", "EventScheduled", False)
    assert not info.has_ended(dt.datetime(2026, 12, 5, 19, 29, tzinfo=tz))
    assert info.has_ended(dt.datetime(2026, 12, 5, 19, 30, tzinfo=tz))
    info.end = None
    assert not info.has_ended(dt.datetime(2026, 12, 5, 23, 59, tzinfo=tz))
    assert info.has_ended(dt.datetime(2026, 12, 6, 0, 0, tzinfo=tz))


EVENT_MISTAKES = {
    "bad-start.md": ("Start: 2026-12-32 10:00\n", r"2: Start '2026-12-32 10:00' is not a date and time"),
    "end-first.md": ("Start: 2026-12-12 10:00\nEnd: 2026-12-12 09:00\n", r"3: End '2026-12-12 09:00' is not after Start"),
    "where.md": ("Start: 2026-12-12 10:00\nLocation: the-barn\n",
                 r"3: unknown Location 'the-barn'; use a location slug \(business\) or, for a venue elsewhere, add "
                 r"'Address: "),
    "price.md": ("Start: 2026-12-12 10:00\nPrice: ten dollars\n", r"3: Price 'ten dollars' is not an amount"),
    "type.md": ("Start: 2026-12-12 10:00\nEvent_type: Workshop\n", r"3: Event_type 'Workshop' is not a schema\.org "
                                                                    r"Event type"),
    "no-start.md": ("Location: business\n", r"1: an event needs a Start"),
}


def test_event_mistakes_fail_the_build_with_file_and_line(project, tmp_path):
    events = project / "content" / "events"
    events.mkdir()
    for name, (lines, _) in EVENT_MISTAKES.items():
        (events / name).write_text(f"Title: A Workshop {name}\n{lines}\nA workshop.\n", encoding="utf-8")
    result = run_build(project / "siteconf.py", tmp_path / "out", now=DEMO_NOW)
    assert result.returncode == 1
    for name, (_, message) in EVENT_MISTAKES.items():
        assert re.search(rf"^error: content/events/{re.escape(name)}:" + message, result.stderr, re.M), (
            name, result.stderr)
    assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) == len(EVENT_MISTAKES)


def test_a_landing_price_mistake_fails_the_build(project, tmp_path):
    landing = project / "content" / "landing" / "spring-sale.md"
    text = landing.read_text()
    landing.write_text(text.replace("\n\n", "\nPrice: 68-34\n\n", 1))
    result = run_build(project / "siteconf.py", tmp_path / "out", now=DEMO_NOW)
    assert result.returncode == 1
    assert re.search(r"^error: content/landing/spring-sale\.md:\d+: Price '68-34': the highest price must be above "
                     r"the lowest", result.stderr, re.M), result.stderr


# --- the pieces ---------------------------------------------------------------------------------------


def test_type_lists_match_the_schema_org_vocabulary():
    from schema_org import registry

    vocabulary = plugin_module("vocabulary")

    def below(name):
        return {n for n in registry.PARENTS if name in registry.ancestry(n)} | {name}

    assert vocabulary.LOCAL_BUSINESS_TYPES == below("LocalBusiness")
    assert vocabulary.WEB_PAGE_TYPES == below("WebPage")
    assert vocabulary.EVENT_TYPES <= below("Event") and "EducationEvent" in vocabulary.EVENT_TYPES


def test_faq_extraction():
    faq = plugin_module("faq")
    html = (
        "<p>Intro</p><h2>Prices</h2><h3>Not a question</h3><p>No.</p>"
        '<h2>Frequently asked questions</h2><h3 id="q1">Do you deliver?</h3><p>Yes, within <a href="/x">10 '
        "miles</a>.</p><ul><li>Tuesday</li><li>Friday</li></ul><h3>Gluten-free?</h3><p>No.</p>"
        "<h2>After</h2><h3>Outside</h3><p>Not part of it.</p>"
    )
    questions = faq.extract_faq(html, ["FAQ", "Frequently asked questions"])
    assert [(q.name, q.answer, q.anchor) for q in questions] == [
        ("Do you deliver?", "Yes, within 10 miles. Tuesday Friday", "q1"),
        ("Gluten-free?", "No.", ""),
    ]
    assert faq.extract_faq("<h2>FAQ</h2><p>No questions here.</p>", ["FAQ"]) == []
    assert faq.extract_faq("<p>No headings</p>", ["FAQ"]) == []
    # Headings with markup, entities or typographic quotes are still found (the quick skip looks at words).
    marked = "<h2><em>Questions</em> &amp; Answers</h2><h3>Open Sundays?</h3><p>Yes.</p>"
    assert [q.name for q in faq.extract_faq(marked, ["Questions & answers"])] == ["Open Sundays?"]
    curly = "<h2>Baker&rsquo;s FAQ</h2><h3>Why rye?</h3><p>Flavor.</p>"
    assert [q.name for q in faq.extract_faq(curly, ["Baker's FAQ"])] == ["Why rye?"]
    assert faq.extract_faq("<h2>Prices</h2><h3>Why rye?</h3><p>Flavor.</p>", ["FAQ"]) == []


def test_the_structured_data_checks_can_fail():
    """The judges used above reject what they should."""
    document = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Bakrey", "@id": "#a", "name": "x"},
            {"@type": "Bakery", "@id": "#b", "headline": "not a bakery property", "publisher": {"@id": "#missing"}},
            {"@type": "Event", "@id": "#c", "eventStatus": "https://schema.org/EventMaybe", "flavour": "honey"},
        ],
    }
    problems = vocabulary_problems(document)
    assert "unknown type 'Bakrey'" in problems
    assert any("'headline' belongs to" in p for p in problems)
    assert any("'publisher' belongs to" in p for p in problems)
    assert any("EventMaybe" in p for p in problems)
    assert any("unknown property 'flavour'" in p for p in problems)
    assert reference_problems(document) == ["dangling reference '#missing'"]
    assert any("flavour" in p for p in expanded_problems(document))
    assert any("Bakrey" in p for p in expanded_problems(document))


def test_plugin_files_are_where_the_readme_says(settings):
    assert "local_seo" in settings["PLUGINS"]
    assert Path(ROOT / "plugins" / "local_seo" / "__init__.py").read_text().strip().startswith("from .local_seo")
