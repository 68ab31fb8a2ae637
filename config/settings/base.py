"""Settings shared by every environment. Everything that differs between
machines comes from environment variables (see `.env.example`)."""

from pathlib import Path

import dj_database_url

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
# The site's public address: every absolute link (emails, sitemap, feeds,
# exports) is built on it, through the Wagtail Site `manage.py configure_site`
# sets up (home/sites.py). In development, the address `make run` serves.
SITE_URL = (env_str("SITE_URL") or f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "directory",
    "calls_for_projects",
    "network_minutes",
    "conventions",
    "events",
    "partners",
    "alerts",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    # Purges the CDN / Varnish on publication (WAGTAILFRONTENDCACHE below).
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    # Two-factor authentication (TOTP) for the admin: django-otp, wired into
    # Wagtail's admin by home/two_factor/.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.forms",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Throttles password logins (the admin's): see "Login throttling" below.
    "axes",
    # Only for Leaflet's static files (served by us, never from a CDN).
    "leaflet",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # 304 answers to If-None-Match / If-Modified-Since, then the full-page
    # cache for anonymous visitors (home/page_cache.py): after the language
    # is known, before anything that may set a cookie (CSRF, messages).
    "django.middleware.http.ConditionalGetMiddleware",
    "home.page_cache.PageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's request.user.is_verified(), then: admin users with a TOTP
    # device (and those who must have one) give their code before the admin.
    "django_otp.middleware.OTPMiddleware",
    "home.two_factor.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Ids out of the database's range answer 404; Permissions-Policy
    # (home/middleware.py).
    "home.middleware.BoundedIdsMiddleware",
    "home.middleware.PermissionsPolicyMiddleware",
    "home.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: answers the lockout page after a refused login.
    "axes.middleware.AxesMiddleware",
]

# /.well-known/security.txt (RFC 9116): whom to tell of a vulnerability, an
# email address or a URL; without it, the site settings' contact address.
SECURITY_CONTACT = env_str("SECURITY_CONTACT")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# One field template for the public forms (home/forms.py).
FORM_RENDERER = "home.forms.SiteFormRenderer"

# --- Database ---------------------------------------------------------------
# SQLite under var/ by default; PostgreSQL (psycopg 3) when DATABASE_URL says so.
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    # The default SQLite file lives in var/, which a fresh clone does not have.
    VAR_DIR.mkdir(exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite and keep files locked.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Login throttling and two-factor authentication -----------------------------
# django-axes counts failed password logins (the admin's login; partners log
# in by emailed one-time links, rate-limited per IP and per address in
# partners/views.py) per user name and client IP: after AXES_FAILURE_LIMIT
# failures that pair is locked out for AXES_COOLOFF_MINUTES, with the page
# templates/axes/lockout.html (HTTP 429). `manage.py axes_reset_username NAME`
# or `axes_reset_ip IP` unlocks before the cool-off ends.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# The client address as the rate limiter sees it (trusted proxies only).
AXES_CLIENT_IP_CALLABLE = "home.ratelimit.client_ip_address"
AXES_VERBOSE = False
# TOTP two-factor authentication (django-otp, home/two_factor/): every admin
# user may add an authenticator app from their account menu; a user with one
# gives a code after the password. With ADMIN_2FA_REQUIRED (on by default in
# production) superusers and members of ADMIN_2FA_GROUPS must set one up
# before they reach the admin.
ADMIN_2FA_REQUIRED = env_bool("ADMIN_2FA_REQUIRED", False)
ADMIN_2FA_GROUPS = env_list("ADMIN_2FA_GROUPS", ["Administration"])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages --------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# English is synchronised from French (home/locales.py, docs/translation.md).
# Machine translation is off unless DEEPL_AUTH_KEY is set (no outside
# service is reachable by default): then wagtail-localize's editor offers
# « Translate with DeepL ». Another service: set WAGTAILLOCALIZE_MACHINE_TRANSLATOR
# to its class, as in wagtail-localize's documentation.
if env_str("DEEPL_AUTH_KEY"):
    WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": "wagtail_localize.machine_translators.deepl.DeepLTranslator",
        "OPTIONS": {"AUTH_KEY": env_str("DEEPL_AUTH_KEY")},
    }
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# S3-compatible media storage (AWS S3, Scaleway, OVH, MinIO, Garage...) when a
# bucket is configured.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME") or None
    AWS_ACCESS_KEY_ID = env_str("AWS_ACCESS_KEY_ID") or None
    AWS_SECRET_ACCESS_KEY = env_str("AWS_SECRET_ACCESS_KEY") or None
    AWS_S3_CUSTOM_DOMAIN = env_str("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_LOCATION = env_str("AWS_LOCATION", "media")
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", False)
    AWS_S3_FILE_OVERWRITE = False

# Private storage: the proposals' uploads (partners.Submission.logo and
# .document) until approval. No URL serves it: moderators read the files
# through the admin view partners_submission_file. On disk PRIVATE_MEDIA_ROOT,
# never under MEDIA_ROOT; on S3 the same bucket under AWS_PRIVATE_LOCATION,
# signed URLs only, no public ACL: the bucket policy must never make that
# prefix public.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT") or VAR_DIR / "private")
if AWS_STORAGE_BUCKET_NAME:
    AWS_PRIVATE_LOCATION = env_str("AWS_PRIVATE_LOCATION", "private")
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "location": AWS_PRIVATE_LOCATION,
            "default_acl": None,
            "querystring_auth": True,
            "custom_domain": None,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["private"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    }

# --- Cache --------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Degrades to "no cache" when Redis fails (home/cache_backends.py).
            "BACKEND": "home.cache_backends.FaultTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "maison-ess"),
            "TIMEOUT": env_int("CACHE_TIMEOUT", 300),
            # A Redis that does not answer fails fast, then is left alone
            # for RETRY_AFTER seconds.
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "RETRY_AFTER": 10,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "maison-ess",
        }
    }

