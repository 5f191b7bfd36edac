"""Authentication every service shares: RS256 JWTs issued by user_svc, verified everywhere with the
public key alone (no call to user_svc per request), and the permission classes built on them.

Two kinds of bearer token are accepted:
- ``access`` tokens of people (claims ``user_id``, ``email``, ``is_staff``), short-lived;
- ``service`` tokens (claim ``service``), minted by ``user_svc`` with ``manage.py issue_service_token``
  and given to a service through its environment; they let a service call staff-or-service endpoints
  such as ``GET /api/v1/users/{id}/verify``. Only user_svc holds the private key, so only it can mint
  either kind.
"""
