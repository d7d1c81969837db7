"""`make run`'s script (scripts/run.py): Ctrl-C stops everything it started, every time.

The script runs here on a throw-away PCADVISOR_VAR_DIR (its own PostgreSQL and Redis, a fresh
database, no demo data) and a free port in 8110-8119: it never touches var/ or the product's
database, broker or port.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from core import embedded

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "scripts" / "run.py"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    for port in range(8110, 8120):
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 8110-8119")


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _gone(proc: psutil.Process) -> bool:
    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture
def throwaway_env() -> Iterator[dict[str, str]]:
    # Short, under /tmp: the Redis socket path must stay under the 107-byte Unix limit.
    var = Path(tempfile.mkdtemp(prefix="pcv-", dir="/tmp"))
    outer = {"DATABASE_URL", "REDIS_URL", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    env = {k: v for k, v in os.environ.items() if k not in outer}
    env |= {"PCADVISOR_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "pcadvisor.settings"}
    env["PYTHONUNBUFFERED"] = "1"
    yield env
    embedded.stop_postgres(var)
    embedded.stop_redis(var)
    shutil.rmtree(var, ignore_errors=True)


def _listener(port: int, script: Path, *argv: str) -> subprocess.Popen:
    """A process that holds 127.0.0.1:port; its command line shows script and argv."""
    script.write_text(
        "import socket, time\n"
        "s = socket.socket()\n"
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
        f"s.bind(('127.0.0.1', {port}))\n"
        "s.listen()\n"
        "print('ready', flush=True)\n"
        "time.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, str(script), *argv], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_a_foreign_process_on_the_port_is_reported_with_its_pid_before_anything_starts(
    throwaway_env: dict[str, str], tmp_path: Path
) -> None:
    port = _free_port()
    holder = _listener(port, tmp_path / "some-other-server.py")
    try:
        out = subprocess.run(
            [sys.executable, str(RUN), "--no-demo", "--port", str(port)],
            cwd=ROOT, env=throwaway_env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    assert out.returncode == 1
    assert f"포트 {port}" in out.stderr and "이미 사용 중입니다" in out.stderr
    assert f"pid {holder.pid}" in out.stderr
    assert "some-other-server" in out.stderr
    assert "Connection in use" not in out.stdout + out.stderr
    # Detected before migrating: the throw-away var dir got no database.
    assert not (Path(throwaway_env["PCADVISOR_VAR_DIR"]) / "pgdata").exists()


def test_a_leftover_pcadvisor_server_on_the_port_is_reported_with_how_to_stop_it(
    throwaway_env: dict[str, str], tmp_path: Path
) -> None:
    port = _free_port()
    holder = _listener(port, tmp_path / "gunicorn", "pcadvisor.wsgi:application")
    try:
        out = subprocess.run(
            [sys.executable, str(RUN), "--no-demo", "--port", str(port)],
            cwd=ROOT, env=throwaway_env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    assert out.returncode == 1
    assert f"pid {holder.pid}" in out.stderr
    assert "남은 PC Advisor 서버" in out.stderr
    assert f"kill {holder.pid}" in out.stderr


def _wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _healthz(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _forging_request(port: int) -> dict[str, str]:
    """A request whose path (a newline and an ANSI escape, once decoded), Basic-auth user name
    (a newline) and User-Agent (a quote) would forge or colour log lines if written as they are.
    (gunicorn itself refuses control characters in header values.)"""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/no%0Asuch%0Aforged%20line%1B%5B31m",
        headers={
            "User-Agent": 'evil" "agent',
            "Authorization": "Basic " + base64.b64encode(b"bad\nforged line:x").decode(),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return dict(response.headers)
    except urllib.error.HTTPError as exc:  # the 404 is expected
        return dict(exc.headers)


def test_repeated_ctrl_c_stops_every_child_and_frees_the_port(
    throwaway_env: dict[str, str], tmp_path: Path
) -> None:
    port = _free_port()
    log = open(tmp_path / "run.log", "w+b")  # noqa: SIM115 - closed below
    run = subprocess.Popen(
        [sys.executable, str(RUN), "--no-demo", "--port", str(port)],
        cwd=ROOT, env=throwaway_env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # like a terminal: the script leads the foreground group
    )  # fmt: skip
    script = psutil.Process(run.pid)
    children: list[psutil.Process] = []
    try:
        _wait_for(lambda: _healthz(port) or run.poll() is not None, 240, "the web server")
        assert run.poll() is None, (tmp_path / "run.log").read_text()
        # main worker + its 2 pool processes, ml worker, beat, gunicorn master + 2 workers
        _wait_for(lambda: len(script.children(recursive=True)) >= 8, 120, "every child")
        children = script.children(recursive=True)
        # Only the script is in the terminal's process group.
        assert [c for c in children if os.getpgid(c.pid) == run.pid] == []
        # No --preload: each web worker loads the app (and warms up) after the fork.
        web = [c for c in children if "gunicorn" in c.cmdline()]
        assert web and all("--preload" not in c.cmdline() for c in web)
        # A client trying to forge log lines; the served headers carry no version banner.
        headers = _forging_request(port)
        assert not any(c.isdigit() for c in headers.get("Server", "")), headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]

        for _ in range(3):  # Ctrl-C, Ctrl-C, Ctrl-C
            os.killpg(run.pid, signal.SIGINT)
            time.sleep(0.05)
        time.sleep(1.0)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGINT)  # and one more while it stops

        assert run.wait(timeout=90) == 0
        _wait_for(lambda: all(_gone(c) for c in children), 10, "the children to end")
        logged = (tmp_path / "run.log").read_text(errors="replace")
        assert "\x1b" not in logged, logged
        assert not [line for line in logged.splitlines() if line.startswith(("forged", "such"))]
        assert "bad\\nforged line" in logged and 'evil\\" \\"agent' in logged  # access log
        assert "/no\\nsuch\\nforged line\\x1b[31m" in logged  # Django's "Not Found" line
        assert _port_is_free(port)
        var = Path(throwaway_env["PCADVISOR_VAR_DIR"])
        assert embedded.postgres_status(var) == "stopped"
        assert embedded.redis_status(var) == "stopped"
    finally:
        if run.poll() is None:
            run.kill()
        for child in children:  # only what this test's script started
            with contextlib.suppress(psutil.Error):
                child.kill()
        log.close()


DRIVER = """
import importlib.util, subprocess, sys, time
spec = importlib.util.spec_from_file_location("run_script", {run!r})
run = importlib.util.module_from_spec(spec); spec.loader.exec_module(run)
stubborn = '''
import os, signal, time
for sig in (signal.SIGTERM, signal.SIGINT): signal.signal(sig, signal.SIG_IGN)
if os.fork() == 0:
    time.sleep(300)
print(os.getpid(), flush=True); time.sleep(300)
'''
sup = run.Supervisor()
sup.install_signal_handlers()
child = sup.spawn("stubborn", [sys.executable, "-c", stubborn], grace=2.0)
print("child", child.proc.pid, flush=True)
sup.wait()
sup.stop()
print("stopped", flush=True)
"""


def test_ctrl_c_during_the_stop_does_not_skip_the_kill_after_the_deadline(tmp_path: Path) -> None:
    """A child that ignores SIGTERM, with a grandchild in its process group: past the grace both
    are killed, however many Ctrl-Cs arrive meanwhile."""
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER.format(run=str(RUN))],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    group: list[psutil.Process] = []
    try:
        line = driver.stdout.readline().split()
        assert line[0] == "child"
        child_pid = int(line[1])
        _wait_for(lambda: len(psutil.Process(child_pid).children()) == 1, 10, "the grandchild")
        group = [psutil.Process(child_pid), *psutil.Process(child_pid).children()]
        started = time.monotonic()
        for _ in range(8):  # Ctrl-C, again and again, through the whole grace period
            os.killpg(driver.pid, signal.SIGINT)
            time.sleep(0.3)
        out, _ = driver.communicate(timeout=20)
        assert driver.returncode == 0
        assert "stopped" in out
        assert time.monotonic() - started < 15
        assert all(_gone(p) for p in group)
    finally:
        if driver.poll() is None:
            driver.kill()
        for proc in group:
            with contextlib.suppress(psutil.Error):
                proc.kill()


LATE = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("run_script", {run!r})
run = importlib.util.module_from_spec(spec); spec.loader.exec_module(run)
sup = run.Supervisor()
sup.install_signal_handlers()
sup.spawn("sleeper", [sys.executable, "-c", "import time; time.sleep(300)"], grace=2.0)
print("ready", flush=True)
sup.wait()
sup.stop()
print("stopped", flush=True)
"""


