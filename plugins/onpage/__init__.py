from .onpage import register

__all__ = ["register"]
