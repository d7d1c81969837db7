"""Runs the whole product on one machine: services, migrations, demo data, worker, beat, web.

`make run` calls this after installing. Ctrl-C stops the worker, beat and web server, and (unless
--keep-services) the embedded PostgreSQL and Redis too; their data stays in var/.

Every child runs in a session (and process group) of its own, so the terminal's Ctrl-C reaches
this script only: a gunicorn worker that got the quit signal twice, once from the terminal and
once from its master, could deadlock in its handler and keep the port. This script stops each
child once, in the reverse order of starting, with a deadline, after which the child's whole
process group (gunicorn workers, Celery pool processes) is killed. Further Ctrl-Cs while it
stops change nothing.

A worker, beat or the web server that dies by itself (not during a stop) is started again, after
1, 2, 4, 8 … seconds (at most 30), and the output says so; a child that then runs a minute starts
the count afresh. Five restarts of one child within five minutes and the script gives up: it
stops everything and exits with 1.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# The ml queue's worker: one task thread (see main()).
ML_POOL = {"pool": "threads", "concurrency": 1}
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# gunicorn (gthread): processes for the 2 cores, threads so that one waiting on PostgreSQL or
# Redis does not hold a core (`make loadtest` measured; README, "Measured numbers")
WEB_WORKERS = 2
WEB_THREADS = 4


class Interrupted(Exception):
    """A stop was requested (Ctrl-C, SIGTERM, SIGHUP) while starting up."""


# Restarts (see the module docstring): the first delay, its cap, how long a child must run to
# count as healthy again, and how many restarts within how many seconds mean "give up".
BACKOFF_FIRST = 1.0
BACKOFF_CAP = 30.0
HEALTHY_AFTER = 60.0
MAX_RESTARTS = 5
RESTART_WINDOW = 300.0


class Child:
    """A started child and its grace: seconds between the polite stop signal and the kill.

    A child with ``restart`` is started again when it exits by itself: ``cmd`` and ``log`` are
    kept for that, ``restarts`` holds when it was restarted, ``streak`` how many times in a row
    it died before running ``HEALTHY_AFTER`` seconds, ``restart_at`` when the next start is due.

    (A plain class, not a dataclass: tests load this script with importlib, unregistered.)"""

    def __init__(
        self,
        name: str,
        proc: subprocess.Popen,
        grace: float,
        *,
        cmd: list[str] | None = None,
        log: IO[bytes] | None = None,
        restart: bool = False,
    ) -> None:
        self.name, self.proc, self.grace = name, proc, grace
        self.cmd, self.log, self.restart = cmd or [], log, restart
        self.started_at = time.monotonic()
        self.restarts: list[float] = []
        self.streak = 0
        self.restart_at: float | None = None


def _say(text: str) -> None:
    """Print from anywhere, a signal handler included (no buffered, non-reentrant stdout)."""
    with contextlib.suppress(OSError):
        os.write(sys.stdout.fileno(), (text + "\n").encode())


def _group_alive(pgid: int) -> bool:
    """Whether process group pgid has a member that is not a zombie."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    import psutil

    for proc in psutil.process_iter(["status"]):
        try:
            if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                return True
        except (ProcessLookupError, psutil.Error):
            continue
    return False


