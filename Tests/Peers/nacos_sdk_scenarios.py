#!/usr/bin/env python3
"""Scenarios that drive nacos-sdk-python 2.0.11's v2 asyncio naming client against a Nacos server.

Usage:
    python nacos_sdk_scenarios.py --server 127.0.0.1:<httpPort> [--server ...] [options] <scenario> [args]

The SDK dials gRPC on <httpPort> + 1000. Every check prints one JSON line on stdout,
``{"check": "<name>", "ok": true|false, ...details}``; ``watch`` also prints
``{"event": "push", ...}`` lines. The last line is ``{"check": "summary", ...}``.
Exit status: 0 when every check passed, 1 when a check failed or the scenario ran out of
time, 2 on bad usage. Every await is bounded by --op-timeout and by the overall --timeout.

Scenarios:
    basic                      register/list/fields, push between two clients, batch, deregister,
                               group and namespace isolation, service list
    invalid                    invalid port / empty service name are rejected by the server
                               (raw InstanceRequest through the SDK's own gRPC connection)
    hold <service> <ip> <port> register, print {"check":"registered",...}, sleep until killed
    watch <service>            subscribe, print {"event":"push","hosts":[...]} per push
    idle <seconds>             stay idle; the connection must survive the SDK's health checks
    cluster                    three --server values: register on 1, pushed on 2, listed on 3
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
import traceback
import uuid

# These scripts only talk to local servers: keep grpcio away from any proxy settings.
for _proxy_variable in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "grpc_proxy", "all_proxy",
                        "ALL_PROXY"):
    os.environ.pop(_proxy_variable, None)

from v2.nacos import (BatchRegisterInstanceParam, ClientConfigBuilder, DeregisterInstanceParam,  # noqa: E402
                      Instance, ListInstanceParam, ListServiceParam, NacosException, NacosNamingService,
                      RegisterInstanceParam, SubscribeServiceParam)
from v2.nacos.naming.model.naming_request import InstanceRequest  # noqa: E402
from v2.nacos.transport.connection_event_listener import ConnectionEventListener  # noqa: E402
from v2.nacos.utils.net_util import NetUtils  # noqa: E402

DEFAULT_GROUP = "DEFAULT_GROUP"
GRPC_PORT_OFFSET = 1000


class ScenarioTimeout(Exception):
    """Raised when the overall --timeout is exhausted."""


class Report:
    """Prints one JSON line per check and remembers whether all passed."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.started = time.monotonic()

    def check(self, name: str, ok: bool, **details) -> bool:
        ok = bool(ok)
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        line = {"check": name, "ok": ok}
        line.update(details)
        self.emit(line)
        return ok

    def emit(self, line: dict) -> None:
        line.setdefault("elapsedMs", int((time.monotonic() - self.started) * 1000))
        sys.stdout.write(json.dumps(line, default=str, sort_keys=False) + "\n")
        sys.stdout.flush()

    @property
    def all_passed(self) -> bool:
        return self.failed == 0 and self.passed > 0


class Budget:
    """Bounds every await by a per-operation timeout and the overall deadline."""

    def __init__(self, overall_seconds: float, op_seconds: float) -> None:
        self.deadline = time.monotonic() + overall_seconds
        self.op_seconds = op_seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def bound(self, seconds: float | None = None) -> float:
        remaining = self.remaining()
        if remaining <= 0:
            raise ScenarioTimeout("overall timeout exhausted")
        return max(0.01, min(seconds if seconds is not None else self.op_seconds, remaining))

    async def op(self, awaitable, seconds: float | None = None):
        return await asyncio.wait_for(awaitable, self.bound(seconds))


def describe_error(error: BaseException) -> dict:
    """A JSON-friendly description of an exception."""
    details = {"errorType": type(error).__name__, "error": str(error)}
    if isinstance(error, NacosException):
        details["errorCode"] = error.error_code
        details["errorMessage"] = error.message
    code = getattr(error, "code", None)
    if callable(code) and type(error).__name__ == "AioRpcError":
        details["grpcCode"] = str(code())
        details["grpcDetails"] = error.details()
    return details


def instance_json(instance) -> dict:
    """An SDK Instance as a plain dict (every field the server sent)."""
    if isinstance(instance, dict):
        return instance
    return instance.model_dump()


def host_keys(hosts) -> list:
    return sorted(f"{h['ip']}:{h['port']}" for h in (instance_json(x) for x in hosts or []))


def find_host(hosts, ip: str, port: int) -> dict | None:
    for host in hosts or []:
        data = instance_json(host)
        if data.get("ip") == ip and data.get("port") == port:
            return data
    return None


def compare_instance(actual: dict | None, expected: dict) -> dict:
    """Field-by-field mismatches between a host the server returned and what we expect."""
    if actual is None:
        return {"instance": {"expected": "present", "actual": None}}
    mismatches = {}
    for field, want in expected.items():
        got = actual.get(field)
        if field == "metadata":
            got = got or {}
            missing = {k: v for k, v in want.items() if got.get(k) != v}
            if missing:
                mismatches[field] = {"expected": want, "actual": got}
        elif field == "weight":
            if not isinstance(got, (int, float)) or abs(float(got) - float(want)) > 1e-9:
                mismatches[field] = {"expected": want, "actual": got}
        elif got != want or type(got) is not type(want):
            mismatches[field] = {"expected": want, "actual": got}
    return mismatches