# Where the versions of the versioned caches live (home/cache.py): "cache"
# (shared through Redis) or "database" (the home.CacheVersion table, the
# default without Redis: each worker's local cache holds only values keyed by
# the shared versions, so no worker serves a stale page after a publication).
CACHE_VERSIONS = env_str("CACHE_VERSIONS", "cache" if REDIS_URL else "database")
# The full-page cache for anonymous visitors (home/page_cache.py): on by
# default; an entry lives PAGE_CACHE_TIMEOUT seconds at most (less when a
# call's or an event's status changes sooner); browsers and the CDN keep a
# page PAGE_CACHE_MAX_AGE seconds, then may serve it stale while revalidating
# for PAGE_CACHE_STALE_WHILE_REVALIDATE seconds (both bounded the same way).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_TIMEOUT = env_int("PAGE_CACHE_TIMEOUT", 60)
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 60)
PAGE_CACHE_STALE_WHILE_REVALIDATE = env_int("PAGE_CACHE_STALE_WHILE_REVALIDATE", 30)
# A cache in front of the site (CDN, Varnish, nginx), purged by Wagtail when
# a page is published or unpublished (wagtail.contrib.frontend_cache):
# FRONTEND_CACHE_URL for an HTTP purger (a PURGE request per URL), or
# Cloudflare (CLOUDFLARE_ZONE_ID + CLOUDFLARE_BEARER_TOKEN) or CloudFront
# (CLOUDFRONT_DISTRIBUTION_ID, AWS credentials from the environment).
WAGTAILFRONTENDCACHE = {}
if env_str("FRONTEND_CACHE_URL"):
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": env_str("FRONTEND_CACHE_URL"),
    }
if env_str("CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": env_str("CLOUDFLARE_ZONE_ID"),
        "BEARER_TOKEN": env_str("CLOUDFLARE_BEARER_TOKEN"),
    }
if env_str("CLOUDFRONT_DISTRIBUTION_ID"):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": env_str("CLOUDFRONT_DISTRIBUTION_ID"),
    }

# --- Email ---------------------------------------------------------------------
# No email leaves from inside a web request: EMAIL_BACKEND stores each one as
# a task on the `mail` queue (home/mail.py) and the worker (`manage.py
# db_worker --backend mail --queue-name mail`, beside `make run`; a systemd
# unit in production) sends it through EMAIL_DELIVERY_BACKEND: the console by
# default, SMTP as soon as EMAIL_HOST is set.
EMAIL_BACKEND = "home.mail.QueuedEmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    # A mail server that accepts the connection and never answers must not
    # hold the worker: seconds before the send fails (and is tried again).
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
else:
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Attempts per message (waiting 1, 2, 4, 8... minutes between them).
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 5)
# Background tasks (django-tasks): Wagtail's own (reference and search index
# updates) run at once as before; emails go to the database-backed queue.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "mail": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["mail"]},
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Maison de l'ESS <ne-pas-repondre@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Search -------------------------------------------------------------------
# "database" (default): Wagtail's database backend; on PostgreSQL it uses the
# `french_unaccent` text search configuration created by home's migration 0002.
# "opensearch" / "elasticsearch": a search cluster at SEARCH_URL.
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "database").lower()
SEARCH_URL = env_str("SEARCH_URL")
SEARCH_INDEX_PREFIX = env_str("SEARCH_INDEX_PREFIX", "maison_ess_")

