"""Settings shared by every environment. Environments differ only through environment variables
(`DATABASE_URL`, `REDIS_URL`, `CELERY_BROKER_URL`, `DJANGO_*`)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE

from linke import embedded

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV", default=True):  # `make test` turns it off: tests ignore a local .env
    env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-insecure-linke-secret-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "linke.apps.OperatorsAdminConfig",  # django.contrib.admin with the operators' site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "phonenumber_field",
    "django_scopes",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "linke",
    # The domain apps, in the order of their layers (each imports only those listed before it).
    "reference",
    "providers",
    "merchants",
    "contracts",
    "compliance",
    "certification",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # early: every response gets the policy, the guard's and errors' too
    "linke.http.ClientIPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "linke.http.RequestGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "linke.http.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "linke.urls"
ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/")
# The address in emails and QR codes. In development the port `make run` serves (PORT); production requires it.
SITE_URL = env("DJANGO_SITE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}")
WSGI_APPLICATION = "linke.wsgi.application"
ASGI_APPLICATION = "linke.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "linke.context_processors.notifications",
                "providers.context_processors.portal",
            ],
        },
    },
]
# Widgets render with Jinja2 (Django's own widget templates), the admin's with the template language.
FORM_RENDERER = "linke.renderers.FormRenderer"

# --- Database ------------------------------------------------------------------------------
# Without DATABASE_URL the Makefile starts the embedded server (linke/embedded.py) on this URL.
DATABASES = {"default": env.db("DATABASE_URL", default=embedded.URL)}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
# A pool of persistent connections: opening a connection per request costs more than ten times
# the throughput. Django's psycopg 3 pool (CONN_MAX_AGE must stay 0 with it).
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
    "min_size": env.int("DJANGO_DB_POOL_MIN", default=1),
    "max_size": env.int("DJANGO_DB_POOL_MAX", default=10),
    "timeout": 10,
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker ------------------------------------------------------------------------
# The cache backs rate limits, so it must be shared between processes: Redis when REDIS_URL is
# set, otherwise the database cache table (created by `manage.py createcachetable`).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # The database cache's incr() rewrites the entry with the default timeout: an hour keeps hourly
    # rate-limit windows alive. (Its increments are not atomic, so production requires Redis.)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "linke_cache",
            "TIMEOUT": 3600,
        }
    }

BROKER_DIR = Path(env("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    # kombu's filesystem transport: an embedded broker that works between processes on one machine.
    {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": 3600}
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE = {
    # Each entry expires: a beat tick that no worker picked up in time is dropped, not piled up.
    "sweep-domain-events": {
        "task": "linke.tasks.sweep_events_task",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    "purge-read-notifications": {
        "task": "linke.tasks.purge_read_notifications_task",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": timedelta(hours=1).total_seconds()},
    },
    # leads: claims whose protection ran out go back to the public pool (merchants.services.leads)
    "release-expired-leads": {
        "task": "merchants.tasks.release_expired_leads_task",
        "schedule": timedelta(minutes=10),
        "options": {"expires": timedelta(minutes=9).total_seconds()},
    },
    # rfqs: open needs past their deadline close, with their proposals (contracts.services.rfqs)
    "close-due-rfqs": {
        "task": "contracts.tasks.rfqs_close_due_task",
        "schedule": timedelta(minutes=10),
        "options": {"expires": timedelta(minutes=9).total_seconds()},
    },
    # contracts: signed ones start on their start date, active ones end after their end date (China's day:
    # CELERY_TIMEZONE), shortly after midnight, then hourly as a catch-up (contracts.services.contracts)
    "activate-due-contracts": {
        "task": "contracts.tasks.contracts_activate_due_task",
        "schedule": crontab(hour=0, minute=5),
        "options": {"expires": timedelta(hours=1).total_seconds()},
    },
    "end-due-contracts": {
        "task": "contracts.tasks.contracts_end_due_task",
        "schedule": crontab(hour=0, minute=10),
        "options": {"expires": timedelta(hours=1).total_seconds()},
    },
    "activate-due-contracts-hourly": {
        "task": "contracts.tasks.contracts_activate_due_task",
        "schedule": crontab(minute=35),
        "options": {"expires": timedelta(minutes=50).total_seconds()},
    },
    "end-due-contracts-hourly": {
        "task": "contracts.tasks.contracts_end_due_task",
        "schedule": crontab(minute=40),
        "options": {"expires": timedelta(minutes=50).total_seconds()},
    },
    # deliverables: the month's deliverables on the 1st (after the contracts started that day), automatic
    # acceptance and the SLA check every 10 minutes, the previous month's KPIs on the 1st
    # (contracts.services.deliverables)
    "generate-monthly-deliverables": {
        "task": "contracts.tasks.monthly_deliverables_generate_task",
        "schedule": crontab(day_of_month=1, hour=0, minute=20),
        "options": {"expires": timedelta(hours=6).total_seconds()},
    },
    "auto-accept-deliverables": {
        "task": "contracts.tasks.deliverables_auto_accept_task",
        "schedule": timedelta(minutes=10),
        "options": {"expires": timedelta(minutes=9).total_seconds()},
    },
    "check-slas": {
        "task": "contracts.tasks.sla_check_task",
        "schedule": timedelta(minutes=10),
        "options": {"expires": timedelta(minutes=9).total_seconds()},
    },
    "evaluate-kpis": {
        "task": "contracts.tasks.kpis_evaluate_task",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
        "options": {"expires": timedelta(hours=6).total_seconds()},
    },
    # money: the previous month's statements, on the 1st after the contracts ended at midnight, and on the
    # 2nd as a catch-up (contracts.services.money)
    "issue-due-statements": {
        "task": "contracts.tasks.statements_issue_due_task",
        "schedule": crontab(day_of_month="1,2", hour=0, minute=30),
        "options": {"expires": timedelta(hours=6).total_seconds()},
    },
}

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "linke.User"
# The tenant: what audit events, notifications and domain events belong to (linke names no app itself).
TENANT_MODEL = "providers.Provider"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_ADAPTER = "linke.accounts.AccountAdapter"
# Where a person lands after logging in: the first channel they belong to (a test of the user, its home).
HOME_CHANNELS = [
    ("providers.tenancy.is_member", "portal:home"),
    ("merchants.tenancy.is_merchant", "merchant:home"),
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the email in the same browser logs in and continues to `next` (e.g. an invitation link).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "linke.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "【林客】"
# allauth's own rate limits (in the shared cache, per client as linke.http.client_ip sees it).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # 5 wrong passwords per account at one address (linke.accounts); 60 a minute from one address in all
    "login_failed": "60/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "林客 Linke"

# --- I18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "CN"

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Private uploads (business licences, evidence) live outside the web root and are served by views.
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("DJANGO_EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="林客 Linke <noreply@linke.test>")
# Where providers write to the platform operators (a suspended provider's home page names it).
LINKE_SUPPORT_EMAIL = env("DJANGO_SUPPORT_EMAIL", default="support@linke.test")

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "linke.api.parsers.JSONParser",
        "linke.api.parsers.FormParser",
        "linke.api.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "linke.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Linke API",  # ASCII: it becomes the schema download's file name
    "DESCRIPTION": "The open interface of Linke: the same operations as the provider portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "DEFAULT_GENERATOR_CLASS": "linke.api.schema.SchemaGenerator",
    "ENUM_NAME_OVERRIDES": {
        "ServiceAreaEnum": "providers.choices.ServiceArea",
        "CooperationModeEnum": "providers.choices.CooperationMode",
        "RoleEnum": "providers.choices.Role",
        "AssignableRoleEnum": "providers.services.team.ASSIGNABLE_ROLE_CHOICES",
        "ProviderStatusEnum": "providers.choices.ProviderStatus",
        "ApplicationStatusEnum": "providers.choices.ApplicationStatus",
        "RequestStatusEnum": "merchants.choices.RequestStatus",
        "ClaimStatusEnum": "merchants.choices.ClaimStatus",
        "DisputeStatusEnum": "merchants.choices.DisputeStatus",
        "RfqStatusEnum": "contracts.choices.RfqStatus",
        "ProposalStatusEnum": "contracts.choices.ProposalStatus",
        "ContractStatusEnum": "contracts.choices.ContractStatus",
        "ContractEventKindEnum": "contracts.choices.ContractEventKind",
        "StandardKindEnum": "contracts.choices.StandardKind",
        "ServiceLevelEnum": "providers.choices.ServiceLevel",
        "SideEnum": "contracts.choices.Side",
        "DeliverableStatusEnum": "contracts.choices.DeliverableStatus",
        "StatementStatusEnum": "contracts.choices.StatementStatus",
        "GmvKindEnum": "contracts.choices.GmvKind",
        "GmvRecordResultStatusEnum": "contracts.api.money.RESULT_STATUSES",
    },
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/favicon.svg",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "linke.api.schema.document_errors",
    ],
}

# --- Security -----------------------------------------------------------------------------
# Sessions are read from the cache and written through to the database, which keeps them across a cache
# flush: with Redis (production) a signed-in page does not query the database for its session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Behind a proxy set DJANGO_CLIENT_IP_META_KEY (e.g. HTTP_X_REAL_IP) so that rate limits and audit
# records see the visitor, not the balancer (linke.http.client_ip).
CLIENT_IP_META_KEY = env("DJANGO_CLIENT_IP_META_KEY", default="REMOTE_ADDR")
RATELIMIT_IP_META_KEY = "linke.http.rate_limit_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
