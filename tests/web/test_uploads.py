"""Uploaded materials are accepted by what their bytes are (PDF, JPEG, PNG, OFD), whatever their name,
and handed back as attachments typed by content, never sniffed."""

from __future__ import annotations

import io
import zipfile

import pytest

from kuaiban.edge.downloads import content_disposition
from kuaiban.web.uploads import (
    MAX_UPLOAD,
    OFD,
    TOO_LARGE,
    WRONG_TYPE,
    Upload,
    download,
    file_type,
)

PDF = b"%PDF-1.7\n%synthetic\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00synthetic"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDRsynthetic"


def zip_of(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "expected"), [
    (PDF, "application/pdf"),
    (JPEG, "image/jpeg"),
    (PNG, "image/png"),
    (zip_of("OFD.xml", "Doc_0/Document.xml"), OFD),
])
def test_the_four_accepted_types_are_recognised_by_their_bytes(data, expected):
    assert file_type(data) == expected
    assert Upload("any-name.bin", data).problem is None


@pytest.mark.parametrize("data", [
    b"<html><script>alert(1)</script></html>",
    b'<svg xmlns="http://www.w3.org/2000/svg"/>',
    b"%PDF synthetic, no version dash",
    zip_of("word/document.xml"),  # a ZIP that is not an OFD package (here: a Word file's shape)
    b"PK\x03\x04 broken",
    b"",
])
def test_anything_else_is_refused_naming_the_accepted_types(data):
    upload = Upload("looks-fine.pdf", data)  # the name is not believed
    assert file_type(data) is None
    assert upload.problem == WRONG_TYPE
    assert "PDF、JPG、PNG 或 OFD" in upload.problem


def test_a_file_over_the_limit_is_refused_before_its_type_is_looked_at():
    assert Upload("big.pdf", PDF + b"0" * MAX_UPLOAD).problem == TOO_LARGE


def test_the_file_name_goes_out_rfc5987_encoded_so_nothing_can_escape_the_header():
    header = content_disposition('劳动合同"\r\nX-Evil: 1.pdf')
    assert header.startswith('attachment; filename="')
    assert "filename*=UTF-8''%E5%8A%B3%E5%8A%A8%E5%90%88%E5%90%8C%22%0D%0AX-Evil%3A%201.pdf" in header
    assert "\r" not in header and "\n" not in header and header.count('"') == 2


def test_a_download_is_typed_by_its_content_and_never_sniffed():
    response = download(PNG, "scan.pdf")  # the name says PDF; the bytes say PNG
    assert response.media_type == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("attachment;")


def test_a_file_stored_before_the_check_goes_out_as_plain_bytes():
    response = download(b"<html><script>alert(9)</script></html>", "pwned.html")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["x-content-type-options"] == "nosniff"
