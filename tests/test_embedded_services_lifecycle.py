"""The test command stops the embedded PostgreSQL and Redis it started, and only those.

Each test works on a throw-away PCADVISOR_VAR_DIR (its own servers), never on var/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import embedded

ROOT = Path(__file__).resolve().parent.parent
A_DATABASE_TEST = (
    "pcadvisor/tests/test_health_and_services.py::test_the_database_is_postgresql_18_with_pgvector"
)

pytestmark = pytest.mark.slow


@pytest.fixture
def throwaway_var() -> Iterator[Path]:
    # Short, under /tmp: the Redis socket path must stay under the 107-byte Unix limit.
    var = Path(tempfile.mkdtemp(prefix="pcv-", dir="/tmp"))
    yield var
    embedded.stop_postgres(var)
    embedded.stop_redis(var)
    shutil.rmtree(var, ignore_errors=True)


def _env(var: Path) -> dict[str, str]:
    outer = {"DATABASE_URL", "REDIS_URL", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    env = {k: v for k, v in os.environ.items() if k not in outer}
    env["PCADVISOR_VAR_DIR"] = str(var)
    return env


def _run(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=_env(var), capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def _start_services(var: Path) -> tuple[int, int]:
    _run(var, "manage.py", "embedded", "status").check_returncode()
    pg, rd = embedded.postgres_pid(var), embedded.redis_pid(var)
    assert pg and rd
    return pg, rd


def _create_time_now(var: Path) -> float:
    out = _run(var, "-c", "import psutil; print(psutil.Process().create_time())")
    return float(out.stdout)


def test_a_pytest_run_that_started_the_services_stops_them_when_it_ends(
    throwaway_var: Path,
) -> None:
    run = _run(throwaway_var, "-m", "pytest", "-q", "-p", "no:cacheprovider", A_DATABASE_TEST)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (throwaway_var / "pgdata" / "PG_VERSION").exists()  # it really ran on this var dir
    assert embedded.postgres_status(throwaway_var) == "stopped"
    assert embedded.redis_status(throwaway_var) == "stopped"


def test_a_pytest_run_leaves_running_services_running_and_keeps_its_exit_status(
    throwaway_var: Path,
) -> None:
    before = _start_services(throwaway_var)
    run = _run(throwaway_var, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "no_such_test",
               A_DATABASE_TEST)  # fmt: skip
    assert run.returncode == 5  # pytest's "no tests collected", passed through unchanged
    assert (embedded.postgres_pid(throwaway_var), embedded.redis_pid(throwaway_var)) == before


def test_services_stop_started_after_stops_only_what_started_after_the_mark(
    throwaway_var: Path,
) -> None:
    before = _start_services(throwaway_var)
    mark = _create_time_now(throwaway_var)
    out = _run(throwaway_var, "manage.py", "embedded", "stop", "--started-after", str(mark))
    assert out.returncode == 0, out.stderr
    assert "left running" in out.stdout
    assert (embedded.postgres_pid(throwaway_var), embedded.redis_pid(throwaway_var)) == before

    embedded.stop_postgres(throwaway_var)
    embedded.stop_redis(throwaway_var)
    mark = _create_time_now(throwaway_var)
    # This command finds them stopped, starts them (loading the settings) and stops them again.
    out = _run(throwaway_var, "manage.py", "embedded", "stop", "--started-after", str(mark))
    assert out.returncode == 0, out.stderr
    assert embedded.postgres_status(throwaway_var) == "stopped"
    assert embedded.redis_status(throwaway_var) == "stopped"


def _make_test_django(var: Path, pytest_args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "test-django", f"PYTEST_ARGS={pytest_args}"],
        cwd=ROOT, env=_env(var), capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_make_test_stops_the_services_its_commands_started(throwaway_var: Path) -> None:
    run = _make_test_django(throwaway_var, f"-q -p no:cacheprovider {A_DATABASE_TEST}")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    assert embedded.postgres_status(throwaway_var) == "stopped"
    assert embedded.redis_status(throwaway_var) == "stopped"


def test_make_test_leaves_running_services_running_and_fails_when_pytest_fails(
    throwaway_var: Path,
) -> None:
    before = _start_services(throwaway_var)
    run = _make_test_django(
        throwaway_var, f"-q -p no:cacheprovider -k no_such_test {A_DATABASE_TEST}"
    )
    assert run.returncode != 0
    assert (embedded.postgres_pid(throwaway_var), embedded.redis_pid(throwaway_var)) == before
