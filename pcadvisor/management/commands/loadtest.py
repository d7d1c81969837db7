"""`python manage.py loadtest` (`make loadtest`): locust, headless, against a running server.

Builds the plan (``pcadvisor.loadtest``), checks that the server answers ``/healthz`` (else
says how to start one) and that every page answers 200 once, runs ``locust --headless`` with
``scripts/locustfile.py`` until ``--requests`` requests are answered, prints each page's
p50/p95 and, last, ``p95_ms=<x> requests=<n> errors=<n>``. Fails (status 1) on any error.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

import psutil
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pcadvisor.loadtest import (
    DEFAULT_PAGES,
    PRODUCTS,
    build_plan,
    http_status,
    parse_pages,
    probe,
    report_lines,
)

LOCUSTFILE = Path(settings.BASE_DIR) / "scripts" / "locustfile.py"


class Command(BaseCommand):
    help = "Load test (locust, headless) of home, catalog, product, analysis and recommend pages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the server (make run)")
        parser.add_argument("--users", type=int, default=20, help="concurrent visitors")
        parser.add_argument("--requests", type=int, default=2400, help="stop after this many")
        parser.add_argument(
            "--max-seconds", type=int, default=0, help="upper bound of the run (default: derived)"
        )
        parser.add_argument(
            "--pages",
            default=",".join(f"{k}={v}" for k, v in DEFAULT_PAGES.items()),
            help="pages and weights, e.g. home=2,catalog=2,product=3,analysis=2,recommend=1",
        )
        parser.add_argument("--products", type=int, default=PRODUCTS, help="distinct products")
        parser.add_argument(
            "--seed",
            type=int,
            default=12,
            help="which products (another seed: other product pages, likely not cached yet)",
        )
        parser.add_argument(
            "--wait",
            type=float,
            nargs=2,
            default=[0.0, 0.0],
            metavar=("MIN", "MAX"),
            help="each visitor's think time between requests, seconds (default none)",
        )

    def handle(self, *args: object, **opts: object) -> None:
        url = str(opts["url"]).rstrip("/")
        try:
            pages = parse_pages(str(opts["pages"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if http_status(f"{url}/healthz", timeout=10) is None:
            raise CommandError(
                f"{url} 에 응답하는 서버가 없습니다. 다른 터미널에서 서버를 먼저 시작하세요: "
                f"make run PORT=<port>, 그다음 make loadtest LOADTEST_URL=http://127.0.0.1:<port>"
            )
        plan = build_plan(pages, products=int(opts["products"]), seed=int(opts["seed"]))
        for note in probe(plan, url):
            self.stdout.write(f"note: {note}")
        if not plan["pages"]:
            raise CommandError("no page to load")
        requests = int(opts["requests"])
        plan.update(requests=requests, wait=list(opts["wait"]))
        shown = ", ".join(f"{p['name']}×{p['weight']} ({len(p['urls'])})" for p in plan["pages"])
        self.stdout.write(f"pages (weight, addresses): {shown}")
        # the bound only stops a run whose server is far too slow: 5 requests/s at least
        seconds = int(opts["max_seconds"]) or max(30, math.ceil(requests / 5))
        server = server_processes(url)
        cpu_before = cpu_seconds(server)
        summary = self._run_locust(url, plan, int(opts["users"]), seconds)
        lines = report_lines(summary)
        if server and summary["total"]["requests"]:
            used = cpu_seconds(server) - cpu_before
            per_request = 1000 * used / summary["total"]["requests"]
            # the web server's own CPU (not PostgreSQL's or Redis'): what other work on the
            # machine does not change much, unlike the latencies
            lines.insert(-1, f"web server CPU: {per_request:.1f} ms per request "
                             f"({len(server)} processes, {used:.1f} s)")  # fmt: skip
        for line in lines:
            self.stdout.write(line)
        if summary["errors"]:
            raise CommandError(f"{summary['errors']} errors")

    def _run_locust(self, url: str, plan: dict, users: int, seconds: int) -> dict:
        with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
            plan_file, summary_file = Path(tmp, "plan.json"), Path(tmp, "summary.json")
            plan_file.write_text(json.dumps(plan))
            cmd = [
                sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
                "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "-H", url,
                "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
                "--plan", str(plan_file), "--summary", str(summary_file),
            ]  # fmt: skip
            self.stdout.write(f"locust: {users} users, until {plan['requests']} requests")
            self.stdout.flush()
            done = subprocess.run(cmd, check=False)
            if not summary_file.exists():
                raise CommandError(f"locust ended with {done.returncode} and no statistics")
            return json.loads(summary_file.read_text())


def server_processes(url: str) -> list[psutil.Process]:
    """The processes of the server listening on ``url``'s port on this machine (the gunicorn
    master and its workers), [] when it is elsewhere or cannot be seen."""
    port = urllib.parse.urlsplit(url).port or 80
    try:
        pids = {
            c.pid
            for c in psutil.net_connections(kind="inet")
            if c.pid and c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN
        }
        procs: dict[int, psutil.Process] = {}
        for pid in pids:
            top = psutil.Process(pid)
            # a forked worker has its master's command line: count the master and all its workers
            while (parent := top.parent()) is not None and parent.cmdline() == top.cmdline():
                top = parent
            procs[top.pid] = top
            procs.update({child.pid: child for child in top.children(recursive=True)})
    except psutil.Error:
        return []
    return list(procs.values())


def cpu_seconds(procs: list[psutil.Process]) -> float:
    """User + system CPU seconds the processes have used so far (those still running)."""
    total = 0.0
    for proc in procs:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total
