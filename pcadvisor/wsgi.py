import logging
import os

from django.core.wsgi import get_wsgi_application

from pcadvisor.startup import prepare_process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcadvisor.settings")
prepare_process()  # var/, the secret key, the embedded servers: before Django loads
application = get_wsgi_application()


def _warm_up() -> None:
    """Load the fair-price model once per web worker, before its first request; a failure is
    logged and the worker starts anyway (``pricing.services.warm_up`` never raises, this guard
    also covers an import that fails)."""
    try:
        from pricing.services import warm_up

        warm_up()
    except Exception:
        logging.getLogger(__name__).warning("pricing warm-up skipped", exc_info=True)


_warm_up()
