"""W8, scale: one vigild and the machine's own limits at 1,000, 3,000 and
10,000 `sleep` services.  Run by bench.py for `--only W8`; see README.md.

Per size: the machine's `vigil-testprog spawn N` (start, then SIGTERM and
reap), then one vigild session: start until every service has stamped,
Pss of vigild's four processes, `vigilctl status`, `vigilctl reload` with
nothing changed and with 1 % of the services changed, `vigilctl stop all`
until no service process is left and until vigild has reaped every one
(the machine's loop ends when it has reaped its last), and the longest
turn of the parent's event loop in each phase (vigild -v logs every turn
of 1 ms of CPU or more).  Between status and reload, bursts of slow status readers (clients
that ask for the status of every service and read none of it): the
parent's Pss at rest, at its most during the bursts, and after them.  Peers are not run: runit and s6 need one or two processes per
service, 1.3 to 1.6 GB at 1,000 already."""

import json
import math
import os
import re
import shutil
import signal
import socket
import struct
import time

import procs as P
import systems as S

PEER_NOTE = ("peers are not run at this scale: runit and s6 need one or two "
             "supervisor processes per service (1.3 to 1.6 GB at 1,000 "
             "already), supervisord and PM2 start services one by one")

ROWS = [
    ("start", "start until all RUNNING", "s"),
    ("spawn_start", "the machine: spawn N (start)", "s"),
    ("pss", "Pss of vigild's four processes", "MiB"),
    ("pss_parent", "  of which the parent", "MiB"),
    ("status", "vigilctl status", "ms"),
    ("slow_rest", "parent Pss at rest", "MiB"),
    ("slow_peak", "parent Pss, most during slow readers", "MiB"),
    ("slow_after", "parent Pss after slow readers", "MiB"),
    ("reload0", "vigilctl reload, nothing changed", "ms"),
    ("reload1", "vigilctl reload, 1 % changed", "ms"),
    ("stop", "vigilctl stop all until none left", "s"),
    ("stop_reaped", "vigilctl stop all until every exit reaped", "s"),
    ("spawn_stop", "the machine: SIGTERM and reap of N", "s"),
    ("stop_ratio", "stop all until none left / the machine's", "x"),
    ("reaped_ratio", "stop all until every exit reaped / the machine's",
     "x"),
    ("turn_start", "longest event-loop turn: start", "ms CPU"),
    ("turn_status", "longest event-loop turn: status", "ms CPU"),
    ("turn_reload", "longest event-loop turn: reloads", "ms CPU"),
    ("turn_stop", "longest event-loop turn: stop all", "ms CPU"),
]

TURN_RE = re.compile(rb"event loop: one turn took (\d+\.\d+) ms")

SLOW_BURSTS = 3         # bursts of slow status readers
SLOW_CLIENTS = 30       # in each (control serves 32 per uid but root's)
SLOW_HOLD = 3.0         # seconds each burst holds its unread answers


def _ctl_proto():
    """CTL_PROTO_VERSION, as common/msg_ctl.h has it."""
    h = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                     "common", "msg_ctl.h")
    with open(h) as f:
        m = re.search(r"#define\s+CTL_PROTO_VERSION\s+(\d+)", f.read())
    if m is None:
        raise RuntimeError("no CTL_PROTO_VERSION in " + h)
    return int(m.group(1))


def _frame(t, data):
    return struct.pack("<IIIII", t, 20 + len(data), 0, 0, 0) + data


