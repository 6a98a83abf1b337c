"""Run whole processes and measure them: wall time, CPU time, peak memory.

Each command runs as its own process; ``os.wait4`` returns the resources the
kernel counted for it and every descendant it waited for (a crawler's
Scrapy subprocess, a build's worker processes), so CPU time and peak resident
memory come from the OS, not from sampling. Commands of one comparison run
A B C A B C ... after one untimed warm-up each, so drift of the machine
(other load, a warming page cache) spreads over all of them equally.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class BenchError(Exception):
    """A measured command failed, or a suite cannot run; the message says which and why."""


@dataclass
class Command:
    """One measured process. ``prepare`` runs untimed before every run."""

    name: str
    argv: list[str]
    cwd: Path = ROOT
    env: dict[str, str] | None = None
    prepare: Callable[[], None] | None = None
    ok_codes: tuple[int, ...] = (0,)
    # What one run achieved (pages checked, messages sent), read after it
    # ended from its log or its output, for throughput.
    units: Callable[[Path | None], int] | None = None


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds, the process and its waited-for children
    rss_mib: float  # peak resident set size of the largest process in the tree
    units: int | None = None


@dataclass
class Measured:
    name: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss_mib(self) -> float:
        return statistics.median(s.rss_mib for s in self.samples)

    @property
    def units(self) -> int | None:
        values = [s.units for s in self.samples if s.units is not None]
        return int(statistics.median(values)) if values else None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "runs": len(self.samples),
            "wall_s": round(self.wall, 3),
            "cpu_s": round(self.cpu, 3),
            "peak_rss_mib": round(self.rss_mib, 1),
            "units": self.units,
            "wall_all_s": [round(s.wall, 3) for s in self.samples],
        }


def python_env(**extra: str) -> dict[str, str]:
    """The environment for ``python -m mainstreet|seo|outreach`` run from the repository."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), MAINSTREET_ROOT=str(ROOT))
    env.pop("MAINSTREET_NOW", None)
    # The venv's bin/ first: advertools starts Scrapy by name.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def run_once(command: Command, log: Path | None = None) -> Sample:
    """Run ``command`` once (after its ``prepare``) and measure it."""
    if command.prepare:
        command.prepare()
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(command.argv, cwd=command.cwd, env=command.env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            out.close()
    if proc.returncode not in command.ok_codes:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log else ""
        raise BenchError(f"{command.name} exited {proc.returncode}: {' '.join(command.argv)}\n{tail}")
    units = command.units(log) if command.units else None
    # ru_maxrss is in KiB on Linux.
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, units)


def measure(commands: list[Command], repeats: int, logs: Path, warmup: bool = True, say=print) -> list[Measured]:
    """Warm up each command once, then run them in turn ``repeats`` times."""
    logs.mkdir(parents=True, exist_ok=True)
    results = [Measured(c.name) for c in commands]
    if warmup:
        for command in commands:
            run_once(command, logs / f"{_file_name(command.name)}.warmup.log")
    for round_ in range(repeats):
        for command, result in zip(commands, results, strict=True):
            sample = run_once(command, logs / f"{_file_name(command.name)}.{round_}.log")
            result.samples.append(sample)
            say(f"    {command.name:<34} run {round_ + 1}/{repeats}: {sample.wall:7.2f} s wall, "
                f"{sample.cpu:7.2f} s CPU, {sample.rss_mib:6.0f} MiB")
    return results


def _file_name(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
