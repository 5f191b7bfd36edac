"""The smallest DRF service: one view answering ``{"status": "ok"}``, no database, no middleware, no
authentication. Served by gunicorn like the services, it is the ceiling of any Django API on this
machine: what is left after the framework and the WSGI server have taken their share.

    gunicorn -c python:shared.gunicorn_conf hello_drf:application   (from deploy/bench)
"""

import django
from django.conf import settings
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-hello-only-answers-ok",  # noqa: S106 - signs nothing: no sessions, no forms
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
    MIDDLEWARE=[],
    DATABASES={},
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
        "UNAUTHENTICATED_USER": None,
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    },
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402 - after settings
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402


class Hello(APIView):
    def get(self, request):
        return Response({"status": "ok"})


urlpatterns = [path("hello", Hello.as_view())]
application = get_wsgi_application()
