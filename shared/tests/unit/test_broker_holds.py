"""The relay's holds on brokers that failed (shared.messaging.relay.BrokerHolds): held at once, tried again
after a wait that doubles up to its bound, forgotten when a publish works."""

import time

from shared.messaging.relay import BrokerHolds


def test_a_failed_broker_is_held_then_tried_again_after_a_doubling_wait():
    holds = BrokerHolds(first_seconds=0.05, max_seconds=0.15)

    holds.failed({"celery"})
    assert holds.held() == {"celery"}
    assert 0 < holds.seconds_to_next() <= 0.05
    time.sleep(0.06)
    assert holds.held() == frozenset()  # its turn again

    holds.failed({"celery"})
    assert 0.05 < holds.seconds_to_next() <= 0.1  # doubled
    holds.failed({"celery"})
    holds.failed({"celery"})
    assert 0.1 < holds.seconds_to_next() <= 0.15  # bounded


def test_a_broker_that_worked_is_forgotten_and_the_others_stay_held():
    holds = BrokerHolds(first_seconds=10)
    holds.failed({"celery", "kafka"})

    holds.worked({"kafka"})

    assert holds.held() == {"celery"}
    holds.worked({"celery"})
    assert holds.held() == frozenset() and holds.seconds_to_next() is None


def test_a_failure_long_after_the_last_hold_ended_starts_from_the_first_wait_again():
    holds = BrokerHolds(first_seconds=0.02, max_seconds=0.04)
    holds.failed({"kafka"})
    holds.failed({"kafka"})  # doubled: 0.04
    time.sleep(0.04 + 0.05)  # the hold ended more than max_seconds ago

    holds.failed({"kafka"})

    assert 0 < holds.seconds_to_next() <= 0.02
