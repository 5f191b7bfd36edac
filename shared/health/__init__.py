"""Liveness and readiness: ``/health/live`` says the process runs, ``/health/ready`` that its
dependencies answer. Each service lists its dependencies in ``settings.HEALTH_CHECKS``."""
