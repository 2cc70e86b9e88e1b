"""Byte-level building blocks for the test mail corpus, written the way mail clients do.

Nothing here uses the email package's generator: headers, encoded words, RFC 2231
parameters, transfer encodings and boundaries are written out by hand, so that the
corpus contains what Outlook, Gmail, Yandex, Mail.ru, Thunderbird, phones and 1C
really send, not what Python would send.
"""

from __future__ import annotations

import base64
import io
import quopri
import struct
import urllib.parse
import zipfile
import zlib

CRLF = "\r\n"

# ---- encoded words and parameters ------------------------------------------------


def encoded_word(text: str, charset: str = "utf-8", encoding: str = "B", chunk: int = 39) -> str:
    """RFC 2047 encoded words, split the way clients fold long subjects."""
    data = text.encode(charset)
    words = []
    position = 0
    while position < len(data):
        piece = data[position : position + chunk]
        # never split a UTF-8 sequence between two encoded words
        while charset.lower() in ("utf-8", "utf8") and position + len(piece) < len(data):
            if (data[position + len(piece)] & 0xC0) != 0x80:
                break
            piece = piece[:-1]
        position += len(piece)
        if encoding == "B":
            words.append(f"=?{charset}?B?{base64.b64encode(piece).decode()}?=")
        else:
            q = "".join(
                chr(b) if (chr(b).isalnum() and b < 128) else ("_" if b == 32 else f"={b:02X}")
                for b in piece
            )
            words.append(f"=?{charset}?Q?{q}?=")
    return (CRLF + " ").join(words)


def rfc2231(name: str, value: str, charset: str = "utf-8", split: int = 0) -> str:
    """``name*=charset''percent-encoded`` or its ``name*0*=`` continuations."""
    quoted = urllib.parse.quote(value.encode(charset), safe="")
    if not split:
        return f"{name}*={charset}''{quoted}"
    pieces = [quoted[i : i + split] for i in range(0, len(quoted), split)]
    # never cut a %XX escape in two
    fixed: list[str] = []
    carry = ""
    for piece in pieces:
        piece = carry + piece
        cut = piece.rfind("%")
        if cut != -1 and cut > len(piece) - 3:
            carry, piece = piece[cut:], piece[:cut]
        else:
            carry = ""
        fixed.append(piece)
    if carry:
        fixed.append(carry)
    lines = [f"{name}*0*={charset}''{fixed[0]}"]
    lines += [f"{name}*{n}*={p}" for n, p in enumerate(fixed[1:], 1)]
    return (";" + CRLF + " ").join(lines)


# ---- transfer encodings -----------------------------------------------------------


def b64(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return CRLF.join(text[i : i + 76] for i in range(0, len(text), 76))


def qp(text: str, charset: str) -> str:
    data = text.replace("\r\n", "\n").encode(charset)
    return quopri.encodestring(data).decode("ascii").replace("\n", CRLF)


# ---- assembling -------------------------------------------------------------------


def headers(*lines: str) -> str:
    return CRLF.join(lines)


def part(head: str, body: str) -> str:
    return f"{head}{CRLF}{CRLF}{body}"


def multipart(boundary: str, parts: list[str], preamble: str = "") -> str:
    out = [preamble] if preamble else []
    for item in parts:
        out.append(f"--{boundary}{CRLF}{item}")
    out.append(f"--{boundary}--{CRLF}")
    return CRLF.join(out)


def text_part(text: str, charset: str, cte: str, subtype: str = "plain", extra: str = "") -> str:
    body = {
        "base64": lambda: b64(text.encode(charset)),
        "quoted-printable": lambda: qp(text, charset),
    }
    encoded = body[cte]() if cte in body else text.replace("\n", CRLF)
    ct = f'Content-Type: text/{subtype}; charset="{charset}"{extra}'
    return part(headers(ct, f"Content-Transfer-Encoding: {cte}"), encoded)


def message(head: str, body: str) -> bytes:
    raw = f"{head}{CRLF}{CRLF}{body}"
    if not raw.endswith(CRLF):
        raw += CRLF
    return raw.encode("utf-8", "surrogateescape")


def raw_message(head: bytes, body: bytes) -> bytes:
    """For 8-bit headers and bodies in a single-byte charset (1C, old gateways)."""
    return head + b"\r\n\r\n" + body + b"\r\n"


# ---- attachment payloads ----------------------------------------------------------

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478"
    "9c6360000002000154a24f5d0000000049454e44ae426082"
)
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010101004800480000ffdb004300080606070605080707070909080a0c140d0c0b0b0c"
    "1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b"
    "080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffda0008"
    "010100003f00d2cf20ffd9"
)
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
BMP = (
    b"BM" + struct.pack("<IHHI", 58, 0, 0, 54)
    + struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, 4, 2835, 2835, 0, 0)
    + b"\x00\x00\xff\x00"
)  # fmt: skip
TIFF = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 24
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 50


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, (2026, 11, 24, 10, 0, 0)), data, compression)
    return buffer.getvalue()


