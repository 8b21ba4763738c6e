"""OCOP Market: the Django project. The Celery app is loaded with Django so @shared_task binds to it."""

from marketplace.celery import app as celery_app

__version__ = "0.1.0"
__all__ = ["__version__", "celery_app"]
