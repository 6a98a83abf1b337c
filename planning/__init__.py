"""The content calendar without Pelican: plan reading, the plan report, its views, import/export, stubs.

``calendar/*.md`` holds the plan as Markdown tables (data only; a package named
``calendar`` would shadow the standard library's). The build's editorial plugin
and the calendar command (``python -m mainstreet calendar``) both call this
package; it imports only ``contract``.
"""
