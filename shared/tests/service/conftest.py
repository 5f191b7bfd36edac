from shared.testing.fixtures import staff_browser  # noqa: F401  (fixture)
