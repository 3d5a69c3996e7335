"""A TLS server (Python's ssl module) that writes a long, checkable byte stream to its one client.

Usage: writes_a_lot.py CERT KEY TOTAL_BYTES
Prints "PORT <n>" once listening, "SENT <n>" after each block written (a block is 64256 bytes,
a multiple of 251), "DONE <n>" once all is written, then exchanges close_notify and exits.
Byte k of the stream is k % 251, so the reader can check order and completeness.
"""
import socket
import ssl
import sys

cert, key, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
block = bytes(i % 251 for i in range(251 * 256))

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
print("PORT %d" % server.getsockname()[1], flush=True)
raw, _ = server.accept()
conn = ctx.wrap_socket(raw, server_side=True)
sent = 0
while sent < total:
    n = min(len(block), total - sent)
    conn.sendall(block[:n])
    sent += n
    print("SENT %d" % sent, flush=True)
print("DONE %d" % sent, flush=True)
try:
    conn.unwrap()  # our close_notify, then the client's
    print("CLOSED", flush=True)
except (ssl.SSLError, OSError) as e:
    print("UNWRAP-FAILED %s" % e, flush=True)
conn.close() if hasattr(conn, "close") else None
