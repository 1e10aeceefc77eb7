"""Project images: checked by content and size, stored under instance/uploads/wijkbudget."""

import secrets
from pathlib import Path

from flask import current_app

MAX_BYTES = 2 * 1024 * 1024
SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))


class BadImage(Exception):
    pass


def upload_dir() -> Path:
    """``WIJKBUDGET_UPLOAD_DIR`` if set (tests), else instance/uploads/wijkbudget."""
    configured = current_app.config.get("WIJKBUDGET_UPLOAD_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "uploads" / "wijkbudget"
    path.mkdir(parents=True, exist_ok=True)
    return path


def image_kind(head: bytes) -> str | None:
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def save_image(storage) -> str:
    """Store an uploaded PNG, JPEG or WebP under a random name; return the name.

    The type comes from the file's first bytes, never from its name or the
    browser's claim; more than 2 MB is refused.
    """
    limit = current_app.config.get("WIJKBUDGET_MAX_IMAGE_BYTES", MAX_BYTES)
    data = storage.read(limit + 1)
    if len(data) > limit:
        raise BadImage("too_large")
    kind = image_kind(data[:16])
    if kind is None:
        raise BadImage("bad_type")
    name = f"{secrets.token_hex(12)}.{kind}"
    (upload_dir() / name).write_bytes(data)
    return name


def remove_image(name) -> None:
    """Delete a stored image (replaced or its project deleted); a missing file is fine."""
    if name and "/" not in name and "\\" not in name:
        (upload_dir() / name).unlink(missing_ok=True)
