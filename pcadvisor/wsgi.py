import os

from django.core.wsgi import get_wsgi_application

from pcadvisor.startup import prepare_process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcadvisor.settings")
prepare_process()  # var/, the secret key, the embedded servers: before Django loads
application = get_wsgi_application()
