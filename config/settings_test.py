"""Settings for the test suite: the production settings with XIETONG_ENV=test."""

import os

os.environ["XIETONG_ENV"] = "test"

from config.settings import *  # noqa: E402,F403

# Django's test client `login()` calls authenticate() without a request, which axes' backend
# refuses (it has no client to count). Only that request-less call skips the lockout check;
# every sign-in through the login page, in the tests too, goes through axes unchanged.
AUTHENTICATION_BACKENDS = [  # noqa: F405
    "tests.signin_backend.RequestOptionalAxesBackend",
    *AUTHENTICATION_BACKENDS[1:],  # noqa: F405
]
