"""Applying the Thanh Hóa sample: same catalog from every shape, the README cases, re-runs, guard, lock, crash."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.cache import cache

from catalog_sync import apply as apply_module
from catalog_sync.fixtures import SAMPLE_CSV
from catalog_sync.models import QuarantinedRow, SyncRun
from marketplace.catalog.models import Certification, Product
from marketplace.catalog.selectors import is_listed, listed_products
from marketplace.core.errors import DomainError
from tests.factories import VariantFactory

from .helpers import SAMPLES, TODAY, WriteCounter, catalog_picture, counts, sync

pytestmark = pytest.mark.django_db


def product(key: str) -> Product:
    return Product.objects.select_related("current_certification").get(registry_key=key)


def test_three_shapes_give_the_same_catalog():
    pictures = {}
    for fmt, path in SAMPLES.items():
        Certification.objects.all().delete()
        Product.objects.update(current_certification=None)
        Product.objects.all().delete()
        run = sync(path)
        assert (run.created, run.errors) == (24, 1), fmt
        pictures[fmt] = catalog_picture()
    assert pictures["csv"] == pictures["xlsx"] == pictures["json"]


def test_each_shape_after_another_changes_nothing():
    sync(SAMPLES["csv"])
    for fmt in ("xlsx", "json"):
        run = sync(SAMPLES[fmt])
        assert (run.created, run.updated, run.unchanged, run.errors) == (0, 0, 24, 1), fmt


def test_readme_cases():
    run = sync(SAMPLE_CSV)
    assert run.status == SyncRun.Status.APPLIED
    assert (run.created, run.updated, run.delisted, run.errors) == (24, 0, 0, 1)

    # Recognised again in 2024: the later decision is current, the earlier one stays as history.
    nest = product("38-HL-0003")
    assert nest.current_certification.decision_number == "3305/QĐ-UBND"
    old = nest.certifications.get(decision_number="1114/QĐ-UBND")
    assert old.status == Certification.Status.SUPERSEDED
    assert nest.certifications.count() == 2

    # 3★ → 4★ upgrade shows the new stars.
    sauce = product("38-TX-0007")
    assert sauce.current_certification.stars == 4
    assert listed_products(today=TODAY).filter(pk=sauce.pk).exists()

    # Revoked: recorded, not listed.
    revoked = product("38-HH-0020")
    assert revoked.current_certification.status == Certification.Status.REVOKED
    assert not is_listed(revoked, today=TODAY)

    # 2★: recorded, never listed.
    two = product("38-NC-0021")
    assert two.current_certification.stars == 2
    assert not is_listed(two, today=TODAY)

    # Past 36 months: expired.
    old_cert = product("38-TS-0008").current_certification
    assert old_cert.valid_until == datetime.date(2024, 4, 6)
    assert old_cert.status == Certification.Status.EXPIRED
    assert not is_listed(product("38-TS-0008"), today=TODAY)

    # Explicit "Ngày hết hạn".
    assert product("38-BT-0025").current_certification.valid_until == datetime.date(2026, 11, 10)

    # The bad row (no stars, 31/02/2021) is quarantined; no product for it.
    assert not Product.objects.filter(registry_key="38-BT-0024").exists()
    assert set(run.quarantined.values_list("row_number", "column")) == {(37, "stars"), (37, "decision_date")}

    # Same producer across rows without a tax code; the 2026 decision is listed with the new 2-tier commune.
    assert product("38-HL-0004").producer_id == Product.objects.get(registry_key="38-HL-0004").producer_id
    assert nest.producer.tax_code == "2800000003"
    listed = set(listed_products(today=TODAY).values_list("registry_key", flat=True))
    assert listed == {
        "38-HH-0002", "38-HL-0003", "38-HL-0004", "38-NS-0005", "38-YD-0006", "38-TX-0007", "38-NSN-0009",
        "38-HT-0010", "38-QX-0011", "38-NSN-0012", "38-TX-0013", "38-VL-0014", "38-TX2-0016", "38-HLI-0017",
        "38-LS-0018", "38-QB-0019", "38-DS-0023", "38-BT-0025",
    }  # fmt: skip


def test_quarantine_keeps_raw_values_and_both_languages():
    run = sync(SAMPLE_CSV)
    row = QuarantinedRow.objects.get(run=run, column="decision_date")
    assert row.raw["Tên sản phẩm"] == "Nước mắm Ba Làng"
    assert row.raw["Ngày quyết định"] == "31/02/2021"
    assert "31/02/2021" in row.message_vi and "Ngày quyết định" in row.message_vi
    assert "impossible" in row.message_en
    assert QuarantinedRow.objects.get(run=run, column="stars").code == "REQUIRED"


def test_rerun_writes_zero_rows():
    sync(SAMPLE_CSV)
    before = catalog_picture()
    with WriteCounter() as counter:
        run = sync(SAMPLE_CSV)
    assert counter.writes == []
    assert (run.created, run.updated, run.unchanged) == (0, 0, 24)
    assert catalog_picture() == before


def test_first_import_writes_in_bulk():
    with WriteCounter() as counter:
        sync(SAMPLE_CSV)
    assert 0 < len(counter.writes) <= 10  # producers, products, certifications, current: a few bulk statements


def _edited_csv(tmp_path, edit) -> str:
    rows = list(csv.reader(io.StringIO(SAMPLE_CSV.read_text(encoding="utf-8"))))
    rows = edit(rows)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = tmp_path / "edited.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def test_changes_follow_the_registry_and_leave_producer_fields_alone(tmp_path):
    sync(SAMPLE_CSV)
    nest = product("38-HL-0003")
    Product.objects.filter(pk=nest.pk).update(description="<p>Yến thật</p>")
    variant = VariantFactory(product=nest, price=990_000)

    def edit(rows):
        for row in rows:
            if row[1] == "38-HL-0003" and row[14] == "15/08/2024":
                row[2] = "Tổ yến sào Xứ Thanh"  # renamed in the registry
            if row[1] == "38-QX-0011" and row[14] == "02/10/2024":
                row[16] = "Thu hồi"  # revoked now
        return rows

    run = sync(_edited_csv(tmp_path, edit))
    assert (run.created, run.updated, run.delisted) == (0, 2, 1)
    nest.refresh_from_db()
    assert nest.name == "Tổ yến sào Xứ Thanh"
    assert "xu thanh" in nest.search_document
    assert nest.description == "<p>Yến thật</p>"
    variant.refresh_from_db()
    assert variant.price == 990_000
    assert not is_listed(product("38-QX-0011"), today=TODAY)


def test_downgrade_below_three_stars_delists(tmp_path):
    sync(SAMPLE_CSV)

    def edit(rows):
        rows.append(["99", "38-TX-0007", "Tương Xuân Pha", "Hộ kinh doanh Đỗ Xuân Dũng", "Hộ kinh doanh", "", "",
                     "Xã Xuân Lập", "Thọ Xuân", "Thanh Hóa", "9", "2", "Tỉnh", "10/QĐ-UBND", "01/06/2026", "",
                     "Còn hiệu lực"])  # fmt: skip
        return rows

    run = sync(_edited_csv(tmp_path, edit))
    assert run.delisted == 1
    sauce = product("38-TX-0007")
    assert sauce.current_certification.stars == 2
    assert sauce.certifications.get(decision_number="3305/QĐ-UBND").status == Certification.Status.SUPERSEDED
    assert not is_listed(sauce, today=TODAY)


def test_dry_run_writes_nothing():
    with WriteCounter() as counter:
        run = sync(SAMPLE_CSV, dry_run=True)
    assert run.status == SyncRun.Status.DRY_RUN
    assert (run.created, run.errors) == (24, 1)  # the same diff as a real run
    assert counts() == (0, 0, 0)
    # Writes inside the rolled-back transaction only: nothing is left.
    assert counter.writes
    assert Product.objects.count() == 0


def _only_rows(tmp_path, keep) -> str:
    return _edited_csv(tmp_path, lambda rows: [rows[0], *[r for r in rows[1:] if r[1] in keep]])


def test_snapshot_marks_absent_products_and_guard_refuses_too_many(tmp_path):
    sync(SAMPLE_CSV)
    listed_before = listed_products(today=TODAY).count()
    assert listed_before == 18
    keep = set(listed_products(today=TODAY).values_list("registry_key", flat=True)) - {"38-HH-0002", "38-HL-0003"}
    # 2 of 18 listed (11 %) would leave: refused, nothing changes.
    with pytest.raises(DomainError) as info:
        sync(_only_rows(tmp_path, keep), snapshot=True)
    assert info.value.code == "DELIST_GUARD"
    assert "Thanh Hóa" in info.value.message and "2/18" in info.value.message
    assert SyncRun.objects.latest("pk").status == SyncRun.Status.REFUSED
    assert listed_products(today=TODAY).count() == 18
    assert not Product.objects.filter(registry_absent_since__isnull=False).exists()

    # Forced: applied, the absent ones are marked and delisted.
    run = sync(_only_rows(tmp_path, keep), snapshot=True, force=True)
    assert run.delisted == 2
    assert set(Product.objects.filter(registry_absent_since__isnull=False).values_list("registry_key", flat=True)) >= {
        "38-HH-0002",
        "38-HL-0003",
    }
    assert listed_products(today=TODAY).count() == 16

    # Back in the next snapshot: listed again.
    run = sync(SAMPLE_CSV, snapshot=True)
    assert listed_products(today=TODAY).count() == 18


def test_snapshot_within_the_limit_applies(tmp_path, settings):
    settings.REGISTRY_SYNC_MAX_DELIST_RATIO = 0.2
    sync(SAMPLE_CSV)
    keep = set(listed_products(today=TODAY).values_list("registry_key", flat=True)) - {"38-HH-0002"}
    run = sync(_only_rows(tmp_path, keep), snapshot=True)
    assert run.status == SyncRun.Status.APPLIED and run.delisted == 1


def test_lock_refuses_a_second_run_of_the_same_source():
    from catalog_sync.services import source_for_location

    source = source_for_location(str(SAMPLE_CSV))
    cache.add(f"catalog_sync:lock:{source.pk}", "busy", 60)
    with pytest.raises(DomainError) as info:
        sync(SAMPLE_CSV)
    assert info.value.code == "SYNC_IN_PROGRESS"
    assert counts() == (0, 0, 0)
    cache.delete(f"catalog_sync:lock:{source.pk}")
    assert sync(SAMPLE_CSV).created == 24


def test_crash_mid_run_leaves_the_catalog_unchanged_and_the_next_run_converges(monkeypatch, tmp_path):
    sync(_only_rows(tmp_path, {"38-HH-0001", "38-HL-0003"}))
    before = catalog_picture()

    def boom(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(apply_module.Applier, "_write_current", boom)  # after producers/products/certs were written
    with pytest.raises(DomainError) as info:
        sync(SAMPLE_CSV)
    assert info.value.code == "SYNC_FAILED"
    assert catalog_picture() == before
    assert SyncRun.objects.latest("pk").status == SyncRun.Status.FAILED
    monkeypatch.undo()

    sync(SAMPLE_CSV)
    fresh = catalog_picture()
    Certification.objects.all().delete()
    Product.objects.all().delete()
    sync(SAMPLE_CSV)
    assert [row[:2] + row[4:] for row in catalog_picture()] == [row[:2] + row[4:] for row in fresh]


def test_nfd_text_and_stray_whitespace_change_nothing(tmp_path):
    import unicodedata

    sync(SAMPLE_CSV)
    text = SAMPLE_CSV.read_text(encoding="utf-8")
    messy = unicodedata.normalize("NFD", text.replace(",Thanh Hóa,", ",  Thanh   Hóa ,").replace("3 sao", " 3★ "))
    assert messy != text
    path = tmp_path / "messy.csv"
    path.write_text(messy, encoding="utf-8")
    with WriteCounter() as counter:
        run = sync(path)
    assert counter.writes == []
    assert (run.created, run.updated, run.unchanged, run.errors) == (0, 0, 24, 1)


def test_pre_2025_province_and_derived_key_without_registry_code(tmp_path):
    header = SAMPLE_CSV.read_text(encoding="utf-8").splitlines()[0]
    row = ",,Gạo nếp cái hoa vàng,HTX Nông nghiệp Hà Nam,HTX,,,Xã Thanh Liêm,Thanh Liêm,Hà Nam,3,4 sao,Tỉnh,12/QĐ-UBND,01/03/2025,,Còn hiệu lực"
    path = tmp_path / "hanam.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    assert sync(path).created == 1
    rice = Product.objects.select_related("producer__province").get()
    assert rice.producer.province.codename == "ninh_binh"
    assert rice.registry_key.startswith("auto-")
    assert sync(path).unchanged == 1  # the derived key is stable
