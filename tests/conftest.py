"""Shared test plumbing: service markers (skip with a reason, or fail under REQUIRE_SERVICES=1), a GraphQL client."""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _postgres_missing() -> str | None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop"
    return None


def _redis_missing() -> str | None:
    from django.conf import settings

    if not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        return f"Redis at REDIS_URL does not answer: {exc}"
    return None


def _browser_missing() -> str | None:
    if not shutil.which(CHROMIUM):
        return "needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)"
    return None


CHECKS = {"postgres": _postgres_missing, "redis": _redis_missing, "browser": _browser_missing}


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, check in CHECKS.items():
        if item.get_closest_marker(marker) is None:
            continue
        reason = check()
        if reason:
            if REQUIRE_SERVICES:
                pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
            pytest.skip(reason)


class GraphQLClient:
    """Posts to /graphql/ through Django's test client, as a real API client would."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.headers: dict[str, str] = {}

    def authenticate(self, token: str) -> None:
        self.headers["Authorization"] = f"Bearer {token}"

    def raw(self, query: str, variables: dict | None = None) -> Any:
        return self.client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            headers=self.headers,
        )

    def execute(self, query: str, variables: dict | None = None) -> dict:
        response = self.raw(query, variables)
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
def gql(client: Any) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    # Rate-limit counters and page caches must not leak between tests.
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # pytest-playwright: always Debian's chromium (`playwright install` cannot download here).
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}
