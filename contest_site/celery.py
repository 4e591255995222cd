"""The Celery app. Tasks live in each app's tasks.py and take ids, never model instances.

Configuration is in settings (CELERY_*): timezone Asia/Ho_Chi_Minh, late acknowledgement and
reject-on-worker-lost (the round tasks are idempotent), prefetch 1, soft and hard time limits
below the Redis visibility timeout, and the beat schedule (the sweep every minute + 00:00).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.base")

app = Celery("contest_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
