"""The Celery app: JSON only, queues default / crawl / ml, schedules in django-celery-beat."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcadvisor.settings")

app = Celery("pcadvisor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("crawl"), Queue("ml"))
app.autodiscover_tasks()
