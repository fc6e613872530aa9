"""The password change form is throttled like the login: a wrong current password is a failed
login of that account (django-axes), per account and per address, and the lockout is axes'."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "Lüliang-2026-reply"
NEW = "Another-2026-pass"
URL = "/accounts/password_change/"


def logged_in(username):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client, user


def change(client, old, ip="203.0.113.7"):
    data = {"old_password": old, "new_password1": NEW, "new_password2": NEW}
    return client.post(URL, data, REMOTE_ADDR=ip)


def test_the_right_current_password_after_five_wrong_ones_is_refused(db):
    client, alice = logged_in("alice")
    for _ in range(4):
        assert change(client, "guess").status_code == 200
    assert change(client, "guess").status_code == 429  # the fifth failure locks
    response = change(client, PASSWORD)
    assert response.status_code == 429 and "代表工委" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_forty_guesses_in_a_row_get_four_answers_then_the_lockout(db):
    client, _alice = logged_in("alice")
    codes = [change(client, f"guess{n}").status_code for n in range(40)]
    assert codes == [200] * 4 + [429] * 36


def test_the_account_is_locked_whatever_address_and_its_login_too(db):
    client, _alice = logged_in("alice")
    for n in range(5):
        change(client, "guess", ip=f"198.51.100.{n}")
    assert change(client, PASSWORD, ip="192.0.2.1").status_code == 429
    login = Client().post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1"
    )
    assert login.status_code == 429


def test_the_address_is_locked_whatever_accounts_it_guesses_for(db):
    alice_client, alice = logged_in("alice")
    bob_client, _bob = logged_in("bob")
    for _ in range(3):
        change(alice_client, "guess", ip="203.0.113.9")
    for _ in range(2):
        change(bob_client, "guess", ip="203.0.113.9")
    assert change(alice_client, PASSWORD, ip="203.0.113.9").status_code == 429
    assert change(alice_client, PASSWORD, ip="192.0.2.1").status_code == 302  # alice: 3 < 5
    alice.refresh_from_db()
    assert alice.check_password(NEW)


def test_a_mismatched_new_password_is_not_a_guess(db):
    client, _alice = logged_in("alice")
    data = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"}
    for _ in range(6):
        assert client.post(URL, data).status_code == 200
    assert change(client, PASSWORD).status_code == 302
