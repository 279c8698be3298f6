# send_init.py DST IFACE good|bad: sends 3 INITs to DST port 5001 with a
# good or a corrupt CRC32c, and prints how many INIT ACKs came back on
# IFACE ("... INIT ACK received: N"). Run in the peer's namespace (scapy).
import sys
import time

from scapy.all import conf, IP, SCTP, SCTPChunkInit, AsyncSniffer, send, raw
conf.verb = 0
dst, iface, mode = sys.argv[1], sys.argv[2], sys.argv[3]
sport = 45001 if mode == "bad" else 45002
pkt = IP(dst=dst) / SCTP(sport=sport, dport=5001, tag=0) / SCTPChunkInit(
    init_tag=0x1badcafe, a_rwnd=65536, n_out_streams=1, n_in_streams=1, init_tsn=1)
good = IP(raw(pkt))
if mode == "bad":
    # Flip the checksum: a CRC32c that cannot match.
    pkt[SCTP].chksum = good[SCTP].chksum ^ 0x5a5a5a5a
else:
    pkt = good
sn = AsyncSniffer(iface=iface, filter="sctp and src host %s" % dst, store=True)
sn.start()
time.sleep(0.5)
for _ in range(3):
    send(pkt)
    time.sleep(0.2)
time.sleep(1.0)
got = sn.stop()
acks = [p for p in got if SCTP in p and p[SCTP].dport == sport and raw(p[SCTP])[12] == 2]
print("sent 3 INIT with %s checksum 0x%08x, INIT ACK received: %d" % (mode, pkt[SCTP].chksum, len(acks)))
