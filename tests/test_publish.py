"""`python -m mainstreet publish`: production build, audit gate, deploy — or nothing at all.

Every test runs the real command line on a copy of the fixture site, with the
real build, the real SEO audit and real targets: a local folder, a bare git
repository (gh-pages through ghp-import) and rsync in local mode.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DEMO_NOW, ROOT

from mainstreet.publish import (
    PublishError,
    Target,
    cname_for,
    parse_target,
    publish,
    publish_settings,
    rsync_command,
)

# The fixture site is small and links to pages it does not have; these tests
# are about deploying, so its audit findings are ignored unless a test wants
# the audit to fail (the audit's own tests check the rules).
PUBLISHCONF = """\
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from siteconf import *  # noqa: F403
SITEURL = PUBLIC_SITEURL  # noqa: F405
RELATIVE_URLS = False
SEO_AUDIT = {"ignore": ["*"]}
"""


@pytest.fixture
def site(project) -> Path:
    """The fixture site with production settings (publishconf.py) whose audit passes."""
    (project / "publishconf.py").write_text(PUBLISHCONF, encoding="utf-8")
    return project


def run_publish(site: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = dict(os.environ, PYTHONPATH=str(ROOT), MAINSTREET_ROOT=str(ROOT))
    for name in ("MAINSTREET_NOW", "MAINSTREET_SITEURL", "GITHUB_ACTIONS"):
        environ.pop(name, None)
    environ.update(env or {})
    command = [sys.executable, "-m", "mainstreet", "publish", "-s", str(site / "publishconf.py"),
               "-o", str(site / "output"), "--reports", str(site / "reports"), "--now", DEMO_NOW, *args]
    return subprocess.run(command, cwd=site, env=environ, capture_output=True, text=True, timeout=300)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file's content hash and modification time: equal snapshots = untouched."""
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def break_the_audit(site: Path) -> None:
    """A link the build accepts (raw HTML) and the audit reports as an error."""
    (site / "publishconf.py").write_text(PUBLISHCONF.replace('SEO_AUDIT = {"ignore": ["*"]}', ""), encoding="utf-8")
    post = site / "content" / "posts" / "first-loaf.md"
    post.write_text(post.read_text(encoding="utf-8") + '\n\n<a href="/no-such-menu/">Our old menu</a>\n',
                    encoding="utf-8")


def unpublish(site: Path, name: str) -> None:
    """Turn a published post back into a draft (deleting it would break a link to it)."""
    post = site / "content" / "posts" / name
    post.write_text("Status: draft\n" + post.read_text(encoding="utf-8"), encoding="utf-8")


def break_the_build(site: Path) -> None:
    post = site / "content" / "posts" / "first-loaf.md"
    text = post.read_text(encoding="utf-8")
    post.write_text("Date: 2026-13-45\n" + "\n".join(line for line in text.splitlines() if not line.startswith("Date:")),
                    encoding="utf-8")


# --- targets and settings ------------------------------------------------------


@pytest.mark.parametrize("text, kind", [
    ("gh-pages", "gh-pages"),
    ("rsync://backup.example/www/site", "rsync"),
    ("deploy@web1.example:/var/www/site", "rsync"),
    ("web1:/var/www/site", "rsync"),
    ("public_html", "folder"),
    ("/mnt/bucket/site", "folder"),
])
def test_targets_are_recognised(text, kind):
    assert parse_target(text).kind == kind


def test_unknown_url_target_is_a_usage_error():
    from mainstreet.errors import UsageError

    with pytest.raises(UsageError, match="unknown kind of target"):
        parse_target("ftp://host/path")


@pytest.mark.parametrize("url, expected", [
    ("https://www.hearthandhoney.example", "www.hearthandhoney.example"),
    ("https://someone.github.io/mainstreet", ""),
    ("https://someone.github.io", ""),
    ("https://example.org/site", ""),
])
def test_cname_only_for_a_custom_domain(url, expected):
    assert cname_for({"PUBLIC_SITEURL": url}, publish_settings({})) == expected


def test_publish_settings_are_checked():
    from mainstreet.errors import UsageError

    with pytest.raises(UsageError, match="fail_on"):
        publish_settings({"PUBLISH": {"fail_on": "never"}})
    with pytest.raises(UsageError, match="unknown key"):
        publish_settings({"PUBLISH": {"skip_audit": True}})


def test_publishconf_takes_the_address_from_the_environment():
    """The workflow passes the Pages address of a fork; without it the site's own address holds."""
    code = ("from mainstreet.build import load_settings; s = load_settings('publishconf.py'); "
            "print(s['SITEURL'], s['PUBLIC_SITEURL'], s['RELATIVE_URLS'], s['ANALYTICS'])")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("MAINSTREET_SITEURL", None)
    plain = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert plain.stdout.split() == ["https://www.hearthandhoney.example"] * 2 + ["False", "{}"]
    env["MAINSTREET_SITEURL"] = "https://someone.github.io/mainstreet/"
    fork = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert fork.stdout.split()[:2] == ["https://someone.github.io/mainstreet"] * 2


