"""Scenarios with nacos-sdk-python 2.0.11's v2 asyncio naming client (real gRPC) against a server.

usage: nacos_sdk_scenarios.py --server 127.0.0.1:8848 [--server ...] <scenario> [args]
Prints one JSON object per check ({"check": ..., "ok": ...}); exits 0 only when every check passed.
"""
import argparse
import asyncio
import json
import os
import sys
import tempfile
import time

from v2.nacos import ClientConfigBuilder, NacosNamingService
from v2.nacos.common.nacos_exception import NacosException
from v2.nacos.naming.model.instance import Instance
from v2.nacos.naming.model.naming_param import (BatchRegisterInstanceParam, DeregisterInstanceParam,
                                                ListInstanceParam, ListServiceParam, RegisterInstanceParam,
                                                SubscribeServiceParam)
from v2.nacos.naming.model.naming_request import InstanceRequest
from v2.nacos.naming.model.naming_response import InstanceResponse

FAILED = []


def report(check, ok, **details):
    print(json.dumps({"check": check, "ok": bool(ok), **details}, default=str), flush=True)
    if not ok:
        FAILED.append(check)


async def naming(server, namespace=""):
    config = (ClientConfigBuilder().server_address(server).namespace_id(namespace)
              .log_dir(tempfile.mkdtemp(prefix="nacos-sdk-log-")).cache_dir(tempfile.mkdtemp(prefix="nacos-sdk-cache-"))
              .log_level("WARNING").build())
    return await asyncio.wait_for(NacosNamingService.create_naming_service(config), 20)


async def close(ns):
    """Shuts a naming service down; 2.0.11's shutdown awaits a non-coroutine at its end (TypeError), after
    its connection is already closed."""
    try:
        await ns.shutdown()
    except TypeError:
        pass


