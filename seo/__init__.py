"""The SEO audit: keywords, on-page SEO and links, offline from output/ or online against a URL.

``python -m seo audit output/`` and ``python -m seo crawl URL``; see README.md, "The SEO audit".
"""

__version__ = "0.1.0"
TOOL_NAME = "mainstreet-seo-audit"
