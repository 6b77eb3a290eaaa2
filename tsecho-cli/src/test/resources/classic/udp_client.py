# A UDP client in the tutorial's style: sendto() one datagram, recvfrom() its reply, print it.
# argv: HOST PORT MESSAGE
import sys
from socket import socket, AF_INET, AF_INET6, SOCK_DGRAM

host, port, message = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
sock = socket(AF_INET6 if ':' in host else AF_INET, SOCK_DGRAM)
sock.settimeout(5)
sock.sendto(message, (host, port))
data, addr = sock.recvfrom(65535)
sys.stdout.buffer.write(data)
