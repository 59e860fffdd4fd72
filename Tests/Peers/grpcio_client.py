#!/usr/bin/env python3
"""A Nacos gRPC client on grpcio that behaves like a Nacos SDK, to prove our gRPC *server*.

    grpcio_client.py --target HOST:PORT [--tls --ca PEM [--server-name NAME]] [--timeout S]
                     [--max-seconds S] [--client-ip IP] [--skip CHECK]... SCENARIO [options]

Scenarios:
    handshake               ServerCheckRequest -> connectionId; ConnectionSetupRequest on the bi-stream ->
                            SetupAckRequest with an abilityTable within 5 s; HealthCheckRequest -> 200.
    register [--service S] [--group G] [--namespace N]
                            handshake; InstanceRequest registerInstance -> InstanceResponse 200;
                            SubscribeServiceRequest -> serviceInfo with the bare name and the instance;
                            a second channel registers a second instance -> the first channel receives a
                            NotifySubscriberRequest with it and answers NotifySubscriberResponse (same requestId).
    errors                  unknown type -> ErrorResponse 302; request before setup -> 301 (check
                            "unregistered"); body not JSON -> 502; bytes that are no Payload -> an error;
                            unknown path /Foo/bar -> UNIMPLEMENTED; the channel still works afterwards.
    concurrent [--count N]  handshake; N parallel unary calls on one channel, each answered with its own response.

Output: one JSON object per check on standard output, `{"check": NAME, "ok": true|false, ...details}`
(a failed check carries "reason"), then `{"result": "passed"|"failed", "passed": n, "failed": m}`.
Exit status 0 only when every check passed, 1 when one failed, 2 on bad usage. `--skip NAME` leaves a
check out (it is reported with "skipped": true). Every RPC has a deadline (--timeout, default and at most
10 s) and the whole run is bounded by --max-seconds (default 60).
"""

import argparse
import os
import queue
import sys
import threading
import time

import grpc

import nacos_grpc_wire as wire

CLIENT_VERSION = "Nacos-Python-Client:v2.0.11"


class CheckFailed(Exception):
    """A required check failed; the scenario stops."""


class Report:
    """Collects check results and prints one JSON line per check."""

    def __init__(self, skipped):
        self.skipped = set(skipped)
        self.passed = 0
        self.failed = 0
        self.lock = threading.Lock()

    def is_skipped(self, name):
        if name in self.skipped:
            wire.emit({"check": name, "ok": True, "skipped": True})
            return True
        return False

    def check(self, name, ok, reason=None, required=True, **details):
        """Records a check; raises CheckFailed when a required one failed."""
        record = {"check": name, "ok": bool(ok)}
        if not ok:
            record["reason"] = reason or "failed"
        record.update(details)
        with self.lock:
            if ok:
                self.passed += 1
            else:
                self.failed += 1
            wire.emit(record)
        if not ok and required:
            raise CheckFailed(f"{name}: {record['reason']}")

    def finish(self, error=None):
        if error is not None:
            with self.lock:
                self.failed += 1
            wire.emit({"check": "scenario", "ok": False, "reason": error})
        ok = self.failed == 0
        wire.emit({"result": "passed" if ok else "failed", "passed": self.passed, "failed": self.failed})
        return 0 if ok else 1


