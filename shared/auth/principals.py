"""Who a request comes from, as the views see it (``request.user``), built from the token alone."""

from rest_framework_simplejwt.models import TokenUser

from shared.auth.tokens import SERVICE_CLAIM


class PlatformUser(TokenUser):
    """A person, from an access token: ``id``, ``email``, ``is_staff``; never a service."""

    is_service = False

    @property
    def email(self):
        return self.token.get("email", "")


class ServicePrincipal:
    """Another service of the platform, from a service token. Not a person and not staff."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    is_service = True

    def __init__(self, token):
        self.token = token
        self.service = token[SERVICE_CLAIM]
        self.id = self.pk = f"service:{self.service}"

    def __str__(self):
        return self.id
