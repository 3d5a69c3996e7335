"""A TLS client that writes and then ends the connection abruptly, once the server's kernel has
every byte.

Usage: writes_then_ends.py HOST PORT CAFILE TLSv1.2|TLSv1.3 BYTES reset|fin

It writes BYTES of a pattern (byte i is i % 251), waits until the server's kernel has acknowledged
all of it (SENT_AND_ACKED <n>), then either resets TCP (SO_LINGER 0: RESET_SENT) or closes it with a
FIN and no close_notify (FIN_SENT, then it reads to the end).
"""
import fcntl
import socket
import ssl
import struct
import sys
import termios
import time

host, port, cafile, version, count, end = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
ctx = ssl.create_default_context(cafile=cafile)
v = ssl.TLSVersion.TLSv1_2 if version == "TLSv1.2" else ssl.TLSVersion.TLSv1_3
ctx.minimum_version = v
ctx.maximum_version = v
raw = socket.create_connection((host, port), timeout=60)
tls = ctx.wrap_socket(raw, server_hostname="localhost")
print("HANDSHAKE", tls.version(), flush=True)
pattern = bytes(i % 251 for i in range(251 * 64))
sent = 0
while sent < count:
    n = min(len(pattern), count - sent)
    tls.sendall(pattern[:n])  # each chunk starts the pattern anew: n is a multiple of 251 but the last
    sent += n
# Unsent or unacknowledged bytes in our send queue (SIOCOUTQ): 0 once all reached the server.
while struct.unpack("i", fcntl.ioctl(tls.fileno(), termios.TIOCOUTQ, b"\0" * 4))[0] > 0:
    time.sleep(0.01)
print("SENT_AND_ACKED", sent, flush=True)
if end == "reset":
    tls.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    tls.close()  # no close_notify: SSLSocket.close only closes the socket
    print("RESET_SENT", flush=True)
else:
    tls.shutdown(socket.SHUT_WR)  # no close_notify either
    print("FIN_SENT", flush=True)
    try:
        while tls.recv(65536):
            pass
    except (OSError, ssl.SSLError):
        pass
print("DONE", flush=True)
