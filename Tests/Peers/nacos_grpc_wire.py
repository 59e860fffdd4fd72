"""Nacos's gRPC Payload (nacos_grpc_service.proto, no package), written by hand with protobuf's wire format:
Payload { Metadata metadata = 2; google.protobuf.Any body = 3; }
Metadata { string type = 3; string clientIp = 8; map<string,string> headers = 7; }
Any { string type_url = 1; bytes value = 2; }
"""
import json


def _varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _field(number, data):
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def encode_payload(type_name, body, client_ip="", headers=None):
    """The protobuf bytes of a Payload whose body is `body` (a dict, JSON-encoded, or raw bytes)."""
    metadata = _field(3, type_name.encode())
    for key, value in sorted((headers or {}).items()):
        metadata += _field(7, _field(1, key.encode()) + _field(2, value.encode()))
    if client_ip:
        metadata += _field(8, client_ip.encode())
    value = body if isinstance(body, (bytes, bytearray)) else json.dumps(body).encode()
    return _field(2, metadata) + _field(3, _field(2, bytes(value)))


def _read_varint(data, index):
    shift = value = 0
    while True:
        byte = data[index]
        index += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, index
        shift += 7


def _fields(data):
    index = 0
    while index < len(data):
        key, index = _read_varint(data, index)
        number, wire = key >> 3, key & 7
        if wire != 2:
            raise ValueError(f"unexpected wire type {wire}")
        length, index = _read_varint(data, index)
        yield number, data[index:index + length]
        index += length


def decode_payload(data):
    """(type, headers, body dict) of a Payload."""
    type_name, headers, body = "", {}, b""
    for number, value in _fields(data):
        if number == 2:
            for inner, part in _fields(value):
                if inner == 3:
                    type_name = part.decode()
                elif inner == 7:
                    entry = dict(_fields(part))
                    headers[entry.get(1, b"").decode()] = entry.get(2, b"").decode()
        elif number == 3:
            for inner, part in _fields(value):
                if inner == 2:
                    body = part
    return type_name, headers, json.loads(body) if body else {}


def grpc_frame(message):
    """A gRPC length-prefixed message (uncompressed)."""
    return b"\x00" + len(message).to_bytes(4, "big") + message


def request(type_name, fields=None, module="naming", client_ip="127.0.0.1", headers=None, request_id=None):
    body = {"headers": {}, "module": module, **(fields or {})}
    if request_id is not None:
        body["requestId"] = request_id
    return encode_payload(type_name, body, client_ip=client_ip, headers=headers)
