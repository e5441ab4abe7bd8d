"""Settings for the test suite: the production settings with XIETONG_ENV=test."""

import os

os.environ["XIETONG_ENV"] = "test"

from config.settings import *  # noqa: E402,F403
