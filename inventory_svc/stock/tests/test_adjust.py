"""services.item_adjust: absolute or relative, decided under the row lock, refused below what is held."""

import pytest

from shared.messaging.pg_outbox.models import OutboxMessage
from stock import services
from stock.errors import QuantityBelowReserved
from stock.models import Item, Movement

pytestmark = pytest.mark.django_db


def test_a_delta_moves_the_quantity_from_where_it_is(make_item):
    item = make_item(quantity=10)

    services.item_adjust(item_id=item.pk, quantity_delta=5, actor="ann@example.com", reason="delivery")
    services.item_adjust(item_id=item.pk, quantity_delta=-3, actor="ann@example.com", reason="broken")

    assert Item.objects.get(pk=item.pk).quantity == 12
    deltas = Movement.objects.filter(item=item, kind="adjusted").order_by("id")
    assert [(m.quantity_delta, m.quantity_after, m.reason) for m in deltas] == [
        (5, 15, "delivery"),
        (-3, 12, "broken"),
    ]


@pytest.mark.parametrize("change", [{"quantity": 3}, {"quantity_delta": -8}])
def test_going_below_what_is_reserved_is_refused_and_changes_nothing(make_item, change):
    item = make_item(quantity=10)
    services.stock_reserve(order_id="held", items=[{"product_id": item.product_id, "quantity": 4}])
    messages = OutboxMessage.objects.count()

    with pytest.raises(QuantityBelowReserved, match="cannot go below 4"):
        services.item_adjust(item_id=item.pk, reason="recount", **change)

    assert Item.objects.get(pk=item.pk).quantity == 10
    assert not Movement.objects.filter(item=item, kind="adjusted").exists()
    assert OutboxMessage.objects.count() == messages


def test_removing_more_than_there_is_is_refused(make_item):
    item = make_item(quantity=3)

    with pytest.raises(QuantityBelowReserved, match="it would be -2"):
        services.item_adjust(item_id=item.pk, quantity_delta=-5)


def test_an_absolute_and_a_relative_quantity_together_are_a_programming_error(make_item):
    item = make_item(quantity=3)

    with pytest.raises(TypeError):
        services.item_adjust(item_id=item.pk, quantity=5, quantity_delta=1)
