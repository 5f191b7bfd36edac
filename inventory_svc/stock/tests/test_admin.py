"""The staff console's stock pages: the list staff scan at 1280 px, and the item page where stock is
adjusted through the stock service (movement with actor and reason, outbox event, row lock)."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared.events import names
from shared.messaging.pg_outbox.models import OutboxMessage
from shared.testing.fixtures import staff_browser_client
from stock import services
from stock.admin.items import HISTORY_ROWS
from stock.models import Item, Movement

pytestmark = pytest.mark.django_db

LIST = "/admin/stock/item/"
# notification_svc's INVENTORY_ADMIN_URL: the link of every low-stock e-mail.
EMAIL_LINK = "/admin/stock/item/?product_id={product_id}"


def _page(item):
    return f"{LIST}{item.pk}/change/"


def _adjust_url(item):
    return f"{LIST}{item.pk}/adjust/"


def _adjust(client, item, *, kind="add", amount="", reason="recount", threshold=None, shown_threshold=None):
    """Post the item page's form as a browser would (the threshold field carries the value shown)."""
    shown = item.reorder_threshold if shown_threshold is None else shown_threshold
    return client.post(
        _adjust_url(item),
        {
            "adjust-kind": kind,
            "adjust-amount": amount,
            "adjust-reorder_threshold": shown if threshold is None else threshold,
            "initial-adjust-reorder_threshold": shown,
            "adjust-reason": reason,
        },
    )


def _adjusted_events(item):
    return [
        message.payload["data"]
        for message in OutboxMessage.objects.order_by("id")
        if message.payload["event_type"] == names.INVENTORY_ADJUSTED
        and message.payload["data"]["product_id"] == item.product_id
    ]


def _cells(page, column):
    """The values of one column of the change list, in order."""
    return re.findall(rf'<t[dh] class="field-{column}">(?:<a [^>]*>)?([^<]*)', page)


def test_the_list_shows_names_and_stock_numbers_and_no_ids(staff_browser, make_item):
    mug = make_item(quantity=10, reorder_threshold=5, name="Blue mug", sku="MUG-1")
    make_item(quantity=3, reorder_threshold=5, name="Teapot", sku="TEA-1")
    services.stock_reserve(order_id="o-1", items=[{"product_id": mug.product_id, "quantity": 4}])

    page = staff_browser.get(LIST).content.decode()

    assert _cells(page, "name") == ["Blue mug", "Teapot"]
    assert _cells(page, "sku") == ["MUG-1", "TEA-1"]
    assert _cells(page, "qty") == ["10", "3"]
    assert _cells(page, "reserved_units") == ["4", "0"]
    assert _cells(page, "available") == ["6", "3"]
    assert _cells(page, "threshold") == ["5", "5"]
    assert page.count('<td class="field-low"><img src="/inventory/static/admin/img/icon-yes.svg"') == 1
    for header in ["Product", "SKU", "Qty", "Resv.", "Avail.", "Reorder at", "Low", "Active"]:
        assert f">{header}</a>" in page
    assert mug.product_id not in page and str(mug.pk) in page  # rows link to the item, no id column


def test_the_list_answers_in_the_same_queries_for_3_or_30_items(staff_browser, make_item):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff_browser.get(LIST).status_code == 200
        return len(captured)

    for n in range(3):
        make_item(name=f"Item {n}")
    few = queries()
    for n in range(27):
        make_item(name=f"More {n}")

    assert queries() == few


def test_the_list_sorts_by_what_is_available_and_how_close_to_the_threshold(staff_browser, make_item):
    make_item(quantity=50, reorder_threshold=5, name="Plenty")  # 45 above its threshold
    make_item(quantity=8, reorder_threshold=1, name="Few")  # 7 above
    make_item(quantity=12, reorder_threshold=20, name="Short")  # 8 below

    by_available = staff_browser.get(LIST, {"o": "4"}).content.decode()
    by_low = staff_browser.get(LIST, {"o": "6"}).content.decode()  # a click on "Low": shortest first
    with_counts = staff_browser.get(LIST, {"_facets": "True", "product_id": "x"})

    assert _cells(by_available, "name") == ["Few", "Short", "Plenty"]
    assert _cells(by_low, "name") == ["Short", "Few", "Plenty"]
    assert with_counts.status_code == 200


