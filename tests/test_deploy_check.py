"""Production settings: ``manage.py check --deploy`` with production's environment variables
reports nothing, and the HTTPS settings follow DJANGO_HTTPS (or each its own variable)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What a production deployment sets (README "Configuration"): its own database and Redis (never
# contacted by the check), a secret key, its host name, and the proxy's HTTPS header.
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "pcadvisor.example",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://pcadvisor.example",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
    "DATABASE_URL": "postgres://pcadvisor:secret@127.0.0.1:1/pcadvisor",
    "REDIS_URL": "redis://127.0.0.1:1",
}


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PYTEST"))
    }
    env.update(PRODUCTION)
    env.update(extra)
    return env


def _run(code: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(DJANGO_SETTINGS_MODULE="pcadvisor.settings", **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_variables_prints_no_warning() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output


SHOW = (
    "from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
    "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
)


def test_production_defaults_are_https_and_each_setting_can_be_overridden() -> None:
    prod = _run(SHOW)
    assert prod.stdout.split() == [
        "True",
        "31536000",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
    ], prod.stderr
    # a site served over plain HTTP says so; one setting alone can still be switched
    plain = _run(SHOW, DJANGO_HTTPS="false", DJANGO_SESSION_COOKIE_SECURE="true")
    assert plain.stdout.split()[:4] == ["False", "0", "True", "False"], plain.stderr


def test_the_embedded_default_serves_plain_http_on_loopback() -> None:
    """No DATABASE_URL: the local run command on 127.0.0.1 must not redirect to HTTPS."""
    env = {k: v for k, v in PRODUCTION.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.environ['DJANGO_SETTINGS_MODULE']='pcadvisor.settings'; " + SHOW,
        ],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split()[:4] == ["False", "0", "False", "False"], result.stderr


@pytest.mark.parametrize("bad", ["X-Forwarded-Proto", "X Forwarded: https", ": https"])
def test_a_malformed_proxy_header_setting_is_refused_at_start(bad: str) -> None:
    result = _run(SHOW, DJANGO_SECURE_PROXY_SSL_HEADER=bad)
    assert result.returncode != 0
    assert "DJANGO_SECURE_PROXY_SSL_HEADER must look like" in result.stderr
