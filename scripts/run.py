"""Runs the whole product on one machine: services, migrations, demo data, worker, beat, web.

`make run` calls this after installing. Ctrl-C stops the worker, beat and web server, and (unless
--keep-services) the embedded PostgreSQL and Redis too; their data stays in var/.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# The ml queue's worker: one task thread (see main()).
ML_POOL = {"pool": "threads", "concurrency": 1}


def manage(*args: str) -> None:
    print(f"== manage.py {' '.join(args)}", flush=True)
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--keep-services", action="store_true", help="leave PostgreSQL/Redis running on exit"
    )
    parser.add_argument(
        "--no-demo", action="store_true", help="do not load demo data into an empty catalog"
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcadvisor.settings")
    manage("migrate", "--noinput")
    if not args.no_demo:
        manage("seed_demo", "--if-empty")
    manage("collectstatic", "--noinput", "--verbosity", "0")

    var = ROOT / "var" / "log"
    var.mkdir(parents=True, exist_ok=True)
    children: list[subprocess.Popen] = []

    def spawn(name: str, cmd: list[str]) -> None:
        log = open(var / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the child
        print(f"== starting {name} (log: var/log/{name}.log)", flush=True)
        children.append(subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))

    celery = [PY, "-m", "celery", "-A", "pcadvisor"]
    worker = [*celery, "worker", "-l", "info"]
    spawn("worker", [*worker, "-Q", "default,crawl", "--concurrency", "2", "-n", "main@%h"])
    # The ml queue gets its own worker with one task thread: training starts worker processes
    # of its own, which the daemonic children of a prefork pool may not do, and the worker's
    # main thread keeps answering /healthz pings while a training run takes minutes (a solo
    # pool cannot).
    pool = ["--pool", ML_POOL["pool"], "--concurrency", str(ML_POOL["concurrency"])]
    spawn("worker-ml", [*worker, "-Q", "ml", *pool, "-n", "ml@%h"])
    spawn("beat", [*celery, "beat", "-l", "info", "--pidfile", str(var / "beat.pid")])
    web = [
        PY, "-m", "gunicorn", "pcadvisor.wsgi:application",
        "--bind", f"{args.host}:{args.port}", "--workers", "2", "--threads", "4",
        "--access-logfile", "-", "--timeout", "120",
    ]  # fmt: skip
    if not args.no_demo:
        manage("train_pricing", "--queue-if-missing")  # the demo gets fair prices in the background
    print(f"== serving http://{args.host}:{args.port}  (Ctrl-C to stop)", flush=True)
    web_proc = subprocess.Popen(web, cwd=ROOT)
    children.append(web_proc)

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for child in children:
                if child.poll() is not None:
                    print(
                        f"!! a process exited with {child.returncode}: {child.args[:4]}", flush=True
                    )
                    stopping = True
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        if not args.keep_services:
            subprocess.run([PY, "manage.py", "services", "stop"], cwd=ROOT, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
