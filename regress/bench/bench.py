#!/usr/bin/env python3
"""vigil benchmark: vigild side by side with supervisord, runit, s6 and PM2
on the same workloads in the same run.  See regress/bench/README.md.

Run through regress/bench/run.sh (or `make bench BENCHFLAGS=...`)."""

import argparse
import datetime
import fcntl
import json
import os
import platform
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True          # no __pycache__ in the source tree

import install  # noqa: E402
import procs as P  # noqa: E402
import scale  # noqa: E402
import systems as S  # noqa: E402

WORKLOADS = ["W1", "W2", "W3", "W4", "W5", "W6", "W7"]
SCALE = "W8"            # runs alone: --only W8
SYSTEMS = ["vigild", "supervisord", "runit", "s6", "pm2"]
PEERS = SYSTEMS[1:]
VIGILDS = ("vigild", "baseline")   # baseline: --baseline DIR
WIDE = 0.25             # (max - min) / median above this: a wide spread


class SessionError(Exception):
    pass


class Interrupted(BaseException):
    """SIGTERM or SIGHUP: stop everything and exit."""


def log(msg):
    print(msg, flush=True)


def median(xs):
    return statistics.median(xs) if xs else None


def p95(xs):
    """Nearest-rank 95th percentile."""
    if not xs:
        return None
    s = sorted(xs)
    k = max(0, -(-95 * len(s) // 100) - 1)
    return s[k]


def fmt(v):
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    return "%.2g" % v


# ---------------------------------------------------------------- figures

class Figure:
    def __init__(self, fid, label, unit, better, ratio=True):
        self.id, self.label, self.unit = fid, label, unit
        self.better, self.ratio = better, ratio    # "lower" | "higher"
        self.runs = {}          # system -> [value per run]
        self.errors = {}        # system -> last error text


class Plan:
    """What to measure, from the options."""

    def __init__(self, a):
        q = a.quick
        self.only = set(a.only)
        self.w1 = [10, 100] if q else [10, 100, 1000]
        self.w2 = [100] if q else [100, 1000]
        self.w4 = 100
        self.w4_window = 30.0 if q else 60.0
        self.w6 = [100] if q else [100, 1000]
        self.w7 = [100] if q else [100, 1000]
        self.w3_kills = 10 if q else 20
        self.w5_lines = 1000000 if q else 10000000     # 100 MB / 1 GB
        self.settle = 1.0 if q else 2.0

    def wants(self, w):
        return w in self.only

    def fleet_sizes(self):
        ns = set()
        for w, lst in (("W1", self.w1), ("W2", self.w2), ("W6", self.w6),
                       ("W7", self.w7)):
            if self.wants(w):
                ns.update(lst)
        if self.wants("W4"):
            ns.add(self.w4)
        return sorted(ns)

    def fleet_wants(self, n):
        w = set()
        for name, lst in (("W1", self.w1), ("W2", self.w2), ("W6", self.w6),
                          ("W7", self.w7)):
            if self.wants(name) and n in lst:
                w.add(name)
        if self.wants("W4") and n == self.w4:
            w.add("W4")
        return w

    def figures(self):
        f = []
        if self.wants("W1"):
            for n in self.w1:
                f.append(Figure("W1.rss.%d" % n, "W1 footprint RSS, %d "
                                "services" % n, "MiB", "lower"))
            for n in self.w1:
                f.append(Figure("W1.pss.%d" % n, "W1 footprint PSS, %d "
                                "services" % n, "MiB", "lower"))
        if self.wants("W2"):
            for n in self.w2:
                f.append(Figure("W2.start.%d" % n, "W2 start, %d services"
                                % n, "s", "lower"))
        if self.wants("W3"):
            f.append(Figure("W3.median", "W3 respawn, median", "ms",
                            "lower"))
            f.append(Figure("W3.p95", "W3 respawn, p95", "ms", "lower"))
        if self.wants("W4"):
            f.append(Figure("W4.cpu", "W4 idle CPU, %d services"
                            % self.w4, "ms / 60 s", "lower"))
        if self.wants("W5"):
            mb = self.w5_lines * 100 // 1000000
            f.append(Figure("W5.mbps", "W5 logs, %d MB flood" % mb, "MB/s",
                            "higher"))
            f.append(Figure("W5.mbps_ts", "W5 logs with timestamps", "MB/s",
                            "higher", ratio=False))
            f.append(Figure("W5.lost", "W5 lines lost", "lines", "lower",
                            ratio=False))
            f.append(Figure("W5.dup", "W5 lines duplicated or corrupt",
                            "lines", "lower", ratio=False))
            f.append(Figure("W5.rss", "W5 supervisor RSS after flood", "MiB",
                            "lower"))
        if self.wants("W6"):
            for n in self.w6:
                f.append(Figure("W6.status.%d" % n, "W6 status, %d services"
                                % n, "ms", "lower"))
        if self.wants("W7"):
            for n in self.w7:
                f.append(Figure("W7.stop.%d" % n, "W7 stop all, %d services"
                                % n, "s", "lower"))
        return f


# ---------------------------------------------------------------- context

class Ctx:
    pass


def read_stamps(path):
    """[(ns, pid)] from a stamp file."""
    out = []
    try:
        with open(path, "rb") as f:
            for line in f.read().splitlines():
                p = line.split()
                if len(p) == 2:
                    out.append((int(p[0]), int(p[1])))
    except (OSError, ValueError):
        pass
    return out


def verify_flood(files, n):
    """(lines lost, lines duplicated or corrupt) over the log files.  A flood
    line is its last 100 bytes: 10 digits, a space, 88 'x', '\\n'; whatever
    a logger puts before it (a timestamp) is ignored."""
    pat = re.compile(rb"(\d{10}) x{88}\n")
    seen = bytearray(n)
    total = matched = uniq = 0
    for fn in files:
        try:
            f = open(fn, "rb")
        except OSError:
            continue
        with f:
            rest = b""
            while True:
                chunk = f.read(1 << 24)
                if not chunk:
                    break
                buf = rest + chunk
                cut = buf.rfind(b"\n") + 1
                rest = buf[cut:]
                body = buf[:cut]
                total += body.count(b"\n")
                for m in pat.findall(body):
                    i = int(m)
                    matched += 1
                    if i < n and not seen[i]:
                        seen[i] = 1
                        uniq += 1
            if rest:
                total += 1
    return n - uniq, (matched - uniq) + (total - matched)


class Bench:
    def __init__(self, a, ctx, plan):
        self.a, self.ctx, self.plan = a, ctx, plan
        self.figs = {f.id: f for f in plan.figures()}
        self.order = [f.id for f in plan.figures()]
        self.limit = {}         # figure id -> [values] (machine's limit)
        self.unavailable = {}   # system -> reason
        self.sysobjs = {}
        self.active = []        # started systems, for the final cleanup
        self.extra = {}         # free-form details for the JSON
        self.session_no = 0
        self.ever_ok = {}       # system -> has completed a session body

    # -- bookkeeping
    def rec(self, fid, sysname, v):
        if fid in self.figs and v is not None:
            self.figs[fid].runs.setdefault(sysname, []).append(v)

    def err(self, fids, sysname, msg):
        for fid in fids:
            if fid in self.figs:
                self.figs[fid].errors[sysname] = msg

    def newdir(self, tag):
        self.session_no += 1
        d = os.path.join(self.ctx.tmp, "%03d-%s" % (self.session_no, tag))
        os.makedirs(d)
        os.chmod(d, 0o755)
        return d

    def cool(self, seconds, why):
        if seconds > 0:
            log("  cool-down %gs (%s)" % (seconds, why))
            time.sleep(seconds)

    # -- one system's session around a body
    def session(self, sysname, tag, svcs_fn, body, fids):
        if sysname in self.unavailable:
            return
        sysobj = self.sysobjs[sysname]
        d = self.newdir("%s-%s" % (sysname, tag))
        svcs = svcs_fn(d)
        try:
            sysobj.prepare(d, svcs)
            self.active.append(sysobj)
            body(sysobj, d, svcs)
        except S.Unavailable as e:
            self.unavailable[sysname] = str(e)
            log("  %s: %s" % (sysname, e))
        except (SessionError, P.Timeout) as e:
            if sysname in VIGILDS and not self.ever_ok.get(sysname):
                # vigild never worked in this run: the column is "not
                # available", with the reason, and we go on with the others.
                self.unavailable[sysname] = "not available (%s)" % e
            self.err(fids, sysname, str(e))
            log("  %s %s: error: %s" % (sysname, tag, e))
        except Exception as e:          # noqa: BLE001 -- keep going
            self.err(fids, sysname, "harness error: %r" % e)
            log("  %s %s: harness error: %r" % (sysname, tag, e))
        finally:
            try:
                sysobj.shutdown()
            finally:
                if sysobj in self.active:
                    self.active.remove(sysobj)
                left = P.kill_everything_below_us(self.ctx.procs,
                                                  self.ctx.marker_b, 10)
                if left:
                    log("  WARNING: could not stop pids %s" % left)
                if not self.a.keep:
                    shutil.rmtree(d, ignore_errors=True)

    def wait_started(self, sysobj, stampf, n, t0_ns):
        timeout = 60 + 0.3 * n
        ok = P.wait_until(lambda: P.count_lines(stampf) >= n or
                          sysobj.dead() is not None, timeout, 0.005,
                          self.ctx.procs)
        got = P.count_lines(stampf)
        if got < n:
            why = sysobj.dead()
            raise SessionError(why or "only %d of %d services started "
                               "within %gs" % (got, n, timeout))
        st = read_stamps(stampf)[:n]
        return (max(t for t, _ in st) - t0_ns) / 1e9, [p for _, p in st]

    # -- W1 W2 W4 W6 W7: n sleep services
    def fleet(self, sysname, n, wants):
        pl = self.plan
        fids = ["W1.rss.%d" % n, "W1.pss.%d" % n, "W2.start.%d" % n,
                "W6.status.%d" % n, "W7.stop.%d" % n]
        if "W4" in wants:
            fids.append("W4.cpu")

        def svcs(d):
            st = os.path.join(d, "stamps")
            return [S.Svc("s%04d" % i, ["sleep"],
                          env={"VIGIL_TESTPROG_STAMP": st})
                    for i in range(n)]

        def body(so, d, svcs):
            stampf = os.path.join(d, "stamps")
            t0 = time.time_ns()
            so.start()
            start_s, spids = self.wait_started(so, stampf, n, t0)
            self.ever_ok[sysname] = True
            out = ["start %ss" % fmt(start_s)]
            if "W2" in wants:
                self.rec("W2.start.%d" % n, sysname, start_s)
            time.sleep(pl.settle)
            root = so.root()
            sup = P.supervisor_pids(root, self.ctx.prog)
            alive = sum(1 for p in spids if P.is_alive(p))
            if alive != n:
                raise SessionError("%d of %d services still running after "
                                   "start" % (alive, n))
            if "W1" in wants:
                rss, pss = P.mem_kib(sup)
                self.rec("W1.rss.%d" % n, sysname, rss / 1024)
                self.rec("W1.pss.%d" % n, sysname, pss / 1024)
                self.extra.setdefault("W1.processes", {})[
                    "%s.%d" % (sysname, n)] = len(sup)
                out.append("RSS %s MiB PSS %s MiB (%d processes)"
                           % (fmt(rss / 1024), fmt(pss / 1024), len(sup)))
            nocli = so.client_missing()
            if nocli:
                self.err(["W6.status.%d" % n, "W7.stop.%d" % n], sysname,
                         nocli)
            if "W6" in wants and not nocli:
                ts = []
                of = os.path.join(d, "status.out")
                for _ in range(10):
                    rc, dt = self.ctx.procs.timed(
                        so.status_argv(), 60, env=so.cmd_env(), outfile=of)
                    if not so.status_ok(rc):
                        with open(of, errors="replace") as f:
                            txt = f.read()
                        raise SessionError("status exited %d: %s" % (
                            rc, " | ".join(txt.strip().splitlines()[-2:])))
                    ts.append(dt * 1000)
                self.rec("W6.status.%d" % n, sysname, median(ts))
                out.append("status %s ms" % fmt(median(ts)))
            if "W4" in wants:
                time.sleep(pl.settle)
                sup = P.supervisor_pids(so.root(), self.ctx.prog)
                c0 = {p: P.cpu_ns([p]) for p in sup}
                time.sleep(pl.w4_window)
                used = sum(P.cpu_ns([p]) - c0[p] for p in sup
                           if P.is_alive(p))
                v = used / 1e6 * 60.0 / pl.w4_window
                self.rec("W4.cpu", sysname, v)
                out.append("idle %s ms/60s" % fmt(v))
            if "W7" in wants and not nocli:
                left = [p for p in spids if P.is_alive(p)]
                t0m = time.monotonic()
                sp = self.ctx.procs.spawn(so.stop_all_argv(),
                                          env=so.cmd_env())

                def gone():
                    left[:] = [p for p in left if P.is_alive(p)]
                    return not left
                timeout = 60 + 0.1 * n
                if not P.wait_until(gone, timeout, 0.005, self.ctx.procs):
                    P.killpg(sp.pid, signal.SIGKILL)
                    raise SessionError("%d services still running %gs after "
                                       "stop all" % (len(left), timeout))
                dt = time.monotonic() - t0m
                P.wait_until(lambda: sp.poll() is not None, 60, 0.01,
                             self.ctx.procs)
                if sp.poll() is None:
                    P.killpg(sp.pid, signal.SIGKILL)
                self.rec("W7.stop.%d" % n, sysname, dt)
                out.append("stop %ss" % fmt(dt))
            log("  %-11s n=%-4d %s" % (sysname, n, ", ".join(out)))

        self.session(sysname, "n%d" % n, svcs, body, fids)

    # -- W3 respawn
    def respawn(self, sysname):
        kills = self.plan.w3_kills

        def svcs(d):
            return [S.Svc("stamp", ["stamp", os.path.join(d, "stamps")],
                          notify=(sysname == "s6"))]

        def body(so, d, svcs):
            stampf = os.path.join(d, "stamps")
            t0 = time.time_ns()
            so.start()
            self.wait_started(so, stampf, 1, t0)
            self.ever_ok[sysname] = True
            lat = []
            for k in range(kills):
                st = read_stamps(stampf)
                last_t, last_pid = st[-1]
                # Kill only after 1.2 s of uptime: runsv and s6-supervise
                # delay the restart of a service that lived < 1 s.
                wait = last_t / 1e9 + 1.2 - time.time()
                if wait > 0:
                    time.sleep(wait)
                nlines = len(st)
                tk = time.time_ns()
                P.kill(last_pid, signal.SIGKILL)
                ok = P.wait_until(lambda: P.count_lines(stampf) > nlines,
                                  10, 0.001, self.ctx.procs)
                if not ok:
                    raise SessionError("no respawn within 10 s after kill "
                                       "%d" % (k + 1))
                new_t, _ = read_stamps(stampf)[nlines]
                lat.append((new_t - tk) / 1e6)
            self.rec("W3.median", sysname, median(lat))
            self.rec("W3.p95", sysname, p95(lat))
            self.extra.setdefault("W3.samples_ms", {}).setdefault(
                sysname, []).append([round(x, 3) for x in lat])
            log("  %-11s respawn median %s ms, p95 %s ms (%d kills)"
                % (sysname, fmt(median(lat)), fmt(p95(lat)), kills))

        self.session(sysname, "w3", svcs, body, ["W3.median", "W3.p95"])

    # -- W5 logs
    def wait_flood(self, files_fn, t0f, n, dead_fn):
        """Wait for the last flood line; returns seconds from the flood's
        start stamp to the mtime of the file that got the last line."""
        last = b"%010d x" % (n - 1)
        timeout = 30 + n * 100 / 5e6
        found = {}

        def done():
            files = files_fn()
            if files and os.path.exists(files[-1]):
                fn = files[-1]
                try:
                    with open(fn, "rb") as f:
                        f.seek(0, os.SEEK_END)
                        size = f.tell()
                        f.seek(max(0, size - 4096))
                        tail = f.read()
                    if last in tail:
                        found["mtime"] = os.stat(fn).st_mtime_ns
                        return True
                except OSError:
                    pass
            return dead_fn() is not None
        P.wait_until(done, timeout, 0.01, self.ctx.procs)
        if "mtime" not in found:
            why = dead_fn()
            raise SessionError(why or "the last flood line did not reach "
                               "the log within %gs" % timeout)
        st = read_stamps(t0f)
        if not st:
            raise SessionError("no start stamp from the flood program")
        return (found["mtime"] - st[0][0]) / 1e9

    def logs(self, sysname, mode):
        n = self.plan.w5_lines
        fid = "W5.mbps" if mode == "raw" else "W5.mbps_ts"

        def svcs(d):
            return [S.Svc("flood", ["flood", str(n)],
                          env={"VIGIL_TESTPROG_STAMP":
                               os.path.join(d, "t0")}, log=mode)]

        def body(so, d, svcs):
            os.sync()
            so.start()
            secs = self.wait_flood(lambda: so.log_files(svcs[0]),
                                   os.path.join(d, "t0"), n, so.dead)
            self.ever_ok[sysname] = True
            mbps = n * 100 / secs / 1e6
            time.sleep(0.5)
            sup = P.supervisor_pids(so.root(), self.ctx.prog)
            rss, _ = P.mem_kib(sup)
            extra = ""
            if sysname == "vigild":
                lp = so.helper("logger")
                if lp:
                    lr, _ = P.mem_kib([lp])
                    self.extra.setdefault("W5.vigild_logger_rss_mib",
                                          []).append(round(lr / 1024, 2))
                    extra = ", logger RSS %s MiB" % fmt(lr / 1024)
            so.shutdown()
            lost, bad = verify_flood(so.log_files(svcs[0]), n)
            self.rec(fid, sysname, mbps)
            if mode == "raw":
                self.rec("W5.lost", sysname, lost)
                self.rec("W5.dup", sysname, bad)
                self.rec("W5.rss", sysname, rss / 1024)
            log("  %-11s logs%s %s MB/s, lost %d, dup/corrupt %d, "
                "RSS %s MiB%s" % (sysname, " (timestamps)" if mode == "ts"
                                  else "", fmt(mbps), lost, bad,
                                  fmt(rss / 1024), extra))

        fids = [fid] + (["W5.lost", "W5.dup", "W5.rss"] if mode == "raw"
                        else [])
        self.session(sysname, "w5" + mode, svcs, body, fids)

    def logs_cat(self):
        """The machine's limit: cat copying the same stream from a pipe to a
        file.  The pipe has the size vigild gives a service's output pipe
        (1 MiB, parent/svc_spawn.c): with the default 64 KiB, cat and the
        flood take turns at every 64 KiB and cat is the slower one."""
        n = self.plan.w5_lines
        d = self.newdir("cat")
        out, t0f = os.path.join(d, "cat.out"), os.path.join(d, "t0")
        os.sync()
        env = dict(self.ctx.base_env, VIGIL_TESTPROG_STAMP=t0f)
        r, w = os.pipe()
        try:
            fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, 1024 * 1024)
            pipe_size = "1 MiB"
        except (OSError, AttributeError):
            pipe_size = "default size"
        try:
            p = self.ctx.procs.spawn(
                ["sh", "-c", '"$0" flood "$1" >&%d %d>&- %d<&- & '
                 'exec cat <&%d %d<&- %d>&- > "$2"' % (w, w, r, r, r, w),
                 self.ctx.prog, str(n), out], env=env, pass_fds=(r, w))
        finally:
            os.close(r)
            os.close(w)
        try:
            secs = self.wait_flood(lambda: [out], t0f, n,
                                   lambda: None if p.poll() is None
                                   else "the cat pipeline exited")
            P.kill_tree(p.pid, self.ctx.procs, grace=2)
            lost, bad = verify_flood([out], n)
            mbps = n * 100 / secs / 1e6
            self.limit.setdefault("W5.mbps", []).append(mbps)
            log("  %-11s logs %s MB/s, lost %d (pipe of %s -> file)"
                % ("cat", fmt(mbps), lost, pipe_size))
        except SessionError as e:
            log("  cat baseline: error: %s" % e)
        finally:
            P.kill_tree(p.pid, self.ctx.procs, grace=2)
            P.killpg(p.pid, signal.SIGKILL)
            self.ctx.procs.reap()
            if not self.a.keep:
                shutil.rmtree(d, ignore_errors=True)

    def spawn_floor(self):
        """Reference for W3: the harness's own fork+exec of the stamp
        program, from just before the spawn to the stamp."""
        d = self.newdir("floor")
        f = os.path.join(d, "stamps")
        lat = []
        for _ in range(self.plan.w3_kills):
            t = time.time_ns()
            p = self.ctx.procs.spawn([self.ctx.prog, "stamp", f])
            P.wait_until(lambda: P.count_lines(f) > len(lat), 5, 0.0005)
            st = read_stamps(f)
            P.kill(p.pid, signal.SIGKILL)
            p.wait(5)
            self.ctx.procs.tracked.pop(p.pid, None)
            if len(st) > len(lat):
                lat.append((st[len(lat)][0] - t) / 1e6)
            time.sleep(0.05)
        if lat:
            self.limit.setdefault("W3.median", []).append(median(lat))
            self.limit.setdefault("W3.p95", []).append(p95(lat))
        shutil.rmtree(d, ignore_errors=True)

    def start_floor(self, n, wants):
        """References for W2 and W7: a C loop starting n copies of the
        sleep program back to back (posix_spawn), then sending each SIGTERM
        and reaping them, each half timed by itself: what the machine
        allows before a supervisor does anything per service."""
        try:
            rc, out, _ = self.ctx.procs.run(
                [self.ctx.prog, "spawn", str(n)], 300, capture=True)
        except P.Timeout as e:
            log("  spawn baseline: %s" % e)
            return
        try:
            start, stop = (float(x) for x in out.split()) if rc == 0 \
                else (None, None)
        except ValueError:
            start = stop = None
        if start is None:
            log("  spawn baseline: exit %d: %s" % (rc, out.strip()[:200]))
            return
        if "W2" in wants:
            self.limit.setdefault("W2.start.%d" % n, []).append(start)
        if "W7" in wants:
            self.limit.setdefault("W7.stop.%d" % n, []).append(stop)
        log("  %-11s n=%d start %ss, stop %ss (posix_spawn loop, SIGTERM)"
            % ("spawn", n, fmt(start), fmt(stop)))

    def status_floor(self):
        """Reference for W6: starting and waiting for `true` the same way
        the status client is timed."""
        ts = []
        for _ in range(10):
            _, dt = self.ctx.procs.timed(["true"], 30)
            ts.append(dt * 1000)
        for n in self.plan.w6:
            self.limit.setdefault("W6.status.%d" % n, []).append(median(ts))

    # -- the whole thing
    def run(self):
        pl, a = self.plan, self.a
        systems = list(a.systems)
        for r in range(a.runs):
            log("== run %d/%d" % (r + 1, a.runs))
            # Rotate the order so that no system is always first after a
            # cool-down.
            k = r % len(systems)
            order = systems[k:] + systems[:k]
            if pl.wants("W6"):
                self.status_floor()
            for n in pl.fleet_sizes():
                wants = pl.fleet_wants(n)
                log("-- %s, %d services" % (",".join(sorted(wants)), n))
                if "W2" in wants or "W7" in wants:
                    if n >= 500:
                        self.cool(a.cooldown, "before starting %d "
                                  "processes" % n)
                    self.start_floor(n, wants)
                for s in order:
                    if s in self.unavailable:
                        continue
                    if n >= 500:
                        self.cool(a.cooldown, "before starting %d "
                                  "processes" % n)
                    self.fleet(s, n, wants)
                    time.sleep(1)
            if pl.wants("W3"):
                log("-- W3 respawn, %d kills" % pl.w3_kills)
                self.spawn_floor()
                for s in order:
                    if s not in self.unavailable:
                        self.respawn(s)
            if pl.wants("W5"):
                log("-- W5 logs, %d lines of 100 bytes" % pl.w5_lines)
                self.logs_cat()
                for s in order:
                    if s in self.unavailable:
                        continue
                    self.logs(s, "raw")
                    if s in VIGILDS and s not in self.unavailable:
                        self.logs(s, "ts")


# ---------------------------------------------------------------- report

def machine_info():
    m = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    m["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    m["cores"] = os.cpu_count()
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        m["memory"] = "%.1f GiB" % (kb / 1048576)
    except (OSError, ValueError, IndexError):
        pass
    m["kernel"] = platform.release()
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    m["os"] = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    m["load_at_start"] = "%.2f %.2f %.2f" % os.getloadavg()
    return m


def summarize(b):
    rows = []
    for fid in b.order:
        f = b.figs[fid]
        row = {"id": fid, "figure": f.label, "unit": f.unit,
               "better": f.better, "values": {}, "spread": {},
               "runs": f.runs, "errors": f.errors}
        for s in b.a.systems:
            xs = f.runs.get(s)
            if xs:
                m = median(xs)
                row["values"][s] = m
                if len(xs) > 1 and m:
                    sp = (max(xs) - min(xs)) / abs(m)
                    if sp > WIDE:
                        row["spread"][s] = [min(xs), max(xs)]
            else:
                row["values"][s] = None
        lim = b.limit.get(fid)
        row["limit"] = median(lim) if lim else None
        ratio = None
        v = row["values"].get("vigild")
        peers = [row["values"][s] for s in PEERS
                 if s in row["values"] and row["values"][s] is not None]
        if f.ratio and v is not None and peers:
            best = min(peers) if f.better == "lower" else max(peers)
            if best:
                ratio = v / best
        row["ratio"] = ratio
        bv = row["values"].get("baseline")
        row["base_ratio"] = v / bv if v is not None and bv else None
        rows.append(row)
    return rows


def cell(b, row, s):
    if s in b.unavailable and row["values"].get(s) is None:
        return "n/a"
    v = row["values"].get(s)
    if v is None:
        return "err" if s in row["errors"] else "—"
    t = fmt(v)
    if s in row["spread"]:
        t += "*"
    return t


def render_md(b, rows, meta):
    cols = list(b.a.systems)
    out = ["# vigil benchmark results", "",
           "- date: %s" % meta["date"],
           "- command: `%s`" % meta["command"],
           "- machine: %s; %s cores; %s memory; kernel %s; %s"
           % (meta["machine"].get("cpu", "?"), meta["machine"]["cores"],
              meta["machine"].get("memory", "?"),
              meta["machine"]["kernel"], meta["machine"].get("os", "?")),
           "- load average at start: %s" % meta["machine"]["load_at_start"],
           "- runs per figure: %d (medians quoted; * = spread over %d%%, see "
           "below); mode: %s; cool-down %gs before each start of 500+ "
           "processes" % (b.a.runs, int(WIDE * 100),
                          "quick" if b.a.quick else "full", b.a.cooldown),
           "- versions: %s" % "; ".join(
               "%s" % meta["versions"][s] for s in cols
               if s in meta["versions"]),
           ""]
    based = "baseline" in cols
    head = ["figure", "unit"] + cols + ["limit", "vigild / best peer"] + \
        (["vigild / baseline"] if based else [])
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join(["---", "---"] + ["---:"] * (len(head) - 2))
               + "|")
    for r in rows:
        ratio = ("%.2f×" % r["ratio"]) if r["ratio"] is not None else "—"
        extra = []
        if based:
            extra = [("%.2f×" % r["base_ratio"])
                     if r["base_ratio"] is not None else "—"]
        out.append("| " + " | ".join(
            [r["figure"], r["unit"]] + [cell(b, r, s) for s in cols] +
            [fmt(r["limit"]), ratio] + extra) + " |")
    out += ["", " ".join([
        "Lower is better except MB/s.",
        "limit: W2 = a C loop starting the same number of sleep programs",
        "back to back with posix_spawn;",
        "W7 = the same loop's programs sent SIGTERM and reaped;",
        "W3 = fork+exec of the stamp program by the harness itself;",
        "W5 = `cat` copying the same stream from a 1 MiB pipe (as vigild's)",
        "to a file;",
        "W6 = starting and waiting for `true` the way the status client is",
        "timed.  W1 counts the supervisor's processes only (not the",
        "services).  W2 runs from the start command to the last service's",
        "start stamp.  W4 is CPU time of the supervisor's own processes,",
        "scaled to 60 s.  W6 includes starting the status client.  W7 runs",
        "until every service process is gone."]), ""]
    notes = []
    for s in cols:
        if s in b.unavailable:
            notes.append("- %s: %s" % (s, b.unavailable[s]))
    for s in cols:
        so = b.sysobjs.get(s)
        if so is not None and s not in b.unavailable:
            for n in so.notes:
                notes.append("- %s: %s" % (s, n))
    for r in rows:
        for s, (lo, hi) in r["spread"].items():
            notes.append("- wide spread: %s, %s: %s .. %s %s"
                         % (r["figure"], s, fmt(lo), fmt(hi), r["unit"]))
        for s, e in r["errors"].items():
            if s not in b.unavailable:
                notes.append("- error: %s, %s: %s" % (r["figure"], s, e))
    if "W5.vigild_logger_rss_mib" in b.extra:
        notes.append("- vigild logger RSS after the flood: %s MiB"
                     % fmt(median(b.extra["W5.vigild_logger_rss_mib"])))
    if notes:
        out += ["Notes:", ""] + notes + [""]
    return "\n".join(out)


# ---------------------------------------------------------------- main

def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="regress/bench/run.sh",
        description="vigild beside supervisord, runit, s6 and PM2.")
    ap.add_argument("--quick", action="store_true",
                    help="small N, one run, short idle window")
    ap.add_argument("--only", default=",".join(WORKLOADS),
                    help="workloads, e.g. W1,W3 (default: all)")
    ap.add_argument("--systems", default=",".join(SYSTEMS),
                    help="systems (default: %s)" % ",".join(SYSTEMS))
    ap.add_argument("--runs", type=int, default=None,
                    help="runs per figure (default 3; quick 1)")
    ap.add_argument("--cooldown", type=float, default=None,
                    help="seconds of idling before each start of 500+ "
                    "processes (default 30; quick 0)")
    ap.add_argument("--sizes", default="1000,3000,10000",
                    help="W8's service counts (default 1000,3000,10000)")
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"),
                    help="build directory (default build, or $BUILD)")
    ap.add_argument("--baseline", metavar="DIR", default=None,
                    help="another build directory of vigild, run beside "
                    "this one in the same runs (column baseline)")
    ap.add_argument("--no-install", action="store_true",
                    help="do not install missing peers")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directories")
    a = ap.parse_args(argv)
    a.only = [w.strip().upper() for w in a.only.split(",") if w.strip()]
    a.systems = [s.strip().lower() for s in a.systems.split(",")
                 if s.strip()]
    for w in a.only:
        if w not in WORKLOADS + [SCALE]:
            ap.error("unknown workload %s (one of %s)"
                     % (w, ",".join(WORKLOADS + [SCALE])))
    if SCALE in a.only and len(a.only) > 1:
        ap.error("%s runs alone (--only %s)" % (SCALE, SCALE))
    if SCALE in a.only:
        a.systems = ["vigild"]          # peers are not run at this scale
    try:
        a.sizes = [int(x) for x in a.sizes.split(",") if x.strip()]
    except ValueError:
        ap.error("--sizes: a list of numbers, e.g. 1000,3000")
    if not a.sizes or min(a.sizes) < 1:
        ap.error("--sizes: a list of numbers, e.g. 1000,3000")
    if a.baseline:
        if "vigild" not in a.systems:
            ap.error("--baseline compares with vigild: keep vigild in "
                     "--systems")
        a.systems.insert(a.systems.index("vigild") + 1, "baseline")
    for s in a.systems:
        if s == "baseline" and a.baseline:
            continue
        if s not in SYSTEMS:
            ap.error("unknown system %s (one of %s)"
                     % (s, ",".join(SYSTEMS)))
    if a.runs is None:
        a.runs = 1 if a.quick else 3
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    if a.cooldown is None:
        a.cooldown = 0.0 if a.quick else 30.0
    return a


