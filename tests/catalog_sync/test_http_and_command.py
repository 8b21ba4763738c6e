"""The HTTP feed through the real client (pytest-httpserver), and the sync_registry command."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from werkzeug import Response

from catalog_sync.fixtures import FEED_PAGE1, FEED_PAGE2, SAMPLE_CSV
from catalog_sync.models import RegistrySource, SyncRun
from catalog_sync.services import run_sync
from marketplace.catalog.models import Product

from .helpers import SAMPLES, TODAY, catalog_picture, counts, sync

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_backoff(settings):
    settings.REGISTRY_HTTP_BACKOFF = 0.01
    settings.REGISTRY_HTTP_READ_TIMEOUT = 5


def serve_feed(httpserver, *, etag: str = '"v1"') -> str:
    page1 = json.loads(FEED_PAGE1.read_text(encoding="utf-8"))
    page1["next"] = httpserver.url_for("/registry/feed?page=2")
    page2 = json.loads(FEED_PAGE2.read_text(encoding="utf-8"))

    def first(request):
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(json.dumps(page1), status=200, headers={"ETag": etag}, content_type="application/json")

    httpserver.expect_request("/registry/feed", query_string="page=2").respond_with_json(page2)
    httpserver.expect_request("/registry/feed", query_string="").respond_with_handler(first)
    return httpserver.url_for("/registry/feed")


def test_paginated_feed_gives_the_same_catalog_as_the_csv(httpserver):
    sync(SAMPLES["csv"])
    from_csv = catalog_picture()
    Product.objects.update(current_certification=None)
    Product.objects.all().delete()
    run = sync(serve_feed(httpserver))
    assert (run.created, run.errors) == (24, 1)
    assert catalog_picture() == from_csv


def test_etag_304_means_unchanged(httpserver):
    url = serve_feed(httpserver)
    sync(url)
    source = RegistrySource.objects.get(location=url)
    assert source.etag == '"v1"'
    run = sync(url)
    assert run.status == SyncRun.Status.NOT_MODIFIED
    assert (run.created, run.updated, run.unchanged) == (0, 0, 0)
    last = httpserver.log[-1][0]
    assert last.headers.get("If-None-Match") == '"v1"'


def test_a_503_is_retried(httpserver):
    url = serve_feed(httpserver)
    httpserver.expect_oneshot_request("/registry/feed", query_string="").respond_with_data("busy", status=503)
    run = sync(url)
    assert run.created == 24
    statuses = [response.status_code for _request, response in httpserver.log]
    assert statuses[0] == 503 and statuses[1] == 200


def test_feed_that_keeps_failing_applies_nothing(httpserver, settings):
    settings.REGISTRY_HTTP_RETRIES = 1
    httpserver.expect_request("/down").respond_with_data("no", status=500)
    with pytest.raises(Exception) as info:
        sync(httpserver.url_for("/down"))
    assert getattr(info.value, "code", "") == "UNREACHABLE"
    assert counts() == (0, 0, 0)
    assert SyncRun.objects.get().status == SyncRun.Status.FAILED


def test_command_prints_one_summary_line_and_exits_zero(capsys):
    call_command("sync_registry", str(SAMPLE_CSV))
    out = capsys.readouterr()
    assert out.out.strip().splitlines()[-1] == "created=24 updated=0 delisted=0 unchanged=0 errors=1"
    assert "31/02/2021" in out.err


def test_command_dry_run(capsys):
    call_command("sync_registry", str(SAMPLE_CSV), "--dry-run")
    assert capsys.readouterr().out.strip().splitlines()[-1] == "created=24 updated=0 delisted=0 unchanged=0 errors=1"
    assert counts() == (0, 0, 0)


def test_command_reads_xlsx_and_json_formats(capsys):
    call_command("sync_registry", str(SAMPLES["xlsx"]))
    call_command("sync_registry", str(SAMPLES["json"]), "--format", "json")
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("created=0 updated=0 delisted=0 unchanged=24")


@pytest.mark.parametrize(
    ("content", "name", "args", "needle"),
    [
        (b"", "missing.csv", [], "Cannot read file"),
        (b"Ten,Gia\nA,1\n", "cols.csv", [], "MISSING_COLUMNS"),
        (b"\x00\x01garbage", "bin.csv", [], "WRONG_FORMAT"),
        (b"{not json", "bad.json", [], "WRONG_FORMAT"),
        (b"hello", "file.txt", [], "--format"),
        (b"PK\x03\x04junk", "fake.xlsx", [], "XLSX"),
    ],
)
def test_command_exits_one_naming_the_problem(tmp_path, content, name, args, needle):
    path = tmp_path / name
    if name != "missing.csv":
        path.write_bytes(content)
    with pytest.raises(CommandError) as info:
        call_command("sync_registry", str(path), *args)
    assert info.value.returncode == 1
    assert needle in str(info.value)
    assert counts() == (0, 0, 0)


def test_command_refused_by_the_guard_exits_one(tmp_path):
    call_command("sync_registry", str(SAMPLE_CSV))
    lines = SAMPLE_CSV.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "small.csv"
    path.write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("sync_registry", str(path), "--snapshot")
    assert info.value.returncode == 1 and "DELIST_GUARD" in str(info.value)
    call_command("sync_registry", str(path), "--snapshot", "--force")


def test_run_sync_checks_permission(django_user_model):
    from marketplace.core.errors import PermissionDeniedError

    user = django_user_model.objects.create_user(email="x@example.com", password="pw-123456789")
    source = RegistrySource.objects.create(name="th", kind="csv", location=str(SAMPLE_CSV))
    with pytest.raises(PermissionDeniedError):
        run_sync(source=source, user=user, today=TODAY)


def test_dry_run_prints_the_same_diff_as_the_real_run(capsys):
    call_command("sync_registry", str(SAMPLE_CSV), "--dry-run")
    dry = capsys.readouterr().out.splitlines()
    call_command("sync_registry", str(SAMPLE_CSV))
    real = capsys.readouterr().out.splitlines()
    assert dry[0] == "+ 38-HH-0001 Mắm tôm Lê Gia (5★ 2531/QĐ-BNN-VPĐP)"
    assert [line for line in dry if line != "dry run: nothing written"] == real
