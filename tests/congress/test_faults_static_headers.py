"""Static files carry the security headers pages do (DEBUG off, served by whitenoise)."""

import re

import pytest
from django.test import Client

from tests.congress.test_production import collected_static, https, production  # noqa: F401  (fixtures)

SECURITY_HEADERS = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
]


@pytest.mark.django_db
def test_a_static_file_carries_the_same_security_headers_as_a_page(production):  # noqa: F811
    page = https(Client(), "get", "/")
    assert page.status_code == 200
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.content.decode())
    assets = [css.group(1), "/static/favicon.svg", "/static/admin/css/base.css"]
    for asset in assets:
        response = https(Client(), "get", asset)
        assert response.status_code == 200, asset
        for name in SECURITY_HEADERS:
            assert response.get(name) == page.get(name), (asset, name, response.get(name))
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
