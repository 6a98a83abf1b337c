"""Builds killed in the middle: output/ keeps the last good build, and nothing piles up.

Each test runs the real command line on a copy of the fixture site and kills a
real build process with SIGKILL. ``MAINSTREET_SWAP_PAUSE`` makes the build's
swap take its two renames and wait between them, so the kill lands exactly
where output/ is missing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import DEMO_NOW, ROOT, run_build

from mainstreet.build import _exchange

BROKEN_POST = "Title: Bad Date\nDate: 2026-13-45 25:00\nCategory: Bread\n\nBody.\n"


def good_build(project: Path) -> Path:
    """A successful build with a marker file: the 'last good copy' the tests look for."""
    output = project / "output"
    result = run_build(project / "siteconf.py", output, now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    (output / "marker.txt").write_text("the last good build")
    return output


def start_build(project: Path, pause: float) -> subprocess.Popen:
    """The real build command, in the background, pausing ``pause`` seconds between its renames."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), MAINSTREET_ROOT=str(ROOT), MAINSTREET_SWAP_PAUSE=str(pause))
    env.pop("MAINSTREET_NOW", None)
    command = [sys.executable, "-m", "mainstreet", "build", "-s", str(project / "siteconf.py"),
               "-o", str(project / "output"), "--reports", str(project / "reports"), "--now", DEMO_NOW]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_for(condition, seconds: float = 120, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def names(folder: Path, pattern: str) -> list[str]:
    return sorted(p.name for p in folder.glob(pattern))


def kill(process: subprocess.Popen) -> None:
    """SIGKILL: no handler runs, no clean-up, like a power cut for this process."""
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()


def kill_between_renames(project: Path, pause: float = 60) -> None:
    """Start a build, SIGKILL it once output/ has been renamed away and before the new one is in."""
    process = start_build(project, pause)
    try:
        wait_for(lambda: not (project / "output").exists() or process.poll() is not None, what="the first rename")
        assert process.poll() is None, process.stderr.read()
    finally:
        kill(process)
    assert not (project / "output").exists()
    assert names(project, ".output-previous-*"), "the replaced output must still exist after the kill"


def test_killed_build_then_failing_build_leaves_the_last_good_copy(project):
    output = good_build(project)
    kill_between_renames(project)
    # The next build fails: output/ must hold the last good build, and say so truly.
    (project / "content" / "posts" / "bad-date.md").write_text(BROKEN_POST, encoding="utf-8")
    result = run_build(project / "siteconf.py", output, now=DEMO_NOW)
    assert result.returncode == 1, result.stderr
    assert (output / "marker.txt").read_text() == "the last good build"
    assert (output / "blog" / "first-loaf" / "index.html").is_file()
    assert "left as it was" not in result.stderr
    assert "output/ was missing after an interrupted build and holds the last good build again" in result.stderr
    assert names(project, ".output-previous-*") == []
    # A second failing build: now output/ really was left as it was.
    again = run_build(project / "siteconf.py", output, now=DEMO_NOW)
    assert again.returncode == 1
    assert "output/ was left as it was" in again.stderr
    assert (output / "marker.txt").read_text() == "the last good build"


def test_killed_build_then_successful_build_replaces_the_restored_copy(project):
    output = good_build(project)
    kill_between_renames(project)
    result = run_build(project / "siteconf.py", output, now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    assert not (output / "marker.txt").exists()
    assert (output / "blog" / "keep-fresh" / "index.html").is_file()
    wait_for(lambda: names(project, ".output-[bpr][ue]*-*") == [], 60, "leftovers to be deleted")


def test_a_failing_first_build_says_nothing_was_written(project):
    (project / "content" / "posts" / "bad-date.md").write_text(BROKEN_POST, encoding="utf-8")
    result = run_build(project / "siteconf.py", project / "output", now=DEMO_NOW)
    assert result.returncode == 1
    assert "output/ does not exist and nothing was written to it" in result.stderr


def test_stale_staging_folders_go_but_a_running_builds_stay(project):
    reports = project / "reports"
    good_build(project)
    kill_between_renames(project)
    # The killed build's staging folders (a whole site) are left behind.
    killed = names(project, ".output-building-*")
    killed_reports = names(reports, ".building-*")
    killed_previous = names(project, ".output-previous-*")
    assert killed and killed_reports and killed_previous

    # The next build removes them, and is itself paused (running) inside its swap.
    running = start_build(project, 120)
    try:
        # It restores the killed build's previous copy, builds, then renames output/ away.
        wait_for(lambda: not (project / "output").exists()
                 and names(project, ".output-previous-*") not in ([], killed_previous)
                 or running.poll() is not None, what="the running build's swap")
        assert running.poll() is None, running.stderr.read()
        wait_for(lambda: not set(killed) & set(names(project, ".output-*")), 60, "stale staging to go")
        assert not set(killed_reports) & set(names(reports, ".*"))
        mine = names(project, ".output-building-*")
        mine_reports = names(reports, ".building-*")
        previous = names(project, ".output-previous-*")
        assert mine and mine_reports and previous

        # clean while that build runs: its folders stay.
        cleaned = subprocess.run([sys.executable, "-m", "mainstreet", "clean", str(project / "output"),
                                  "--reports", str(reports)], cwd=ROOT, capture_output=True, text=True,
                                 env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
        assert cleaned.returncode == 0, cleaned.stderr
        time.sleep(1)
        assert names(project, ".output-building-*") == mine
        assert names(reports, ".building-*") == mine_reports
        assert names(project, ".output-previous-*") == previous
    finally:
        kill(running)

    # Once it is dead, clean removes everything it left.
    cleaned = subprocess.run([sys.executable, "-m", "mainstreet", "clean", str(project / "output"),
                              "--reports", str(reports)], cwd=ROOT, capture_output=True, text=True,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    assert cleaned.returncode == 0, cleaned.stderr
    assert ".output-building-" in cleaned.stderr
    wait_for(lambda: names(project, ".output-*") == [] and names(reports, ".building-*") == []
             and names(reports, ".removing-*") == [], 60, "clean to finish")
    assert not (project / "output").exists()


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "new.txt").write_text("new")
    (second / "old.txt").write_text("old")
    if not _exchange(first, second):
        # Without renameat2 the build takes the two renames the other tests cover.
        assert not (first / "old.txt").exists() and (first / "new.txt").exists()
        return
    assert (second / "new.txt").read_text() == "new"
    assert (first / "old.txt").read_text() == "old"
