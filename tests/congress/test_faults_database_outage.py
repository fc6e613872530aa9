"""While the database is away a request gets a short 503 page with Retry-After, in Chinese, not
a 500; when it is back the site answers again by itself."""

import contextlib

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_down(error=OperationalError):
    """Every statement fails as it does when the server is gone."""

    def refuse(execute, sql, params, many, context):
        raise error("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


def chinese_client():
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans", raise_request_exception=False)


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "暂时无法访问" in page and "Traceback" not in page
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_public_page_during_an_outage_is_a_short_503_then_the_site_recovers(error, build):
    build("submitted")
    client = chinese_client()
    with database_down(error):
        assert_unavailable(client.get(reverse("suggestions:list")))
    assert client.get(reverse("suggestions:list")).status_code == 200


def test_a_logged_in_page_during_an_outage_is_a_503_then_the_site_recovers(staff):
    client = chinese_client()
    client.force_login(staff)
    with database_down():
        assert_unavailable(client.get(reverse("workbench:dashboard")))
        assert_unavailable(client.post(reverse("logout")))
    assert client.get(reverse("workbench:dashboard")).status_code == 200


def test_other_errors_are_still_500s():
    from congress import middleware

    response = middleware.DatabaseUnavailableMiddleware(lambda r: None).process_exception(
        None, ValueError("a bug")
    )
    assert response is None
