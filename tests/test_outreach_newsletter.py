"""The newsletter, end to end: the demo built into a temp folder, real SMTP servers on
loopback (aiosmtpd, plain and STARTTLS), every message read back with the email package."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import DEMO_NOW
from outreach_support import (
    CONSENTING,
    NEVER,
    SUBSCRIBERS,
    Recorder,
    make_certificate,
    make_project,
    run_outreach,
    smtp_env,
    start_outreach,
    start_smtp,
)

from outreach.delivery import RateLimiter
from outreach.settings import load_site
from outreach.subscribers import COLUMNS

OWN = "www.hearthandhoney.example"
ISSUE = "2026-11-24"



def newsletter(project, *extra, now=DEMO_NOW, env=None, subscribers=SUBSCRIBERS):
    return run_outreach(project, "newsletter", "--now", now, "--subscribers", str(subscribers), *extra, env=env)


def own_links(part: str) -> list[str]:
    urls = re.findall(r'href="([^"]+)"', part) + re.findall(r"(?<![=\"'])https?://\S+", part)
    return [u.replace("&amp;", "&") for u in urls if urlsplit(u.replace("&amp;", "&")).hostname == OWN]


def check_message(msg, edition: str, campaign: str) -> None:
    """A newsletter message as the issue requires it."""
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    for header in ("From", "To", "Reply-To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"):
        assert msg[header], header
    assert msg["From"].addresses[0].addr_spec == "news@hearthandhoney.example"
    assert msg["Reply-To"].addresses[0].addr_spec == "hello@hearthandhoney.example"
    assert re.fullmatch(r"<[^<>@\s]+@www\.hearthandhoney\.example>", str(msg["Message-ID"]).strip())
    unsubscribe = re.findall(r"<([^>]+)>", str(msg["List-Unsubscribe"]))
    assert [u.split(":")[0] for u in unsubscribe] == ["https", "mailto"]
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    # CSS inlined: no <style> left, styles on the elements.
    assert "<style" not in html and 'style="' in html
    assert re.search(r'<div class="preheader" style="display: none', html)
    for part in (html, text):
        links = [u for u in own_links(part) if u != unsubscribe[0]]
        assert links, "no links to the site"
        for url in links:
            query = parse_qs(urlsplit(url).query)
            assert query["utm_source"] == ["newsletter"] and query["utm_medium"] == ["email"], url
            assert query["utm_campaign"] == [campaign] and query["utm_content"] == [edition], url
        assert "42 Mill Street" in part and "Alder Falls, VT 05701" in part  # postal address
        assert unsubscribe[0] in part  # a visible unsubscribe link, without UTM


def issue_messages(recorder, issue=ISSUE):
    return [r for r in recorder.messages if f"<issue.{issue}." in r.message["Message-ID"]]


# --- previews ----------------------------------------------------------------------


def test_preview_writes_eml_and_html_per_segment_and_sends_nothing(project):
    result = newsletter(project)
    assert result.returncode == 0, result.stderr
    folder = project.reports / "newsletter" / ISSUE
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{e}.{x}" for e in ("general", "families", "offices", "weddings") for x in ("eml", "html")
    )
    import email
    from email import policy

    for edition in ("general", "families", "offices", "weddings"):
        msg = email.message_from_bytes((folder / f"{edition}.eml").read_bytes(), policy=policy.default)
        check_message(msg, edition, ISSUE)
        assert msg.get_body(("plain",)).get_content().startswith("Hi Alex,")
        assert (folder / f"{edition}.html").read_text().startswith("<!DOCTYPE html>")
    # The first issue: the latest five posts of each edition.
    report = json.loads((project.reports / "newsletter" / "report.json").read_text())
    assert [len(report["editions"][e]) for e in ("families", "offices")] == [5, 5]
    # Nothing sent, nothing recorded.
    assert not (project.state / "newsletter.jsonl").exists()
    assert "nothing was sent" in result.stdout
    # Bad rows: reported with their CSV line numbers, and the run went on.
    for line, reason in ((9, "invalid email address"), (10, "unknown segment 'bakers'"), (11, "missing consent")):
        assert f"line {line}: {reason}" in result.stderr


def test_subscriber_csv_with_a_wrong_header_is_unusable(project, tmp_path):
    bad = tmp_path / "subs.csv"
    bad.write_text("mail,name\nx@example.com,X\n")
    result = newsletter(project, subscribers=bad)
    assert result.returncode == 2
    assert "subs.csv:1: the header lacks email, segments, consent" in result.stderr
    assert ",".join(COLUMNS) in result.stderr and "Traceback" not in result.stderr


def test_no_manifest_is_a_clear_error(project):
    (project.reports / "manifest.json").unlink()
    result = newsletter(project)
    assert result.returncode == 2
    assert "no manifest; build the site first" in result.stderr


# --- sending -----------------------------------------------------------------------------


def test_send_over_plain_smtp_reaches_each_consenting_subscriber_once(project, smtp):
    recorder, controller = smtp
    result = newsletter(project, "--send", env=smtp_env(controller))
    assert result.returncode == 0, result.stderr
    issues = issue_messages(recorder)
    got = sorted(r.rcpt_tos[0] for r in issues)
    assert got == sorted(CONSENTING), got
    assert not {rcpt for r in recorder.messages for rcpt in r.rcpt_tos} & NEVER
    all_titles = set()
    for received in issues:
        msg = received.message
        rcpt = received.rcpt_tos[0]
        edition = "+".join(CONSENTING[rcpt]) or "general"
        check_message(msg, edition, ISSUE)
        assert msg["To"].addresses[0].addr_spec == rcpt
        text = msg.get_body(("plain",)).get_content()
        titles = re.findall(r"^Read it: (\S+)", text, re.M)
        all_titles |= set(titles)
        assert 1 <= len(titles) <= 5
    # Personal greetings; the general reader has no name.
    by = {r.rcpt_tos[0]: r.message for r in issues}
    assert by["maria.lopez@example.com"].get_body(("plain",)).get_content().startswith("Hi Maria,")
    assert by["general.reader@example.com"].get_body(("plain",)).get_content().startswith("Hi there,")
    # Segments: offices read about catering, families do not; families read the family posts.
    offices = by["dev.team@example.org"].get_body(("plain",)).get_content()
    families = by["maria.lopez@example.com"].get_body(("plain",)).get_content()
    assert "catering-a-team-meeting" in offices and "catering-a-team-meeting" not in families
    assert "reheating-bread-and-pastries" in families and "reheating-bread-and-pastries" not in offices
    assert len({str(r.message["Message-ID"]) for r in issues}) == len(issues)
    # The newest subscriber joined three days ago: the welcome email is due too.
    welcome = [r for r in recorder.messages if "sequence.welcome.welcome" in r.message["Message-ID"]]
    assert [r.rcpt_tos for r in welcome] == [["new.neighbour@example.com"]]
    # List-Unsubscribe as RFC 2369 readers parse it: <URL>s written out, never RFC 2047 encoded words.
    for received in [*issues, *welcome]:
        head = received.data.split(b"\r\n\r\n", 1)[0]
        field = re.search(rb"(?m)^List-Unsubscribe: ([^\r\n]*(?:\r\n [^\r\n]*)*)", head).group(1)
        assert b"=?" not in field and re.fullmatch(rb"<https://[^>\s]+>,(?:\r\n)? <mailto:[^>\s]+>", field), field
    assert welcome[0].message.get_body(("plain",)).get_content().startswith("Hi Lee,")
    # The ledger is committed to git: it holds no address.
    ledger = (project.state / "newsletter.jsonl").read_text()
    assert "@example." not in ledger and "Maria" not in ledger

    # Running again changes nothing.
    before = (project.state / "newsletter.jsonl").read_bytes()
    count = len(recorder.messages)
    again = newsletter(project, "--send", env=smtp_env(controller))
    assert again.returncode == 0, again.stderr
    assert len(recorder.messages) == count
    assert (project.state / "newsletter.jsonl").read_bytes() == before
    assert "Sent 0 message(s)" in again.stdout


def test_starttls_with_login(project, tmp_path):
    cert = make_certificate(tmp_path)
    recorder = Recorder()
    controller = start_smtp(recorder, cert=cert, users={"bakery": "s3cret-for-tests"})
    try:
        env = smtp_env(controller, "starttls", MAINSTREET_SMTP_USER="bakery", MAINSTREET_SMTP_PASSWORD="s3cret-for-tests",
                       MAINSTREET_SMTP_CAFILE=str(cert[0]))
        result = newsletter(project, "--send", env=env)
        assert result.returncode == 0, result.stderr
        assert len(issue_messages(recorder)) == len(CONSENTING)
        assert all(r.tls and r.user == "bakery" for r in recorder.messages)
        # Without the CA the certificate is not trusted: nothing is sent, and it says why.
        fresh = make_project(tmp_path / "other")
        shutil.copytree(project.output, fresh.output)
        shutil.copytree(project.reports, fresh.reports)
        env.pop("MAINSTREET_SMTP_CAFILE")
        count = len(recorder.messages)
        result = newsletter(fresh, "--send", env=env)
        assert result.returncode == 1
        assert "cannot reach the SMTP server" in result.stderr and "CERTIFICATE_VERIFY_FAILED" in result.stderr
        assert len(recorder.messages) == count
    finally:
        controller.stop()


def test_smtp_settings_come_from_the_environment_only(project):
    result = newsletter(project, "--send")
    assert result.returncode == 2 and "MAINSTREET_SMTP_HOST is not set" in result.stderr
    result = newsletter(project, "--send", env={"MAINSTREET_SMTP_HOST": "127.0.0.1", "MAINSTREET_SMTP_TLS": "ssl"})
    assert result.returncode == 2 and "MAINSTREET_SMTP_TLS is 'ssl'; expected none, starttls or tls" in result.stderr
    assert not (project.state / "newsletter.jsonl").exists()


def many_subscribers(path, count: int) -> set[str]:
    lines = [",".join(COLUMNS)]
    addresses = set()
    for number in range(count):
        address = f"reader{number:03d}@example.com"
        segment = ("families", "offices", "weddings", "")[number % 4]
        lines.append(f"{address},Reader {number},{segment},yes,2026-01-01,2026-01-01,")
        addresses.add(address)
    lines.append("refuser@example.net,No Thanks,families,no,,2026-01-01,")
    path.write_text("\n".join(lines) + "\n")
    return addresses


def test_killed_mid_run_then_rerun_every_subscriber_gets_exactly_one_copy(project, tmp_path):
    subscribers = tmp_path / "subs.csv"
    everyone = many_subscribers(subscribers, 40)
    recorder = Recorder()
    process = {}

    def kill_after_15(accepted: int, server) -> None:
        # At the 16th MAIL FROM the 15th message has been accepted (and recorded):
        # kill the sender hard, in the middle of its run.
        if accepted == 15 and "proc" in process:
            os.kill(process["proc"].pid, signal.SIGKILL)

    recorder.on_mail = kill_after_15
    controller = start_smtp(recorder)
    try:
        env = smtp_env(controller)
        proc = start_outreach(project, "newsletter", "--send", "--now", DEMO_NOW, "--subscribers", str(subscribers), env=env)
        process["proc"] = proc
        proc.communicate(timeout=120)
        assert proc.returncode == -signal.SIGKILL
        assert len(recorder.messages) == 15
        recorder.on_mail = None
        result = newsletter(project, "--send", env=env, subscribers=subscribers)
        assert result.returncode == 0, result.stderr
        counts = {}
        for received in recorder.messages:
            for rcpt in received.rcpt_tos:
                counts[rcpt] = counts.get(rcpt, 0) + 1
        assert set(counts) == everyone  # the one without consent got nothing
        assert set(counts.values()) == {1}
        # And a third run sends nothing at all.
        result = newsletter(project, "--send", env=env, subscribers=subscribers)
        assert result.returncode == 0 and len(recorder.messages) == 40
    finally:
        controller.stop()


def test_injected_failure_after_n_messages_resumes_without_duplicates(project, tmp_path):
    """The server drops the connection after 7 messages (refusing reconnection): the run stops
    with exit 1, keeps its progress, and the next run sends the rest."""
    subscribers = tmp_path / "subs.csv"
    everyone = many_subscribers(subscribers, 12)
    recorder = Recorder()
    controller = start_smtp(recorder)
    stopped = {}

    def stop_after_7(accepted: int, server) -> None:
        if accepted == 7 and not stopped:
            stopped["yes"] = True
            controller.server.close()  # no new connections...
            server.transport.close()  # ...and this one drops, mid-run

    recorder.on_mail = stop_after_7
    try:
        env = smtp_env(controller)
        result = newsletter(project, "--send", env=env, subscribers=subscribers)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "stopped answering" in result.stderr or "cannot reach" in result.stderr
        assert len(recorder.messages) == 7
    finally:
        controller.stop()
    recorder.on_mail = None
    controller = start_smtp(recorder)
    try:
        env = smtp_env(controller)
        result = newsletter(project, "--send", env=env, subscribers=subscribers)
        assert result.returncode == 0, result.stderr
        rcpts = [r for m in recorder.messages for r in m.rcpt_tos]
        assert sorted(rcpts) == sorted(everyone)
    finally:
        controller.stop()


def test_a_refused_recipient_is_reported_and_retried_on_the_next_run(project, smtp):
    recorder, controller = smtp
    recorder.refuse = {"dev.team@example.org"}
    result = newsletter(project, "--send", env=smtp_env(controller))
    assert result.returncode == 1
    assert "failed: issue:2026-11-24 to dev.team@example.org (line 3): 550" in result.stderr
    assert len(issue_messages(recorder)) == len(CONSENTING) - 1
    recorder.refuse = set()
    result = newsletter(project, "--send", env=smtp_env(controller))
    assert result.returncode == 0, result.stderr
    assert sorted(r.rcpt_tos[0] for r in issue_messages(recorder)) == sorted(CONSENTING)


def test_a_recipient_refused_max_attempts_times_is_given_up(project, smtp):
    recorder, controller = smtp
    recorder.refuse = {"dev.team@example.org"}
    for _ in range(3):
        assert newsletter(project, "--send", env=smtp_env(controller)).returncode == 1
    result = newsletter(project, "--send", env=smtp_env(controller))
    assert "given up: issue:2026-11-24 to dev.team@example.org (line 3) after 3 refusals" in result.stderr
    ledger = [json.loads(line) for line in (project.state / "newsletter.jsonl").read_text().splitlines()]
    assert sum(1 for r in ledger if r["type"] == "failed") == 3


# --- what counts as new --------------------------------------------------------------------


def _add_post(project, slug: str, when: str, segment: str | None):
    from outreach_support import write_test_manifest

    feed = project.feed
    template = dict(feed["items"][0])
    url = f"https://{OWN}/blog/{slug}/"
    template.update(id=url, url=url, title=f"New post {slug}", date_published=when, date_modified=when,
                    _mainstreet={"slug": slug, "segment": segment, "category": "Bread"})
    feed["items"].insert(0, template)
    project.write_feed(feed)
    manifest = json.loads((project.reports / "manifest.json").read_text())
    entry = dict(next(p for p in manifest["pages"] if p["kind"] == "article"))
    entry.update(url=f"/blog/{slug}/", slug=slug, title=template["title"], segment=segment, channels=["blog", "newsletter"],
                 date=when, source=f"content/posts/{slug}.md")
    manifest["pages"].append(entry)
    (project.reports / "manifest.json").write_text(json.dumps(manifest))
    assert write_test_manifest  # the helper builds manifests from scratch; here one entry is added


def test_only_posts_no_issue_has_seen_make_the_next_issue(project, smtp):
    recorder, controller = smtp
    env = smtp_env(controller)
    assert newsletter(project, "--send", env=env).returncode == 0

    def issues_sent():
        return [r for r in recorder.messages if "<issue." in r.message["Message-ID"]]

    first = len(issues_sent())

    # An edit (new Modified date), a different feed order and a rebuild: not new.
    feed = project.feed
    feed["items"][3]["date_modified"] = "2026-11-30T09:00:00-05:00"
    feed["items"].reverse()
    project.write_feed(feed)
    result = newsletter(project, "--send", now="2026-12-01T12:00", env=env)
    assert result.returncode == 0, result.stderr
    assert len(issues_sent()) == first
    assert "Nothing new since issue 2026-11-24" in result.stdout

    # A new post for offices: the next issue holds it, for offices only (and only it).
    _add_post(project, "office-coffee-guide", "2026-12-02T08:00:00-05:00", "offices")
    result = newsletter(project, "--send", now="2026-12-02T12:00", env=env)
    assert result.returncode == 0, result.stderr
    second = issue_messages(recorder, "2026-12-02")
    assert [r.rcpt_tos[0] for r in second] == ["dev.team@example.org"]
    text = second[0].message.get_body(("plain",)).get_content()
    assert re.findall(r"^Read it: https://[^/]+/blog/([^/]+)/", text, re.M) == ["office-coffee-guide"]
    check_message(second[0].message, "offices", "2026-12-02")

    # A general post goes to everyone who may receive mail, new subscribers included.
    _add_post(project, "holiday-hours", "2026-12-05T08:00:00-05:00", None)
    result = newsletter(project, "--send", now="2026-12-05T12:00", env=env)
    assert sorted(r.rcpt_tos[0] for r in issue_messages(recorder, "2026-12-05")) == sorted(CONSENTING)


def test_posts_not_planned_for_the_newsletter_stay_out(project):
    from outreach_support import write_test_manifest

    write_test_manifest(project, {"reheating-bread-and-pastries": {"channels": ["blog", "facebook"]}})
    result = newsletter(project)
    assert result.returncode == 0, result.stderr
    report = json.loads((project.reports / "newsletter" / "report.json").read_text())
    families = report["editions"]["families"]
    assert families and not any(t.startswith("Reheating") for t in families)


# --- sequences -------------------------------------------------------------------------------


def _sequence_csv(path, joined: dict[str, str]) -> None:
    lines = [",".join(COLUMNS)]
    for address, date in joined.items():
        lines.append(f"{address},{address.split('@')[0].title()},,yes,{date},{date},")
    path.write_text("\n".join(lines) + "\n")


def test_sequence_emails_follow_each_subscribers_join_date(project, smtp, tmp_path):
    recorder, controller = smtp
    env = smtp_env(controller)
    subscribers = tmp_path / "subs.csv"
    _sequence_csv(subscribers, {
        "today@example.com": "2026-11-24",  # welcome (day 0)
        "threedays@example.com": "2026-11-21",  # best-of (day 3); its welcome is past the grace period? no: 3 days
        "aweek@example.com": "2026-11-17",  # first-order-offer (day 7)
        "longago@example.com": "2026-01-05",  # nothing: every step is long past
    })

    def steps():
        found = {}
        for r in recorder.messages:
            match = re.match(r"<sequence\.welcome\.([\w-]+)\.", str(r.message["Message-ID"]).strip())
            if match:
                found.setdefault(r.rcpt_tos[0], []).append(match.group(1))
        return found

    assert newsletter(project, "--send", env=env, subscribers=subscribers).returncode == 0
    # One sequence email per person per run, the earliest one due and not sent.
    assert steps() == {"today@example.com": ["welcome"], "threedays@example.com": ["welcome"],
                       "aweek@example.com": ["first-order-offer"]}
    # The next day: three-days gets best-of (due yesterday, within the grace period).
    assert newsletter(project, "--send", env=env, subscribers=subscribers, now="2026-11-25T09:00").returncode == 0
    assert steps()["threedays@example.com"] == ["welcome", "best-of"]
    assert steps()["today@example.com"] == ["welcome"]
    # Day 7 for today@: the offer; best-of (day 3) came on day 3.
    for day in ("2026-11-27", "2026-12-01"):
        assert newsletter(project, "--send", env=env, subscribers=subscribers, now=f"{day}T09:00").returncode == 0
    assert steps()["today@example.com"] == ["welcome", "best-of", "first-order-offer"]
    assert "longago@example.com" not in steps()
    # Links in sequence emails resolve to the published posts, with UTM.
    offer = next(r.message for r in recorder.messages if "first-order-offer" in r.message["Message-ID"])
    html = offer.get_body(("html",)).get_content()
    assert "{filename}" not in html
    assert "https://www.hearthandhoney.example/services/?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=welcome-first-order-offer&amp;utm_content=general" in html
    # Same guarantees: running the same day again sends nothing.
    count = len(recorder.messages)
    assert newsletter(project, "--send", env=env, subscribers=subscribers, now="2026-12-01T10:00").returncode == 0
    assert len(recorder.messages) == count


# --- pieces ---------------------------------------------------------------------------------------


def test_rate_limiter_spaces_sends_without_sleeping():
    clock = {"t": 100.0}
    waits = []

    def sleep(seconds):
        waits.append(round(seconds, 3))
        clock["t"] += seconds

    limiter = RateLimiter(120, clock=lambda: clock["t"], sleep=sleep)
    for _ in range(4):
        limiter.wait()
    assert waits == [0.5, 0.5, 0.5]
    clock["t"] += 10  # a pause longer than the interval: no wait
    limiter.wait()
    assert waits == [0.5, 0.5, 0.5]
    unlimited = RateLimiter(0, clock=lambda: 0.0, sleep=lambda s: pytest.fail("slept"))
    unlimited.wait()
    unlimited.wait()


def test_ledger_drops_a_torn_last_line(tmp_path):
    from outreach.ledger import Ledger

    path = tmp_path / "l.jsonl"
    with Ledger(path) as ledger:
        ledger.append({"type": "sent", "n": 1})
    with path.open("ab") as fh:
        fh.write(b'{"type": "sent", "n"')  # a crash in the middle of a write
    with Ledger(path) as ledger:
        assert ledger.records == [{"type": "sent", "n": 1}]
        ledger.append({"type": "sent", "n": 2})
    assert [json.loads(line)["n"] for line in path.read_text().splitlines()] == [1, 2]


def test_a_second_run_cannot_share_the_ledger(tmp_path):
    from outreach.errors import InputError
    from outreach.ledger import Ledger

    with Ledger(tmp_path / "l.jsonl"):
        with pytest.raises(InputError, match="in use by another run"):
            Ledger(tmp_path / "l.jsonl").open()


def test_a_changed_ledger_key_refuses_to_send(project, smtp):
    recorder, controller = smtp
    assert newsletter(project, "--send", env=smtp_env(controller)).returncode == 0
    count = len(recorder.messages)
    result = newsletter(project, "--send", env=smtp_env(controller, MAINSTREET_LEDGER_KEY="another"))
    assert result.returncode == 2 and "another MAINSTREET_LEDGER_KEY" in result.stderr
    assert len(recorder.messages) == count


def test_bad_newsletter_settings_name_key_value_and_form(tmp_path):
    project = make_project(tmp_path / "site", "NEWSLETTER = dict(NEWSLETTER, max_items=0, unsubscribe_url='http://x/')\n")
    from outreach.errors import InputError

    with pytest.raises(InputError) as caught:
        load_site(project.settings)
    message = str(caught.value)
    assert "NEWSLETTER['max_items'] is 0; expected a whole number of 1 or more" in message
    assert "NEWSLETTER['unsubscribe_url'] is 'http://x/'; expected an https URL" in message


def test_throughput_to_loopback_smtp_with_the_ledger_on(project, tmp_path, smtp):
    """Measured, not asserted tightly: printed with -s. 300 messages, fsync per send."""
    recorder, controller = smtp
    subscribers = tmp_path / "subs.csv"
    many_subscribers(subscribers, 300)
    started = time.perf_counter()
    result = newsletter(project, "--send", env=smtp_env(controller), subscribers=subscribers)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert len(recorder.messages) == 300
    print(f"\n300 messages in {seconds:.2f} s: {300 / seconds:.0f} messages/second (process start included)")
    assert dt.timedelta(seconds=seconds) < dt.timedelta(minutes=2)


# --- one rendering per edition, one copy per reader -------------------------------------------

# Distinct first names that no post contains; Eve's carries markup, Gus's a line break and a header.
READERS = [
    ("annora@example.com", "Annora Archer", "families"),
    ("beatrix@example.com", "Beatrix Baker", "families"),  # the same edition as Annora
    ("cyprian@example.org", "Cyprian Clerk", "offices"),
    ("delphine@example.net", "Delphine Duo", "weddings;families"),
    ("eve@example.com", "<b>Eveline</b>&\"Co' Smith", "offices"),
    ("fay@example.com", "", ""),
    ("zoe@example.com", "Zoë Ängström", "families"),  # not ASCII: an encoded-word To, UTF-8 bodies
    ("gus@example.com", "Gustavo\nBcc: leak@example.com", "weddings"),
]


def _readers_csv(path) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for address, name, segments in READERS:
            writer.writerow([address, name, segments, "yes", "2026-01-10", "2026-01-10", ""])


def _reference_copies(project, subscribers, monkeypatch) -> dict:
    """Each reader's copy rendered on its own, the way every message was made before editions."""
    from outreach.__main__ import parse_now
    from outreach.newsletter import LedgerState, Newsletter, plan_issue
    from outreach.subscribers import read_subscribers

    monkeypatch.delenv("MAINSTREET_LEDGER_KEY", raising=False)  # run_outreach runs without it too
    site = load_site(project.settings)
    now = parse_now(DEMO_NOW, site.timezone)
    letter = Newsletter(site, now=now, manifest=project.reports / "manifest.json", subscribers=subscribers,
                        state_dir=project.state, reports_dir=project.reports / "newsletter", output=project.output)
    issue = plan_issue(letter.posts, LedgerState(), now)
    people = read_subscribers(subscribers, site.segments).subscribers
    return {s.email: (s, letter.issue_message(issue, s, letter.issue_posts(issue, s.segments))) for s in people}


