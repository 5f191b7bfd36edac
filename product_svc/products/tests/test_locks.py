"""A product whose lock a crashed writer left behind (found by `make chaos`: a product-web instance killed
mid-PATCH left the lock for its 30 s TTL, and writes to that product answered 500 meanwhile)."""

from datetime import UTC, datetime, timedelta

import pytest

from products import repository
from shared import mongo

pytestmark = pytest.mark.slow  # the write waits out document_lock's 5 s before giving up


def test_a_write_meeting_a_lock_left_by_a_crashed_writer_is_a_conflict_not_a_crash(staff_api, make_product):
    product = make_product()
    mongo.get_database()[mongo.LOCKS_COLLECTION].insert_one(
        {
            "_id": repository.lock_key(product["id"]),
            "token": "crashed-writer",
            "expires_at": datetime.now(UTC) + timedelta(seconds=30),
        }
    )

    response = staff_api.patch(f"/api/v1/products/{product['id']}", {"price": "1.00"}, format="json")

    assert response.status_code == 409, response.content
    assert "try again" in response.json()["detail"]
