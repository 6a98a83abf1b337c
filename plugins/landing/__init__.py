from .landing import register

__all__ = ["register"]
