"""What every third-party integration (payment providers, carriers) shares: its settings fields, a store's
configuration of it as adapters receive it, and the merging of settings and write-only secrets."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from metco.kit.errors import InvalidInput

MAX_SETTING_LENGTH = 4000


@dataclass(frozen=True)
class SettingField:
    name: str
    description: str
    secret: bool = False  # write-only, stored encrypted, never returned
    required: bool = False  # needed before the integration can be enabled
    choices: tuple[str, ...] = ()
    default: str | bool | None = None


@dataclass(frozen=True)
class IntegrationConfig:
    """A store's settings of one integration, with its secrets decrypted, as an adapter receives them."""

    store_id: uuid.UUID
    settings: Mapping[str, Any]
    secrets: Mapping[str, str]
    webhook_url: str
    api_base: str | None = None  # the platform's override of the vendor's API address (tests: a local fake)

    def secret(self, name: str) -> str:
        return self.secrets.get(name, "")


def defaults(fields: tuple[SettingField, ...]) -> dict[str, Any]:
    return {f.name: f.default for f in fields if not f.secret and f.default is not None}


def merge_settings(name: str, fields: tuple[SettingField, ...], public: dict[str, Any], secrets: dict[str, str],
                   values: Mapping[str, Any], *, enabling: bool) -> None:
    """Applies `values` to `public` and `secrets` in place: an absent name is kept, null or "" clears it.
    Unknown names, bad values and (when enabling) missing required fields are 422s naming `settings.<name>`."""
    by_name = {f.name: f for f in fields}
    for key, value in values.items():
        spec = by_name.get(key)
        if spec is None:
            known = ", ".join(sorted(by_name)) or "none"
            raise InvalidInput(f"settings.{key}", f"is not a setting of {name} (its settings: {known})")
        target: dict[str, Any] = secrets if spec.secret else public
        if value is None or value == "":
            target.pop(key, None)
        else:
            target[key] = _checked(spec, value)
    if enabling:
        for spec in fields:
            if spec.required and not (secrets if spec.secret else public).get(spec.name):
                raise InvalidInput(f"settings.{spec.name}", f"is needed before {name} can be enabled")


def _checked(spec: SettingField, value: Any) -> Any:
    field = f"settings.{spec.name}"
    if isinstance(spec.default, bool):
        if not isinstance(value, bool):
            raise InvalidInput(field, "must be true or false")
        return value
    if not isinstance(value, str):
        raise InvalidInput(field, "must be a string")
    if len(value) > MAX_SETTING_LENGTH:
        raise InvalidInput(field, f"must be at most {MAX_SETTING_LENGTH} characters")
    if spec.choices and value not in spec.choices:
        raise InvalidInput(field, f"must be one of {', '.join(spec.choices)}")
    if spec.name.endswith("_url") and not value.startswith(("https://", "http://")):
        raise InvalidInput(field, "must be an http(s) URL")
    return value.strip()
