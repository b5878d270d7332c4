"""All configuration: environment variables prefixed METCO_ (a .env file is read too)."""

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-insecure-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="METCO_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite+aiosqlite:///./metco.db"
    db_pool_size: int = Field(10, ge=1, le=200)
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    base_url: str = "http://127.0.0.1:8000"
    redis_url: str | None = None
    smtp_url: str | None = None
    log_level: str = "INFO"
    log_json: bool | None = None
    run_worker: bool = True  # `metco serve --no-worker` turns the in-process worker off
    media_dir: str = "./media"  # where uploaded images and their renditions are kept
    media_url: str = "/media"  # the URL they are served at (a CDN's, in front of the media folder)

    # Outbox delivery: a failing event is retried after ~base * 2^n seconds (capped), and marked failed after
    # max_attempts (the defaults give up after about an hour). A lease outlives a crashed worker's claim.
    worker_max_attempts: int = Field(10, ge=1, le=100)
    worker_backoff_base_seconds: float = Field(10.0, gt=0)
    worker_backoff_cap_seconds: float = Field(3600.0, gt=0)
    worker_lease_seconds: float = Field(60.0, gt=0)
    worker_batch_size: int = Field(50, ge=1, le=1000)
    worker_poll_seconds: float = Field(1.0, gt=0)

    # The platform's cut of every sale (a percentage in basis points plus a fixed amount in minor units), and how
    # long captured money stays pending before it can be paid out.
    platform_fee_basis_points: int = Field(0, ge=0, le=10000)
    platform_fee_fixed: int = Field(0, ge=0)
    balance_hold_hours: float = Field(48.0, ge=0)

    # Where the payment providers' APIs are. Tests point these at local fakes that speak the same wire format.
    stripe_api_base: str = "https://api.stripe.com"
    paypal_api_base: str | None = None  # None: PayPal's sandbox or live API, by the store's `mode` setting
    # Carriers' APIs, likewise.
    easypost_api_base: str = "https://api.easypost.com"
    shiprocket_api_base: str = "https://apiv2.shiprocket.in"
    carrier_rates_timeout_seconds: float = Field(3.0, gt=0)  # a live rate slower than this falls back

    # Notifications: mail goes to METCO_SMTP_URL (smtp://user:pass@host:port, smtps:// for TLS) or, when it is
    # unset, into the local mailbox at /admin/mailbox. A failed delivery is retried with exponential backoff
    # and jitter, then marked failed.
    mail_from: str = "Metco <no-reply@metco.local>"
    notify_max_attempts: int = Field(8, ge=1, le=50)
    notify_backoff_base_seconds: float = Field(30.0, gt=0)
    notify_backoff_cap_seconds: float = Field(3600.0, gt=0)
    smtp_timeout_seconds: float = Field(10.0, gt=0)
    # SMS through Twilio's Messages API (unset: SMS is not sent, and says so on the notification).
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from: str | None = None  # an E.164 number or a Messaging Service SID (MG…)
    twilio_api_base: str = "https://api.twilio.com"
    # Web push (VAPID). Without a key, one is derived from METCO_SECRET_KEY so push works with no set-up.
    vapid_private_key: SecretStr | None = None  # PEM or raw base64url P-256 private key
    vapid_subject: str = "mailto:support@metco.local"

    token_ttl_days: int = Field(30, ge=1)
    password_reset_ttl_minutes: int = Field(60, ge=5, le=60)
    invitation_ttl_days: int = Field(7, ge=1)

    login_failure_window_seconds: int = Field(900, ge=1)
    login_max_failures_per_email: int = Field(5, ge=1)
    login_max_failures_per_client: int = Field(20, ge=1)

    # argon2id cost; tests lower it so that a suite of thousands of signups stays quick.
    argon2_time_cost: int = Field(3, ge=1)
    argon2_memory_cost_kib: int = Field(65536, ge=8)
    argon2_parallelism: int = Field(4, ge=1)

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, url: str) -> str:
        for plain, driver in (
            ("postgres://", "postgresql+asyncpg://"),
            ("postgresql://", "postgresql+asyncpg://"),
            ("sqlite:///", "sqlite+aiosqlite:///"),
        ):
            if url.startswith(plain):
                return driver + url.removeprefix(plain)
        return url

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, url: str) -> str:
        return url.rstrip("/")


@lru_cache
def get_settings() -> Settings:
    return Settings()
