"""Production mode (DEBUG off): what an operator gets from `make serve` and deploy/."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def documented_environment(tmp_path):
    """deploy/production.env as an operator fills it in, with this machine's folders."""
    # The test run's own switches (DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests) are
    # not the operator's.
    ours = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in ours}
    for line in (ROOT / "deploy" / "production.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
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