def test_ctrl_c_held_down_until_the_script_exits_does_not_kill_it() -> None:
    """A Python signal handler is reset to the default while the interpreter shuts down: a
    Ctrl-C that lands then killed the finished script (exit status -2 instead of 0)."""
    driver = subprocess.Popen(
        [sys.executable, "-c", LATE.format(run=str(RUN))],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        assert driver.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 20
        while driver.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(driver.pid, signal.SIGINT)
            time.sleep(0.001)
        out = driver.stdout.read()
        assert driver.wait(timeout=5) == 0
        assert "stopped" in out
    finally:
        if driver.poll() is None:
            driver.kill()


# --------------------------------------------------------------------------- restarts


def test_a_killed_web_server_and_worker_are_restarted_and_ctrl_c_still_stops_everything(
    throwaway_env: dict[str, str], tmp_path: Path
) -> None:
    """SIGKILL to the gunicorn master and to the main worker's main process: each is started
    again (the output says so), /healthz answers again within 60 s, and Ctrl-C then stops the
    new children too, with status 0."""
    port = _free_port()
    log_path = tmp_path / "run.log"
    log = open(log_path, "w+b")  # noqa: SIM115 - closed below
    run = subprocess.Popen(
        [sys.executable, str(RUN), "--no-demo", "--port", str(port)],
        cwd=ROOT, env=throwaway_env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    script = psutil.Process(run.pid)
    seen: list[psutil.Process] = []

    def direct(marker: str) -> psutil.Process:
        return next(c for c in script.children() if marker in " ".join(c.cmdline()))

    try:
        _wait_for(lambda: _healthz(port) or run.poll() is not None, 240, "the web server")
        assert run.poll() is None, log_path.read_text()
        _wait_for(lambda: len(script.children(recursive=True)) >= 8, 120, "every child")
        seen = script.children(recursive=True)
        web, worker = direct("gunicorn"), direct("main@")
        web.kill()
        worker.kill()
        killed_at = time.monotonic()
        _wait_for(
            lambda: "web 다시 시작함" in log_path.read_text(errors="replace")
            and "worker 다시 시작함" in log_path.read_text(errors="replace"),
            30, "the restarts",
        )  # fmt: skip
        _wait_for(lambda: _healthz(port), 60, "/healthz after the restart")
        assert time.monotonic() - killed_at < 60
        assert direct("gunicorn").pid != web.pid and direct("main@").pid != worker.pid
        out = log_path.read_text(errors="replace")
        assert "== web 이(가) 종료됨 (코드 -9) — 1초 후 다시 시작 (1/5)" in out, out
        assert "== worker 이(가) 종료됨 (코드 -9) — 1초 후 다시 시작 (1/5)" in out, out
        assert run.poll() is None
        seen += script.children(recursive=True)

        os.killpg(run.pid, signal.SIGINT)
        assert run.wait(timeout=90) == 0
        _wait_for(lambda: all(_gone(c) for c in seen), 10, "the children to end")
        assert _port_is_free(port)
    finally:
        if run.poll() is None:
            run.kill()
        for child in seen:
            with contextlib.suppress(psutil.Error):
                child.kill()
        log.close()


GIVE_UP = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("run_script", {run!r})
run = importlib.util.module_from_spec(spec); spec.loader.exec_module(run)
sup = run.Supervisor(backoff_first=0.05, backoff_cap=0.2, max_restarts=3, restart_window=60)
sup.install_signal_handlers()
sup.spawn("sleeper", [sys.executable, "-c", "import time; time.sleep(300)"], grace=2.0)
sup.spawn("crasher", [sys.executable, "-c", "import sys; sys.exit(3)"], restart=True)
status = sup.wait()
sup.stop()
print("status", status, flush=True)
sys.exit(status)
"""


def test_a_child_that_keeps_dying_is_restarted_with_backoff_then_given_up_on() -> None:
    driver = subprocess.run(
        [sys.executable, "-c", GIVE_UP.format(run=str(RUN))],
        cwd=ROOT, capture_output=True, text=True, timeout=60, start_new_session=True,
    )  # fmt: skip
    out = driver.stdout
    assert driver.returncode == 1, out + driver.stderr
    restarts = [line for line in out.splitlines() if "후 다시 시작" in line]
    assert restarts == [
        "== crasher 이(가) 종료됨 (코드 3) — 0.05초 후 다시 시작 (1/3)",
        "== crasher 이(가) 종료됨 (코드 3) — 0.1초 후 다시 시작 (2/3)",
        "== crasher 이(가) 종료됨 (코드 3) — 0.2초 후 다시 시작 (3/3)",
    ], out
    assert "60초 안에 3번 다시 시작했지만 계속 종료되어 포기합니다" in out
    assert "== stopping sleeper" in out  # everything else is stopped too
    assert out.rstrip().endswith("status 1")


RESTART = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("run_script", {run!r})
run = importlib.util.module_from_spec(spec); spec.loader.exec_module(run)
sup = run.Supervisor(backoff_first=0.05, healthy_after=0.5)
sup.install_signal_handlers()
child = sup.spawn("sleeper", [sys.executable, "-c", "import time; time.sleep(300)"],
                  grace=2.0, restart=True)
print("child", child.proc.pid, flush=True)
status = sup.wait()
sup.stop()
print("status", status, flush=True)
"""


def test_a_child_that_ran_a_while_restarts_after_the_first_delay_again() -> None:
    """Killed three times, each after it ran past healthy_after: the delay never grows; then
    Ctrl-C stops the latest one and the script exits 0."""
    driver = subprocess.Popen(
        [sys.executable, "-c", RESTART.format(run=str(RUN))],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    pids: list[int] = []
    try:
        pids.append(int(driver.stdout.readline().split()[1]))
        for _ in range(3):
            time.sleep(0.8)
            os.kill(pids[-1], signal.SIGKILL)
            line = driver.stdout.readline()
            assert "sleeper 이(가) 종료됨 (코드 -9) — 0.05초 후 다시 시작" in line, line
            line = driver.stdout.readline()
            assert "sleeper 다시 시작함" in line, line
            pids.append(int(line.split("pid ")[1].rstrip(")\n")))
        os.killpg(driver.pid, signal.SIGINT)
        out, _ = driver.communicate(timeout=20)
        assert "status 0" in out
        assert all(_gone(psutil.Process(pid)) for pid in pids if psutil.pid_exists(pid))
    finally:
        if driver.poll() is None:
            driver.kill()
        for pid in pids:
            with contextlib.suppress(psutil.Error, ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
