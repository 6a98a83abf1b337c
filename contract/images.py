"""Image facts the build needs, shared by the plugins."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def image_size(path: str) -> tuple[int, int] | None:
    """Pixel size of an image file (reads only the header), None if unreadable."""
    if path.endswith(".svg"):
        return None
    try:
        from PIL import Image

        with Image.open(path) as img:
            return img.size
    except (OSError, ValueError):
        return None