class ConnectionWatch(ConnectionEventListener):
    """Observes one SDK RpcClient: reconnects, server switches, health checks, connection events."""

    def __init__(self, rpc_client) -> None:
        self.rpc_client = rpc_client
        self.reconnects = 0
        self.server_switches = 0
        self.health_checks: list = []
        self.events: list = []
        original_reconnect = rpc_client.reconnect
        original_switch = rpc_client.switch_server_async
        original_health_check = rpc_client.send_health_check

        async def reconnect(context):
            self.reconnects += 1
            return await original_reconnect(context)

        async def switch_server_async(server_info, on_request_fail):
            self.server_switches += 1
            return await original_switch(server_info, on_request_fail)

        async def send_health_check():
            started = time.monotonic()
            healthy = await original_health_check()
            self.health_checks.append({"healthy": bool(healthy),
                                       "durationMs": int((time.monotonic() - started) * 1000),
                                       "at": time.time()})
            return healthy

        rpc_client.reconnect = reconnect
        rpc_client.switch_server_async = switch_server_async
        rpc_client.send_health_check = send_health_check

    async def on_connected(self) -> None:
        self.events.append({"event": "connected", "at": time.time()})

    async def on_disconnect(self) -> None:
        self.events.append({"event": "disconnected", "at": time.time()})

    def connection_id(self) -> str | None:
        connection = self.rpc_client.current_connection
        return connection.get_connection_id() if connection else None

    def server_address(self) -> str | None:
        connection = self.rpc_client.current_connection
        return connection.get_server_info().get_address() if connection else None

    def snapshot(self) -> dict:
        return {"connectionId": self.connection_id(), "server": self.server_address(),
                "status": str(self.rpc_client.rpc_client_status), "reconnects": self.reconnects,
                "serverSwitches": self.server_switches, "healthChecks": len(self.health_checks),
                "failedHealthChecks": sum(1 for h in self.health_checks if not h["healthy"]),
                "connectionEvents": [e["event"] for e in self.events]}


class PushRecorder:
    """A subscribe callback that records every instance list the SDK delivers."""

    def __init__(self, name: str, on_push=None) -> None:
        self.name = name
        self.pushes: list = []
        self.on_push = on_push
        self._changed = asyncio.Event()

    async def callback(self, instances) -> None:
        push = {"at": time.time(), "hosts": [instance_json(i) for i in instances or []]}
        self.pushes.append(push)
        self._changed.set()
        if self.on_push is not None:
            self.on_push(push)

    async def wait_for(self, predicate, budget: Budget, seconds: float, start: int = 0):
        """Waits until a push at index >= start satisfies predicate(hosts); returns (push, index) or (None, -1)."""
        end = time.monotonic() + seconds
        while True:
            for index in range(start, len(self.pushes)):
                if predicate(self.pushes[index]["hosts"]):
                    return self.pushes[index], index
            remaining = end - time.monotonic()
            if remaining <= 0:
                return None, -1
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), budget.bound(remaining))
            except asyncio.TimeoutError:
                pass


class SdkClient:
    """One NacosNamingService (its own gRPC channel) plus observers."""

    def __init__(self, name: str, namespace: str, servers: list, naming: NacosNamingService) -> None:
        self.name = name
        self.namespace = namespace
        self.servers = servers
        self.naming = naming
        self.rpc_client = naming.grpc_client_proxy.rpc_client
        self.watch = ConnectionWatch(self.rpc_client)

    def describe(self) -> dict:
        details = {"client": self.name, "namespace": self.namespace, "servers": self.servers}
        details.update(self.watch.snapshot())
        return details


class Context:
    """Shared state of one scenario run."""

    def __init__(self, args, report: Report) -> None:
        self.args = args
        self.report = report
        self.budget = Budget(args.timeout, args.op_timeout)
        self.uid = uuid.uuid4().hex[:8]
        self.workdir = args.work_dir or tempfile.mkdtemp(prefix="nacos-sdk-scenarios-")
        self.clients: list = []

    async def client(self, name: str, namespace: str = "", servers: list | None = None,
                     update_cache_when_empty: bool = False) -> SdkClient:
        servers = servers or self.args.server
        builder = (ClientConfigBuilder()
                   .server_address(",".join(servers))
                   .namespace_id(namespace)
                   .log_dir(os.path.join(self.workdir, "logs"))
                   .cache_dir(os.path.join(self.workdir, "cache", name))
                   .log_level(logging.DEBUG if self.args.debug else logging.INFO)
                   .load_cache_at_start(False))
        config = builder.build()
        # Without this the SDK ignores pushes/answers with an empty host list (keeps the old cache).
        config.set_update_cache_when_empty(update_cache_when_empty)
        try:
            naming = await self.budget.op(NacosNamingService.create_naming_service(config),
                                          max(self.args.op_timeout, 12.0))
        except Exception as error:  # noqa: BLE001
            self.report.check(f"connect.{name}", False, namespace=namespace, servers=servers,
                              **describe_error(error))
            raise
        dedupe_log_handlers()
        client = SdkClient(name, namespace, servers, naming)
        self.clients.append(client)
        await client.rpc_client.register_connection_listener(client.watch)
        connection_id = client.watch.connection_id()
        self.report.check(f"connect.{name}", bool(connection_id) and client.rpc_client.is_running(),
                          clientIp=NetUtils.get_local_ip(), **client.describe())
        return client

    async def shutdown(self) -> None:
        for client in self.clients:
            try:
                await asyncio.wait_for(client.naming.shutdown(), 3)
            except Exception:  # noqa: BLE001 - 2.0.11's shutdown awaits a non-coroutine (TypeError)
                pass


