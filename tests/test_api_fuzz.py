"""The API under a schema-driven fuzzer (issue 14): Schemathesis generates requests from the live
``/api/schema/`` with every check on (server errors, status codes, content types, headers and
bodies as documented, schema-valid input accepted and invalid input refused, authentication as
declared), anonymous and as staff, with a fixed seed and a bounded number of examples per
operation. Required: no server error and no failure at all. The few rules OpenAPI cannot state
are listed, with their reasons, in schemathesis.toml.

It runs against the real WSGI app on a live server over a throwaway test database (flushed
afterwards) holding a small demo catalog and a tiny trained fair-price model, so the estimate
endpoints answer as they do in production. The summary line is printed for the test command's
output: ``fuzz: operations=<n> requests=<n> server_errors=<n> failures=<n>``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261201
MAX_EXAMPLES = 5  # per operation and run: ≥ 1,000 requests in all, about 2–3 minutes
STAFF = ("fuzz-staff", "fuzz-password-1234")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.fuzz]


@pytest.fixture
def fuzz_site(live_server, settings, tmp_path: Path, django_user_model) -> str:
    from catalog.demo.service import seed_demo
    from pricing.services import reset_model_cache, train_model
    from pricing.tests.helpers import tiny_config

    settings.MODEL_DIR = tmp_path / "models"
    reset_model_cache()
    seed_demo(products=40, days=20, others_per_category=2)
    train_model(config=tiny_config(use_images=False, test_fraction=0.1))
    django_user_model.objects.create_user(STAFF[0], password=STAFF[1], is_staff=True)
    yield live_server.url
    reset_model_cache()


def _st() -> str:
    found = shutil.which("st", path=str(Path(sys.executable).parent))
    assert found, "schemathesis (requirements-dev.txt) is not installed"
    return found


def _fuzz(url: str, report: Path, *auth: str) -> dict:
    command = [
        _st(), "--config-file", str(ROOT / "schemathesis.toml"),
        "run", f"{url}/api/schema/",
        "--checks", "all", "--seed", str(SEED), "--max-examples", str(MAX_EXAMPLES),
        "--workers", "2", "--no-color", "--request-timeout", "30",
        "--report", "json", "--report-json-path", str(report),
        *auth,
    ]  # fmt: skip
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert report.is_file(), run.stdout[-4000:] + run.stderr[-2000:]
    data = json.loads(report.read_text())
    data["output"] = run.stdout
    return data


def test_the_fuzzer_finds_no_server_error_and_no_schema_lie(
    fuzz_site: str, tmp_path: Path, capsys
) -> None:
    runs = {
        "anonymous": _fuzz(fuzz_site, tmp_path / "anonymous.json"),
        "staff": _fuzz(fuzz_site, tmp_path / "staff.json", "--auth", ":".join(STAFF)),
    }
    requests = sum(r["test_cases"]["generated"] for r in runs.values())
    failures = [f for r in runs.values() for f in r["failures"]]
    server_errors = sum(f["count"] for f in failures if f["code"] == "ST101")
    operations = max(r["operations"]["tested"] for r in runs.values())
    line = (
        f"fuzz: operations={operations} requests={requests} server_errors={server_errors} "
        f"failures={sum(f['count'] for f in failures)}"
    )
    with capsys.disabled():
        print(f"\n{line}")  # noqa: T201 - the summary line belongs in the test output
    details = "\n".join(
        f"{name}: {f['code']} {f['title']} x{f['count']} {f['operations']}"
        for name, r in runs.items()
        for f in r["failures"]
    )
    assert server_errors == 0, details + runs["anonymous"]["output"][-6000:]
    assert failures == [], details + "\n" + runs["staff"]["output"][-8000:]
    assert requests >= 1000, line