# French analysis for OpenSearch/Elasticsearch: lowercase, accent folding,
# elision (l', d'...) and French light stemming, so the cluster matches the
# way PostgreSQL's french_unaccent configuration does.
_FRENCH_INDEX_SETTINGS = {
    "settings": {
        "analysis": {
            "filter": {
                "french_elision": {
                    "type": "elision",
                    "articles_case": True,
                    "articles": [
                        "l",
                        "m",
                        "t",
                        "qu",
                        "n",
                        "s",
                        "j",
                        "d",
                        "c",
                        "jusqu",
                        "quoiqu",
                        "lorsqu",
                        "puisqu",
                    ],
                },
                "french_stemmer": {"type": "stemmer", "language": "light_french"},
            },
            "analyzer": {
                "default": {
                    "tokenizer": "standard",
                    "filter": ["french_elision", "lowercase", "asciifolding", "french_stemmer"],
                },
            },
        }
    }
}

if SEARCH_BACKEND == "database":
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            # Wagtail's database backend, with French prefix matching on SQLite.
            "BACKEND": "home.search_backend",
            "SEARCH_CONFIG": "french_unaccent" if DATABASE_IS_POSTGRES else None,
        }
    }
elif SEARCH_BACKEND in {"opensearch", "elasticsearch"}:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": (
                "wagtail.search.backends.opensearch3"
                if SEARCH_BACKEND == "opensearch"
                else "wagtail.search.backends.elasticsearch9"
            ),
            "URLS": env_list("SEARCH_URL", ["http://localhost:9200"]),
            "INDEX_PREFIX": SEARCH_INDEX_PREFIX,
            "TIMEOUT": env_int("SEARCH_TIMEOUT", 5),
            "INDEX_SETTINGS": _FRENCH_INDEX_SETTINGS,
        }
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"SEARCH_BACKEND must be database, opensearch or elasticsearch, got {SEARCH_BACKEND!r}"
    )

# --- Content-Security-Policy ------------------------------------------------
# django-csp 4 through home/csp.py, which builds the policies per request: a
# strict one on every public page (no 'unsafe-inline'), a relaxed one under
# CSP_RELAXED_PATHS (Wagtail's admin and its previews). Images may also come
# from the map's tile server (MAP_TILES_URL) and the media storage (S3).
# CSP_REPORT_ONLY=1 sends the same policy as Content-Security-Policy-Report-Only,
# the way to roll it out first (docs/operations.md). The setting names differ
# from the environment's: django-csp's system check refuses its 3.x settings
# (CSP_REPORT_ONLY, CSP_REPORT_URI, CSP_FRAME_SRC...).
CSP_REPORT_ONLY_MODE = env_bool("CSP_REPORT_ONLY", False)
# Where browsers post violation reports (report-uri), e.g. a Sentry endpoint.
CSP_REPORT_ENDPOINT = env_str("CSP_REPORT_URI")
# Comma-separated sources an operator adds to img-src and frame-src
# (https://images.example.org; https://video.example.org for PeerTube).
CSP_EXTRA_IMG_SRC = env_list("CSP_EXTRA_IMG_SRC")
CSP_EXTRA_FRAME_SRC = env_list("CSP_EXTRA_FRAME_SRC")
# Who may frame the embeddable widgets (home/widgets.py), and only them:
# comma-separated origins (https://partner.example.org), default any site.
# Every other page keeps frame-ancestors 'self'.
WIDGET_FRAME_ANCESTORS = env_list("WIDGET_FRAME_ANCESTORS", ["*"])
# The players of the video providers Wagtail's embeds know.
CSP_EMBED_PROVIDERS = [
    "https://www.youtube-nocookie.com",
    "https://www.youtube.com",
    "https://player.vimeo.com",
    "https://www.dailymotion.com",
    "https://geo.dailymotion.com",
]
CSP_RELAXED_PATHS = ["/admin/"]

# --- Wagtail ------------------------------------------------------------------
WAGTAIL_SITE_NAME = env_str("SITE_NAME", "Maison de l'ESS")
# The issuer name authenticator apps show beside the code.
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL") or SITE_URL
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "odp",
    "ods",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "zip",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
