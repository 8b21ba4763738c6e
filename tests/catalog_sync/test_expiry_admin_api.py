"""Daily expiry + notices, the admin pages, the GraphQL mutation, the beat schedule, the demo loader."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail

from catalog_sync import services
from catalog_sync.fixtures import SAMPLE_CSV
from catalog_sync.models import ExpiryNotice, QuarantinedRow, RegistrySource, SyncRun
from catalog_sync.tasks import expire_certifications
from marketplace.catalog.models import Certification
from marketplace.core.permissions import PROGRAM_OFFICE_GROUP
from tests.factories import ListedProductFactory, ProducerStaffFactory, UserFactory

from .helpers import sync

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 7, 1)


@pytest.fixture
def eager_celery():
    # With a Redis broker (CI's second pass) tasks would queue for a worker; run them here instead.
    from marketplace.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_expiry_marks_past_certificates_and_notifies_once(django_capture_on_commit_callbacks, eager_celery):
    soon = ListedProductFactory(
        certification__decision_date=datetime.date(2023, 7, 20), certification__valid_until=datetime.date(2026, 7, 20)
    )
    soon.producer.email = "htx@example.com"
    soon.producer.save()
    ProducerStaffFactory(producer=soon.producer, user=UserFactory(email="owner@example.com"))
    gone = ListedProductFactory(
        certification__decision_date=datetime.date(2023, 6, 1), certification__valid_until=datetime.date(2026, 6, 30)
    )
    later = ListedProductFactory(
        certification__decision_date=datetime.date(2024, 1, 1), certification__valid_until=datetime.date(2027, 1, 1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = services.expire_and_notify(today=TODAY)
    assert result == {"expired": 1, "notified": 1}
    gone.current_certification.refresh_from_db()
    assert gone.current_certification.status == Certification.Status.EXPIRED
    later.current_certification.refresh_from_db()
    assert later.current_certification.status == Certification.Status.ACTIVE

    notice = ExpiryNotice.objects.get()
    assert notice.certification_id == soon.current_certification_id and notice.emailed_at is not None
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["htx@example.com", "owner@example.com"]
    assert "20/07/2026" in mail.outbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        again = services.expire_and_notify(today=TODAY + datetime.timedelta(days=1))
    assert again == {"expired": 0, "notified": 0}
    assert len(mail.outbox) == 1
    assert ExpiryNotice.objects.count() == 1
    assert services.send_expiry_email(notice_id=notice.pk) is False  # a retried task sends nothing twice


def test_daily_task_is_in_the_beat_schedule_and_runs():
    entry = settings.CELERY_BEAT_SCHEDULE["catalog_sync.expire_certifications"]
    assert entry["task"] == "catalog_sync.tasks.expire_certifications"
    assert expire_certifications.apply().get() == {"expired": 0, "notified": 0}


def test_source_schedule_creates_a_periodic_task():
    source = RegistrySource.objects.create(name="TH", kind="csv", location=str(SAMPLE_CSV), schedule="30 2 * * *")
    task = services.schedule_source(source=source)
    assert task.task == "catalog_sync.tasks.run_registry_source" and task.args == f"[{source.pk}]"
    assert task.crontab.hour == "2" and task.crontab.minute == "30"
    source.schedule = ""
    services.schedule_source(source=source)
    assert source.periodic_task is None


def _program_office():
    user = UserFactory(email="vp@ocop.local", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=PROGRAM_OFFICE_GROUP)[0])
    return user


def test_admin_pages_and_run_now_action(client):
    user = UserFactory(email="root@ocop.local", is_staff=True, is_superuser=True)
    client.force_login(user)
    source = RegistrySource.objects.create(name="Thanh Hóa", kind="csv", location=str(SAMPLE_CSV))
    response = client.post(
        "/admin/catalog_sync/registrysource/",
        {"action": "run_now", "_selected_action": [source.pk]},
        follow=True,
    )
    assert response.status_code == 200
    run = SyncRun.objects.get()
    assert run.trigger == "admin" and run.triggered_by == user and run.created == 24
    assert client.get("/admin/catalog_sync/registrysource/").status_code == 200
    page = client.get(f"/admin/catalog_sync/syncrun/{run.pk}/change/")
    assert page.status_code == 200 and "31/02/2021" in page.content.decode()
    assert client.get("/admin/catalog_sync/syncrun/").status_code == 200
    assert client.get("/admin/catalog_sync/quarantinedrow/").status_code == 200
    assert QuarantinedRow.objects.filter(run=run).count() == 2


MUTATION = """
mutation($id: ID!, $dry: Boolean) {
  registrySyncRun(sourceId: $id, dryRun: $dry) {
    run { status dryRun created updated delisted unchanged errors }
    errors { field message code }
  }
}
"""


def test_graphql_mutation_for_program_office_only(gql, client):
    source = RegistrySource.objects.create(name="Thanh Hóa", kind="csv", location=str(SAMPLE_CSV))
    denied = gql.execute(MUTATION, {"id": str(source.pk)})["registrySyncRun"]
    assert denied["run"] is None and denied["errors"][0]["code"] == "PERMISSION_DENIED"

    client.force_login(_program_office())
    data = gql.execute(MUTATION, {"id": str(source.pk), "dry": True})["registrySyncRun"]
    assert data["errors"] == []
    assert data["run"] == {
        "status": "dry_run",
        "dryRun": True,
        "created": 24,
        "updated": 0,
        "delisted": 0,
        "unchanged": 0,
        "errors": 1,
    }
    missing = gql.execute(MUTATION, {"id": "999999"})["registrySyncRun"]
    assert missing["errors"][0] == {
        "field": "sourceId",
        "message": missing["errors"][0]["message"],
        "code": "NOT_FOUND",
    }


def test_demo_loader_goes_through_the_sync():
    from marketplace.demo.registry import LOADERS, load_admin, load_registry_demo

    assert LOADERS.index(load_registry_demo) == LOADERS.index(load_admin) + 1
    lines: list[str] = []
    load_registry_demo(lines.append)
    load_registry_demo(lines.append)
    assert lines[0].startswith("registry: created=24")
    assert lines[1].startswith("registry: created=0 updated=0")


def test_sample_sync_is_reusable_from_helpers():
    assert sync(SAMPLE_CSV).created == 24


def test_scheduled_task_runs_an_enabled_source_and_skips_a_disabled_one():
    from catalog_sync.tasks import run_registry_source

    source = RegistrySource.objects.create(name="TH", kind="csv", location=str(SAMPLE_CSV))
    result = run_registry_source.apply(args=[source.pk]).get()
    assert result["status"] == "applied" and result["summary"].startswith("created=24")
    assert SyncRun.objects.get().trigger == "schedule"
    source.enabled = False
    source.save()
    assert run_registry_source.apply(args=[source.pk]).get()["code"] == "SOURCE_DISABLED"
