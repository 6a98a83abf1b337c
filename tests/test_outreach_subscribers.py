"""Subscriber rows as the newsletter reads them: the greeting of a name written
"Last, First" or with a ``first_name`` column, and the segment ``all``. Real sends of
``python -m outreach newsletter --send`` on the demo built into a temp folder, to an SMTP
server on loopback (aiosmtpd), each message read back with the email package."""

from __future__ import annotations

import csv
import re
from urllib.parse import urlsplit

import pytest
from conftest import DEMO_NOW
from outreach_support import run_outreach, smtp_env

from outreach.subscribers import COLUMNS

DEMO_SEGMENTS = ("families", "offices", "weddings")



def write_csv(path, rows: list[dict], extra_columns: tuple[str, ...] = ()) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*COLUMNS, *extra_columns])
        writer.writeheader()
        for row in rows:
            writer.writerow({"consent": "yes", "consent_date": "2026-01-10", "joined": "2026-01-10", "segments": "",
                             "unsubscribed": "", **row})


def send(project, controller, subscribers):
    return run_outreach(project, "newsletter", "--send", "--now", DEMO_NOW, "--subscribers", str(subscribers),
                        env=smtp_env(controller))


def parts(received) -> tuple[str, str]:
    msg = received.message
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def by_campaign(recorder, prefix: str) -> dict:
    return {r.rcpt_tos[0]: r for r in recorder.messages if prefix in str(r.message["Message-ID"])}


def greeting_in_html(html: str) -> str:
    from lxml import html as lxml_html

    texts = [" ".join(e.text_content().split()) for e in lxml_html.fromstring(html).iter("p", "td", "h1", "div")]
    return next(t for t in texts if t.startswith("Hi ") and len(t) < 40)


# --- greetings -------------------------------------------------------------------------------


GREETINGS = [
    # (name, first_name, expected greeting)
    ("Smith, John", None, "Hi John,"),
    ("Smith, John", "Johnny", "Hi Johnny,"),
    ("Maria Lopez", "", "Hi Maria,"),
    ("Cher,", None, "Hi Cher,"),
    ("Okafor,", "Sam,", "Hi Sam,"),
    (",", None, "Hi there,"),
    ("", "", "Hi there,"),
]


@pytest.mark.parametrize("with_column", [False, True], ids=["no first_name column", "first_name column"])
def test_greetings_use_first_name_and_never_end_in_two_commas(project, smtp, tmp_path, with_column):
    recorder, controller = smtp
    cases = [(n, f, g) for n, f, g in GREETINGS if with_column or f is None or f == ""]
    rows = []
    for number, (name, first, _) in enumerate(cases):
        row = {"email": f"reader{number}@example.com", "name": name, "joined": "2026-11-21", "consent_date": "2026-11-21"}
        if with_column:
            row["first_name"] = first or ""
        rows.append(row)
    path = tmp_path / "subscribers.csv"
    write_csv(path, rows, ("first_name",) if with_column else ())
    result = send(project, controller, path)
    assert result.returncode == 0, result.stderr
    assert "skipped" not in result.stderr
    issues = by_campaign(recorder, "<issue.")
    # Joined three days ago: the welcome sequence email is due too, with the same greeting.
    welcome = by_campaign(recorder, "<sequence.welcome.")
    assert len(issues) == len(welcome) == len(cases)
    for number, (name, _, greeting) in enumerate(cases):
        for received in (issues[f"reader{number}@example.com"], welcome[f"reader{number}@example.com"]):
            text, html = parts(received)
            assert ",," not in text and ",," not in html, (name, text[:60])
            assert text.splitlines()[0] == greeting, (name, text[:60])
            assert greeting_in_html(html) == greeting, name


# --- the segment all --------------------------------------------------------------------------


def own_paths(text: str) -> list[str]:
    return [urlsplit(u).path for u in re.findall(r"^Read it: (\S+)", text, re.M)]


def test_segment_all_means_every_segment(project, smtp, tmp_path):
    recorder, controller = smtp
    with project.settings.open("a", encoding="utf-8") as fh:  # room for every post: editions differ by segment
        fh.write("NEWSLETTER = dict(NEWSLETTER, max_items=50)\n")
    path = tmp_path / "subscribers.csv"
    write_csv(path, [
        {"email": "everything@example.com", "name": "Eve", "segments": "all"},
        {"email": "all.and.more@example.com", "name": "Al", "segments": "all;families"},
        {"email": "each@example.com", "name": "Ed", "segments": ";".join(DEMO_SEGMENTS)},
        {"email": "families@example.com", "name": "Fay", "segments": "families"},
    ])
    result = send(project, controller, path)
    assert result.returncode == 0, result.stderr
    assert "unknown segment" not in result.stderr and "skipped" not in result.stderr
    issues = by_campaign(recorder, "<issue.")
    assert set(issues) == {"everything@example.com", "all.and.more@example.com", "each@example.com",
                           "families@example.com"}
    every = own_paths(parts(issues["each@example.com"])[0])
    assert own_paths(parts(issues["everything@example.com"])[0]) == every
    assert own_paths(parts(issues["all.and.more@example.com"])[0]) == every
    families = own_paths(parts(issues["families@example.com"])[0])
    assert set(families) < set(every)  # the segments do differ
    # The same edition as a reader of every segment: the same utm_content.
    html = parts(issues["everything@example.com"])[1]
    assert "utm_content=" + "%2B".join(DEMO_SEGMENTS) in html or "utm_content=" + "+".join(DEMO_SEGMENTS) in html


@pytest.fixture
def project(outreach_project):
    return outreach_project
