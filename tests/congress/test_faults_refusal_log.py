"""A refused request logs one line (method, path, status, user id), not a traceback."""

import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def request_records(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_refused_request_logs_one_line_without_a_traceback(client, deputy_a, caplog):
    client.force_login(deputy_a.user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("reports:index"))
    assert response.status_code == 403
    [record] = request_records(caplog)
    assert record.exc_info is None and record.exc_text is None
    line = record.getMessage()
    assert line == f"Refused: GET {reverse('reports:index')} 403 user={deputy_a.user.pk}"
    assert "\n" not in logging.Formatter().format(record)


def test_forty_refusals_are_forty_lines(client, deputy_a, caplog):
    client.force_login(deputy_a.user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        for _ in range(40):
            client.get(reverse("reports:index"))
    text = "\n".join(logging.Formatter().format(r) for r in request_records(caplog))
    assert len(text.splitlines()) == 40 and "Traceback" not in text


def test_other_client_errors_are_logged_as_before(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/no-such-page/").status_code == 404
    [record] = request_records(caplog)
    assert record.getMessage().startswith("Not Found: /no-such-page/")
