"""Printable letters with personal codes (stemcodes, steuncodes, invitation codes): one fast PDF writer.

Every letter of a batch has the same text; only the codes, their links and
QR codes differ. So the static text is broken into lines once per batch
(fpdf2's ``multi_cell(dry_run=True)``) and each letter only places those
lines with :meth:`FPDF.text`; each QR code is one filled path of rectangles
written straight into the page's content stream; and the QR's mask is chosen
by scoring all eight masks at once with numpy, exactly as segno does
(ISO/IEC 18004 7.8.3), instead of segno's pure-Python loop over them.

Core PDF fonts know Windows-1252 only (it has the euro sign, Latin-1 does
not); other characters become ``?``.
"""

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import segno

__all__ = ["Letter", "Paragraph", "cp1252", "letters_pdf", "qr_matrix"]

MARGIN = 20.0  # mm
WIDTH = 170.0  # text width on A4


@dataclass(frozen=True)
class Letter:
    """One page: its codes as ``(code, url)`` pairs and an optional small line at the top (e.g. an address id)."""

    codes: tuple
    header: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: str
    size: float = 12
    bold: bool = False
    leading: float = 6.5  # line height in mm
    space_after: float = 4


@dataclass
class _Line:
    text: str
    size: float
    bold: bool
    dy: float  # offset of the baseline from the top of the text block


@dataclass
class _Layout:
    lines: list = field(default_factory=list)
    height: float = 0.0


def cp1252(text) -> str:
    """What the PDF's core fonts can show: Windows-1252, anything else replaced by ``?``."""
    return str(text).encode("cp1252", "replace").decode("cp1252")


def letters_pdf(letters, *, title, paragraphs, code_label="", author="", qr_size=40.0, code_size=22) -> bytes:
    """The PDF, one A4 page per :class:`Letter`.

    ``paragraphs`` (:class:`Paragraph`) are the same on every page; below them
    each code of the letter gets a block: ``code_label``, the code large in
    monospace, its link, and a QR code of the link at the right.
    """
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(False)
    pdf.set_compression(True)
    pdf.set_title(cp1252(title))
    if author:
        pdf.set_author(cp1252(author))
    layout, widths = None, {}
    label = cp1252(code_label)
    link_width = WIDTH - qr_size - 6
    for letter in letters:
        pdf.add_page()
        if layout is None:  # fpdf2 breaks lines only with a page open
            layout = _layout(pdf, paragraphs)
        y = 25.0
        if letter.header:
            _font(pdf, 8, False)
            pdf.text(MARGIN, 15, cp1252(letter.header))
        for line in layout.lines:
            _font(pdf, line.size, line.bold)
            pdf.text(MARGIN, y + line.dy, line.text)
        y += layout.height + 4
        for code, url in letter.codes:
            top = y
            if label:
                _font(pdf, 12, False)
                pdf.text(MARGIN, y + 5, label)
                y += 8
            pdf.set_font("Courier", "B", code_size)
            pdf.text(MARGIN, y + code_size * 0.41, code)
            y += code_size * 0.64
            _font(pdf, 10, False)
            for part in _wrap_chars(pdf, cp1252(url), link_width, widths):
                pdf.text(MARGIN, y + 4, part)
                y += 5.5
            matrix = qr_matrix(url)
            _draw_qr(pdf, matrix, x=MARGIN + WIDTH - qr_size, y=top - 2, size=qr_size)
            y = max(y, top - 2 + qr_size) + 6
    return bytes(pdf.output())


def _font(pdf, size, bold):
    pdf.set_font("Helvetica", "B" if bold else "", size)


def _layout(pdf, paragraphs) -> _Layout:
    """Line breaks of the static text, computed once per batch."""
    layout, y = _Layout(), 0.0
    for paragraph in paragraphs:
        _font(pdf, paragraph.size, paragraph.bold)
        for block in cp1252(paragraph.text).split("\n"):
            lines = pdf.multi_cell(WIDTH, paragraph.leading, block, dry_run=True, output="LINES") if block else [""]
            for text in map(_undo_normalising, lines):
                # the baseline sits about 0.35 of the font size (pt -> mm) below the line's middle
                baseline = y + paragraph.leading / 2 + paragraph.size * 0.3528 * 0.35
                layout.lines.append(_Line(text, paragraph.size, paragraph.bold, baseline))
                y += paragraph.leading
        y += paragraph.space_after
    layout.height = y
    return layout


def _undo_normalising(line):
    """fpdf2's dry run returns lines already encoded (Windows-1252 bytes read as Latin-1); text() encodes again."""
    try:
        return line.encode("latin-1").decode("cp1252")
    except UnicodeError:  # a line fpdf2 gave back as it was
        return line


