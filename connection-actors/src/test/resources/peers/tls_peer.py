"""A TLS server peer (Python's ssl module, i.e. OpenSSL) for one connection, whose close behaviour
the test chooses. The TLS stage under test is the client.

Usage: tls_peer.py MODE PORT CERT KEY TLSv1.2|TLSv1.3 [BYTES]

It prints READY once listening, HANDSHAKE <version> once the handshake is done, and one line for
each thing a test waits on. Modes:
  echo               echo every byte; on the client's close_notify answer with ours (CLOSE_NOTIFY_RECEIVED,
                     CLOSE_NOTIFY_SENT), then FIN, then read to EOF (EOF)
  close-first        after the first line from the client, send "bye\\n" and close_notify; then wait:
                     REPLY_CLOSE_NOTIFY if the client answers with its close_notify, EOF_WITHOUT_REPLY if
                     TCP ends first
  ignore-close       echo; on the client's close_notify print CLOSE_NOTIFY_RECEIVED and close TCP (FIN)
                     without answering: a truncation of the client's close
  write-after-close  echo; on the client's close_notify, write BYTES of data (LATE_DATA_SENT), say whether
                     the client's FIN came already (EARLY_EOF) or not (TCP_STILL_OPEN), then send our
                     close_notify, then FIN
  reset              on the first bytes from the client, close with SO_LINGER 0: a TCP reset (RESET_SENT)
  answer-then-reset  on the first bytes from the client, write BYTES of a pattern (byte i is i % 251), wait
                     until the client's kernel has acknowledged all of it (ACKED <n>), then reset as above
  answer-then-fin    the same answer, then close TCP with a FIN and no close_notify (FIN_SENT): a truncation
  flood              write BYTES of a pattern (byte i is i % 251) as fast as the client takes them;
                     BLOCKED <sent> once the socket stayed unwritable for a second (the client pushes
                     back), FLOOD_DONE <sent> at the end; then close_notify, REPLY_CLOSE_NOTIFY or
                     EOF_WITHOUT_REPLY as in close-first

TLS runs on ssl.SSLObject over memory buffers, so that the script alone decides what reaches the
socket and when: whole records, and a FIN with or without close_notify.
"""
import fcntl
import select
import socket
import ssl
import struct
import sys
import termios
import time

mode, port, cert, key, version = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
count = int(sys.argv[6]) if len(sys.argv) > 6 else 0

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
v = ssl.TLSVersion.TLSv1_2 if version == "TLSv1.2" else ssl.TLSVersion.TLSv1_3
ctx.minimum_version = v
ctx.maximum_version = v
ctx.num_tickets = 0

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(1)
print("READY", flush=True)
srv.settimeout(60)
sock, _ = srv.accept()
sock.settimeout(60)
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = ctx.wrap_bio(incoming, outgoing, server_side=True)


def say(*words):
    print(*words, flush=True)


def flush():
    data = outgoing.read()
    if data:
        sock.sendall(data)


def receive():
    """Moves what the socket has into the TLS object; False at EOF."""
    data = sock.recv(65536)
    if not data:
        incoming.write_eof()
        return False
    incoming.write(data)
    return True


def read_plain():
    """(bytes, closed): the plaintext available now, and whether the client's close_notify followed it."""
    got = b""
    while True:
        try:
            data = tls.read(65536)
        except ssl.SSLWantReadError:
            return got, False
        except ssl.SSLZeroReturnError:
            return got, True
        if not data:
            return got, True
        got += data


def read_to_eof():
    sock.settimeout(30)
    while sock.recv(65536):
        pass
    say("EOF")


def await_reply():
    """After our close_notify: did the client answer with its own before TCP ended?"""
    while True:
        try:
            tls.unwrap()
            say("REPLY_CLOSE_NOTIFY")
            return
        except ssl.SSLWantReadError:
            flush()
        except ssl.SSLError as e:  # application data while waiting for the reply: OpenSSL reads on
            say("WHILE_CLOSING", repr(e))
        if not receive():
            try:
                tls.unwrap()
                say("REPLY_CLOSE_NOTIFY")
            except ssl.SSLError:
                say("EOF_WITHOUT_REPLY")
            return


