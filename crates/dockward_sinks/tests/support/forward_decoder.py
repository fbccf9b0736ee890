"""A decoder of Fluent forward frames (python3-msgpack), for the protocol test of the
fluent-forward sink: not a Fluentd. It accepts connections on 127.0.0.1, decodes every
message, writes what it decoded as JSON lines, and answers {"ack": chunk}, except that it
withholds the ack of the first chunk it sees (to make the client send it again).

usage: forward_decoder.py PORT_FILE OUT_FILE
"""
import json
import os
import socket
import sys

import msgpack

port_file, out_file = sys.argv[1], sys.argv[2]
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
    while True:
        data = conn.recv(65536)
        if not data:
            break
        unpacker.feed(data)
        for message in unpacker:
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
