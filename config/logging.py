"""Logging helpers referenced from settings.LOGGING (kept free of Django imports)."""

import logging


class OneLine(logging.Filter):
    """Drop the traceback from a record, keeping its one-line message.

    Used for requests with a host name the site does not serve: scanners send them all day,
    the message names the host, and a traceback per request would bury real errors.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
