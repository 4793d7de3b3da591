"""
WSGI config for engagierte_stadt project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagierte_stadt.settings")

application = get_wsgi_application()

# Compile the templates and build the URL tables now, not on the first requests: under
# gunicorn's preload_app this runs once in the master and every forked worker starts warm.
if os.environ.get("DJANGO_WARM_UP", "true").lower() in ("1", "true", "yes", "on"):
    from engagierte_stadt.warmup import warm_up

    warm_up()
