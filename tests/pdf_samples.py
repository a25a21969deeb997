"""PDF files for the e-archive tests (NUM-6): a good one, and the bad ones a hostile or careless user sends."""

from __future__ import annotations

import io
import zipfile
import zlib
from functools import cache

from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject

GIB = 1 << 30


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def valid_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    return _written(writer)


def other_valid_pdf() -> bytes:
    return valid_pdf(2)


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("mima")
    return _written(writer)


def truncated_pdf() -> bytes:
    whole = valid_pdf()
    return whole[: len(whole) // 2]


def zip_named_pdf() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("入团志愿书.pdf", valid_pdf())
    return out.getvalue()


def _zeros_deflated(total: int) -> bytes:
    """A zlib stream of `total` zero bytes, built from one compressed 64 MiB block repeated: each block
    starts after a full flush, so the copies decode one after another (a few MiB for a GiB)."""
    chunk = 64 << 20
    first = zlib.compressobj(9)
    head = first.compress(b"\0" * chunk) + first.flush(zlib.Z_FULL_FLUSH)
    again = zlib.compressobj(9)
    block = (again.compress(b"\0" * chunk) + again.flush(zlib.Z_FULL_FLUSH))[2:]  # without the zlib header
    checksum = (total % 65521) << 16 | 1  # Adler-32 of zeros: a stays 1, b counts the bytes
    return head + block * (total // chunk - 1) + b"\x03\x00" + checksum.to_bytes(4, "big")


@cache
def flate_bomb_pdf(total: int = 4 * GIB) -> bytes:
    """A one-page PDF of a few MiB whose page content inflates to `total` bytes."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    stream = StreamObject()
    stream._data = _zeros_deflated(total)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    return _written(writer)