# --- a local folder ------------------------------------------------------------------


def test_publish_to_a_folder_mirrors_the_build(site, tmp_path):
    target = tmp_path / "public"
    done = run_publish(site, "--to", str(target))
    assert done.returncode == 0, done.stderr
    assert "Audit passed" in done.stderr and "Published:" in done.stderr
    assert tree(target) == tree(site / "output")
    assert (target / "blog" / "first-loaf" / "index.html").is_file()
    assert (target / "_headers").is_file()
    assert not (target / "drafts").exists()

    # An unpublished post disappears from the target on the next publish.
    unpublish(site, "keep-fresh.md")
    again = run_publish(site, "--to", str(target))
    assert again.returncode == 0, again.stderr
    assert not (target / "blog" / "keep-fresh").exists()
    assert tree(target) == tree(site / "output")


def test_dry_run_changes_nothing(site, tmp_path):
    target = tmp_path / "public"
    target.mkdir()
    done = run_publish(site, "--to", str(target), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "Would change" in done.stderr
    assert list(target.iterdir()) == []


def test_failed_audit_deploys_nothing(site, tmp_path):
    target = tmp_path / "public"
    assert run_publish(site, "--to", str(target)).returncode == 0
    before = snapshot(target)
    break_the_audit(site)
    done = run_publish(site, "--to", str(target))
    assert done.returncode == 1
    assert "nothing was deployed" in done.stderr
    assert "links.broken-internal" in done.stdout + done.stderr
    assert snapshot(target) == before
    assert (site / "reports" / "audit.json").is_file()  # the reason is on file


def test_failed_build_deploys_nothing_and_skips_the_audit(site, tmp_path):
    target = tmp_path / "public"
    assert run_publish(site, "--to", str(target)).returncode == 0
    before = snapshot(target)
    (site / "reports" / "audit.json").unlink()
    break_the_build(site)
    done = run_publish(site, "--to", str(target))
    assert done.returncode == 1
    assert "Build failed" in done.stderr and "nothing was deployed" in done.stderr
    assert "first-loaf.md" in done.stderr
    assert snapshot(target) == before
    assert not (site / "reports" / "audit.json").exists()


def test_missing_audit_fails_clearly_before_building(site, tmp_path, monkeypatch):
    monkeypatch.setenv("MAINSTREET_ROOT", str(ROOT))
    target = tmp_path / "public"
    target.mkdir()
    (target / "index.html").write_text("the live site", encoding="utf-8")
    before = snapshot(target)
    with pytest.raises(PublishError, match="audit is not available"):
        publish(str(target), site / "publishconf.py", output=site / "output", reports=site / "reports",
                audit_module="no_such_audit", echo=lambda text: None)
    assert snapshot(target) == before
    assert not (site / "output").exists()


def test_refuses_a_folder_that_holds_something_else(site, tmp_path):
    target = tmp_path / "documents"
    target.mkdir()
    (target / "taxes.pdf").write_bytes(b"%PDF")
    done = run_publish(site, "--to", str(target))
    assert done.returncode == 2
    assert "holds no site" in done.stderr
    assert (target / "taxes.pdf").read_bytes() == b"%PDF"


# --- gh-pages --------------------------------------------------------------------------


def git(*args, cwd) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def bare_repo(tmp_path) -> Path:
    if not shutil.which("git"):
        pytest.skip("needs git")
    repo = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(repo), cwd=tmp_path)
    return repo


def branch_files(repo: Path, branch: str, tmp_path: Path) -> dict[str, bytes]:
    clone = tmp_path / f"clone-{len(list(tmp_path.iterdir()))}"
    git("clone", "-q", "--branch", branch, str(repo), str(clone), cwd=tmp_path)
    files = tree(clone)
    return {k: v for k, v in files.items() if not k.startswith(".git/")}


def test_gh_pages_holds_exactly_the_site(site, bare_repo, tmp_path):
    # (other branches of the project may move meanwhile: people keep working)
    refs_before = git("for-each-ref", "refs/heads/gh-pages", "refs/remotes", cwd=ROOT)
    done = run_publish(site, "--to", "gh-pages", "--remote", str(bare_repo),
                       env={"GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"})
    assert done.returncode == 0, done.stderr
    files = branch_files(bare_repo, "gh-pages", tmp_path)
    expected = tree(site / "output")
    expected[".nojekyll"] = b""
    expected["CNAME"] = b"test-bakery.example"  # the fixture's PUBLIC_SITEURL is a custom domain
    assert files == expected
    assert git("for-each-ref", "refs/heads/gh-pages", "refs/remotes", cwd=ROOT) == refs_before  # untouched

    # A second publish follows the branch's history and drops unpublished pages.
    unpublish(site, "keep-fresh.md")
    again = run_publish(site, "--to", "gh-pages", "--remote", str(bare_repo),
                        env={"GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"})
    assert again.returncode == 0, again.stderr
    assert git("rev-list", "--count", "gh-pages", cwd=bare_repo).strip() == "2"
    files = branch_files(bare_repo, "gh-pages", tmp_path)
    assert not any(name.startswith("blog/keep-fresh/") for name in files)