def test_each_reader_gets_their_own_name_unsubscribe_link_and_posts_only(project, smtp, tmp_path, monkeypatch):
    import html as html_module

    from lxml import html as lxml_html

    recorder, controller = smtp
    subscribers = tmp_path / "readers.csv"
    _readers_csv(subscribers)
    result = newsletter(project, "--send", env=smtp_env(controller), subscribers=subscribers)
    assert result.returncode == 0, result.stderr
    reference = _reference_copies(project, subscribers, monkeypatch)
    received = issue_messages(recorder)
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(a for a, _, _ in READERS)
    firsts = {a: (n.split()[0] if n.strip() else None) for a, n, _ in READERS}
    for got in received:
        address = got.rcpt_tos[0]
        subscriber, expected = reference[address]
        msg = got.message
        others = [s for a, (s, _) in reference.items() if a != address]
        # Headers: this reader's address, key and Message-ID; nothing smuggled in by a name.
        assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [(subscriber.display_name, address)]
        head = got.data.split(b"\r\n\r\n", 1)[0]
        assert msg["Bcc"] is None and not re.search(rb"(?mi)^bcc:", head)
        for name in ("Subject", "From", "Reply-To", "Date", "Message-ID", "List-Id", "List-Unsubscribe",
                     "List-Unsubscribe-Post"):
            assert str(msg[name]) == str(expected[name]), name
        assert subscriber.key[:16] in str(msg["Message-ID"])
        unsubscribe = re.findall(r"<([^>]+)>", str(msg["List-Unsubscribe"]))
        assert unsubscribe[0] == f"https://www.hearthandhoney.example/unsubscribe?s={subscriber.key}"
        # Bodies: what the reader's own rendering says, word for word.
        text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
        markup = msg.get_body(("html",)).get_content().replace("\r\n", "\n")
        assert text == expected.get_body(("plain",)).get_content()
        assert html_module.unescape(markup) == html_module.unescape(expected.get_body(("html",)).get_content())
        greeting = f"Hi {firsts[address]}," if firsts[address] else "Hi there,"
        assert text.startswith(greeting + "\n")
        page = lxml_html.fromstring(markup.encode("utf-8"))
        assert page.xpath('string(//p[@class="greeting"])') == greeting
        assert "<b>" not in markup  # a name's markup is text, never markup
        assert unsubscribe[0] in text and f'href="{unsubscribe[0]}"' in markup
        # Nothing of anyone else.
        whole = head.decode("ascii") + text + markup
        for other in others:
            assert other.email not in whole and other.key not in whole
            if other.name.strip():
                assert other.name.split()[0] not in whole
        # Only this reader's posts: families read the family posts, offices the catering one.
        if "families" in subscriber.segments:
            assert "reheating-bread-and-pastries" in text
        else:
            assert "reheating-bread-and-pastries" not in text
        assert ("catering-a-team-meeting" in text) == ("offices" in subscriber.segments)
        check_message(msg, subscriber.edition, ISSUE)