def dedupe_log_handlers() -> None:
    """Each NacosNamingService adds a file handler to the shared 'naming' logger; keep one per file."""
    logger = logging.getLogger("naming")
    seen = set()
    for handler in list(logger.handlers):
        key = getattr(handler, "baseFilename", id(handler))
        if key in seen:
            logger.removeHandler(handler)
        else:
            seen.add(key)


def ensure_local_ip() -> None:
    """The SDK puts the first non-loopback IPv4 into every payload and fails without one."""
    try:
        NetUtils.get_local_ip()
    except Exception:  # noqa: BLE001
        NetUtils.get_local_ip = staticmethod(lambda: "127.0.0.1")


# ----------------------------------------------------------------------------------------------
# SDK operations (each bounded)
# ----------------------------------------------------------------------------------------------

async def register(ctx: Context, client: SdkClient, service: str, ip: str, port: int, group: str = DEFAULT_GROUP,
                   **fields):
    param = RegisterInstanceParam(service_name=service, group_name=group, ip=ip, port=port, **fields)
    return await ctx.budget.op(client.naming.register_instance(param))


async def deregister(ctx: Context, client: SdkClient, service: str, ip: str, port: int,
                     group: str = DEFAULT_GROUP, cluster_name: str = ""):
    param = DeregisterInstanceParam(service_name=service, group_name=group, ip=ip, port=port,
                                    cluster_name=cluster_name, ephemeral=True)
    return await ctx.budget.op(client.naming.deregister_instance(param))


async def list_hosts(ctx: Context, client: SdkClient, service: str, group: str = DEFAULT_GROUP) -> list:
    param = ListInstanceParam(service_name=service, group_name=group, healthy_only=None, subscribe=True)
    return [instance_json(i) for i in await ctx.budget.op(client.naming.list_instances(param))]


async def query_service(ctx: Context, client: SdkClient, service: str, group: str = DEFAULT_GROUP):
    """A direct ServiceQueryRequest (fresh server answer, no cache)."""
    return await ctx.budget.op(
        client.naming.grpc_client_proxy.query_instance_of_service(service, group, "", False))


async def list_services(ctx: Context, client: SdkClient, group: str = DEFAULT_GROUP):
    param = ListServiceParam(group_name=group, page_no=1, page_size=1000)
    return await ctx.budget.op(client.naming.list_services(param))


async def subscribe(ctx: Context, client: SdkClient, service: str, recorder: PushRecorder,
                    group: str = DEFAULT_GROUP) -> None:
    param = SubscribeServiceParam(service_name=service, group_name=group, subscribe_callback=recorder.callback)
    await ctx.budget.op(client.naming.subscribe(param))


async def poll(ctx: Context, fetch, accept, seconds: float | None = None, interval: float = 0.2):
    """Calls fetch() until accept(value) or the deadline; returns (accepted, last value, last error)."""
    end = time.monotonic() + (seconds if seconds is not None else ctx.args.push_timeout)
    value, error = None, None
    while True:
        try:
            value = await fetch()
            error = None
            if accept(value):
                return True, value, None
        except ScenarioTimeout:
            raise
        except Exception as caught:  # noqa: BLE001
            error = describe_error(caught)
        if time.monotonic() + interval > end:
            return False, value, error
        await asyncio.sleep(min(interval, ctx.budget.bound(interval)))


async def poll_hosts(ctx, client, service, accept, group=DEFAULT_GROUP, seconds=None):
    return await poll(ctx, lambda: list_hosts(ctx, client, service, group), accept, seconds)


async def poll_query(ctx, client, service, accept, group=DEFAULT_GROUP, seconds=None):
    return await poll(ctx, lambda: query_service(ctx, client, service, group),
                      lambda info: info is not None and accept([instance_json(h) for h in info.hosts]), seconds)


def service_info_json(info) -> dict | None:
    if info is None:
        return None
    data = info.model_dump()
    data["hosts"] = [instance_json(h) for h in info.hosts]
    return data


async def checked(ctx: Context, name: str, coroutine, **details):
    """Awaits an SDK call; a raised error becomes a failed check. Returns (ok, result)."""
    try:
        result = await coroutine
        return True, result
    except ScenarioTimeout:
        raise
    except Exception as error:  # noqa: BLE001
        ctx.report.check(name, False, **details, **describe_error(error))
        return False, None


# ----------------------------------------------------------------------------------------------
# Scenarios
# ----------------------------------------------------------------------------------------------

