"""The JSON-LD @graph of one page, as a Python dict (rendered with ``|tojson``).

Every page carries the business (its LocalBusiness subtype, which is also the
publisher Organization), the WebSite and the page's WebPage, plus what the page
is about: a BlogPosting, a location, an event, an offer, its FAQ, its
breadcrumb trail. Nodes point at each other by stable ``@id``s:

    {base}/#organization   the business          {base}/#website    the site
    {base}/#logo           its logo              {url}              the WebPage
    {url}#breadcrumb       BreadcrumbList        {url}#primaryimage the page's image
    {url}#article          BlogPosting           {url}#event        Event
    {url}#offer, #product  landing-page offer    {url}#faq-1 ...    FAQ questions
    {base}/locations/<slug>/#location            one of LOCATIONS
    {base}/<author url>#person                   an author

A node is only referenced from a page whose graph also holds it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .business import DAYS, AreaCircle, Place, Profile, public_base

SCHEMA = "https://schema.org"
HEADLINE_MAX = 110


def ref(node_or_id) -> dict:
    return {"@id": node_or_id["@id"] if isinstance(node_or_id, dict) else node_or_id}


def absolute(base: str, path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return f"{base}/{path.lstrip('/')}"


def _compact(node: dict) -> dict:
    """Drop empty values so no property is emitted without data."""
    return {k: v for k, v in node.items() if v not in (None, "", [], (), {})}


def _number(value: Decimal) -> str:
    return f"{value:.2f}"


# --- the business and its locations --------------------------------------------


def postal_address(address) -> dict:
    return _compact({
        "@type": "PostalAddress",
        "streetAddress": address.street,
        "addressLocality": address.locality,
        "addressRegion": address.region,
        "postalCode": address.postal_code,
        "addressCountry": address.country,
    })


def opening_hours_specification(place: Place) -> list[dict]:
    """One OpeningHoursSpecification per distinct range, listing the days it applies to."""
    by_range: dict[tuple[str, str], list[str]] = {}
    for day in DAYS:
        for span in place.hours_of(day):
            by_range.setdefault((span.opens, span.schema_closes), []).append(day)
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [f"{SCHEMA}/{day.capitalize()}" for day in days],
            "opens": opens,
            "closes": closes,
        }
        for (opens, closes), days in sorted(by_range.items(), key=lambda item: (DAYS.index(item[1][0]), item[0]))
    ]


def special_opening_hours(place: Place, today: dt.date) -> list[dict]:
    """Holiday hours that have not passed; a closed day is opens = closes = 00:00 (Google's form)."""
    specs = []
    for special in place.upcoming_special_hours(today):
        ranges = special.ranges or [None]
        for span in ranges:
            specs.append(_compact({
                "@type": "OpeningHoursSpecification",
                "name": special.label,
                "validFrom": special.start.isoformat(),
                "validThrough": special.end.isoformat(),
                "opens": span.opens if span else "00:00",
                "closes": span.schema_closes if span else "00:00",
            }))
    return specs


def area_served(place: Place) -> list:
    areas = []
    for area in place.area_served:
        if isinstance(area, AreaCircle):
            areas.append({
                "@type": "GeoCircle",
                "geoMidpoint": {"@type": "GeoCoordinates", "latitude": area.latitude, "longitude": area.longitude},
                "geoRadius": area.radius_m,
                "description": area.label,
            })
        else:
            areas.append({"@type": "Place", "name": area})
    return areas


def place_node(place: Place, base: str, today: dt.date, settings, org_id: str) -> dict:
    """The LocalBusiness node of the business (also the publisher) or of a location."""
    node = {
        "@type": place.type,
        "@id": place.id,
        "name": place.name,
        "url": place.url,
        "description": place.description,
        "telephone": place.telephone,
        "email": place.email,
        "address": postal_address(place.address) if place.address else None,
        "geo": {"@type": "GeoCoordinates", "latitude": place.geo.latitude, "longitude": place.geo.longitude}
        if place.geo else None,
        "hasMap": place.map_url,
        "image": [absolute(base, path) for path in place.images],
        "priceRange": place.price_range,
        "paymentAccepted": ", ".join(place.payment_accepted),
        "currenciesAccepted": place.currency,
        "areaServed": area_served(place),
        "openingHoursSpecification": opening_hours_specification(place),
        "specialOpeningHoursSpecification": special_opening_hours(place, today),
        "amenityFeature": [
            {"@type": "LocationFeatureSpecification", "name": name, "value": True} for name in place.amenities
        ],
        "sameAs": list(place.same_as),
    }
    if place.is_location:
        node["parentOrganization"] = {"@id": org_id}
    else:
        node.update({
            "legalName": place.legal_name,
            "logo": {"@id": f"{base}/#logo"} if place.logo else None,
            "foundingDate": place.founding_date,
            "contactPoint": _compact({
                "@type": "ContactPoint",
                "contactType": "customer service",
                "telephone": place.telephone,
                "email": place.email,
                "availableLanguage": settings.get("DEFAULT_LANG") or "en",
            }) if place.telephone or place.email else None,
        })
    return _compact(node)


def logo_node(place: Place, base: str) -> dict:
    url = absolute(base, place.logo)
    return {"@type": "ImageObject", "@id": f"{base}/#logo", "url": url, "contentUrl": url, "caption": place.name}


# --- pages ----------------------------------------------------------------------


class GraphBuilder:
    """Collects the nodes of one page's graph, each @id once."""

    def __init__(self):
        self.nodes: dict[str, dict] = {}

    def add(self, node: dict) -> dict:
        self.nodes.setdefault(node["@id"], node)
        return node

    def document(self) -> dict:
        return {"@context": SCHEMA, "@graph": list(self.nodes.values())}


def image_object(image, node_id: str) -> dict:
    return _compact({
        "@type": "ImageObject",
        "@id": node_id,
        "url": image.url,
        "contentUrl": image.url,
        "width": image.width,
        "height": image.height,
        "caption": image.alt,
    })


def person_node(author, base: str, org_id: str, settings) -> dict:
    url = absolute(base, author.url) if settings.get("AUTHOR_SAVE_AS") else ""
    return _compact({
        "@type": "Person",
        "@id": f"{base}/{author.url}#person" if url else f"{base}/#/person/{author.slug}",
        "name": str(author),
        "url": url,
        "worksFor": {"@id": org_id},
    })


def _keywords(article) -> list[str]:
    meta = article.metadata
    words = [str(meta.get("keyword", "")).strip()]
    words += [w.strip() for w in str(meta.get("keywords", "")).split(",")]
    words += [str(tag) for tag in getattr(article, "tags", []) or []]
    seen: dict[str, str] = {}
    for word in words:
        if word and word.lower() not in seen:
            seen[word.lower()] = word
    return list(seen.values())


def headline(title: str) -> str:
    if len(title) <= HEADLINE_MAX:
        return title
    return title[: HEADLINE_MAX - 1].rsplit(" ", 1)[0] + "…"


def offer_nodes(page, info, url: str, org_id: str, image_id: str | None) -> list[dict]:
    """Product and Offer (AggregateOffer for a price range) of a landing page."""
    offer = {
        "@type": "AggregateOffer" if info.high is not None else "Offer",
        "@id": f"{url}#offer",
        "name": info.name,
        "url": url,
        "priceCurrency": info.currency,
        "availability": f"{SCHEMA}/InStock",
        "validFrom": info.valid_from,
        "validThrough": info.valid_through,
        "seller": {"@id": org_id},
        "itemOffered": {"@id": f"{url}#product"},
    }
    if info.high is not None:
        offer.update({"lowPrice": _number(info.low), "highPrice": _number(info.high)})
    else:
        offer.update({"price": _number(info.low), "priceValidUntil": info.valid_through})
    product = {
        "@type": "Product",
        "@id": f"{url}#product",
        "name": page.title,
        "description": getattr(page, "meta_description", ""),
        "image": {"@id": image_id} if image_id else None,
        "brand": {"@id": org_id},
        "offers": {"@id": offer["@id"]},
    }
    return [_compact(product), _compact(offer)]


def event_node(page, info, url: str, base: str, org_id: str, image_id: str | None, lang: str) -> dict:
    where = info.where
    offers = None
    if info.price is not None:
        offers = _compact({
            "@type": "Offer",
            "url": info.tickets,
            "price": _number(info.price),
            "priceCurrency": info.currency or None,
            "availability": f"{SCHEMA}/{info.availability}",
            "validFrom": page.date.isoformat() if getattr(page, "date", None) else None,
        })
    return _compact({
        "@type": info.type,
        "@id": f"{url}#event",
        "name": page.title,
        "description": getattr(page, "meta_description", ""),
        "url": url,
        "image": {"@id": image_id} if image_id else None,
        "startDate": info.start.isoformat(),
        "endDate": info.end.isoformat() if info.end else None,
        "eventStatus": f"{SCHEMA}/{info.status}",
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
        "location": {"@id": where.id} if where else None,
        "organizer": {"@id": org_id},
        "performer": [{"@type": "Person", "name": name} for name in info.performers],
        "offers": offers,
        "isAccessibleForFree": True if info.free else None,
        "maximumAttendeeCapacity": info.capacity,
        "inLanguage": lang,
    })


def venue_node(venue) -> dict:
    return {
        "@type": "Place",
        "@id": venue.id,
        "name": venue.name,
        "address": postal_address(venue.address),
        "hasMap": venue.map_url,
    }


def item_list(items: list[tuple[str, str]], list_id: str) -> dict:
    """An ItemList of (url, name) pairs, in order."""
    return {
        "@type": "ItemList",
        "@id": list_id,
        "numberOfItems": len(items),
        "itemListElement": [
            {"@type": "ListItem", "position": n, "url": url, "name": name}
            for n, (url, name) in enumerate(items, start=1)
        ],
    }


def breadcrumb(trail: list[tuple[str, str]], url: str) -> dict:
    return {
        "@type": "BreadcrumbList",
        "@id": f"{url}#breadcrumb",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": item}
            for n, (name, item) in enumerate(trail, start=1)
        ],
    }


