from .visibility import register

__all__ = ["register"]
