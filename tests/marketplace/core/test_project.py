"""Project-level promises: settings refuse to run insecurely, the compose file validates, a real worker runs tasks."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def test_production_settings_refuse_to_start_without_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _compose_binary() -> Path:
    import compose

    return Path(compose.__file__).parent / "docker-compose"


def test_compose_file_validates() -> None:
    # Call the Go binary itself: the package's Python wrapper always exits 0.
    result = subprocess.run(
        [str(_compose_binary()), "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SECRET_KEY": "x"},
    )
    assert result.returncode == 0, result.stderr
    services = subprocess.run(
        [str(_compose_binary()), "-f", str(ROOT / "docker-compose.yml"), "config", "--services"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SECRET_KEY": "x"},
    ).stdout.split()
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}


def test_compose_validator_catches_a_broken_file(tmp_path) -> None:
    broken = tmp_path / "bad.yml"
    broken.write_text("services:\n  web:\n    image: x\n    depends_on: [nosuch]\n")
    result = subprocess.run([str(_compose_binary()), "-f", str(broken), "config", "-q"], capture_output=True, text=True)
    assert result.returncode != 0
    assert "nosuch" in result.stderr


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_a_task_through_redis(settings) -> None:
    from django.db import connection

    from marketplace.celery import app
    from marketplace.core.tasks import ping

    queue = f"test-{os.getpid()}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings_test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "marketplace", "worker", "--pool=solo", "-Q", queue, "-l", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        app.conf.task_always_eager = False
        started = time.monotonic()
        result = ping.apply_async(queue=queue)
        value = result.get(timeout=60)
        assert value["pid"] == worker.pid
        assert value["pid"] != os.getpid()
        assert value["vendor"] == "postgresql"
        assert value["database"] == db["NAME"]  # the worker used the test database
        assert time.monotonic() - started < 60
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        worker.terminate()
        worker.wait(timeout=20)
