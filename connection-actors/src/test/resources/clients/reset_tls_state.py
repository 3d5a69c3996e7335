"""The seed's "wrong version number" client: it finishes a TLS 1.3 handshake, then forgets its TLS
state and starts a new handshake on the same TCP connection (a fresh ClientHello, in plaintext).

Usage: reset_tls_state.py HOST PORT CAFILE
"""
import socket
import ssl
import sys

host, port, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=cafile)
ctx.minimum_version = ssl.TLSVersion.TLSv1_3


def handshake_bytes(obj, incoming, outgoing, sock):
    while True:
        try:
            obj.do_handshake()
            break
        except ssl.SSLWantReadError:
            sock.sendall(outgoing.read())
            data = sock.recv(65536)
            if not data:
                raise SystemExit("server closed during the handshake")
            incoming.write(data)
    sock.sendall(outgoing.read())


sock = socket.create_connection((host, port), timeout=10)
first_in, first_out = ssl.MemoryBIO(), ssl.MemoryBIO()
first = ctx.wrap_bio(first_in, first_out, server_hostname="localhost")
handshake_bytes(first, first_in, first_out, sock)
print("HANDSHAKE", first.version(), flush=True)

# A new TLS state on the same connection: its ClientHello goes out as a plaintext handshake record.
second_in, second_out = ssl.MemoryBIO(), ssl.MemoryBIO()
second = ctx.wrap_bio(second_in, second_out, server_hostname="localhost")
try:
    second.do_handshake()
except ssl.SSLWantReadError:
    pass
sock.sendall(second_out.read())
try:
    while sock.recv(65536):
        pass
    print("CLOSED", flush=True)
except ConnectionResetError:
    print("RESET", flush=True)
