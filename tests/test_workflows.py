"""The GitHub workflows: linted by actionlint, checked against the workflow schema, and read back."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from ruamel.yaml import YAML

WORKFLOWS = ROOT / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
PULL_REQUEST = WORKFLOWS / "pull-request.yml"
BIN = Path(sys.executable).parent


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def tool(name: str) -> str:
    path = BIN / name
    assert path.is_file(), f"{name} is missing from the venv; it is pinned in the test extra (run `make test`)"
    return str(path)


@pytest.mark.parametrize("path", [PUBLISH, PULL_REQUEST], ids=lambda p: p.name)
def test_actionlint_finds_nothing(path):
    done = subprocess.run([tool("actionlint"), "-no-color", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", [PUBLISH, PULL_REQUEST], ids=lambda p: p.name)
def test_workflow_schema(path):
    done = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_linters_catch_a_broken_workflow(tmp_path):
    """The checks above can fail: a typo in a job reference and a bad key are caught."""
    broken = tmp_path / "broken.yml"
    broken.write_text(PUBLISH.read_text(encoding="utf-8").replace("needs: audit", "needs: audti")
                      .replace("runs-on: ubuntu-24.04\n    timeout-minutes: 10", "runs-on: ubuntu-24.04\n    timeout: 10"),
                      encoding="utf-8")
    assert subprocess.run([tool("actionlint"), str(broken)], capture_output=True).returncode != 0
    assert subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(broken)],
                          capture_output=True).returncode != 0


def uses_of(workflow: dict) -> list[str]:
    return [step["uses"] for job in workflow["jobs"].values() for step in job.get("steps", []) if "uses" in step]


@pytest.mark.parametrize("path", [PUBLISH, PULL_REQUEST], ids=lambda p: p.name)
def test_actions_are_pinned_to_commits(path):
    for uses in uses_of(load(path)):
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", uses), uses
    # and every pin says which release it is
    for line in path.read_text(encoding="utf-8").splitlines():
        if "uses:" in line:
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_publish_triggers_and_schedule():
    workflow = load(PUBLISH)
    on = workflow["on"]
    assert on["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in on
    (cron,) = [entry["cron"] for entry in on["schedule"]]
    minute, hour, *rest = cron.split()
    assert rest == ["*", "*", "*"]  # daily
    text = PUBLISH.read_text(encoding="utf-8")
    assert "scheduled posts go live" in text  # the cron is documented as the release moment


def test_publish_jobs_in_order_with_least_privilege():
    workflow = load(PUBLISH)
    jobs = workflow["jobs"]
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert jobs["build"]["needs"] == "test"
    assert jobs["audit"]["needs"] == "build"
    assert jobs["deploy"]["needs"] == "audit"
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert any(step.get("uses", "").startswith("actions/deploy-pages@") for step in jobs["deploy"]["steps"])
    # The Pages artifact is made in the audit job, after the audit step: an unaudited build cannot be deployed.
    steps = jobs["audit"]["steps"]
    audit = next(i for i, s in enumerate(steps) if "-m seo audit" in s.get("run", ""))
    pages = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert audit < pages and "--fail-on error" in steps[audit]["run"] and "if" not in steps[pages]
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") and s["with"]["path"] == "reports/"
               and s.get("if") == "always()" for s in steps)
    assert "make test" in jobs["test"]["steps"][-1]["run"]
    build = next(s for s in jobs["build"]["steps"] if "mainstreet build" in s.get("run", ""))
    assert "--settings publishconf.py" in build["run"] and "MAINSTREET_SITEURL" in build["env"]
    # Only the outreach jobs may write to the repository (their state/ ledgers).
    for name, job in jobs.items():
        if job.get("permissions", {}).get("contents") == "write":
            assert name in ("newsletter", "social")


def test_outreach_only_on_schedule_with_secrets_and_commits_state():
    jobs = load(PUBLISH)["jobs"]
    setup = jobs["outreach-setup"]
    assert setup["if"] == "github.event_name == 'schedule'" and setup["needs"] == "deploy"
    assert "secrets.MAINSTREET_SMTP_HOST" in str(setup["steps"])
    for name in ("newsletter", "social"):
        job = jobs[name]
        assert "github.event_name == 'schedule'" in job["if"]
        assert f"needs.outreach-setup.outputs.{name} == 'true'" in job["if"]
        assert job["permissions"] == {"contents": "write"}
        commit = job["steps"][-1]
        assert commit["if"] == "always()" and "git add state/" in commit["run"] and "git push" in commit["run"]
    assert "--send" in str(jobs["newsletter"]["steps"])
    # Links in emails and posts point where the site was deployed (a fork's Pages address).
    assert jobs["build"]["outputs"]["siteurl"] == "${{ steps.pages.outputs.base_url }}"
    assert PUBLISH.read_text(encoding="utf-8").count("MAINSTREET_SITEURL: ${{ needs.build.outputs.siteurl }}") == 2
    for name in ("newsletter", "social"):
        assert "build" in jobs[name]["needs"]


def test_pull_requests_build_and_audit_but_never_deploy():
    workflow = load(PULL_REQUEST)
    assert set(workflow["on"]) == {"pull_request"}
    assert workflow["permissions"] == {"contents": "read"}
    text = PULL_REQUEST.read_text(encoding="utf-8")
    assert "deploy-pages" not in text and "upload-pages-artifact" not in text and "secrets." not in text
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    runs = " ".join(step.get("run", "") for step in job["steps"])
    assert "mainstreet build --settings publishconf.py" in runs
    assert "seo audit output" in runs and "--fail-on error" in runs
    assert "GITHUB_STEP_SUMMARY" in runs and "gh pr comment" in runs


def test_audit_summary_markdown(tmp_path):
    from mainstreet.ci import audit_summary_markdown

    report = tmp_path / "audit.json"
    report.write_text('{"pages": [{}, {}], "summary": {"error": 1, "warning": 2, "notice": 0}, "findings": ['
                      '{"rule": "links.broken-internal", "severity": "error", "url": "/a|b/", "message": "broken"},'
                      '{"rule": "onpage.title-length", "severity": "warning", "url": "/", "message": "long"},'
                      '{"rule": "onpage.title-length", "severity": "warning", "url": "/x/", "message": "long"}]}')
    text = audit_summary_markdown(report)
    assert "errors block publishing" in text and "2 pages: **1** error, **2** warnings, **0** notices." in text
    assert "| error | `links.broken-internal` | 1 |" in text and "| warning | `onpage.title-length` | 2 |" in text
    assert "/a\\|b/" in text
    assert "did not finish" in audit_summary_markdown(tmp_path / "missing.json")
