"""Login throttling, counted in Redis (the default cache): per account, so guessing one account's
password is slowed whatever the source, and per client address, so one client cannot sweep accounts."""

import hashlib

from rest_framework.throttling import SimpleRateThrottle

from accounts.models import normalize_email


class LoginAccountThrottle(SimpleRateThrottle):
    scope = "login_account"

    def get_cache_key(self, request, view):
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None  # nothing to count against; the request is a 400 anyway
        ident = hashlib.sha256(normalize_email(email).encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginAddressThrottle(SimpleRateThrottle):
    scope = "login_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
