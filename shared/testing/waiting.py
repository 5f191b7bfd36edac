import time


def wait_until(predicate, timeout=10.0, interval=0.1):
    """Poll ``predicate`` until it is truthy or ``timeout`` passes; return its last value."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value


def wait_for(predicate, timeout=20.0, what="condition"):
    """The first truthy value of ``predicate()`` within ``timeout`` seconds; fail the test naming ``what``
    otherwise."""
    value = wait_until(predicate, timeout=timeout)
    if not value:
        raise AssertionError(f"timed out waiting for {what}")
    return value