class Supervisor:
    """Starts children in sessions of their own, restarts those that die (with backoff) and
    stops them once, in reverse order."""

    def __init__(
        self,
        *,
        backoff_first: float = BACKOFF_FIRST,
        backoff_cap: float = BACKOFF_CAP,
        healthy_after: float = HEALTHY_AFTER,
        max_restarts: int = MAX_RESTARTS,
        restart_window: float = RESTART_WINDOW,
    ) -> None:
        self.children: list[Child] = []
        self.stop_requested = False
        self.stopping = False
        self._handlers_installed = False
        self.backoff_first, self.backoff_cap = backoff_first, backoff_cap
        self.healthy_after = healthy_after
        self.max_restarts, self.restart_window = max_restarts, restart_window

    def install_signal_handlers(self) -> None:
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._on_signal)
        self._handlers_installed = True

    def _on_signal(self, signum: int, _frame: object) -> None:
        # Only flags and a raw write here: the main loop and stop() do the work, so a second
        # signal can never cut a stop short.
        if self.stopping or self.stop_requested:
            _say("== 이미 종료하는 중입니다 (제한 시간이 지나면 남은 프로세스를 강제로 끝냅니다)")
        else:
            _say(f"== {signal.Signals(signum).name}: 종료합니다")
        self.stop_requested = True

    def spawn(
        self,
        name: str,
        cmd: list[str],
        *,
        grace: float = 10.0,
        log: IO[bytes] | None = None,
        restart: bool = False,
    ) -> Child:
        """Start cmd; with ``restart``, ``wait`` starts it again whenever it dies by itself."""
        child = Child(name, self._popen(cmd, log), grace, cmd=cmd, log=log, restart=restart)
        self.children.append(child)
        return child

    @staticmethod
    def _popen(cmd: list[str], log: IO[bytes] | None) -> subprocess.Popen:
        return subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT if log is not None else None,
            start_new_session=True,  # no terminal signals: only this script stops it
        )

    def run_step(self, name: str, cmd: list[str]) -> None:
        """Run a start-up step to its end; Interrupted when a stop is requested meanwhile."""
        print(f"== {name}", flush=True)
        child = self.spawn(name, cmd)
        while child.proc.poll() is None:
            if self.stop_requested:
                raise Interrupted(name)
            time.sleep(0.1)
        self.children.remove(child)
        if child.proc.returncode != 0:
            raise subprocess.CalledProcessError(child.proc.returncode, cmd)
        if self.stop_requested:
            raise Interrupted(name)

    def wait(self) -> int:
        """Until a stop is requested (0), a child without ``restart`` exits by itself (1), or a
        child with it has died too often (1); restarts the others when they die."""
        while not self.stop_requested:
            now = time.monotonic()
            for child in self.children:
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        self._restart(child)
                    continue
                if child.proc.poll() is None:
                    continue
                if not child.restart:
                    print(f"!! {child.name} exited with {child.proc.returncode}", flush=True)
                    return 1
                if not self._schedule_restart(child, now):
                    return 1
            time.sleep(0.2)
        return 0

    def _schedule_restart(self, child: Child, now: float) -> bool:
        """A restartable child died: what it left in its process group (gunicorn workers that
        hold the port, Celery pool processes) is killed, and its next start is set after the
        backoff. False, having said why, when it died too often: the caller gives up."""
        code = child.proc.returncode
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.proc.pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _group_alive(child.proc.pid):
            time.sleep(0.1)
        recent = [t for t in child.restarts if now - t < self.restart_window]
        if len(recent) >= self.max_restarts:
            print(
                f"!! {child.name} 이(가) 종료됨 (코드 {code}) — {self.restart_window:g}초 안에 "
                f"{len(recent)}번 다시 시작했지만 계속 종료되어 포기합니다. 모두 중지합니다"
                f" (로그를 확인하세요)",
                flush=True,
            )
            return False
        child.streak = 0 if now - child.started_at >= self.healthy_after else child.streak + 1
        delay = min(self.backoff_cap, self.backoff_first * 2 ** max(0, child.streak - 1))
        child.restarts = [*recent, now]
        child.restart_at = now + delay
        print(
            f"== {child.name} 이(가) 종료됨 (코드 {code}) — {delay:g}초 후 다시 시작 "
            f"({len(child.restarts)}/{self.max_restarts})",
            flush=True,
        )
        return True

    def _restart(self, child: Child) -> None:
        child.restart_at = None
        child.proc = self._popen(child.cmd, child.log)
        child.started_at = time.monotonic()
        print(f"== {child.name} 다시 시작함 (pid {child.proc.pid})", flush=True)

    def stop(self) -> None:
        """Stop every child once, last started first: SIGTERM to the child, then, past its
        grace, SIGKILL to its whole process group."""
        self.stopping = True
        for child in reversed(self.children):
            self._stop_one(child)
        self.children.clear()
        if self._handlers_installed:
            # Everything is stopped: a Ctrl-C that still arrives is ignored. (A Python handler
            # is reset to the default while the interpreter shuts down, so a late Ctrl-C
            # would kill the finished script and turn its exit status into -SIGINT.)
            for sig in STOP_SIGNALS:
                signal.signal(sig, signal.SIG_IGN)

    def _stop_one(self, child: Child) -> None:
        pgid = child.proc.pid  # the leader of its own session and process group
        if child.proc.poll() is None:
            print(f"== stopping {child.name}", flush=True)
            with contextlib.suppress(ProcessLookupError):
                child.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + child.grace
        while time.monotonic() < deadline:
            if child.proc.poll() is not None and not _group_alive(pgid):
                return
            time.sleep(0.1)
        print(f"!! {child.name}: {child.grace:g}초 안에 끝나지 않아 강제로 종료합니다", flush=True)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.proc.wait(timeout=5)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _group_alive(pgid):
            time.sleep(0.1)


