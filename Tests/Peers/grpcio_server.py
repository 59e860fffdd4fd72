#!/usr/bin/env python3
"""A minimal Nacos gRPC server on grpcio, to prove our gRPC *client* against someone else's stack.

    grpcio_server.py [--host 127.0.0.1] [--port 0] [--tls --cert PEM --key PEM]
                     [--require-setup] [--max-seconds 120] [--ignore-stdin]

Prints `LISTENING <port>` as its first line on standard output, then one JSON object per event:

    {"event": "server-check", "peer": ..., "connectionId": ...}
    {"event": "request", "peer": ..., "type": ..., "clientIp": ..., "headers": {...}, "body": {...}}
    {"event": "stream-open", "peer": ...}
    {"event": "setup", "peer": ..., "connectionId": ..., "clientVersion": ..., "tenant": ...,
     "labels": {...}, "abilityTable": ..., "clientIp": ..., "headers": {...}}
    {"event": "setup-ack-sent", "peer": ..., "requestId": "1"}
    {"event": "register", "peer": ..., "type": "registerInstance", "namespace": ..., "groupName": ...,
     "serviceName": ..., "instance": {...}}
    {"event": "subscribe", "peer": ..., "subscribe": true, "groupName": ..., "serviceName": ..., "clusters": ...}
    {"event": "push", "peer": ..., "requestId": ..., "serviceName": ..., "groupName": ..., "hosts": n}
    {"event": "push-ack", "peer": ..., "requestId": ..., "type": "NotifySubscriberResponse", "resultCode": ...}
    {"event": "stream-message", "peer": ..., "type": ..., "body": ...}   (anything else on a stream)
    {"event": "stream-closed", "peer": ...}
    {"event": "bad-payload", "peer": ..., "where": "unary" | "stream", "reason": ...}
    {"event": "exit", "reason": "sigterm" | "stdin-closed" | "max-seconds"}

Unary `/Request/request`: ServerCheckRequest -> ServerCheckResponse (connectionId
`<millis>_<ip>_<peerport>`, supportAbilityNegotiation true); HealthCheckRequest -> HealthCheckResponse;
InstanceRequest -> InstanceResponse (same `type`); ServiceQueryRequest -> QueryServiceResponse and
SubscribeServiceRequest -> SubscribeServiceResponse, whose serviceInfo.hosts is `[the last instance
registered for that service]` (or `[]`); a body that is not JSON -> ErrorResponse 502; any other type ->
ErrorResponse 302. With `--require-setup`, a request other than ServerCheckRequest from a connection
that has not sent ConnectionSetupRequest gets ErrorResponse 301.

Bi-stream `/BiRequestStream/requestBiStream`: ConnectionSetupRequest -> SetupAckRequest
{abilityTable: {}, requestId "1", module internal}. The first InstanceRequest of each connection makes
the server push a NotifySubscriberRequest {requestId, serviceInfo, module naming} on that connection's
stream; every InstanceRequest also pushes to each connection subscribed to its service. The client's
NotifySubscriberResponse is logged as `push-ack`.

Stops on SIGTERM/SIGINT, when standard input closes (unless --ignore-stdin), or after --max-seconds.
"""

import argparse
import itertools
import json
import os
import queue
import signal
import sys
import threading
from concurrent import futures

import grpc

import nacos_grpc_wire as wire

_log_lock = threading.Lock()


def log(event, **fields):
    """Writes one event line (thread-safe)."""
    record = {"event": event}
    record.update(fields)
    with _log_lock:
        wire.emit(record)


def peer_address(peer):
    """`ipv4:127.0.0.1:5000` / `ipv6:[::1]:5000` -> ("127.0.0.1", "5000")."""
    address = peer.split(":", 1)[1] if ":" in peer else peer
    host, _, port = address.rpartition(":")
    return host.strip("[]"), port


class Connection:
    """What the server knows about one HTTP/2 connection (keyed by its peer address)."""

    def __init__(self, peer):
        self.peer = peer
        host, port = peer_address(peer)
        self.connection_id = f"{wire.now_millis()}_{host}_{port}"
        self.setup = False
        self.outbound = None  # queue.Queue of serialised payloads while a bi-stream is open
        self.registered_once = False
        self.subscriptions = set()  # (namespace, group, service)


