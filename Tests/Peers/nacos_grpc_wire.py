"""Nacos's gRPC wire format for the test peers: the Payload protobuf and its JSON bodies.

The messages are built at import time from a descriptor written here (the shape of Nacos's
`nacos_grpc_service.proto`, which has no package), so encoding and decoding go through the real
`protobuf` runtime, independent of the code under test:

    message Metadata { string type = 3; string clientIp = 8; map<string, string> headers = 7; }
    message Payload  { Metadata metadata = 2; google.protobuf.Any body = 3; }

`Payload.body.value` is the UTF-8 JSON of the request or response; `body.type_url` is left empty
(as Java and Python do). The gRPC paths are `/Request/request` (unary) and
`/BiRequestStream/requestBiStream` (bidirectional).
"""

import json
import sys
import time

from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError

UNARY_PATH = "/Request/request"
BI_STREAM_PATH = "/BiRequestStream/requestBiStream"

# NacosException codes used on the wire (nacos-reference.md §1.4).
UN_REGISTER = 301
NO_HANDLER = 302
BAD_GATEWAY = 502


def _build_messages():
    """Builds the Metadata and Payload classes in a private descriptor pool."""
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(any_pb2.DESCRIPTOR.serialized_pb)

    proto = descriptor_pb2.FileDescriptorProto()
    proto.name = "nacos_grpc_service_peer.proto"
    proto.syntax = "proto3"
    proto.dependency.append("google/protobuf/any.proto")

    F = descriptor_pb2.FieldDescriptorProto

    metadata = proto.message_type.add()
    metadata.name = "Metadata"
    metadata.field.add(name="type", number=3, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, json_name="type")
    metadata.field.add(name="clientIp", number=8, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, json_name="clientIp")
    metadata.field.add(
        name="headers", number=7, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED,
        type_name=".Metadata.HeadersEntry", json_name="headers",
    )
    entry = metadata.nested_type.add()
    entry.name = "HeadersEntry"
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, json_name="key")
    entry.field.add(name="value", number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, json_name="value")

    payload = proto.message_type.add()
    payload.name = "Payload"
    payload.field.add(
        name="metadata", number=2, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL,
        type_name=".Metadata", json_name="metadata",
    )
    payload.field.add(
        name="body", number=3, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL,
        type_name=".google.protobuf.Any", json_name="body",
    )

    pool.Add(proto)
    return (
        message_factory.GetMessageClass(pool.FindMessageTypeByName("Metadata")),
        message_factory.GetMessageClass(pool.FindMessageTypeByName("Payload")),
    )


Metadata, Payload = _build_messages()


class WireError(Exception):
    """A payload that does not decode, or a body that is not a JSON object."""


class Message:
    """One decoded Payload: its metadata type, client IP, headers, and the JSON body (a dict, or None
    when the body was not JSON; `raw_body` then holds its bytes)."""

    def __init__(self, type_name, body, client_ip="", headers=None, raw_body=b"", type_url=""):
        self.type = type_name
        self.body = body
        self.client_ip = client_ip
        self.headers = dict(headers or {})
        self.raw_body = raw_body
        self.type_url = type_url

    def get(self, key, default=None):
        """A body field, or `default` when the body has none (or is not a JSON object)."""
        if isinstance(self.body, dict):
            return self.body.get(key, default)
        return default

    def summary(self):
        """A JSON-friendly dict for log lines."""
        return {"type": self.type, "clientIp": self.client_ip, "headers": self.headers, "body": self.body}

    def __repr__(self):
        return f"Message({self.type!r}, {self.body!r})"


def encode_payload(type_name, body, client_ip="", headers=None, type_url=""):
    """Serialises a Payload whose body is `body`: a dict/list (JSON-encoded), a str, or raw bytes."""
    if isinstance(body, (bytes, bytearray)):
        value = bytes(body)
    elif isinstance(body, str):
        value = body.encode("utf-8")
    else:
        value = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    payload = Payload()
    payload.metadata.type = type_name
    if client_ip:
        payload.metadata.clientIp = client_ip
    for key, val in (headers or {}).items():
        payload.metadata.headers[str(key)] = str(val)
    payload.body.type_url = type_url
    payload.body.value = value
    return payload.SerializeToString()


def decode_payload(data):
    """Parses serialised Payload bytes into a `Message`; raises `WireError` on bytes that are not a
    Payload. A body that is not a JSON object leaves `body` None and keeps `raw_body`."""
    payload = Payload()
    try:
        payload.ParseFromString(bytes(data))
    except DecodeError as error:
        raise WireError(f"not a Payload protobuf ({len(data)} bytes): {error}") from error
    raw = payload.body.value
    body = None
    try:
        parsed = json.loads(raw.decode("utf-8")) if raw else None
        if isinstance(parsed, dict):
            body = parsed
    except (UnicodeDecodeError, ValueError):
        body = None
    return Message(
        payload.metadata.type, body, payload.metadata.clientIp, dict(payload.metadata.headers), raw,
        payload.body.type_url,
    )


def request_body(module, fields=None, request_id=None, headers=None):
    """A request JSON object as Java serialises it: its fields, `module`, `headers` and `requestId`
    only when set."""
    body = dict(fields or {})
    body["headers"] = dict(headers or {})
    body["module"] = module
    if request_id is not None:
        body["requestId"] = str(request_id)
    return body


def response_body(fields=None, result_code=200, error_code=0, message=None, request_id=None):
    """A response JSON object: `resultCode`, `errorCode`, `success`, `message` when set, `requestId`
    when answering a push, plus `fields`."""
    body = {"resultCode": result_code, "errorCode": error_code, "success": result_code == 200}
    if message is not None:
        body["message"] = message
    if request_id is not None:
        body["requestId"] = str(request_id)
    body.update(fields or {})
    return body


def instance(ip, port, cluster="DEFAULT", metadata=None, weight=1.0, ephemeral=True, service_name=""):
    """An instance object as the SDKs send it in an InstanceRequest."""
    return {
        "instanceId": "",
        "ip": ip,
        "port": port,
        "weight": weight,
        "healthy": True,
        "enabled": True,
        "ephemeral": ephemeral,
        "clusterName": cluster,
        "serviceName": service_name,
        "metadata": dict(metadata or {}),
    }


def now_millis():
    """Milliseconds since the epoch."""
    return int(time.time() * 1000)


def emit(record):
    """Writes one JSON object as a line on standard output and flushes it."""
    sys.stdout.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()