class PeerConnection:
    """One grpcio channel to the server, used the way a Nacos SDK uses it: unary calls and one bi-stream."""

    def __init__(self, args, name):
        self.args = args
        self.name = name
        self.timeout = args.timeout
        options = [
            ("grpc.use_local_subchannel_pool", 1),  # one connection per channel, as the SDK configures
            ("grpc.so_reuseport", 0),
            ("grpc.max_receive_message_length", 10 * 1024 * 1024),
            ("grpc.enable_retries", 0),
        ]
        if args.tls:
            with open(args.ca, "rb") as ca_file:
                credentials = grpc.ssl_channel_credentials(root_certificates=ca_file.read())
            if args.server_name:
                options.append(("grpc.ssl_target_name_override", args.server_name))
            self.channel = grpc.secure_channel(args.target, credentials, options=options)
        else:
            self.channel = grpc.insecure_channel(args.target, options=options)
        self.unary_call = self.channel.unary_unary(wire.UNARY_PATH)
        self.stream_call = None
        self.outbound = queue.Queue()
        self.received = []  # every Message the server sent on the bi-stream, in order
        self.acks = []  # (request type, requestId) answered on the bi-stream
        self.stream_end = None  # why the bi-stream ended, once it did
        self.condition = threading.Condition()
        self.closed = threading.Event()

    # -- unary ---------------------------------------------------------------------------------

    def wait_ready(self):
        grpc.channel_ready_future(self.channel).result(timeout=self.timeout)

    def request(self, type_name, fields=None, module="internal", headers=None, raw_body=None):
        """One unary call; returns the decoded response Message (raises grpc.RpcError / WireError)."""
        body = raw_body if raw_body is not None else wire.request_body(module, fields)
        data = wire.encode_payload(type_name, body, client_ip=self.args.client_ip, headers=headers)
        return wire.decode_payload(self.unary_call(data, timeout=self.timeout))

    def request_future(self, type_name, fields=None, module="internal"):
        data = wire.encode_payload(type_name, wire.request_body(module, fields), client_ip=self.args.client_ip)
        return self.unary_call.future(data, timeout=self.timeout)

    # -- bi-stream -----------------------------------------------------------------------------

    def open_stream(self):
        def requests():
            while not self.closed.is_set():
                try:
                    item = self.outbound.get(timeout=0.25)
                except queue.Empty:
                    continue
                if item is None:
                    return
                yield item

        # The stream lives for the whole run; --max-seconds bounds it.
        self.stream_call = self.channel.stream_stream(wire.BI_STREAM_PATH)(
            requests(), timeout=self.args.max_seconds
        )
        threading.Thread(target=self._read_stream, name=f"{self.name} bi-stream", daemon=True).start()

    def _read_stream(self):
        reason = "completed"
        try:
            for data in self.stream_call:
                try:
                    message = wire.decode_payload(data)
                except wire.WireError as error:
                    message = wire.Message("<undecodable>", None, raw_body=bytes(data))
                    message.error = str(error)
                self._answer_server_request(message)
                with self.condition:
                    self.received.append(message)
                    self.condition.notify_all()
        except grpc.RpcError as error:
            reason = f"{error.code().name}: {error.details()}"
        except Exception as error:  # noqa: BLE001 - reported as the stream's end
            reason = f"{type(error).__name__}: {error}"
        with self.condition:
            self.stream_end = reason
            self.condition.notify_all()

    def _answer_server_request(self, message):
        """Answers server pushes on the stream at once, as the SDKs do, with the same requestId."""
        answers = {
            "NotifySubscriberRequest": "NotifySubscriberResponse",
            "ClientDetectionRequest": "ClientDetectionResponse",
            "ConnectResetRequest": "ConnectResetResponse",
        }
        response_type = answers.get(message.type)
        if response_type is None:
            return
        request_id = message.get("requestId")
        self.send_stream(response_type, wire.response_body(request_id=request_id))
        with self.condition:
            self.acks.append((message.type, request_id))

    def send_stream(self, type_name, body):
        self.outbound.put(wire.encode_payload(type_name, body, client_ip=self.args.client_ip))

    def wait_message(self, predicate, timeout):
        """The first message received on the stream (since it opened) that satisfies `predicate`, or None
        after `timeout` seconds or when the stream ended without one."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while True:
                for message in self.received:
                    if predicate(message):
                        return message
                left = deadline - time.monotonic()
                if left <= 0 or self.stream_end is not None:
                    return None
                self.condition.wait(left)

    def close(self):
        self.closed.set()
        self.outbound.put(None)
        if self.stream_call is not None:
            self.stream_call.cancel()
        self.channel.close()


# -- shared steps ------------------------------------------------------------------------------


def rpc(report, name, call, required=True):
    """Runs `call`, turning a gRPC error or an undecodable answer into a failed check; returns its Message."""
    try:
        return call()
    except grpc.RpcError as error:
        report.check(name, False, f"gRPC status {error.code().name}: {error.details()}", required=required)
    except wire.WireError as error:
        report.check(name, False, str(error), required=required)
    except grpc.FutureTimeoutError:
        report.check(name, False, "timed out", required=required)
    return None


def response_ok(message, expected_type):
    """None when `message` is an `expected_type` with resultCode 200 and integer codes, else the reason."""
    if message.type != expected_type:
        return f"expected {expected_type}, got {message.type} {message.body}"
    if message.body is None:
        return f"the {expected_type} body is not a JSON object: {message.raw_body[:200]!r}"
    result, error = message.get("resultCode"), message.get("errorCode")
    if not isinstance(result, int) or not isinstance(error, int):
        return f"resultCode/errorCode are not integers: {message.body}"
    if result != 200:
        return f"resultCode {result}, errorCode {error}, message {message.get('message')!r}"
    return None


def server_check(report, conn, prefix=""):
    name = prefix + "server-check"
    rpc(report, name + "-channel-ready", conn.wait_ready)
    response = rpc(report, name, lambda: conn.request("ServerCheckRequest"))
    reason = response_ok(response, "ServerCheckResponse")
    connection_id = response.get("connectionId")
    if reason is None and not (isinstance(connection_id, str) and connection_id):
        reason = f"empty connectionId: {response.body}"
    report.check(name, reason is None, reason, connectionId=connection_id,
                 supportAbilityNegotiation=response.get("supportAbilityNegotiation"))
    return response


def setup(report, conn, prefix=""):
    conn.open_stream()
    conn.send_stream("ConnectionSetupRequest", wire.request_body("internal", {
        "clientVersion": CLIENT_VERSION,
        "tenant": "",
        "labels": {"source": "sdk", "module": "naming", "AppName": "peer"},
        "abilityTable": {},
    }))
    started = time.monotonic()
    ack = conn.wait_message(lambda m: m.type == "SetupAckRequest", 5.0)
    if ack is None:
        report.check(prefix + "setup-ack", False,
                     f"no SetupAckRequest within 5 s (stream: {conn.stream_end or 'open'}, "
                     f"received: {[m.type for m in conn.received]})")
    has_table = isinstance(ack.body, dict) and "abilityTable" in ack.body
    report.check(prefix + "setup-ack", has_table, f"SetupAckRequest without abilityTable: {ack.body}",
                 abilityTable=ack.get("abilityTable"), requestId=ack.get("requestId"),
                 millis=int((time.monotonic() - started) * 1000))


def health_check(report, conn, name="health-check"):
    response = rpc(report, name, lambda: conn.request("HealthCheckRequest"))
    reason = response_ok(response, "HealthCheckResponse")
    report.check(name, reason is None, reason)


def handshake(report, conn, prefix=""):
    server_check(report, conn, prefix)
    setup(report, conn, prefix)
    health_check(report, conn, prefix + "health-check")


def host_matches(host, ip, port):
    return isinstance(host, dict) and host.get("ip") == ip and host.get("port") == port


# -- scenarios ---------------------------------------------------------------------------------


def scenario_handshake(args, report):
    conn = PeerConnection(args, "a")
    try:
        handshake(report, conn)
    finally:
        conn.close()


def register(report, conn, args, ip, port, metadata, name):
    fields = {
        "namespace": args.namespace, "serviceName": args.service, "groupName": args.group,
        "type": "registerInstance",
        "instance": wire.instance(ip, port, metadata=metadata),
    }
    response = rpc(report, name, lambda: conn.request("InstanceRequest", fields, module="naming",
                                                      headers={"app": "peer"}))
    reason = response_ok(response, "InstanceResponse")
    if reason is None and response.get("type") != "registerInstance":
        reason = f"InstanceResponse type {response.get('type')!r}, expected 'registerInstance'"
    report.check(name, reason is None, reason, ip=ip, port=port)


def service_info_problem(info, args):
    """None when `info` is a serviceInfo object of the scenario's service as the SDKs need it."""
    if not isinstance(info, dict):
        return f"serviceInfo is not an object: {info!r}"
    if info.get("name") != args.service:
        return f"serviceInfo.name {info.get('name')!r}, expected the bare {args.service!r}"
    if info.get("groupName") != args.group:
        return f"serviceInfo.groupName {info.get('groupName')!r}, expected {args.group!r}"
    if not isinstance(info.get("hosts"), list):
        return f"serviceInfo.hosts is not an array: {info.get('hosts')!r}"
    return None


