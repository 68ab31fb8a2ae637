"""French spacing: the space before « : ; ! ? » and after « is a no-break
space, so that a phone never starts a line with a colon or leaves a
guillemet alone at the end of one.

Applied when rendering (the `french_spacing` template filter, and the
notices and chips the index builds in Python), so that the messages in the
catalogues and the text editors type stay as they are.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
_BEFORE = re.compile(r"[ \t]+(?=[:;!?»])")
_AFTER = re.compile(r"«[ \t]+")


def french_spacing(text: str) -> str:
    """`text` with the spaces around French high punctuation made no-break.
    Works on plain text and on HTML alike: it only touches a space followed
    by « : ; ! ? » » or preceded by « « », characters that escaping keeps."""
    return _AFTER.sub("«" + NBSP, _BEFORE.sub(NBSP, text))
