"""The key sync tests again on PostgreSQL, plus the row lock between two connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from catalog_sync import services
from catalog_sync.fixtures import SAMPLE_CSV
from marketplace.core.errors import DomainError

from . import test_sync
from .helpers import TODAY, counts

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

test_three_shapes_give_the_same_catalog_pg = test_sync.test_three_shapes_give_the_same_catalog
test_readme_cases_pg = test_sync.test_readme_cases
test_rerun_writes_zero_rows_pg = test_sync.test_rerun_writes_zero_rows
test_dry_run_writes_nothing_pg = test_sync.test_dry_run_writes_nothing
test_snapshot_guard_pg = test_sync.test_snapshot_marks_absent_products_and_guard_refuses_too_many
test_crash_leaves_catalog_unchanged_pg = (
    test_sync.test_crash_mid_run_leaves_the_catalog_unchanged_and_the_next_run_converges
)


@pytest.mark.django_db(transaction=True)
def test_source_row_lock_refuses_an_interleaving_run():
    assert connection.vendor == "postgresql"
    source = services.source_for_location(str(SAMPLE_CSV))
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        try:
            with transaction.atomic():
                type(source).objects.select_for_update(no_key=True).get(pk=source.pk)  # as a running sync holds it
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(10)
        with pytest.raises(DomainError) as info:
            services.run_sync(source=source, today=TODAY)
        assert info.value.code == "SYNC_IN_PROGRESS"
        assert counts() == (0, 0, 0)
    finally:
        release.set()
        holder.join()
    assert services.run_sync(source=source, today=TODAY).created == 24
