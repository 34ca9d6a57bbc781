"""Settings for the test suite: the project's settings with development defaults."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests

# Tasks run in-process (tests/registry/test_import_background.py also drives the db worker's code).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "imports": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "imports"},
}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="registry-test-media-"))  # kept import files stay out of the tree
