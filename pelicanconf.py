"""Site settings for the demo business, Hearth & Honey Bakery.

This file is the one place a business owner (or their developer) edits to make
the kit theirs: the business profile, the customer segments and the URL scheme.
Production-only settings live in publishconf.py, which imports everything here.
"""

from pathlib import Path

_HERE = Path(__file__).resolve().parent

# --- The site ---------------------------------------------------------------

SITENAME = "Hearth & Honey Bakery"
SITE_TAGLINE = "Naturally leavened bread, custom cakes and office catering in Alder Falls"
AUTHOR = "Ana Ribeiro"
DEFAULT_LANG = "en"
TIMEZONE = "America/New_York"
DEFAULT_DATE_FORMAT = "%B %-d, %Y"

# Links inside the site. Empty while developing (root-relative links work on
# localhost); publishconf.py sets it to PUBLIC_SITEURL for production.
SITEURL = ""
# The public address of the site: canonical URLs, Open Graph, the sitemap and
# the feeds always use it, so a page previewed locally still names its real URL.
PUBLIC_SITEURL = "https://www.hearthandhoney.example"

PATH = "content"
OUTPUT_PATH = "output"
THEME = str(_HERE / "themes" / "mainstreet")

ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages", "landing"]
STATIC_PATHS = ["images", "extra"]
# Files that must sit at the site root (favicon, app icon).
EXTRA_PATH_METADATA = {
    "extra/favicon.ico": {"path": "favicon.ico"},
    "extra/apple-touch-icon.png": {"path": "apple-touch-icon.png"},
}
# content/emails/ is outreach material, never part of the site.
IGNORE_FILES = [".#*", "*~", "emails"]

# --- Pretty URLs ------------------------------------------------------------

ARTICLE_URL = "blog/{slug}/"
ARTICLE_SAVE_AS = "blog/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
INDEX_SAVE_AS = "blog/index.html"
INDEX_URL = "blog/"
CATEGORY_URL = "blog/category/{slug}/"
CATEGORY_SAVE_AS = "blog/category/{slug}/index.html"
CATEGORIES_URL = "blog/categories/"
CATEGORIES_SAVE_AS = "blog/categories/index.html"
TAG_URL = "blog/tag/{slug}/"
TAG_SAVE_AS = "blog/tag/{slug}/index.html"
TAGS_URL = "blog/tags/"
TAGS_SAVE_AS = "blog/tags/index.html"
AUTHOR_URL = "blog/author/{slug}/"
AUTHOR_SAVE_AS = "blog/author/{slug}/index.html"
AUTHORS_URL = "blog/authors/"
AUTHORS_SAVE_AS = "blog/authors/index.html"
ARCHIVES_URL = "blog/archives/"
ARCHIVES_SAVE_AS = "blog/archives/index.html"
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives"]
DEFAULT_PAGINATION = 6
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Drafts, hidden pages and future posts are never written (see plugins/visibility).
DRAFT_URL = DRAFT_SAVE_AS = DRAFT_LANG_URL = DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_URL = DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_URL = DRAFT_PAGE_LANG_SAVE_AS = ""
# Pelican's WITH_FUTURE_DATES reads the wall clock; plugins/visibility holds
# future posts back with an injectable clock instead.
WITH_FUTURE_DATES = True
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""

# Pelican's own feed writer is off: plugins/feeds writes every feed with feedgen.
FEED_ALL_ATOM = FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None

# Images and the favicon live at the site root (/images/..., /favicon.ico).
STATIC_URL = "{path}"
STATIC_SAVE_AS = "{path}"
THEME_STATIC_DIR = "theme"

# Autoescape everything a template prints; templates mark rendered Markdown
# (content, summary) with |safe explicitly.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {"permalink": False},
        "markdown.extensions.sane_lists": {},
        "markdown.extensions.smarty": {},
    },
    "output_format": "html5",
}

SUMMARY_MAX_LENGTH = 40
TYPOGRIFY = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# --- Plugins (order is signal order) ---------------------------------------

PLUGIN_PATHS = [str(_HERE / "plugins")]
PLUGINS = ["visibility", "editorial", "landing", "onpage", "feeds", "local_seo", "hosting", "manifest"]
# plugins/hosting comes last: after every page is written it adds fingerprinted
# copies of theme assets and the security headers (_headers, _headers.nginx).

# Private build reports (manifest.json, calendar views), never part of output/.
# Relative to this file's folder; `--reports DIR` overrides it.
REPORTS_PATH = "reports"

# plugins/editorial: calendar/*.md drives the build and the calendar views.
EDITORIAL = {
    "path": "calendar",
    # Target posts per week for the plan report: one every two weeks.
    "cadence": 0.5,
}