def _wrap_chars(pdf, text, width, widths):
    """Break a link (no spaces) anywhere so that each part fits ``width``; ``widths`` caches character widths."""
    for ch in set(text) - widths.keys():
        widths[ch] = pdf.get_string_width(ch)
    if sum(widths[ch] for ch in text) <= width:
        return [text]
    parts, start, used, after_separator = [], 0, 0.0, None
    for i, ch in enumerate(text):
        w = widths[ch]
        if used + w > width and i > start:
            cut = after_separator or i  # rather after a / ? & = than inside the code
            parts.append(text[start:cut])
            start, used, after_separator = cut, sum(widths[c] for c in text[cut:i]), None
        used += w
        if ch in "/?&=":
            after_separator = i + 1
    parts.append(text[start:])
    return parts


def _draw_qr(pdf, matrix, *, x, y, size):
    """Fill the dark modules as rectangles, one per horizontal run, with a two-module quiet zone."""
    n = matrix.shape[0]
    module = size / (n + 4)
    padded = np.zeros((n, n + 2), dtype=np.int8)
    padded[:, 1:-1] = matrix
    edges = np.diff(padded, axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)  # same row-major order as the starts
    # in module units, rows downwards, from the top left corner of the quiet zone
    scale = module * pdf.k
    _fill_rectangles(pdf, (scale, 0, 0, -scale, x * pdf.k, (pdf.h - y) * pdf.k),
                     zip((starts + 2).tolist(), (rows + 2).tolist(), (ends - starts).tolist()))


def _fill_rectangles(pdf, transform, rectangles):
    """Write one black filled path of unit-high rectangles ``(x, y, width)`` into the page's content stream.

    ``transform`` maps the rectangles' integer grid onto the page (PDF ``cm``),
    so each rectangle is four small integers. fpdf2 has no public call for many
    rectangles at once and ``rect()`` per rectangle costs about 50 times more;
    ``_out`` is fpdf2's own writer of content-stream operators (what ``rect()``
    uses too), and this is the only place that calls it.
    """
    matrix = " ".join(f"{v:.4f}" for v in transform)
    pdf._out(f"q 0 g {matrix} cm\n" + "\n".join(f"{a} {b} {c} 1 re" for a, b, c in rectangles) + "\nf Q")


# -- QR codes: segno's matrix, the mask chosen with numpy -------------------------------------------------

def qr_matrix(url, error="m") -> np.ndarray:
    """The QR code of ``url`` (no Micro QR) as a 0/1 array, with the mask ISO 18004 prescribes.

    Equal to ``segno.make(url, error=error, micro=False).matrix``: segno
    encodes with mask 0, numpy undoes that mask, applies all eight to the
    data modules and scores them with segno's penalty rules (N1-N4), and the
    format information of the best mask is written in. Two to three times
    faster than segno's own mask search; ``tests`` check the matrices are equal.
    """
    qr = segno.make(url, error=error, micro=False, mask=0)
    matrix = np.array([list(row) for row in qr.matrix], dtype=np.int8)
    data, fixed = _regions(matrix.shape[0])
    patterns = _mask_patterns(matrix.shape[0])
    raw = matrix ^ (patterns[0] & data)
    candidates = raw[None, :, :] ^ (patterns & data)
    candidates[:, fixed] = 0  # format, version info and the dark module are not yet there when scoring
    best = int(np.argmin(_penalties(candidates)))
    if best == 0:
        return matrix
    return _with_format(raw ^ (patterns[best] & data), qr, best)


@lru_cache(maxsize=64)
def _regions(n):
    """(data modules, format/version modules) of an ``n`` x ``n`` QR code, as segno lays them out."""
    from segno import encoder

    function = encoder.make_matrix(n, n)
    encoder.add_finder_patterns(function, n, n)
    encoder.add_alignment_patterns(function, n, n)
    function[-8][8] = 0x1
    data = np.array([list(row) for row in function]) > 1
    reserved = encoder.make_matrix(n, n, add_timing=False)
    fixed = np.array([list(row) for row in reserved]) == 0
    fixed[-8, 8] = True
    fixed[6, :] = fixed[:, 6] = False  # the timing pattern crosses the format areas and stays
    data.flags.writeable = fixed.flags.writeable = False
    return data.astype(np.int8), fixed


