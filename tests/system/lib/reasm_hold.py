# reasm_hold.py DST PORT HOGS N GOOD GO_FILE FILL: a scapy peer for
# 71-reasm-hold.sh. It sets up HOGS associations by hand over a raw socket
# (which also keeps the kernel from answering the dataplane's SCTP with
# ICMP protocol unreachable) and sends on each N ordered messages, one per
# packet, behind a missing first one; then, if GOOD, one more association
# that sends GOOD messages in order. Once GO_FILE exists: with FILL 1, the
# missing message and all N again on each, and then waits for GO_FILE.end;
# then ABORT for every association.
import os, socket, sys, time
from scapy.all import (conf, IP, SCTP, SCTPChunkInit, SCTPChunkInitAck, SCTPChunkCookieEcho,
                       SCTPChunkData, SCTPChunkAbort, raw)
conf.verb = 0
dst, port, hogs, n, good, go, fill = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                                      int(sys.argv[4]), int(sys.argv[5]), sys.argv[6],
                                      sys.argv[7] == "1")
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_SCTP)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.settimeout(0.2)
my_tag, tsn0 = 0x1bad5eed, 5000


def drain():
    # The SACKs for what was sent before: not to fill the socket's buffer.
    s.setblocking(False)
    try:
        while True:
            s.recv(65535)
    except BlockingIOError:
        pass
    s.settimeout(0.2)


def tx(sport, tag, chunk):
    s.sendto(raw(SCTP(sport=sport, dport=port, tag=tag) / chunk), (dst, 0))


def rx(sport, want, secs):
    end = time.time() + secs
    while time.time() < end:
        try:
            d = s.recv(65535)
        except socket.timeout:
            continue
        p = IP(d)
        if (SCTP in p and p[SCTP].dport == sport and p[SCTP].tag == my_tag
                and raw(p[SCTP])[12] == want):
            return p[SCTP]
    return None


def assoc(sport):
    ia = None
    for _ in range(5):
        drain()
        tx(sport, 0, SCTPChunkInit(init_tag=my_tag, a_rwnd=1 << 20, n_out_streams=1,
                                   n_in_streams=1, init_tsn=1))
        ia = rx(sport, 2, 1)
        if ia is not None:
            break
    if ia is None:
        sys.exit("no INIT ACK")
    tag = ia[SCTPChunkInitAck].init_tag
    cookie = [p for p in ia[SCTPChunkInitAck].params if p.type == 7][0].cookie
    tx(sport, tag, SCTPChunkCookieEcho(cookie=cookie))
    if rx(sport, 11, 5) is None:
        sys.exit("no COOKIE ACK")
    return tag


def data(i):
    # Message i: TSN tsn0 + i, SSN i on stream 0, ordered, whole.
    return SCTPChunkData(tsn=tsn0 + i, stream_id=0, stream_seq=i, proto_id=0,
                         data=b"m%07d" % i + b"x" * 92, beginning=1, ending=1)


def wait_for(path):
    end = time.time() + 60
    while not os.path.exists(path) and time.time() < end:
        time.sleep(0.05)


tags = {}
for h in range(hogs):
    sport = 47001 + h
    tags[sport] = assoc(sport)
    for i in range(1, n + 1):
        tx(sport, tags[sport], data(i))
print("%d association(s) with %d messages behind a missing one" % (hogs, n), flush=True)
if good:
    time.sleep(0.5)
    tags[47000] = assoc(47000)
    for i in range(good):
        tx(47000, tags[47000], data(i))
    print("one more association sent %d messages in order" % good, flush=True)
wait_for(go)
if fill:
    for sport in range(47001, 47001 + hogs):
        for i in range(n + 1):
            tx(sport, tags[sport], data(i))
    print("sent the missing one and all %d again" % n, flush=True)
    wait_for(go + ".end")
for sport, tag in tags.items():
    tx(sport, tag, SCTPChunkAbort())
print("ABORT sent for %d association(s)" % len(tags), flush=True)