def test_a_template_that_changes_the_greeting_is_rendered_for_each_reader(project, smtp, tmp_path):
    """The edition check sees ``greeting|upper`` and falls back to rendering each copy."""
    theme = tmp_path / "theme"
    shutil.copytree(load_site(project.settings).theme / "templates" / "email", theme / "templates" / "email")
    base = theme / "templates" / "email" / "base.html"
    base.write_text(base.read_text().replace("{{ greeting }}", "{{ greeting|upper }}"))
    settings = project.settings.read_text() + f"THEME = {str(theme)!r}\n"
    project.settings.write_text(settings)
    recorder, controller = smtp
    result = newsletter(project, "--send", env=smtp_env(controller))
    assert result.returncode == 0, result.stderr
    by = {r.rcpt_tos[0]: r.message for r in issue_messages(recorder)}
    assert sorted(by) == sorted(CONSENTING)
    for address, greeting, plain in (("maria.lopez@example.com", "HI MARIA,", "Hi Maria,"),
                                     ("dev.team@example.org", "HI DEV,", "Hi Dev,"),
                                     ("general.reader@example.com", "HI THERE,", "Hi there,")):
        markup = by[address].get_body(("html",)).get_content()
        assert re.search(f'<p class="greeting"[^>]*>{greeting}</p>', markup), address
        assert by[address].get_body(("plain",)).get_content().startswith(plain)  # base.txt is unchanged
    assert len({str(m["List-Unsubscribe"]) for m in by.values()}) == len(by)


