"""The photo pipeline: check an uploaded file, decode it fully, and re-encode metadata-free derivatives.

Pure module (Pillow, settings and the photo storages; no ORM) so the sync API, the admin and the benchmark
share it.

Why every step is here:
- magic bytes first and the decoder restricted to that one format: a file is judged by what it is,
  never by its name or the client's Content-Type;
- dimensions read from the header and refused above PHOTO_MAX_PIXELS before any pixel is decoded,
  so a 100-byte PNG declaring 20000 x 20000 costs nothing (decompression bomb);
- the whole image decoded, truncation refused (LOAD_TRUNCATED_IMAGES stays off);
- derivatives re-encoded from pixels with an empty info dict: no EXIF, GPS, XMP, ICC or comment can
  survive, and nothing appended to the file (HTML, ZIP polyglots) is ever served;
- JPEG draft mode lets libjpeg decode at 1/2, 1/4 or 1/8 scale, which is most of the speed;
- every decoder failure becomes PhotoRejected: process_photo raises nothing else for any input.
"""

from __future__ import annotations

import io
import math
import secrets
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pillow_heif
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps

from inspections.storage import derivative_storage, private_storage

pillow_heif.register_heif_opener()

DISPLAY_MAX_PX = 1600
THUMBNAIL_MAX_PX = 320
JPEG_QUALITY = 82
# A progressive JPEG may repeat tiny scans, each costing a pass over every block: thousands of them make
# a 10 MB file decode for minutes. Real cameras write 1-20 (plus a few in embedded previews); 500 is the
# limit libjpeg-turbo's own tools recommend. SOS markers cannot occur inside entropy-coded data.
JPEG_MAX_SCANS = 500

_TAG_ORIENTATION = 0x0112
_IFD_EXIF = 0x8769
_IFD_GPS = 0x8825
_TAG_DATETIME_ORIGINAL = 0x9003
_TAG_OFFSET_TIME_ORIGINAL = 0x9011

# Brands of the ISO base media "ftyp" box that mean a HEIF/HEIC still image.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}

# Everything Pillow's decoders are known to raise on hostile or damaged input.
_DECODER_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    struct.error,
    IndexError,
    TypeError,
    ZeroDivisionError,
    EOFError,
    KeyError,
    AttributeError,
    NotImplementedError,
    OverflowError,
    RuntimeError,
    MemoryError,
    AssertionError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)

# Orientation tag value -> the transposition that makes the picture upright (EXIF 2.32, §4.6.4).
_UPRIGHT = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}

_SRGB = ImageCms.createProfile("sRGB")


class PhotoRejected(Exception):
    """An upload that is not an acceptable photo; `status` is the HTTP status to answer with."""

    def __init__(self, code: str, message: str, *, status: int = 400):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ProcessedPhoto:
    content_type: str  # of the original: image/jpeg, image/png, image/webp or image/heic
    original: bytes  # exactly as received (kept private: it still carries the camera's metadata)
    original_ext: str
    display: bytes  # JPEG, upright, long side <= 1600 px, no metadata
    thumbnail: bytes  # JPEG, upright, long side <= 320 px, no metadata
    width: int  # of the upright full-size image
    height: int
    exif_taken_at: datetime | None
    exif_lat: float | None
    exif_lng: float | None


@dataclass(frozen=True)
class StoredPaths:
    original: str  # a name in the private photo storage (inspections/storage.py)
    display: str  # a name in the derivative photo storage
    thumbnail: str


