"""The catalog demo loader: harmless without products; idempotent; prices, stock and an image per product."""

from __future__ import annotations

import pytest
from PIL import Image

from marketplace.catalog.demo import load_catalog_extras
from marketplace.demo.registry import LOADERS
from marketplace.inventory.demo import load_inventory_demo
from marketplace.inventory.selectors import available_quantities
from tests.factories import ListedProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_registered_and_harmless_without_products() -> None:
    assert load_catalog_extras in LOADERS
    lines: list[str] = []
    load_catalog_extras(lines.append)
    assert "nothing to do" in lines[0]


def test_adds_variants_stock_story_and_image_once() -> None:
    product = ListedProductFactory(name="Nước mắm cốt Hoằng Phụ", variant=False)
    lines: list[str] = []
    load_catalog_extras(lines.append)
    load_inventory_demo(lines.append)
    variants = list(product.variants.all())
    assert 1 <= len(variants) <= 2
    assert all(v.price >= 1_000 and v.price % 1_000 == 0 for v in variants)
    assert all(qty > 0 for qty in available_quantities([v.pk for v in variants]).values())
    product.producer.refresh_from_db()
    assert product.producer.story.startswith("<p>")
    media = product.media.get()
    with media.image.open("rb") as f:
        image = Image.open(f)
        assert image.format == "PNG" and image.size == (1024, 1024)
    load_catalog_extras(lines.append)  # again: nothing duplicated
    load_inventory_demo(lines.append)
    assert lines[-1] == "inventory: 0 stock rows added"
    load_catalog_extras(lines.append)
    assert product.variants.count() == len(variants) and product.media.count() == 1
    assert "0 variants and 0 images" in lines[-1]