def on_signal(sig, frame):
    raise Interrupted(sig)


def main(argv):
    a = parse_args(argv)
    root = os.path.dirname(os.path.dirname(HERE))
    build = os.path.join(root, a.build) if not os.path.isabs(a.build) \
        else a.build
    outdir = os.path.join(build, "bench")
    os.makedirs(outdir, exist_ok=True)

    if not P.set_subreaper():
        log("bench: warning: cannot become a child subreaper; cleanup "
            "relies on the environment marker only")
    runid = "%d.%d" % (os.getpid(), int(time.time()))
    ctx = Ctx()
    ctx.procs = P.Procs()
    ctx.marker = "VIGIL_BENCH_RUN=" + runid
    ctx.marker_b = ctx.marker.encode()
    ctx.base_env = dict(os.environ, VIGIL_BENCH_RUN=runid)
    ctx.svc_env = {"VIGIL_BENCH_RUN": runid}
    ctx.vigild = os.path.join(build, "vigild")
    ctx.vigilctl = os.path.join(build, "vigilctl")
    ver = "?"
    try:
        with open(os.path.join(root, "Makefile")) as f:
            m = re.search(r"^VERSION\s*=\s*(\S+)", f.read(), re.M)
            ver = m.group(1) if m else "?"
    except OSError:
        pass
    rel = os.path.relpath(ctx.vigild, root)
    ctx.vigil_version = "vigild %s (%s)" % (
        ver, ctx.vigild if rel.startswith("..") else rel)
    if a.baseline:
        bd = os.path.abspath(a.baseline)
        ctx.base_vigild = os.path.join(bd, "vigild")
        ctx.base_vigilctl = os.path.join(bd, "vigilctl")
        ctx.base_version = "baseline: %s" % ctx.base_vigild
    testprog = os.path.join(build, "regress", "vigil-testprog")
    if not os.access(testprog, os.X_OK):
        log("bench: %s missing; run make tools" % testprog)
        return 2

    # Explicitly: a shell starting us in the background leaves SIGINT
    # ignored, and Python then keeps it so.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    ctx.tmp = tempfile.mkdtemp(prefix="vigil-bench.")
    os.chmod(ctx.tmp, 0o755)
    os.makedirs(os.path.join(ctx.tmp, "bin"))
    # A private copy: its path tells our services from anybody else's.
    ctx.prog = os.path.join(ctx.tmp, "bin", "vigil-testprog")
    shutil.copy2(testprog, ctx.prog)
    os.chmod(ctx.prog, 0o755)

    plan = Plan(a)
    b = Bench(a, ctx, plan)
    rc = 0
    started = datetime.datetime.now()
    try:
        # Peers: install what is missing.
        for s in a.systems:
            reason = None
            if s in install.DEBIAN:
                reason = install.ensure_debian(s, log, a.no_install)
            elif s == "pm2":
                ctx.pm2, reason = install.ensure_pm2(
                    os.path.join(outdir, "pm2"), log, a.no_install)
                ctx.pm2_package = install.pm2_paths(
                    os.path.join(outdir, "pm2"))[1]
            if reason:
                b.unavailable[s] = reason if reason.startswith(
                    ("missing", "not ")) else "missing (%s)" % reason
        if "pm2" not in a.systems:
            ctx.pm2 = None
        for cls in S.ALL:
            if cls.name in a.systems:
                so = cls(ctx)
                b.sysobjs[cls.name] = so
                if cls.name not in b.unavailable:
                    why = so.check()
                    if why:
                        b.unavailable[cls.name] = why
        versions = {}
        for s in a.systems:
            if s not in b.unavailable or s in VIGILDS:
                versions[s] = b.sysobjs[s].version()
        meta = {"date": started.strftime("%Y-%m-%d %H:%M"),
                "command": " ".join(["regress/bench/run.sh"] + argv),
                "machine": machine_info(), "versions": versions}
        log("vigil bench: %s; %s cores, %s, kernel %s; load %s"
            % (meta["date"], meta["machine"]["cores"],
               meta["machine"].get("memory"), meta["machine"]["kernel"],
               meta["machine"]["load_at_start"]))
        for s in a.systems:
            log("  %-11s %s" % (s, b.unavailable.get(s) or versions.get(s)))

        if SCALE in a.only:
            sc = scale.Scale(b, a.sizes, log)
            sc.run()
            meta["elapsed_s"] = round((datetime.datetime.now() -
                                       started).total_seconds())
            meta["machine"]["load_at_end"] = "%.2f %.2f %.2f" % \
                os.getloadavg()
            log("")
            log(sc.write(outdir, meta))
            log("written: %s/results.md, results.json" % os.path.relpath(
                outdir, root))
            return 1 if any(sc.errors_by.values()) else 0

        b.run()

        rows = summarize(b)
        md = render_md(b, rows, meta)
        meta["elapsed_s"] = round((datetime.datetime.now() -
                                   started).total_seconds())
        meta["machine"]["load_at_end"] = "%.2f %.2f %.2f" % os.getloadavg()
        res = {"meta": meta, "options": {
            "quick": a.quick, "runs": a.runs, "only": a.only,
            "systems": a.systems, "cooldown": a.cooldown},
            "unavailable": b.unavailable,
            "notes": {s: b.sysobjs[s].notes for s in b.sysobjs},
            "figures": rows, "limit": b.limit, "extra": b.extra}
        with open(os.path.join(outdir, "results.md"), "w") as f:
            f.write(md)
        with open(os.path.join(outdir, "results.json"), "w") as f:
            json.dump(res, f, indent=1, default=str)
        log("")
        log(md)
        log("written: %s, %s" % (os.path.relpath(os.path.join(
            outdir, "results.md"), root), os.path.relpath(os.path.join(
                outdir, "results.json"), root)))
    except KeyboardInterrupt:
        log("\nbench: interrupted; stopping everything")
        rc = 130
    except Interrupted as e:
        log("\nbench: signal %d; stopping everything" % e.args[0])
        rc = 128 + e.args[0]
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        for so in list(b.active):
            try:
                so.shutdown()
            except Exception as e:          # noqa: BLE001
                log("bench: shutdown of %s: %s" % (so.name, e))
        left = P.kill_everything_below_us(ctx.procs, ctx.marker_b, 15)
        if left:
            log("bench: WARNING: processes left: %s" % ", ".join(
                "%d (%s)" % (p, P.cmdline(p)) for p in left))
            rc = rc or 1
        if not a.keep:
            shutil.rmtree(ctx.tmp, ignore_errors=True)
        else:
            log("bench: kept %s" % ctx.tmp)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
