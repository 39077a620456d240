"""What a reading is held to against the truth, in the benchmarks and the tests that score OCR.

One comparison for all of them (it was written again in eleven modules): NFKC folds full and
half width (`，` and `,`, `１` and `1`), and whitespace is dropped (a scan cannot show whether a
space was printed). It is not `flows.text.normalize`, the reader's key for printed text, which
also unifies bracket styles: here a bracket read in another style still counts as misread.
"""

from __future__ import annotations

import unicodedata


def loose(text: object) -> str:
    """`text` (None: blank; anything else as `str`) NFKC-folded, with no whitespace."""
    return "".join(unicodedata.normalize("NFKC", "" if text is None else str(text)).split())
