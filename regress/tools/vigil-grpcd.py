#!/usr/bin/python3
# vigil-grpcd: a gRPC health server for the tests (grpc.health.v1).
#
#   vigil-grpcd.py PORT STATEFILE [SERVICE ...]
#	A real gRPC server (Debian's python3-grpcio; run it with
#	/usr/bin/python3) that serves grpc.health.v1.Health/Check through
#	a generic handler with raw-bytes (de)serializers, so that no
#	generated code is needed.  The service "" and each SERVICE are
#	known; any other is answered as grpc's own health servicer does,
#	with status NOT_FOUND.  Each call reads STATEFILE, whose lines are
#	MODE (for every service) or NAME=MODE (for that one); no line for
#	a service, or no file: SERVING.  MODE is one of
#	  SERVING, NOT_SERVING, SERVICE_UNKNOWN, UNKNOWN   that status
#	  STALL           no answer until the client gives up
#	  UNAVAILABLE     grpc status 14, a trailers-only response
#	Every call is logged to stdout: "check service=NAME -> ANSWER".
#
#   vigil-grpcd.py --raw MODE PORT [MODE PORT ...]
#	Not gRPC: a TCP server on each PORT that reads what the client
#	sends and answers each connection with a broken HTTP/2 exchange,
#	for the tests of bad input.  MODE is one of
#	  garbage      bytes that are not HTTP/2
#	  http1        an HTTP/1.1 response
#	  hugeframe    SETTINGS, then a frame of 1 MB (over the 16 KiB limit)
#	  endless      SETTINGS, then a HEADERS frame that never ends
#	  rst          SETTINGS, then RST_STREAM (INTERNAL_ERROR) on stream 1
#	  hugemsg      a response whose message claims 2 GB
#	  noheaders    SETTINGS, then DATA with END_STREAM, no HEADERS

import os
import socket
import struct
import sys
import threading
import time


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def request_service(data):
    """The service field (1) of a HealthCheckRequest, decoded by hand."""
    i, service = 0, ""
    while i < len(data):
        key, i = read_varint(data, i)
        wt = key & 7
        if wt == 0:
            _, i = read_varint(data, i)
        elif wt == 2:
            n, i = read_varint(data, i)
            if key >> 3 == 1:
                service = data[i:i + n].decode("utf-8", "replace")
            i += n
        elif wt == 1:
            i += 8
        elif wt == 5:
            i += 4
        else:
            raise ValueError("bad wire type")
    return service


def read_varint(data, i):
    n, shift = 0, 0
    while True:
        b = data[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


STATUSES = {"UNKNOWN": 0, "SERVING": 1, "NOT_SERVING": 2,
            "SERVICE_UNKNOWN": 3}


def grpc_main(port, statefile, services):
    import grpc
    from concurrent import futures

    known = set(services) | {""}

    def state(service):
        mode = "SERVING"
        try:
            with open(statefile) as f:
                lines = f.read().split()
        except FileNotFoundError:
            return mode
        for line in lines:
            name, eq, m = line.rpartition("=")
            if not eq:
                mode = line
        for line in lines:
            name, eq, m = line.rpartition("=")
            if eq and name == service:
                mode = m
        return mode

    def check(request, context):
        service = request_service(request)
        mode = state(service)
        if service not in known:
            answer = "NOT_FOUND"
        else:
            answer = mode
        print("check service=%s -> %s" % (service, answer), flush=True)
        if answer == "NOT_FOUND":
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")
        if answer == "UNAVAILABLE":
            context.abort(grpc.StatusCode.UNAVAILABLE, "going down")
        if answer == "STALL":
            end = time.monotonic() + 60
            while context.is_active() and time.monotonic() < end:
                time.sleep(0.05)
            return b""
        status = STATUSES.get(answer, 0)
        return b"" if status == 0 else b"\x08" + varint(status)

    handler = grpc.method_handlers_generic_handler(
        "grpc.health.v1.Health",
        {"Check": grpc.unary_unary_rpc_method_handler(
            check, request_deserializer=None, response_serializer=None)})
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((handler,))
    if server.add_insecure_port("127.0.0.1:%d" % port) == 0:
        sys.exit("vigil-grpcd: cannot listen on port %d" % port)
    server.start()
    print("listening on 127.0.0.1:%d" % port, flush=True)
    server.wait_for_termination()


def frame(ftype, flags, stream, payload, length=None):
    n = len(payload) if length is None else length
    return struct.pack(">I", n)[1:] + bytes([ftype, flags]) + \
        struct.pack(">I", stream) + payload


def literal(name, value):
    """An HPACK literal header field without indexing, new name."""
    return b"\x00" + varint(len(name)) + name + varint(len(value)) + value


SETTINGS = frame(4, 0, 0, b"")
RESPONSE_HEADERS = literal(b":status", b"200") + \
    literal(b"content-type", b"application/grpc")


def raw_answer(mode):
    if mode == "garbage":
        return b"\x16\x03\x01\x02\x00this is not HTTP/2 at all\r\n" * 4
    if mode == "http1":
        return b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
    if mode == "hugeframe":
        return SETTINGS + frame(0, 0, 1, b"\x00" * 64, 1 << 20)
    if mode == "endless":
        return SETTINGS + frame(1, 4, 1, RESPONSE_HEADERS, 1000)
    if mode == "rst":
        return SETTINGS + frame(3, 0, 1, struct.pack(">I", 2))
    if mode == "hugemsg":
        return SETTINGS + frame(1, 4, 1, RESPONSE_HEADERS) + \
            frame(0, 0, 1, b"\x00\x7f\xff\xff\xff" + b"\x08\x01")
    if mode == "noheaders":
        return SETTINGS + frame(0, 1, 1, b"\x00\x00\x00\x00\x02\x08\x01")
    sys.exit("vigil-grpcd: unknown mode %s" % mode)


def raw_conn(conn, mode):
    answer = raw_answer(mode)
    conn.settimeout(30)
    try:
        # The client preface (24 bytes) and its first frames.
        got = b""
        while len(got) < 24:
            b = conn.recv(4096)
            if not b:
                return
            got += b
        conn.sendall(answer)
        # Never the first to close (a reset could lose the answer):
        # wait until the client hangs up.
        while conn.recv(4096):
            pass
    except OSError:
        pass
    finally:
        conn.close()


def raw_accept(s, mode):
    while True:
        conn, _ = s.accept()
        print("raw %s: a connection" % mode, flush=True)
        threading.Thread(target=raw_conn, args=(conn, mode),
                         daemon=True).start()


def raw_main(pairs):
    threads = []
    for mode, port in pairs:
        raw_answer(mode)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(16)
        print("raw %s listening on 127.0.0.1:%d" % (mode, port), flush=True)
        t = threading.Thread(target=raw_accept, args=(s, mode), daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()


def main():
    args = sys.argv[1:]
    if len(args) >= 3 and len(args) % 2 == 1 and args[0] == "--raw":
        raw_main([(args[i], int(args[i + 1]))
                  for i in range(1, len(args), 2)])
    elif len(args) >= 2 and not args[0].startswith("-"):
        grpc_main(int(args[0]), args[1], args[2:])
    else:
        sys.exit("usage: vigil-grpcd.py PORT STATEFILE [SERVICE ...]\n"
                 "       vigil-grpcd.py --raw MODE PORT [MODE PORT ...]")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        os._exit(0)
