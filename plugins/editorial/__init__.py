"""plugins/editorial: the content calendar (calendar/*.md) drives the build.

``plan``, ``report``, ``views`` and ``tools`` need no Pelican, so the command
line (``python -m mainstreet calendar``) imports them without loading it;
``register`` imports the Pelican side only when Pelican loads the plugin.
"""


def register():
    """Connect the plugin's receivers (see editorial.py)."""
    from .editorial import register as connect_receivers

    connect_receivers()
