"""Evidence file checks: accepted types are recognised by their first bytes, not by the name alone."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class FileKind:
    extensions: tuple[str, ...]
    content_type: str
    label: str


KINDS = (
    FileKind((".jpg", ".jpeg"), "image/jpeg", "JPEG 图片"),
    FileKind((".png",), "image/png", "PNG 图片"),
    FileKind((".pdf",), "application/pdf", "PDF"),
    FileKind((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档"),
    FileKind((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格"),
)
ACCEPTED_LABEL = "、".join(k.label for k in KINDS)


class FileRejected(ValueError):
    pass


def _sniff(head: bytes, stream: IO[bytes]) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        stream.seek(0)
        try:
            names = set(zipfile.ZipFile(stream).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return KINDS[3].content_type
        if "xl/workbook.xml" in names:
            return KINDS[4].content_type
    return None


def check_evidence_file(name: str, size: int, stream: IO[bytes], max_bytes: int) -> str:
    """Return the content type of an acceptable file or raise FileRejected with a Chinese message."""
    if size <= 0:
        raise FileRejected(f"文件“{name}”是空文件。")
    if size > max_bytes:
        raise FileRejected(f"文件“{name}”超过大小上限 {max_bytes // (1024 * 1024)} MB。")
    lower = name.lower()
    kind = next((k for k in KINDS if lower.endswith(k.extensions)), None)
    if kind is None:
        raise FileRejected(f"文件“{name}”的类型不受支持，仅接受：{ACCEPTED_LABEL}。")
    stream.seek(0)
    head = stream.read(16)
    sniffed = _sniff(head, stream)
    stream.seek(0)
    if sniffed != kind.content_type:
        raise FileRejected(f"文件“{name}”的内容与扩展名不符，可能已损坏或被改名。")
    return kind.content_type
