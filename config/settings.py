"""Settings: SQLite by default, everything else from the environment (SPEC §6)."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default)
    if value not in ("0", "1", "true", "false", "True", "False"):
        raise ImproperlyConfigured(f"{name} must be 0 or 1, got {value!r}")
    return value in ("1", "true", "True")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", "0")
SECRET_KEY = os.getenv("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")

# Name shown in the admin header (SPEC: the district); configurable per deployment.
SITE_NAME = os.getenv("SITE_NAME", "大渡口区调解员队伍与专家库登记系统")

INSTALLED_APPS = [
    "config.apps.RegistryAdminConfig",  # django.contrib.admin with the task-grouped site (config/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "import_export",
    "simple_history",
    "django_tables2",
    "django_tasks",
    "django_tasks_db",
    "config.apps.LoginSecurityConfig",  # django-axes: failed-login throttling (logins and sessions block below)
    "registry",
    "training",
    "subsidies",
    "branding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as axes documents: turns a lockout into its page
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
    )
}
# SQLite for a small bureau (several clerks importing on a busy morning): WAL lets readers go on
# while one writes; every transaction takes the write lock when it begins (IMMEDIATE) and waits up
# to SQLITE_BUSY_TIMEOUT seconds for it, so concurrent imports queue instead of failing with
# "database is locked" halfway through. See docs/robustness.md.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_BUSY_TIMEOUT", "60"),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Behind pgbouncer in transaction pooling mode (docs/deployment.md): Django's server-side cursors
# would outlive the transaction that pgbouncer pins them to. Reports stream inside a transaction
# (registry.kernel.reporting.routing) and need not this switch; set it only if other code iterates.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = envbool("DB_DISABLE_SERVER_SIDE_CURSORS", "0")
# Off by default: a read replica for the reports and the dashboard (docs/deployment.md).
REPORTS_DATABASE_URL = os.getenv("REPORTS_DATABASE_URL", "")
if REPORTS_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(REPORTS_DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", "60")) | {
        "TEST": {"MIRROR": "default"}
    }
    DATABASE_ROUTERS = ["registry.kernel.reporting.routing.ReportReplicaRouter"]
# The dashboard's numbers are cached per (report, as-of date, scope) until the data changes;
# this bounds an entry's life besides (registry.kernel.reporting.cache).
REPORT_OVERVIEW_CACHE_SECONDS = envint("REPORT_OVERVIEW_CACHE_SECONDS", "600")
# 0: the dashboard is always exact. N > 0 (a province or the nation, where the data changes every
# second): it may show numbers up to N seconds old, labelled with their time, while a task
# recomputes them — needs a cache the web servers and the task worker share (docs/performance.md).
REPORT_OVERVIEW_STALE_SECONDS = envint("REPORT_OVERVIEW_STALE_SECONDS", "0")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Chinese for the few strings Django and its add-ons show untranslated (locale/zh_Hans).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"

# ---- Logins and sessions (issue 17; docs/安全与个人信息.md) -------------------------------------
# Failed-login throttling by django-axes: after AXES_FAILURE_LIMIT wrong passwords for one username
# from one IP address, that pair is locked for AXES_COOLOFF_MINUTES; the bureau unlocks earlier by
# deleting the attempt in the admin (访问尝试). Axes' backend must come first and needs `request`
# in authenticate() (the login form passes it; tests: client.login(request=HttpRequest(), ...)).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "30"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"  # the Chinese lockout page
AXES_COOLOFF_MESSAGE = "登录失败次数过多，账号已暂时锁定，请稍后再试或联系区司法局管理员解锁。"
AXES_PERMALOCK_MESSAGE = AXES_COOLOFF_MESSAGE
# Django's four standard validators; their messages come in Chinese from Django's own translations.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A session ends after SESSION_IDLE_HOURS without a request (every request renews it) and when
# the browser closes.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_HOURS", "8") * 3600
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Uploads: an Excel roster of 100k rows is ~10 MB; refuse anything far larger up front.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", str(30 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

SIMPLE_HISTORY_REVERT_DISABLED = True

# Secure defaults whenever DEBUG is off. HTTPS redirect is left to the reverse proxy
# (SECURE_SSL_REDIRECT=1 turns it on here); the proxy must set X-Forwarded-Proto.
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0")
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # the probe speaks plain HTTP to the app server
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"

# Import records and background imports (docs/导入记录与后台任务.md). Uploaded files are kept in
# MEDIA_ROOT (never served directly: the admin hands them out to who may see the record) and
# deleted by `manage.py purge_import_files` once older than IMPORT_FILE_RETENTION_DAYS.
MEDIA_ROOT = Path(os.getenv("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
IMPORT_FILE_RETENTION_DAYS = envint("IMPORT_FILE_RETENTION_DAYS", str(3 * 365))
IMPORT_UNDO_WINDOW_HOURS = envint("IMPORT_UNDO_WINDOW_HOURS", "24")  # a clerk's own town's imports
IMPORT_BACKGROUND_ROWS = envint("IMPORT_BACKGROUND_ROWS", "5000")  # above this the admin imports as a task
IMPORT_STALL_SECONDS = envint("IMPORT_STALL_SECONDS", "120")  # no progress that long: the worker died
# The task queue lives in the database (django-tasks-db): no broker. One worker process runs the
# queued imports: `python manage.py db_worker` (`make demo` starts one beside the server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Progress of a running import is written outside its (all-or-nothing) transaction, so other
# processes can read it: a file cache shared by the web server and the worker on this host.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "imports": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.getenv("IMPORT_PROGRESS_DIR", str(BASE_DIR / "var" / "import-progress")),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("DJANGO_LOG_LEVEL", "WARNING")},
}
