"""Hostile inputs that are cheap to write and costly to read, shared by the fuzzer
(``fuzz.py``) and the tests of the bounds (``tests/test_limits.py``).

Each builder returns the file's bytes (or writes a folder) from its size arguments
alone, so a case is the same wherever it is made. Run as a program, it times
``readers.read_file`` on the cases of docs/reliability.md::

    python bench/hostile_inputs.py
"""

from __future__ import annotations

import io
import os
from pathlib import Path


def unclosed_tags(tag: str, count: int) -> bytes:
    """An HTML page of ``count`` ``<tag>`` never closed: each nests in the one before."""
    body = "".join(f"<{tag}>第{i}段：推进碳达峰工作。" for i in range(count))
    return f"<html><body>{body}</body></html>".encode()


def nested_divs(depth: int) -> bytes:
    return ("<html><body>" + "<div>" * depth + "一、推进碳达峰工作。" + "</div>" * depth + "</body></html>").encode()


def shared_stream_pdf(pages: int, stream_bytes: int, shared: bool = True) -> bytes:
    """A PDF of ``pages`` pages drawing content streams of ``stream_bytes`` each
    (compressed to a few KB): one stream for all pages when ``shared`` (a reader that
    decodes it per page does pages × the work), else one per page."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    resources_ref = writer._add_object(resources)

    def stream(n: int):  # type: ignore[no-untyped-def]
        show = f"BT /F1 12 Tf 72 720 Td (carbon peak action {n}) Tj ET\n".encode()
        content = DecodedStreamObject()
        content.set_data(show + b"% " + b"0" * max(0, stream_bytes - len(show) - 3) + b"\n")
        return writer._add_object(content.flate_encode())

    first = stream(0)
    for n in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Contents")] = first if shared or n == 0 else stream(n)
        page[NameObject("/Resources")] = resources_ref
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_of_paragraphs(count: int) -> bytes:
    """A minimal DOCX of ``count`` short, distinct paragraphs (written as XML directly:
    python-docx takes minutes to build 300,000)."""
    import zipfile

    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>第{i}段：推进碳达峰{i * 7919 % 100003}</w:t></w:r></w:p>" for i in range(count))
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
        'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{ns}"><w:body>{body}'
        "</w:body></w:document>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return out.getvalue()


def tiny_files(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"t{i:05d}.txt").write_text(f"第{i}号：推进碳达峰工作，编号{i}。", encoding="utf-8")


def symlinked_folder(folder: Path, outside: Path) -> None:
    """A folder with one document and links out of it: to /, to a file outside, to
    itself (a loop), and one link inside it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plan.txt").write_text("关于推进碳达峰工作的通知\n一、总体要求。", encoding="utf-8")
    outside.write_text("不应被加入的文件。", encoding="utf-8")
    for name, target in (("root", Path("/")), ("outside.txt", outside), ("loop", folder),
                         ("again.txt", folder / "plan.txt")):
        link = folder / name
        if not os.path.lexists(link):
            link.symlink_to(target)


def main() -> None:
    """Time reading each costly input (the figures of docs/reliability.md)."""
    import sys
    import tempfile
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from carbon_cli import readers

    cases = {
        "10,000 unclosed <p>": ("p.html", lambda: unclosed_tags("p", 10_000)),
        "10,000 unclosed <li>": ("li.html", lambda: unclosed_tags("li", 10_000)),
        "10,000 unclosed <font>": ("font.html", lambda: unclosed_tags("font", 10_000)),
        "20,000 nested divs": ("div.html", lambda: nested_divs(20_000)),
        "2,000 pages sharing a 1 MB stream": ("shared.pdf", lambda: shared_stream_pdf(2000, 1_000_000)),
        "66 pages of distinct 1 MB streams": ("distinct.pdf", lambda: shared_stream_pdf(66, 1_000_000, shared=False)),
        "a DOCX of 300,000 paragraphs": ("paragraphs.docx", lambda: docx_of_paragraphs(300_000)),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, (file_name, build) in cases.items():
            path = Path(tmp) / file_name
            path.write_bytes(build())
            started = time.perf_counter()
            try:
                outcome = f"{len(readers.read_file(path).text):,} characters"
            except readers.ReadError as error:
                outcome = f"refused: {error.reason}"
            print(f"{name}: {time.perf_counter() - started:.1f} s, {outcome}")


if __name__ == "__main__":
    main()