def scenario_register(args, report):
    first = PeerConnection(args, "a")
    second = PeerConnection(args, "b")
    try:
        handshake(report, first)
        ip_a, port_a, meta_a = "127.0.0.21", 8081, {"peer": "grpcio", "zone": "a"}
        register(report, first, args, ip_a, port_a, meta_a, "register")

        response = rpc(report, "subscribe", lambda: first.request("SubscribeServiceRequest", {
            "namespace": args.namespace, "serviceName": args.service, "groupName": args.group,
            "subscribe": True, "clusters": "",
        }, module="naming", headers={"app": "peer"}))
        reason = response_ok(response, "SubscribeServiceResponse")
        info = response.get("serviceInfo")
        reason = reason or service_info_problem(info, args)
        host = None
        if reason is None:
            host = next((h for h in info["hosts"] if host_matches(h, ip_a, port_a)), None)
            if host is None:
                reason = f"serviceInfo.hosts lacks {ip_a}:{port_a}: {info['hosts']}"
            elif not all((host.get("metadata") or {}).get(k) == v for k, v in meta_a.items()):
                reason = f"instance metadata {host.get('metadata')!r}, expected {meta_a!r}"
        report.check("subscribe", reason is None, reason, hosts=len(info["hosts"]) if isinstance(info, dict)
                     and isinstance(info.get("hosts"), list) else None, lastRefTime=(info or {}).get("lastRefTime")
                     if isinstance(info, dict) else None)

        handshake(report, second, "second-")
        ip_b, port_b = "127.0.0.22", 8082
        register(report, second, args, ip_b, port_b, {"peer": "grpcio", "zone": "b"}, "second-register")

        def pushes_second(message):
            if message.type != "NotifySubscriberRequest":
                return False
            pushed = message.get("serviceInfo")
            return isinstance(pushed, dict) and isinstance(pushed.get("hosts"), list) and any(
                host_matches(h, ip_b, port_b) for h in pushed["hosts"])

        push = first.wait_message(pushes_second, args.timeout)
        if push is None:
            seen = [(m.type, (m.get("serviceInfo") or {}).get("hosts") if isinstance(m.get("serviceInfo"), dict)
                     else None) for m in first.received]
            report.check("push", False, f"no NotifySubscriberRequest with {ip_b}:{port_b} within "
                         f"{args.timeout} s (stream: {first.stream_end or 'open'}, received: {seen})")
        pushed = push.get("serviceInfo")
        reason = service_info_problem(pushed, args)
        request_id = push.get("requestId")
        if reason is None and not (isinstance(request_id, str) and request_id):
            reason = f"push without a requestId: {push.body}"
        report.check("push", reason is None, reason, requestId=request_id, hosts=len(pushed.get("hosts") or [])
                     if isinstance(pushed, dict) else None, lastRefTime=pushed.get("lastRefTime")
                     if isinstance(pushed, dict) else None)
        with first.condition:
            acked = ("NotifySubscriberRequest", request_id) in first.acks
        report.check("push-ack", acked, "the push was not answered", requestId=request_id)
        # The ack is on its way; a last unary call proves the connection survived it.
        health_check(report, first, "health-check-after-push")
    finally:
        second.close()
        first.close()


