#!/usr/bin/env python3
# Attacks the security tests (regress/e2e/sec_*.sh) replay against vigild.
# Each one is bounded in count and time and stops by itself.
#
#   sec_attack.py ctl-hold SOCK N SECONDS UID...
#	N control socket connections spread over the uids, half of them
#	idle (nothing sent), half half-sent (part of a frame); held SECONDS.
#   sec_attack.py http-hold HOST PORT N SECONDS
#	N HTTP connections, half idle, half trickling a request one byte a
#	second; held SECONDS.  Prints how many the server closed.
#   sec_attack.py http-401 HOST PORT SECONDS
#	POSTs with a wrong bearer token as fast as the answers come, for
#	SECONDS; prints the number of 401 answers.
#   sec_attack.py ctl-deny SOCK SECONDS UID
#	one connection of UID asking for `reload` (refused) as fast as the
#	answers come, for SECONDS; prints the number of refusals.
import os, resource, select, socket, struct, sys, time

HELLO, REQUEST, END = 100, 102, 120
CMD_RELOAD = 7

def proto_version():
    # CTL_PROTO_VERSION, as common/msg_ctl.h has it
    h = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                     'common', 'msg_ctl.h')
    for line in open(h):
        f = line.split()
        if len(f) >= 3 and f[:2] == ['#define', 'CTL_PROTO_VERSION']:
            return int(f[2])
    raise SystemExit('no CTL_PROTO_VERSION in ' + h)
PROTO = proto_version()

def frame(t, data):
    return struct.pack('<IIIII', t, 20 + len(data), 0, 0, 0) + data

def hello():
    return frame(HELLO, struct.pack('<II', PROTO, 0) + b'0.1.0'.ljust(32, b'\0'))

def request(cmd):
    return frame(REQUEST, struct.pack('<IIIiI', cmd, 0, 0, 0, 0) +
                 b''.ljust(64, b'\0') + struct.pack('<IIIi', 0, 0, 0, 0))

def more_fds(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, n + 64))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

def ctl_hold(path, n, secs, uids):
    per = (n + len(uids) - 1) // len(uids)
    kids = []
    for i, uid in enumerate(uids):
        count = min(per, n - i * per)
        if count <= 0:
            break
        pid = os.fork()
        if pid == 0:
            os.setgid(65534)
            os.setgroups([])
            os.setuid(uid)
            socks = []
            for j in range(count):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(path)
                except OSError:
                    s.close()
                    continue
                try:
                    if j % 2:
                        s.send(hello()[:10])	# half a frame, no more
                except OSError:
                    s.close()
                    continue
                socks.append(s)
            time.sleep(secs)
            os._exit(0)
        kids.append(pid)
    for pid in kids:
        os.waitpid(pid, 0)

def http_hold(host, port, n, secs):
    more_fds(n)
    socks = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect((host, port))
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            continue
        socks.append(s)
    req = b'GET /api/v1/services HTTP/1.1\r\nHost: x\r\nX-Pad: ' + b'a' * 4096
    sent = {}
    closed = 0
    end = time.time() + secs
    while time.time() < end and socks:
        for i, s in enumerate(list(socks)):
            if i % 2 == 0:
                continue		# idle: connected, silent
            k = sent.get(s, 0)
            try:
                s.send(req[k:k + 1])
                sent[s] = k + 1
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                socks.remove(s)
                closed += 1
                s.close()
        poll = select.poll()
        byfd = {}
        for s in socks:
            poll.register(s, select.POLLIN)
            byfd[s.fileno()] = s
        for fd, ev in poll.poll(0):
            s = byfd[fd]
            try:
                if s.recv(4096) == b'':
                    raise OSError
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                pass
            socks.remove(s)
            closed += 1
            s.close()
        time.sleep(1)
    print('http connections closed by the server: %d of %d' % (closed, n))

def ctl_deny(path, secs, uid):
    os.setgid(65534)
    os.setgroups([])
    os.setuid(uid)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(hello())
    buf = b''
    refused = 0
    end = time.time() + secs
    s.sendall(request(CMD_RELOAD))
    s.settimeout(2)
    while time.time() < end:
        try:
            b = s.recv(65536)
        except socket.timeout:
            break
        if not b:
            break
        buf += b
        while len(buf) >= 20:
            t, l = struct.unpack('<II', buf[:8])
            if len(buf) < l:
                break
            buf = buf[l:]
            if t == END:
                refused += 1
                s.sendall(request(CMD_RELOAD))
    print('refusals: %d in %d s' % (refused, secs))

def http_401(host, port, secs):
    import http.client
    n = 0
    end = time.time() + secs
    c = http.client.HTTPConnection(host, port, timeout=5)
    while time.time() < end:
        c.request('POST', '/api/v1/reload', body=b'',
                  headers={'Authorization': 'Bearer wrong-%d' % n})
        r = c.getresponse()
        r.read()
        if r.status == 401:
            n += 1
    print('401 answers: %d in %d s' % (n, secs))

mode = sys.argv[1]
if mode == 'ctl-hold':
    ctl_hold(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]),
             [int(u) for u in sys.argv[5:]])
elif mode == 'http-hold':
    http_hold(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
              float(sys.argv[5]))
elif mode == 'http-401':
    http_401(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
elif mode == 'ctl-deny':
    ctl_deny(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
else:
    sys.exit('unknown mode ' + mode)
