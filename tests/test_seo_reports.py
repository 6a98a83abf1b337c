"""The audit as a user runs it: `python -m seo`, its exit codes, summary and four report files."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading

import pytest
from bs4 import BeautifulSoup
from conftest import DEMO_NOW, ROOT
from seo_sites import BASE, clean_site

from seo.reports import CSV_COLUMNS
from seo.rules.catalog import RULES

A = "/blog/sourdough-starter/"


def run_seo(*args, cwd, env=None):
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    environment.pop("GITHUB_ACTIONS", None)
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "seo", *map(str, args)], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def clean(tmp_path):
    site = clean_site()
    output = site.write(tmp_path)
    site.write_manifest(tmp_path / "reports")
    return output, tmp_path / "reports"


@pytest.fixture
def broken(tmp_path):
    site = clean_site()
    site.page(A).body += '<p><a href="/blog/no-such-post/">a lost post</a></p>'
    site.page(A).og = False
    output = site.write(tmp_path)
    site.write_manifest(tmp_path / "reports")
    return output, tmp_path / "reports"


def test_clean_site_exits_0_and_writes_four_reports(clean, tmp_path):
    output, reports = clean
    result = run_seo("audit", output, "--reports", reports, "--now", "2026-11-24T12:00", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Audit passed" in result.stdout
    assert "Score 100/100" in result.stdout
    for name in ("audit.json", "audit.csv", "audit.html", "audit.sarif"):
        assert (reports / name).is_file()


def test_broken_site_exits_1_with_precise_findings(broken, tmp_path):
    output, reports = broken
    result = run_seo("audit", output, "--reports", reports, "--now", "2026-11-24T12:00", cwd=tmp_path)
    assert result.returncode == 1
    assert f"The link “a lost post” on {A} points to /blog/no-such-post/, which does not exist." in result.stdout
    assert "Fix: Correct the address" in result.stdout
    assert "Audit failed: 1 finding at or above 'error'" in result.stdout


def test_fail_on_warning_tightens_the_gate(broken, tmp_path):
    output, reports = broken
    (output / "blog" / "sourdough-starter" / "index.html").write_text(
        (output / "blog" / "sourdough-starter" / "index.html").read_text().replace("/blog/no-such-post/", "/")
    )
    assert run_seo("audit", output, "--reports", reports, "--now", "2026-11-24", cwd=tmp_path).returncode == 0
    tightened = run_seo("audit", output, "--reports", reports, "--now", "2026-11-24", "--fail-on", "warning",
                        cwd=tmp_path)
    assert tightened.returncode == 1
    assert "og:title" in tightened.stdout


@pytest.mark.parametrize("args, message", [
    (["audit", "no-such-folder"], "no such folder"),
    (["audit", ".", "--now", "yesterday"], "not an ISO date"),
    (["audit", ".", "--settings", "missing.py"], "settings file not found"),
    (["audit", ".", "--manifest", "missing.json"], "no manifest"),
    (["crawl", "http://127.0.0.1:9/"], "cannot be reached"),
])
def test_unusable_input_exits_2_with_a_message(tmp_path, args, message):
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>")
    result = run_seo(*args, "--reports", tmp_path / "reports", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_settings_come_from_the_settings_file(broken, tmp_path):
    output, reports = broken
    settings = tmp_path / "siteconf.py"
    settings.write_text('SEO_AUDIT = {"rules": {"links.broken-internal": "warning"}}\n')
    result = run_seo("audit", output, "--reports", reports, "--settings", settings, "--now", "2026-11-24",
                     cwd=tmp_path)
    assert result.returncode == 0
    settings.write_text('SEO_AUDIT = {"thin_content_words": "lots"}\n')
    result = run_seo("audit", output, "--reports", reports, "--settings", settings, cwd=tmp_path)
    assert result.returncode == 2 and "thin_content_words" in result.stderr


def test_json_report_has_the_design_schema(broken, tmp_path):
    output, reports = broken
    run_seo("audit", output, "--reports", reports, "--now", "2026-11-24T12:00", cwd=tmp_path)
    data = json.loads((reports / "audit.json").read_text())
    assert {"tool", "version", "source", "generated_at", "pages", "summary", "findings", "keywords"} <= set(data)
    assert data["source"]["mode"] == "offline" and data["source"]["base_url"] == BASE
    assert set(data["summary"]) == {"error", "warning", "notice"}
    assert data["summary"]["error"] == 1
    assert len(data["pages"]) == 4
    for finding in data["findings"]:
        assert {"rule", "severity", "url", "message", "hint"} <= set(finding)
        assert finding["rule"] in RULES and finding["severity"] in ("error", "warning", "notice")
    broken_link = next(f for f in data["findings"] if f["rule"] == "links.broken-internal")
    assert broken_link["url"] == BASE + A
    assert broken_link["target"] == BASE + "/blog/no-such-post/"
    assert broken_link["source"] == "content/posts/sourdough-starter.md"
    assert {row["keyword"] for row in data["keywords"]} == {"sourdough starter", "rye bread", "cinnamon rolls",
                                                             "alder falls bakery"}


def test_csv_report_reads_back_with_the_csv_module(broken, tmp_path):
    output, reports = broken
    run_seo("audit", output, "--reports", reports, "--now", "2026-11-24T12:00", cwd=tmp_path)
    with (reports / "audit.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == CSV_COLUMNS
    data = json.loads((reports / "audit.json").read_text())
    assert len(rows) == len(data["findings"])
    assert rows[0]["severity"] == "error" and rows[0]["rule"] == "links.broken-internal"


def test_sarif_report_is_sarif_2_1_0(broken, tmp_path):
    output, reports = broken
    run_seo("audit", output, "--reports", reports, "--now", "2026-11-24T12:00", cwd=tmp_path)
    sarif = json.loads((reports / "audit.sarif").read_text())
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mainstreet-seo-audit" and driver["version"]
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert set(RULES) <= set(rule_ids)
    for result in run["results"]:
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] and location["region"]["startLine"] >= 1
    error = next(r for r in run["results"] if r["level"] == "error")
    assert error["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "content/posts/sourdough-starter.md"


def test_html_report_is_self_contained(broken, tmp_path):
    output, reports = broken
    run_seo("audit", output, "--reports", reports, "--now", "2026-11-24T12:00", cwd=tmp_path)
    soup = BeautifulSoup((reports / "audit.html").read_text(encoding="utf-8"), "html.parser")
    for tag in soup.find_all(src=True):
        pytest.fail(f"external resource {tag}")
    for tag in soup.find_all(href=True):
        assert not tag["href"].startswith(("http://", "https://", "//")), tag
    assert soup.find("style") and soup.find("svg")
    assert not soup.find("link", rel="stylesheet")
    text = soup.get_text(" ")
    assert "1 problem must be fixed" in text
    assert "links.broken-internal" in text and "Correct the address or restore the page" in text
    keyword_table = soup.find(id="keywords-table")
    assert keyword_table and "sourdough starter" in keyword_table.get_text()
    assert soup.find(id="pages-table").find("tbody").find_all("tr")


def test_github_actions_get_annotations(broken, tmp_path):
    output, reports = broken
    result = run_seo("audit", output, "--reports", reports, "--now", "2026-11-24T12:00", cwd=tmp_path,
                     env={"GITHUB_ACTIONS": "true"})
    lines = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert lines[0].startswith("::error file=content/posts/sourdough-starter.md,line=1,title=links.broken-internal::")
    assert "%0AFix: " in lines[0]
    assert any(line.startswith("::warning ") for line in lines)
    without = run_seo("audit", output, "--reports", reports, "--now", "2026-11-24T12:00", cwd=tmp_path)
    assert not [line for line in without.stdout.splitlines() if line.startswith("::")]


def test_demo_site_audits_with_zero_errors(demo_site, tmp_path):
    manifest = demo_site.output.parent / "reports" / "manifest.json"
    args = ["--manifest", manifest] if manifest.is_file() else []
    result = run_seo("audit", demo_site.output, "--reports", tmp_path / "reports", "--now", DEMO_NOW, *args,
                     cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((tmp_path / "reports" / "audit.json").read_text())
    assert data["summary"]["error"] == 0, [f["message"] for f in data["findings"] if f["severity"] == "error"]
    assert len(data["pages"]) > 40
    # every image in the posts' text describes itself; the theme's logo (alt="", outside the text) is decoration
    assert not [f["message"] for f in data["findings"] if f["rule"] == "onpage.img-alt-missing"]
    # the main shop's location and the business share one telephone
    assert not [f["message"] for f in data["findings"] if f["rule"] == "schema.nap-conflict"]
    assert "Audit passed" in result.stdout


@pytest.mark.slow
def test_html_report_works_in_chromium(broken, tmp_path):
    from quality import CHROME_FLAGS, require_chromium

    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    output, reports = broken
    run_seo("audit", output, "--reports", reports, "--now", "2026-11-24T12:00", cwd=tmp_path)
    errors, requests, seen = [], [], {}

    def visit():  # in a thread of its own: other tests may hold a Playwright session in this one
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROME_FLAGS)
            page = browser.new_page()
            page.on("console", lambda message: message.type == "error" and errors.append(message.text))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda request: requests.append(request.url))
            page.goto((reports / "audit.html").as_uri())
            seen["total"] = page.locator("#findings-table tbody tr").count()
            page.select_option("[data-for=findings-table] select[data-filter=severity]", "error")
            seen["visible"] = page.locator("#findings-table tbody tr:not([hidden])").count()
            page.fill("[data-for=pages-table] input", "rye")
            seen["pages_visible"] = page.locator("#pages-table tbody tr:not([hidden])").count()
            page.click("#pages-table th:has-text('Words')")
            seen["sorted"] = page.locator("#pages-table tbody tr td:nth-child(5)").all_inner_texts()
            browser.close()

    worker = threading.Thread(target=visit)
    worker.start()
    worker.join(timeout=120)
    assert errors == []
    assert all(url.startswith("file://") for url in requests), requests
    assert seen["total"] > seen["visible"] == 1
    assert seen["pages_visible"] == 1
    assert seen["sorted"]