async def scenario_basic(ctx: Context) -> None:
    report, uid = ctx.report, ctx.uid
    service = f"sdk-basic-{uid}"
    grouped = f"{DEFAULT_GROUP}@@{service}"
    a = await ctx.client("a", namespace="", update_cache_when_empty=True)
    b = await ctx.client("b", namespace="")

    # Register one ephemeral instance with every field set, then read it back.
    first = {"ip": "10.20.0.1", "port": 18080, "weight": 2.5, "cluster_name": "c1",
             "metadata": {"version": "v1", "zone": "z-1"}}
    ok, result = await checked(ctx, "basic.register", register(ctx, a, service, first["ip"], first["port"],
                                                               weight=first["weight"],
                                                               cluster_name=first["cluster_name"],
                                                               metadata=first["metadata"], ephemeral=True,
                                                               healthy=True, enabled=True))
    if ok:
        report.check("basic.register", result is True, result=result, service=service)
    expected_first = {"ip": first["ip"], "port": first["port"], "weight": 2.5, "healthy": True, "enabled": True,
                      "ephemeral": True, "clusterName": "c1", "serviceName": grouped,
                      "metadata": first["metadata"],
                      "instanceId": f"{first['ip']}#{first['port']}#c1#{grouped}"}
    found, hosts, error = await poll_hosts(ctx, a, service, lambda hs: find_host(hs, first["ip"], first["port"]))
    report.check("basic.list.present", found, hosts=hosts, lastError=error)
    host = find_host(hosts, first["ip"], first["port"])
    mismatches = compare_instance(host, expected_first)
    report.check("basic.list.fields", host is not None and not mismatches, mismatches=mismatches, instance=host)

    found, info, error = await poll_query(ctx, a, service, lambda hs: find_host(hs, first["ip"], first["port"]))
    info_json = service_info_json(info)
    service_problems = {}
    if info is not None:
        if info.name != service:
            service_problems["name"] = {"expected": service, "actual": info.name}
        if info.groupName != DEFAULT_GROUP:
            service_problems["groupName"] = {"expected": DEFAULT_GROUP, "actual": info.groupName}
        if info.clusters not in ("", None):
            service_problems["clusters"] = {"expected": "", "actual": info.clusters}
        if not info.lastRefTime:
            service_problems["lastRefTime"] = {"expected": "> 0", "actual": info.lastRefTime}
    query_host = find_host(info.hosts if info else [], first["ip"], first["port"])
    query_mismatches = compare_instance(query_host, expected_first)
    report.check("basic.query", found and not service_problems and not query_mismatches,
                 serviceProblems=service_problems, mismatches=query_mismatches, serviceInfo=info_json,
                 lastError=error)

    ok, services = await checked(ctx, "basic.service-list", list_services(ctx, a))
    if ok:
        report.check("basic.service-list", service in services.services and services.count >= 1,
                     service=service, count=services.count, services=services.services[:50])

    # Subscribe on a; b registers and deregisters: a must be pushed both times.
    recorder = PushRecorder("a")
    ok, _ = await checked(ctx, "basic.subscribe", subscribe(ctx, a, service, recorder))
    if ok:
        report.check("basic.subscribe", True, initialPushes=len(recorder.pushes))
    second = {"ip": "10.20.0.2", "port": 18081}
    mark = len(recorder.pushes)
    ok, result = await checked(ctx, "basic.register-second-client",
                               register(ctx, b, service, second["ip"], second["port"],
                                        metadata={"from": "b"}))
    if ok:
        report.check("basic.register-second-client", result is True, result=result)
    push, _ = await recorder.wait_for(
        lambda hs: find_host(hs, second["ip"], second["port"]) and find_host(hs, first["ip"], first["port"]),
        ctx.budget, ctx.args.push_timeout, mark)
    pushed_second = find_host(push["hosts"], second["ip"], second["port"]) if push else None
    expected_second = {"ip": second["ip"], "port": second["port"], "weight": 1.0, "healthy": True,
                       "enabled": True, "ephemeral": True, "clusterName": "DEFAULT", "serviceName": grouped,
                       "metadata": {"from": "b"}}
    second_mismatches = compare_instance(pushed_second, expected_second)
    report.check("basic.push.on-register", push is not None, hosts=host_keys(push["hosts"]) if push else None,
                 pushes=[host_keys(p["hosts"]) for p in recorder.pushes[mark:]])
    report.check("basic.push.fields", pushed_second is not None and not second_mismatches,
                 mismatches=second_mismatches, instance=pushed_second)

    mark = len(recorder.pushes)
    ok, result = await checked(ctx, "basic.deregister-second-client",
                               deregister(ctx, b, service, second["ip"], second["port"]))
    if ok:
        report.check("basic.deregister-second-client", result is True, result=result)
    push, _ = await recorder.wait_for(
        lambda hs: not find_host(hs, second["ip"], second["port"]) and find_host(hs, first["ip"], first["port"]),
        ctx.budget, ctx.args.push_timeout, mark)
    report.check("basic.push.on-deregister", push is not None, hosts=host_keys(push["hosts"]) if push else None,
                 pushes=[host_keys(p["hosts"]) for p in recorder.pushes[mark:]])

    # Batch register three instances from b, list them from a, batch-deregister one.
    batch_service = f"sdk-batch-{uid}"
    batch_grouped = f"{DEFAULT_GROUP}@@{batch_service}"
    batch = [RegisterInstanceParam(service_name=batch_service, group_name=DEFAULT_GROUP, ip=f"10.20.1.{i}",
                                   port=19000 + i, weight=float(i), cluster_name="c2",
                                   metadata={"idx": str(i)}) for i in (1, 2, 3)]
    ok, result = await checked(ctx, "basic.batch-register", ctx.budget.op(b.naming.batch_register_instances(
        BatchRegisterInstanceParam(service_name=batch_service, group_name=DEFAULT_GROUP, instances=batch))))
    if ok:
        report.check("basic.batch-register", result is True, result=result, service=batch_service)
    wanted = [f"10.20.1.{i}:{19000 + i}" for i in (1, 2, 3)]
    found, hosts, error = await poll_hosts(ctx, a, batch_service, lambda hs: host_keys(hs) == wanted)
    batch_mismatches = {}
    for i in (1, 2, 3):
        mismatch = compare_instance(find_host(hosts, f"10.20.1.{i}", 19000 + i),
                                    {"weight": float(i), "clusterName": "c2", "metadata": {"idx": str(i)},
                                     "ephemeral": True, "healthy": True, "enabled": True,
                                     "serviceName": batch_grouped})
        if mismatch:
            batch_mismatches[f"10.20.1.{i}"] = mismatch
    report.check("basic.batch-list", found and not batch_mismatches, expected=wanted, actual=host_keys(hosts),
                 mismatches=batch_mismatches, lastError=error)
    ok, result = await checked(ctx, "basic.batch-deregister", ctx.budget.op(b.naming.batch_deregister_instances(
        BatchRegisterInstanceParam(service_name=batch_service, group_name=DEFAULT_GROUP, instances=[
            RegisterInstanceParam(service_name=batch_service, ip="10.20.1.2", port=19002)]))))
    if ok:
        report.check("basic.batch-deregister", result is True, result=result)
    wanted = [f"10.20.1.{i}:{19000 + i}" for i in (1, 3)]
    found, hosts, error = await poll_hosts(ctx, a, batch_service, lambda hs: host_keys(hs) == wanted)
    report.check("basic.batch-list-after-deregister", found, expected=wanted, actual=host_keys(hosts),
                 lastError=error)

    # Deregister a's own instance: a is pushed an empty list, a fresh query shows it gone.
    mark = len(recorder.pushes)
    ok, result = await checked(ctx, "basic.deregister", deregister(ctx, a, service, first["ip"], first["port"],
                                                                   cluster_name="c1"))
    if ok:
        report.check("basic.deregister", result is True, result=result)
    push, _ = await recorder.wait_for(lambda hs: not hs, ctx.budget, ctx.args.push_timeout, mark)
    report.check("basic.push.on-own-deregister", push is not None,
                 pushes=[host_keys(p["hosts"]) for p in recorder.pushes[mark:]])
    found, info, error = await poll_query(ctx, a, service, lambda hs: not find_host(hs, first["ip"], first["port"]))
    report.check("basic.deregister.query", found, serviceInfo=service_info_json(info), lastError=error)

    # Group isolation: the same service name in two groups.
    group_service = f"sdk-group-{uid}"
    group_a, group_b = f"GA-{uid}", f"GB-{uid}"
    for name, client, group, ip, port in (("a", a, group_a, "10.20.2.1", 20001), ("b", b, group_b, "10.20.2.2", 20002)):
        ok, result = await checked(ctx, f"basic.group.register-{name}",
                                   register(ctx, client, group_service, ip, port, group=group))
        if ok:
            report.check(f"basic.group.register-{name}", result is True, result=result, group=group)
    for lister, group, expected in ((b, group_a, ["10.20.2.1:20001"]), (a, group_b, ["10.20.2.2:20002"])):
        found, hosts, error = await poll_hosts(ctx, lister, group_service,
                                               lambda hs, e=expected: set(e) <= set(host_keys(hs)), group=group)
        report.check(f"basic.group.isolated-{group}", found and host_keys(hosts) == expected, group=group,
                     expected=expected, actual=host_keys(hosts), lister=lister.name, lastError=error)
    ok, info = await checked(ctx, "basic.group.default-group-empty", query_service(ctx, a, group_service))
    if ok:
        report.check("basic.group.default-group-empty", info is not None and not info.hosts,
                     serviceInfo=service_info_json(info))
    ok, services = await checked(ctx, "basic.group.service-list", list_services(ctx, a, group_a))
    if ok:
        report.check("basic.group.service-list", group_service in services.services
                     and service not in services.services, group=group_a, services=services.services[:50])

    # Namespace isolation: "" and "public" are the same namespace; a custom one is separate.
    namespace_service = f"sdk-ns-{uid}"
    custom = ctx.args.custom_namespace
    p = await ctx.client("p", namespace="public")
    d = await ctx.client("d", namespace=custom)
    for name, client, ip, port in (("a", a, "10.20.3.1", 21001), ("d", d, "10.20.3.2", 21002)):
        ok, result = await checked(ctx, f"basic.namespace.register-{name}",
                                   register(ctx, client, namespace_service, ip, port))
        if ok:
            report.check(f"basic.namespace.register-{name}", result is True, result=result,
                         namespace=client.namespace)
    for lister, expected in ((p, ["10.20.3.1:21001"]), (d, ["10.20.3.2:21002"]), (a, ["10.20.3.1:21001"])):
        found, hosts, error = await poll_hosts(ctx, lister, namespace_service,
                                               lambda hs, e=expected: set(e) <= set(host_keys(hs)))
        report.check(f"basic.namespace.isolated-{lister.name}", found and host_keys(hosts) == expected,
                     namespace=lister.namespace, expected=expected, actual=host_keys(hosts), lastError=error)
    ok, services = await checked(ctx, "basic.namespace.service-list-custom", list_services(ctx, d))
    if ok:
        report.check("basic.namespace.service-list-custom",
                     namespace_service in services.services and service not in services.services
                     and batch_service not in services.services,
                     namespace=custom, services=services.services[:50])
    ok, services = await checked(ctx, "basic.namespace.service-list-public", list_services(ctx, p))
    if ok:
        report.check("basic.namespace.service-list-public",
                     namespace_service in services.services and batch_service in services.services,
                     namespace="public", services=services.services[:50])

    for client in (a, b, p, d):
        snapshot = client.describe()
        report.check(f"basic.no-reconnect.{client.name}",
                     snapshot["reconnects"] == 0 and snapshot["serverSwitches"] == 0
                     and client.rpc_client.is_running(), **snapshot)


