"""Checks on what the public sends: uploaded files and free text.

Uploads are judged by their first bytes (not by their name or the browser's
declared type) and their size, with limits from `partners.conf`. Free text
becomes rich text made of plain paragraphs and links only: whatever HTML a
person types is escaped, so no markup of theirs ever reaches a page.
"""

from __future__ import annotations

import re
from html import unescape

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext_lazy as _

from home.validation import (  # noqa: F401 - the forms import them from here too
    FIRST_PLAUSIBLE_YEAR,
    LAST_PLAUSIBLE_YEAR,
    validate_no_control_characters,
    validate_plausible_year,
)

from . import conf

SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]
EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/webp": {".webp"},
}
LABELS = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/webp": "WebP",
}


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _formats(allowed) -> str:
    return ", ".join(LABELS.get(ct, ct) for ct in allowed)


def validate_upload(upload, *, allowed_types, max_size) -> str:
    """Refuse a file that is too big or whose content is not one of
    `allowed_types`; returns the detected content type."""
    if upload.size > max_size:
        raise ValidationError(
            _("Ce fichier pèse %(size)s : la taille maximale est %(max)s."),
            code="file_too_big",
            params={"size": filesizeformat(upload.size), "max": filesizeformat(max_size)},
        )
    if upload.size == 0:
        raise ValidationError(_("Ce fichier est vide."), code="file_empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type not in allowed_types:
        raise ValidationError(
            _("Ce fichier n'est pas au bon format : formats acceptés : %(formats)s."),
            code="file_type",
            params={"formats": _formats(allowed_types)},
        )
    name = (upload.name or "").lower()
    if not any(name.endswith(ext) for ext in EXTENSIONS.get(content_type, ())):
        raise ValidationError(
            _("L'extension du fichier ne correspond pas à son contenu (%(format)s)."),
            code="file_extension",
            params={"format": LABELS.get(content_type, content_type)},
        )
    if content_type.startswith("image/"):
        _check_image(upload)
    return content_type


def _check_image(upload) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("Cette image est illisible ou endommagée."), code="file_broken"
        ) from error
    finally:
        upload.seek(0)


def validate_logo(upload) -> str:
    return validate_upload(
        upload, allowed_types=conf.get("LOGO_CONTENT_TYPES"), max_size=conf.get("LOGO_MAX_SIZE")
    )


def validate_document(upload) -> str:
    return validate_upload(
        upload,
        allowed_types=conf.get("DOCUMENT_CONTENT_TYPES"),
        max_size=conf.get("DOCUMENT_MAX_SIZE"),
    )


# --- Free text: control characters, plausible dates -------------------------------

# --- Free text → rich text ---------------------------------------------------------

URL_RE = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)


def _paragraph(text: str) -> str:
    parts = []
    position = 0
    for match in URL_RE.finditer(text):
        parts.append(escape(text[position : match.start()]))
        url = match.group(0)
        parts.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        position = match.end()
    parts.append(escape(text[position:]))
    return "<br/>".join("".join(parts).split("\n"))


def plain_to_richtext(text: str) -> str:
    """Paragraphs separated by blank lines, line breaks kept, http(s)
    addresses turned into links; everything else is escaped text."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{_paragraph(p)}</p>" for p in paragraphs)


def richtext_to_plain(html: str) -> str:
    """A page's rich text as the plain text a form shows (for an update)."""
    html = html or ""
    html = re.sub(r"<br\s*/?>", "\n", html, flags=re.IGNORECASE)
    html = re.sub(r"</(p|h[1-6]|li|ul|ol|blockquote)>", "\n\n", html, flags=re.IGNORECASE)
    text = unescape(strip_tags(html))
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
