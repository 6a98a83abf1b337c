"""Landing pages: variants, arms, UTM links, forms and authoring errors, from real builds.

The pages are read back with BeautifulSoup, URLs with urllib.parse, the
sitemap with advertools, feeds with feedparser. Browser behaviour (the arm a
visitor gets, dynamic text, privacy signals) is in test_landing_browser.py.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, parse_qsl, urlsplit

import advertools as adv
import feedparser
import pytest
from conftest import DEMO_NOW, run_build
from landing_support import ARMS, BASE, BREAD_CLUB, build_landing_site, line_of, make_project

from plugins.landing.authoring import MAX_ARMS, parse_arms, scan_blocks
from plugins.landing.links import tag_outbound_links, with_utm
from plugins.landing.scripts import BUDGET, csp_hash, script_text

CLUB = "/offers/bread-club/"
VARIANTS = {"families": CLUB + "families/", "offices": CLUB + "offices/"}
ALL_PAGES = [CLUB, *VARIANTS.values()]


@pytest.fixture(scope="module")
def club(tmp_path_factory):
    return build_landing_site(tmp_path_factory.mktemp("landing") / "site")


def utm(href: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(href).query))


# --- pages and variants -----------------------------------------------------------


def test_each_segment_gets_a_variant_page_below_the_base_page(club):
    for url in ALL_PAGES:
        assert club.page(url).soup.h1 is not None, url
    assert not (club.output / "offers" / "bread-club" / "weddings").exists(), "weddings is not in Segments"


def test_variants_are_canonical_to_the_base_page_and_left_out_of_the_sitemap(club):
    assert club.page(CLUB).canonical == BASE + CLUB
    for url in VARIANTS.values():
        page = club.page(url)
        assert page.canonical == BASE + CLUB
        assert page.meta("og:url") == BASE + CLUB
    listed = set(adv.sitemap_to_df((club.output / "sitemap.xml").as_uri())["loc"])
    assert BASE + CLUB in listed
    assert not {BASE + url for url in VARIANTS.values()} & listed


def test_variants_are_in_no_feed(club):
    feeds = [path for path in (club.output / "feeds").rglob("*") if path.is_file()]
    assert feeds
    for path in feeds:
        if path.suffix == ".xml":
            links = [entry.link for entry in feedparser.parse(path.read_bytes()).entries]
        else:
            links = [item["url"] for item in json.loads(path.read_text())["items"]]
        assert not [link for link in links if "/offers/" in link], path


def test_variants_have_their_own_title_description_and_social_tags(club):
    base, families, offices = (club.page(url) for url in ALL_PAGES)
    assert families.soup.title.string == "Bread Club for Families · Test Bakery"
    assert families.meta("description").startswith("A family loaf every Saturday from the test bakery")
    assert families.meta("og:title") == families.soup.title.string
    assert families.meta("og:description") == families.meta("description")
    # offices sets no Title: the base title with the segment's label; its Intro describes it
    assert offices.soup.title.string == "Bread Club Spring Sale (Offices) · Test Bakery"
    assert offices.meta("description").startswith("Feed the team on Monday with Saturday's bake.")
    assert offices.meta("og:image") == BASE + "/images/bread.jpg"
    assert offices.meta("og:image:alt") == "Loaves cooling on a rack"
    assert offices.soup.select_one(".hero-media img")["src"] == "/images/bread.jpg"
    assert base.meta("og:image") == BASE + "/images/hero.jpg"
    titles = {p.soup.title.string for p in (base, families, offices)}
    descriptions = {p.meta("description") for p in (base, families, offices)}
    assert len(titles) == len(descriptions) == 3


def test_fields_fall_back_from_block_to_segment_defaults_to_the_page(club):
    base, families, offices = (club.page(url) for url in ALL_PAGES)

    def arm_a(page, selector):
        element = page.soup.select_one(selector)
        first = element.select_one('[data-arm="0"]') or element
        return first.get_text(" ", strip=True)

    assert arm_a(base, "h1") == "Fresh sourdough every Saturday"
    assert arm_a(families, "h1") == "A family loaf every Saturday"
    assert arm_a(offices, "h1") == "Fresh sourdough every Saturday"  # not overridden
    assert offices.soup.select_one(".lede").get_text(strip=True) == "Feed the team on Monday with Saturday's bake."
    # Offer: the page's on the base page, each segment's default (SEGMENTS) on its variant
    assert "First month half price" in base.soup.select_one(".offer").get_text()
    assert "Order a week ahead" in families.soup.select_one(".offer").get_text()
    assert "Free delivery within 10 miles" in offices.soup.select_one(".offer").get_text()
    # Tone: SEGMENTS["offices"]["tone"] is crisp, the rest warm
    assert "tone-crisp" in offices.soup.body["class"] and "tone-warm" in families.soup.body["class"]
    assert "tone-warm" in base.soup.body["class"]


def test_segment_sections_show_only_on_their_variant(club):
    texts = {url: club.page(url).soup.select_one(".landing-body").get_text(" ", strip=True) for url in ALL_PAGES}
    assert "Only families read this." in texts[VARIANTS["families"]]
    assert "Only offices read this." in texts[VARIANTS["offices"]]
    assert "Only families read this." not in texts[CLUB] + texts[VARIANTS["offices"]]
    assert "Only offices read this." not in texts[CLUB] + texts[VARIANTS["families"]]
    for url, text in texts.items():
        assert "Shared text" in text and "Everyone reads this." in text, url
        assert ":::" not in text and "Headline:" not in text and "Cta text" not in text, url
    # sections stay where they were written: the offices section before the shared one after it
    offices = texts[VARIANTS["offices"]]
    assert offices.index("Only offices read this.") < offices.index("Everyone reads this.")


# --- A/B arms ---------------------------------------------------------------------


def test_every_arm_is_prerendered_and_arm_a_comes_first(club):
    for url in ALL_PAGES:
        soup = club.page(url).soup
        script = soup.select_one("script[data-experiment]")
        assert script["data-experiment"] == "club-headline"
        arms = [part.split(":") for part in script["data-arms"].split()]
        assert {name: float(weight) for name, weight in arms} == ARMS
        assert [name for name, _ in arms] == list(ARMS), "arm order is the Arms line's"
        headline = soup.h1.select('[data-arm]')
        assert [span["data-arm"] for span in headline] == ["0", "1", "2"]
        assert headline[1].get_text(" ", strip=True) == "Half price on your first month of bread"
        # the save arm's own section, marked with its index
        block = soup.select_one('.landing-body .arm-block[data-arm="1"]')
        assert "only the save arm shows" in block.get_text()
        assert len(soup.select(".btn-row a[data-arm]")) == 3
        # the script is in <head>, before the body is parsed (no flicker)
        assert script.find_parent("head") is not None


def test_the_theme_hides_every_arm_but_the_assigned_one(club):
    """main.css has a rule per arm index the plugin allows."""
    css = next((club.output / "theme" / "css").glob("main*.css")).read_text()
    assert 'html[data-ab]:not([data-ab="0"]) [data-arm="0"]' in css
    for index in range(1, MAX_ARMS):
        assert f'html:not([data-ab="{index}"]) [data-arm="{index}"]' in css
    assert f'[data-arm="{MAX_ARMS}"]' not in css


def test_inline_scripts_are_small_and_byte_identical_on_every_page(club, demo_site):
    report = json.loads((club.reports / "landing.json").read_text())
    texts = {"ab": set(), "landing": set()}
    for site, urls in ((club, ALL_PAGES), (demo_site, ["/offers/holiday-cakes/"])):
        for url in urls:
            soup = site.page(url).soup
            texts["ab"].add(soup.select_one("script[data-experiment]").string)
            texts["landing"].add(soup.select_one("script[data-params]").string)
    for name, found in texts.items():
        assert found == {script_text(name)}, f"the {name} script differs between pages"
        assert report["scripts"][name]["csp"] == csp_hash(script_text(name))
        assert report["scripts"][name]["bytes"] == len(script_text(name).encode())
    assert len(script_text("ab").encode()) < BUDGET
    assert len(script_text("landing").encode()) < BUDGET


def test_report_lists_pages_variants_and_experiments(club):
    pages = {p["url"]: p for p in json.loads((club.reports / "landing.json").read_text())["pages"]}
    assert set(pages) == {*ALL_PAGES, "/offers/spring-sale/"}
    assert pages["/offers/spring-sale/"]["experiment"] is None
    assert pages[VARIANTS["offices"]]["canonical"] == CLUB
    assert pages[VARIANTS["offices"]]["segment"] == "offices"
    assert [a["name"] for a in pages[CLUB]["arms"]] == list(ARMS)


def test_manifest_lists_variants_with_their_segment(club):
    manifest = json.loads((club.reports / "manifest.json").read_text())
    entries = {p["url"]: p for p in manifest["pages"] if p["url"].startswith(CLUB)}
    assert entries[VARIANTS["families"]]["segment"] == "families"
    assert entries[VARIANTS["families"]]["kind"] == "landing"
    assert entries[CLUB]["segment"] is None


# --- UTM ----------------------------------------------------------------------------


def test_every_cta_carries_utm_parameters_for_its_segment_and_arm(club):
    names = list(ARMS)
    for url in ALL_PAGES:
        segment = url.rstrip("/").rsplit("/", 1)[-1] if url != CLUB else "all"
        ctas = club.page(url).soup.select("a[data-goal]")
        assert len(ctas) == 2 * len(ARMS), url  # hero and closing band, one per arm
        for cta in ctas:
            params = parse_qs(urlsplit(cta["href"]).query)
            arm = names[int(cta["data-arm"])]
            assert params["utm_source"] == ["landing-page"]
            assert params["utm_medium"] == ["website"]
            assert params["utm_campaign"] == ["bread-club"]
            assert params["utm_content"] == [f"{segment}.{arm}"]


def test_cta_links_keep_their_own_query_and_fragment(club):
    base_cta = urlsplit(club.page(CLUB).soup.select_one("a[data-goal]")["href"])
    assert (base_cta.path, base_cta.fragment) == ("/about/", "join")
    assert parse_qs(base_cta.query)["from"] == ["club"]
    office_cta = urlsplit(club.page(VARIANTS["offices"]).soup.select_one("a[data-goal]")["href"])
    assert (office_cta.scheme, office_cta.netloc, office_cta.path) == ("https", "orders.example", "/office")
    assert office_cta.query.startswith("team=1&utm_source=") and office_cta.fragment == "start"


def test_outbound_links_get_utm_and_internal_links_do_not(club):
    body = club.page(VARIANTS["families"]).soup.select_one(".landing-body")
    mill = body.find("a", string="outbound link")
    parts = urlsplit(mill["href"])
    assert parts.query.startswith("grade=t65&sack=25&") and parts.fragment == "rye"
    assert utm(mill["href"])["utm_content"] == "families.control"
    assert mill["data-utm"] == "families.{arm}", "the page script puts the visitor's arm in"
    save = body.find("a", string="mill link")  # inside the save arm's section
    assert utm(save["href"])["utm_content"] == "families.save" and not save.has_attr("data-utm")
    assert body.find("a", string="internal link")["href"] == "/about/"
    assert body.find("a", string="mail link")["href"] == "mailto:hello@test-bakery.example"


def test_with_utm_uses_the_url_library_and_keeps_what_is_there():
    params = {"utm_source": "s", "utm_medium": "m", "utm_campaign": "c", "utm_content": "all.A"}
    url = with_utm("https://ex.example/a/b?q=x%20y&utm_source=flyer#frag", params)
    parts = urlsplit(url)
    assert parts.fragment == "frag" and parts.query.startswith("q=x%20y&utm_source=flyer&")
    assert parse_qs(parts.query)["utm_source"] == ["flyer"], "the author's own UTM value wins"
    assert parse_qs(parts.query)["utm_content"] == ["all.A"]
    assert with_utm("mailto:a@b.example", params) == "mailto:a@b.example"
    assert with_utm("#top", params) == "#top"
    assert urlsplit(with_utm("/contact/", params)).path == "/contact/"
    tagged = tag_outbound_links('<a href="https://x.example/?a=1&amp;b=2">x</a>', params, {"site.example"})
    assert "a=1&amp;b=2&amp;utm_source=s" in tagged


# --- dynamic text, forms --------------------------------------------------------------


def test_dynamic_text_is_marked_with_its_default_words(club):
    soup = club.page(CLUB).soup
    marked = soup.h1.select("[data-dtr]")
    assert [m.get_text() for m in marked] == ["sourdough", "bread", "sourdough"]
    assert "{keyword" not in str(soup) and "keyword:" not in soup.title.string
    assert soup.select_one("a[data-goal] [data-dtr]").get_text() == "bread"
    script = soup.select_one("script[data-params]")
    assert script["data-params"] == "kw utm_term" and script["data-max"] == "40"
    assert script["data-landing"] == "bread-club" and script["data-segment"] == "all"


def test_lead_form_has_labels_required_fields_honeypot_and_hidden_context(club):
    soup = club.page(VARIANTS["offices"]).soup
    form = soup.select_one("form.lead-form")
    assert form["action"] == "https://forms.example/club" and form["method"] == "post"
    fields = {field["name"]: field for field in form.select("input:not([type=hidden]), textarea")}
    assert set(fields) == {"name", "email", "phone", "message", "_gotcha"}
    for name, field in fields.items():
        assert soup.find("label", attrs={"for": field["id"]}), f"{name} has no label"
    assert fields["name"].has_attr("required") and fields["email"].has_attr("required")
    assert fields["email"]["type"] == "email"
    assert not fields["phone"].has_attr("required") and not fields["message"].has_attr("required")
    honeypot = fields["_gotcha"]
    assert honeypot["tabindex"] == "-1" and honeypot.find_parent(attrs={"aria-hidden": "true"})
    hidden = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
    assert hidden == {"landing": "bread-club", "segment": "offices", "experiment": "club-headline", "arm": ""}


# --- the demo -------------------------------------------------------------------------


def test_demo_holiday_page_has_two_variants_and_an_experiment(demo_site):
    base = demo_site.page("/offers/holiday-cakes/")
    assert base.soup.select_one("script[data-experiment]")["data-arms"] == "A:50 B:50"
    sitemap = (demo_site.output / "sitemap.xml").read_text()
    for segment in ("families", "offices"):
        variant = demo_site.page(f"/offers/holiday-cakes/{segment}/")
        assert variant.canonical == "https://www.hearthandhoney.example/offers/holiday-cakes/"
        assert variant.soup.title.string != base.soup.title.string
        assert f"/offers/holiday-cakes/{segment}/" not in sitemap
        assert len(variant.soup.select("h1 [data-arm]")) == 2


# --- authoring units -------------------------------------------------------------------


def test_arms_line_weights():
    arms, problem = parse_arms("A 70%, B")
    assert problem is None and [(a.name, a.weight) for a in arms] == [("A", 70.0), ("B", 30.0)]
    arms, problem = parse_arms("one, two, three")
    assert problem is None and sum(a.weight for a in arms) == pytest.approx(100)
    for text, expected in (
        ("A", "at least two arms"),
        ("A 70%, B 40%", "add up to 110%"),
        ("A 100%, B", "leaving nothing for B"),
        ("A, A", "listed twice"),
        ("A, B?", "is not 'name' or 'name 30%'"),
        (", ".join(f"arm{i}" for i in range(MAX_ARMS + 1)), f"at most {MAX_ARMS} arms"),
    ):
        assert expected in parse_arms(text)[1], text


def test_blocks_are_read_with_their_lines_and_fenced_code_is_left_alone():
    lines = [
        "Intro.",  # 10
        "",
        "::: for families",  # 12
        "Headline: Hi",
        "Cta text: Go",
        "",
        "Body",
        ":::",
        "```",
        "::: for offices",  # inside a code fence: text
        "```",
    ]
    scan = scan_blocks(lines, first_line=10)
    assert scan.problems == []
    [block] = scan.blocks
    assert (block.kind, block.name, block.line) == ("for", "families", 12)
    assert block.fields == {"headline": ("Hi", 13), "cta_text": ("Go", 14)}
    assert "::: for offices" in scan.lines and "Body" in scan.lines and "Headline: Hi" not in scan.lines


# --- mistakes are build errors with file and line ---------------------------------------

BROKEN = {
    "landing/unknown-segment.md": "Title: A\nSlug: unknown-segment\nSegments: families, pirates\n\nBody.\n",
    "landing/one-arm.md": "Title: B\nSlug: one-arm\nExperiment: lonely\nArms: only\n\nBody.\n",
    "landing/no-arms.md": "Title: C\nSlug: no-arms\nExperiment: lonely\n\nBody.\n",
    "landing/weights.md": "Title: D\nSlug: weights\nExperiment: heavy\nArms: A 70%, B 40%\n\nBody.\n",
    "landing/bad-field.md": (
        "Title: E\nSlug: bad-field\nSegments: families\n\nBody.\n\n::: for families\nHeadlin: typo\n:::\n"
    ),
    "landing/arm-field.md": (
        "Title: F\nSlug: arm-field\nExperiment: x\nArms: A, B\n\n::: arm B\nImage: images/hero.jpg\n:::\n"
    ),
    "landing/block-segment.md": "Title: G\nSlug: block-segment\n\n::: for pirates\nHeadline: Arr\n:::\n",
    "landing/unlisted-segment.md": "Title: H\nSlug: unlisted\nSegments: families\n\n::: for offices\n\nHi.\n:::\n",
    "landing/unclosed.md": "Title: I\nSlug: unclosed\nSegments: families\n\n::: for families\n\nNo end.\n",
    "landing/unknown-arm.md": "Title: J\nSlug: unknown-arm\nExperiment: x\nArms: A, B\n\n::: arm C\n\nHi.\n:::\n",
    "landing/no-alt.md": (
        "Title: K\nSlug: no-alt\nSegments: offices\n\n::: for offices\nImage: images/bread.jpg\n:::\n"
    ),
    "landing/form.md": "Title: L\nSlug: form\nForm: name, fax\n\nBody.\n",
    "landing/arms-alone.md": "Title: M\nSlug: arms-alone\nArms: A, B\n\nBody.\n",
    "landing/tone.md": "Title: N\nSlug: tone\nTone: neon\n\nBody.\n",
    "posts/blocky.md": "Title: O\nDate: 2026-01-05\nSlug: blocky\n\nText.\n\n::: for families\n\nHi.\n:::\n",
}
BROKEN_SETTINGS = """
LANDING = dict(LANDING, form_action="https://forms.example/x", colour="red")  # noqa: F405
SEGMENTS = dict(SEGMENTS, parties={"label": "Parties", "tone": "neon"})  # noqa: F405
"""
EXPECTED = [
    ("landing/unknown-segment.md", "Segments:", "unknown segment 'pirates'; use one of: families, offices, weddings"),
    ("landing/one-arm.md", "Arms:", "an experiment needs at least two arms, found 1"),
    ("landing/no-arms.md", "Experiment:", "experiment 'lonely' needs at least two arms"),
    ("landing/weights.md", "Arms:", "the weights add up to 110%, not 100%"),
    ("landing/bad-field.md", "Headlin:", "unknown field 'Headlin' in a segment block; use one of: Title,"),
    ("landing/arm-field.md", "Image:", "unknown field 'Image' in an arm block; use one of: Headline, Intro,"),
    ("landing/block-segment.md", "::: for pirates", "unknown segment 'pirates'"),
    ("landing/unlisted-segment.md", "::: for offices", "segment 'offices' is not in this page's Segments line"),
    ("landing/unclosed.md", "::: for families", "'::: for families' is never closed"),
    ("landing/unknown-arm.md", "::: arm C", "arm 'C' is not in this page's Arms line (A, B)"),
    ("landing/no-alt.md", "Image:", "this Image has no Image alt"),
    ("landing/form.md", "Form:", "unknown form field 'fax'"),
    ("landing/arms-alone.md", "Arms:", "Arms without an Experiment"),
    ("landing/tone.md", "Tone:", "unknown tone 'neon'; use one of: warm, crisp"),
    ("posts/blocky.md", "::: for", "blocks only work in landing pages"),
]


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("broken") / "site"
    conf = make_project(root, BROKEN, BROKEN_SETTINGS)
    output = root / "output"
    return run_build(conf, output, now=DEMO_NOW), output


@pytest.mark.parametrize(("rel", "needle", "message"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_authoring_mistakes_fail_the_build_with_file_and_line(broken_build, rel, needle, message):
    result, output = broken_build
    assert result.returncode == 1
    assert not output.exists(), "a failed build writes nothing"
    line = line_of(BROKEN[rel], needle)
    errors = [text for text in result.stderr.splitlines() if text.startswith(f"error: content/{rel}:")]
    assert any(text.startswith(f"error: content/{rel}:{line}: landing: ") and message in text for text in errors), (
        f"expected {message!r} at content/{rel}:{line}; got {errors}"
    )


def test_settings_mistakes_name_the_setting(broken_build):
    result, _ = broken_build
    assert "LANDING['colour']: unknown setting" in result.stderr
    assert "SEGMENTS['parties']['tone'] = 'neon'; expected one of LANDING['tones']" in result.stderr


def test_a_valid_landing_page_builds_without_warnings(club):
    assert not re.search(r"^(warning|error):", club.result.stderr, re.M), club.result.stderr


def test_fixture_text_is_what_the_tests_read():
    """The fixture really has what the tests above rely on (guards against edits to it)."""
    assert BREAD_CLUB.count(":::") == 6
    assert line_of(BREAD_CLUB, "Arms:") == 8


def test_readme_documents_every_landing_setting_and_field():
    from conftest import ROOT

    from plugins.landing.authoring import SEGMENT_FIELDS, field_label
    from plugins.landing.landing import DEFAULTS

    readme = (ROOT / "README.md").read_text()
    reference = readme.split("### `LANDING`", 1)[1].split("\n### ", 1)[0]
    assert [key for key in DEFAULTS if f"`{key}`" not in reference] == []
    guide = readme.split("\n## Landing pages", 1)[1].split("\n## Local SEO profile", 1)[0]
    assert [f for f in SEGMENT_FIELDS if f"`{field_label(f)}`" not in guide] == []


def test_an_expired_landing_page_takes_its_variants_with_it(tmp_path):
    expired = BREAD_CLUB.replace("Segments:", "Expires: 2026-11-01\nSuccessor: /about/\nSegments:", 1)
    conf = make_project(tmp_path / "site", {"landing/bread-club.md": expired})
    result = run_build(conf, tmp_path / "site" / "output", now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    output = tmp_path / "site" / "output"
    for url in ALL_PAGES:
        html = (output / url.strip("/") / "index.html").read_text()
        assert 'http-equiv="refresh"' in html and "/about/" in html, f"{url} should redirect to the successor"
        assert "Only families read this." not in html and "Only offices read this." not in html
    report = json.loads((output.parent / "reports" / "landing.json").read_text())
    assert not [p for p in report["pages"] if p["url"].startswith(CLUB)]
    assert BASE + CLUB not in (output / "sitemap.xml").read_text()


def test_utm_campaign_is_the_pages_campaign_when_it_names_one(demo_site):
    """holiday-cakes.md says 'Campaign: holiday-2026': its links carry that, not the slug (bread-club has none)."""
    soup = demo_site.page("/offers/holiday-cakes/").soup
    tagged = [a["href"] for a in soup.select("a[href*='utm_campaign=']")]
    assert tagged, "the demo's landing page has calls to action with UTM parameters"
    for href in tagged:
        assert parse_qs(urlsplit(href).query)["utm_campaign"] == ["holiday-2026"], href


def test_a_pages_campaign_line_is_the_utm_campaign_of_every_link_it_tags(tmp_path):
    """'Campaign: spring-bake' names the campaign in analytics; the slug is only the fallback (bread-club above)."""
    page = BREAD_CLUB.replace("Slug: bread-club\n", "Slug: bread-club\nCampaign: spring-bake\n")
    site = build_landing_site(tmp_path / "site", pages={"landing/bread-club.md": page})
    for url in ALL_PAGES:
        soup = site.page(url).soup
        ctas = soup.select("a[data-goal]")
        outbound = [a for a in soup.select(".landing-body a[href]") if urlsplit(a["href"]).netloc == "mill.example"]
        assert len(ctas) == 2 * len(ARMS) and outbound, url
        for link in ctas + outbound:
            assert parse_qs(urlsplit(link["href"]).query)["utm_campaign"] == ["spring-bake"], (url, link["href"])