@pytest.mark.parametrize("term", ["blue", "mug-1", "p-findme"])
def test_search_finds_by_name_sku_and_product_id(staff_browser, make_item, term):
    make_item(product_id="p-findme-1", name="Blue mug", sku="MUG-1")
    make_item(name="Teapot", sku="TEA-1")

    page = staff_browser.get(LIST, {"q": term}).content.decode()

    assert _cells(page, "name") == ["Blue mug"]


def test_the_low_stock_filter_compares_available_with_the_threshold(staff_browser, make_item):
    plenty = make_item(quantity=50, reorder_threshold=5, name="Plenty")
    at_threshold = make_item(quantity=5, reorder_threshold=5, name="At threshold")
    reserved_down = make_item(quantity=10, reorder_threshold=5, name="Reserved down")
    services.stock_reserve(order_id="o-low", items=[{"product_id": reserved_down.product_id, "quantity": 6}])

    low = staff_browser.get(LIST, {"low_stock": "yes"}).content.decode()
    not_low = staff_browser.get(LIST, {"low_stock": "no"}).content.decode()

    assert _cells(low, "name") == [at_threshold.product_name, reserved_down.product_name]
    assert _cells(not_low, "name") == [plenty.product_name]


def test_the_low_stock_email_link_filters_the_list_to_its_product(staff_browser, make_item):
    wanted = make_item(name="Blue mug", sku="MUG-1")
    make_item(name="Teapot")

    response = staff_browser.get(EMAIL_LINK.format(product_id=wanted.product_id))

    page = response.content.decode()
    assert response.status_code == 200  # not Django's "?e=1" redirect for an unknown parameter
    assert _cells(page, "name") == ["Blue mug"]
    assert "By product" in page and "Blue mug (MUG-1)" in page  # staff see what narrowed the list


@pytest.mark.parametrize(
    ("kind", "amount", "quantity", "delta"),
    [("set", 25, 25, 15), ("add", 5, 15, 5), ("remove", 4, 6, -4)],
)
def test_adjusting_stock_records_who_and_why_and_announces_it(
    staff_browser, make_item, kind, amount, quantity, delta
):
    item = make_item(quantity=10, reorder_threshold=2, name="Blue mug")

    response = _adjust(staff_browser, item, kind=kind, amount=amount, reason="stocktake 12/3")

    assert response.status_code == 302 and response["Location"] == _page(item)
    item.refresh_from_db()
    assert item.quantity == quantity
    movement = Movement.objects.filter(item=item).latest("id")
    assert (movement.kind, movement.quantity_delta, movement.quantity_after) == ("adjusted", delta, quantity)
    assert (movement.actor, movement.reason) == ("staff@example.com", "stocktake 12/3")
    assert [event["quantity"] for event in _adjusted_events(item)] == [quantity]
    assert "stocktake 12/3" in staff_browser.get(response["Location"]).content.decode()