_LIST_KINDS = {"index", "category", "tag", "author", "archives", "categories", "tags", "authors"}


def page_graph(ctx, meta, profile: Profile | None, conf: dict) -> dict:
    """The whole JSON-LD document of the page being rendered."""
    base = public_base(ctx)
    kind = meta.kind
    url = meta.canonical
    lang = ctx.get("DEFAULT_LANG") or "en"
    now = ctx.get("BUILD_NOW")
    today = now.date() if isinstance(now, dt.datetime) else dt.date.today()
    graph = GraphBuilder()
    org_id = f"{base}/#organization"
    if profile is not None:
        business = profile.business
        org = graph.add(place_node(business, base, today, ctx, org_id))
        if business.logo:
            graph.add(logo_node(business, base))
    else:
        org = graph.add({"@type": "Organization", "@id": org_id, "name": ctx.get("SITENAME", ""), "url": f"{base}/"})
    website = graph.add(_compact({
        "@type": "WebSite",
        "@id": f"{base}/#website",
        "url": f"{base}/",
        "name": ctx.get("SITENAME", ""),
        "description": ctx.get("SITE_TAGLINE", ""),
        "publisher": ref(org),
        "inLanguage": lang,
    }))

    article = ctx.get("article") if kind == "article" else None
    page = ctx.get("page") if kind not in _LIST_KINDS and kind != "article" else None
    content = article or page
    blog = (ctx.get("ONPAGE") or {}).get("blog_title") or "Blog"
    blog_url = absolute(base, ctx.get("INDEX_URL") or "blog/")
    home = ("Home", f"{base}/")

    webpage = {
        "@type": "WebPage",
        "@id": url,
        "url": url,
        "name": meta.title,
        "description": meta.description,
        "isPartOf": ref(website),
        "inLanguage": lang,
    }
    image_id = None
    if meta.image is not None:
        image_id = f"{url}#primaryimage"
        graph.add(image_object(meta.image, image_id))
        webpage["primaryImageOfPage"] = {"@id": image_id}
        webpage["thumbnailUrl"] = meta.image.url
    trail: list[tuple[str, str]] = []
    page_type = "WebPage"
    later: list[dict] = []

    if content is not None and getattr(content, "date", None) and kind not in ("location", "locations", "events"):
        webpage["datePublished"] = content.date.isoformat()
        modified = getattr(content, "modified", None) or content.date
        webpage["dateModified"] = modified.isoformat()

    if kind == "article":
        authors = [graph.add(person_node(a, base, org_id, ctx)) for a in getattr(article, "authors", []) or []]
        trail = [home, (blog, blog_url)]
        if getattr(article, "category", None):
            trail.append((str(article.category), absolute(base, article.category.url)))
        trail.append((article.title, url))
        modified = getattr(article, "modified", None) or article.date
        later.append(_compact({
            "@type": "BlogPosting",
            "@id": f"{url}#article",
            "headline": headline(article.title),
            "description": meta.description,
            "url": url,
            "image": {"@id": image_id} if image_id else None,
            "thumbnailUrl": meta.image.url if meta.image else None,
            "datePublished": article.date.isoformat(),
            "dateModified": modified.isoformat(),
            "author": [ref(a) for a in authors] or [ref(org)],
            "publisher": ref(org),
            "mainEntityOfPage": {"@id": url},
            "isPartOf": ref(website),
            "keywords": _keywords(article),
            "articleSection": str(article.category) if getattr(article, "category", None) else None,
            "wordCount": getattr(article, "word_count", None),
            "timeRequired": f"PT{article.reading_time}M" if getattr(article, "reading_time", None) else None,
            "inLanguage": lang,
        }))
    elif kind == "home":
        page_type = "WebPage"
        webpage["about"] = ref(org)
    elif kind == "location" and profile is not None:
        place = ctx["location"]
        graph.add(place_node(place, base, today, ctx, org_id))
        webpage["about"] = webpage["mainEntity"] = {"@id": place.id}
        if len(profile.locations) > 1:
            trail = [home, (conf["locations_title"], absolute(base, conf["locations_index_url"])), (place.name, url)]
        else:
            trail = [home, (place.name, url)]
    elif kind == "locations" and profile is not None:
        page_type = "CollectionPage"
        for place in profile.locations:
            graph.add(place_node(place, base, today, ctx, org_id))
        listing = item_list([(p.url, p.name) for p in profile.locations], f"{url}#locations")
        for element, place in zip(listing["itemListElement"], profile.locations, strict=True):
            element.pop("url")
            element.pop("name")
            element["item"] = {"@id": place.id}
        later.append(listing)
        webpage["mainEntity"] = {"@id": listing["@id"]}
        webpage["about"] = ref(org)
        trail = [home, (page.title, url)]
    elif kind == "event" and getattr(page, "event", None):
        info = page.event
        if info.venue is not None:
            graph.add(venue_node(info.venue))
        elif info.place is not None and info.place.is_location:
            graph.add(place_node(info.place, base, today, ctx, org_id))
        event = event_node(page, info, url, base, org_id, image_id, lang)
        later.append(event)
        webpage["mainEntity"] = {"@id": event["@id"]}
        trail = [home, (conf["events_title"], absolute(base, conf["events_index_url"])), (page.title, url)]
    elif kind == "events":
        page_type = "CollectionPage"
        upcoming = list(ctx.get("events") or [])
        for event_page in upcoming:
            info = event_page.event
            event_url = absolute(base, event_page.url)
            if info.venue is not None:
                graph.add(venue_node(info.venue))
            elif info.place is not None and info.place.is_location:
                graph.add(place_node(info.place, base, today, ctx, org_id))
            later.append(event_node(event_page, info, event_url, base, org_id, None, lang))
        listing = item_list([(absolute(base, e.url), e.title) for e in upcoming], f"{url}#events")
        for element, event in zip(listing["itemListElement"], later, strict=True):
            element.pop("url")
            element.pop("name")
            element["item"] = {"@id": event["@id"]}
        later.append(listing)
        webpage["mainEntity"] = {"@id": listing["@id"]}
        trail = [home, (page.title, url)]
    elif kind in _LIST_KINDS:
        page_type = "CollectionPage"
        trail = [home, (blog, blog_url)]
        label = {"category": ctx.get("category"), "tag": ctx.get("tag"), "author": ctx.get("author")}.get(kind)
        if label is not None:
            trail.append((str(label), url))
        elif kind != "index":
            trail.append((meta.title.split(" · ")[0], url))
        number = meta.title.rsplit("Page ", 1)[-1] if " · Page " in meta.title else ""
        if number:
            trail.append((f"Page {number}", url))
        items = _list_items(ctx, kind, base)
        if items and kind != "author":  # an author's page is about the person
            listing = item_list(items, f"{url}#items")
            later.append(listing)
            webpage["mainEntity"] = {"@id": listing["@id"]}
        if kind == "author" and ctx.get("author") is not None:
            page_type = "ProfilePage"
            person = graph.add(person_node(ctx["author"], base, org_id, ctx))
            webpage["mainEntity"] = ref(person)
            webpage["about"] = ref(person)
    elif page is not None:
        slug = getattr(page, "slug", "")
        page_type = str(page.metadata.get("page_type") or conf["page_types"].get(slug) or "WebPage")
        if page_type in ("AboutPage", "ContactPage"):
            webpage["about"] = ref(org)
        if page_type == "ContactPage":
            webpage["mainEntity"] = ref(org)
        if getattr(page, "offer", None) is not None:
            product, offer = offer_nodes(page, page.offer, url, org_id, image_id)
            later += [product, offer]
            webpage["mainEntity"] = ref(product)
        trail = [home, (page.title, url)]

    faq = getattr(content, "faq", None) if content is not None else None
    if faq:
        page_type = "FAQPage" if page_type == "WebPage" else [page_type, "FAQPage"]
        questions = []
        for number, question in enumerate(faq, start=1):
            node = {
                "@type": "Question",
                "@id": f"{url}#faq-{number}",
                "name": question.name,
                "acceptedAnswer": {"@type": "Answer", "text": question.answer},
            }
            if question.anchor:
                node["url"] = f"{url}#{question.anchor}"
            questions.append(node)
        later += questions
        # Google reads an FAQPage's questions from mainEntity; what the page was
        # about otherwise (a product, the business) stays its `about`.
        previous = webpage.pop("mainEntity", None)
        if previous is not None and "about" not in webpage:
            webpage["about"] = previous
        webpage["mainEntity"] = [ref(q) for q in questions]

    webpage["@type"] = page_type
    if len(trail) >= 2:
        crumbs = graph.add(breadcrumb(trail, url))
        webpage["breadcrumb"] = ref(crumbs)
    graph.add(_compact(webpage))
    for node in later:
        graph.add(node)
    return graph.document()


def _list_items(ctx, kind: str, base: str) -> list[tuple[str, str]]:
    if kind in ("index", "category", "tag", "author"):
        page = ctx.get("articles_page")
        articles = page.object_list if page is not None else ctx.get("articles") or []
    elif kind == "archives":
        articles = ctx.get("dates") or []
    else:
        return []
    return [(absolute(base, a.url), a.title) for a in articles]