def sniff_type(data: bytes) -> tuple[str, str, str] | None:
    """(content type, file extension, Pillow format) from the magic bytes, or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg", "jpg", "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png", "png", "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp", "WEBP"
    if data[4:8] == b"ftyp" and _heif_brands(data) & _HEIF_BRANDS:
        return "image/heic", "heic", "HEIF"
    return None


def _heif_brands(data: bytes) -> set[bytes]:
    box_size = int.from_bytes(data[:4], "big")
    end = min(max(box_size, 16), 256, len(data))
    brands = {data[8:12]}
    brands.update(data[i : i + 4] for i in range(16, end - 3, 4))
    return brands


def _other_known_type(data: bytes) -> bool:
    """Images we recognise but do not take (GIF, BMP, TIFF, AVIF, ...): a clearer message than 'not an image'."""
    return (
        data[:6] in (b"GIF87a", b"GIF89a")
        or data[:2] == b"BM"
        or data[:4] in (b"II*\x00", b"MM\x00*")
        or data[4:8] == b"ftyp"
    )


def process_photo(data: bytes) -> ProcessedPhoto:
    """Validate and decode `data`, and build its metadata-free derivatives. Raises only PhotoRejected."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise PhotoRejected("not_an_image", _("上传的内容不是图片。"))
    data = bytes(data)
    if len(data) > settings.PHOTO_MAX_BYTES:
        raise PhotoRejected(
            "too_large",
            _("照片过大：最大 %(mb)d MB。") % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)},
            status=413,
        )
    sniffed = sniff_type(data)
    if sniffed is None:
        if _other_known_type(data):
            raise PhotoRejected("unsupported_type", _("不支持的图片格式：请上传 JPEG、PNG、WebP 或 HEIC 照片。"))
        raise PhotoRejected("not_an_image", _("上传的内容不是图片。"))
    content_type, ext, pil_format = sniffed
    try:
        return _process(data, content_type, ext, pil_format)
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except OSError as exc:
        if "truncated" in str(exc).lower():
            raise _truncated() from None
        raise _corrupt() from None
    except Exception:
        # The contract: any other decoder surprise (see _DECODER_ERRORS) is a rejected file, never a 500.
        raise _corrupt() from None


