"""Uploaded CSV files as text."""


def decode_upload(data):
    """The upload as text, or None when it is not UTF-8 text.

    A byte-order mark (Excel's "CSV UTF-8") is dropped. A NUL character counts as
    not text: it only turns up in a file saved in another format, and PostgreSQL
    cannot store it in a text column.
    """
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    return None if "\x00" in text else text