def test_gh_pages_without_custom_domain_has_no_cname(site, bare_repo, tmp_path):
    done = run_publish(site, "--to", "gh-pages", "--remote", str(bare_repo),
                       env={"MAINSTREET_SITEURL": "https://someone.github.io/bakery"})
    # The fixture's settings do not read MAINSTREET_SITEURL; PUBLISH decides instead.
    assert done.returncode == 0, done.stderr
    (site / "publishconf.py").write_text(PUBLISHCONF + 'PUBLISH = {"cname": ""}\n', encoding="utf-8")
    again = run_publish(site, "--to", "gh-pages", "--remote", str(bare_repo))
    assert again.returncode == 0, again.stderr
    files = branch_files(bare_repo, "gh-pages", tmp_path)
    expected = tree(site / "output")
    expected[".nojekyll"] = b""
    assert files == expected


def test_failed_audit_leaves_gh_pages_untouched(site, bare_repo):
    env = {"GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    assert run_publish(site, "--to", "gh-pages", "--remote", str(bare_repo), env=env).returncode == 0
    before = git("for-each-ref", cwd=bare_repo)
    break_the_audit(site)
    done = run_publish(site, "--to", "gh-pages", "--remote", str(bare_repo), env=env)
    assert done.returncode == 1 and "nothing was deployed" in done.stderr
    assert git("for-each-ref", cwd=bare_repo) == before


# --- rsync ------------------------------------------------------------------------------


def test_rsync_command_mirrors_with_delete_after_a_dry_run():
    command = rsync_command(Path("/site/output"), "deploy@web1:/var/www/site", dry_run=True)
    assert "--delete" in command and "--dry-run" in command and "--delay-updates" in command
    assert command[-2:] == ["/site/output/", "deploy@web1:/var/www/site/"]
    assert "--dry-run" not in rsync_command(Path("/site/output"), "deploy@web1:/var/www/site")


def test_rsync_deploy_in_local_mode(site, tmp_path):
    if not shutil.which("rsync"):
        pytest.skip("needs rsync (apt-get install rsync; .ci/run does)")
    from mainstreet.publish import deploy_with_rsync

    assert run_publish(site, "--to", str(tmp_path / "first")).returncode == 0  # builds output/
    target = tmp_path / "rsync-target"
    target.mkdir()
    (target / "stale.html").write_text("old", encoding="utf-8")
    lines = []
    changes = deploy_with_rsync(site / "output", str(target), echo=lines.append)
    assert changes > 0 and any("stale.html" in line for line in lines)  # the dry run listed the deletion
    assert tree(target) == tree(site / "output")


def test_rsync_target_missing_rsync_is_reported(monkeypatch, site):
    from mainstreet import publish as module

    monkeypatch.setattr(module.shutil, "which", lambda name: None)
    with pytest.raises(PublishError, match="needs rsync"):
        module._check_tools(Target("rsync", "web1:/var/www"), "seo", site / "publishconf.py")


# --- the production build has its own folder -------------------------------------


def test_publish_leaves_the_local_build_in_output_for_serve(tmp_path):
    """The real publishconf.py: `publish` builds into output-production/, output/ stays the local build."""
    import threading
    import urllib.parse
    import urllib.request

    from bs4 import BeautifulSoup

    from mainstreet.serve import make_server

    project = tmp_path / "project"
    project.mkdir()
    for name in ("content", "calendar", "themes", "plugins"):
        shutil.copytree(ROOT / name, project / name)
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, project / name)
    environ = dict(os.environ, PYTHONPATH=str(ROOT))
    for name in ("MAINSTREET_NOW", "MAINSTREET_SITEURL", "GITHUB_ACTIONS"):
        environ.pop(name, None)

    def command(*args):
        done = subprocess.run([sys.executable, "-m", "mainstreet", *args, "--now", DEMO_NOW], cwd=project,
                              env=environ, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return done

    command("build", "-s", str(project / "pelicanconf.py"), "--reports", str(project / "reports"))
    local = snapshot(project / "output")
    deployed = tmp_path / "deployed"
    command("publish", "--to", str(deployed), "-s", str(project / "publishconf.py"), "--reports", str(project / "reports"))
    assert snapshot(project / "output") == local, "publish overwrote the local build in output/"
    assert tree(deployed) == tree(project / "output-production")

    def stylesheets(folder):
        soup = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "lxml")
        return [link["href"] for link in soup.find_all("link", rel="stylesheet")]

    assert stylesheets(project / "output-production")[0].startswith("https://")
    # `serve` after `publish`: the page's styles load from the local server.
    httpd = make_server(project / "output", "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        for href in stylesheets(project / "output"):
            assert not href.startswith("http"), href
            with urllib.request.urlopen(urllib.parse.urljoin(base, href), timeout=10) as response:  # noqa: S310
                assert response.status == 200
                assert response.read()
    finally:
        httpd.shutdown()
        httpd.server_close()
