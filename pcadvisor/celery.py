"""The Celery app: JSON only, queues default / crawl / ml, schedules in django-celery-beat.

A worker or beat starts the embedded servers when it loads its configuration (before it connects
to the broker or the database), since importing the settings no longer does."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcadvisor.settings")

app = Celery("pcadvisor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("crawl"), Queue("ml"))
app.autodiscover_tasks()


@app.on_after_configure.connect
def _prepare_process(**_kwargs: object) -> None:
    from pcadvisor.startup import prepare_process

    prepare_process()