def test_a_message_whose_commit_fails_never_reaches_the_server(smtp):
    """The ledger could not be written: the connection drops before the final "." of DATA."""
    from outreach.delivery import Mailer, SmtpConfig

    recorder, controller = smtp
    mailer = Mailer(SmtpConfig("127.0.0.1", controller.port, "none"))
    message = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: x\r\n\r\n.a line with a dot\r\nbody\r\n"

    def disk_full():
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        mailer.send(message, "a@example.com", "b@example.com", before_commit=disk_full)
    committed = []
    mailer.send(message, "a@example.com", "c@example.com", before_commit=lambda: committed.append(1))
    mailer.close()
    assert committed == [1]
    assert [r.rcpt_tos for r in recorder.messages] == [["c@example.com"]]
    assert recorder.messages[0].message.get_content() == ".a line with a dot\r\nbody\r\n"  # dot-stuffed, then unstuffed


def test_ledger_records_written_soon_are_durable_after_wait(tmp_path):
    from outreach.ledger import Ledger

    path = tmp_path / "l.jsonl"
    with Ledger(path) as ledger:
        for number in range(50):
            ledger.append_soon({"type": "sent", "n": number})
            # Written at once (a killed process keeps it), on disk after wait_durable.
            assert path.read_text().count("\n") == number + 1
        ledger.wait_durable()
        ledger.append({"type": "sent", "n": 50})
        ledger.append_soon({"type": "sent", "n": 51})
    with Ledger(path) as ledger:
        assert [r["n"] for r in ledger.records] == list(range(52))


@pytest.fixture
def project(outreach_project):
    return outreach_project
