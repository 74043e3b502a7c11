"""config.settings as production runs them (DEBUG=0 from the environment), for the
gunicorn subprocess tests, except that static files are not precompressed:
brotli over every file takes half a minute those tests need not spend."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
