"""Outbound HTTP to the platform's other services (see client.py)."""

from shared.http.client import DependencyUnavailable, ServiceClient

__all__ = ["DependencyUnavailable", "ServiceClient"]