def rar4_stored(members: dict[str, bytes], method: int = 0x30) -> bytes:
    """A RAR 4 archive with stored (uncompressed) members, as WinRAR writes with -m0.

    Another ``method`` (0x33: WinRAR's default, "normal") marks the members compressed
    in their headers, as far as a listing reads; the data is not a real packed stream.
    """

    def block(head_type: int, flags: int, body: bytes, tail: bytes = b"") -> bytes:
        size = 7 + len(body)
        header = struct.pack("<BHH", head_type, flags, size) + body
        crc = zlib.crc32(header) & 0xFFFF
        return struct.pack("<H", crc) + header + tail

    out = b"Rar!\x1a\x07\x00"
    out += block(0x73, 0x0000, b"\x00" * 6)
    for name, data in members.items():
        encoded = name.encode("ascii")
        dos_time = ((2026 - 1980) << 25) | (11 << 21) | (24 << 16) | (10 << 11)
        body = struct.pack(
            "<IIBIIBBHI", len(data), len(data), 2, zlib.crc32(data), dos_time, 20, method,
            len(encoded), 0x20,
        ) + encoded  # fmt: skip
        out += block(0x74, 0x8000, body, data)
    out += block(0x7B, 0x4000, b"")
    return out


def tnef(attachments: list[tuple[str, str, bytes]], codepage: int = 1251) -> bytes:
    """winmail.dat as Outlook writes it for rich-text mail: (8.3 title, long name, data)."""

    def attribute(level: int, attr_id: int, data: bytes) -> bytes:
        checksum = sum(data) & 0xFFFF
        return struct.pack("<BII", level, attr_id, len(data)) + data + struct.pack("<H", checksum)

    def mapi_unicode(prop_id: int, value: str) -> bytes:
        data = (value + "\x00").encode("utf-16-le")
        padded = data + b"\x00" * (-len(data) % 4)
        return struct.pack("<HHII", 0x001F, prop_id, 1, len(data)) + padded

    out = struct.pack("<IH", 0x223E9F78, 0x1234)
    out += attribute(1, 0x00089006, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += attribute(1, 0x00069007, struct.pack("<II", codepage, 0))  # attOemCodepage
    out += attribute(1, 0x00078008, b"IPM.Microsoft Mail.Note\x00")  # attMessageClass
    for title, long_name, data in attachments:
        out += attribute(2, 0x00069002, struct.pack("<HIIIHH", 1, 0xFFFFFFFF, 0, 0, 0, 0))
        out += attribute(2, 0x00018010, title.encode("cp1251") + b"\x00")  # attAttachTitle
        out += attribute(2, 0x0006800F, data)  # attAttachData
        props = struct.pack("<I", 1) + mapi_unicode(0x3707, long_name)  # PR_ATTACH_LONG_FILENAME
        out += attribute(2, 0x00069005, props)  # attAttachment
    return out


def zip_cp866(members: dict[str, bytes]) -> bytes:
    """A ZIP as Windows Explorer ("Send to → Compressed folder") writes it on a Russian
    system: names in cp866, no UTF-8 flag."""
    placeholders = {f"{n:0{len(name.encode('cp866'))}d}"[-len(name.encode("cp866")) :]: name
                    for n, name in enumerate(members)}  # fmt: skip
    data = zip_of({ph: members[name] for ph, name in placeholders.items()})
    for ph, name in placeholders.items():
        data = data.replace(ph.encode("ascii"), name.encode("cp866"))
    return data
