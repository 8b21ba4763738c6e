"""Applying parsed registry records to the catalog (the registry-owned writes of catalog_sync, in one module).

Reads every existing row it may touch into memory first (one query per table, chunked only for very long
IN lists), compares, and writes only what differs with bulk operations. Registry-owned fields follow the
registry; producer-owned fields (description, media, prices, stock, variants, is_published, story, contact)
are never written here. The caller wraps `Applier.run()` in one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from marketplace.catalog.models import Certification, Product, ProductSet
from marketplace.catalog.selectors import listed_products
from marketplace.catalog.services import build_search_document
from marketplace.core.text import slugify_vi
from marketplace.geo.models import Commune, Province
from marketplace.producers.models import Producer

from .parsing import Record, fold

ACTIVE = Certification.Status.ACTIVE
SUPERSEDED = Certification.Status.SUPERSEDED
EXPIRED = Certification.Status.EXPIRED
BATCH = 1000
PRODUCER_FIELDS = (
    "name",
    "name_folded",
    "kind",
    "tax_code",
    "province_id",
    "commune_id",
    "commune_text",
    "legacy_district",
    "street_address",
)
CERT_FIELDS = ("registry_code", "stars", "level", "decision_date", "valid_until", "status")
COMMUNE_PREFIXES = ("xa ", "phuong ", "dac khu ", "thi tran ")


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    delisted: int = 0
    listed_before: dict[int, int] = field(default_factory=dict)  # province id → listed products before the run
    delisted_by_province: dict[int, int] = field(default_factory=dict)
    absent_marked: int = 0
    changes: list[str] = field(default_factory=list)  # the diff, one line per product: "+ key name", "~ …", "- …"


def chunk_size() -> int:
    return connection.features.max_query_params or 20_000


def chunked_filter(queryset: Any, field_name: str, values: Iterable[Any]) -> list[Any]:
    values = list(values)
    out: list[Any] = []
    size = max(1, chunk_size() - 10)
    for start in range(0, len(values), size):
        out.extend(queryset.filter(**{f"{field_name}__in": values[start : start + size]}))
    return out


def update_from_values(model: Any, column: str, pairs: list[tuple[int, Any]]) -> None:
    """One UPDATE … FROM (VALUES …) per batch: much cheaper than bulk_update's CASE WHEN on big batches.

    Works on PostgreSQL and SQLite ≥ 3.33 (both name VALUES columns column1, column2).
    """
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(column)
    size = min(BATCH * 5, max(1, (connection.features.max_query_params or 60_000) // 2 - 10))
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), size):
            batch = pairs[start : start + size]
            values = ", ".join(["(%s, %s)"] * len(batch))
            params = [value for pair in batch for value in pair]
            cursor.execute(
                f"UPDATE {table} SET {column} = v.column2 FROM (VALUES {values}) AS v "  # noqa: S608 - names quoted
                f"WHERE {table}.id = v.column1",
                params,
            )


def derived_key(province_folded: str, producer_name: str, product_name: str) -> str:
    """The identity of a product without a registry code: folded province + producer + product name."""
    basis = "|".join((province_folded, fold(producer_name), fold(product_name)))
    return "auto-" + hashlib.sha256(basis.encode()).hexdigest()[:40]


def commune_key(text: str) -> str:
    folded = fold(text)
    for prefix in COMMUNE_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


class SlugPool:
    """Unique slugs for a model, with the existing ones read once (only when something new needs one)."""

    def __init__(self, model: Any, max_length: int) -> None:
        self.model, self.max_length = model, max_length
        self.taken: set[str] | None = None
        self.counters: dict[str, int] = {}

    def take(self, text: str) -> str:
        if self.taken is None:
            self.taken = set(self.model.objects.values_list("slug", flat=True))
        base = slugify_vi(text, max_length=self.max_length - 8)
        slug, n = base, self.counters.get(base, 1)
        while slug in self.taken:
            n += 1
            slug = f"{base}-{n}"
        self.counters[base] = n
        self.taken.add(slug)
        return slug


class Applier:
    def __init__(
        self,
        records: list[Record],
        *,
        today: datetime.date,
        now: datetime.datetime,
        snapshot: bool = False,
        scope_province_ids: Iterable[int] = (),
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.records = records
        self.today, self.now = today, now
        self.snapshot = snapshot
        self.provinces = {r.province_id for r in records} | set(scope_province_ids)
        self.snapshot_provinces = set(scope_province_ids) or {r.province_id for r in records}
        self.progress = progress or (lambda n: None)

    # --- reading -------------------------------------------------------------------------------------
    def _listed(self, province_ids: set[int]) -> dict[int, int]:
        rows = listed_products(today=self.today).filter(producer__province_id__in=province_ids)
        return dict(rows.order_by().values_list("pk", "producer__province_id"))

    def _load(self, keys: set[str]) -> None:
        self.province_objs = {p.pk: p for p in Province.objects.all()}
        self.sets = {s.pk: s for s in ProductSet.objects.all()}
        self.communes: dict[tuple[int, str], Commune] = {}
        self.commune_objs: dict[int, Commune] = {}
        for commune in Commune.objects.filter(province_id__in=self.provinces):
            self.communes.setdefault((commune.province_id, commune.name_folded), commune)
            self.commune_objs[commune.pk] = commune

        taxes = {r.tax_code for r in self.records if r.tax_code}
        producers = {
            p.pk: p for p in Producer.objects.filter(province_id__in=self.provinces).select_related("province")
        }
        missing_taxes = taxes - {p.tax_code for p in producers.values()}
        for p in chunked_filter(Producer.objects.select_related("province"), "tax_code", missing_taxes):
            producers[p.pk] = p

        products = {
            p.registry_key: p
            for p in Product.objects.filter(producer__province_id__in=self.provinces).defer("description")
        }
        for p in chunked_filter(Product.objects.defer("description"), "registry_key", keys - products.keys()):
            products[p.registry_key] = p
        other = {p.producer_id for p in products.values()} - producers.keys()
        for p in chunked_filter(Producer.objects.select_related("province"), "pk", other):
            producers[p.pk] = p
        self.products = products
        self.producers = producers
        self.by_tax = {p.tax_code: p for p in producers.values() if p.tax_code}
        self.by_name: dict[tuple[str, int], list[Producer]] = defaultdict(list)
        for p in sorted(producers.values(), key=lambda p: p.pk):
            self.by_name[(p.name_folded, p.province_id)].append(p)

        self.certs: dict[int, dict[str, Certification]] = defaultdict(dict)
        product_ids = [p.pk for p in products.values()]
        for cert in chunked_filter(Certification.objects.all(), "product_id", product_ids):
            self.certs[cert.product_id][cert.decision_number] = cert

    # --- deciding ------------------------------------------------------------------------------------
    def _key(self, record: Record) -> str:
        if record.registry_code:
            return record.registry_code
        province = self.province_folded.get(record.province_id, str(record.province_id))
        return derived_key(province, record.producer_name, record.product_name)

    def _resolve_producer(self, rows: list[Record], existing: Product | None) -> Producer:
        latest = rows[-1]
        tax = next((r.tax_code for r in reversed(rows) if r.tax_code), "")
        name_key = (fold(latest.producer_name), latest.province_id)
        if tax:
            producer = self.by_tax.get(tax)
            if producer is None:
                # A producer recorded earlier without a tax code is adopted by name + province.
                producer = next((p for p in self.by_name.get(name_key, []) if not p.tax_code), None)
                if producer is not None:
                    self.by_tax[tax] = producer
        else:
            producer = None
            if existing is not None:
                current = self.producers.get(existing.producer_id)
                if current is not None and (current.name_folded, current.province_id) == name_key:
                    producer = current
            if producer is None:
                candidates = self.by_name.get(name_key, [])
                producer = candidates[0] if candidates else None
        if producer is None:
            producer = Producer(
                name=latest.producer_name,
                name_folded=name_key[0],
                kind=latest.producer_kind,
                tax_code=tax or None,
                province=self.province_objs[latest.province_id],
            )
            self.new_producers.append(producer)
            self.by_name[name_key].append(producer)
            if tax:
                self.by_tax[tax] = producer
        return producer

    def _producer_changes(self, producer: Producer, row: Record, tax: str) -> bool:
        commune = self.communes.get((row.province_id, commune_key(row.commune))) if row.commune else None
        wanted: dict[str, Any] = {
            "name": row.producer_name,
            "name_folded": fold(row.producer_name),
            "kind": row.producer_kind,
            "province_id": row.province_id,
        }
        if tax and not producer.tax_code and self.by_tax.get(tax) in (None, producer):
            wanted["tax_code"] = tax
        if row.commune:
            wanted["commune_text"] = row.commune
            wanted["commune_id"] = commune.pk if commune else None
            if producer.commune_id != wanted["commune_id"]:
                producer.commune = commune
        if row.legacy_district:
            wanted["legacy_district"] = row.legacy_district
        if row.address:
            wanted["street_address"] = row.address
        changed = False
        for name, value in wanted.items():
            if getattr(producer, name) != value:
                setattr(producer, name, value)
                self.producer_fields.add(name)
                changed = True
        if "province_id" in wanted:
            producer.province = self.province_objs[row.province_id]
        if producer.commune_id:
            producer.commune = self.commune_objs.get(producer.commune_id) or producer.commune
        return changed

    def _certification_plan(self, product_key: str, rows: list[Record], existing: Product | None) -> bool:
        """Decide this product's certifications; returns whether any of them changes."""
        old = self.certs.get(existing.pk, {}) if existing is not None else {}
        wanted: dict[str, tuple[Record, int]] = {}
        for order, row in enumerate(rows):
            wanted[row.decision_number] = (row, order)
        # The latest decision is current: by decision date, then (file) row order, then existing pk.
        candidates: list[tuple[datetime.date, int, int, str]] = []
        for number, (row, order) in wanted.items():
            candidates.append((row.decision_date, 1, order, number))
        for number, cert in old.items():
            if number not in wanted:
                candidates.append((cert.decision_date, 0, cert.pk, number))
        current_number = max(candidates)[3]
        changed = False
        certs: dict[str, Certification] = {}
        for number, (row, _order) in wanted.items():
            status = row.status
            if status == ACTIVE:
                if number != current_number:
                    status = SUPERSEDED
                elif row.valid_until <= self.today:
                    status = EXPIRED
            values = {
                "registry_code": row.registry_code,
                "stars": row.stars,
                "level": row.level,
                "decision_date": row.decision_date,
                "valid_until": row.valid_until,
                "status": status,
            }
            cert = old.get(number)
            if cert is None:
                cert = Certification(decision_number=number, **values)
                self.new_certs.append((product_key, cert))
                changed = True
            else:
                diff = [name for name, value in values.items() if getattr(cert, name) != value]
                if diff:
                    for name in diff:
                        setattr(cert, name, values[name])
                    self.changed_certs.append(cert)
                    changed = True
            certs[number] = cert
        for number, cert in old.items():
            if number not in wanted and number != current_number and cert.status == ACTIVE:
                cert.status = SUPERSEDED
                self.changed_certs.append(cert)
                changed = True
            certs.setdefault(number, cert)
        self.current[product_key] = certs[current_number]
        if existing is not None and certs[current_number].pk != existing.current_certification_id:
            changed = True
        return changed

    def run(self) -> Outcome:
        outcome = Outcome()
        self.province_folded = dict(Province.objects.values_list("pk", "name_folded"))
        groups: dict[str, list[Record]] = {}
        for record in self.records:
            groups.setdefault(self._key(record), []).append(record)
        for rows in groups.values():
            rows.sort(key=lambda r: (r.decision_date, r.row_number))

        listed_before = self._listed(self.provinces)
        self.run_keys = set(groups)
        self._load(self.run_keys)

        self.new_producers: list[Producer] = []
        self.producer_fields: set[str] = set()
        self.new_products: list[Product] = []
        self.changed_products: list[Product] = []
        self.product_fields: set[str] = set()
        self.new_certs: list[tuple[str, Certification]] = []
        self.changed_certs: list[Certification] = []
        self.current: dict[str, Certification] = {}

        # 1. Producers: identity per product group, then each producer's fields from its latest row.
        producer_of: dict[str, Producer] = {}
        best_row: dict[int, tuple[Record, str]] = {}
        for key, rows in groups.items():
            producer = self._resolve_producer(rows, self.products.get(key))
            producer_of[key] = producer
            tax = next((r.tax_code for r in reversed(rows) if r.tax_code), "")
            latest = rows[-1]
            known = best_row.get(id(producer))
            if known is None or (latest.decision_date, latest.row_number) > (
                known[0].decision_date,
                known[0].row_number,
            ):
                best_row[id(producer)] = (latest, tax or (known[1] if known else ""))
        new_ids = {id(p) for p in self.new_producers}
        changed_producers: list[Producer] = []
        seen: set[int] = set()
        for producer in producer_of.values():
            if id(producer) in seen:
                continue
            seen.add(id(producer))
            row, tax = best_row[id(producer)]
            if self._producer_changes(producer, row, tax) and id(producer) not in new_ids:
                changed_producers.append(producer)
        changed_producer_ids = {id(p) for p in changed_producers}

        # 2. Products and their certifications.
        touched = 0  # records since the last progress report
        for key, rows in groups.items():
            latest = rows[-1]
            producer = producer_of[key]
            product = self.products.get(key)
            changed = self._certification_plan(key, rows, product)
            if product is None:
                product = Product(
                    registry_key=key,
                    name=latest.product_name,
                    product_set=self.sets[latest.product_set_id],
                    producer=producer,
                    is_published=True,
                )
                self.new_products.append(product)
                self.products[key] = product
                outcome.created += 1
                current = self.current[key]
                outcome.changes.append(f"+ {key} {latest.product_name} ({current.stars}★ {current.decision_number})")
            else:
                wanted = {"name": latest.product_name, "product_set_id": latest.product_set_id}
                diff = [name for name, value in wanted.items() if getattr(product, name) != value]
                if product.producer_id != producer.pk or producer.pk is None:
                    diff.append("producer")
                if product.registry_absent_since is not None:
                    diff.append("registry_absent_since")
                for name in diff:
                    if name == "producer":
                        product.producer = producer
                    elif name == "registry_absent_since":
                        product.registry_absent_since = None
                    else:
                        setattr(product, name, wanted[name])
                if diff or id(producer) in changed_producer_ids:
                    product.producer = producer
                    product.product_set = self.sets[product.product_set_id]
                    self.product_fields.update(diff)
                    self.changed_products.append(product)
                if diff or changed or id(producer) in changed_producer_ids:
                    outcome.updated += 1
                    current = self.current[key]
                    what = ", ".join(diff) or ("certification" if changed else "producer")
                    outcome.changes.append(
                        f"~ {key} {latest.product_name} ({current.stars}★ {current.decision_number}; {what})"
                    )
                else:
                    outcome.unchanged += 1
            touched += len(rows)
            if touched >= 500:
                self.progress(touched)
                touched = 0
        self.progress(touched)

        # 3. Writes, in dependency order.
        self._write_producers(changed_producers)
        self._write_products()
        self._write_certifications()
        self._write_current()
        if self.snapshot:
            outcome.absent_marked = self._mark_absent(set(groups))

        listed_after = self._listed(self.provinces)
        outcome.listed_before = defaultdict(int)
        for province_id in listed_before.values():
            outcome.listed_before[province_id] += 1
        names = {p.pk: (k, p.name) for k, p in self.products.items()}
        for pk, province_id in listed_before.items():
            if pk not in listed_after:
                key, name = names.get(pk, (str(pk), ""))
                outcome.changes.append(f"- {key} {name} (delisted)")
                outcome.delisted += 1
                outcome.delisted_by_province[province_id] = outcome.delisted_by_province.get(province_id, 0) + 1
        return outcome

    # --- writing -------------------------------------------------------------------------------------
    def _write_producers(self, changed: list[Producer]) -> None:
        if self.new_producers:
            slugs = SlugPool(Producer, 120)
            for producer in self.new_producers:
                producer.slug = slugs.take(producer.name)
                producer.province_id = producer.province.pk
            Producer.objects.bulk_create(self.new_producers, batch_size=BATCH)
        if changed:
            for producer in changed:
                producer.updated_at = self.now
            fields = sorted({*self.producer_fields, "updated_at"})
            Producer.objects.bulk_update(changed, fields, batch_size=BATCH)
            self._refresh_documents_of(changed)

    def _refresh_documents_of(self, producers: list[Producer]) -> None:
        """A producer's name or commune is in the search text of all its products, listed in this file or not."""
        by_id = {p.pk: p for p in producers}
        for product in Product.objects.filter(producer_id__in=by_id).select_related("product_set"):
            if product.registry_key in self.run_keys:
                continue  # written with its own changes below
            product.producer = by_id[product.producer_id]
            document = build_search_document(product)
            if document != product.search_document:
                Product.objects.filter(pk=product.pk).update(search_document=document)

    def _write_products(self) -> None:
        if self.new_products:
            slugs = SlugPool(Product, 160)
            for product in self.new_products:
                product.producer = product.producer  # sets producer_id now that it exists; keeps the cache
                product.slug = slugs.take(product.name)
                product.search_document = build_search_document(product)
            Product.objects.bulk_create(self.new_products, batch_size=BATCH)
        if self.changed_products:
            fields = {"updated_at"}
            for product in self.changed_products:
                product.producer = product.producer
                product.updated_at = self.now
                document = build_search_document(product)
                if document != product.search_document:
                    product.search_document = document
                    fields.add("search_document")
            fields.update("producer_id" if f == "producer" else f for f in self.product_fields)
            Product.objects.bulk_update(self.changed_products, sorted(fields), batch_size=BATCH)

    def _write_certifications(self) -> None:
        if self.new_certs:
            for key, cert in self.new_certs:
                cert.product_id = self.products[key].pk
            Certification.objects.bulk_create([c for _, c in self.new_certs], batch_size=BATCH)
        if self.changed_certs:
            unique = list({id(c): c for c in self.changed_certs}.values())
            for cert in unique:
                cert.updated_at = self.now
            Certification.objects.bulk_update(unique, [*CERT_FIELDS, "updated_at"], batch_size=BATCH)

    def _write_current(self) -> None:
        changed = []
        for key, cert in self.current.items():
            product = self.products[key]
            if product.current_certification_id != cert.pk:
                product.current_certification_id = cert.pk
                changed.append(product)
        if changed:
            update_from_values(
                Product, "current_certification_id", [(p.pk, p.current_certification_id) for p in changed]
            )

    def _mark_absent(self, present: set[str]) -> int:
        candidates = Product.objects.filter(
            producer__province_id__in=self.snapshot_provinces, registry_absent_since__isnull=True
        ).values_list("pk", "registry_key")
        ids = [pk for pk, key in candidates if key not in present]
        size = max(1, chunk_size() - 10)
        for start in range(0, len(ids), size):
            Product.objects.filter(pk__in=ids[start : start + size]).update(
                registry_absent_since=self.now, updated_at=self.now
            )
        return len(ids)