# Moderation emails: submitted / approved / rejected notifications go to the
# Modération group members and to the page's author.
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
WAGTAILADMIN_NOTIFICATION_USE_HTML = True
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
TAGGIT_CASE_INSENSITIVE = True

# Maps: the tile server is a setting (OpenStreetMap France by default).
MAP_TILES_URL = env_str("MAP_TILES_URL", "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env_str(
    "MAP_TILES_ATTRIBUTION",
    "&copy; <a href='https://www.openstreetmap.org/copyright'>"
    "les contributeurs d'OpenStreetMap</a>",
)

# Fiche data checked against the official registers (docs/registers.md): an
# editor's action in the admin, off unless REGISTERS_ENABLED=1. The backend
# is a dotted path (tests use directory.registers.fake.FakeRegisters).
REGISTERS_ENABLED = env_bool("REGISTERS_ENABLED", False)
REGISTERS_BACKEND = env_str("REGISTERS_BACKEND", "directory.registers.http.HttpRegisters")
REGISTERS_COMPANY_URL = env_str(
    "REGISTERS_COMPANY_URL", "https://recherche-entreprises.api.gouv.fr"
)
REGISTERS_ADDRESS_URL = env_str("REGISTERS_ADDRESS_URL", "https://api-adresse.data.gouv.fr")
REGISTERS_TIMEOUT = env_int("REGISTERS_TIMEOUT", 5)

# Pagination of public listings and search results.
SEARCH_RESULTS_PER_PAGE = 10
LISTING_PER_PAGE = 12
SEARCH_QUERY_MAX_LENGTH = 200

# Partner proposals (partners/conf.py, docs/partners.md): public forms accept
# PARTNERS_RATE_LIMIT posts per client IP per PARTNERS_RATE_WINDOW seconds
# (counted in the cache: use Redis in production so workers share counters);
# behind N trusted reverse proxies set PARTNERS_TRUSTED_PROXY_COUNT=N.
PARTNERS_RATE_LIMIT = env_int("PARTNERS_RATE_LIMIT", 10)
PARTNERS_RATE_WINDOW = env_int("PARTNERS_RATE_WINDOW", 3600)
PARTNERS_TRUSTED_PROXY_COUNT = env_int("PARTNERS_TRUSTED_PROXY_COUNT", 0)
# The public API (home/api/, docs/api.md): API_RATE_LIMIT requests per client IP
# per API_RATE_WINDOW seconds (same counters and trusted proxies as above).
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 300)
API_RATE_WINDOW = env_int("API_RATE_WINDOW", 60)
PARTNERS_LOGO_MAX_SIZE = env_int("PARTNERS_LOGO_MAX_SIZE", 2 * 1024 * 1024)
PARTNERS_DOCUMENT_MAX_SIZE = env_int("PARTNERS_DOCUMENT_MAX_SIZE", 10 * 1024 * 1024)
PARTNERS_OVERDUE_DAYS = env_int("PARTNERS_OVERDUE_DAYS", 14)
# Accepted upload types, comma-separated, among those the forms recognise by
# their first bytes: image/png, image/jpeg, image/webp, application/pdf (empty:
# the default).
PARTNERS_LOGO_CONTENT_TYPES = env_list("PARTNERS_LOGO_CONTENT_TYPES") or [
    "image/png",
    "image/jpeg",
    "image/webp",
]
PARTNERS_DOCUMENT_CONTENT_TYPES = env_list("PARTNERS_DOCUMENT_CONTENT_TYPES") or ["application/pdf"]
PARTNERS_LOGIN_LINK_MAX_AGE = env_int("PARTNERS_LOGIN_LINK_MAX_AGE", 30 * 60)
PARTNERS_TEXT_MAX_LENGTH = env_int("PARTNERS_TEXT_MAX_LENGTH", 5000)
# Personal data of decided proposals (and of the announcements' relayed
# messages) is erased this many months after the decision by
# `manage.py purge_personal_data`, run daily.
PARTNERS_PERSONAL_DATA_MONTHS = env_int("PARTNERS_PERSONAL_DATA_MONTHS", 12)

# --- Backups --------------------------------------------------------------------
# `manage.py backup_site` writes the database and every media storage into
# BACKUP_DIR and keeps the newest BACKUP_KEEP backups (home/backups.py).
BACKUP_DIR = Path(env_str("BACKUP_DIR") or VAR_DIR / "backups")
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
