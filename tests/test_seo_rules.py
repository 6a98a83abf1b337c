"""Every rule of the SEO audit fires on its planted defect, and never on the clean twin.

Each case takes the clean site of seo_sites.py, plants one defect, writes the
site into a temporary folder, reads it with the offline reader and checks that
the rule names the right page. The clean site itself must yield no finding.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from seo_sites import BASE, BUSINESS, NOW, PageSpec, clean_site, filler, paragraph, post_body

from contract.manifest import ManifestEntry
from seo.audit import run_audit
from seo.reader import read_site
from seo.rules.catalog import RULES
from seo.settings import load_settings

A = "/blog/sourdough-starter/"
B = "/blog/rye-bread/"
C = "/blog/cinnamon-rolls/"


def audit(tmp_path, spec, manifest=True, **settings):
    output = spec.write(tmp_path)
    config = load_settings(None, overrides=settings)
    site = read_site(output, config)
    return run_audit(site, config, manifest=spec.manifest() if manifest else None, now=dt.datetime.fromisoformat(NOW))


def found(result, rule, path=None):
    return [f for f in result.findings if f.rule == rule and (path is None or f.url == BASE + path)]


def test_the_clean_site_has_no_findings(tmp_path):
    result = audit(tmp_path, clean_site())
    assert [(f.rule, f.url, f.message) for f in result.findings] == []
    assert len(result.keyword_rows) == 4
    assert result.score == 100


def test_without_a_manifest_only_the_focus_keywords_are_missing(tmp_path):
    result = audit(tmp_path, clean_site(), manifest=False)
    assert {f.rule for f in result.findings} == {"keywords.no-focus-keyword"}
    assert {f.url for f in result.findings} == {BASE + p for p in ("/", A, B, C)}
    assert all(f.severity == "notice" for f in result.findings)


# --- the planted defects: (rule, how to plant it, the page that must be named) ------------------


def _append(path, html):
    def plant(site):
        site.page(path).body += html
    return plant


def _set(path, **changes):
    def plant(site):
        for key, value in changes.items():
            setattr(site.page(path), key, value)
    return plant


def _orphan(site):
    orphan = PageSpec(path="/blog/lonely/", title="A Page Nobody Links To · Clean Bakery",
                      description="x" * 130, h1="A lonely page", keyword=None, body="", in_nav=False)
    site.add(orphan)


def _redirect_chain(site):
    site.extra_html["/old/"] = '<html><head><meta http-equiv="refresh" content="0; url=/older/"></head></html>'
    site.extra_html["/older/"] = f'<html><head><meta http-equiv="refresh" content="0; url={B}"></head></html>'
    site.page(A).body += '<p><a href="/old/">our older rye recipe</a></p>'


def _duplicate_titles(site):
    site.page(B).title = site.page(A).title


def _duplicate_descriptions(site):
    site.page(B).description = site.page(A).description


def _invalid_jsonld(site):
    site.page("/").jsonld.append('{"@context": "https://schema.org", "@type": "WebSite", "name": }')


def _no_business(site):
    site.page("/").jsonld = [json.dumps({"@context": "https://schema.org", "@type": "WebSite", "name": "Clean"})]


def _nap_mismatch(site):
    site.page("/").jsonld = [json.dumps(dict(BUSINESS, telephone="+1-802-555-0199"))]


def _nap_conflict(site):  # a second shop at the business's address, with its own phone number
    cafe = dict(BUSINESS, **{"@type": "CafeOrCoffeeShop", "name": "Clean Bakery Café", "telephone": "(802) 555-0111",
                             "address": dict(BUSINESS["address"], streetAddress="1 main street,")})
    site.page(C).jsonld = [json.dumps(BUSINESS), json.dumps(cafe)]


def _cluster(site):
    site.page(A).pillar = "rye-bread"  # A never links to B, and B never links to A


def _suggestion(site):
    site.page(A).body += paragraph("On Fridays we also bake rye bread for the market.")


def _cannibal(site):
    site.page(B).keyword = "sourdough starter"


def _held_back(site):
    site.held_back.append(ManifestEntry(url="/blog/wedding-cakes/", kind="article", keyword="wedding cakes",
                                        status="scheduled", date="2026-12-10T08:00:00+00:00",
                                        calendar_row="calendar/2026.md:14"))


def _stale(site):
    site.page(A).date = "2024-01-05T08:00:00+00:00"
    site.page(A).modified = "2024-02-01T08:00:00+00:00"


def _long_sentences(site):
    long = ("We mix the flour and the water and the salt and the starter in a big bowl and then we wait for "
            "the whole thing to rest on the counter for an hour.")
    site.page(A).body += paragraph(*([long] * 12))


def _passive(site):
    passive = "The dough was folded by the baker."
    site.page(A).body += paragraph(*([passive] * 8))


def _long_paragraph(site):
    site.page(A).body += paragraph(*filler(16))


def _thin(site):
    site.page(A).body = paragraph("Sourdough starter notes.") + "<h2>Sourdough starter</h2>"


def _density_low(site):
    spec = site.page(A)
    spec.body = spec.body.replace("Good sourdough starter starts", "Good bread starts").replace(
        "with your sourdough starter at home", "with your bread at home").replace(
        "<h2>Why sourdough starter matters", "<h2>Why a sourdough starter matters")
    spec.body += "".join(paragraph(*filler(6, i)) for i in range(4))


def _density_high(site):
    site.page(A).body += paragraph(*(["Sourdough starter, sourdough starter and more sourdough starter."] * 6))


def _no_keyword_in_intro(site):
    site.page(A).body = site.page(A).body.replace("how we handle sourdough starter", "how we handle it", 1)


def _no_keyword_in_subheadings(site):
    site.page(A).body = site.page(A).body.replace("<h2>Why sourdough starter matters</h2>", "<h2>Why it matters</h2>")


def _no_keyword_in_alt(site):
    site.page(A).body = site.page(A).body.replace('alt="A tray of sourdough starter', 'alt="A tray of jars')


def _bad_slug(site):
    spec = site.pages.pop(A)
    spec.path = "/blog/post-17/"
    site.add(spec)


def _robots(site):
    site.robots = f"User-agent: *\nDisallow: {B}\n\nSitemap: {BASE}/sitemap.xml\n"


CASES = [
    ("links.broken-internal", _append(A, '<p><a href="/blog/no-such-post/">a lost post</a></p>'), A),
    ("links.broken-internal", _append(A, '<img src="/images/missing.jpg" alt="A missing photo">'), A),
    ("links.broken-anchor", _append(A, f'<p><a href="{B}#no-such-section">the rye section</a></p>'), A),
    ("links.orphan-page", _orphan, "/blog/lonely/"),
    ("links.redirect-chain", _redirect_chain, A),
    ("links.redirect-chain", _append(A, f'<p><a href="{B.rstrip("/")}">rye</a></p>'), A),
    ("links.insecure-http", _append(A, '<p><a href="http://flour.example/mill">our mill</a></p>'), A),
    ("links.nofollow-internal", _append(A, f'<p><a rel="nofollow" href="{C}">rolls</a></p>'), A),
    ("links.empty-anchor-text", _append(A, f'<p><a href="{C}"></a></p>'), A),
    ("links.too-many-links", _append(A, "<p>" + f'<a href="{C}">rolls</a> ' * 160 + "</p>"), A),
    ("links.cluster-unlinked", _cluster, A),
    ("links.cluster-unlinked", _cluster, B),
    ("links.internal-suggestion", _suggestion, A),
    ("onpage.title-missing", _set(A, title=None), A),
    ("onpage.title-duplicate", _duplicate_titles, A),
    ("onpage.title-duplicate", _duplicate_titles, B),
    ("onpage.title-length", _set(A, title="How We Feed a Sourdough Starter Every Single Morning Before Dawn · Clean Bakery"), A),
    ("onpage.title-length", _set(A, title="Sourdough starter"), A),
    ("onpage.meta-description-missing", _set(A, description=None), A),
    ("onpage.meta-description-duplicate", _duplicate_descriptions, B),
    ("onpage.meta-description-length", _set(A, description="Feeding a sourdough starter, briefly."), A),
    ("onpage.h1-missing", _set(A, h1=None), A),
    ("onpage.h1-multiple", _append(A, "<h1>Sourdough starter, again</h1>"), A),
    ("onpage.heading-skip", _append(A, "<h4>A sourdough starter detail</h4>"), A),
    ("onpage.canonical-missing", _set(A, canonical=None), A),
    ("onpage.canonical-mismatch", _set(A, canonical=f"{BASE}/blog/gone/"), A),
    ("onpage.canonical-mismatch", _set(A, canonical=A), A),
    ("onpage.img-alt-missing", _append(A, '<img src="/images/rye.jpg">'), A),
    ("onpage.thin-content", _thin, A),
    ("onpage.lang-missing", _set(A, lang=None), A),
    ("onpage.og-missing", _set(A, og=False), A),
    ("onpage.noindex-in-sitemap", _set(A, robots="noindex, follow"), A),
    ("keywords.no-focus-keyword", _set(A, keyword=None), A),
    ("keywords.missing-in-title", _set(A, title="How We Feed Our Levain Every Morning · Clean Bakery"), A),
    ("keywords.missing-in-h1", _set(A, h1="How we feed our levain"), A),
    ("keywords.missing-in-description", _set(A, description="How we feed our levain every morning: the flour, the water, the jar and the timing that keep it lively for years in a home kitchen."), A),
    ("keywords.missing-in-slug", _bad_slug, "/blog/post-17/"),
    ("keywords.missing-in-intro", _no_keyword_in_intro, A),
    ("keywords.missing-in-subheadings", _no_keyword_in_subheadings, A),
    ("keywords.density-low", _density_low, A),
    ("keywords.density-high", _density_high, A),
    ("keywords.missing-in-img-alt", _no_keyword_in_alt, A),
    ("keywords.cannibalization", _cannibal, A),
    ("keywords.cannibalization", _cannibal, B),
    ("schema.invalid-jsonld", _invalid_jsonld, "/"),
    ("schema.missing-business", _no_business, "/"),
    ("schema.nap-mismatch", _nap_mismatch, "/"),
    ("sitemap.page-missing", _set(A, in_sitemap=False), A),
    ("sitemap.unknown-url", lambda site: site.sitemap_extra.append(f"{BASE}/blog/gone/"), "/blog/gone/"),
    ("sitemap.invalid", lambda site: setattr(site, "sitemap", "<urlset><url><loc>oops</url>"), "/"),
    ("schema.nap-conflict", _nap_conflict, C),
    ("robots.blocks-page", _robots, B),
    ("robots.missing", lambda site: setattr(site, "robots", None), "/"),
    ("url.filename-not-utf8", lambda site: site.files.update({"/caf\udce9.html": b"<p>x</p>"}), "/caf%E9.html"),
    ("calendar.keyword-unpublished", _held_back, "/blog/wedding-cakes/"),
    ("content.stale-content", _stale, A),
    ("content.readability", _long_sentences, A),
    ("content.readability", _passive, A),
    ("content.readability", _long_paragraph, A),
]


@pytest.mark.parametrize(("rule", "plant", "path"), CASES, ids=[f"{c[0]}@{i}" for i, c in enumerate(CASES)])
def test_each_planted_defect_is_found_on_its_page(tmp_path, rule, plant, path):
    site = clean_site()
    plant(site)
    result = audit(tmp_path, site)
    hits = found(result, rule, path)
    assert hits, f"{rule} not reported on {path}; got {[(f.rule, f.url) for f in result.findings]}"
    finding = hits[0]
    assert finding.severity in ("error", "warning", "notice")
    assert finding.hint and finding.message
    assert path in finding.message or finding.rule in ("calendar.keyword-unpublished", "sitemap.invalid")


def test_every_offline_rule_has_a_planted_case():
    planted = {case[0] for case in CASES}
    needs_network_or_server = {r.id for r in RULES.values() if r.online_only or r.needs == "external"}
    assert set(RULES) - planted - needs_network_or_server == set()


def test_readability_names_the_check_that_failed(tmp_path):
    site = clean_site()
    _passive(site)
    checks = {f.extra.get("check") for f in found(audit(tmp_path, site), "content.readability", A)}
    assert "passive-voice" in checks


def test_density_findings_carry_the_measured_value_and_the_range(tmp_path):
    site = clean_site()
    _density_high(site)
    (finding,) = found(audit(tmp_path, site), "keywords.density-high", A)
    assert finding.extra["value"] > 3.0
    assert finding.extra["limit"] == "0.5-3 %"
    assert finding.extra["keyword"] == "sourdough starter"


def test_keywords_match_case_accents_plurals_and_word_boundaries():
    from seo.language import Keyphrase

    phrase = Keyphrase.parse("Crème brûlée tart")
    assert phrase.found_in("Our CREME BRULEE TARTS are back")
    assert phrase.count_in("two creme brulee tarts and a crème brûlée tart") == 2
    assert not Keyphrase.parse("rye").found_in("We bake every day")  # 'rye' is not inside 'every'
    assert Keyphrase.parse("keep sourdough fresh").count_in("how to keep your sourdough fresh") == 1
    assert Keyphrase.parse("cake").in_slug("holiday-cakes-guide")


def test_title_width_is_estimated_in_pixels():
    from seo.language import title_width_px

    assert title_width_px("iiiiiiiiii") < title_width_px("WWWWWWWWWW")
    assert 250 < title_width_px("How We Feed a Sourdough Starter") < 330


def test_settings_change_severity_turn_rules_off_and_ignore_urls(tmp_path):
    site = clean_site()
    _set(A, og=False)(site)
    _set(B, og=False)(site)
    output = site.write(tmp_path)
    for settings, expected in [
        ({}, {("warning", A), ("warning", B)}),
        ({"rules": {"onpage.og-missing": "error"}}, {("error", A), ("error", B)}),
        ({"rules": {"onpage.og-missing": "off"}}, set()),
        ({"ignore": [{"url": "/blog/rye-*", "rules": ["onpage.*"]}]}, {("warning", A)}),
        ({"ignore": ["/blog/sourdough-starter/"]}, {("warning", B)}),
    ]:
        config = load_settings(None, overrides=settings)
        result = run_audit(read_site(output, config), config, manifest=site.manifest(),
                           now=dt.datetime.fromisoformat(NOW))
        got = {(f.severity, f.url.removeprefix(BASE)) for f in found(result, "onpage.og-missing")}
        assert got == expected, settings


@pytest.mark.parametrize("bad", [
    {"thin_content_words": "many"},
    {"rules": {"onpage.nope": "off"}},
    {"rules": {"onpage.og-missing": "fatal"}},
    {"ignore": [{"rules": ["onpage.og-missing"]}]},
    {"density_min": 4, "density_max": 3},
    {"no_such_setting": 1},
])
def test_bad_settings_are_refused_with_the_key_and_value(bad):
    from seo.settings import SettingsError

    with pytest.raises(SettingsError) as info:
        load_settings(None, overrides=bad)
    assert "SEO_AUDIT" in str(info.value)


def test_links_resolve_like_a_static_host(tmp_path):
    site = clean_site()
    site.page(A).body += "".join([
        f'<p><a href="{B}index.html">index.html</a></p>',
        '<p><a href="/blog/caf%C3%A9/">percent-encoded</a></p>',
        f'<p><a href="{B}#why-rye-bread-matters">fragment</a> <a href="#main">skip</a></p>',
        '<p><a href="../rye-bread/">relative</a></p>',
    ])
    site.page(B).body = site.page(B).body.replace("<h2>Why rye bread", '<h2 id="why-rye-bread-matters">Why rye bread')
    site.files["/blog/café/index.html"] = b"<!doctype html><title>x</title>"
    result = audit(tmp_path, site)
    assert found(result, "links.broken-internal") == []
    assert found(result, "links.broken-anchor") == []
    assert found(result, "links.redirect-chain") == []


def test_base_url_comes_from_the_sitemap_or_the_option(tmp_path):
    output = clean_site().write(tmp_path)
    config = load_settings(None)
    assert read_site(output, config).origin == BASE
    assert read_site(output, config, base_url="https://other.example/").origin == "https://other.example"
    (output / "sitemap.xml").unlink()
    (output / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    assert read_site(output, config).origin == BASE  # from the home page's canonical URL


def test_unusable_input_is_an_input_error(tmp_path):
    from seo.reader import AuditInputError

    with pytest.raises(AuditInputError, match="no such folder"):
        read_site(tmp_path / "missing", load_settings(None))
    (tmp_path / "empty").mkdir()
    with pytest.raises(AuditInputError, match="no HTML files"):
        read_site(tmp_path / "empty", load_settings(None))


@dataclass
class PlanProblem:  # the shape of contract.manifest's calendar findings
    rule: str
    severity: str
    message: str
    hint: str = ""
    file: str | None = None
    line: int | None = None
    slug: str | None = None


def test_calendar_findings_of_the_build_are_reported(tmp_path):
    site = clean_site()
    output = site.write(tmp_path)
    manifest = site.manifest()
    manifest.calendar = [PlanProblem(
        rule="calendar.overdue", severity="warning", message="'wedding-cakes' was due 2026-11-01 but has no post",
        hint="write the post or move the row", file="calendar/2026.md", line=14, slug="wedding-cakes")]
    config = load_settings(None)
    result = run_audit(read_site(output, config), config, manifest=manifest, now=dt.datetime.fromisoformat(NOW))
    (finding,) = found(result, "calendar.overdue")
    assert finding.severity == "warning"
    assert finding.extra["source"] == "calendar/2026.md:14"


def test_post_body_helper_is_what_the_cases_assume():
    body = post_body("rye bread", "rye", "/images/rye.jpg", 0)
    assert body.count("rye bread") == 5


def test_an_element_matching_several_selectors_counts_once(tmp_path):
    site = clean_site()
    site.page(A).body = site.page(A).body.replace("<h2>Why", '<h2 id="why">Why', 1)
    site.page(A).h1 = None
    site.page(A).body = '<h1 id="page-title">How we feed a sourdough starter</h1>' + site.page(A).body
    result = audit(tmp_path, site)
    assert found(result, "onpage.h1-multiple") == [] and found(result, "onpage.h1-missing") == []
    assert result.site.pages[A].h1 == ["How we feed a sourdough starter"]