def _slow_reader(path, proto):
    """A client that asks for the status of everything and reads none of
    it (HELLO and REQUEST of common/msg_ctl.h, status = command 1)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(path)
    s.sendall(_frame(100, struct.pack("<II", proto, 0) +
                     b"w8".ljust(32, b"\0")) +
              _frame(102, struct.pack("<IIIiI", 1, 0, 0, 0, 0) + bytes(64) +
                     struct.pack("<IIIi", 0, 0, 0, 0)))
    return s


class ScaleVigild(S.Vigild):
    """vigild as in W1..W7, with -v for the event loop's turns, and a
    configuration that can be rewritten with some services changed."""

    def prepare(self, d, svcs):
        """Logs off (stdout and stderr: none), as the issue measured: with
        the default files each instance needs about five descriptors in
        vigild, 50,000 at 10,000 services."""
        super().prepare(d, svcs)
        with open(self.conf) as f:
            t = f.read()
        t = t.replace("    start_seconds: 0\n", "    start_seconds: 0\n"
                      "    log: { stdout: none, stderr: none }\n")
        with open(self.conf, "w") as f:
            f.write(t)

    def start(self):
        c = self.ctx
        self.p = c.procs.spawn([self.vigild, "-d", "-v", "-f", self.conf,
                                "-p", self.pidfile], env=c.base_env,
                               cwd=self.d, stdout=self._out())

    def rewrite(self, changed):
        """The same configuration with an extra variable in the services
        whose index is in `changed` (a set)."""
        with open(self.conf) as f:
            lines = f.read().splitlines()
        out, idx = [], -1
        for ln in lines:
            if ln.startswith("  ") and not ln.startswith("    "):
                idx += 1
            if ln.startswith("    environment: {") and idx in changed:
                ln = ln.replace("{ ", "{ W8_CHANGED: \"%d\", " %
                                int(time.time()), 1)
            out.append(ln)
        with open(self.conf + ".new", "w") as f:
            f.write("\n".join(out) + "\n")
        os.rename(self.conf + ".new", self.conf)


class ScaleBaseline(ScaleVigild):
    """The --baseline build, in the same W8 runs."""

    @property
    def vigild(self):
        return self.ctx.base_vigild

    @property
    def vigilctl(self):
        return self.ctx.base_vigilctl


def _stamps(path):
    out = []
    with open(path) as f:
        for ln in f:
            p = ln.split()
            if len(p) >= 2:
                out.append((int(p[0]), int(p[1])))
    return out


def _cgroup2_mount():
    with open("/proc/self/mountinfo") as f:
        for ln in f:
            a, _, b = ln.partition(" - ")
            if b.startswith("cgroup2 "):
                return a.split()[4]
    return None


def _instance_events(pid):
    """cgroup.events of the group above pid's own: the vigild instance's
    base group (vigil/<id>), which holds only its services' groups; None
    without cgroup v2."""
    mnt = _cgroup2_mount()
    try:
        with open("/proc/%d/cgroup" % pid) as f:
            rel = [ln.split("::", 1)[1].strip() for ln in f
                   if ln.startswith("0::")]
    except OSError:
        return None
    if mnt is None or not rel or "/vigil/" not in rel[0]:
        return None
    path = os.path.join(mnt + os.path.dirname(rel[0]), "cgroup.events")
    return path if os.path.exists(path) else None


def _unpopulated(events):
    try:
        with open(events) as f:
            return "populated 0" in f.read().split("\n")
    except OSError:
        return True


class _LineCounter:
    """Occurrences of a string in a growing file from byte pos on, each
    call reading only what was added."""

    def __init__(self, path, pos, what):
        self.path, self.pos, self.what = path, pos, what
        self.n, self.tail = 0, b""

    def count(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except OSError:
            return self.n
        self.pos += len(data)
        data = self.tail + data
        self.n += data.count(self.what)
        k = len(self.what) - 1
        self.tail = data[-k:] if len(data) >= k else data
        return self.n


class Scale:
    def __init__(self, bench, sizes, log):
        self.b, self.ctx, self.log = bench, bench.ctx, log
        self.sizes = sizes
        self.builds = ["vigild"] + (["baseline"] if bench.a.baseline
                                    else [])
        self.res_by = {k: {} for k in self.builds}     # row -> {n: value}
        self.errors_by = {k: {} for k in self.builds}  # n -> message
        self.use("vigild")
        self.detail = {}

    def use(self, which):
        """Record into, and render from, that build's figures."""
        self.which = which
        self.res, self.errors = self.res_by[which], self.errors_by[which]

    def rec(self, row, n, v):
        if row.startswith("spawn"):     # the machine's: every build's
            for r in self.res_by.values():
                r.setdefault(row, {})[n] = v
            return
        self.res.setdefault(row, {})[n] = v

    def outpos(self, so):
        try:
            return os.path.getsize(os.path.join(so.d, "supervisor.out"))
        except OSError:
            return 0

    def turn(self, so, pos):
        """Longest logged turn (ms) since byte pos of vigild's output;
        0 when no turn took 1 ms."""
        with open(os.path.join(so.d, "supervisor.out"), "rb") as f:
            f.seek(pos)
            data = f.read()
        ts = [float(m.group(1)) for m in TURN_RE.finditer(data)]
        return max(ts) if ts else 0.0

    def vctl(self, so, args, timeout):
        of = os.path.join(so.d, "ctl.out")
        rc, dt = self.ctx.procs.timed([so.vigilctl, "-s", so.sock] +
                                      args, timeout, env=self.ctx.base_env,
                                      outfile=of)
        if rc not in (0, 3):
            with open(of, errors="replace") as f:
                txt = f.read().strip().splitlines()[-2:]
            raise RuntimeError("vigilctl %s exited %d: %s"
                               % (" ".join(args), rc, " | ".join(txt)))
        return dt

    def slow_readers(self, so, n):
        """SLOW_BURSTS bursts of SLOW_CLIENTS clients that ask for the
        status of every service and read none of it, each burst held
        SLOW_HOLD s, then closed; the parent's Pss before, at its most,
        and 2 s after the last (it gives freed memory back 1 s after its
        last busy turn)."""
        parent = so.root()
        pss = lambda: P.mem_kib([parent])[1] / 1024
        time.sleep(2)
        self.rec("slow_rest", n, pss())
        proto, peak = _ctl_proto(), 0.0
        for _ in range(SLOW_BURSTS):
            socks = []
            try:
                for _ in range(SLOW_CLIENTS):
                    socks.append(_slow_reader(so.sock, proto))
                t_end = time.monotonic() + SLOW_HOLD
                while time.monotonic() < t_end:
                    peak = max(peak, pss())
                    time.sleep(0.1)
            finally:
                for s in socks:
                    s.close()
        time.sleep(2)
        self.rec("slow_peak", n, peak)
        self.rec("slow_after", n, pss())

    def machine(self, n):
        self.b.cool(self.b.a.cooldown, "before spawn %d" % n)
        rc, out, _ = self.ctx.procs.run([self.ctx.prog, "spawn", str(n)],
                                        120 + 0.1 * n, capture=True)
        try:
            start, stop = (float(x) for x in out.split())
        except ValueError:
            self.log("  spawn %d: exit %d: %s" % (n, rc, out.strip()[:200]))
            return
        self.rec("spawn_start", n, start)
        self.rec("spawn_stop", n, stop)
        self.log("  spawn n=%d start %.3fs, stop %.3fs" % (n, start, stop))

    def vigild(self, n):
        d = self.b.newdir("w8-%d" % n)
        stampf = os.path.join(d, "stamps")
        svcs = [S.Svc("s%05d" % i, ["sleep"],
                      env={"VIGIL_TESTPROG_STAMP": stampf})
                for i in range(n)]
        so = (ScaleBaseline if self.which == "baseline" else
              ScaleVigild)(self.ctx)
        try:
            so.prepare(d, svcs)
            self.b.active.append(so)
            self.b.cool(self.b.a.cooldown, "before vigild %d" % n)
            t0 = time.time_ns()
            so.start()
            tmo = 60 + 0.3 * n
            P.wait_until(lambda: P.count_lines(stampf) >= n or
                         so.dead() is not None, tmo, 0.01, self.ctx.procs)
            if P.count_lines(stampf) < n:
                raise RuntimeError(so.dead() or "only %d of %d started "
                                   "within %gs" % (P.count_lines(stampf), n,
                                                   tmo))
            st = _stamps(stampf)[:n]
            self.rec("start", n, (max(t for t, _ in st) - t0) / 1e9)
            spids = [p for _, p in st]
            time.sleep(2)
            self.rec("turn_start", n, self.turn(so, 0))
            sup = P.supervisor_pids(so.root(), self.ctx.prog)
            self.rec("pss", n, P.mem_kib(sup)[1] / 1024)
            self.rec("pss_parent", n, P.mem_kib([so.root()])[1] / 1024)
            self.detail.setdefault("processes", {})[n] = len(sup)

            pos = self.outpos(so)
            ts = [self.vctl(so, ["status"], 60) * 1000 for _ in range(5)]
            self.rec("status", n, sorted(ts)[len(ts) // 2])
            self.rec("turn_status", n, self.turn(so, pos))
            self.slow_readers(so, n)

            pos = self.outpos(so)
            ts = [self.vctl(so, ["reload"], 120) * 1000 for _ in range(3)]
            self.rec("reload0", n, sorted(ts)[len(ts) // 2])
            so.rewrite(set(range(0, n, 100)))
            self.rec("reload1", n, self.vctl(so, ["reload"], 120) * 1000)
            # the changed ones restart: wait until they have stamped again
            want = n + len(range(0, n, 100))
            P.wait_until(lambda: P.count_lines(stampf) >= want, 60, 0.01,
                         self.ctx.procs)
            time.sleep(1)
            self.rec("turn_reload", n, self.turn(so, pos))
            spids = [p for p in (p for _, p in _stamps(stampf))
                     if P.is_alive(p) and
                     (P.read_stat(p) or (0, 0, 0))[2] == so.root()]

            pos = self.outpos(so)
            left = list(spids)
            root = so.root()
            events = _instance_events(spids[0]) if spids else None
            t0m = time.monotonic()
            sp = self.ctx.procs.spawn([so.vigilctl, "-s", so.sock,
                                       "stop", "all"], env=self.ctx.base_env)

            # Until none is left: the instance's cgroup says so in one
            # read (cgroup.events, "populated 0" once the last service
            # process has exited), where a look at each pid's
            # /proc/PID/stat costs the harness a core's worth of CPU at
            # 10,000 pids on a 2-core machine, CPU the stop itself needs
            # (the machine's loop times itself, with no observer).  Then
            # until vigild has reaped every one: it logs "STOPPING ->
            # STOPPED" for each once it has, read as its output grows.
            # The pids, after, only to be sure.
            reaped = _LineCounter(os.path.join(so.d, "supervisor.out"),
                                  pos, b"STOPPING -> STOPPED")
            tmo = 60 + 0.1 * n
            t_none = None
            if events is not None:
                P.wait_until(lambda: _unpopulated(events), tmo, 0.002,
                             self.ctx.procs)
                t_none = time.monotonic()
            P.wait_until(lambda: reaped.count() >= len(spids),
                         30 + 0.01 * n, 0.002, self.ctx.procs)
            t_reaped = time.monotonic()

            def mine(p):
                # a pid is soon reused on a busy machine: only vigild's
                # children count, and not its zombies
                st = P.read_stat(p)
                return (st is not None and st[1] not in ("Z", "X") and
                        st[2] == root)

            def gone():
                left[:] = [p for p in left if mine(p)]
                return not left
            if not P.wait_until(gone, tmo, 0.005, self.ctx.procs):
                P.killpg(sp.pid, signal.SIGKILL)
                raise RuntimeError("%d services still running after stop "
                                   "all" % len(left))
            self.rec("stop", n, (t_none or time.monotonic()) - t0m)
            if reaped.count() >= len(spids):
                self.rec("stop_reaped", n, t_reaped - t0m)
            m = self.res.get("spawn_stop", {}).get(n)
            if m:
                self.rec("stop_ratio", n, self.res["stop"][n] / m)
                if n in self.res.get("stop_reaped", {}):
                    self.rec("reaped_ratio", n,
                             self.res["stop_reaped"][n] / m)
            P.wait_until(lambda: sp.poll() is not None, 60, 0.01,
                         self.ctx.procs)
            time.sleep(1)
            self.rec("turn_stop", n, self.turn(so, pos))
            self.log("  %s n=%d %s" % (self.which, n, ", ".join(
                "%s %s" % (k, _fmt(self.res[k].get(n)))
                for k, _, _ in ROWS if not k.startswith("spawn"))))
        except (RuntimeError, S.Unavailable, P.Timeout) as e:
            self.errors[n] = str(e)
            self.log("  %s n=%d: error: %s" % (self.which, n, e))
        finally:
            try:
                so.shutdown()
            finally:
                if so in self.b.active:
                    self.b.active.remove(so)
                P.kill_everything_below_us(self.ctx.procs,
                                           self.ctx.marker_b, 30)
                if not self.b.a.keep:
                    shutil.rmtree(d, ignore_errors=True)

    def run(self):
        self.log("W8 scale: %s services; %s" % (
            ", ".join(str(n) for n in self.sizes), PEER_NOTE))
        for i, n in enumerate(self.sizes):
            self.machine(n)
            # with --baseline, each build goes first at every other size
            for w in (self.builds if i % 2 == 0 else self.builds[::-1]):
                self.use(w)
                self.vigild(n)
        self.use("vigild")

    def growth(self, row):
        """The factor per 10x services, from the smallest and largest size
        measured: 10 is linear, 100 quadratic."""
        v = self.res.get(row, {})
        ns = sorted(n for n in v if v[n])
        if len(ns) < 2:
            return None
        a, b = ns[0], ns[-1]
        return (v[b] / v[a]) ** (1.0 / math.log10(b / a))

    def table(self, which):
        """One build's figures, a row per figure and a column per size."""
        self.use(which)
        t = ["| figure | unit | " + " | ".join(
             "%s" % format(n, ",") for n in self.sizes) +
             " | growth per 10x |",
             "|---|---|" + "---:|" * (len(self.sizes) + 1)]
        for k, label, unit in ROWS:
            g = self.growth(k)
            t.append("| %s | %s | %s | %s |" % (
                label, unit, " | ".join(_fmt(self.res.get(k, {}).get(n))
                                        for n in self.sizes),
                "%.1f" % g if g is not None else "-"))
        for n, e in sorted(self.errors.items()):
            t.append("- %d services: error: %s" % (n, e))
        self.use("vigild")
        return t

    def ratios(self):
        """vigild / baseline, per figure and size (the machine's rows are
        the same run's for both)."""
        a, b = self.res_by["vigild"], self.res_by["baseline"]
        t = ["| figure | " + " | ".join(format(n, ",") for n in
                                        self.sizes) + " |",
             "|---|" + "---:|" * len(self.sizes)]
        for k, label, _ in ROWS:
            if k.startswith("spawn"):
                continue
            cells = []
            for n in self.sizes:
                x, y = a.get(k, {}).get(n), b.get(k, {}).get(n)
                cells.append("%.2f" % (x / y) if x is not None and y
                             else "-")
            t.append("| %s | %s |" % (label, " | ".join(cells)))
        return t

    def render(self, meta):
        t = ["# vigil bench W8: scale", "",
             "%s; machine: %s, %s cores, %s, kernel %s; load %s; command: "
             "`%s`" % (meta["date"], meta["machine"].get("cpu", "?"),
                       meta["machine"]["cores"],
                       meta["machine"].get("memory"),
                       meta["machine"]["kernel"],
                       meta["machine"]["load_at_start"], meta["command"]),
             "", "vigild: %s; services: `vigil-testprog sleep`, logs off. "
             "%s." % (meta["versions"].get("vigild"),
                                      PEER_NOTE[0].upper() + PEER_NOTE[1:]),
             ""] + self.table("vigild")
        if "baseline" in self.builds:
            t += ["", "## %s" % meta["versions"].get("baseline"), "",
                  "The same sizes, in the same run: at each size the "
                  "machine's loop, then both builds, the first one "
                  "alternating from size to size.", ""]
            t += self.table("baseline")
            t += ["", "## vigild / baseline", ""] + self.ratios()
        t += ["", "Growth per 10x: (last / first) ^ (1 / log10(last size / "
              "first size)); 10 is linear, 100 quadratic. A longest turn "
              "of 0 means no turn took 1 ms of CPU. The reload figures are "
              "the command's time; a 1 % reload's restarts go on after it."]
        return "\n".join(t) + "\n"

    def figures(self, which):
        self.use(which)
        f = {k: {"label": lab, "unit": u, "values": self.res.get(k, {}),
                 "growth_per_10x": self.growth(k)} for k, lab, u in ROWS}
        self.use("vigild")
        return f

    def write(self, outdir, meta):
        md = self.render(meta)
        res = {"meta": meta, "workload": "W8", "sizes": self.sizes,
               "note": PEER_NOTE, "figures": self.figures("vigild"),
               "errors": self.errors_by["vigild"], "extra": self.detail}
        if "baseline" in self.builds:
            res["baseline_figures"] = self.figures("baseline")
            res["baseline_errors"] = self.errors_by["baseline"]
        with open(os.path.join(outdir, "results.md"), "w") as f:
            f.write(md)
        with open(os.path.join(outdir, "results.json"), "w") as f:
            json.dump(res, f, indent=1, default=str)
        return md


def _fmt(v):
    if v is None:
        return "-"
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.3g" % v
