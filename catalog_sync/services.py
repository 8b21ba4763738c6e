"""Registry sync writes: run a sync (one transaction, quarantine, guard, lock), schedule sources, expiries."""

from __future__ import annotations

import datetime
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from marketplace.catalog.models import Certification, Product
from marketplace.catalog.selectors import today_in_vietnam
from marketplace.core.errors import DomainError
from marketplace.core.permissions import require_program_office
from marketplace.geo.models import Province

from .apply import Applier, Outcome
from .models import ExpiryNotice, QuarantinedRow, RegistrySource, SyncRun
from .parsing import Reference, parse
from .sources import SourceError, guess_format, is_url, open_source

ProgressFactory = Callable[[int], Callable[[int], Any]]


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def source_for_location(location: str, *, format: str | None = None) -> RegistrySource:
    """The RegistrySource row for a path or URL given on the command line (made once, reused after)."""
    location = location if is_url(location) else str(Path(location).resolve())
    source = RegistrySource.objects.filter(location=location).order_by("pk").first()
    if source is not None:
        return source
    try:
        open_source(location, format=format)  # refuses an unknown format before anything is recorded
    except SourceError as exc:
        raise DomainError(exc.code, str(exc), field="source")
    kind = RegistrySource.Kind.HTTP if is_url(location) else (format or guess_format(location))
    digest = hashlib.sha256(location.encode()).hexdigest()[:8]
    name = f"{Path(location).name or location}"[:100] + f" ({digest})"
    return RegistrySource.objects.create(name=name, kind=kind, location=location)


def _finish(run: SyncRun, status: str, started: float, *, message: str = "") -> SyncRun:
    run.status = status
    run.message = message
    run.finished_at = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.save()
    return run


def _guard(outcome: Outcome) -> None:
    ratio = settings.REGISTRY_SYNC_MAX_DELIST_RATIO
    problems = []
    for province_id, delisted in outcome.delisted_by_province.items():
        listed = outcome.listed_before.get(province_id, 0)
        if listed and delisted > ratio * listed:
            province = Province.objects.get(pk=province_id)
            problems.append(f"{province.short_name}: {delisted}/{listed} ({delisted / listed:.0%})")
    if problems:
        raise _Refused(
            "Lần chạy sẽ gỡ quá {limit:.0%} sản phẩm đang bán của tỉnh — {what}; dùng --force nếu đúng là vậy. "
            "/ The run would delist more than {limit:.0%} of a province's listed products — {what}; "
            "pass --force if that is right.".format(limit=ratio, what="; ".join(problems))
        )


def run_sync(
    *,
    source: RegistrySource,
    user: Any = None,
    dry_run: bool = False,
    force: bool = False,
    snapshot: bool | None = None,
    format: str | None = None,
    trigger: str = "command",
    today: datetime.date | None = None,
    progress: ProgressFactory | None = None,
) -> SyncRun:
    """Read the source and make the catalog follow it, in one transaction. Returns the recorded SyncRun.

    Raises DomainError (after recording the run) when nothing was applied: unreadable source, missing columns,
    the snapshot delist guard, a run of the same source already going, or a crash (the catalog is unchanged).
    """
    if user is not None:
        require_program_office(user)
    snapshot = source.mode == RegistrySource.Mode.SNAPSHOT if snapshot is None else snapshot
    lock_key = f"catalog_sync:lock:{source.pk}"
    if not cache.add(lock_key, timezone.now().isoformat(), timeout=settings.REGISTRY_SYNC_LOCK_TIMEOUT):
        raise DomainError("SYNC_IN_PROGRESS", _("Nguồn “%(source)s” đang được đồng bộ.") % {"source": source})
    try:
        return _run(
            source,
            user=user,
            dry_run=dry_run,
            force=force,
            snapshot=snapshot,
            format=format,
            trigger=trigger,
            today=today or today_in_vietnam(),
            progress=progress,
        )
    finally:
        cache.delete(lock_key)


