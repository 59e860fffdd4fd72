"""A raw HTTP/2 peer (hyper-h2 plus hand-made frames) against our gRPC port.

usage: h2_raw_peer.py --target HOST:PORT <scenario> [args]
Scenarios: split, tiny-window, continuation, dynamic-table, bad-preface, malformed, oversize-headers,
rst-mid-message, many-streams [N], rapid-reset, ping. One JSON object per check; exit 0 only if all passed.
"""
import argparse
import json
import os
import socket
import struct
import threading
import time

import h2.config
import h2.connection
import h2.events
import h2.settings

from nacos_grpc_wire import decode_payload, grpc_frame, request

FAILED = []
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SERVER_CHECK = grpc_frame(request("ServerCheckRequest", module="internal"))


def report(check, ok, **details):
    print(json.dumps({"check": check, "ok": bool(ok), **details}, default=str), flush=True)
    if not ok:
        FAILED.append(check)


def headers(path="/Request/request", extra=()):
    return [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "nacos"),
            ("content-type", "application/grpc"), ("te", "trailers"), *extra]


class Peer:
    """One h2 client connection over a blocking socket."""

    def __init__(self, target, settings=None, window=None):
        host, port = target.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.conn.local_settings = h2.settings.Settings(client=True, initial_values=settings or {})
        self.conn.initiate_connection()
        if window is not None:
            self.conn.local_flow_control_window = lambda stream_id: window
        self.responses = {}
        self.ended = set()
        self.reset = {}
        self.goaway = None
        self.closed = False
        self.flush()

    def flush(self, byte_at_a_time=False):
        data = self.conn.data_to_send()
        if byte_at_a_time:
            for index in range(len(data)):
                self.sock.sendall(data[index:index + 1])
        elif data:
            self.sock.sendall(data)

    def pump(self, until, timeout=10, acknowledge=True):
        deadline = time.monotonic() + timeout
        while not until() and time.monotonic() < deadline and not self.closed:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                break
            except OSError:
                self.closed = True
                break
            if not data:
                self.closed = True
                break
            for event in self.conn.receive_data(data):
                self.handle(event, acknowledge)
            self.flush()
        return until()

    def handle(self, event, acknowledge):
        if isinstance(event, h2.events.ResponseReceived):
            self.responses.setdefault(event.stream_id, {"headers": dict(event.headers), "data": b"", "trailers": {}})
        elif isinstance(event, h2.events.DataReceived):
            self.responses.setdefault(event.stream_id, {"headers": {}, "data": b"", "trailers": {}})["data"] += event.data
            if acknowledge:
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.TrailersReceived):
            self.responses.setdefault(event.stream_id, {"headers": {}, "data": b"", "trailers": {}})["trailers"] = dict(event.headers)
        elif isinstance(event, h2.events.StreamEnded):
            self.ended.add(event.stream_id)
        elif isinstance(event, h2.events.StreamReset):
            self.reset[event.stream_id] = event.error_code
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.goaway = event.error_code

    def server_check(self, stream_id=None, extra=(), byte_at_a_time=False):
        stream_id = stream_id or self.conn.get_next_available_stream_id()
        self.conn.send_headers(stream_id, headers(extra=extra))
        self.conn.send_data(stream_id, SERVER_CHECK, end_stream=True)
        self.flush(byte_at_a_time)
        return stream_id

    def answer(self, stream_id):
        response = self.responses.get(stream_id)
        if not response or len(response["data"]) < 5 or len(response["data"]) < 5 + int.from_bytes(response["data"][1:5], "big"):
            return None
        type_name, _, body = decode_payload(response["data"][5:])
        return {"status": response["headers"].get(":status"), "grpc-status": response["trailers"].get("grpc-status"),
                "type": type_name, "connectionId": body.get("connectionId")}

    def answered(self, stream_id):
        answer = self.answer(stream_id)
        return bool(answer and answer["status"] == "200" and answer["grpc-status"] == "0"
                    and answer["type"] == "ServerCheckResponse" and answer["connectionId"])

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def frame(kind, flags, stream_id, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream_id) + payload


