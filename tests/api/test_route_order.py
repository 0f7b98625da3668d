"""Route order: the busiest routes are matched first (kuaiban/app.py), and no route hides another.

FastAPI tries routes in the order they were added and takes the first that matches, so moving a router
forward could, in principle, make one of its routes answer a path another router's route was meant to
answer. Here every JSON route's own path (its parameters filled in) must reach that route first.
"""

from __future__ import annotations

import re

from fastapi.routing import APIRoute

from kuaiban.app import create_app


def _routes_in_matching_order(app) -> list[APIRoute]:
    flat: list[APIRoute] = []
    for route in app.router.routes:
        inner = getattr(route, "original_router", None)  # an included router: its routes, in order
        flat += [r for r in (inner.routes if inner is not None else [route]) if isinstance(r, APIRoute)]
    return flat


def test_every_route_answers_its_own_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_JOB_WORKER", "0")
    routes = _routes_in_matching_order(create_app(f"sqlite:///{tmp_path / 'routes.db'}"))
    assert len(routes) > 150
    hidden = []
    for route in routes:
        for fill in ("1", "x"):
            path = re.sub(r"\{[^}]+\}", fill, route.path)
            for method in route.methods:
                first = next(r for r in routes if method in r.methods and r.path_regex.match(path))
                if first is not route:
                    hidden.append((method, path, route.path, first.path))
    assert hidden == []


def test_health_and_case_routes_are_matched_before_the_other_routers(tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_JOB_WORKER", "0")
    paths = [r.path for r in _routes_in_matching_order(create_app(f"sqlite:///{tmp_path / 'routes.db'}"))]
    first_other = min(paths.index(p) for p in ("/api/documents", "/api/programs", "/login"))
    assert paths.index("/api/health") < first_other
    assert paths.index("/api/cases/{number}/status") < first_other
