"""The printed stemcode letters: one page per code, the code and link in text, a QR code that reads as the link."""

import random
import string

import numpy as np
import pytest
import segno

from deliberatie import letters
from deliberatie.codes import random_code
from deliberatie.wijkbudget.codes import codes_pdf
from tests.wijkbudget.pdf_letters import check_structure, drawn_qr_matrices, joined, read_pages, segno_matrix


def _url(code):
    return f"https://deliberatie.example.nl/wijkbudget/12/stemmen?code={code}"


def test_qr_matrix_is_segnos_with_the_best_mask():
    rng = random.Random(7)
    urls = [_url(random_code()) for _ in range(60)]
    urls += ["".join(rng.choice(string.ascii_letters + string.digits + "/:?&=.-") for _ in range(length))
             for length in (1, 9, 30, 70, 120, 180, 260, 400)]  # versions 1 to 13, with version information from 7
    chosen = set()
    for url in urls:
        ours, reference = letters.qr_matrix(url), segno.make(url, error="m", micro=False)
        assert np.array_equal(ours, segno_matrix(url)), url
        chosen.add(reference.mask)
    assert len(chosen) >= 5  # the comparison covered many masks, not only mask 0


def test_every_code_gets_its_own_page_with_code_link_and_qr():
    codes = [random_code() for _ in range(5)]
    pdf = codes_pdf(codes, _url, title="Wijkbudget Oost – groen", gemeente="’s-Hertogenbosch",
                    period="01-03-2027 tot en met 15-03-2027", budget="€ 50.000")
    check_structure(pdf)
    pages = read_pages(pdf)
    assert len(pages) == len(codes)
    for code, (text, qrs) in zip(codes, pages):
        assert code in text and _url(code) in joined(text)
        assert "€ 50.000" in text and "Wijkbudget Oost – groen" in text  # Windows-1252: euro sign, en dash
        assert "Gemeente ’s-Hertogenbosch" in text and "één keer stemmen" in text
        assert qrs == [_url(code)]
        assert not [other for other in codes if other != code and other in text]


def test_drawn_qr_is_exactly_segnos_matrix():
    """A reader corrects a few wrong modules; this compares every module."""
    codes = [random_code() for _ in range(3)]
    drawn = drawn_qr_matrices(codes_pdf(codes, _url, title="T", gemeente="G", period="p", budget="€ 1"))
    assert len(drawn) == 3
    for code, matrix in zip(codes, drawn):
        assert np.array_equal(matrix, segno_matrix(_url(code)))


def test_characters_outside_windows_1252_become_question_marks():
    pdf = codes_pdf([random_code()], _url, title="Wijk Ωmega", gemeente="G", period="p", budget="€ 1")
    [(text, _)] = read_pages(pdf)
    assert "Wijk ?mega" in text and "€ 1" in text


def test_no_codes_gives_an_empty_document():
    pdf = codes_pdf([], _url, title="T", gemeente="G", period="p", budget="€ 1")
    check_structure(pdf)


@pytest.mark.parametrize("chains", [False, True])
def test_mask_penalties_are_segnos_including_overlapping_finder_like_runs(chains):
    """N1-N4 as segno scores them, on random symbols with 1:1:3:1:1 runs planted alone, overlapping and in chains
    (three overlapping runs take the step-by-step scan, fewer the vectorised rule)."""
    from segno import encoder

    rng = np.random.default_rng(3 + chains)
    planted = [[1, 0, 1, 1, 1, 0, 1], [1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1], [1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1],
               [0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0]]
    if chains:
        planted.append([1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1])
    for n in (21, 25, 33, 45):
        stack = (rng.random((8, n, n)) < rng.uniform(0.2, 0.8)).astype(np.int8)
        for m in range(8):
            for _ in range(6):
                run = np.array(planted[rng.integers(len(planted))], dtype=np.int8)
                row, col = rng.integers(n), rng.integers(n - len(run) + 1)
                if rng.random() < 0.5:
                    stack[m, row, col:col + len(run)] = run
                else:
                    stack[m, col:col + len(run), row] = run
        ours = letters._penalties(stack)
        theirs = [sum(encoder.mask_scores(tuple(bytearray(r.tolist()) for r in x), n, n)) for x in stack]
        assert ours.tolist() == theirs
