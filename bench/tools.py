"""The peers' tools: found, or installed by the bench itself (never project dependencies)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .harness import ROOT


@dataclass
class Tool:
    path: str
    version: str


def find_hugo(say=print) -> Tool | None:
    """Hugo from PATH; when absent, Debian's ``hugo`` package via apt-get (as root)."""
    path = shutil.which("hugo")
    if not path and shutil.which("apt-get") and os.geteuid() == 0:
        say("  Hugo is not installed: apt-get install -y hugo (Debian's package, for the bench only)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "hugo"]
        done = subprocess.run(install, env=env, capture_output=True, text=True)
        if done.returncode != 0:  # a fresh machine has no package lists yet
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
            done = subprocess.run(install, env=env, capture_output=True, text=True)
        path = shutil.which("hugo")
        if not path:
            say(f"  could not install Hugo: {done.stderr.strip()[-300:]}")
    if not path:
        return None
    version = subprocess.run([path, "version"], capture_output=True, text=True).stdout.split()
    return Tool(path, version[1] if len(version) > 1 else "?")


def find_linkchecker() -> str | None:
    """linkchecker from the venv (bench/requirements.txt), else from PATH."""
    local = Path(sys.executable).parent / "linkchecker"
    return str(local) if local.is_file() else shutil.which("linkchecker")


def has_module(name: str) -> bool:
    """A project command (``python -m seo``, ``python -m outreach``) exists in this checkout."""
    return (ROOT / name / "__main__.py").is_file()
