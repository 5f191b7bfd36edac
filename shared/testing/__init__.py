"""Helpers for tests only (never imported by running code)."""
