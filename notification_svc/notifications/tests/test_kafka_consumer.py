"""The shared Kafka loop itself (``shared.messaging.kafka_consumer``), with handlers of the test's own
on a real topic: what neither service's handlers can show. The offset is committed only after the
handler returned; a handler that fails gets the same message again, and the partition waits for it;
``stop()`` ends the loop and the consumer leaves its group; two static members given one instance id do
not fence each other for ever."""

import threading
from contextlib import contextmanager

from confluent_kafka.admin import AdminClient

from notifications.tests.factories import order_status_changed
from shared.events import NOTIFICATION_ORDER_GROUP, ORDER_EVENTS_TOPIC, ORDER_STATUS_CHANGED
from shared.messaging.kafka_consumer import EventConsumer
from shared.testing.waiting import wait_until


@contextmanager
def consuming(order_events, tmp_path, handler, **options):
    consumer = EventConsumer(
        topic=ORDER_EVENTS_TOPIC,  # the test's scope makes them order_events.name and .group
        group_id=NOTIFICATION_ORDER_GROUP,
        handlers={ORDER_STATUS_CHANGED: handler},
        poll_seconds=0.2,
        heartbeat_file=str(tmp_path / "heartbeat"),
        **options,
    )
    thread = threading.Thread(target=consumer.run_forever, daemon=True)
    thread.start()
    try:
        yield consumer
    finally:
        consumer.stop()
        thread.join(20)
        assert not thread.is_alive()


def test_the_offset_is_committed_only_after_the_handler_returned(order_events, tmp_path):
    first, second = (order_status_changed(order_id="o-1") for _ in range(2))  # one key: one partition
    order_events.publish(first, second)
    seen = []  # (event id, the group's committed offset on that partition while handling it)

    def handler(envelope):
        (partition,) = [p for p, (_, end) in order_events.positions().items() if end]
        seen.append((envelope.event_id, order_events.positions()[partition][0]))

    with consuming(order_events, tmp_path, handler):
        assert wait_until(order_events.all_committed, timeout=30, interval=0.3)

    # -1001: nothing committed yet; 1: the first message's commit, made after its handler returned.
    assert seen == [(first.event_id, -1001), (second.event_id, 1)]


def test_a_failing_handler_gets_the_same_message_again_and_the_partition_waits_for_it(order_events, tmp_path):
    first, second = (order_status_changed(order_id="o-1") for _ in range(2))
    order_events.publish(first, second)
    calls = []

    def handler(envelope):
        calls.append(envelope.event_id)
        if len(calls) == 1:
            raise ConnectionError("the database is away")

    with consuming(order_events, tmp_path, handler):
        assert wait_until(order_events.all_committed, timeout=30, interval=0.3)

    assert calls == [first.event_id, first.event_id, second.event_id]


def test_stop_ends_the_loop_and_the_consumer_leaves_its_group(order_events, tmp_path):
    order_events.publish(order_status_changed())
    heartbeat = tmp_path / "heartbeat"

    with consuming(order_events, tmp_path, lambda envelope: None):
        assert wait_until(order_events.all_committed, timeout=30, interval=0.3)
        assert heartbeat.exists()

    assert _members(order_events) == []  # left at once, not after a session timeout


def test_a_consumer_fenced_by_another_with_its_instance_id_goes_on_as_a_dynamic_one(order_events, tmp_path):
    # given: a static member of the group, and a second process that claims the same group.instance.id
    by_first, by_second = [], []
    with consuming(order_events, tmp_path, by_first.append, instance_id="twin") as first:
        order_events.publish(order_status_changed())
        assert wait_until(order_events.all_committed, timeout=30, interval=0.3)
        with consuming(order_events, tmp_path, by_second.append, instance_id="twin") as second:
            # when: the newcomer fences the first
            assert wait_until(lambda: first.instance_id is None, timeout=30, interval=0.2)
            # then: the first joins again without the id, beside the newcomer, and both consume
            members = wait_until(lambda: _both_assigned(order_events), timeout=30, interval=0.3)
            later = [order_status_changed(order_id=f"o-{n}") for n in range(9)]  # keys on every partition
            order_events.publish(*later)
            assert wait_until(order_events.all_committed, timeout=30, interval=0.3)

    assert second.instance_id == "twin"
    assert sorted(member.group_instance_id or "" for member in members) == ["", "twin"]
    ids = {event.event_id for event in later}
    handled = [{envelope.event_id for envelope in by} & ids for by in (by_first, by_second)]
    assert handled[0] and handled[1] and handled[0] | handled[1] == ids


def _members(order_events):
    admin = AdminClient({"bootstrap.servers": order_events.bootstrap})
    return admin.describe_consumer_groups([order_events.group])[order_events.group].result(10).members


def _both_assigned(order_events):
    members = _members(order_events)
    return len(members) == 2 and all(m.assignment.topic_partitions for m in members) and members
