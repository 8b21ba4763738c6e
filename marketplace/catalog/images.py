"""Product images: validation with Pillow, EXIF orientation applied and metadata stripped, WebP thumbnails.

Thumbnails are stored once at a deterministic path (`thumbnails/<media id>/<size>.webp`), so a URL needs no
database row, and the thumbnail view generates a missing one on its first request.
"""

from __future__ import annotations

import io
import warnings
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.core.errors import DomainError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
THUMBNAIL_SIZES = (160, 320, 640, 1280)


def nearest_size(size: int | None) -> int:
    """The allowed thumbnail size nearest to `size` (ties go to the larger, sharper one)."""
    if not size:
        return THUMBNAIL_SIZES[1]
    return min(THUMBNAIL_SIZES, key=lambda allowed: (abs(allowed - size), -allowed))


def thumbnail_path(media_id: int, size: int) -> str:
    return f"thumbnails/{media_id}/{size}.webp"


def _open_checked(data: bytes) -> Image.Image:
    """Open image bytes, refusing non-images, other formats and oversized/bomb images before decoding pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError("IMAGE_TOO_LARGE", _("Ảnh quá lớn (quá nhiều điểm ảnh)."), field="file")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise DomainError("INVALID_IMAGE", _("Tệp không phải là ảnh hợp lệ."), field="file")
    if image.format not in ALLOWED_FORMATS:
        raise DomainError(
            "INVALID_IMAGE_FORMAT", _("Chỉ nhận ảnh JPEG, PNG hoặc WebP (tệp là %s).") % image.format, field="file"
        )
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise DomainError(
            "IMAGE_TOO_LARGE",
            _("Ảnh %(w)d×%(h)d vượt quá 40 megapixel.") % {"w": width, "h": height},
            field="file",
        )
    return image


def clean_upload(file: IO[bytes], *, name: str = "image") -> tuple[ContentFile, str]:
    """Validate an upload and re-encode it: orientation applied, EXIF/ICC/text metadata dropped.

    Returns the cleaned file and its format extension. Raises DomainError with a field-level code.
    """
    size = getattr(file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise DomainError("FILE_TOO_LARGE", _("Ảnh vượt quá 10 MB."), field="file")
    data = file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError("FILE_TOO_LARGE", _("Ảnh vượt quá 10 MB."), field="file")
    image = _open_checked(data)
    fmt = image.format
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise DomainError("INVALID_IMAGE", _("Tệp ảnh bị hỏng hoặc không đọc được."), field="file")
    # A fresh image carries pixels only: no EXIF (GPS, camera), no text chunks, no ICC.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    if fmt == "JPEG" and clean.mode not in ("RGB", "L"):
        clean = clean.convert("RGB")
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=90, optimize=True)
    elif fmt == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=90)
    extension = ALLOWED_FORMATS[fmt]
    return ContentFile(out.getvalue(), name=f"{name}.{extension}"), extension


def render_thumbnail(source: IO[bytes], size: int) -> bytes:
    """A WebP no larger than size×size (aspect kept, never upscaled)."""
    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((size, size), Image.Resampling.LANCZOS)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
        out = io.BytesIO()
        image.save(out, "WEBP", quality=82, method=4)
        return out.getvalue()


def ensure_thumbnail(media, size: int) -> str:
    """Store the thumbnail of `media` at `size` if it is not there yet; return its storage path."""
    path = thumbnail_path(media.pk, size)
    if not default_storage.exists(path):
        with media.image.open("rb") as source:
            data = render_thumbnail(source, size)
        if not default_storage.exists(path):  # another request may have won the race
            default_storage.save(path, ContentFile(data))
    return path


def delete_thumbnails(media_id: int) -> None:
    for size in THUMBNAIL_SIZES:
        path = thumbnail_path(media_id, size)
        if default_storage.exists(path):
            default_storage.delete(path)
