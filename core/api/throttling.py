"""Rates: per person (signed out, per address), per address whoever asks, and a tight one for
passwords and codes. The counts live in the cache (Redis in a deployment, so every node shares
them). Rates are settings (``API_THROTTLE_*``); an answer over the rate is a 429 problem with
``Retry-After``."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class PersonThrottle(SimpleRateThrottle):
    scope = "person"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressThrottle(SimpleRateThrottle):
    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignInThrottle(AddressThrottle):
    """Password and code endpoints, per address (django-axes also locks the account after five misses)."""

    scope = "sign-in"