async def scenario_invalid(ctx: Context) -> None:
    report, uid = ctx.report, ctx.uid
    service = f"sdk-invalid-{uid}"
    a = await ctx.client("a", namespace="")
    connection_before = a.watch.connection_id()

    async def raw_register(name: str, service_name: str, port: int) -> None:
        request = InstanceRequest(namespace=a.naming.grpc_client_proxy.namespace_id, serviceName=service_name,
                                  groupName=DEFAULT_GROUP, type="registerInstance",
                                  instance=Instance(ip="10.30.0.1", port=port, clusterName="DEFAULT",
                                                    ephemeral=True))
        details = {"serviceName": service_name, "port": port}
        try:
            # GrpcConnection.request: one unary call on the SDK's own channel, no client-side validation.
            response = await ctx.budget.op(a.rpc_client.current_connection.request(request, 3000))
        except ScenarioTimeout:
            raise
        except NacosException as error:
            report.check(name, error.error_code == 400, **details, **describe_error(error))
            return
        except Exception as error:  # noqa: BLE001
            report.check(name, False, **details, **describe_error(error))
            return
        report.check(name, response is not None and response.get_result_code() == 500
                     and response.get_error_code() == 400, **details,
                     responseType=type(response).__name__, resultCode=response.get_result_code(),
                     errorCode=response.get_error_code(), message=response.get_message())

    await raw_register("invalid.raw.port-negative", service, -1)
    await raw_register("invalid.raw.port-too-large", service, 70000)
    await raw_register("invalid.raw.empty-service-name", "", 8080)

    # The SDK itself does not check the port: the public API must surface the server's 400.
    try:
        result = await register(ctx, a, service, "10.30.0.2", 70000)
        report.check("invalid.sdk.port-too-large", False, result=result, note="server accepted port 70000")
    except ScenarioTimeout:
        raise
    except Exception as error:  # noqa: BLE001
        report.check("invalid.sdk.port-too-large",
                     isinstance(error, NacosException) and error.error_code == 400, **describe_error(error))

    snapshot = a.describe()
    report.check("invalid.connection-unchanged",
                 snapshot["connectionId"] == connection_before and snapshot["reconnects"] == 0
                 and snapshot["serverSwitches"] == 0 and a.rpc_client.is_running(),
                 connectionIdBefore=connection_before, **snapshot)

    ok, result = await checked(ctx, "invalid.valid-register-after", register(ctx, a, service, "10.30.0.3", 8080))
    if ok:
        report.check("invalid.valid-register-after", result is True, result=result)
    found, info, error = await poll_query(ctx, a, service, lambda hs: find_host(hs, "10.30.0.3", 8080))
    hosts = [instance_json(h) for h in info.hosts] if info else []
    report.check("invalid.valid-instance-listed", found, hosts=host_keys(hosts), lastError=error)
    report.check("invalid.rejected-not-listed", not any(h["port"] in (-1, 70000) for h in hosts),
                 hosts=host_keys(hosts))
    snapshot = a.describe()
    report.check("invalid.still-same-connection", snapshot["connectionId"] == connection_before
                 and a.rpc_client.is_running(), connectionIdBefore=connection_before, **snapshot)


