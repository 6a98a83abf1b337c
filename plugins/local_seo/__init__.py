from .local_seo import register

__all__ = ["register"]