def _run(
    source: RegistrySource,
    *,
    user: Any,
    dry_run: bool,
    force: bool,
    snapshot: bool,
    format: str | None,
    trigger: str,
    today: datetime.date,
    progress: ProgressFactory | None,
) -> SyncRun:
    started = time.monotonic()
    run = SyncRun.objects.create(
        source=source,
        dry_run=dry_run,
        snapshot=snapshot,
        forced=force,
        triggered_by=user if getattr(user, "pk", None) else None,
        trigger=trigger,
    )
    kind_format = None if source.kind == RegistrySource.Kind.HTTP else source.kind
    try:
        reader = open_source(
            source.location, format=format or kind_format, has_default_province=source.province_id is not None
        )
        fetched = reader.fetch(etag="" if dry_run else source.etag)
    except SourceError as exc:
        _finish(run, SyncRun.Status.FAILED, started, message=str(exc))
        raise DomainError(exc.code, str(exc), field="source")
    if fetched.not_modified:
        return _finish(run, SyncRun.Status.NOT_MODIFIED, started, message="304 Not Modified")

    parsed = parse(fetched.rows, Reference.load(default_province_id=source.province_id))
    run.rows_read = parsed.rows_read
    update: Callable[[int], Any] | None = progress(len(parsed.records)) if progress else None
    now = timezone.now()
    try:
        with transaction.atomic():
            try:
                RegistrySource.objects.select_for_update(nowait=True, no_key=True).filter(pk=source.pk).first()
            except DatabaseError:
                raise DomainError("SYNC_IN_PROGRESS", _("Nguồn “%(source)s” đang được đồng bộ.") % {"source": source})
            outcome = Applier(
                parsed.records,
                today=today,
                now=now,
                snapshot=snapshot,
                scope_province_ids=[source.province_id] if source.province_id else [],
                progress=update,
            ).run()
            if snapshot and not force:
                _guard(outcome)
            if dry_run:
                transaction.set_rollback(True)
    except _Refused as exc:
        _record_issues(run, parsed.issues)
        _finish(run, SyncRun.Status.REFUSED, started, message=exc.message)
        raise DomainError("DELIST_GUARD", exc.message)
    except DomainError as exc:
        _finish(run, SyncRun.Status.FAILED, started, message=exc.message)
        raise
    except Exception as exc:
        _finish(run, SyncRun.Status.FAILED, started, message=f"{type(exc).__name__}: {exc}")
        raise DomainError(
            "SYNC_FAILED", f"Đồng bộ lỗi, danh mục giữ nguyên / The sync crashed, catalog unchanged: {exc}"
        ) from exc

    run.created, run.updated, run.unchanged = outcome.created, outcome.updated, outcome.unchanged
    run.delisted = outcome.delisted
    run.errors = len({issue.row_number for issue in parsed.issues})
    _record_issues(run, parsed.issues)
    if not dry_run and fetched.etag != source.etag:
        source.etag = fetched.etag
        source.save(update_fields=["etag", "updated_at"])
    message = f"absent={outcome.absent_marked}" if snapshot else ""
    run.changes = outcome.changes  # type: ignore[attr-defined] - the diff, for the caller to show (not stored)
    return _finish(run, SyncRun.Status.DRY_RUN if dry_run else SyncRun.Status.APPLIED, started, message=message)


def _record_issues(run: SyncRun, issues: list) -> None:
    run.errors = len({issue.row_number for issue in issues})
    QuarantinedRow.objects.bulk_create(
        [
            QuarantinedRow(
                run=run,
                row_number=issue.row_number,
                column=issue.column,
                code=issue.code,
                raw=issue.raw,
                message_vi=issue.message_vi,
                message_en=issue.message_en,
            )
            for issue in issues
        ],
        batch_size=1000,
    )


def run_source(*, source_id: int, user: Any = None, trigger: str = "schedule", **options: Any) -> SyncRun:
    source = RegistrySource.objects.get(pk=source_id)
    if not source.enabled and trigger == "schedule":
        raise DomainError("SOURCE_DISABLED", _("Nguồn “%(source)s” đang tắt.") % {"source": source})
    return run_sync(source=source, user=user, trigger=trigger, **options)