def tcp_state():
    """Whether the client has closed TCP already (it must not before the TLS close is done)."""
    sock.setblocking(False)
    try:
        return "EARLY_EOF" if sock.recv(1, socket.MSG_PEEK) == b"" else "UNEXPECTED_BYTES"
    except BlockingIOError:
        return "TCP_STILL_OPEN"
    finally:
        sock.setblocking(True)


def on_client_close():
    say("CLOSE_NOTIFY_RECEIVED")
    if mode == "ignore-close":
        sock.shutdown(socket.SHUT_WR)
        say("FIN_SENT")
        read_to_eof()
        return
    if mode == "write-after-close":
        tls.write(b"L" * count)
        flush()
        say("LATE_DATA_SENT", count)
        say(tcp_state())
    tls.unwrap()  # the client's close_notify is in: this sends ours and returns
    flush()
    say("CLOSE_NOTIFY_SENT")
    sock.shutdown(socket.SHUT_WR)
    read_to_eof()


def flood():
    pattern = bytes(i % 251 for i in range(251 * 64))
    sock.setblocking(False)
    sent, unsent, blocked_since, reported = 0, b"", None, False
    while sent < count or unsent or outgoing.pending:
        if sent < count and len(unsent) + outgoing.pending < 1 << 16:
            start = sent % 251
            n = min(16000, count - sent)
            tls.write((pattern[start:] + pattern)[:n])
            sent += n
        unsent += outgoing.read()
        _, writable, _ = select.select([], [sock], [], 0.2)
        if writable:
            blocked_since = None
            n = sock.send(unsent)
            unsent = unsent[n:]
        elif blocked_since is None:
            blocked_since = time.time()
        elif not reported and time.time() - blocked_since >= 1.0:
            reported = True
            say("BLOCKED", sent - len(unsent) - outgoing.pending)
    sock.setblocking(True)
    say("FLOOD_DONE", sent)
    try:
        tls.unwrap()
    except ssl.SSLWantReadError:
        pass
    flush()
    await_reply()


try:
    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            flush()
            if not receive():
                say("EOF_DURING_HANDSHAKE")
                sys.exit(0)
    flush()
    say("HANDSHAKE", tls.version())
    if mode == "flood":
        flood()
        sys.exit(0)
    while True:
        # What the handshake's last read brought may already hold data: read before waiting.
        data, closed = read_plain()
        if not data and not closed:
            if not receive():
                say("EOF_WITHOUT_CLOSE_NOTIFY")
                break
            continue
        if data:
            say("RECEIVED", len(data))
            if mode in ("answer-then-reset", "answer-then-fin"):
                pattern = bytes(i % 251 for i in range(251 * 64))
                sent = 0
                while sent < count:
                    n = min(len(pattern), count - sent)
                    tls.write(pattern[:n])  # n is a multiple of 251 except at the end: the pattern runs on
                    sent += n
                flush()
                # Unsent or unacknowledged bytes in our send queue (SIOCOUTQ): 0 once all reached the client.
                while struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0" * 4))[0] > 0:
                    time.sleep(0.01)
                say("ACKED", sent)
                if mode == "answer-then-fin":
                    sock.shutdown(socket.SHUT_WR)
                    say("FIN_SENT")
                    read_to_eof()
                    break
                mode = "reset"
            if mode == "reset":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()
                say("RESET_SENT")
                break
            if mode == "close-first":
                tls.write(b"bye\n")
                try:
                    tls.unwrap()
                except ssl.SSLWantReadError:
                    pass
                flush()
                say("CLOSE_NOTIFY_SENT")
                await_reply()
                break
            tls.write(data)
            flush()
        if closed:
            on_client_close()
            break
except (ConnectionResetError, BrokenPipeError) as e:
    say("RESET", repr(e))
except ssl.SSLError as e:
    say("TLS_ERROR", repr(e))
say("DONE")