# plugins/onpage: on-page SEO, sitemap.xml, robots.txt, 404 page.
ONPAGE = {
    "title_pattern": "{title} · {site}",
    "default_image": "images/hero-storefront.jpg",
    "default_image_alt": "The Hearth & Honey Bakery storefront on Mill Street",
    "twitter_site": "",
    # Thin list pages are kept out of search results (still followed).
    "noindex_templates": ["tag", "tags", "author", "authors", "archives", "categories"],
    "related_posts": 3,
    "words_per_minute": 230,
}

# plugins/feeds: Atom, RSS and JSON Feed of every published post, plus Atom
# and RSS per category (feeds/category/<slug>.*) and per segment (feeds/segment/<key>.*).
FEEDS = {
    "atom": "feeds/all.atom.xml",
    "rss": "feeds/all.rss.xml",
    "json": "feeds/all.json",
    "max_items": 50,
}

# outreach/ (`invoke newsletter`): the newsletter and the welcome sequence.
# SMTP comes only from MAINSTREET_SMTP_* environment variables, never from here.
NEWSLETTER = {
    "from": "Ana at Hearth & Honey <news@hearthandhoney.example>",
    "reply_to": "hello@hearthandhoney.example",
    "subject": "{title} · Hearth & Honey news",
    "max_items": 5,
    # Must accept a POST (RFC 8058 one-click unsubscribe): your email service's or form backend's URL.
    "unsubscribe_url": "https://www.hearthandhoney.example/unsubscribe?s={token}",
    "unsubscribe_mailto": "unsubscribe@hearthandhoney.example",
}

# outreach/ (`invoke social`): weekly posting slots per platform, in TIMEZONE.
SOCIAL = {
    "slots": {
        "facebook": ["tue 10:00", "thu 10:00", "sat 09:00"],
        "instagram": ["wed 12:00", "sat 10:30"],
        "linkedin": ["tue 08:30", "thu 08:30"],
        "x": ["mon 12:00", "wed 12:00", "fri 12:00"],
        "google-business": ["mon 09:00", "thu 09:00"],
    },
    "evergreen_weeks": 8,
}

# Shown on the home page, in this order.
SERVICES = [
    {
        "name": "Daily bread & pastries",
        "summary": "Naturally leavened loaves, croissants and morning buns, baked before sunrise.",
        "url": "services/",
    },
    {
        "name": "Custom cakes",
        "summary": "Birthday, holiday and wedding cakes to order, from a six-inch round to three tiers.",
        "url": "services/",
    },
    {
        "name": "Office catering",
        "summary": "Breakfast boxes and meeting trays delivered within 10 miles of Alder Falls.",
        "url": "services/",
    },
    {
        "name": "Baking classes",
        "summary": "Weekend classes in sourdough, laminated dough and cake decorating, 8 people at most.",
        "url": "services/",
    },
]

# --- Navigation -------------------------------------------------------------

MENU = [
    ("Home", ""),
    ("Services", "services/"),
    ("Blog", "blog/"),
    ("About", "about/"),
    ("Contact", "contact/"),
]

# --- The business -----------------------------------------------------------

# One profile: the footer, the contact page, the location and event pages and
# the structured data (JSON-LD) of every page all read it (plugins/local_seo),
# so what people see and what machines read agree. A mistake here fails the
# build with the key's path and the fix. README: "Local SEO profile".
LOCAL_BUSINESS = {
    "type": "Bakery",  # schema.org LocalBusiness or a subtype: Bakery, Plumber, Dentist ...
    "name": SITENAME,
    "legal_name": "Hearth & Honey Bakery LLC",
    "url": PUBLIC_SITEURL + "/",
    "description": (
        "Neighborhood bakery and café baking naturally leavened bread, "
        "viennoiserie and custom cakes with Vermont flour since 2014."
    ),
    "founding_date": "2014",
    "telephone": "+1-802-555-0142",  # international format
    "email": "hello@hearthandhoney.example",
    "address": {
        "street": "42 Mill Street",
        "locality": "Alder Falls",
        "region": "VT",
        "postal_code": "05701",
        "country": "US",
    },
    "geo": {"latitude": 43.6106, "longitude": -72.9726},
    # Per weekday: a list of [opens, closes] ranges (24-hour clock); [] = closed.
    "opening_hours": {
        "monday": [],
        "tuesday": [["07:00", "18:00"]],
        "wednesday": [["07:00", "18:00"]],
        "thursday": [["07:00", "18:00"]],
        "friday": [["07:00", "18:00"]],
        "saturday": [["08:00", "16:00"]],
        "sunday": [["08:00", "13:00"]],
    },
    # Dates whose hours differ (holidays); "through" for several days, [] = closed.
    # Past dates drop out of the pages and the data by themselves.
    "special_hours": [
        {"date": "2026-11-26", "hours": [], "label": "Thanksgiving"},
        {"date": "2026-12-24", "hours": [["07:00", "14:00"]], "label": "Christmas Eve"},
        {"date": "2026-12-25", "through": "2026-12-26", "hours": [], "label": "Christmas"},
        {"date": "2026-12-31", "hours": [["07:00", "15:00"]], "label": "New Year's Eve"},
        {"date": "2027-01-01", "hours": [], "label": "New Year's Day"},
    ],
    "price_range": "$$",
    "currency": "USD",
    "payment_accepted": ["Cash", "Credit Card", "Debit Card", "Apple Pay", "Google Pay"],
    # Place names, or a radius around the bakery: {"radius_miles": 10}.
    "area_served": ["Alder Falls", "Rutland County", {"radius_miles": 10, "label": "within 10 miles of Alder Falls"}],
    "amenities": ["Café seating", "Step-free entrance", "Free Wi-Fi", "Street parking on Mill Street"],
    "logo": "theme/logo.svg",
    "image": ["images/hero-storefront.jpg", "images/contact-storefront.jpg"],
    "same_as": [
        "https://www.instagram.com/hearthandhoneybakery",
        "https://www.facebook.com/hearthandhoneybakery",
    ],
}

