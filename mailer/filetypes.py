"""Real file types from content, so a renamed file cannot pass for a screenshot."""

from __future__ import annotations

_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"II*\x00", 0, "image/tiff"),
    (b"MM\x00*", 0, "image/tiff"),
    (b"BM", 0, "image/bmp"),
    (b"PK\x03\x04", 0, "application/zip"),
    (b"PK\x05\x06", 0, "application/zip"),
    (b"Rar!\x1a\x07", 0, "application/vnd.rar"),
    (b"%PDF-", 0, "application/pdf"),
    (b"\x1f\x8b", 0, "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", 0, "application/x-7z-compressed"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "application/x-ole-storage"),
    (b"\x78\x9f\x3e\x22", 0, "application/ms-tnef"),
    (b"WEBP", 8, "image/webp"),
    # iPhone photos (HEIF with HEVC) and AVIF: an ISO media file's brand.
    (b"ftypheic", 4, "image/heic"),
    (b"ftypheix", 4, "image/heic"),
    (b"ftyphevc", 4, "image/heic"),
    (b"ftypmif1", 4, "image/heif"),
    (b"ftypavif", 4, "image/avif"),
    (b"MZ", 0, "application/x-msdownload"),
)


def sniff_type(content: bytes, declared: str = "application/octet-stream") -> str:
    """The MIME type the bytes really are; the declared type when nothing matches.

    A BMP signature is only two bytes, so it is confirmed by the header size field.
    """
    for magic, offset, mime in _SIGNATURES:
        if content[offset : offset + len(magic)] != magic:
            continue
        if mime == "image/bmp" and not _looks_like_bmp(content):
            continue
        if mime == "image/webp" and content[:4] != b"RIFF":
            continue
        return mime
    return declared


# File name extensions of the types the desk knows by name; the first is the one it
# gives a file that came without a name.
_EXTENSIONS = {
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/tiff": ("tif", "tiff"),
    "image/bmp": ("bmp",),
    "image/webp": ("webp",),
    "image/heic": ("heic",),
    "image/heif": ("heif",),
    "image/avif": ("avif",),
    "application/zip": ("zip",),
    "application/pdf": ("pdf",),
    "application/vnd.rar": ("rar",),
    "message/rfc822": ("eml",),
}
_IMAGES_BY_EXTENSION = {
    extension: mime
    for mime, extensions in _EXTENSIONS.items()
    if mime.startswith("image/")
    for extension in extensions
}


def extension_for(mime: str) -> str:
    """The extension (with its dot) for a file of type ``mime``; ``.bin`` if unknown."""
    return "." + _EXTENSIONS.get(mime, ("bin",))[0]


def type_from_name(name: str, default: str = "application/octet-stream") -> str:
    """The image type a file name's extension names; ``default`` for anything else.
    Used only where the content cannot be read (a compressed RAR member, without unrar)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _IMAGES_BY_EXTENSION.get(extension, default)


def _looks_like_bmp(content: bytes) -> bool:
    if len(content) < 26:
        return False
    header_size = int.from_bytes(content[14:18], "little")
    return header_size in (12, 40, 52, 56, 64, 108, 124)


def image_size(content: bytes, real_type: str) -> tuple[int, int] | None:
    """Width and height in pixels of a PNG, GIF or JPEG, read from its header; None
    for other types and for headers that cannot be read."""
    try:
        if real_type == "image/png" and content[12:16] == b"IHDR":
            return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
        if real_type == "image/gif" and len(content) >= 10:
            return int.from_bytes(content[6:8], "little"), int.from_bytes(content[8:10], "little")
        if real_type == "image/jpeg":
            return _jpeg_size(content)
    except IndexError:
        return None
    return None


# Start-of-frame markers (baseline, progressive, lossless...); not DHT, JPG, DAC.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    """The frame header's size: segments are walked from the start of the file (EXIF
    thumbnails sit inside APP1, whose length is skipped whole)."""
    position = 2
    while position + 9 < len(content):
        if content[position] != 0xFF:
            return None
        marker = content[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            position += 2
            continue
        if marker in _JPEG_FRAMES:
            height = int.from_bytes(content[position + 5 : position + 7], "big")
            width = int.from_bytes(content[position + 7 : position + 9], "big")
            return width, height
        position += 2 + int.from_bytes(content[position + 2 : position + 4], "big")
    return None
