"""Image uploads: formats, size, megapixels, bombs, fakes refused; EXIF applied and stripped; WebP thumbnails."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from graphql_relay import to_global_id
from PIL import Image

from marketplace.catalog.images import MAX_UPLOAD_BYTES, nearest_size, thumbnail_path
from marketplace.catalog.services import add_product_media
from marketplace.core.errors import DomainError
from tests.factories import ListedProductFactory, ProducerStaffFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _image(fmt: str = "JPEG", size=(400, 300), color=(200, 30, 30), exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def _upload(data: bytes, name: str = "a.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG declaring huge dimensions: a decompression bomb as far as the header goes."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.fixture
def staff_and_product():
    product = ListedProductFactory()
    staff = ProducerStaffFactory(producer=product.producer).user
    return staff, product


def test_jpeg_is_stored_rotated_and_without_metadata(staff_and_product) -> None:
    staff, product = staff_and_product
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° CW to display
    exif[0x010F] = "Camera maker"
    media = add_product_media(user=staff, product=product, file=_upload(_image(exif=exif)), alt="Chai nước mắm")
    with media.image.open("rb") as stored:
        image = Image.open(stored)
        assert image.format == "JPEG"
        assert image.size == (300, 400)  # orientation applied
        assert not image.getexif()  # EXIF gone
    assert (media.width, media.height) == (300, 400)
    assert media.alt == "Chai nước mắm"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_accepted(staff_and_product, fmt) -> None:
    staff, product = staff_and_product
    media = add_product_media(user=staff, product=product, file=_upload(_image(fmt), f"a.{fmt.lower()}"))
    assert media.image.name.endswith(".png" if fmt == "PNG" else ".webp")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a" + b"\0" * 100, "INVALID_IMAGE"),  # not decodable as a GIF either
        (b"<?php echo 'hi'; ?>", "INVALID_IMAGE"),
        (b"\xff\xd8\xff\xe0" + b"garbage" * 50, "INVALID_IMAGE"),  # a JPEG signature, then nonsense
        (_png_header_only(20_000, 20_000), "IMAGE_TOO_LARGE"),  # 400 MP: Pillow's bomb guard
        (_png_header_only(8_000, 6_000), "IMAGE_TOO_LARGE"),  # 48 MP: above our 40 MP
    ],
)
def test_bad_uploads_are_refused_clearly(staff_and_product, data, code) -> None:
    staff, product = staff_and_product
    with pytest.raises(DomainError) as exc:
        add_product_media(user=staff, product=product, file=_upload(data))
    assert exc.value.code == code and exc.value.field == "file"
    assert exc.value.message
    assert not product.media.exists()


def test_gif_and_bmp_are_refused(staff_and_product) -> None:
    staff, product = staff_and_product
    for fmt in ("GIF", "BMP"):
        with pytest.raises(DomainError) as exc:
            add_product_media(user=staff, product=product, file=_upload(_image(fmt)))
        assert exc.value.code == "INVALID_IMAGE_FORMAT"


def test_too_many_bytes_is_refused(staff_and_product) -> None:
    staff, product = staff_and_product
    with pytest.raises(DomainError) as exc:
        add_product_media(user=staff, product=product, file=_upload(b"\0" * (MAX_UPLOAD_BYTES + 1)))
    assert exc.value.code == "FILE_TOO_LARGE"


def test_only_the_producers_staff_or_program_office(staff_and_product) -> None:
    _, product = staff_and_product
    other = ProducerStaffFactory(producer=ProductFactory().producer).user
    with pytest.raises(DomainError) as exc:
        add_product_media(user=other, product=product, file=_upload(_image()))
    assert exc.value.code == "PERMISSION_DENIED"
    office = UserFactory(is_staff=True, is_superuser=True)
    assert add_product_media(user=office, product=product, file=_upload(_image())).pk


def test_nearest_size() -> None:
    assert [nearest_size(s) for s in (None, 1, 160, 200, 300, 480, 900, 5000)] == [
        320,
        160,
        160,
        160,
        320,
        640,
        640,
        1280,
    ]


def test_thumbnail_generated_once_and_served_with_cache_headers(client, gql, staff_and_product) -> None:
    staff, product = staff_and_product
    media = add_product_media(user=staff, product=product, file=_upload(_image(size=(2000, 1000))))
    q = "query($id: ID) { product(id: $id) { thumbnail(size: 600) { url alt } } }"
    url = gql.execute(q, {"id": to_global_id("Product", product.pk)})["product"]["thumbnail"]["url"]
    assert url.endswith(f"/thumbnail/{media.pk}/640/")
    path = thumbnail_path(media.pk, 640)
    assert not default_storage.exists(path)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "max-age=31536000" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    thumb = Image.open(io.BytesIO(body))
    assert thumb.format == "WEBP" and thumb.size == (640, 320)
    assert default_storage.exists(path)
    mtime = default_storage.get_modified_time(path)
    assert client.get(url).status_code == 200
    assert default_storage.get_modified_time(path) == mtime  # not regenerated
    assert client.get(f"/thumbnail/{media.pk}/500/").status_code == 404  # only the fixed sizes


def test_thumbnail_of_unlisted_product_is_404(client, staff_and_product) -> None:
    staff, product = staff_and_product
    media = add_product_media(user=staff, product=product, file=_upload(_image()))
    product.is_published = False
    product.save()
    assert client.get(f"/thumbnail/{media.pk}/160/").status_code == 404


def test_delete_media_removes_file_and_thumbnails(
    client, staff_and_product, django_capture_on_commit_callbacks
) -> None:
    from marketplace.catalog.services import delete_product_media

    staff, product = staff_and_product
    media = add_product_media(user=staff, product=product, file=_upload(_image()))
    assert client.get(f"/thumbnail/{media.pk}/160/").status_code == 200
    name, thumb = media.image.name, thumbnail_path(media.pk, 160)
    assert default_storage.exists(name) and default_storage.exists(thumb)
    with pytest.raises(DomainError):
        delete_product_media(user=ProducerStaffFactory().user, media=media)
    with django_capture_on_commit_callbacks(execute=True):
        delete_product_media(user=staff, media=media)
    assert not product.media.exists()
    assert not default_storage.exists(name) and not default_storage.exists(thumb)


MEDIA_CREATE = """mutation($p: ID!, $alt: String) {
  productMediaCreate(product: $p, file: "image", alt: $alt) { media { url alt width height } errors { field code } } }"""


def test_media_mutation_over_multipart(client, staff_and_product) -> None:
    import json

    from marketplace.accounts.services import create_token

    staff, product = staff_and_product
    _user, token = create_token(email=staff.email, password="test-password-123", request=None)
    variables = json.dumps({"p": to_global_id("Product", product.pk), "alt": "Chai 500 ml"})

    def post(data: bytes) -> dict:
        response = client.post(
            "/graphql/",
            {"query": MEDIA_CREATE, "variables": variables, "image": _upload(data, "p.png")},
            headers={"Authorization": f"Bearer {token}"},
        )
        return response.json()["data"]["productMediaCreate"]

    done = post(_image("PNG", size=(50, 40)))
    assert done["errors"] == []
    assert done["media"]["alt"] == "Chai 500 ml" and (done["media"]["width"], done["media"]["height"]) == (50, 40)
    refused = post(b"not an image")
    assert refused == {"media": None, "errors": [{"field": "file", "code": "INVALID_IMAGE"}]}
    assert product.media.count() == 1
