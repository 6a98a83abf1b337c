"""The audit's large-site paths give the same answers as the simple ones.

Reading in worker processes (pages handed back as tuples, repeated strings shared),
keyword counting on marked sentence breaks, link suggestions found while a page's
words are at hand, and reports written a piece at a time for large audits.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

from seo_sites import BASE, NOW, PageSpec, clean_site, filler, paragraph

from seo import reports
from seo.audit import AuditResult, run_audit
from seo.language import WORD, Keyphrase, Words, fold, readability
from seo.model import Finding, Page, Site
from seo.reader import PARALLEL_FROM, read_site
from seo.settings import load_settings

B = "/blog/rye-bread/"


def _big_site(count: int):
    site = clean_site()
    for n in range(count):
        body = paragraph(*filler(3, n)) + f'<h2 id="part-{n}">Part {n}</h2>' + paragraph(*filler(2, n + 3))
        site.add(PageSpec(path=f"/blog/p-{n:04d}/", title=f"Notes from the bakery, part {n} · Clean Bakery",
                          description="x" * 130, h1=f"Notes, part {n}", keyword=None, body=body, in_nav=False))
    return site


def test_pages_read_in_workers_equal_pages_read_in_one_process(tmp_path):
    spec = _big_site(PARALLEL_FROM + 20)
    last = f"/blog/p-{PARALLEL_FROM + 19:04d}/"
    spec.page(last).body += (
        '<p><a href="/blog/p-0001/#part-1">part one</a> <a href="/blog/p-0001/#no-such-part">a lost part</a> '
        '<a href="/blog/no-such-post/">a lost post</a></p>'
    )
    output = spec.write(tmp_path)
    config = load_settings(None)
    one = read_site(output, config, workers=1)
    two = read_site(output, config, workers=2)
    assert len(two.pages) > PARALLEL_FROM
    assert list(one.pages) == list(two.pages)
    assert all(one.pages[path] == two.pages[path] for path in one.pages)

    result = run_audit(two, config, manifest=spec.manifest(), now=dt.datetime.fromisoformat(NOW))
    here = BASE + last
    broken = {(f.rule, f.extra.get("target")) for f in result.findings if f.url == here}
    assert ("links.broken-anchor", BASE + "/blog/p-0001/#no-such-part") in broken
    assert ("links.broken-internal", BASE + "/blog/no-such-post/") in broken
    assert not any(f.rule == "links.broken-anchor" and f.extra.get("target", "").endswith("#part-1")
                   for f in result.findings)


def _sentences_one_at_a_time(text: str) -> list[list[str]]:
    from seo.language import _SENTENCE_BREAK, tokens

    return [tokens(" ".join(WORD.findall(s))) for s in _SENTENCE_BREAK.split(fold(text))]


def test_words_keep_sentences_apart():
    text = ("Rye bread keeps. Our RYE BREAD keeps longer! X marks the spot… rye? Bread rye bread rye. "
            "Ⅹ and X are letters here, not breaks.")
    words = Words.of(text)
    assert words.sentences == _sentences_one_at_a_time(text)
    assert "X" not in words.content
    assert Keyphrase.parse("rye bread").count_in(words) == 4
    assert Keyphrase.parse("rye bread").count_in(text) == 4
    assert Keyphrase.parse("spot").count_in(words) == 1
    assert Keyphrase.parse("missing").count_in(words) == 0


def test_transition_words_are_counted_per_sentence():
    paragraphs = [
        "We bake at dawn. However, the shop opens at seven. Then we rest.",
        "Nothing to see. Plain words only.",
        "For example, rye. ALSO wheat. As a result we sell out; thus we bake more.",
        "Firstly-made loaves. Sincere thanks. Stillness.",
    ]
    measured = readability(paragraphs, "en", 20, 150, transitions=True)
    naive = [s for p in paragraphs for s in re.split(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9À-Ý])", p)]
    words = {"however", "then", "for example", "also", "as a result", "thus", "firstly"}
    expected = sum(1 for s in naive if any(re.search(rf"\b{w}\b", s, re.IGNORECASE) for w in words))
    assert measured.sentences == len(naive) == 11
    assert measured.transitions == expected == 6  # not Sincere, not Stillness


def test_a_page_without_a_keyword_still_gets_link_suggestions(tmp_path):
    spec = clean_site()
    spec.add(PageSpec(path="/blog/market-day/", title="Market Day at the Bakery · Clean Bakery",
                      description="y" * 130, h1="Market day", keyword=None,
                      body=paragraph("On Fridays we bake rye bread for the market.", *filler(4))))
    output = spec.write(tmp_path)
    config = load_settings(None)
    result = run_audit(read_site(output, config), config, manifest=spec.manifest(),
                       now=dt.datetime.fromisoformat(NOW))
    suggestions = [f for f in result.findings if f.rule == "links.internal-suggestion"]
    assert [(f.url, f.extra["target"]) for f in suggestions] == [(BASE + "/blog/market-day/", BASE + B)]


def test_compact_json_is_what_json_dumps_writes():
    value = {"a": [1, 2.5, None, True], "é": "“quoted” …", "long": list(range(200)), "nested": [{"x": [{}] * 70}],
             "empty": {}, "none": [], "keys": {1: "one"}, "items": reports._Items(lambda: iter([{"k": 1}] * 3), 3)}
    fh = io.StringIO()
    reports._write_json(fh, value, None)
    expected = json.dumps({**value, "items": [{"k": 1}] * 3}, ensure_ascii=False) + "\n"
    assert fh.getvalue() == expected


def test_a_large_audit_writes_every_finding_in_every_report(tmp_path):
    site = Site(source="offline", target="output", origin=BASE)
    for n in range(40):
        site.pages[f"/p{n}/"] = Page(path=f"/p{n}/", title=f"Page {n}")
    findings = [Finding("links.broken-internal" if n % 3 else "onpage.h1-missing", "error" if n % 3 else "warning",
                        f"{BASE}/p{n % 40}/", f"Finding number {n} “quoted”.", "Fix it.",
                        {"target": f"{BASE}/x{n}/", "value": n, "file": f"p{n % 40}/index.html"})
                for n in range(3100)]
    result = AuditResult(site=site, findings=findings, keyword_rows=[], settings={},
                         generated_at=dt.datetime.fromisoformat(NOW), seconds=1.0)
    paths = reports.write_reports(result, tmp_path)
    data = json.loads(paths["audit.json"].read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    sarif = json.loads(paths["audit.sarif"].read_text(encoding="utf-8"))
    assert sarif == json.loads(json.dumps(reports.sarif(result), ensure_ascii=False))
    assert len(sarif["runs"][0]["results"]) == 3100
    with paths["audit.csv"].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["message"] for row in rows] == [f.message for f in findings]
    html = paths["audit.html"].read_text(encoding="utf-8")
    assert "The 3000 most severe of 3100 findings" in html