def test_add_applies_to_the_stock_as_it_is_now_not_as_the_page_showed_it(staff_browser, make_item):
    item = make_item(quantity=10)
    shown = Item.objects.get(pk=item.pk)  # the page was read at 10
    services.item_adjust(item_id=item.pk, quantity=30, reason="delivery booked by someone else")

    _adjust(staff_browser, shown, kind="add", amount=5)

    assert Item.objects.get(pk=item.pk).quantity == 35


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_and_removes_from_the_admin_lose_no_update(make_item):
    item = make_item(quantity=100, reorder_threshold=0)
    start = threading.Barrier(20)

    def post(n):
        client = staff_browser_client(email=f"staff{n}@example.com")
        start.wait()
        try:
            kind = "add" if n % 2 else "remove"
            return _adjust(client, item, kind=kind, amount=n + 1, reason=f"race {n}").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(post, range(20)))

    added = sum(n + 1 for n in range(20) if n % 2)
    removed = sum(n + 1 for n in range(20) if not n % 2)
    assert statuses == [302] * 20
    assert Item.objects.get(pk=item.pk).quantity == 100 + added - removed
    movements = Movement.objects.filter(item=item, kind="adjusted").order_by("id")
    # Each movement's "after" is its predecessor's plus its own delta: the deltas were applied in turn.
    after = 100
    for movement in movements:
        after += movement.quantity_delta
        assert movement.quantity_after == after
    assert movements.count() == 20


def test_removing_below_what_is_reserved_is_a_form_error_and_changes_nothing(staff_browser, make_item):
    item = make_item(quantity=10, reorder_threshold=2)
    services.stock_reserve(order_id="held", items=[{"product_id": item.product_id, "quantity": 6}])
    movements, messages = Movement.objects.count(), OutboxMessage.objects.count()

    response = _adjust(staff_browser, item, kind="remove", amount=5)

    page = response.content.decode()
    assert response.status_code == 200
    assert "errornote" in page and "the quantity cannot go below 6 (it would be 5)" in page
    assert Item.objects.get(pk=item.pk).quantity == 10
    assert (Movement.objects.count(), OutboxMessage.objects.count()) == (movements, messages)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"reason": ""}, "This field is required."),
        ({"amount": ""}, "Nothing to change"),
        ({"kind": "add", "amount": 0}, "at least one unit"),
        ({"amount": -3}, "greater than or equal to 0"),
    ],
)
def test_an_incomplete_form_is_shown_again_with_its_error(staff_browser, make_item, fields, error):
    item = make_item(quantity=10)

    response = _adjust(staff_browser, item, **{"amount": 1, **fields})

    assert response.status_code == 200 and error in response.content.decode()
    assert not Movement.objects.filter(item=item, kind="adjusted").exists()


def test_the_reorder_threshold_changes_through_the_service_too(staff_browser, make_item):
    item = make_item(quantity=10, reorder_threshold=2)

    _adjust(staff_browser, item, threshold=12, reason="busy season")

    item.refresh_from_db()
    movement = Movement.objects.filter(item=item).latest("id")
    assert item.reorder_threshold == 12
    assert item.low_stock_alerted  # 10 available is now at or below 12: the alert's edge moved with it
    assert (movement.quantity_delta, movement.actor) == (0, "staff@example.com")
    assert movement.reason == "busy season"
    assert len(_adjusted_events(item)) == 1


def test_a_threshold_left_alone_does_not_undo_someone_elses_change(staff_browser, make_item):
    item = make_item(quantity=10, reorder_threshold=2)
    services.item_adjust(item_id=item.pk, reorder_threshold=7, reason="changed meanwhile")

    _adjust(staff_browser, item, kind="add", amount=1, shown_threshold=2)  # the page still shows 2

    item.refresh_from_db()
    assert (item.quantity, item.reorder_threshold) == (11, 7)


def test_items_are_neither_added_nor_deleted_nor_saved_directly(staff_browser, make_item):
    item = make_item(quantity=10, name="Blue mug")

    listing = staff_browser.get(LIST).content.decode()
    page = staff_browser.get(_page(item)).content.decode()

    assert staff_browser.get(f"{LIST}add/").status_code == 403
    assert staff_browser.post(f"{LIST}{item.pk}/delete/", {"post": "yes"}).status_code == 403
    assert staff_browser.post(_page(item), {"quantity": 99}).status_code == 403
    assert f"{LIST}add/" not in listing and "delete_selected" not in listing
    assert "/delete/" not in page and 'name="quantity"' not in page
    assert Item.objects.get(pk=item.pk).quantity == 10


