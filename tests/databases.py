"""Pointing the ORM at another database for a test: a SQLite file, or a fresh PostgreSQL one."""

import contextlib

import psycopg2
from django.db import connections


@contextlib.contextmanager
def use_database(**overrides):
    """Every connection made inside (this thread's and new threads') uses the overridden
    settings; the test database is back afterwards."""
    original_settings = connections.settings["default"]
    original_connection = connections["default"]
    connections.settings["default"] = {**original_settings, **overrides}
    connections["default"] = connections.create_connection("default")
    try:
        yield connections["default"]
    finally:
        connections["default"].close()
        connections.settings["default"] = original_settings
        connections["default"] = original_connection


def _admin(settings_dict):
    conn = psycopg2.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or "postgres",
        password=settings_dict.get("PASSWORD") or "",
        host=settings_dict.get("HOST") or "127.0.0.1",
        port=settings_dict.get("PORT") or 5432,
    )
    conn.autocommit = True
    return conn


@contextlib.contextmanager
def empty_database(tmp_path):
    """A new, empty database of the same engine as the tests' (nothing migrated)."""
    settings_dict = connections.settings["default"]
    if settings_dict["ENGINE"].endswith("sqlite3"):
        with use_database(NAME=str(tmp_path / "empty.sqlite3")) as connection:
            yield connection
        return
    name = f"{settings_dict['NAME']}_restore"
    admin = _admin(settings_dict)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        with use_database(NAME=name) as connection:
            yield connection
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