@lru_cache(maxsize=64)
def _mask_patterns(n):
    i, j = np.indices((n, n))
    patterns = np.array([
        (i + j) % 2 == 0, i % 2 == 0, j % 3 == 0, (i + j) % 3 == 0, (i // 2 + j // 3) % 2 == 0,
        (i * j) % 2 + (i * j) % 3 == 0, ((i * j) % 2 + (i * j) % 3) % 2 == 0,
        ((i + j) % 2 + (i * j) % 3) % 2 == 0], dtype=np.int8)
    patterns.flags.writeable = False
    return patterns


def _with_format(matrix, qr, mask):
    from segno import consts, encoder

    rows = tuple(bytearray(row.tolist()) for row in matrix)
    encoder.add_format_info(rows, int(qr.version), consts.ERROR_MAPPING[qr.error], mask)
    return np.array([list(row) for row in rows], dtype=np.int8)


def _penalties(candidates):
    """segno's ``mask_scores`` summed, for a stack of masked matrices (m, n, n) at once."""
    m, n, _ = candidates.shape
    lines = np.concatenate([candidates, candidates.transpose(0, 2, 1)], axis=1)  # (m, 2n, n): rows, then columns
    # N1: every run of five or more equal modules scores its length minus two
    padded = np.full((m, 2 * n, n + 2), 2, dtype=np.int8)
    padded[:, :, -1] = 3
    padded[:, :, 1:-1] = lines
    flat = padded.reshape(-1)
    change = np.flatnonzero(flat[1:] != flat[:-1])
    lengths = np.diff(change)
    owner = change[:-1] // (2 * n * (n + 2))
    long = lengths >= 5
    n1 = np.bincount(owner[long], weights=lengths[long] - 2, minlength=m)
    # N2: every 2x2 block of one colour scores 3
    c = candidates
    same = (c[:, 1:, 1:] == c[:, 1:, :-1]) & (c[:, 1:, 1:] == c[:, :-1, 1:]) & (c[:, 1:, 1:] == c[:, :-1, :-1])
    n2 = 3 * same.sum(axis=(1, 2))
    # N3: 1:1:3:1:1 with four light modules before or after (segno's scan, including its skipping)
    bits = np.zeros(lines.shape[:2] + (n - 6,), dtype=np.int16)
    for k in range(7):
        bits = (bits << 1) | lines[:, :, k:n - 6 + k]
    found = bits == 0b1011101
    n3 = _n3_scores(lines, found, n)
    # N4: ten points per five percent away from half dark
    dark = candidates.sum(axis=(1, 2))
    n4 = np.array([10 * int(abs(float(d) / (n * n) * 100 - 50) / 5) for d in dark.tolist()])
    return n1 + n2 + n3 + n4


def _n3_scores(lines, found, n):
    m = lines.shape[0]
    masks, which, starts = np.nonzero(found)
    if not len(masks):
        return np.zeros(m)
    cum = np.concatenate([np.zeros((m, lines.shape[1], 1), dtype=np.int32), np.cumsum(lines, axis=2, dtype=np.int32)],
                         axis=2)
    lo = np.maximum(starts - 4, 0)
    before = cum[masks, which, starts] - cum[masks, which, lo] == 0
    hi = np.minimum(starts + 11, n)
    after = cum[masks, which, hi] - cum[masks, which, np.minimum(starts + 7, n)] == 0
    counts = (starts == 0) | (starts == n - 7) | before | after
    # segno searches on from +7 after a counted match and from +4 after another, so a match 4 or 6
    # modules after a counted one is missed (the pattern overlaps itself only at those shifts)
    line_ids = masks * lines.shape[1] + which
    keys = line_ids * n + starts
    earlier = {shift: _member(keys, keys - shift) for shift in (4, 6)}
    missed = np.zeros(len(keys), dtype=bool)
    for shift, has in earlier.items():
        prior = np.searchsorted(keys, keys[has] - shift)
        missed[has] |= counts[prior]
    # three or more overlapping matches (rare): segno's scan step by step, for those lines only
    third = _member(keys, keys - 8) | _member(keys, keys - 10) | _member(keys, keys - 12)
    chained = _member(np.unique(line_ids[(earlier[4] | earlier[6]) & third]), line_ids)
    plain = counts & ~missed & ~chained
    scores = 40.0 * np.bincount(masks[plain], minlength=m)
    if chained.any():
        scores += _n3_scan(masks[chained], which[chained], starts[chained], counts[chained], m)
    return scores


def _member(sorted_keys, values):
    """``values`` that occur in ``sorted_keys`` (np.isin for a sorted array, without its sorting)."""
    if not len(sorted_keys):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    return sorted_keys[at] == values


def _n3_scan(masks, which, starts, counts, m):
    scores = np.zeros(m)
    skip_after = {}
    for mask, line, start, ok in zip(masks.tolist(), which.tolist(), starts.tolist(), counts.tolist()):
        key = (mask, line)
        if skip_after.get(key, -1) > start:
            continue
        if ok:
            scores[mask] += 40
            skip_after[key] = start + 7
        else:
            skip_after[key] = start + 4
    return scores
