# The origin tutorial's timestamp server, made to run on Python 3 (it sends bytes, not str).
# One client at a time, recv(1024), reply b'[' + ctime() + b'] ' + data. Port from argv[1] (0 = any);
# prints "PORT <n>" once it listens so the test can connect.
import sys
from socket import socket, AF_INET, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR
from time import ctime

BUFSIZE = 1024
server = socket(AF_INET, SOCK_STREAM)
server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
server.bind(('127.0.0.1', int(sys.argv[1])))
server.listen(5)
print('PORT', server.getsockname()[1], flush=True)
while True:
    client, addr = server.accept()
    while True:
        data = client.recv(BUFSIZE)
        if not data:
            break
        client.send(b'[' + ctime().encode() + b'] ' + data)
    client.close()
