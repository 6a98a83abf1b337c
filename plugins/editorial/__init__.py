"""plugins/editorial: the content calendar (calendar/*.md) drives the build.

The calendar's Pelican-free code (plan, report, views, import/export) lives in
the ``planning`` package, which the command line uses too; this plugin is the
Pelican side only (``editorial.py``), imported when Pelican loads the plugin.
"""


def register():
    """Connect the plugin's receivers (see editorial.py)."""
    from .editorial import register as connect_receivers

    connect_receivers()
