"""What every entry point does before Django serves or works: make ``var/`` and the secret key
and start the embedded PostgreSQL and Redis that the settings point at.

``manage.py``, the Celery app (worker and beat, when they load their configuration),
``pcadvisor.wsgi`` / ``pcadvisor.asgi`` (gunicorn) and pytest (the root ``conftest.py``) call
``prepare_process``; importing the settings does none of it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

_prepared = False


def ensure_secret_key(path: Path) -> str:
    """The key kept in path, made (random, readable by its owner only) when there is none.

    Written aside and linked into place, so that two processes starting at once agree on one
    key and neither reads a half-written file."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f".{path.name}.{os.getpid()}.part")
        part.write_text(secrets.token_urlsafe(50))
        part.chmod(0o600)
        try:
            os.link(part, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            part.unlink()
    return path.read_text().strip()


def prepare_process() -> None:
    """Make var/, the static folder and the secret key, and start (or find running) the
    embedded servers the settings use; once per process."""
    global _prepared
    if _prepared:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcadvisor.settings")
    from django.conf import settings

    from core import embedded

    var = Path(settings.VAR_DIR)
    var.mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    if settings.SECRET_KEY_FILE is not None:
        settings.SECRET_KEY = ensure_secret_key(Path(settings.SECRET_KEY_FILE))
    if settings.EMBEDDED_POSTGRES:
        info = embedded.ensure_postgres(var)
        # In place: a connection made from this dict already (none is, this early) sees it too.
        settings.DATABASES["default"]["HOST"] = info.socket_dir
    if settings.EMBEDDED_REDIS:
        embedded.ensure_redis(var)
    _prepared = True