async def scenario_hold(ctx: Context) -> None:
    args = ctx.args
    a = await ctx.client("hold", namespace=args.namespace)
    ok, result = await checked(ctx, "registered", register(ctx, a, args.service, args.ip, args.port,
                                                           group=args.group))
    if not ok:
        return
    if not ctx.report.check("registered", result is True, service=args.service, group=args.group,
                            ip=args.ip, port=args.port, connectionId=a.watch.connection_id()):
        return
    # Sleep until killed (the caller SIGKILLs us); bounded by the overall timeout.
    await asyncio.sleep(max(0.0, ctx.budget.remaining() - 0.5))
    ctx.report.check("hold.finished", True, reason="timeout reached without being killed",
                     **a.describe())


async def scenario_watch(ctx: Context) -> None:
    args = ctx.args
    a = await ctx.client("watch", namespace=args.namespace, update_cache_when_empty=True)
    subscribed = {"done": False}

    def emit_push(push: dict) -> None:
        ctx.report.emit({"event": "push", "initial": not subscribed["done"], "service": args.service,
                         "group": args.group, "hosts": push["hosts"]})

    recorder = PushRecorder("watch", on_push=emit_push)
    ok, _ = await checked(ctx, "subscribed", subscribe(ctx, a, args.service, recorder, group=args.group))
    if not ok:
        return
    subscribed["done"] = True
    cached = await a.naming.service_info_holder.get_service_info(args.service, args.group, "")
    ctx.report.check("subscribed", True, service=args.service, group=args.group,
                     hosts=[instance_json(h) for h in cached.hosts] if cached else [],
                     connectionId=a.watch.connection_id())
    await asyncio.sleep(max(0.0, ctx.budget.remaining() - 0.5))
    ctx.report.check("watch.finished", True, pushes=len(recorder.pushes), **a.describe())