# --- Schedules ---------------------------------------------------------------------------------------
def schedule_source(*, source: RegistrySource) -> PeriodicTask | None:
    """Keep the source's django_celery_beat PeriodicTask in line with its crontab string."""
    fields = source.schedule.split()
    if not fields:
        if source.periodic_task_id:
            task = source.periodic_task
            source.periodic_task = None
            source.save(update_fields=["periodic_task"])
            task.delete()
        return None
    if len(fields) != 5:
        raise DomainError(
            "INVALID_SCHEDULE",
            "Lịch cần 5 trường crontab, ví dụ '30 2 * * *' / A schedule needs 5 crontab fields, e.g. '30 2 * * *'.",
            field="schedule",
        )
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    with transaction.atomic():
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
            timezone=settings.TIME_ZONE,
        )
        task, _created = PeriodicTask.objects.update_or_create(
            name=f"catalog_sync: {source.name}"[:200],
            defaults={
                "task": "catalog_sync.tasks.run_registry_source",
                "crontab": crontab,
                "interval": None,
                "args": f"[{source.pk}]",
                "enabled": source.enabled,
            },
        )
        if source.periodic_task_id != task.pk:
            source.periodic_task = task
            source.save(update_fields=["periodic_task"])
    return task


# --- Expiry --------------------------------------------------------------------------------------------
def expire_and_notify(*, today: datetime.date | None = None) -> dict[str, int]:
    """Daily: mark certifications past valid_until expired; note (once) current ones expiring within 30 days.

    Returns counts; the e-mails are queued after commit (catalog_sync.tasks.send_expiry_notice).
    """
    today = today or today_in_vietnam()
    horizon = today + datetime.timedelta(days=settings.REGISTRY_EXPIRY_NOTICE_DAYS)
    with transaction.atomic():
        expired = Certification.objects.filter(status=Certification.Status.ACTIVE, valid_until__lte=today).update(
            status=Certification.Status.EXPIRED, updated_at=timezone.now()
        )
        current_ids = Product.objects.filter(current_certification__isnull=False).values("current_certification_id")
        due = (
            Certification.objects.filter(
                pk__in=current_ids,
                status=Certification.Status.ACTIVE,
                valid_until__gt=today,
                valid_until__lte=horizon,
                expiry_notice__isnull=True,
            )
            .select_related("product")
            .order_by("pk")
        )
        notices = [
            ExpiryNotice(certification=cert, producer_id=cert.product.producer_id, valid_until=cert.valid_until)
            for cert in due
        ]
        ExpiryNotice.objects.bulk_create(notices, ignore_conflicts=True)
        created = list(ExpiryNotice.objects.filter(certification__in=[n.certification for n in notices]))

        def queue() -> None:
            from .tasks import send_expiry_notice

            for notice in created:
                send_expiry_notice.delay(notice.pk)

        transaction.on_commit(queue)
    return {"expired": expired, "notified": len(created)}


def send_expiry_email(*, notice_id: int) -> bool:
    """Send one notice's e-mail unless it was sent already. Returns whether an e-mail went out."""
    from django.core.mail import send_mail

    with transaction.atomic():
        notice = (
            ExpiryNotice.objects.select_for_update()
            .select_related("certification__product", "producer")
            .filter(pk=notice_id)
            .first()
        )
        if notice is None or notice.emailed_at is not None:
            return False
        producer = notice.producer
        recipients = sorted(
            {producer.email, *producer.staff.values_list("user__email", flat=True)} - {"", None}  # type: ignore[arg-type]
        )
        cert = notice.certification
        if recipients:
            date = notice.valid_until.strftime("%d/%m/%Y")
            send_mail(
                subject=f"[OCOP] Chứng nhận {cert.product.name} hết hạn ngày {date}",
                message=(
                    f"Kính gửi {producer.name},\n\n"
                    f'Chứng nhận OCOP {cert.stars} sao của sản phẩm "{cert.product.name}" '
                    f"(quyết định {cert.decision_number}) hết hiệu lực ngày {date}. "
                    "Để tiếp tục, vui lòng nộp hồ sơ đánh giá lại trước ngày hết hạn; sau ngày đó sản phẩm "
                    "sẽ tạm ngừng hiển thị trên Chợ OCOP.\n\n"
                    f'---\nThe OCOP certificate of "{cert.product.name}" ({cert.decision_number}) expires on '
                    f"{date}. File for re-evaluation before then; after that date the product is no longer listed."
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
        notice.recipients = ", ".join(recipients)
        notice.emailed_at = timezone.now()
        notice.save(update_fields=["recipients", "emailed_at"])
    return bool(recipients)
