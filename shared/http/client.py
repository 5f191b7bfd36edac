"""One pooled HTTP client per dependency: timeouts, bounded retries with backoff, request id, credential.

Why this shape:
- one ``requests.Session`` per (process, base URL), so connections are pooled and kept alive; it is rebuilt
  after a fork (gunicorn, Celery prefork) because a pool must not cross one;
- every call has a connect and a read timeout, so a hung dependency costs seconds, not a worker;
- urllib3 ``Retry`` retries a bounded number of times with exponential backoff, and only what is safe:
  connection failures (the request never left) for every method, and 502/503/504 or read errors only for
  idempotent methods (a POST that may have been applied is never sent twice);
- ``X-Request-ID`` carries the current request id (shared.correlation) on, and ``Authorization`` carries the
  service's own credential unless the caller passes another (e.g. the end user's token);
- connection errors, timeouts and 5xx answers become ``DependencyUnavailable``, which every API answers
  as a 503 naming the service instead of a 500 (``shared.outages``).
"""

import os
import threading

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from shared.correlation import get_request_id

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class DependencyUnavailable(Exception):
    """The dependency did not answer usefully (down, timed out, 5xx). ``service`` names it."""

    def __init__(self, service: str, cause: str = ""):
        super().__init__(
            f"{service} service unavailable: {cause}" if cause else f"{service} service unavailable"
        )
        self.service = service
        self.cause = cause


class ServiceClient:
    """HTTP client of one dependency (``service`` is its name, used in errors and logs).

    ``credential`` is a callable returning the bearer token to send (read lazily, e.g. from a file), or None.
    """

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        credential=None,
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        retries: int = 2,
        backoff_factor: float = 0.2,
        pool_size: int = 10,
    ):
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.credential = credential
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.backoff_factor = backoff_factor
        self.pool_size = pool_size
        self._lock = threading.Lock()
        self._session = None
        self._pid = None

    def session(self) -> requests.Session:
        with self._lock:
            if self._pid != os.getpid():
                self._session = self._make_session()
                self._pid = os.getpid()
            return self._session

    def _make_session(self) -> requests.Session:
        retry = Retry(
            total=self.retries,
            connect=self.retries,
            read=self.retries,
            status=self.retries,
            other=0,
            allowed_methods=IDEMPOTENT_METHODS,
            status_forcelist=(502, 503, 504),
            backoff_factor=self.backoff_factor,
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_connections=1, pool_maxsize=self.pool_size)
        session = requests.Session()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def request(self, method: str, path: str, *, token: str | None = None, **kwargs) -> requests.Response:
        """Send ``method path``; return the response for any status below 500.

        ``token`` replaces the service credential (to act as the end user). Raise DependencyUnavailable for
        connection errors, timeouts and 5xx answers (after the bounded retries).
        """
        headers = dict(kwargs.pop("headers", None) or {})
        request_id = get_request_id()
        if request_id:
            headers.setdefault("X-Request-ID", request_id)
        bearer = token if token is not None else (self.credential() if self.credential else None)
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        headers.setdefault("Accept", "application/json")
        try:
            response = self.session().request(
                method, f"{self.base_url}{path}", headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise DependencyUnavailable(self.service, type(exc).__name__) from exc
        if response.status_code >= 500:
            raise DependencyUnavailable(self.service, f"HTTP {response.status_code}")
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)