# Branches: each gets /locations/<slug>/ with its own address, phone, map and
# hours (and its own LocalBusiness in the structured data); /locations/ lists
# them when there are several. Anything not given (type, price range, payment,
# payment, holiday hours ...) comes from LOCAL_BUSINESS; the one marked
# "main": True is the business's own shop and takes its name, address, phone,
# geo, hours and amenities too. Leave it empty for a business with one shop:
# the contact page then carries everything.
LOCATIONS = [
    {
        "slug": "mill-street",
        # The business's own shop: name, address, phone, email, hours and
        # amenities come from LOCAL_BUSINESS unless given here.
        "main": True,
        "name": "Hearth & Honey Bakery & Café, Mill Street",
        "description": (
            "Our bakery and café on Mill Street: the ovens, the full counter of bread and pastries, "
            "coffee, cake pickups and the weekend baking classes."
        ),
        "image": "images/contact-storefront.jpg",
    },
    {
        "slug": "depot-market",
        "name": "Hearth & Honey Bread Counter, Depot Market",
        "type": "Bakery",
        "description": (
            "Our bread counter in the Depot Market hall: the morning's loaves, croissants "
            "and pre-ordered cakes, without crossing town."
        ),
        "telephone": "+1-802-555-0178",
        "address": {
            "street": "7 Depot Square",
            "locality": "Alder Falls",
            "region": "VT",
            "postal_code": "05701",
            "country": "US",
        },
        "geo": {"latitude": 43.6071, "longitude": -72.9688},
        "opening_hours": {
            "monday": [],
            "tuesday": [],
            "wednesday": [["07:30", "13:00"]],
            "thursday": [["07:30", "13:00"]],
            "friday": [["07:30", "13:00"], ["15:00", "18:30"]],
            "saturday": [["07:30", "14:00"]],
            "sunday": [],
        },
        "amenities": ["Free parking at the Depot Market", "Step-free entrance", "Cake pickups by arrangement"],
    },
]

# plugins/local_seo: where location and event pages go, and FAQ headings.
# Defaults are in README, "Settings reference"; this demo uses them all.
LOCAL_SEO = {}

# Customer segments: landing-page variants, feeds and newsletters use the keys.
# A landing page's variant for a segment takes its `tone` (one of
# LANDING["tones"]) and `offer` unless the page's block for it says otherwise.
SEGMENTS = {
    "families": {
        "label": "Families",
        "description": "Households ordering bread, birthday and holiday cakes.",
        "tone": "warm",
        "offer": "Order a week ahead and save 10% on any celebration cake",
    },
    "offices": {
        "label": "Offices",
        "description": "Teams ordering breakfast boxes and meeting catering.",
        "tone": "crisp",
        "offer": "Free delivery within 10 miles of Alder Falls on orders over $150",
    },
    "weddings": {
        "label": "Weddings",
        "description": "Couples planning a wedding cake and dessert table.",
        "tone": "warm",
        "offer": "A free tasting for two with every wedding cake order",
    },
}

# plugins/landing: landing pages (content/landing/) with segment variants, A/B
# arms, dynamic text and lead forms. README: "Landing pages"; every option and
# its default: "Settings reference". The demo's form address is a placeholder:
# put your Formspree (or similar) form's address here.
LANDING = {
    "form_action": "https://forms.hearthandhoney.example/holiday-cakes",
}
