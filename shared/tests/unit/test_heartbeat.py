import os
import time

from shared import heartbeat


def test_a_fresh_beat_is_fresh_and_an_old_one_is_not(tmp_path):
    path = str(tmp_path / "relay.heartbeat")
    assert not heartbeat.is_fresh(path, 30)

    heartbeat.beat(path)
    assert heartbeat.is_fresh(path, 30)

    old = time.time() - 60
    os.utime(path, (old, old))
    assert not heartbeat.is_fresh(path, 30)
