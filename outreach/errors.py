"""Errors the command line prints without a traceback, with their exit codes."""

from __future__ import annotations


class OutreachError(Exception):
    """Something went wrong that the user can act on (exit code 1)."""

    exit_code = 1


class InputError(OutreachError):
    """An input is missing or unusable: settings, feeds, manifest, CSV header, environment (exit 2)."""

    exit_code = 2
