"""Retire cached lot pages when what they show changes outside traceability's own services (admin, registry sync)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from marketplace.catalog.models import Certification, Product, ProductVariant
from marketplace.producers.models import Producer
from traceability import services
from traceability.models import Lot, SerialUnit, TraceEvent


def _products_changed(product_ids: list[int]) -> None:
    services.after_write(lambda: services.invalidate_lots_of_products(product_ids))


def on_certification(sender: Any, instance: Certification, **kwargs: Any) -> None:
    _products_changed([instance.product_id])


def on_product(sender: Any, instance: Product, **kwargs: Any) -> None:
    _products_changed([instance.pk])


def on_variant(sender: Any, instance: ProductVariant, **kwargs: Any) -> None:
    _products_changed([instance.product_id])


def on_producer(sender: Any, instance: Producer, **kwargs: Any) -> None:
    ids = list(Product.objects.filter(producer=instance).values_list("pk", flat=True))
    if ids:
        _products_changed(ids)


def on_lot(sender: Any, instance: Lot, **kwargs: Any) -> None:
    pair = (instance.variant.gtin, instance.code)
    services.after_write(lambda: services.trace_cache.invalidate([pair]))


def on_event(sender: Any, instance: TraceEvent, **kwargs: Any) -> None:
    lots = list(Lot.objects.filter(event_links__event_id=instance.pk).select_related("variant"))
    if lots:
        services.after_write(lambda: services.invalidate_lots(lots))


def on_serial(sender: Any, instance: SerialUnit, **kwargs: Any) -> None:
    pair = (instance.variant.gtin, instance.lot.code)
    services.after_write(lambda: services.trace_cache.invalidate([pair]))


def connect() -> None:
    for model, handler in (
        (Certification, on_certification),
        (Product, on_product),
        (ProductVariant, on_variant),
        (Producer, on_producer),
        (Lot, on_lot),
        (SerialUnit, on_serial),
    ):
        post_save.connect(handler, sender=model, dispatch_uid=f"traceability-{model.__name__}-save")
        post_delete.connect(handler, sender=model, dispatch_uid=f"traceability-{model.__name__}-delete")
    post_save.connect(on_event, sender=TraceEvent, dispatch_uid="traceability-event-save")
