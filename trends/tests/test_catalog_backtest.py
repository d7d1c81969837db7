"""The catalog's own backtest: queued on first start, run weekly by beat, stored once per window,
and its track record is what a verdict on the product page is shown with."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from catalog.demo.service import seed_demo
from trends.models import BacktestRun
from trends.tasks import backtest_catalog

pytestmark = pytest.mark.django_db


def test_the_task_stores_one_run_per_window_with_a_track_record() -> None:
    seed_demo(products=150, days=90, others_per_category=1, log=lambda _line: None)
    first = backtest_catalog.apply().get()
    again = backtest_catalog.apply().get()  # a redelivered task stores nothing new
    assert first["stored"] == again["stored"]
    assert BacktestRun.objects.count() == 1
    run = BacktestRun.objects.get()
    assert run.source == "db" and run.decisions > 0
    assert run.last_line.startswith("accuracy=") and "wait_win_rate=" in run.last_line
    assert run.metrics["track_record"], "every verdict cell needs its record"


def test_no_history_stores_nothing() -> None:
    assert backtest_catalog.apply().get() == {"stored": None}
    assert not BacktestRun.objects.exists()


def test_queue_if_missing_queues_only_while_no_run_is_stored(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sent = []
    monkeypatch.setattr(backtest_catalog, "delay", lambda: sent.append(1))
    call_command("backtest_trends", "--queue-if-missing")
    assert len(sent) == 1 and "작업 큐에 넣었습니다" in capsys.readouterr().out
    seed_demo(products=20, days=50, others_per_category=1, log=lambda _line: None)
    call_command("backtest_trends", "--no-save")  # not stored: still missing
    call_command("backtest_trends", "--queue-if-missing")
    assert len(sent) == 2
    call_command("backtest_trends")
    call_command("backtest_trends", "--queue-if-missing")
    assert len(sent) == 2 and "있어 새로 넣지 않습니다" in capsys.readouterr().out


def test_beat_runs_it_weekly() -> None:
    task = PeriodicTask.objects.get(task="trends.tasks.backtest_catalog")
    assert task.enabled and (task.interval.every, task.interval.period) == (7, "days")