class MiniNacos:
    """The server's state: connections, the last instance per service, the push counter."""

    def __init__(self, require_setup):
        self.require_setup = require_setup
        self.lock = threading.Lock()
        self.connections = {}
        self.last_instance = {}  # (namespace, group, service) -> instance dict
        self.ref_time = 0
        self.push_ids = itertools.count(2)  # "1" is the SetupAck's

    # -- helpers -------------------------------------------------------------------------------

    def connection(self, peer):
        with self.lock:
            conn = self.connections.get(peer)
            if conn is None:
                conn = Connection(peer)
                self.connections[peer] = conn
            return conn

    def next_ref_time(self):
        with self.lock:
            self.ref_time = max(wire.now_millis(), self.ref_time + 1)
            return self.ref_time

    @staticmethod
    def service_key(body):
        namespace = body.get("namespace") or "public"
        group = body.get("groupName") or "DEFAULT_GROUP"
        return namespace, group, body.get("serviceName") or ""

    def service_info(self, key, clusters=""):
        _, group, name = key
        with self.lock:
            host = self.last_instance.get(key)
        return {
            "name": name,
            "groupName": group,
            "clusters": clusters or "",
            "cacheMillis": 10000,
            "hosts": [dict(host)] if host else [],
            "lastRefTime": self.next_ref_time(),
            "checksum": "",
            "reachProtectionThreshold": False,
            "valid": True,
        }

    @staticmethod
    def answer(type_name, fields=None, **kwargs):
        return wire.encode_payload(type_name, wire.response_body(fields, **kwargs))

    @staticmethod
    def error(code, message):
        return wire.encode_payload(
            "ErrorResponse", wire.response_body(result_code=500, error_code=code, message=message)
        )

    def push(self, conn, key):
        info = self.service_info(key)
        request_id = str(next(self.push_ids))
        namespace, group, name = key
        body = wire.request_body(
            "naming",
            {"namespace": namespace, "serviceName": name, "groupName": group, "serviceInfo": info},
            request_id=request_id,
        )
        outbound = conn.outbound
        if outbound is None:
            log("push-skipped", peer=conn.peer, reason="no open bi-stream", serviceName=name)
            return
        outbound.put(wire.encode_payload("NotifySubscriberRequest", body))
        log("push", peer=conn.peer, requestId=request_id, serviceName=name, groupName=group,
            hosts=len(info["hosts"]))

    # -- unary ---------------------------------------------------------------------------------

    def unary(self, data, context):
        peer = context.peer()
        try:
            message = wire.decode_payload(data)
        except wire.WireError as error:
            log("bad-payload", peer=peer, where="unary", reason=str(error))
            context.abort(grpc.StatusCode.INTERNAL, "Invalid protobuf byte sequence")
        conn = self.connection(peer)
        if message.type == "ServerCheckRequest":
            log("server-check", peer=peer, connectionId=conn.connection_id)
            return self.answer(
                "ServerCheckResponse",
                {"connectionId": conn.connection_id, "supportAbilityNegotiation": True},
            )
        log("request", peer=peer, type=message.type, clientIp=message.client_ip, headers=message.headers,
            body=message.body if message.body is not None else message.raw_body.decode("utf-8", "replace"))
        handler = {
            "HealthCheckRequest": self.health_check,
            "InstanceRequest": self.instance,
            "ServiceQueryRequest": self.query,
            "SubscribeServiceRequest": self.subscribe,
        }.get(message.type)
        if handler is None:
            return self.error(wire.NO_HANDLER, "RequestHandler Not Found")
        if self.require_setup and not conn.setup:
            return self.error(wire.UN_REGISTER, "Connection is unregistered.")
        if message.body is None:
            return self.error(wire.BAD_GATEWAY, "request body is not a JSON object")
        return handler(conn, message)

    def health_check(self, conn, message):
        return self.answer("HealthCheckResponse")

    def instance(self, conn, message):
        body = message.body
        key = self.service_key(body)
        kind = body.get("type") or ""
        given = body.get("instance") if isinstance(body.get("instance"), dict) else {}
        namespace, group, name = key
        host = {
            "ip": given.get("ip", ""),
            "port": given.get("port", 0),
            "weight": given.get("weight", 1.0),
            "healthy": given.get("healthy", True),
            "enabled": given.get("enabled", True),
            "ephemeral": given.get("ephemeral", True),
            "clusterName": given.get("clusterName") or "DEFAULT",
            "serviceName": f"{group}@@{name}",
            "metadata": given.get("metadata") or {},
        }
        host["instanceId"] = given.get("instanceId") or (
            f"{host['ip']}#{host['port']}#{host['clusterName']}#{group}@@{name}"
        )
        with self.lock:
            if kind == "deregisterInstance":
                current = self.last_instance.get(key)
                if current and (current["ip"], current["port"]) == (host["ip"], host["port"]):
                    del self.last_instance[key]
            else:
                self.last_instance[key] = host
            first = not conn.registered_once
            conn.registered_once = True
            subscribers = [c for c in self.connections.values() if key in c.subscriptions and c is not conn]
            if key in conn.subscriptions:
                subscribers.append(conn)
        log("register", peer=conn.peer, type=kind, namespace=namespace, groupName=group, serviceName=name,
            instance=host)
        response = self.answer("InstanceResponse", {"type": kind})
        targets = list(subscribers)
        if first and conn not in targets:
            targets.append(conn)
        for target in targets:
            self.push(target, key)
        return response

    def query(self, conn, message):
        body = message.body
        key = self.service_key(body)
        return self.answer(
            "QueryServiceResponse", {"serviceInfo": self.service_info(key, body.get("cluster") or "")}
        )

    def subscribe(self, conn, message):
        body = message.body
        key = self.service_key(body)
        subscribe = body.get("subscribe", True) is not False
        with self.lock:
            if subscribe:
                conn.subscriptions.add(key)
            else:
                conn.subscriptions.discard(key)
        clusters = body.get("clusters") or ""
        log("subscribe", peer=conn.peer, subscribe=subscribe, namespace=key[0], groupName=key[1],
            serviceName=key[2], clusters=clusters)
        return self.answer("SubscribeServiceResponse", {"serviceInfo": self.service_info(key, clusters)})

    # -- bi-stream ----------------------------------------------------------------------------

    def bi_stream(self, request_iterator, context):
        peer = context.peer()
        conn = self.connection(peer)
        outbound = queue.Queue()
        closed = object()
        conn.outbound = outbound
        log("stream-open", peer=peer)

        def read():
            try:
                for data in request_iterator:
                    self.stream_message(conn, outbound, data)
            except Exception as error:  # the stream was cancelled or reset
                log("stream-error", peer=peer, reason=f"{type(error).__name__}: {error}")
            finally:
                log("stream-closed", peer=peer)
                outbound.put(closed)

        threading.Thread(target=read, name=f"bi-stream {peer}", daemon=True).start()
        try:
            while context.is_active():
                try:
                    item = outbound.get(timeout=0.25)
                except queue.Empty:
                    continue
                if item is closed:
                    return
                yield item
        finally:
            if conn.outbound is outbound:
                conn.outbound = None

    def stream_message(self, conn, outbound, data):
        try:
            message = wire.decode_payload(data)
        except wire.WireError as error:
            log("bad-payload", peer=conn.peer, where="stream", reason=str(error))
            return
        if message.type == "ConnectionSetupRequest":
            conn.setup = True
            log("setup", peer=conn.peer, connectionId=conn.connection_id,
                clientVersion=message.get("clientVersion"), tenant=message.get("tenant"),
                labels=message.get("labels"), abilityTable=message.get("abilityTable"),
                clientIp=message.client_ip, headers=message.headers)
            ack = wire.request_body("internal", {"abilityTable": {}}, request_id="1")
            outbound.put(wire.encode_payload("SetupAckRequest", ack))
            log("setup-ack-sent", peer=conn.peer, requestId="1")
        elif message.type == "NotifySubscriberResponse":
            log("push-ack", peer=conn.peer, requestId=message.get("requestId"), type=message.type,
                resultCode=message.get("resultCode"), errorCode=message.get("errorCode"))
        else:
            log("stream-message", peer=conn.peer, type=message.type,
                requestId=message.get("requestId"), body=message.body)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls", action="store_true", help="serve TLS (needs --cert and --key)")
    parser.add_argument("--cert", help="PEM certificate chain")
    parser.add_argument("--key", help="PEM private key")
    parser.add_argument("--require-setup", action="store_true",
                        help="answer 301 to requests from connections without ConnectionSetupRequest")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--ignore-stdin", action="store_true", help="do not stop when standard input closes")
    args = parser.parse_args()
    if args.tls and not (args.cert and args.key):
        parser.error("--tls needs --cert and --key")

    nacos = MiniNacos(args.require_setup)
    handlers = (
        grpc.method_handlers_generic_handler("Request", {
            "request": grpc.unary_unary_rpc_method_handler(nacos.unary),
        }),
        grpc.method_handlers_generic_handler("BiRequestStream", {
            "requestBiStream": grpc.stream_stream_rpc_method_handler(nacos.bi_stream),
        }),
    )
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=64),
        handlers=handlers,
        options=[("grpc.so_reuseport", 0), ("grpc.max_receive_message_length", 10 * 1024 * 1024)],
    )
    address = f"{args.host}:{args.port}"
    try:
        if args.tls:
            with open(args.key, "rb") as key_file, open(args.cert, "rb") as cert_file:
                credentials = grpc.ssl_server_credentials([(key_file.read(), cert_file.read())])
            port = server.add_secure_port(address, credentials)
        else:
            port = server.add_insecure_port(address)
    except (OSError, RuntimeError, ValueError) as error:
        print(f"cannot listen on {address}: {error}", file=sys.stderr)
        return 2
    if port == 0:
        print(f"cannot listen on {address}", file=sys.stderr)
        return 2
    server.start()

    stop = threading.Event()
    reason = {"value": "max-seconds"}

    def stop_with(why):
        if not stop.is_set():
            reason["value"] = why
            stop.set()

    signal.signal(signal.SIGTERM, lambda *_: stop_with("sigterm"))
    signal.signal(signal.SIGINT, lambda *_: stop_with("sigterm"))
    if not args.ignore_stdin:
        def watch_stdin():
            try:
                while os.read(sys.stdin.fileno(), 4096):
                    pass
            except OSError:
                pass
            stop_with("stdin-closed")

        threading.Thread(target=watch_stdin, name="stdin", daemon=True).start()

    with _log_lock:
        sys.stdout.write(f"LISTENING {port}\n")
        sys.stdout.flush()
    stop.wait(args.max_seconds)
    log("exit", reason=reason["value"])
    server.stop(grace=0.5).wait(2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
