"""Importing the settings starts no server and writes no file; the entry points do both.

Each test runs a fresh interpreter on a throw-away PCADVISOR_VAR_DIR with nothing configured
(the embedded default), never on var/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import embedded

ROOT = Path(__file__).resolve().parent.parent.parent

# Records, through audit hooks, every process the import starts and every file or folder it
# opens for writing or makes, anywhere.
WATCH = r"""
import json, os, sys
events = []
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
def hook(event, args):
    if event in {"subprocess.Popen", "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn",
                 "os.system", "os.exec", "pty.spawn"}:
        events.append([event, str(args[0])])
    elif event == "open" and args[0] is not None and not isinstance(args[0], int):
        mode, flags = args[1], args[2]
        if (mode and any(c in mode for c in "wax+")) or (flags and flags & WRITE):
            events.append([event, str(args[0])])
    elif event in {"os.mkdir", "os.rename", "os.link", "os.symlink", "os.chmod"}:
        events.append([event, str(args[0])])
sys.addaudithook(hook)
import pcadvisor.settings as s
print(json.dumps({"events": events, "secret_key": s.SECRET_KEY, "host": s.DATABASES["default"]["HOST"]}))
"""


@pytest.fixture
def fresh_var() -> Iterator[Path]:
    # Short, under /tmp: the Redis socket path must stay under the 107-byte Unix limit.
    parent = Path(tempfile.mkdtemp(prefix="pcv-", dir="/tmp"))
    yield parent / "var"  # does not exist yet
    embedded.stop_postgres(parent / "var")
    embedded.stop_redis(parent / "var")
    shutil.rmtree(parent, ignore_errors=True)


def _env(var: Path) -> dict[str, str]:
    outer = {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in outer}
    env |= {"PCADVISOR_VAR_DIR": str(var), "PYTHONDONTWRITEBYTECODE": "1"}
    return env


def test_importing_the_settings_starts_no_process_and_writes_no_file(fresh_var: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", WATCH], cwd=ROOT, env=_env(fresh_var), capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["events"] == []
    assert not fresh_var.exists()
    assert embedded.postgres_pid(fresh_var) is None
    assert embedded.redis_pid(fresh_var) is None
    # It still knows where everything is: the secret key comes once an entry point has made it.
    assert seen["host"] == str(fresh_var / "pgdata")
    assert seen["secret_key"] == ""


@pytest.mark.slow
def test_an_entry_point_makes_the_secret_key_once_and_starts_the_servers(fresh_var: Path) -> None:
    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=_env(fresh_var),
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    first = manage("check")
    assert first.returncode == 0, first.stderr
    key_file = fresh_var / "secret_key"
    key = key_file.read_text()
    assert len(key) > 40
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (fresh_var / "staticfiles").is_dir()
    assert embedded.postgres_pid(fresh_var) is not None
    assert embedded.redis_pid(fresh_var) is not None

    assert manage("check").returncode == 0
    assert key_file.read_text() == key


@pytest.mark.slow
def test_the_celery_app_starts_the_servers_when_it_loads_its_configuration(
    fresh_var: Path,
) -> None:
    """What a worker or beat does first, before it connects to the broker or the database."""
    code = "from pcadvisor.celery import app; print(app.conf.broker_url)"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_env(fresh_var), capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert str(fresh_var / "redis" / "redis.sock") in run.stdout
    assert embedded.postgres_pid(fresh_var) is not None
    assert embedded.redis_pid(fresh_var) is not None
    assert (fresh_var / "secret_key").exists()
