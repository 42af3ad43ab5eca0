"""The production settings (config.settings.base): they refuse to guess secrets and pass Django's deploy checks."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "DJANGO_SECRET_KEY": "a-production-secret-of-fifty-characters-or-more-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "spaser.example.gouv.fr",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh process (settings are read once per process), environment as production gets it."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SENTRY_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_finds_no_issue_with_the_production_settings():
    done = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION_ENV)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output and "security.W" not in output


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_settings_refuse_to_start_without_a_required_variable(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    done = manage("check", **env)
    assert done.returncode != 0
    assert f"ImproperlyConfigured: {missing} is required by the production settings" in done.stderr


def test_plain_http_is_an_explicit_choice_that_the_deploy_checks_report():
    done = manage("check", "--deploy", **PRODUCTION_ENV, DJANGO_HTTPS="false")
    output = done.stdout + done.stderr
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output


def test_logs_are_json_lines_on_stderr_at_the_level_the_environment_sets():
    code = "import logging; logging.getLogger('spaser').info('visible'); logging.getLogger('spaser').debug('caché')"

    def spaser_lines(**env: str) -> list[dict]:
        done = manage("shell", "-v", "0", "-c", code, **PRODUCTION_ENV, **env)
        lines = [json.loads(line) for line in done.stderr.splitlines()]  # every line is JSON, other loggers' too
        assert done.stdout == ""  # a command's output is never mixed with logs
        return [line for line in lines if line["logger"] == "spaser"]

    assert [line["message"] for line in spaser_lines()] == ["visible"]
    lines = spaser_lines(DJANGO_LOG_LEVEL="debug")
    assert [line["message"] for line in lines] == ["visible", "caché"]
    assert {line["request_id"] for line in lines} == {"-"}


SENTRY_STATE = "import sentry_sdk; c = sentry_sdk.get_client(); print(c.is_active(), c.options['send_default_pii'])"


def test_sentry_starts_only_with_a_dsn_and_sends_no_personal_data():
    assert manage("shell", "-v", "0", "-c", SENTRY_STATE, **PRODUCTION_ENV).stdout.splitlines()[-1].startswith("False")
    done = manage(
        "shell", "-v", "0", "-c", SENTRY_STATE, **PRODUCTION_ENV, SENTRY_DSN="https://public@sentry.invalid/1"
    )
    assert done.stdout.splitlines()[-1] == "True False"


def test_the_readme_lists_every_variable_the_settings_read():
    source = "\n".join(path.read_text() for path in (ROOT / "config" / "settings").glob("*.py"))
    read = set(re.findall(r"(?:env(?:\.\w+)?|required)\(\s*\"([A-Z_]+)\"", source))
    readme = (ROOT / "README.md").read_text()
    assert {"DJANGO_SECRET_KEY", "SENTRY_DSN"} <= read
    assert {name for name in read if f"| `{name}` |" not in readme} == set()


MAIL_STATE = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND.rsplit('.', 2)[1], s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_HOST_USER or '-')"
)


def mail_settings(**env: str) -> list[str]:
    return manage("shell", "-v", "0", "-c", MAIL_STATE, **PRODUCTION_ENV, **env).stdout.splitlines()[-1].split()


def test_mail_goes_through_smtp_never_to_the_logs():
    assert mail_settings() == ["smtp", "localhost", "25", "False", "-"]
    assert mail_settings(EMAIL_URL="smtp+tls://agent:secret@smtp.exemple.fr:587") == [
        "smtp", "smtp.exemple.fr", "587", "True", "agent"
    ]  # fmt: skip
