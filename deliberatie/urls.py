"""URL helpers."""

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths, so ``?next=`` cannot send users elsewhere."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target:
        return fallback
    return target