# --------------------------------------------------------------------------- the port


def _object_particle(number: int) -> str:
    """을/를 after a number read in Korean (이, 사, 오, 구 end in a vowel)."""
    return "를" if number % 10 in {2, 4, 5, 9} else "을"


def port_in_use_report(host: str, port: int) -> str | None:
    """None when host:port can be served; otherwise Korean lines naming the process that holds
    it and, when it looks like a PC Advisor leftover, how to stop it."""
    family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
        else:
            return None
    head = f"!! 포트 {port}{_object_particle(port)} 이미 사용 중입니다"
    owner = _port_owner(port)
    if owner is None:
        return f"{head} (프로세스를 확인할 수 없습니다).\n   다른 포트로 실행하세요: make run PORT=8080"
    pid, cmdline = owner
    shown = " ".join(cmdline.split())
    lines = [f"{head}: pid {pid} ({shown[:200]}{'…' if len(shown) > 200 else ''})"]
    if "pcadvisor" in cmdline or "scripts/run.py" in cmdline:
        pgid = _pgid(pid)
        lines.append(
            f"   이전 실행에서 남은 PC Advisor 서버입니다. 중지하려면: kill {pid}"
            + (f"  (끝나지 않으면: kill -KILL -- -{pgid})" if pgid else "")
        )
    else:
        lines.append("   그 프로그램을 끝내거나 다른 포트로 실행하세요: make run PORT=8080")
    return "\n".join(lines)


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def _port_owner(port: int) -> tuple[int, str] | None:
    """(pid, command line) of the process listening on port: the parent of those that share the
    socket (a gunicorn master rather than its workers)."""
    import psutil

    try:
        pids = {
            conn.pid
            for conn in psutil.net_connections(kind="inet")
            if conn.pid and conn.laddr and conn.laddr.port == port
            and conn.status == psutil.CONN_LISTEN
        }  # fmt: skip
    except psutil.Error:
        return None
    for pid in sorted(pids):
        try:
            proc = psutil.Process(pid)
            if proc.ppid() in pids:
                continue
            return pid, " ".join(proc.cmdline()) or proc.name()
        except psutil.Error:
            continue
    return None


# --------------------------------------------------------------------------- main


