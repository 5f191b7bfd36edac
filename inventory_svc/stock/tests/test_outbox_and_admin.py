import pytest
from django.db import transaction

from shared.messaging.pg_outbox.models import OutboxMessage
from stock import services
from stock.models import Item, Movement

pytestmark = pytest.mark.django_db


def test_a_change_that_rolls_back_announces_nothing(make_item):
    item = make_item(quantity=10, reorder_threshold=5)
    OutboxMessage.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.stock_reserve(
            order_id="doomed", items=[{"product_id": item.product_id, "quantity": 8}], reply=True
        )
        assert OutboxMessage.objects.count() == 4  # reply, Kafka event, low-stock Redis + Kafka
        raise RuntimeError("the surrounding transaction fails")

    assert OutboxMessage.objects.count() == 0
    assert Item.objects.get(id=item.id).reserved == 0
    assert not Movement.objects.filter(order_id="doomed").exists()


@pytest.mark.django_db(transaction=True)
def test_outbox_writes_outside_a_transaction_are_refused():
    from shared.events import make_envelope, names
    from shared.messaging.pg_outbox.api import enqueue_kafka

    envelope = make_envelope(names.PRODUCT_DELETED, {"product_id": "p"}, source="test")
    with pytest.raises(RuntimeError, match="inside the transaction"):
        enqueue_kafka(envelope, topic="t", key="p")


def test_staff_see_items_history_and_reservations_in_the_admin(staff_browser, make_item):
    client = staff_browser
    item = make_item(quantity=10)
    services.stock_reserve(order_id="adm-1", items=[{"product_id": item.product_id, "quantity": 2}])

    for path in ["/admin/stock/item/", "/admin/stock/movement/", "/admin/stock/orderreservation/"]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert b"adm-1" in client.get("/admin/stock/orderreservation/").content
    # The audit trail is read-only.
    movement = Movement.objects.first()
    assert client.post(f"/admin/stock/movement/{movement.id}/delete/", {"post": "yes"}).status_code == 403
