#!/usr/bin/env python3
"""A synthetic events stream for bench/watch.sh: what the watcher can take when the
daemon cannot produce 500 events/s (under load it makes about 50 container creates/s).

Listens on a unix socket and stands in for the Engine API: every request is passed to the
real daemon (one connection each, `Connection: close`), except `GET /events`. A replay
(`until=` given) answers with no events; the live stream waits until CTL/go exists, then
sends a `container create` event for each `ID NAME` line of CTL/ids at RATE events/s,
stamped with the time it is sent, and writes the rate achieved to CTL/done. The watcher
then inspects real containers on the real daemon: only the event stream is synthetic.

usage: watch_replay.py LISTEN_SOCKET DOCKER_SOCKET CTL_DIR RATE
"""
import json
import os
import socket
import socketserver
import sys
import time

listen, real, ctl, rate = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])


def read_request(f):
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = f.readline()
        if not line:
            return None
        head += line
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = f.read(length) if length else b""
    return head, body


def chunk(data):
    return b"%x\r\n%s\r\n" % (len(data), data)


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        while True:
            req = read_request(self.rfile)
            if req is None:
                return
            head, body = req
            target = head.split(b" ", 2)[1].decode()
            path = target.split("?", 1)[0]
            if path.endswith("/events"):
                self.events("until=" in target)
                return
            self.forward(head, body)
            return

    def forward(self, head, body):
        lines = [l for l in head.split(b"\r\n")[:-2] if not l.lower().startswith(b"connection:")]
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        upstream.connect(real)
        upstream.sendall(b"\r\n".join(lines) + b"\r\nConnection: close\r\n\r\n" + body)
        while True:
            data = upstream.recv(65536)
            if not data:
                break
            self.wfile.write(data)
        upstream.close()

    def events(self, replay):
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        self.wfile.flush()
        if replay:
            self.wfile.write(b"0\r\n\r\n")
            return
        while not os.path.exists(os.path.join(ctl, "go")):
            time.sleep(0.05)
        ids = [l.split() for l in open(os.path.join(ctl, "ids")) if l.strip()]
        start = time.time()
        for i, (cid, name) in enumerate(ids):
            due = start + i / rate
            pause = due - time.time()
            if pause > 0:
                time.sleep(pause)
            now = time.time_ns()
            event = {
                "status": "create", "id": cid, "from": "bench", "Type": "container", "Action": "create",
                "Actor": {"ID": cid, "Attributes": {"name": name, "image": "bench"}},
                "scope": "local", "time": now // 10**9, "timeNano": now,
            }
            self.wfile.write(chunk(json.dumps(event).encode() + b"\n"))
            self.wfile.flush()
        achieved = len(ids) / max(time.time() - start, 1e-9)
        with open(os.path.join(ctl, "done"), "w") as f:
            f.write(f"{achieved:.0f}\n")
        while True:  # the stream stays open until the watcher goes
            time.sleep(1)


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    # The watcher inspects 16 containers at once, each on a connection of its own: the
    # default backlog of 5 made connects fail with EAGAIN (the daemon's own is 4096).
    request_queue_size = 256


if os.path.exists(listen):
    os.unlink(listen)
Server(listen, Handler).serve_forever()
