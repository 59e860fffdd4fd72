#!/usr/bin/env python3
"""nacos-sdk-python 2.0.11 with a username and password against a nacos-server with auth on.

Usage:
    python nacos_sdk_auth.py --server 127.0.0.1:<httpPort> --username U --password P [--namespace N]
                             [--seconds S] <scenario>

Scenarios:
    session   register, subscribe, a second instance is pushed, then S seconds of queries (longer than a
              token's life: the SDK must renew it), then a third instance is pushed
    refused   every register and query fails (wrong password, or no permission in the namespace); the
              error text is reported

Every check prints one JSON line {"check": name, "ok": bool, ...}; the last is the summary. Exit status 0
when every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
import time

for _proxy_variable in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "grpc_proxy", "all_proxy", "ALL_PROXY"):
    os.environ.pop(_proxy_variable, None)

from v2.nacos import (ClientConfigBuilder, NacosNamingService,  # noqa: E402
                      RegisterInstanceParam, SubscribeServiceParam)
from v2.nacos.utils.net_util import NetUtils  # noqa: E402

RESULTS: list = []


def check(name: str, ok: bool, **details) -> bool:
    RESULTS.append(ok)
    print(json.dumps({"check": name, "ok": bool(ok), **details}, default=str), flush=True)
    return ok


async def bounded(awaitable, seconds: float = 10.0):
    return await asyncio.wait_for(awaitable, seconds)


async def make_client(args):
    workdir = tempfile.mkdtemp(prefix="nacos-sdk-auth-")
    config = (ClientConfigBuilder()
              .server_address(",".join(args.server))
              .namespace_id(args.namespace)
              .username(args.username)
              .password(args.password)
              .log_dir(os.path.join(workdir, "logs"))
              .cache_dir(os.path.join(workdir, "cache"))
              .log_level(logging.INFO)
              .load_cache_at_start(False)
              .build())
    config.set_update_cache_when_empty(True)
    return await bounded(NacosNamingService.create_naming_service(config), 15)


async def register(naming, service: str, port: int):
    return await bounded(naming.register_instance(
        RegisterInstanceParam(service_name=service, ip="127.0.0.1", port=port, ephemeral=True)))


async def ports_of(naming, service: str) -> list:
    """A direct ServiceQueryRequest: a fresh answer from the server, never the SDK's cache."""
    info = await bounded(naming.grpc_client_proxy.query_instance_of_service(service, "DEFAULT_GROUP", "", False))
    return sorted(h.port for h in (info.hosts or []))


async def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.1)
    return predicate()


async def scenario_session(args) -> None:
    naming = await make_client(args)
    service = "auth-session"
    pushed: list = []

    async def on_push(instances):
        pushed.append(sorted(i.port for i in instances))

    check("register.first", await register(naming, service, 7001) is True)
    await bounded(naming.subscribe(SubscribeServiceParam(service_name=service, subscribe_callback=on_push)))
    second = await make_client(args)
    check("register.second", await register(second, service, 7002) is True)
    check("pushed.second", await wait_for(lambda: any(p == [7001, 7002] for p in pushed), 20), pushes=pushed[-3:])
    started = time.monotonic()
    failures = []
    rounds = 0
    while time.monotonic() - started < args.seconds:
        rounds += 1
        try:
            ports = await ports_of(naming, service)
            if ports != [7001, 7002]:
                failures.append({"round": rounds, "ports": ports})
        except Exception as error:  # noqa: BLE001
            failures.append({"round": rounds, "error": f"{type(error).__name__}: {error}"})
        await asyncio.sleep(0.5)
    check("queries.across.token.lifetimes", not failures and rounds > 0, rounds=rounds, failures=failures[:5])
    # One instance per service per client (Nacos 2.x): the second client's new instance replaces its old one.
    check("register.third", await register(second, service, 7003) is True)
    check("pushed.third", await wait_for(lambda: any(p == [7001, 7003] for p in pushed), 20), pushes=pushed[-3:])
    for client in (naming, second):
        try:
            await asyncio.wait_for(client.shutdown(), 3)
        except Exception:  # noqa: BLE001 - 2.0.11's shutdown awaits a non-coroutine
            pass


async def scenario_refused(args) -> None:
    errors = []
    try:
        naming = await make_client(args)
    except Exception as error:  # noqa: BLE001
        check("refused.connect", True, error=f"{type(error).__name__}: {error}")
        return
    for name, attempt in (("register", register(naming, "auth-refused", 7101)), ("query", ports_of(naming, "auth-refused"))):
        try:
            result = await attempt
            check(f"refused.{name}", False, unexpected=result)
        except Exception as error:  # noqa: BLE001
            text = f"{type(error).__name__}: {error}"
            errors.append(text)
            check(f"refused.{name}", True, error=text)
    try:
        await asyncio.wait_for(naming.shutdown(), 3)
    except Exception:  # noqa: BLE001
        pass


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", action="append", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--namespace", default="")
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("scenario", choices=["session", "refused"])
    args = parser.parse_args()
    try:
        NetUtils.get_local_ip()
    except Exception:  # noqa: BLE001
        NetUtils.get_local_ip = staticmethod(lambda: "127.0.0.1")
    scenario = scenario_session if args.scenario == "session" else scenario_refused
    try:
        await asyncio.wait_for(scenario(args), args.timeout)
    except Exception as error:  # noqa: BLE001
        check("scenario", False, error=f"{type(error).__name__}: {error}")
    passed = bool(RESULTS) and all(RESULTS)
    print(json.dumps({"check": "summary", "ok": passed, "checks": len(RESULTS)}), flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
