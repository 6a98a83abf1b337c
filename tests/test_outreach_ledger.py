"""The newsletter ledger read back: an empty ledger file never means "nobody got anything
yet", and a line of the wrong shape is named with its line. Real runs of
``python -m outreach newsletter`` on the demo built into a temp folder, against a real
SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import DEMO_NOW, ROOT
from outreach_support import (
    CONSENTING,
    SUBSCRIBERS,
    run_outreach,
    smtp_env,
)

from outreach.subscribers import DEFAULT_KEY, key_check


def newsletter(project, *extra, env=None):
    return run_outreach(project, "newsletter", "--now", DEMO_NOW, "--subscribers", str(SUBSCRIBERS), *extra, env=env)


def issue_recipients(recorder) -> list[str]:
    return sorted(r.rcpt_tos[0] for r in recorder.messages if "<issue." in r.message["Message-ID"])


# --- an empty ledger ---------------------------------------------------------------------


@pytest.mark.parametrize("leftover", [b"", b"\n\n", b'{"type": "sent", "camp'], ids=["0 bytes", "blank lines", "torn line"])
def test_an_empty_ledger_file_stops_the_send_until_fresh_start(project, smtp, leftover):
    recorder, controller = smtp
    env = smtp_env(controller)
    first = newsletter(project, "--send", env=env)
    assert first.returncode == 0, first.stderr
    assert issue_recipients(recorder) == sorted(CONSENTING)
    sent = len(recorder.messages)

    # The ledger file is still there, but its history is gone (a truncated file, a bad merge).
    ledger = project.state / "newsletter.jsonl"
    ledger.write_bytes(leftover)
    result = newsletter(project, "--send", env=env)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert f"{ledger}:1: the ledger is empty" in result.stderr
    assert "restore it from git" in result.stderr and "--fresh-start" in result.stderr
    assert len(recorder.messages) == sent  # nobody got the issue a second time
    assert ledger.read_bytes().strip() in (b"", leftover.strip())  # nothing was recorded

    # A preview says so too, and sends nothing.
    preview = newsletter(project)
    assert preview.returncode == 0, preview.stderr
    assert "the ledger is empty" in preview.stdout + preview.stderr

    # When this really is a fresh start, the flag says so: everyone gets the issue.
    fresh = newsletter(project, "--send", "--fresh-start", env=env)
    assert fresh.returncode == 0, fresh.stderr
    assert issue_recipients(recorder) == sorted([*CONSENTING, *CONSENTING])
    records = [json.loads(line) for line in ledger.read_text().splitlines() if line.strip()]
    assert records[0]["type"] == "ledger" and any(r["type"] == "issue" for r in records)

    # From then on the ledger has a history again: no flag needed, nothing sent twice.
    again = newsletter(project, "--send", env=env)
    assert again.returncode == 0, again.stderr
    assert issue_recipients(recorder) == sorted([*CONSENTING, *CONSENTING])


def test_no_ledger_file_is_a_first_run(project, smtp):
    recorder, controller = smtp
    assert not (project.state / "newsletter.jsonl").exists()
    result = newsletter(project, "--send", env=smtp_env(controller))
    assert result.returncode == 0, result.stderr
    assert issue_recipients(recorder) == sorted(CONSENTING)


def test_invoke_newsletter_passes_fresh_start_on():
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "invoke"), "--help", "newsletter"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "--fresh-start" in result.stdout


# --- records of the wrong shape ---------------------------------------------------------------

HEADER = json.dumps({"type": "ledger", "version": 1, "key_check": key_check(DEFAULT_KEY.encode())})
ISSUE = {"type": "issue", "issue": "2026-11-01", "at": "2026-11-01T12:00:00-04:00", "posts": [], "seen": []}
SENT = {"type": "sent", "campaign": "issue:2026-11-01", "subscriber": "0123456789abcdef", "at": "2026-11-01T16:00:00+00:00"}


def _without(record: dict, key: str) -> str:
    return json.dumps({k: v for k, v in record.items() if k != key})


BAD_LINES = {
    "null": "null",
    "a list": "[1, 2]",
    "a string": '"sent"',
    "issue without at": _without(ISSUE, "at"),
    "issue with a bad at": json.dumps(dict(ISSUE, at="last tuesday")),
    "issue without seen": _without(ISSUE, "seen"),
    "issue with posts not a list": json.dumps(dict(ISSUE, posts="a,b")),
    "sent without campaign": _without(SENT, "campaign"),
    "sent without subscriber": _without(SENT, "subscriber"),
    "failed without campaign": _without(dict(SENT, type="failed"), "campaign"),
    "no type": json.dumps({"campaign": "x"}),
    "garbage": "{this is not json",
}


@pytest.mark.parametrize("line", list(BAD_LINES.values()), ids=list(BAD_LINES))
@pytest.mark.parametrize("send", [False, True], ids=["preview", "send"])
def test_a_ledger_line_of_the_wrong_shape_is_named_with_its_line(project, smtp, line, send):
    recorder, controller = smtp
    ledger = project.state / "newsletter.jsonl"
    ledger.parent.mkdir(parents=True)
    ledger.write_text(f"{HEADER}\n{json.dumps(ISSUE)}\n{line}\n{json.dumps(SENT)}\n", encoding="utf-8")
    before = ledger.read_bytes()
    result = newsletter(project, *(["--send"] if send else []), env=smtp_env(controller))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert f"{ledger}:3: not a valid ledger record" in result.stderr
    assert "restore the file from git" in result.stderr
    assert recorder.messages == []
    assert ledger.read_bytes() == before


@pytest.fixture
def project(outreach_project):
    return outreach_project
