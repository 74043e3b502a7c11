"""The Celery app. Every periodic schedule lives in CELERY_BEAT_SCHEDULE in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("handlingsplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