def raw_connection(target):
    host, port = target.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def read_frames(sock, until, timeout=5):
    """(type, flags, stream id, payload) of every frame the server sends until `until(frames)` or the timeout."""
    deadline = time.monotonic() + timeout
    buffer, frames = b"", []
    while time.monotonic() < deadline and not until(frames):
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            data = sock.recv(65536)
        except (socket.timeout, OSError):
            break
        if not data:
            break
        buffer += data
        while len(buffer) >= 9:
            length = int.from_bytes(buffer[0:3], "big")
            if len(buffer) < 9 + length:
                break
            frames.append((buffer[3], buffer[4], int.from_bytes(buffer[5:9], "big") & 0x7FFFFFFF, buffer[9:9 + length]))
            buffer = buffer[9 + length:]
    return frames


def read_goaway(sock, timeout=5):
    """The error code of the first GOAWAY the server sends, or 'closed' if it closes without one."""
    deadline = time.monotonic() + timeout
    buffer = b""
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            data = sock.recv(65536)
        except socket.timeout:
            break
        except OSError:
            return "closed"
        if not data:
            return "closed"
        buffer += data
        while len(buffer) >= 9:
            length = int.from_bytes(buffer[0:3], "big")
            if len(buffer) < 9 + length:
                break
            kind, payload = buffer[3], buffer[9:9 + length]
            buffer = buffer[9 + length:]
            if kind == 0x7:
                return int.from_bytes(payload[4:8], "big")
    return None


def split(options):
    peer = Peer(options.target)
    stream = peer.server_check(byte_at_a_time=True)
    report("split-at-every-byte", peer.pump(lambda: peer.answered(stream)), answer=peer.answer(stream))
    peer.close()


def tiny_window(options):
    peer = Peer(options.target, settings={h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 1})
    stream = peer.server_check()
    report("one-byte-windows", peer.pump(lambda: peer.answered(stream), timeout=20), answer=peer.answer(stream))
    peer.close()


def continuation(options):
    peer = Peer(options.target)
    # h2 splits a header block larger than the peer's max frame size (16 KiB) into HEADERS + CONTINUATION.
    big = [(f"x-pad-{index}", "v" * 900) for index in range(14)]
    stream = peer.server_check(extra=big)
    report("headers-and-continuation", peer.pump(lambda: peer.answered(stream)), answer=peer.answer(stream))
    peer.close()


def dynamic_table(options):
    peer = Peer(options.target)
    streams = []
    for index in range(60):
        streams.append(peer.server_check(extra=[(f"x-distinct-{index}", f"value-{index}-" + "z" * 200)]))
        peer.pump(lambda: peer.answered(streams[-1]))
    report("dynamic-table-eviction", all(peer.answered(s) for s in streams), answered=sum(peer.answered(s) for s in streams))
    peer.close()


def bad_preface(options):
    sock = raw_connection(options.target)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + b"x" * 40)
    outcome = read_goaway(sock)
    report("bad-preface-ends-the-connection", outcome in ("closed", 1), outcome=outcome)
    sock.close()


def malformed(options):
    empty_settings = frame(0x4, 0, 0)
    cases = {
        "data-on-stream-0": (frame(0x0, 0, 0, b"abc"), 1),
        "frame-larger-than-max-frame-size": (frame(0x0, 0, 1, b"a" * 16385), 6),
        "headers-on-even-stream": (frame(0x1, 0x4, 2, b"\x82"), 1),
        "window-update-0-on-connection": (frame(0x8, 0, 0, b"\x00\x00\x00\x00"), 1),
        "settings-bad-length": (frame(0x4, 0, 0, b"\x00\x01\x00"), 6),
        "ping-bad-length": (frame(0x6, 0, 0, b"\x00" * 7), 6),
        "continuation-without-headers": (frame(0x9, 0x4, 1, b"\x82"), 1),
        "bad-hpack-index": (frame(0x1, 0x5, 1, b"\xff\xff\xff\xff\x0f"), 9),
    }
    for name, (payload, expected) in cases.items():
        sock = raw_connection(options.target)
        sock.sendall(PREFACE + empty_settings + payload)
        code = read_goaway(sock)
        report(name, code == expected, received=code, expected=expected)
        sock.close()
    # A PRIORITY of the wrong length is a stream error: RST_STREAM FRAME_SIZE_ERROR, and the connection lives
    # (a PING sent after it is still answered).
    sock = raw_connection(options.target)
    sock.sendall(PREFACE + empty_settings + frame(0x2, 0, 9, b"\x00\x00\x00") + frame(0x6, 0, 0, b"12345678"))
    frames = read_frames(sock, until=lambda got: any(k == 0x6 and f & 1 for k, f, _, _ in got))
    resets = [(sid, int.from_bytes(p[0:4], "big")) for k, _, sid, p in frames if k == 0x3]
    goaways = [k for k, _, _, _ in frames if k == 0x7]
    pinged = any(k == 0x6 and f & 1 for k, f, _, _ in frames)
    report("priority-bad-length-is-a-stream-error", (9, 6) in resets and not goaways and pinged, resets=resets, goaway=bool(goaways))
    sock.close()


