"""A grpcio (gRPC's C core) client that speaks Nacos's gRPC like an SDK does, against our server.

usage: grpcio_client.py --target HOST:PORT [--tls --ca PEM [--server-name NAME]] <scenario>
Scenarios: handshake, register, errors, concurrent. One JSON object per check; exit 0 only if all passed.
"""
import argparse
import concurrent.futures
import json
import os
import queue
import sys
import threading
import time

import grpc

from nacos_grpc_wire import decode_payload, encode_payload, request

FAILED = []
IDENTITY = (lambda data: data)


def report(check, ok, **details):
    print(json.dumps({"check": check, "ok": bool(ok), **details}, default=str), flush=True)
    if not ok:
        FAILED.append(check)


class Client:
    """One channel: unary calls and one bi-stream, as a Nacos SDK holds them."""

    def __init__(self, options):
        # Each Client is its own HTTP/2 connection (one Nacos connection), as each SDK process is: grpcio
        # would otherwise share one connection between the channels of a process.
        settings = [("grpc.use_local_subchannel_pool", 1)]
        if options.tls:
            with open(options.ca, "rb") as handle:
                credentials = grpc.ssl_channel_credentials(root_certificates=handle.read())
            if options.server_name:
                settings.append(("grpc.ssl_target_name_override", options.server_name))
            self.channel = grpc.secure_channel(options.target, credentials, options=settings)
        else:
            self.channel = grpc.insecure_channel(options.target, options=settings)
        self.unary = self.channel.unary_unary("/Request/request", request_serializer=IDENTITY, response_deserializer=IDENTITY)
        self.bidi = self.channel.stream_stream("/BiRequestStream/requestBiStream", request_serializer=IDENTITY, response_deserializer=IDENTITY)
        self.outbox = queue.Queue()
        self.inbox = queue.Queue()
        self.stream = None

    def call(self, type_name, fields=None, module="naming", headers=None):
        return decode_payload(self.unary(request(type_name, fields, module=module, headers=headers), timeout=10))

    def open_stream(self):
        def messages():
            while True:
                item = self.outbox.get()
                if item is None:
                    return
                yield item

        self.stream = self.bidi(messages(), timeout=120)

        def pump():
            try:
                for message in self.stream:
                    self.inbox.put(decode_payload(message))
            except grpc.RpcError as error:
                self.inbox.put(("closed", {}, {"code": str(error.code())}))

        threading.Thread(target=pump, daemon=True).start()

    def send(self, type_name, fields=None, module="internal", request_id=None):
        self.outbox.put(request(type_name, fields, module=module, request_id=request_id))

    def receive(self, timeout=10):
        return self.inbox.get(timeout=timeout)

    def handshake(self, app="grpcio-peer"):
        _, _, check = self.call("ServerCheckRequest", module="internal")
        self.open_stream()
        self.send("ConnectionSetupRequest", {
            "clientVersion": "grpcio-peer:v1", "tenant": "", "abilityTable": {},
            "labels": {"source": "sdk", "module": "naming", "AppName": app}})
        type_name, _, ack = self.receive(timeout=5)
        return check, type_name, ack

    def close(self):
        self.outbox.put(None)
        self.channel.close()


def instance_request(service, ip, port, kind="registerInstance"):
    return {"namespace": "public", "serviceName": service, "groupName": "DEFAULT_GROUP", "type": kind,
            "instance": {"ip": ip, "port": port, "weight": 1.0, "healthy": True, "enabled": True, "ephemeral": True,
                         "clusterName": "DEFAULT", "metadata": {"peer": "grpcio"}}}


def handshake(options):
    client = Client(options)
    try:
        check, type_name, ack = client.handshake()
        report("server-check", check.get("resultCode") == 200 and check.get("connectionId"), response=check)
        report("setup-ack", type_name == "SetupAckRequest" and "abilityTable" in ack, type=type_name, body=ack)
        type_name, _, health = client.call("HealthCheckRequest", module="internal")
        report("health-check", type_name == "HealthCheckResponse" and health.get("resultCode") == 200, body=health)
    finally:
        client.close()