def scenario_errors(args, report):
    conn = PeerConnection(args, "a")
    try:
        server_check(report, conn)

        if not report.is_skipped("unknown-type"):
            response = rpc(report, "unknown-type", lambda: conn.request("NoSuchThingRequest"), required=False)
            if response is not None:
                ok = response.type == "ErrorResponse" and response.get("errorCode") == wire.NO_HANDLER
                report.check("unknown-type", ok, f"expected ErrorResponse 302, got {response.type} {response.body}",
                             required=False, errorCode=response.get("errorCode"), resultCode=response.get("resultCode"))

        if not report.is_skipped("unregistered"):
            response = rpc(report, "unregistered", lambda: conn.request("HealthCheckRequest"), required=False)
            if response is not None:
                ok = response.type == "ErrorResponse" and response.get("errorCode") == wire.UN_REGISTER
                report.check("unregistered", ok, f"expected ErrorResponse 301 before the setup, got {response.type} "
                             f"{response.body}", required=False, errorCode=response.get("errorCode"))

        setup(report, conn)

        if not report.is_skipped("not-json"):
            response = rpc(report, "not-json", lambda: conn.request("InstanceRequest", raw_body=b"{not json"),
                           required=False)
            if response is not None:
                ok = response.type == "ErrorResponse" and response.get("errorCode") == wire.BAD_GATEWAY
                report.check("not-json", ok, f"expected ErrorResponse 502, got {response.type} {response.body}",
                             required=False, errorCode=response.get("errorCode"))

        if not report.is_skipped("not-protobuf"):
            try:
                answer = conn.unary_call(b"\x12\xff\xff\xff\xff\x0f", timeout=conn.timeout)
                try:
                    message = wire.decode_payload(answer)
                    ok = message.type == "ErrorResponse"
                    report.check("not-protobuf", ok, f"an OK answer that is no ErrorResponse: {message}",
                                 required=False, answer=message.type)
                except wire.WireError as error:
                    report.check("not-protobuf", False, f"an OK answer that is no Payload: {error}", required=False)
            except grpc.RpcError as error:
                report.check("not-protobuf", error.code() != grpc.StatusCode.DEADLINE_EXCEEDED,
                             "the server did not answer", required=False, status=error.code().name)

        if not report.is_skipped("unknown-path"):
            try:
                conn.channel.unary_unary("/Foo/bar")(wire.encode_payload(
                    "HealthCheckRequest", wire.request_body("internal")), timeout=conn.timeout)
                report.check("unknown-path", False, "/Foo/bar answered OK", required=False)
            except grpc.RpcError as error:
                report.check("unknown-path", error.code() == grpc.StatusCode.UNIMPLEMENTED,
                             f"status {error.code().name}: {error.details()}", required=False,
                             status=error.code().name)

        health_check(report, conn, "still-works")
        report.check("stream-still-open", conn.stream_end is None, f"the bi-stream ended: {conn.stream_end}",
                     required=False)
    finally:
        conn.close()