def oversize_headers(options):
    peer = Peer(options.target)
    big = [(f"x-big-{index}", "b" * 1000) for index in range(40)]
    refused = peer.server_check(extra=big)
    peer.pump(lambda: refused in peer.reset or refused in peer.ended, timeout=10)
    report("oversize-header-list-refused", refused in peer.reset and not peer.answered(refused), reset=peer.reset)
    stream = peer.server_check()
    report("connection-still-works", peer.pump(lambda: peer.answered(stream)), answer=peer.answer(stream))
    peer.close()


def rst_mid_message(options):
    peer = Peer(options.target)
    stream = peer.conn.get_next_available_stream_id()
    peer.conn.send_headers(stream, headers())
    peer.conn.send_data(stream, SERVER_CHECK[:10])
    peer.conn.reset_stream(stream, error_code=8)
    peer.flush()
    after = peer.server_check()
    report("after-rst-mid-message", peer.pump(lambda: peer.answered(after)) and not peer.answered(stream), answer=peer.answer(after))
    peer.close()


def many_streams(options):
    count = int(options.args[0]) if options.args else 1000
    peer = Peer(options.target)
    peer.pump(lambda: peer.conn.remote_settings.max_concurrent_streams < 2 ** 31 - 1, timeout=5)
    limit = peer.conn.remote_settings.max_concurrent_streams
    streams = []
    for _ in range(min(count, limit)):
        streams.append(peer.server_check())
    ok = peer.pump(lambda: all(peer.answered(s) for s in streams), timeout=60)
    report("concurrent-streams", ok and len(streams) == count, opened=len(streams), limit=limit,
           answered=sum(1 for s in streams if peer.answered(s)))
    peer.close()


def rapid_reset(options):
    peer = Peer(options.target)
    sent = 0
    try:
        for _ in range(5000):
            stream = peer.conn.get_next_available_stream_id()
            peer.conn.send_headers(stream, headers())
            peer.conn.reset_stream(stream, error_code=8)
            sent += 1
            if sent % 100 == 0:
                peer.flush()
    except Exception:  # noqa: BLE001 - the server may close the connection under us
        pass
    try:
        peer.flush()
    except OSError:
        pass
    peer.pump(lambda: peer.goaway is not None, timeout=10)
    report("rapid-reset-gets-enhance-your-calm", peer.goaway == 0xB, goaway=peer.goaway, sent=sent)
    peer.close()


def ping(options):
    peer = Peer(options.target)
    acked = 0
    for index in range(5):
        peer.conn.ping(struct.pack(">Q", index))
        peer.flush()
        before = peer.conn._data_to_send if hasattr(peer.conn, "_data_to_send") else None
        peer.pump(lambda: False, timeout=1.0)
        acked += 1 if peer.goaway is None and not peer.closed else 0
    report("a-ping-a-second-is-fine", acked == 5 and peer.goaway is None, goaway=peer.goaway)
    stream = peer.server_check()
    report("still-serving-after-pings", peer.pump(lambda: peer.answered(stream)))
    for index in range(100):
        peer.conn.ping(struct.pack(">Q", 1000 + index))
    peer.flush()
    peer.pump(lambda: peer.goaway is not None, timeout=5)
    report("ping-flood-gets-enhance-your-calm", peer.goaway == 0xB, goaway=peer.goaway)
    peer.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("scenario")
    parser.add_argument("args", nargs="*")
    options = parser.parse_args()
    scenarios = {"split": split, "tiny-window": tiny_window, "continuation": continuation, "dynamic-table": dynamic_table,
                 "bad-preface": bad_preface, "malformed": malformed, "oversize-headers": oversize_headers,
                 "rst-mid-message": rst_mid_message, "many-streams": many_streams, "rapid-reset": rapid_reset, "ping": ping}
    watchdog = threading.Timer(120, lambda: os._exit(3))
    watchdog.daemon = True
    watchdog.start()
    try:
        scenarios[options.scenario](options)
    except Exception as error:  # noqa: BLE001 - every failure is a reported check
        report("scenario", False, error=repr(error))
    print(json.dumps({"failed": FAILED}), flush=True)
    os._exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