async def eventually(what, probe, timeout=15.0):
    """Polls `probe` (async, returns a value or None) until it returns something truthy."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; last: {last}")


def addresses(instances):
    return sorted(f"{i.ip}:{i.port}" for i in instances)


async def list_addresses(ns, service, group="DEFAULT_GROUP"):
    instances = await ns.list_instances(ListInstanceParam(service_name=service, group_name=group, subscribe=False, healthy_only=None))
    return addresses(instances)


async def basic(servers):
    ns = await naming(servers[0])
    other = await naming(servers[0])
    service = f"py-basic-{os.getpid()}"
    try:
        ok = await ns.register_instance(RegisterInstanceParam(
            service_name=service, ip="10.1.0.1", port=8080, weight=2.5, cluster_name="c1",
            metadata={"zone": "a", "version": "1"}))
        report("register", ok)
        instances = await ns.list_instances(ListInstanceParam(service_name=service, subscribe=False, healthy_only=None))
        first = instances[0] if instances else None
        report("list-fields", first is not None and first.ip == "10.1.0.1" and first.port == 8080 and first.weight == 2.5
               and first.healthy and first.enabled and first.ephemeral and first.clusterName == "c1"
               and first.metadata == {"zone": "a", "version": "1"} and service in first.serviceName,
               instance=first.__dict__ if first else None)

        pushes = []

        async def on_change(instances):
            pushes.append(addresses(instances))

        await ns.subscribe(SubscribeServiceParam(service_name=service, subscribe_callback=on_change))
        await other.register_instance(RegisterInstanceParam(service_name=service, ip="10.1.0.2", port=8081))

        async def pushed(expected):
            return any(p == expected for p in pushes)

        await eventually("a push with the second instance", lambda: pushed(["10.1.0.1:8080", "10.1.0.2:8081"]))
        report("push-on-register", True, pushes=pushes)
        await other.deregister_instance(DeregisterInstanceParam(service_name=service, ip="10.1.0.2", port=8081))
        async def last_is_first_only():
            return bool(pushes) and pushes[-1] == ["10.1.0.1:8080"]

        await eventually("a push without it", last_is_first_only)
        report("push-on-deregister", True, pushes=pushes)

        batch = f"{service}-batch"
        ok = await ns.batch_register_instances(BatchRegisterInstanceParam(service_name=batch, instances=[
            RegisterInstanceParam(service_name=batch, ip="10.2.0.1", port=1), RegisterInstanceParam(service_name=batch, ip="10.2.0.2", port=2),
            RegisterInstanceParam(service_name=batch, ip="10.2.0.3", port=3)]))
        listed = await list_addresses(ns, batch)
        report("batch-register", ok and listed == ["10.2.0.1:1", "10.2.0.2:2", "10.2.0.3:3"], listed=listed)

        grouped = f"{service}-iso"
        await ns.register_instance(RegisterInstanceParam(service_name=grouped, group_name="G1", ip="10.3.0.1", port=1))
        await ns.register_instance(RegisterInstanceParam(service_name=grouped, group_name="G2", ip="10.3.0.2", port=2))
        g1, g2 = await list_addresses(ns, grouped, "G1"), await list_addresses(ns, grouped, "G2")
        report("group-isolation", g1 == ["10.3.0.1:1"] and g2 == ["10.3.0.2:2"], g1=g1, g2=g2)

        dev = await naming(servers[0], "dev")
        try:
            await dev.register_instance(RegisterInstanceParam(service_name=grouped, group_name="G1", ip="10.4.0.1", port=1))
            in_dev, in_public = await list_addresses(dev, grouped, "G1"), await list_addresses(ns, grouped, "G1")
            report("namespace-isolation", in_dev == ["10.4.0.1:1"] and in_public == ["10.3.0.1:1"], dev=in_dev, public=in_public)
        finally:
            await close(dev)

        services = await ns.list_services(ListServiceParam(page_size=100))
        report("service-list", service in services.services and services.count >= 1, count=services.count, services=services.services)

        ok = await ns.deregister_instance(DeregisterInstanceParam(service_name=service, ip="10.1.0.1", port=8080, cluster_name="c1"))

        # This SDK's cache never takes an empty instance list (update_cache_when_empty is off), so a fresh
        # client asks the server.
        fresh = await naming(servers[0])
        try:
            left = await list_addresses(fresh, service)
        finally:
            await close(fresh)
        report("deregister", ok and left == [], left=left)
    finally:
        await close(other)
        await close(ns)


async def raw_register(ns, service, port):
    request = InstanceRequest(namespace="public", serviceName=service, groupName="DEFAULT_GROUP", type="registerInstance",
                              instance=Instance(ip="10.5.0.1", port=port))
    try:
        response = await ns.grpc_client_proxy.request_naming_server(request, InstanceResponse)
        return ("ok", response.get_result_code(), response.get_error_code())
    except NacosException as error:
        return ("error", error.error_code, error.message)


async def invalid(servers):
    ns = await naming(servers[0])
    try:
        for port in (-1, 70000):
            outcome = await raw_register(ns, "py-invalid", port)
            report(f"invalid-port-{port}", outcome[0] == "error" and outcome[1] == 400, outcome=outcome)
        outcome = await raw_register(ns, "", 8080)
        report("empty-service-name", outcome[0] == "error" and outcome[1] == 400, outcome=outcome)
        ok = await ns.register_instance(RegisterInstanceParam(service_name="py-invalid", ip="10.5.0.2", port=8080))
        report("still-serving", ok and await list_addresses(ns, "py-invalid") == ["10.5.0.2:8080"])
    finally:
        await close(ns)


async def hold(servers, service, ip, port):
    ns = await naming(servers[0])
    ok = await ns.register_instance(RegisterInstanceParam(service_name=service, ip=ip, port=int(port)))
    report("registered", ok)
    await asyncio.sleep(3600)


async def idle(servers, seconds):
    ns = await naming(servers[0])
    try:
        service = f"py-idle-{os.getpid()}"
        await ns.register_instance(RegisterInstanceParam(service_name=service, ip="10.6.0.1", port=1))
        before = ns.grpc_client_proxy.rpc_client.current_connection.get_connection_id()
        await asyncio.sleep(float(seconds))
        after = ns.grpc_client_proxy.rpc_client.current_connection.get_connection_id()
        listed = await list_addresses(ns, service)
        report("same-connection", before == after and await ns.server_health(), before=before, after=after)
        report("still-listed", listed == ["10.6.0.1:1"], listed=listed)
    finally:
        await close(ns)


async def cluster(servers):
    if len(servers) < 3:
        report("three-servers", False, servers=servers)
        return
    provider, watcher, reader = await naming(servers[0]), await naming(servers[1]), await naming(servers[2])
    service = f"py-cluster-{os.getpid()}"
    pushes = []
    try:
        async def on_change(instances):
            pushes.append(addresses(instances))

        await watcher.subscribe(SubscribeServiceParam(service_name=service, subscribe_callback=on_change))
        await provider.register_instance(RegisterInstanceParam(service_name=service, ip="10.7.0.1", port=7))

        async def pushed():
            return ["10.7.0.1:7"] in pushes

        await eventually("a push on the second node", pushed, timeout=20)
        report("push-on-another-node", True, pushes=pushes)

        async def listed():
            found = await list_addresses(reader, service)
            return found if found == ["10.7.0.1:7"] else None

        report("listed-on-the-third-node", await eventually("the instance on the third node", listed, timeout=20))
    finally:
        for ns in (provider, watcher, reader):
            await close(ns)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", action="append", required=True)
    parser.add_argument("--timeout", type=float, default=90)
    parser.add_argument("scenario", choices=["basic", "invalid", "hold", "idle", "cluster"])
    parser.add_argument("args", nargs="*")
    options = parser.parse_args()
    scenarios = {"basic": basic, "invalid": invalid, "hold": hold, "idle": idle, "cluster": cluster}
    try:
        await asyncio.wait_for(scenarios[options.scenario](options.server, *options.args), options.timeout)
    except Exception as error:  # noqa: BLE001 - every failure is a reported check
        report("scenario", False, error=repr(error))
    print(json.dumps({"failed": FAILED}), flush=True)
    os._exit(1 if FAILED else 0)


if __name__ == "__main__":
    asyncio.run(main())