def _too_many_pixels() -> PhotoRejected:
    return PhotoRejected(
        "too_many_pixels",
        _("照片像素过多：最多 %(mp)d 百万像素。") % {"mp": settings.PHOTO_MAX_PIXELS // 1_000_000},
        status=413,
    )


def _truncated() -> PhotoRejected:
    return PhotoRejected("truncated", _("照片文件不完整（上传中断或文件损坏），请重新拍摄或上传。"))


def _heif_cut_short(data: bytes) -> bool:
    """Whether a top-level box of the HEIF file runs past its end. libheif decodes a grid image whose tiles
    are missing without an error (the lower part of the picture blank), so a cut-off file must be caught
    here: its last box (the `mdat` holding the tiles, or `meta` when cut earlier) declares more bytes than
    arrived. The walk stops at anything that is not a box header (bytes appended after the last box are
    never read, as for the other formats)."""
    offset, end = 0, len(data)
    while end - offset >= 8:
        size, kind = int.from_bytes(data[offset : offset + 4], "big"), data[offset + 4 : offset + 8]
        if not all(0x20 <= c < 0x7F for c in kind):
            return False
        header = 8
        if size == 1:  # a 64-bit size follows the type
            if end - offset < 16:
                return True
            size, header = int.from_bytes(data[offset + 8 : offset + 16], "big"), 16
        elif size == 0:  # the box runs to the end of the file
            return False
        if size < header:
            return False
        if offset + size > end:
            return True
        offset += size
    return False


def _corrupt() -> PhotoRejected:
    return PhotoRejected("corrupt", _("照片文件已损坏，无法读取，请重新拍摄或上传。"))


def _process(data: bytes, content_type: str, ext: str, pil_format: str) -> ProcessedPhoto:
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Someone switched truncation tolerance on globally; refuse to silently accept half images.
        raise RuntimeError("ImageFile.LOAD_TRUNCATED_IMAGES must stay off for the photo pipeline")
    if pil_format == "JPEG" and data.count(b"\xff\xda") > JPEG_MAX_SCANS:
        raise _corrupt()
    if pil_format == "HEIF" and _heif_cut_short(data):
        raise _truncated()
    img = Image.open(io.BytesIO(data), formats=[pil_format])
    full_w, full_h = img.size
    if full_w <= 0 or full_h <= 0:
        raise _corrupt()
    if full_w * full_h > settings.PHOTO_MAX_PIXELS:
        raise _too_many_pixels()

    exif = _safe_exif(img)
    orientation = _orientation(exif)
    icc = img.info.get("icc_profile")

    if pil_format == "JPEG":
        # Decode straight at the smallest 1/2^n scale whose long side still reaches DISPLAY_MAX_PX.
        long_side = max(full_w, full_h)
        if long_side >= 2 * DISPLAY_MAX_PX:
            ratio = DISPLAY_MAX_PX / long_side
            img.draft("RGB", (max(1, math.ceil(full_w * ratio)), max(1, math.ceil(full_h * ratio))))
    img.load()  # the whole image: a truncated or damaged stream raises here

    # Shrink first, then flatten, rotate and colour-convert: all cheaper (and far smaller in memory for a
    # 50 MP PNG) on 1600 px than on the full image.
    display = _flatten(_fit(_resizable(img), DISPLAY_MAX_PX))
    for step in _UPRIGHT.get(orientation, ()):
        display = display.transpose(step)
    display = _to_srgb(display, icc)
    width, height = (full_h, full_w) if orientation in (5, 6, 7, 8) else (full_w, full_h)
    thumbnail = _fit(display, THUMBNAIL_MAX_PX)
    taken_at = _taken_at(exif)
    lat, lng = _gps(exif)
    return ProcessedPhoto(
        content_type=content_type,
        original=data,
        original_ext=ext,
        display=_encode_jpeg(display),
        thumbnail=_encode_jpeg(thumbnail),
        width=width,
        height=height,
        exif_taken_at=taken_at,
        exif_lat=lat,
        exif_lng=lng,
    )


def _safe_exif(img: Image.Image) -> Image.Exif | None:
    """The EXIF block, or None when it is missing or too broken to parse (the pixels may still be fine)."""
    try:
        exif = img.getexif()
        # Touch the sub-IFDs now so a broken one fails here rather than later.
        exif.get_ifd(_IFD_EXIF)
        exif.get_ifd(_IFD_GPS)
        return exif
    except _DECODER_ERRORS:
        return None


def _orientation(exif: Image.Exif | None) -> int:
    try:
        value = int(exif.get(_TAG_ORIENTATION, 1)) if exif is not None else 1
    except _DECODER_ERRORS:
        return 1
    return value if value in _UPRIGHT else 1


def _resizable(img: Image.Image) -> Image.Image:
    """The image in a mode Pillow resizes properly (palettes and bit-images expanded, 16-bit kept deep)."""
    if img.mode in ("RGB", "RGBA", "L", "LA", "CMYK", "I", "F"):
        return img
    if img.mode == "P":
        return img.convert("RGBA" if "transparency" in img.info else "RGB")
    if img.mode == "1":
        return img.convert("L")
    if img.mode.startswith("I;16"):
        return img.convert("I")
    if img.mode in ("PA", "La", "RGBa"):
        return img.convert("RGBA")
    return img.convert("RGB")


def _flatten(img: Image.Image) -> Image.Image:
    """RGB, L or CMYK: alpha composited onto white (as a browser shows it), deep greys scaled to 8 bits."""
    if img.mode in ("RGBA", "LA"):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if img.mode in ("I", "F"):
        return ImageOps.autocontrast(img.convert("I").point(lambda v: v / 256).convert("L"))
    return img if img.mode in ("RGB", "L", "CMYK") else img.convert("RGB")


def _to_srgb(img: Image.Image, icc: bytes | None) -> Image.Image:
    if icc and img.mode in ("RGB", "CMYK"):
        # Convert wide-gamut (Display P3, Adobe RGB) or CMYK pixels to sRGB: the profile itself is dropped.
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(img, source, _SRGB, outputMode="RGB")
            if converted is not None:
                img = converted
        except (ImageCms.PyCMSError, *_DECODER_ERRORS):
            pass
    return img.convert("RGB") if img.mode != "RGB" else img


def _fit(img: Image.Image, max_px: int) -> Image.Image:
    w, h = img.size
    if max(w, h) <= max_px:
        return img
    scale = max_px / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    # Pillow's bilinear filter is area-aware when shrinking (its support grows with the scale), so it looks
    # like Lanczos for photos at half the cost; reducing_gap first box-reduces by whole factors, which is
    # cheaper still. Together with JPEG draft mode this keeps processing within 2x a plain decode.
    return img.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


def _encode_jpeg(img: Image.Image) -> bytes:
    # An empty info dict: Pillow would otherwise copy e.g. a JPEG comment over. (img is our own
    # intermediate, already read for everything we keep.)
    img.info = {}
    buffer = io.BytesIO()
    # optimize: ~10% smaller for phones on slow links, for a few ms; progressive would cost 3x that.
    img.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def _street_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _taken_at(exif: Image.Exif | None) -> datetime | None:
    """DateTimeOriginal as an aware datetime: its own offset tag when present, else the street's local time."""
    if exif is None:
        return None
    try:
        ifd = exif.get_ifd(_IFD_EXIF)
        raw = ifd.get(_TAG_DATETIME_ORIGINAL)
        if not isinstance(raw, str):
            return None
        naive = datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
        offset = ifd.get(_TAG_OFFSET_TIME_ORIGINAL)
        if isinstance(offset, str) and len(offset.strip("\x00 ")) == 6:
            text = offset.strip("\x00 ")
            sign = -1 if text[0] == "-" else 1
            hours, minutes = int(text[1:3]), int(text[4:6])
            return naive.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))
        return dj_timezone.make_aware(naive, _street_zone())
    except _DECODER_ERRORS:
        return None