def scenario_concurrent(args, report):
    conn = PeerConnection(args, "a")
    try:
        handshake(report, conn)
        started = time.monotonic()
        calls = []
        for index in range(args.count):
            if index % 2 == 0:
                calls.append((index, "HealthCheckResponse", conn.request_future("HealthCheckRequest")))
            else:
                calls.append((index, "QueryServiceResponse", conn.request_future("ServiceQueryRequest", {
                    "namespace": "public", "serviceName": f"concurrent-{index}", "groupName": "DEFAULT_GROUP",
                    "cluster": "", "healthyOnly": False, "udpPort": 0,
                }, module="naming")))
        problems = []
        for index, expected, future in calls:
            try:
                message = wire.decode_payload(future.result(timeout=args.timeout))
            except grpc.RpcError as error:
                problems.append(f"call {index}: {error.code().name} {error.details()}")
                continue
            except (grpc.FutureTimeoutError, wire.WireError) as error:
                problems.append(f"call {index}: {type(error).__name__} {error}")
                continue
            reason = response_ok(message, expected)
            if reason is None and expected == "QueryServiceResponse":
                name = (message.get("serviceInfo") or {}).get("name")
                if name != f"concurrent-{index}":
                    reason = f"answered with serviceInfo.name {name!r}"
            if reason is not None:
                problems.append(f"call {index}: {reason}")
        report.check("concurrent", not problems, "; ".join(problems[:5]), count=args.count,
                     answered=args.count - len(problems), millis=int((time.monotonic() - started) * 1000))
        health_check(report, conn, "health-check-after")
    finally:
        conn.close()


SCENARIOS = {
    "handshake": scenario_handshake,
    "register": scenario_register,
    "errors": scenario_errors,
    "concurrent": scenario_concurrent,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", required=True, help="HOST:PORT of the gRPC port")
    parser.add_argument("--tls", action="store_true", help="use TLS (needs --ca)")
    parser.add_argument("--ca", help="PEM file with the CA certificate(s) to trust")
    parser.add_argument("--server-name", help="the name to verify in the server's certificate")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per RPC (at most 10)")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="bound for the whole run")
    parser.add_argument("--client-ip", default="127.0.0.1", help="metadata.clientIp to send")
    parser.add_argument("--skip", action="append", default=[], metavar="CHECK", help="leave a check out")
    sub = parser.add_subparsers(dest="scenario", required=True)
    sub.add_parser("handshake")
    reg = sub.add_parser("register")
    reg.add_argument("--service", default=f"grpcio-peer-{os.getpid()}")
    reg.add_argument("--group", default="DEFAULT_GROUP")
    reg.add_argument("--namespace", default="public")
    sub.add_parser("errors")
    con = sub.add_parser("concurrent")
    con.add_argument("--count", type=int, default=64)
    args = parser.parse_args()
    if args.tls and not args.ca:
        parser.error("--tls needs --ca")
    if not 0 < args.timeout <= 10:
        parser.error("--timeout must be in (0, 10]")
    if args.scenario == "concurrent" and not 1 <= args.count <= 10000:
        parser.error("--count must be in [1, 10000]")

    report = Report(args.skip)

    def watchdog():
        wire.emit({"check": "scenario", "ok": False, "reason": f"still running after {args.max_seconds} s"})
        wire.emit({"result": "failed", "passed": report.passed, "failed": report.failed + 1})
        os._exit(1)

    timer = threading.Timer(args.max_seconds, watchdog)
    timer.daemon = True
    timer.start()
    try:
        SCENARIOS[args.scenario](args, report)
        status = report.finish()
    except CheckFailed:
        status = report.finish()
    except Exception as error:  # noqa: BLE001 - any surprise is a failed run, with its reason
        status = report.finish(f"{type(error).__name__}: {error}")
    timer.cancel()
    sys.stdout.flush()
    # grpcio's threads may linger on a cancelled stream; do not wait for them.
    os._exit(status)


if __name__ == "__main__":
    main()
