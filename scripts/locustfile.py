"""The load test's visitors (locust): they browse the pages of a plan that ``manage.py loadtest``
writes (home, catalog list variants, many product pages, the analysis page where it exists,
the recommendation page), each request one task, grouped in the statistics by page.

Run through ``make loadtest`` / ``manage.py loadtest``, which builds the plan from the catalog
and the URLconf, starts ``locust --headless`` with this file and reads its summary. The plan is a
JSON file named by locust's ``--plan`` option (added here)::

    {"pages": [{"name": "home", "weight": 2, "urls": ["/"]}, ...],
     "requests": 2400, "wait": [0.0, 0.0]}

``requests``: the run stops once that many requests have been answered (``--run-time`` is
only the upper bound); ``wait``: each visitor's think time between requests (seconds, min/max).
At the end the final statistics (per page and overall: requests, failures, p50, p95, from
locust's own ``StatsEntry``) are written as JSON to ``--summary`` when it is given
(locust's ``--csv`` files are rewritten once a second, so they may miss the last requests).

No Django here: this runs in locust's gevent process, which only speaks HTTP to the server.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import gevent
from locust import FastHttpUser, between, events, task
from locust.env import Environment


def load_plan(path: str | None = None) -> dict:
    """The plan at ``path``; without one, the pages every server of this project has (no
    product ids are known without the catalog)."""
    if path:
        return json.loads(Path(path).read_text())
    return {
        "pages": [
            {"name": "home", "weight": 1, "urls": ["/"]},
            {"name": "catalog", "weight": 1, "urls": ["/catalog/"]},
            {"name": "recommend", "weight": 1, "urls": ["/recommend/?use=gaming"]},
        ],
        "requests": 0,
        "wait": [0.0, 0.0],
    }


# what the run does; set from --plan when locust starts (``_start``)
_run: dict[str, object] = {"plan": load_plan(), "answered": 0, "env": None}


@events.init_command_line_parser.add_listener
def _options(parser: object) -> None:
    parser.add_argument("--plan", default="", help="the plan (JSON) manage.py loadtest wrote")
    parser.add_argument("--summary", default="", help="write the final statistics (JSON) here")


@events.init.add_listener
def _start(environment: Environment, **_kwargs: object) -> None:
    _run["env"] = environment
    options = environment.parsed_options
    plan = load_plan(getattr(options, "plan", "") or None)
    plan["pages"] = [p for p in plan["pages"] if p["urls"] and p.get("weight", 1) > 0]
    _run["plan"] = plan
    Visitor.wait_time = between(*plan.get("wait", [0.0, 0.0]))


@events.request.add_listener
def _count(**_kwargs: object) -> None:
    """Stop the run once the plan's ``requests`` were answered (failures count too)."""
    _run["answered"] = int(_run["answered"]) + 1
    env, stop_after = _run["env"], int(_run["plan"].get("requests") or 0)
    if stop_after and _run["answered"] == stop_after and env is not None and env.runner:
        gevent.spawn(env.runner.quit)


def summary(env: Environment) -> dict:
    """Requests, failures, p50 and p95 (ms) of each page and of all requests together."""

    def entry(stats: object) -> dict:
        return {
            "requests": stats.num_requests,
            "failures": stats.num_failures,
            "p50_ms": stats.get_response_time_percentile(0.5) if stats.num_requests else 0,
            "p95_ms": stats.get_response_time_percentile(0.95) if stats.num_requests else 0,
            "rps": stats.total_rps,
        }

    pages = {name: entry(stats) for (name, _method), stats in sorted(env.stats.entries.items())}
    errors = env.stats.total.num_failures + sum(e["count"] for e in env.runner.exceptions.values())
    return {"pages": pages, "total": entry(env.stats.total), "errors": errors}


@events.quit.add_listener
def _write_summary(**_kwargs: object) -> None:
    env = _run["env"]
    target = getattr(env.parsed_options, "summary", "") if env is not None else ""
    if target and env.runner is not None:
        Path(target).write_text(json.dumps(summary(env)))


class Visitor(FastHttpUser):
    """One visitor: picks a page by weight, then one of its addresses at random."""

    wait_time = between(0.0, 0.0)  # the plan's "wait", set when locust starts

    @task
    def browse(self) -> None:
        pages = _run["plan"]["pages"]
        page = random.choices(pages, weights=[p.get("weight", 1) for p in pages])[0]
        url = random.choice(page["urls"])
        with self.client.get(url, name=page["name"], catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
