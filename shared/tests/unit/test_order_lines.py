"""The order-line rule both order_svc and inventory_svc apply (shared.events.order_lines)."""

from shared.events.order_lines import LINES_SHAPE, MAX_QUANTITY, is_line, merge_lines, over_limit


def test_duplicate_product_lines_are_summed_in_order_of_first_appearance():
    items = [
        {"product_id": "pot", "quantity": 2},
        {"product_id": "mug", "quantity": 1},
        {"product_id": "pot", "quantity": 3},
    ]

    assert list(merge_lines(items).items()) == [("pot", 5), ("mug", 1)]


def test_a_merged_sum_over_the_limit_names_its_product():
    merged = merge_lines([{"product_id": "mug", "quantity": 600}, {"product_id": "mug", "quantity": 401}])

    assert over_limit(merged) == ["mug"]
    assert over_limit({"mug": MAX_QUANTITY, "pot": 1}) == []


def test_a_line_from_a_message_is_a_product_id_and_1_to_1000_units():
    assert is_line({"product_id": "mug", "quantity": 1})
    assert is_line({"product_id": "mug", "quantity": 1000})
    for line in [
        {"product_id": "mug", "quantity": 0},
        {"product_id": "mug", "quantity": 1001},
        {"product_id": "mug", "quantity": True},
        {"product_id": "mug", "quantity": "2"},
        {"product_id": 7, "quantity": 1},
        {"quantity": 1},
        "mug",
    ]:
        assert not is_line(line), line
    assert LINES_SHAPE == "[{product_id: str, quantity: 1..1000}]"
