# A TLS client on Python's ssl module, checking the server as strictly as OpenSSL can
# (VERIFY_X509_STRICT, the default in Python 3.13): the chain against CAFILE, the name against HOST.
# argv: HOST PORT CAFILE VERSION (1.2 or 1.3) MODE MESSAGE [CERT KEY]
# MESSAGE is sent with a newline after it.
# MODE reply: read one reply line, then end with close_notify; until-closed: read until the server ends.
# Prints the TLS version on the first line, then every byte received. The server must end with
# close_notify: an end without it raises SSLEOFError (suppress_ragged_eofs=False).
import socket
import ssl
import sys

host, port, cafile, version, mode, message = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
context = ssl.create_default_context(cafile=cafile)
context.verify_flags |= ssl.VERIFY_X509_STRICT
pinned = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
context.minimum_version = context.maximum_version = pinned
if len(sys.argv) > 8:
    context.load_cert_chain(sys.argv[7], sys.argv[8])

with socket.create_connection((host, port), timeout=20) as raw:
    with context.wrap_socket(raw, server_hostname=host, suppress_ragged_eofs=False) as tls:
        print(tls.version(), flush=True)
        tls.sendall(message.encode() + b"\n")
        received = b""
        if mode == "reply":
            while not received.endswith(b"\n"):  # one reply, then a clean end from our side
                chunk = tls.recv(4096)
                if not chunk:
                    break
                received += chunk
            sys.stdout.buffer.write(received)
            sys.stdout.flush()
            tls.unwrap()  # close_notify, and wait for the server's
        else:
            while True:  # the server ends this one: read to its close_notify
                chunk = tls.recv(4096)
                if not chunk:
                    break
                received += chunk
            sys.stdout.buffer.write(received)