async def scenario_idle(ctx: Context) -> None:
    args, report = ctx.args, ctx.report
    service = f"sdk-idle-{ctx.uid}"
    a = await ctx.client("idle", namespace="")
    ok, result = await checked(ctx, "idle.register", register(ctx, a, service, "10.40.0.1", 8080))
    if ok:
        report.check("idle.register", result is True, result=result, service=service)
    connection_before = a.watch.connection_id()
    idle_started = time.monotonic()
    await asyncio.sleep(min(args.seconds, ctx.budget.bound(args.seconds + 1)))
    idle_seconds = time.monotonic() - idle_started
    snapshot = a.describe()
    health_checks = a.watch.health_checks
    # The SDK health-checks when nothing succeeded for 5 s; it ticks every 5 s.
    expected_checks = 1 if args.seconds >= 12 else 0
    report.check("idle.health-checks", len(health_checks) >= expected_checks
                 and all(h["healthy"] for h in health_checks), idleSeconds=round(idle_seconds, 1),
                 expectedAtLeast=expected_checks, healthChecks=health_checks)
    report.check("idle.same-connection",
                 snapshot["connectionId"] == connection_before and snapshot["reconnects"] == 0
                 and snapshot["serverSwitches"] == 0 and "disconnected" not in snapshot["connectionEvents"]
                 and a.rpc_client.is_running(), connectionIdBefore=connection_before, **snapshot)
    found, info, error = await poll_query(ctx, a, service, lambda hs: find_host(hs, "10.40.0.1", 8080), seconds=3)
    report.check("idle.instance-still-listed", found,
                 hosts=host_keys(info.hosts) if info else None, lastError=error)
    ok, hosts = await checked(ctx, "idle.list", list_hosts(ctx, a, service))
    if ok:
        report.check("idle.list", find_host(hosts, "10.40.0.1", 8080) is not None, hosts=host_keys(hosts))
    snapshot = a.describe()
    report.check("idle.no-reconnect-after-requests", snapshot["connectionId"] == connection_before
                 and snapshot["reconnects"] == 0, connectionIdBefore=connection_before, **snapshot)


async def scenario_cluster(ctx: Context) -> None:
    report, uid = ctx.report, ctx.uid
    servers = ctx.args.server
    service = f"sdk-cluster-{uid}"
    grouped = f"{DEFAULT_GROUP}@@{service}"
    n1 = await ctx.client("node1", servers=[servers[0]])
    n2 = await ctx.client("node2", servers=[servers[1]], update_cache_when_empty=True)
    n3 = await ctx.client("node3", servers=[servers[2]])
    for client, server in ((n1, servers[0]), (n2, servers[1]), (n3, servers[2])):
        host, _, port = server.rpartition(":")
        expected = f"{host}:{int(port) + GRPC_PORT_OFFSET}"
        report.check(f"cluster.{client.name}.server", client.watch.server_address() == expected,
                     expected=expected, actual=client.watch.server_address())

    recorder = PushRecorder("node2")
    ok, _ = await checked(ctx, "cluster.node2.subscribe", subscribe(ctx, n2, service, recorder))
    if ok:
        report.check("cluster.node2.subscribe", True, initialPushes=len(recorder.pushes))
    mark = len(recorder.pushes)
    ip, port = "10.50.0.1", 30001
    metadata = {"node": "1", "uid": uid}
    ok, result = await checked(ctx, "cluster.node1.register",
                               register(ctx, n1, service, ip, port, weight=3.0, cluster_name="cc",
                                        metadata=metadata))
    if ok:
        report.check("cluster.node1.register", result is True, result=result, service=service)
    expected = {"ip": ip, "port": port, "weight": 3.0, "healthy": True, "enabled": True, "ephemeral": True,
                "clusterName": "cc", "serviceName": grouped, "metadata": metadata}
    push, _ = await recorder.wait_for(lambda hs: find_host(hs, ip, port), ctx.budget, ctx.args.push_timeout, mark)
    mismatches = compare_instance(find_host(push["hosts"], ip, port) if push else None, expected)
    report.check("cluster.node2.pushed-on-register", push is not None and not mismatches,
                 mismatches=mismatches, pushes=[host_keys(p["hosts"]) for p in recorder.pushes])
    found, hosts, error = await poll_hosts(ctx, n3, service, lambda hs: find_host(hs, ip, port))
    mismatches = compare_instance(find_host(hosts, ip, port), expected)
    report.check("cluster.node3.lists", found and not mismatches, mismatches=mismatches, hosts=hosts,
                 lastError=error)

    mark = len(recorder.pushes)
    ok, result = await checked(ctx, "cluster.node1.deregister",
                               deregister(ctx, n1, service, ip, port, cluster_name="cc"))
    if ok:
        report.check("cluster.node1.deregister", result is True, result=result)
    push, _ = await recorder.wait_for(lambda hs: not find_host(hs, ip, port), ctx.budget, ctx.args.push_timeout,
                                      mark)
    report.check("cluster.node2.pushed-on-deregister", push is not None,
                 pushes=[host_keys(p["hosts"]) for p in recorder.pushes[mark:]])
    found, info, error = await poll_query(ctx, n3, service, lambda hs: not find_host(hs, ip, port))
    report.check("cluster.node3.query-after-deregister", found, serviceInfo=service_info_json(info),
                 lastError=error)
    for client in (n1, n2, n3):
        snapshot = client.describe()
        report.check(f"cluster.no-reconnect.{client.name}", snapshot["reconnects"] == 0
                     and client.rpc_client.is_running(), **snapshot)


