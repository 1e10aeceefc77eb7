"""Mail servers that hold or drop mail: an answer must neither wait for nor fail with them."""

import threading

from deliberatie import mail


class HeldMailServer:
    def __init__(self):
        self.release = threading.Event()
        self.delivered = threading.Event()
        self.sent = []

    def __call__(self, *args, **kwargs):  # stands in for smtplib.SMTP(host, port, timeout=...)
        return self

    def __enter__(self):
        self.release.wait(timeout=10)
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def send_message(self, message):
        self.sent.append(message)
        self.delivered.set()


def hold_mail(monkeypatch, app) -> HeldMailServer:
    """Configure a mail server whose connection waits until ``release`` is set."""
    server = HeldMailServer()
    monkeypatch.setattr(mail.smtplib, "SMTP", server)
    app.config["MAIL_SERVER"] = "smtp.example.org"
    return server


def break_mail(monkeypatch):
    """Every mail the account pages send fails as an unreachable mail server would."""
    import smtplib

    from deliberatie.auth import views

    def broken(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(views, "send_mail", broken)