def _var_dir() -> Path:
    """settings.VAR_DIR (loading the settings starts nothing: manage.py migrate has started the
    embedded services already)."""
    sys.path.insert(0, str(ROOT))
    from django.conf import settings

    return Path(settings.VAR_DIR)


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
    parser.add_argument("--workers", type=int, default=WEB_WORKERS, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=WEB_THREADS, help="threads per worker")
    args = parser.parse_args()

    report = port_in_use_report(args.host, args.port)
    if report:
        print(report, file=sys.stderr, flush=True)
        return 1

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcadvisor.settings")
    sup = Supervisor()
    sup.install_signal_handlers()
    status = 0
    try:
        status = _start_and_wait(sup, args)
    except Interrupted:
        status = 0
    except subprocess.CalledProcessError as exc:
        print(f"!! {' '.join(exc.cmd[1:4])} failed with {exc.returncode}", flush=True)
        status = 1
    finally:
        sup.stop()
        if not args.keep_services:
            with contextlib.suppress(subprocess.TimeoutExpired):
                subprocess.run(
                    [PY, "manage.py", "embedded", "stop"],
                    cwd=ROOT, check=False, start_new_session=True, timeout=60,
                )  # fmt: skip
    return status


def _start_and_wait(sup: Supervisor, args: argparse.Namespace) -> int:
    def manage(*margs: str) -> None:
        sup.run_step(f"manage.py {' '.join(margs)}", [PY, "manage.py", *margs])

    manage("migrate", "--noinput")
    if not args.no_demo:
        manage("seed_demo", "--if-empty")
    manage("collectstatic", "--noinput", "--verbosity", "0")

    var = _var_dir()
    logs = var / "log"
    logs.mkdir(parents=True, exist_ok=True)

    def spawn(name: str, cmd: list[str]) -> None:
        log = open(logs / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the child
        print(f"== starting {name} (log: {logs / name}.log)", flush=True)
        sup.spawn(name, cmd, log=log, restart=True)

    celery = [PY, "-m", "celery", "-A", "pcadvisor"]
    worker = [*celery, "worker", "-l", "info"]
    spawn("worker", [*worker, "-Q", "default,crawl", "--concurrency", "2", "-n", "main@%h"])
    # The ml queue gets its own worker with one task thread: training starts worker processes
    # of its own, which the daemonic children of a prefork pool may not do, and the worker's
    # main thread keeps answering /healthz pings while a training run takes minutes (a solo
    # pool cannot).
    pool = ["--pool", ML_POOL["pool"], "--concurrency", str(ML_POOL["concurrency"])]
    spawn("worker-ml", [*worker, "-Q", "ml", *pool, "-n", "ml@%h"])
    spawn("beat", [*celery, "beat", "-l", "info", "--pidfile", str(logs / "beat.pid")])
    if not args.no_demo:
        # the demo's pictures get look-alikes in the background (seconds with the offline
        # embedder; queued first, as the ml worker runs one task at a time)
        manage("index_images", "--queue")
        manage("train_pricing", "--queue-if-missing")  # the demo gets fair prices in the background
        # the verdicts' track record comes from a backtest on the catalog's own history
        manage("backtest_trends", "--queue-if-missing")
        # the offline embedder learns from the demo's pictures (about 2 min on 2 cores), then
        # the catalog is re-indexed with it; search answers from the descriptor meanwhile
        manage("train_image_embedder", "--queue-if-missing")
    # No --preload: each worker imports the app itself, after the fork, so whatever
    # pcadvisor.wsgi warms up (the pricing model) is loaded in every worker. Workers past
    # --graceful-timeout are killed by their master, before this script's own deadline.
    web = [
        PY, "-m", "gunicorn", "pcadvisor.wsgi:application",
        "--bind", f"{args.host}:{args.port}",
        "--workers", str(args.workers), "--threads", str(args.threads),
        "--access-logfile", "-", "--timeout", "120", "--graceful-timeout", "5",
        # access-log fields escaped: a client cannot forge a line (pcadvisor/log_safety.py)
        "--logger-class", "pcadvisor.log_safety.EscapingGunicornLogger",
        # Its own control socket: the default (~/.gunicorn/gunicorn.ctl) is one per user.
        "--control-socket", str(var / "gunicorn.ctl"),
    ]  # fmt: skip
    print(f"== serving http://{args.host}:{args.port}  (Ctrl-C to stop)", flush=True)
    sup.spawn("web", web, restart=True)
    return sup.wait()


if __name__ == "__main__":
    sys.exit(main())
