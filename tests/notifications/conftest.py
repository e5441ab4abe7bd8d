"""Fixtures for the notification tests: a public site address for the links, and mail
backends that refuse or that take their time (for the senders racing on PostgreSQL)."""

import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

SITE = "https://xietong.example.gov.cn"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.XIETONG_SITE_URL = SITE


@pytest.fixture
def refusing_relay(monkeypatch):
    """The relay refuses every message until `.restore()`."""

    class Relay:
        def __init__(self):
            self.original = EmailBackend.send_messages
            monkeypatch.setattr(EmailBackend, "send_messages", self.refuse)

        @staticmethod
        def refuse(backend, messages):
            raise ConnectionRefusedError("the relay refused the connection")

        def restore(self):
            monkeypatch.setattr(EmailBackend, "send_messages", self.original)

    return Relay()


SENT_LOCK = threading.Lock()


class SlowBackend(EmailBackend):
    """locmem, but each message takes a moment: concurrent senders overlap for real."""

    def send_messages(self, messages):
        time.sleep(0.02)
        with SENT_LOCK:
            mail.outbox.extend(messages)
        return len(messages)
