"""Reads the app's routes: which are store-scoped, with which permission, and with which path ids."""

import re
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from metco.app import API_PREFIX, API_ROUTERS
from metco.kit.auth import PermissionDependency


@dataclass(frozen=True)
class ScopedRoute:
    method: str
    path: str  # with the /api/v1 prefix
    permission: str | None

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    def url(self, values: dict[str, str]) -> str:
        return re.sub(r"{(\w+)}", lambda m: values[m.group(1)], self.path).removeprefix("/api/v1")


def _permission_dependencies(dependant: Dependant) -> list[PermissionDependency]:
    found = [dependant.call] if isinstance(dependant.call, PermissionDependency) else []
    for sub in dependant.dependencies:
        found.extend(_permission_dependencies(sub))
    return found  # type: ignore[return-value]


def store_scoped_routes(app: FastAPI) -> list[ScopedRoute]:
    routes = []
    for route in (r for router in API_ROUTERS for r in router.routes):
        if not isinstance(route, APIRoute):
            continue
        deps = _permission_dependencies(route.dependant)
        if not deps:
            continue
        permissions = {d.permission for d in deps}
        assert len(permissions) == 1, f"{route.path} asks for several permissions: {permissions}"
        for method in sorted(route.methods):
            routes.append(ScopedRoute(method, API_PREFIX + route.path, next(iter(permissions))))
    return routes
