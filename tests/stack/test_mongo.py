"""The MongoDB wire server (FerretDB locally, MongoDB in compose) through pymongo 4: the operations the
repositories of product_svc and order_svc rely on."""

import uuid

import pytest
from pymongo import ASCENDING, MongoClient
from pymongo.errors import DuplicateKeyError

from tests.conftest import service_env


@pytest.fixture
def collection():
    client = MongoClient(service_env("product")["MONGO_URL"], serverSelectionTimeoutMS=5000)
    database = client[f"stacktest_{uuid.uuid4().hex[:12]}"]
    try:
        yield database["items"]
    finally:
        client.drop_database(database.name)
        client.close()


def _seed(collection):
    collection.insert_many(
        [
            {"sku": "A-1", "name": "Red mug", "price_cents": 1250, "category": "kitchen"},
            {"sku": "A-2", "name": "Blue mug", "price_cents": 990, "category": "kitchen"},
            {"sku": "B-1", "name": "Desk lamp", "price_cents": 4500, "category": "office"},
        ]
    )


def test_find_with_gte_regex_and_in(collection):
    _seed(collection)

    expensive = {d["sku"] for d in collection.find({"price_cents": {"$gte": 1250}})}
    mugs = {d["sku"] for d in collection.find({"name": {"$regex": "MUG", "$options": "i"}})}
    chosen = {d["sku"] for d in collection.find({"sku": {"$in": ["A-2", "B-1", "nope"]}})}

    assert expensive == {"A-1", "B-1"}
    assert mugs == {"A-1", "A-2"}
    assert chosen == {"A-2", "B-1"}


def test_sort_skip_limit_and_count(collection):
    _seed(collection)

    page = collection.find({"category": "kitchen"}).sort("price_cents", ASCENDING).skip(1).limit(1)

    assert [d["sku"] for d in page] == ["A-1"]
    assert collection.count_documents({"category": "kitchen"}) == 2


def test_update_with_inc_is_applied_on_the_server(collection):
    _seed(collection)

    result = collection.update_one({"sku": "A-1"}, {"$inc": {"price_cents": 50}})

    assert result.modified_count == 1
    assert collection.find_one({"sku": "A-1"})["price_cents"] == 1300


def test_unique_index_refuses_a_duplicate(collection):
    collection.create_index("sku", unique=True)
    collection.insert_one({"sku": "A-1"})

    with pytest.raises(DuplicateKeyError):
        collection.insert_one({"sku": "A-1"})
    assert collection.count_documents({"sku": "A-1"}) == 1


def test_a_lookup_by_id_uses_the_id_index(collection):
    # FerretDB's SQLite backend as released scans the whole collection here (deploy/stack/ferretdb.sh
    # patches it); every repository lookup, update and delete of a single document goes by _id.
    _seed(collection)
    collection.insert_one({"_id": "known", "sku": "C-1"})

    plan = collection.database.command("explain", {"find": collection.name, "filter": {"_id": "known"}})

    steps = " ".join(plan["queryPlanner"]["Plan"])
    assert "USING INDEX" in steps and "__id_" in steps, steps
    assert collection.find_one({"_id": "known"})["sku"] == "C-1"
