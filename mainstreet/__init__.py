"""Mainstreet: the build driver, the local server and the command line."""

__version__ = "0.1.0"
