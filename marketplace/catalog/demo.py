"""Demo extras for every product the registry sync created: variants with prices in đồng,
a producer story and a generated product card image. Idempotent; does nothing when there are no products.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
from collections.abc import Callable
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from marketplace.catalog.models import Product, ProductMedia, ProductVariant

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# product set number → (variant names, base price in đồng for the first variant, price step for the second)
PACKS: dict[int, tuple[tuple[str, ...], int, int]] = {
    1: (("túi 1 kg", "thùng 5 kg"), 45_000, 170_000),
    2: (("khay 500 g", "khay 1 kg"), 90_000, 85_000),
    3: (("túi 2 kg", "túi 5 kg"), 70_000, 95_000),
    4: (("hũ 500 g", "hũ 1 kg"), 180_000, 160_000),
    5: (("gói 300 g", "hộp 6 gói"), 35_000, 150_000),
    6: (("gói 500 g", "hộp 1 kg"), 40_000, 35_000),
    7: (("hộp 250 g", "hộp 500 g"), 65_000, 55_000),
    8: (("hộp 200 g", "hộp 500 g"), 120_000, 150_000),
    9: (("chai 500 ml", "chai 1 lít"), 85_000, 70_000),
    10: (("hũ 100 g", "hũ 250 g"), 45_000, 50_000),
    11: (("gói 200 g", "hộp 500 g"), 90_000, 120_000),
    12: (("hộp 20 túi lọc", "gói 250 g"), 60_000, 30_000),
    13: (("gói 250 g", "gói 500 g"), 95_000, 85_000),
    14: (("chai 500 ml", "bình 2 lít"), 110_000, 240_000),
    15: (("chai 750 ml",), 180_000, 0),
    16: (("thùng 24 chai 500 ml",), 120_000, 0),
    17: (("chai 330 ml", "thùng 24 chai"), 18_000, 340_000),
    18: (("hộp 30 viên", "hộp 60 viên"), 250_000, 200_000),
    19: (("chai 100 ml", "chai 250 ml"), 150_000, 120_000),
    20: (("chai 10 ml", "chai 50 ml"), 95_000, 250_000),
}
DEFAULT_PACK = (("chiếc", "bộ 2 chiếc"), 250_000, 200_000)
COLOURS = [(183, 28, 28), (27, 94, 32), (13, 71, 161), (230, 81, 0), (74, 20, 140), (0, 96, 100), (121, 85, 72)]


def _seed(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _round_price(value: int) -> int:
    return max(1_000, round(value / 1_000) * 1_000)


def product_card(name: str, producer: str, stars: int, *, seed: int, size: int = 1024) -> bytes:
    """A coloured PNG card with the product name in DejaVuSans (Vietnamese diacritics render)."""
    colour = COLOURS[seed % len(COLOURS)]
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    bold = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), size // 14)
    regular = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), size // 26)
    draw.rectangle((size // 16, size // 16, size - size // 16, size - size // 16), outline=(255, 255, 255), width=6)
    y = size // 5
    for line in textwrap.wrap(name, width=18)[:5]:
        draw.text((size // 2, y), line, font=bold, fill=(255, 255, 255), anchor="ma")
        y += int(size / 12)
    draw.text((size // 2, size - size // 4), producer[:60], font=regular, fill=(255, 240, 200), anchor="ma")
    draw.text((size // 2, size - size // 6), f"OCOP {'★' * stars}", font=regular, fill=(255, 215, 0), anchor="ma")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


STORY = (
    "<p>{producer} là chủ thể OCOP tại {place}, làm ra sản phẩm theo cách truyền thống của địa phương "
    "và đạt chứng nhận OCOP. Nguyên liệu được chọn từ vùng trồng, vùng nuôi quanh xã; mỗi lô hàng đều "
    "ghi rõ ngày sản xuất để người mua truy xuất nguồn gốc.</p>"
)


@transaction.atomic
def _extras_for(product: Product) -> tuple[int, int]:
    producer = product.producer
    made_variants = made_media = 0
    if not producer.story:
        place = producer.commune.name if producer.commune_id else producer.province.short_name
        producer.story = STORY.format(producer=producer.name, place=place)
        producer.save(update_fields=["story", "updated_at"])
    if not product.description:
        product.description = f"<p>{product.name} – sản phẩm OCOP của {producer.name}.</p>"
        product.save(update_fields=["description", "updated_at"])
    if not product.variants.exists():
        names, base, step = PACKS.get(product.product_set.number, DEFAULT_PACK)
        seed = _seed(product.registry_key)
        price = _round_price(base * (85 + seed % 31) // 100)
        for position, name in enumerate(names[: 1 + seed % 2] if len(names) > 1 else names):
            variant_price = price if position == 0 else _round_price(price + step)
            ProductVariant.objects.create(
                product=product,
                sku=f"DEMO-{product.pk}-{position + 1}",
                name=name,
                price=variant_price,
                compare_at_price=_round_price(variant_price * 1.15) if seed % 4 == 0 else None,
                weight_grams=0,
                position=position,
            )
            made_variants += 1
    if not product.media.exists():
        stars = product.current_certification.stars if product.current_certification_id else 3
        png = product_card(product.name, producer.name, stars, seed=_seed(product.registry_key))
        media = ProductMedia(product=product, alt=product.name, position=0)
        name = f"{product.slug[:80]}.png"
        media.image.save(name, ContentFile(png, name=name), save=False)  # named, or Django reads no dimensions
        media.save()
        made_media += 1
    return made_variants, made_media


def load_catalog_extras(stdout: Callable[[str], None]) -> None:
    products = list(
        Product.objects.select_related(
            "producer__province", "producer__commune", "product_set", "current_certification"
        )
    )
    if not products:
        stdout("catalog extras: no products yet (run the registry sync first); nothing to do")
        return
    variants = media = 0
    for product in products:
        v, m = _extras_for(product)
        variants += v
        media += m
    stdout(f"catalog extras: {len(products)} products, {variants} variants and {media} images added")
