"""Logins that resist guessing: lockout per account and per address on the site and the admin,
staff unlock, password reset only with real mail (throttled, links never logged), validators."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from congress.roles import staff_group

pytestmark = pytest.mark.django_db
PASSWORD = "Lüliang-2026-reply"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # reset counters live in the cache, which outlives a test's transaction
    yield


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", "alice@example.com", PASSWORD)


def attempt(client, username, password, url="/accounts/login/", ip="203.0.113.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_right_password_after_five_wrong_ones_is_refused_with_a_chinese_message(client, alice):
    for _ in range(4):
        assert attempt(client, "alice", "guess").status_code == 200
    assert attempt(client, "alice", "guess").status_code == 429  # the fifth failure locks
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已被锁定" in page and "代表工委" in page
    assert "_auth_user_id" not in client.session


def test_account_is_locked_whatever_address_the_guesses_come_from(client, alice):
    for n in range(5):
        attempt(client, "alice", "guess", ip=f"198.51.100.{n}")
    assert attempt(client, "alice", PASSWORD, ip="192.0.2.1").status_code == 429


def test_address_is_locked_whatever_accounts_it_tries(client, alice):
    for n in range(5):
        attempt(client, f"someone{n}", "guess", ip="203.0.113.9")
    assert attempt(client, "alice", PASSWORD, ip="203.0.113.9").status_code == 429
    assert attempt(client, "alice", PASSWORD, ip="192.0.2.1").status_code == 302


def test_admin_login_locks_out_too(client, alice):
    alice.is_staff = True
    alice.save()
    for _ in range(5):
        attempt(client, "alice", "guess", url="/admin/login/")
    assert attempt(client, "alice", PASSWORD, url="/admin/login/").status_code == 429


def test_fewer_failures_then_the_right_password_logs_in(client, alice):
    for _ in range(4):
        attempt(client, "alice", "guess")
    assert attempt(client, "alice", PASSWORD).status_code == 302


def test_staff_unlock_by_deleting_the_access_attempt_in_the_back_office(client, alice, staff):
    for _ in range(5):
        attempt(client, "alice", "guess")
    staff.is_staff = True
    staff.save()
    staff.groups.add(staff_group())
    client.force_login(staff)
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "alice" in listing.content.decode()
    for row in AccessAttempt.objects.filter(username="alice"):
        client.post(reverse("admin:axes_accessattempt_delete", args=[row.pk]), {"post": "yes"})
    client.logout()
    assert attempt(client, "alice", PASSWORD, ip="192.0.2.1").status_code == 302


def test_behind_the_proxy_the_address_is_the_one_nginx_appended(client, alice, settings):
    settings.BEHIND_PROXY = True
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": f"x{n}", "password": "guess"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.50",  # the first part is forgeable
        )
    assert AccessAttempt.objects.filter(ip_address="203.0.113.50").count() == 5
    assert attempt(client, "alice", PASSWORD, ip="127.0.0.1").status_code == 302


def test_password_reset_is_off_without_mail_settings(client):
    assert client.get("/accounts/password_reset/").status_code == 404
    assert client.get("/accounts/password_reset/done/").status_code == 404
    assert "password_reset" not in client.get("/accounts/login/").content.decode()


@pytest.fixture
def real_mail(settings):
    settings.EMAIL_HOST = "smtp.example.gov.cn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_password_reset_with_mail_configured_sends_a_link(client, alice, real_mail, caplog):
    assert "/accounts/password_reset/" in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
    assert "/accounts/reset/" not in caplog.text
    link = re.search(r"/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "base.html" in [t.name for t in form_page.templates]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Lüliang-new-2026", "new_password2": "Lüliang-new-2026"},
        follow=True,
    )
    assert done.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password("Lüliang-new-2026")


def test_password_reset_stays_off_with_a_backend_that_would_print_the_link(client, settings):
    settings.EMAIL_HOST = "smtp.example.gov.cn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert client.get("/accounts/password_reset/").status_code == 404


def test_password_reset_requests_are_throttled(client, alice, real_mail):
    for _ in range(5):
        client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    assert response.status_code == 429
    assert len(mail.outbox) == 5


@pytest.mark.parametrize("password", ["deputy123", "12345678901", "demo"])
def test_weak_passwords_are_refused(password):
    user = get_user_model()(username="deputy")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_the_demo_password_satisfies_the_validators():
    for username in ["admin", "staff", "deputy", "unit", "keeper"]:
        validate_password("demo12345", get_user_model()(username=username))
