import pytest

from shared.env import Env, ImproperlyConfiguredEnv


def test_required_variable_missing_names_it():
    with pytest.raises(ImproperlyConfiguredEnv, match="DJANGO_SECRET_KEY"):
        Env({}).str("DJANGO_SECRET_KEY")


def test_defaults_apply_only_when_unset():
    env = Env({"PORT": "8001"})

    assert env.int("PORT", 1) == 8001
    assert env.int("OTHER", 7) == 7


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("On", True), ("0", False), ("no", False)])
def test_bool_parses_common_spellings(raw, expected):
    assert Env({"FLAG": raw}).bool("FLAG") is expected


def test_bool_rejects_nonsense():
    with pytest.raises(ImproperlyConfiguredEnv, match="FLAG"):
        Env({"FLAG": "maybe"}).bool("FLAG")


def test_int_rejects_nonsense():
    with pytest.raises(ImproperlyConfiguredEnv, match="PORT"):
        Env({"PORT": "eighty"}).int("PORT")


def test_list_splits_and_trims():
    assert Env({"HOSTS": " a.example, b.example ,,"}).list("HOSTS") == ["a.example", "b.example"]


def test_postgres_url_becomes_a_django_database():
    db = Env({"DATABASE_URL": "postgres://user_svc:p%40ss@db.local:5433/user_svc"}).database()

    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "user_svc",
        "user_svc",
        "p@ss",
        "db.local",
        "5433",
    )


def test_sqlite_url_becomes_a_django_database(tmp_path):
    path = tmp_path / "sub" / "django.sqlite3"

    db = Env({"DATABASE_URL": f"sqlite:///{path}"}).database()

    assert db == {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    assert path.parent.is_dir()


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host:5432/"])
def test_unsupported_database_urls_are_refused(url):
    with pytest.raises(ImproperlyConfiguredEnv):
        Env({"DATABASE_URL": url}).database()
