"""The static group membership id of a Kafka consumer process (shared.messaging.kafka_consumer): stable
per process of the stack, distinct between processes and hosts, and only for processes the stack names."""

from shared.messaging.kafka_consumer import static_instance_id


def test_a_named_process_is_a_static_member_under_its_name_and_host():
    assert static_instance_id("inventory-consumer", "vm") == "inventory-consumer.vm"


def test_each_instance_of_a_scaled_consumer_and_each_host_has_an_id_of_its_own():
    ids = {
        static_instance_id(name, host)
        for name in ("inventory-consumer-1", "inventory-consumer-2")
        for host in ("a1b2c3", "d4e5f6")
    }
    assert len(ids) == 4


def test_an_unnamed_process_is_a_dynamic_member(monkeypatch):
    monkeypatch.delenv("PROCESS_NAME", raising=False)
    assert static_instance_id() is None
    assert static_instance_id("", "vm") is None


def test_the_name_comes_from_the_environment_and_keeps_to_kafkas_characters(monkeypatch):
    monkeypatch.setenv("PROCESS_NAME", "notification-order-consumer")
    assert static_instance_id(host="host:with/odd chars") == "notification-order-consumer.host-with-odd-chars"
    assert len(static_instance_id("x" * 300, "vm")) == 249
