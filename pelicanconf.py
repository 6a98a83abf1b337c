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
PLUGINS = ["visibility", "landing", "onpage", "feeds"]

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

# plugins/feeds: Atom and RSS for every published post.
FEEDS = {
    "atom": "feeds/all.atom.xml",
    "rss": "feeds/all.rss.xml",
    "max_items": 50,
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

# One profile: the footer, the contact page and (with plugins/local_seo) the
# structured data all read it, so what people see and what machines read agree.
LOCAL_BUSINESS = {
    "type": "Bakery",
    "name": SITENAME,
    "legal_name": "Hearth & Honey Bakery LLC",
    "description": (
        "Neighborhood bakery and café baking naturally leavened bread, "
        "viennoiserie and custom cakes with Vermont flour since 2014."
    ),
    "telephone": "+1-802-555-0142",
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
    "price_range": "$$",
    "logo": "theme/logo.svg",
    "image": "images/hero-storefront.jpg",
    "same_as": [],
}

# Customer segments: landing-page variants, feeds and newsletters use the keys.
SEGMENTS = {
    "families": {
        "label": "Families",
        "description": "Households ordering bread, birthday and holiday cakes.",
    },
    "offices": {
        "label": "Offices",
        "description": "Teams ordering breakfast boxes and meeting catering.",
    },
    "weddings": {
        "label": "Weddings",
        "description": "Couples planning a wedding cake and dessert table.",
    },
}
