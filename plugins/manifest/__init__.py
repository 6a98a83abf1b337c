"""plugins/manifest: writes reports/manifest.json (see manifest.py)."""

from .manifest import register

__all__ = ["register"]