def register(options):
    provider, subscriber = Client(options), Client(options)
    service = f"grpcio-{os.getpid()}"
    try:
        provider.handshake("provider")
        subscriber.handshake("subscriber")
        type_name, _, body = provider.call("InstanceRequest", instance_request(service, "10.9.0.1", 9001))
        report("register", type_name == "InstanceResponse" and body.get("resultCode") == 200 and body.get("errorCode") == 0, body=body)
        type_name, _, body = subscriber.call("SubscribeServiceRequest", {
            "namespace": "public", "serviceName": service, "groupName": "DEFAULT_GROUP", "subscribe": True, "clusters": ""})
        info = body.get("serviceInfo") or {}
        hosts = info.get("hosts")
        report("subscribe", type_name == "SubscribeServiceResponse" and isinstance(hosts, list)
               and [h.get("ip") for h in hosts] == ["10.9.0.1"] and info.get("name") == service, body=body)
        provider.call("InstanceRequest", instance_request(service, "10.9.0.1", 9002))
        deadline = time.monotonic() + 10
        pushed = None
        while time.monotonic() < deadline and pushed is None:
            type_name, _, push = subscriber.receive(timeout=max(0.1, deadline - time.monotonic()))
            if type_name == "NotifySubscriberRequest" and [h.get("port") for h in push["serviceInfo"]["hosts"]] == [9002]:
                pushed = push
        report("push", pushed is not None and pushed.get("requestId"), push=pushed)
        if pushed:
            subscriber.send("NotifySubscriberResponse", {"resultCode": 200, "errorCode": 0, "requestId": pushed["requestId"]}, module="naming")
        type_name, _, body = subscriber.call("ServiceQueryRequest", {
            "namespace": "public", "serviceName": service, "groupName": "DEFAULT_GROUP", "cluster": "", "healthyOnly": False})
        report("query", type_name == "QueryServiceResponse" and [h["port"] for h in body["serviceInfo"]["hosts"]] == [9002], body=body)
    finally:
        provider.close()
        subscriber.close()


def errors(options):
    client = Client(options)
    try:
        _, _, check = client.call("ServerCheckRequest", module="internal")
        report("server-check-before-setup", check.get("resultCode") == 200)
        type_name, _, body = client.call("InstanceRequest", instance_request("grpcio-errors", "10.9.1.1", 1))
        report("unregistered-301", type_name == "ErrorResponse" and body.get("errorCode") == 301, body=body)
        client.handshake()
        type_name, _, body = client.call("NoSuchRequest", {})
        report("no-handler-302", type_name == "ErrorResponse" and body.get("errorCode") == 302, body=body)
        raw = client.unary(encode_payload("InstanceRequest", b"{this is not json", client_ip="127.0.0.1"), timeout=10)
        type_name, _, body = decode_payload(raw)
        report("bad-json-502", type_name == "ErrorResponse" and body.get("errorCode") == 502, body=body)
        unknown = client.channel.unary_unary("/Foo/bar", request_serializer=IDENTITY, response_deserializer=IDENTITY)
        try:
            unknown(b"", timeout=10)
            report("unknown-path-unimplemented", False)
        except grpc.RpcError as error:
            report("unknown-path-unimplemented", error.code() == grpc.StatusCode.UNIMPLEMENTED, code=str(error.code()), details=error.details())
        type_name, _, body = client.call("HealthCheckRequest", module="internal")
        report("still-serving", type_name == "HealthCheckResponse", body=body)
    finally:
        client.close()


def many_calls(options):
    client = Client(options)
    try:
        client.handshake()
        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            results = list(pool.map(lambda _: client.call("HealthCheckRequest", module="internal")[0], range(500)))
        report("500-concurrent-calls", results.count("HealthCheckResponse") == 500, answered=results.count("HealthCheckResponse"))
    finally:
        client.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--ca")
    parser.add_argument("--server-name")
    parser.add_argument("scenario", choices=["handshake", "register", "errors", "concurrent"])
    options = parser.parse_args()
    watchdog = threading.Timer(120, lambda: os._exit(3))
    watchdog.daemon = True
    watchdog.start()
    try:
        scenarios = {"handshake": handshake, "register": register, "errors": errors, "concurrent": many_calls}
        scenarios[options.scenario](options)
    except Exception as error:  # noqa: BLE001 - every failure is a reported check
        report("scenario", False, error=repr(error))
    print(json.dumps({"failed": FAILED}), flush=True)
    os._exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
