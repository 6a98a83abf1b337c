"""The contract every Mainstreet package shares, and nothing else.

What the build writes and the tools after it read (the manifest's shape, the
reports folder, the feed paths, the public-URL rule), the state one plugin
leaves for another during a build (``state``), and small helpers that several
packages need the same way (source locations for ``file:line`` messages,
atomic writes, spreadsheet-safe CSV cells, image sizes).

It imports no Pelican and nothing else of ours, so a plugin copied into
another Pelican site needs only this package beside it, and seo/, outreach/
and insights/ read the build's output through it.
"""