SCENARIOS = {
    "basic": scenario_basic,
    "invalid": scenario_invalid,
    "hold": scenario_hold,
    "watch": scenario_watch,
    "idle": scenario_idle,
    "cluster": scenario_cluster,
}


def parse_arguments(argv: list) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Scenarios with nacos-sdk-python 2.0.11's v2 asyncio naming client. "
                    "One JSON line per check on stdout; exit 0 only if all passed.")
    parser.add_argument("--server", action="append", required=True, metavar="HOST:HTTP_PORT",
                        help="a server's HTTP address (the SDK dials gRPC on port+1000); repeat for a cluster")
    parser.add_argument("--timeout", type=float, default=60.0, help="overall bound in seconds (default 60)")
    parser.add_argument("--op-timeout", type=float, default=10.0, help="bound for each SDK call (default 10)")
    parser.add_argument("--push-timeout", type=float, default=15.0,
                        help="how long to wait for a push or for a list to converge (default 15)")
    parser.add_argument("--namespace", default="", help="namespace for hold/watch (default \"\" = public)")
    parser.add_argument("--group", default=DEFAULT_GROUP, help="group for hold/watch (default DEFAULT_GROUP)")
    parser.add_argument("--custom-namespace", default="dev", help="the non-public namespace basic uses (default dev)")
    parser.add_argument("--work-dir", default=None, help="SDK log/cache directory (default: a new temp dir)")
    parser.add_argument("--debug", action="store_true", help="SDK log level DEBUG")
    scenarios = parser.add_subparsers(dest="scenario", required=True, metavar="scenario")
    scenarios.add_parser("basic", help="register/list/push/batch/deregister/group and namespace isolation")
    scenarios.add_parser("invalid", help="server-side rejection of invalid port and empty service name")
    hold = scenarios.add_parser("hold", help="register, print {\"check\":\"registered\"}, sleep until killed")
    hold.add_argument("service")
    hold.add_argument("ip")
    hold.add_argument("port", type=int)
    watch = scenarios.add_parser("watch", help="subscribe and print one {\"event\":\"push\"} line per push")
    watch.add_argument("service")
    idle = scenarios.add_parser("idle", help="stay idle N seconds; the connection must survive")
    idle.add_argument("seconds", type=float)
    scenarios.add_parser("cluster", help="three --server: register on 1, pushed on 2, listed on 3")
    args = parser.parse_args(argv)
    if args.scenario == "cluster" and len(args.server) < 3:
        parser.error("cluster needs --server three times (one per node)")
    if args.scenario == "idle":
        args.timeout = max(args.timeout, args.seconds + 30)
    return args


async def run(args: argparse.Namespace, report: Report) -> None:
    ensure_local_ip()
    context = Context(args, report)
    try:
        await asyncio.wait_for(SCENARIOS[args.scenario](context), args.timeout)
    except (asyncio.TimeoutError, ScenarioTimeout) as error:
        report.check("timeout", False, scenario=args.scenario, timeoutSeconds=args.timeout,
                     error=str(error) or type(error).__name__,
                     clients=[c.describe() for c in context.clients])
    except Exception as error:  # noqa: BLE001
        report.check("scenario-error", False, scenario=args.scenario, **describe_error(error),
                     traceback=traceback.format_exc(limit=8),
                     clients=[c.describe() for c in context.clients])
    finally:
        await context.shutdown()
        report.emit({"check": "summary", "ok": report.all_passed, "scenario": args.scenario,
                     "passed": report.passed, "failed": report.failed, "workDir": context.workdir})


def main(argv: list) -> int:
    args = parse_arguments(argv)
    report = Report()
    try:
        asyncio.run(run(args, report))
    except KeyboardInterrupt:
        report.check("interrupted", False)
    sys.stdout.flush()
    # grpc.aio channels and SDK background tasks can keep the interpreter alive: leave at once.
    os._exit(0 if report.all_passed else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
