"""Reading code letters back from a PDF: structure, pages, text, the QR codes as drawn and as a phone reads them."""

import re
import zlib

import numpy as np
import pypdfium2
import segno
import zxingcpp


def check_structure(data: bytes) -> None:
    """A complete PDF whose cross-reference table points at every object it lists."""
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data).group(1))
    assert data[start:start + 4] == b"xref"
    first, count = map(int, re.match(rb"xref\s+(\d+) (\d+)\s+", data[start:]).groups())
    entries = re.findall(rb"(\d{10}) (\d{5}) ([nf])", data[start:])[:count]
    assert len(entries) == count
    for number, (offset, _, kind) in enumerate(entries, start=first):
        if kind == b"n":
            assert data[int(offset):].startswith(f"{number} 0 obj".encode()), number


def read_pages(data: bytes, *, scale=2.0):
    """``[(text, [decoded QR texts])]`` per page, rendered by PDFium as a printer would."""
    document = pypdfium2.PdfDocument(data)
    pages = []
    for page in document:
        text = page.get_textpage().get_text_range()
        image = page.render(scale=scale).to_pil()
        pages.append((text, sorted(r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode))))
    return pages


def joined(text: str) -> str:
    """The text without white space, so that a link broken over two lines is found whole."""
    return "".join(text.split())


def drawn_qr_matrices(data: bytes):
    """Every QR path (``q 0 g ... re ... f Q``) of the PDF, rebuilt as a 0/1 module matrix, in page order."""
    matrices = []
    view = memoryview(data)
    for start in re.finditer(rb"stream\r?\n", data):
        # zlib finds the stream's own end: a compressed stream may itself end in b"\r", which a
        # pattern up to "\r?\nendstream" would cut off
        try:
            content = zlib.decompressobj().decompress(view[start.end():]).decode("latin-1")
        except zlib.error:
            continue
        for block in re.findall(r"q 0 g [-\d. ]+ cm\n(.*?)\nf Q", content, re.S):
            rects = [tuple(map(int, line.split()[:3])) for line in block.splitlines()]  # x y width, in modules
            n = max(x + w for x, _, w in rects) - 2  # the symbol starts after two modules of quiet zone
            matrix = np.zeros((n, n), dtype=int)
            for x, y, width in rects:
                matrix[y - 2, x - 2:x - 2 + width] = 1
            matrices.append(matrix)
    return matrices


def segno_matrix(url):
    """What segno makes for ``url`` on its own (best mask): the reference for the drawn QR."""
    return np.array([list(row) for row in segno.make(url, error="m", micro=False).matrix])
