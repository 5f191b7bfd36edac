import time


def wait_until(predicate, timeout=10.0, interval=0.1):
    """Poll ``predicate`` until it is truthy or ``timeout`` passes; return its last value."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value
