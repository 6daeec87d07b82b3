"""Settings for the test suite: Luoshi's own, with the database from
``LUOSHI_TEST_DATABASE_URL`` (PostgreSQL in the second run) and a throw-away data dir."""

import os
import tempfile

os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-test-"))
os.environ.setdefault("LUOSHI_SECRET_KEY", "luoshi-tests-only")
os.environ.pop("LUOSHI_TODAY", None)  # tests fix time with time-machine (tests/clock.py)

from luoshi.settings import *  # noqa: E402,F403
from luoshi.settings import _database  # noqa: E402

if os.environ.get("LUOSHI_TEST_DATABASE_URL"):
    DATABASES = {"default": _database(os.environ["LUOSHI_TEST_DATABASE_URL"])}
else:
    # a file, not memory: tests of concurrent writers need several connections
    DATABASES = {"default": _database(None)}
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["LUOSHI_DATA_DIR"], "test.sqlite3")}

LUOSHI_TODAY = None  # nor by a demo's date left in the data directory
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# WhiteNoise looks for the collected static folder when the app loads; pages in the tests
# are served from the apps' own static folders
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