def _gps(exif: Image.Exif | None) -> tuple[float | None, float | None]:
    if exif is None:
        return None, None
    try:
        gps = exif.get_ifd(_IFD_GPS)
        lat = _degrees(gps.get(2), gps.get(1), "S")
        lng = _degrees(gps.get(4), gps.get(3), "W")
    except _DECODER_ERRORS:
        return None, None
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat == 0 and lng == 0):
        return None, None  # 0,0 is what cameras write when they had no fix
    return round(lat, 7), round(lng, 7)


def _degrees(dms: object, ref: object, negative_ref: str) -> float | None:
    if not isinstance(dms, tuple | list) or len(dms) != 3:
        return None
    d, m, s = (float(part) for part in dms)
    value = d + m / 60 + s / 3600
    if not math.isfinite(value):
        return None
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if isinstance(ref, str) and ref.strip("\x00 ").upper() == negative_ref:
        value = -value
    return value


# --- storage ---------------------------------------------------------------------------------------


def store_photo(processed: ProcessedPhoto) -> StoredPaths:
    """Save the original in the private photo storage and the derivatives in the other one (neither is mapped
    to a URL: inspections/storage.py serves them after a check), under generated names.

    Call delete_stored(paths) if the surrounding database transaction fails."""
    month = dj_timezone.localtime().strftime("%Y/%m")
    public_name = secrets.token_urlsafe(18)
    # A separate random name: a derivative's name tells nothing about where the original is.
    wanted = (
        (private_storage(), f"originals/{month}/{secrets.token_urlsafe(18)}.{processed.original_ext}",
         processed.original, processed.content_type),
        (derivative_storage(), f"photos/{month}/{public_name}.jpg", processed.display, "image/jpeg"),
        (derivative_storage(), f"photos/{month}/{public_name}_t.jpg", processed.thumbnail, "image/jpeg"),
    )
    saved: list[tuple[Storage, str]] = []
    try:
        for storage, name, content, content_type in wanted:
            # Fresh and random, so a file under this name after a failure is this write's own partial one (a
            # folder keeps what was written before the disk filled up; a bucket shows an object only when whole).
            saved.append((storage, name))
            file = ContentFile(content)
            file.content_type = content_type  # a bucket keeps it for the object (a folder ignores it)
            # A storage never overwrites: it alters a name that is taken, so the one it returns is the name.
            saved[-1] = (storage, storage.save(name, file))
    except BaseException:
        for storage, name in saved:
            storage.delete(name)
        raise
    original, display, thumbnail = (name for _storage, name in saved)
    return StoredPaths(original=original, display=display, thumbnail=thumbnail)


def delete_stored(paths: StoredPaths) -> None:
    """Remove the files of store_photo (missing ones are fine: cleanup may run twice)."""
    for storage, name in (
        (private_storage(), paths.original),
        (derivative_storage(), paths.display),
        (derivative_storage(), paths.thumbnail),
    ):
        if name:
            storage.delete(name)
