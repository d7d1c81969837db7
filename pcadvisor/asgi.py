import os

from django.core.asgi import get_asgi_application

from pcadvisor.startup import prepare_process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcadvisor.settings")
prepare_process()  # var/, the secret key, the embedded servers: before Django loads
application = get_asgi_application()
