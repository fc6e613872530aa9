"""Production mode (DEBUG off): what an operator gets from `make serve` and deploy/."""

import io
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from openpyxl import load_workbook

from congress.backup import row_counts
from suggestions import services
from tests.databases import empty_database
from tests.files import PDF

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def documented_environment(tmp_path):
    """deploy/production.env as an operator fills it in, with this machine's folders."""
    # Not this test run's own switches (browser tests allow async-unsafe ORM calls).
    ours = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in ours}
    for line in (ROOT / "deploy" / "production.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value.strip("'\"")
    env |= {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "VAR_DIR": str(tmp_path / "var"),
    }
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_gives_no_warning_with_the_documented_production_environment(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=documented_environment(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_the_hardening_settings(tmp_path):
    env = documented_environment(tmp_path)
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE"):
        env.pop(name)
    result = manage("check", "--deploy", env=env)
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_without_redis_a_write_in_one_process_drops_the_pages_every_other_process_serves(
    tmp_path,
):
    """`make serve` without Redis runs several gunicorn workers and a job worker: the version
    a write bumps must be seen by all of them, not only by the process that wrote."""
    env = documented_environment(tmp_path) | {"CACHE_DIR": str(tmp_path / "cache")}
    env.pop("REDIS_URL", None)
    read = "from congress.cache import public_version; print(public_version())"
    before = manage("shell", "-c", read, env=env)
    assert before.returncode == 0, before.stderr
    again = manage("shell", "-c", read, env=env)  # another process sees the same version
    assert again.stdout.strip() == before.stdout.strip()
    bump = manage(
        "shell", "-c", "from congress.cache import bump_public_version as b; b()", env=env
    )
    assert bump.returncode == 0, bump.stderr
    after = manage("shell", "-c", read, env=env)
    assert after.stdout.strip() != before.stdout.strip()


def test_web_server_refuses_to_start_on_the_committed_default_key_with_debug_off():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "insecure-local-checkout-key"}
    result = subprocess.run(
        [sys.executable, "-c", "import congress.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is the insecure default" in result.stderr


def test_web_server_starts_on_the_default_key_in_debug_mode():
    env = {**os.environ, "DEBUG": "1", "SECRET_KEY": "insecure-local-checkout-key"}
    result = subprocess.run(
        [sys.executable, "-c", "import congress.wsgi"], cwd=ROOT, env=env, timeout=60
    )
    assert result.returncode == 0


# --- the site as served in production: DEBUG off, the documented settings, collected static --


def production_settings():
    """deploy/production.env's switches, as Django settings."""
    return {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["rd.example.gov.cn", "testserver"],
        "CSRF_TRUSTED_ORIGINS": ["https://rd.example.gov.cn"],
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "BEHIND_PROXY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SENDFILE_X_ACCEL": True,
    }


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """collectstatic into a temporary STATIC_ROOT with the production storage (hashed names,
    compressed copies), as `make serve` and the web unit do."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production(settings, collected_static):
    for name, value in production_settings().items():
        setattr(settings, name, value)
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = PRODUCTION_STORAGES
    return settings


def https(client, method, url, **extra):
    """A request as nginx forwards it: over TLS, with the client's address appended."""
    extra = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "203.0.113.7", **extra}
    return getattr(client, method)(url, **extra)


@pytest.mark.django_db
def test_pages_link_hashed_static_files_that_whitenoise_serves_compressed(production):
    page = https(Client(), "get", "/").content.decode()
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
    assert css, "the page links the hashed stylesheet"
    response = https(Client(), "get", css.group(1), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]
    for asset in ["/static/admin/css/base.css", "/static/ninja/swagger-ui-bundle.js"]:
        assert https(Client(), "get", asset).status_code == 200, asset


@pytest.mark.django_db
def test_swagger_ui_page_loads_its_collected_assets(production):
    page = https(Client(), "get", "/api/v1/docs").content.decode()
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        assert https(Client(), "get", asset).status_code == 200, asset


@pytest.mark.django_db
def test_plain_http_is_redirected_and_https_answers_with_hsts(production):
    client = Client()
    assert client.get("/").status_code == 301
    response = https(client, "get", "/")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert client.get("/healthz").status_code == 200  # a probe may use http


@pytest.mark.django_db
def test_login_sets_secure_cookies_and_locks_out_after_five_failures(production, deputy_a):
    client = Client()
    for _ in range(5):
        https(client, "post", "/accounts/login/", data={"username": "deputy_a", "password": "x"})
    right = {"username": "deputy_a", "password": "pw-12345!"}
    assert https(client, "post", "/accounts/login/", data=right).status_code == 429
    other = Client()
    response = https(other, "post", "/accounts/login/", data=right, HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert response.status_code == 429  # the account is locked from any address
    AccessAttempt.objects.all().delete()  # staff unlock
    response = https(other, "post", "/accounts/login/", data=right)
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] and response.cookies["csrftoken"]["secure"]


@pytest.mark.django_db
def test_attachments_go_through_the_permission_view_and_nginx(production, build, unit_x, staff):
    suggestion = build("assigned", lead_unit=unit_x)
    assignment = suggestion.assignments.get()
    reply = services.reply(
        assignment=assignment, reply_class="A", text="已解决", signed_by="局长", by=staff,
        on=assignment.assigned_on, attachment=SimpleUploadedFile("答复.pdf", PDF),
    )  # fmt: skip
    url = f"/replies/{reply.pk}/attachment"
    assert https(Client(), "get", url).status_code == 404  # unpublished: not for the public
    assert https(Client(), "get", "/media/" + reply.attachment.name).status_code == 404
    services.publish_reply(reply=reply, by=staff)
    response = https(Client(), "get", url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/" + reply.attachment.name
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(production, staff):
    client = Client()
    client.force_login(staff)
    for url in ["/", "/workbench/", "/api/v1/docs", "/admin/"]:
        response = https(client, "get", url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_exports_write_formulas_as_text(production, build, unit_x):
    build("assigned", lead_unit=unit_x, title='=HYPERLINK("http://x","c")')
    streamed = https(Client(), "get", "/suggestions/export.csv").streaming_content
    csv_text = b"".join(streamed).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    sheet = load_workbook(io.BytesIO(https(Client(), "get", "/suggestions/export.xlsx").content))
    assert sheet.active.cell(row=2, column=2).data_type == "s"


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_database(production, build, unit_x, tmp_path):
    build("assigned", lead_unit=unit_x)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))
    before = row_counts()
    production.MEDIA_ROOT = tmp_path / "restored"
    with empty_database(tmp_path):
        call_command("restore", str(archive))
        assert row_counts() == before
