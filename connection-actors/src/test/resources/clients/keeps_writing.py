"""A TLS client that keeps writing after the server has answered (the seed's HTTP 401 case).

Usage: keeps_writing.py HOST PORT CAFILE TLSv1.2|TLSv1.3 [BYTES_AFTER_ANSWER]
(a negative BYTES_AFTER_ANSWER writes nothing after the first line: a well-behaved client)

It sends a first line, then writes without pause while reading: at least BYTES_AFTER_ANSWER
(default 1 MiB) after the server's answer has arrived, and until the server's close_notify has
arrived too. Then it sends its own close_notify (after every byte it wrote) and reads TCP to the
end (after a FIN of its own). It prints one line:
  RESULT answer=<repr> close_notify=<yes|no> reset=<yes|no> eof=<yes|no> sent_after_answer=<bytes>
A reset (ECONNRESET / EPIPE) is what a server that closes while unread client bytes are in flight
causes, and it can destroy the answer in the client's kernel before the application read it.

TLS runs on ssl.SSLObject over memory buffers, so that the script alone decides what goes on the
socket: whole records, in order, and the close_notify strictly after them.
"""
import select
import socket
import ssl
import sys
import time

host, port, cafile, version = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
after = int(sys.argv[5]) if len(sys.argv) > 5 else 1 << 20
ctx = ssl.create_default_context(cafile=cafile)
v = ssl.TLSVersion.TLSv1_2 if version == "TLSv1.2" else ssl.TLSVersion.TLSv1_3
ctx.minimum_version = v
ctx.maximum_version = v
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
sock = socket.create_connection((host, port), timeout=10)
sock.setblocking(False)

answer = b""
close_notify = False
reset = False
eof = False
unsent = b""  # ciphertext not yet taken by the kernel
sent_after_answer = 0
handshaken = False
first = b"hello\n"
chunk = b"x" * 16384


def pump_in():
    """Reads what the socket has; returns False at EOF."""
    global answer, close_notify
    try:
        data = sock.recv(65536)
    except BlockingIOError:
        return True
    if not data:
        incoming.write_eof()
        return False
    incoming.write(data)
    return True


def read_plain():
    global answer, close_notify
    while True:
        try:
            data = tls.read(65536)
        except ssl.SSLWantReadError:
            return
        except ssl.SSLZeroReturnError:
            close_notify = True
            return
        if not data:
            close_notify = True
            return
        answer += data


try:
    deadline = time.time() + 30
    while time.time() < deadline:
        if not handshaken:
            try:
                tls.do_handshake()
                handshaken = True
                tls.write(first)
            except ssl.SSLWantReadError:
                pass
        elif after >= 0 and (not close_notify or sent_after_answer < after):
            if len(unsent) + outgoing.pending < 1 << 16:  # keep writing, never more than 64 KiB queued
                n = tls.write(chunk)
                if answer:
                    sent_after_answer += n
        if close_notify and sent_after_answer >= max(after, 0) and handshaken:
            break
        unsent += outgoing.read()
        readable, writable, _ = select.select([sock], [sock] if unsent else [], [], 1.0)
        if writable and unsent:
            try:
                n = sock.send(unsent)
                unsent = unsent[n:]
            except BlockingIOError:
                pass
        if readable:
            if not pump_in():
                break
            if handshaken:
                read_plain()
    # Our close_notify, after everything written so far; then read TCP to the server's FIN.
    try:
        tls.unwrap()
    except (ssl.SSLWantReadError, ssl.SSLZeroReturnError):
        pass
    unsent += outgoing.read()
    sock.setblocking(True)
    sock.settimeout(10)
    sock.sendall(unsent)
    sock.shutdown(socket.SHUT_WR)  # and our FIN: a server that lingers on reading sees the end either way
    while True:
        data = sock.recv(65536)
        if not data:
            eof = True
            break
except (ConnectionResetError, BrokenPipeError) as e:
    reset = True
    print("reset:", e, flush=True)
except (ssl.SSLError, OSError) as e:
    print("error:", repr(e), flush=True)

print("RESULT answer=%r close_notify=%s reset=%s eof=%s sent_after_answer=%d"
      % (answer.decode("utf-8", "replace"), "yes" if close_notify else "no", "yes" if reset else "no",
         "yes" if eof else "no", sent_after_answer), flush=True)
