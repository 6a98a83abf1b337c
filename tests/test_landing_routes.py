"""Landing pages get their own URL space and template."""

from urllib.parse import urlsplit


def test_landing_page_is_served_under_offers(fixture_site):
    page = fixture_site.page("/offers/spring-sale/")
    assert page.canonical == "https://test-bakery.example/offers/spring-sale/"
    cta = page.soup.find("a", string=lambda s: s and "Reserve your loaves" in s)
    assert cta is not None and urlsplit(cta["href"]).path == "/about/"
    assert not (fixture_site.output / "spring-sale").exists()
    assert "https://test-bakery.example/offers/spring-sale/" in (fixture_site.output / "sitemap.xml").read_text()
