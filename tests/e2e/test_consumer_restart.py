"""Issue 21: a restarted Kafka consumer is back at work within seconds, after a crash (kill -9) as after a
clean stop, so a product created just after the restart gets its inventory item at once.

A consumer without static membership waited for the group to drop its dead predecessor (the session
timeout) before it got any partition, and orders for products created meanwhile failed for lack of an
item. Each consumer process of the stack joins its group with a fixed ``group.instance.id`` (its process
name and host, shared.messaging.kafka_consumer), so the broker hands it its predecessor's partitions as
soon as it asks.

The time is measured from the moment ``stack.sh start`` returns (the process is spawned; Django still
has to boot) to the moment the gateway shows the new product's inventory item.
"""

import socket
import time

import pytest
import requests
from confluent_kafka.admin import AdminClient

from shared.testing.stack import stack
from shared.testing.waiting import wait_until
from tests.conftest import service_env
from tests.shop import create_product

pytestmark = pytest.mark.slow
BACK_AT_WORK_SECONDS = 5  # below the group's 10 s session timeout, which a consumer without it waited for
CONSUMERS = {  # Procfile process -> its consumer group (shared.events.names)
    "inventory-consumer": "inventory-consumer-group",
    "notification-order-consumer": "notification-order-group",
}


def item_of(staff, product_id):
    response = requests.get(
        f"{staff.gateway_url}/api/v1/inventory/",
        params={"product_id": product_id},
        headers=staff.headers,
        timeout=10,
    )
    return response.status_code == 200 and response.json()["results"]


def restarted(process: str, how: str) -> float:
    """Kill (SIGKILL) or stop (SIGTERM, waited for) ``process`` and start it; the monotonic time the start
    returned at."""
    try:
        stack(how, process)
    finally:
        stack("start", process)
    return time.monotonic()


def group_members(group: str) -> list:
    admin = AdminClient({"bootstrap.servers": service_env("inventory")["KAFKA_BOOTSTRAP_SERVERS"]})
    return admin.describe_consumer_groups([group])[group].result(10).members


@pytest.mark.parametrize("how", ["kill", "stop"])
def test_a_product_created_right_after_the_consumer_restarted_gets_its_item_within_seconds(
    staff_account, how
):
    # given: the product consumer just restarted, after a crash or a clean stop
    restarted_at = restarted("inventory-consumer", how)

    # when: staff create a product at once
    product = create_product(staff_account, initial_stock=7)

    # then: its inventory item is there within seconds, not after the group's session timeout
    item = wait_until(lambda: item_of(staff_account, product["id"]), timeout=60, interval=0.1)
    seconds = time.monotonic() - restarted_at
    print(f"inventory-consumer {how}: the new product's item after {seconds:.1f} s")
    assert item and item[0]["quantity"] == 7, f"no item for {product['id']} after {seconds:.1f} s"
    assert seconds <= BACK_AT_WORK_SECONDS, f"the item came {seconds:.1f} s after the restart"


@pytest.mark.parametrize("process", sorted(CONSUMERS))
def test_a_killed_consumer_takes_its_partitions_back_as_the_same_static_member(process):
    group = CONSUMERS[process]
    instance = f"{process}.{socket.gethostname()}"
    before = group_members(group)
    assert [member.group_instance_id for member in before] == [instance], f"{group}: {before}"

    restarted_at = restarted(process, "kill")

    def assigned():  # the new process's member: the dead one's id lingers until its session ends
        members = group_members(group)
        new = len(members) == 1 and members[0].member_id != before[0].member_id
        return new and members[0].assignment.topic_partitions and members[0]

    member = wait_until(assigned, timeout=60, interval=0.2)
    seconds = time.monotonic() - restarted_at
    print(f"{process}: partitions assigned {seconds:.1f} s after the restart")
    assert member, f"{group} has no single member with partitions after {seconds:.1f} s"
    assert member.group_instance_id == instance
    assert seconds <= BACK_AT_WORK_SECONDS
