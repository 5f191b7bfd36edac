"""Infrastructure every service shares: settings base, logging, health, messaging, auth.

No domain code lives here and nothing here imports from a service.
"""