def test_the_item_page_shows_the_latest_movements_newest_first_and_links_to_all(staff_browser, make_item):
    item = make_item(quantity=1000, name="Blue mug")
    for n in range(HISTORY_ROWS + 4):
        services.item_adjust(item_id=item.pk, quantity_delta=1, actor="ann@example.com", reason=f"box {n}")

    page = staff_browser.get(_page(item)).content.decode()

    last = HISTORY_ROWS + 3
    assert page.index(f"box {last}<") < page.index(f"box {last - 1}<")
    assert f"box {last - HISTORY_ROWS + 1}<" in page and f"box {last - HISTORY_ROWS}<" not in page
    assert "ann@example.com" in page
    movements = f"/admin/stock/movement/?item={item.pk}"
    assert f'href="{movements}"' in page and f"All {HISTORY_ROWS + 5} movements" in page
    assert '<a href="/product/admin/products/product/' + item.product_id + '/change/">Blue mug</a>' in page


def test_the_movement_list_narrows_to_one_item_newest_first_and_is_read_only(staff_browser, make_item):
    item = make_item(quantity=10, name="Blue mug")
    other = make_item(quantity=10, name="Teapot")
    services.item_adjust(item_id=item.pk, quantity_delta=2, reason="reason-one")
    services.item_adjust(item_id=item.pk, quantity_delta=3, reason="reason-two")
    services.item_adjust(item_id=other.pk, quantity_delta=4, reason="reason-elsewhere")

    response = staff_browser.get("/admin/stock/movement/", {"item": str(item.pk)})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("reason-two") < page.index("reason-one") and "reason-elsewhere" not in page
    movement = Movement.objects.filter(item=item).latest("id")
    assert staff_browser.post(f"/admin/stock/movement/{movement.pk}/change/", {}).status_code == 403


def test_a_customers_cookie_opens_no_stock_page(make_item):
    item = make_item(quantity=10)
    customer = staff_browser_client(is_staff=False, email="customer@example.com")

    for path in [LIST, _page(item), _adjust_url(item)]:
        assert customer.get(path).status_code == 302, path
    assert _adjust(customer, item, amount=5).status_code == 302
    assert Item.objects.get(pk=item.pk).quantity == 10


def test_shipments_and_returns_show_in_the_movement_and_reservation_lists_and_their_filters(
    staff_browser, make_item
):
    item = make_item(quantity=10, name="Blue mug")
    for order_id in ("adm-shipped", "adm-returned"):
        services.stock_reserve(order_id=order_id, items=[{"product_id": item.product_id, "quantity": 2}])
        services.stock_commit(order_id=order_id, actor="inventory_svc")
    services.stock_restock(order_id="adm-returned", actor="inventory_svc")

    movements = staff_browser.get("/admin/stock/movement/").content.decode()
    shipped = staff_browser.get("/admin/stock/movement/", {"kind__exact": "shipped"}).content.decode()
    returned = staff_browser.get("/admin/stock/movement/", {"kind__exact": "returned"}).content.decode()
    orders = staff_browser.get("/admin/stock/orderreservation/").content.decode()
    committed = staff_browser.get("/admin/stock/orderreservation/", {"status__exact": "committed"})

    for choice in ("kind__exact=shipped", "kind__exact=returned"):
        assert f'href="?{choice}"' in movements
    assert _cells(shipped, "kind") == ["Shipped", "Shipped"]
    assert _cells(shipped, "order_id") == ["adm-returned", "adm-shipped"]  # newest first
    assert (_cells(returned, "kind"), _cells(returned, "quantity_delta")) == (["Returned"], ["2"])
    for choice in ("status__exact=committed", "status__exact=returned"):
        assert f'href="?{choice}"' in orders
    assert _cells(committed.content.decode(), "status") == ["Committed"]
