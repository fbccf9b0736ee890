"""A decoder of Fluent forward frames (python3-msgpack), for the protocol test of the
fluent-forward sink: not a Fluentd. It accepts connections on 127.0.0.1, decodes every
message, writes what it decoded as JSON lines, and answers {"ack": chunk}, except that it
withholds the ack of the first chunk it sees (to make the client send it again).

With SHARED_KEY, each connection starts with the shared-key handshake (HELO from here,
PING from the client, checked, PONG back); the outcome is written as a line too.

usage: forward_decoder.py PORT_FILE OUT_FILE [SHARED_KEY]
"""
import hashlib
import json
import os
import socket
import sys

import msgpack

port_file, out_file = sys.argv[1], sys.argv[2]
shared_key = sys.argv[3].encode() if len(sys.argv) > 3 else None
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(8)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.getsockname()[1]))
os.rename(port_file + ".tmp", port_file)

withheld = False
connection_number = 0
out = open(out_file, "a", buffering=1)


def event_time(code, data):
    return {"ext": code, "sec": int.from_bytes(data[:4], "big"), "nsec": int.from_bytes(data[4:], "big"), "len": len(data)}


while True:
    conn, _ = server.accept()
    connection_number += 1
    unpacker = msgpack.Unpacker(ext_hook=lambda code, data: event_time(code, data), raw=False)
    authenticated = shared_key is None
    if not authenticated:
        nonce = os.urandom(16)
        conn.sendall(msgpack.packb(["HELO", {"nonce": nonce, "auth": b"", "keepalive": True}], use_bin_type=True))
    while True:
        data = conn.recv(65536)
        if not data:
            break
        unpacker.feed(data)
        for message in unpacker:
            if not authenticated:
                kind, hostname, salt, digest, username, password = message
                expected = hashlib.sha512(salt.encode() + hostname.encode() + nonce + shared_key).hexdigest()
                ok = kind == "PING" and digest == expected
                out.write(json.dumps({"connection": connection_number, "handshake": ok, "hostname": hostname}) + "\n")
                if not ok:
                    conn.sendall(msgpack.packb(["PONG", False, "shared key mismatch", "", ""]))
                    break
                pong = hashlib.sha512(salt.encode() + b"decoder" + nonce + shared_key).hexdigest()
                conn.sendall(msgpack.packb(["PONG", True, "", "decoder", pong]))
                authenticated = True
                continue
            tag, entries = message[0], message[1]
            option = message[2] if len(message) > 2 else {}
            line = {
                "connection": connection_number,
                "tag": tag,
                "entries": [{"time": e[0], "record": e[1]} for e in entries],
                "option": option,
            }
            out.write(json.dumps(line, sort_keys=True) + "\n")
            chunk = option.get("chunk")
            if chunk is None:
                continue
            if not withheld:
                withheld = True
                continue
            conn.sendall(msgpack.packb({"ack": chunk}))
    conn.close()
