"""A grpcio server playing a minimal Nacos server, to prove our gRPC *client* against gRPC's C core.

usage: grpcio_server.py [--port N] [--tls --cert PEM --key PEM] [--max-seconds S]
Prints `LISTENING <port>`, then one JSON object per event (setup, request, push-ack) on stdout.
"""
import argparse
import json
import os
import queue
import sys
import threading
import time
from concurrent import futures

import grpc

from nacos_grpc_wire import decode_payload, encode_payload

IDENTITY = (lambda data: data)
LOCK = threading.Lock()
STATE = {"instance": None, "streams": []}


def event(kind, **details):
    with LOCK:
        print(json.dumps({"event": kind, **details}, default=str), flush=True)


def response(type_name, fields=None):
    return encode_payload(type_name, {"resultCode": 200, "errorCode": 0, "success": True, **(fields or {})})


def service_info(name):
    hosts = [STATE["instance"]] if STATE["instance"] else []
    return {"name": name, "groupName": "DEFAULT_GROUP", "clusters": "", "cacheMillis": 10000, "hosts": hosts,
            "lastRefTime": int(time.time() * 1000), "checksum": "", "reachProtectionThreshold": False, "valid": True}


def unary(message, context):
    type_name, headers, body = decode_payload(message)
    event("request", type=type_name, headers=headers, body=body, peer=context.peer())
    if type_name == "ServerCheckRequest":
        port = context.peer().rsplit(":", 1)[-1]
        return response("ServerCheckResponse", {"connectionId": f"{int(time.time() * 1000)}_127.0.0.1_{port}", "supportAbilityNegotiation": True})
    if type_name == "HealthCheckRequest":
        return response("HealthCheckResponse")
    if type_name == "InstanceRequest":
        STATE["instance"] = body.get("instance")
        for outbox in list(STATE["streams"]):
            outbox.put(encode_payload("NotifySubscriberRequest", {
                "requestId": "42", "module": "naming", "headers": {}, "namespace": "public",
                "serviceName": body.get("serviceName"), "groupName": "DEFAULT_GROUP", "serviceInfo": service_info(body.get("serviceName"))}))
        return response("InstanceResponse", {"type": body.get("type")})
    if type_name == "ServiceQueryRequest":
        return response("QueryServiceResponse", {"serviceInfo": service_info(body.get("serviceName"))})
    return encode_payload("ErrorResponse", {"resultCode": 500, "errorCode": 302, "message": "RequestHandler Not Found"})


def bidi(messages, context):
    outbox = queue.Queue()

    def reader():
        for message in messages:
            type_name, headers, body = decode_payload(message)
            if type_name == "ConnectionSetupRequest":
                event("setup", labels=body.get("labels"), version=body.get("clientVersion"), abilityTable=body.get("abilityTable"))
                STATE["streams"].append(outbox)
                outbox.put(encode_payload("SetupAckRequest", {"requestId": "1", "module": "internal", "headers": {}, "abilityTable": {}}))
            elif type_name == "NotifySubscriberResponse":
                event("push-ack", requestId=body.get("requestId"), resultCode=body.get("resultCode"))
            else:
                event("stream-message", type=type_name, body=body)
        outbox.put(None)

    threading.Thread(target=reader, daemon=True).start()
    while True:
        item = outbox.get()
        if item is None:
            if outbox in STATE["streams"]:
                STATE["streams"].remove(outbox)
            return
        yield item


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--max-seconds", type=float, default=120)
    options = parser.parse_args()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    handlers = {
        "request": grpc.unary_unary_rpc_method_handler(unary, request_deserializer=IDENTITY, response_serializer=IDENTITY),
    }
    server.add_generic_rpc_handlers((
        grpc.method_handlers_generic_handler("Request", handlers),
        grpc.method_handlers_generic_handler("BiRequestStream", {
            "requestBiStream": grpc.stream_stream_rpc_method_handler(bidi, request_deserializer=IDENTITY, response_serializer=IDENTITY)}),
    ))
    address = f"127.0.0.1:{options.port}"
    if options.tls:
        with open(options.cert, "rb") as cert, open(options.key, "rb") as key:
            credentials = grpc.ssl_server_credentials([(key.read(), cert.read())])
        port = server.add_secure_port(address, credentials)
    else:
        port = server.add_insecure_port(address)
    server.start()
    print(f"LISTENING {port}", flush=True)
    server.wait_for_termination(timeout=options.max_seconds)
    os._exit(0)


if __name__ == "__main__":
    main()
