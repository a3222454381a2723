"""vigil soak: vigild under an operator's busy day, for SOAK_MINUTES.

    SOAK_MINUTES=30 python3 regress/bench/soak.py     (make soak)

One vigild (as root, services and helpers as nobody) runs about 100
services: sleepers, numbered-line writers (counted), small-rotation
writers, crash loops, failing health checks, `ready: notify' services
with a watchdog.  A command comes every 2-4 s (status, info, restart,
stop/start, signal, tail, logs -f, reload between two configurations,
reopen), and a helper (control, logger, monitor in turn) is killed with
SIGKILL every 2 minutes.  Every 30 s it samples Rss/Pss, descriptors
and CPU of the parent and of each helper life, `status' latency, and
the files in state_dir and log_dir.

At the end it prints the table over time, the growth per hour of each
figure (the parent's over the whole run, each helper's within each of
its lives), the lines lost or duplicated over every counted writer's
files (rotated ones included), zombies, services stuck in a state,
failed or slow commands, and vigild's warnings grouped by message.  It
exits 1 when a figure grows without bound, a line is lost or doubled,
a command fails or hangs, a zombie stays, or a service is stuck; 2 on
a set-up error.  Everything it started is stopped and its directory
removed at the end, also on ^C (SOAK_KEEP=1 keeps the directory).

Environment: SOAK_MINUTES (default 30), SOAK_SAMPLE (seconds, 30),
SOAK_KILL (seconds between helper kills, 120), SOAK_SEED, SOAK_REPORT
(a file for a copy of the report), BUILD (default build).
"""

import collections
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import procs  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
VIGILD = os.path.join(BUILD, "vigild")
VIGILCTL = os.path.join(BUILD, "vigilctl")
TOOLS = os.path.join(BUILD, "regress")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024

N_SLEEP = 11        # groups of 5 instances
N_WRITERS = 10      # counted: every line must arrive exactly once
WRITER_RATE = 150   # lines a second each
N_ROTATE = 5        # fast writers with keep: 2 (lossy by design)
N_CRASH = 10
N_UNHEALTHY = 10
N_NOTIFY = 10
SLOW_CMD_MS = 5000
CMD_TIMEOUT = 30


class Interrupted(BaseException):
    pass


def on_signal(sig, frame):
    raise Interrupted()


def now():
    return time.monotonic()


def log(msg):
    sys.stderr.write("soak: %s\n" % msg)
    sys.stderr.flush()


class Soak:
    def __init__(self, minutes, sample_s, kill_s, seed):
        self.minutes = minutes
        self.sample_s = sample_s
        self.kill_s = kill_s
        self.rng = random.Random(seed)
        self.dir = tempfile.mkdtemp(prefix="vigil-soak.")
        os.chmod(self.dir, 0o755)
        self.sock = os.path.join(self.dir, "vigild.sock")
        self.logdir = os.path.join(self.dir, "log")
        self.statedir = os.path.join(self.dir, "state")
        self.vlog = os.path.join(self.dir, "vigild.log")
        self.conf = os.path.join(self.dir, "vigild.conf")
        self.vigild = None
        self.helpers = {}           # pid -> role
        self.lives = collections.OrderedDict()  # pid -> [samples]
        self.samples = []
        self.fdsets = []            # parent's fd table per sample
        self.fd_diffs = []
        self.cmds = collections.Counter()
        self.failed = []
        self.slow = []
        self.lat = collections.defaultdict(list)
        self.kills = 0
        self.reloads = 0
        self.conf_b = False
        self.zombie_seen = {}
        self.zombies = set()
        self.follow = []            # (proc, deadline) of logs -f / tail -f
        self.stuck_since = {}

    # -------------------------------------------------- configuration

    def write_conf(self, alt):
        tp = os.path.join(TOOLS, "vigil-testprog")
        lines = os.path.join(TOOLS, "vigil-lines")
        httpd = os.path.join(TOOLS, "vigil-httpd")
        count = WRITER_RATE * (self.minutes * 60 + 600)
        s = []
        s.append("user: nobody")
        s.append("socket: { path: %s }" % self.sock)
        s.append("log_dir: %s" % self.logdir)
        s.append("state_dir: %s" % self.statedir)
        s.append("services:")
        # Sleepers: groups of 5 instances; the alternative configuration
        # changes sl0's environment and swaps the last group for another
        # (the same count of services either way).
        last = N_SLEEP - 1
        for i in range(N_SLEEP):
            name = ("sx%d" if (alt and i == last) else "sl%d") % i
            s.append("  %s:" % name)
            s.append("    command: [ %s, sleep ]" % tp)
            s.append("    instances: 5")
            s.append("    stop_timeout: 5s")
            if i == 0:
                s.append("    environment: { SOAK_CONF: %s }" %
                         ("b" if alt else "a"))
        for i in range(N_WRITERS):
            s.append("  wr%d:" % i)
            s.append("    command: [ %s, -b, '0', -r, '%d', -p, 'wr%d ', "
                     "'%d' ]" % (lines, WRITER_RATE, i, count))
            s.append("    log: { max_size: 256K, keep: 1000 }")
        for i in range(N_ROTATE):
            s.append("  rot%d:" % i)
            s.append("    command: [ %s, -r, '500', -w, '100', '%d' ]" %
                     (lines, 500 * (self.minutes * 60 + 600)))
            s.append("    log: { max_size: 64K, keep: 2 }")
        for i in range(N_CRASH):
            s.append("  crash%d:" % i)
            s.append("    command: [ /bin/sh, -c, 'echo up; sleep %d; "
                     "exit 1' ]" % (2 + i % 3))
            s.append("    backoff: { initial: 500ms, max: 2s }")
        for i in range(N_UNHEALTHY):
            s.append("  sick%d:" % i)
            s.append("    command: [ %s, sleep ]" % tp)
            s.append("    health:")
            if i % 2 == 0:
                s.append("      exec: [ /bin/sh, -c, 'echo sick; exit 1' ]")
            else:
                s.append("      tcp: 127.0.0.1:1")
            s.append("      interval: 2s")
            s.append("      retries: 2")
            s.append("      start_period: 1s")
        for i in range(N_NOTIFY):
            s.append("  ntf%d:" % i)
            s.append("    command: [ %s, -r, '300', -w, '2000000' ]" %
                     httpd)
            s.append("    ready: notify")
        with open(self.conf + ".tmp", "w") as f:
            f.write("\n".join(s) + "\n")
        os.chmod(self.conf + ".tmp", 0o644)
        os.rename(self.conf + ".tmp", self.conf)

    # -------------------------------------------------- commands

    def ctl(self, *args, timeout=CMD_TIMEOUT, ok=(0,)):
        t0 = now()
        try:
            p = subprocess.run([VIGILCTL, "-s", self.sock] + list(args),
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            ms = (now() - t0) * 1000
            self.failed.append("%s: hung (no answer in %d s)" %
                               (" ".join(args), timeout))
            return None, ms
        ms = (now() - t0) * 1000
        words = [a for a in args if a.startswith("-")] + \
            [a for a in args if not a.startswith("-")][:1]
        name = " ".join(sorted(words, key=lambda a: a.startswith("-")))
        self.cmds[name] += 1
        self.lat[name].append(ms)
        if p.returncode not in ok:
            self.failed.append("%.0fs %s: exit %d: %s" % (
                now() - self.t0, " ".join(args), p.returncode,
                (p.stderr or p.stdout).decode(errors="replace").strip()
                [:200]))
        elif ms > SLOW_CMD_MS:
            self.slow.append("%s: %.0f ms" % (" ".join(args), ms))
        return p, ms

    def sleeper(self):
        g = self.rng.randrange(N_SLEEP - 1)  # the last comes and goes
        return "sl%d:%d" % (g, self.rng.randrange(5))

    def one_command(self):
        r = self.rng.random()
        if r < 0.20:
            self.ctl("status", ok=(0, 3))
        elif r < 0.27:
            self.ctl("status", "-l", ok=(0, 3))
        elif r < 0.37:
            self.ctl("info", self.rng.choice(
                [self.sleeper(), "wr%d" % self.rng.randrange(N_WRITERS),
                 "ntf%d" % self.rng.randrange(N_NOTIFY),
                 "sick%d" % self.rng.randrange(N_UNHEALTHY)]))
        elif r < 0.47:
            self.ctl("restart", self.rng.choice(
                [self.sleeper(), "crash%d" % self.rng.randrange(N_CRASH),
                 "ntf%d" % self.rng.randrange(N_NOTIFY)]))
        elif r < 0.57:
            t = self.sleeper()
            self.ctl("stop", "--wait", t)
            self.ctl("start", t)
        elif r < 0.64:
            self.ctl("signal", "HUP" if self.rng.random() < 0.5 else
                     "USR1", "sick%d" % self.rng.randrange(N_UNHEALTHY))
        elif r < 0.74:
            self.ctl("tail", "-n", "20", "wr%d" % self.rng.randrange(
                N_WRITERS))
        elif r < 0.82:
            self.start_follow()
        elif r < 0.92:
            self.conf_b = not self.conf_b
            self.write_conf(self.conf_b)
            self.ctl("reload")
            self.reloads += 1
        else:
            self.ctl("reopen")

    def start_follow(self):
        args = ["logs", "-f", "-n", "5"] if self.rng.random() < 0.5 else \
            ["tail", "-f", "-n", "5", "rot%d" % self.rng.randrange(N_ROTATE)]
        p = subprocess.Popen([VIGILCTL, "-s", self.sock] + args,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        self.cmds[args[0] + " -f"] += 1
        self.follow.append((p, now() + self.rng.uniform(1, 8), args))

    def reap_follow(self, force=False):
        keep = []
        for p, deadline, args in self.follow:
            if p.poll() is not None:
                # A follower ends only when we end it, or when the
                # control process it talks to is killed (expected).
                if p.returncode not in (0, 1) or not self.recent_kill():
                    err = p.stderr.read().decode(errors="replace").strip()
                    if p.returncode != 0 and not self.recent_kill():
                        self.failed.append("%.0fs %s: exit %d: %s" % (
                            now() - self.t0, " ".join(args), p.returncode,
                            err[:200]))
                p.stderr.close()
                continue
            if force or now() >= deadline:
                p.send_signal(signal.SIGINT)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
                    self.failed.append("%s: did not end on SIGINT" %
                                       " ".join(args))
                p.stderr.close()
                continue
            keep.append((p, deadline, args))
        self.follow = keep

    def recent_kill(self):
        return now() - self.last_kill < 15

    def kill_helper(self):
        role = ("control", "logger", "monitor")[self.kills % 3]
        pid = self.helper_pid(role)
        if pid is None:
            self.failed.append("%.0fs no %s to kill" % (now() - self.t0,
                                                        role))
            return
        procs.kill(pid, signal.SIGKILL)
        self.kills += 1
        self.last_kill = now()

    # -------------------------------------------------- sampling

    def helper_pid(self, role):
        for pid in procs.children_map().get(self.vigild.pid, []):
            if procs.cmdline(pid).startswith("vigild: " + role):
                return pid
        return None

    @staticmethod
    def mem(pid):
        rss = pss = 0
        try:
            with open("/proc/%d/smaps_rollup" % pid) as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss = int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss = int(line.split()[1])
        except OSError:
            return None
        return rss, pss

    @staticmethod
    def fds(pid):
        out = {}
        d = "/proc/%d/fd" % pid
        try:
            for n in os.listdir(d):
                try:
                    out[int(n)] = os.readlink(os.path.join(d, n))
                except OSError:
                    pass
        except OSError:
            return None
        return out

    def proc_fig(self, pid):
        m = self.mem(pid)
        f = self.fds(pid)
        st = procs.read_stat(pid)
        if m is None or f is None or st is None:
            return None
        return {"rss": m[0], "pss": m[1], "fds": len(f), "fdmap": f,
                "cpu": st[4] / procs.CLK_TCK}

    def count_files(self, d):
        n = 0
        for _, _, files in os.walk(d):
            n += len(files)
        return n

    def sample(self):
        t = now() - self.t0
        kids = procs.children_map()
        par = self.proc_fig(self.vigild.pid)
        if par is None:
            raise RuntimeError("vigild is gone")
        row = {"t": t, "parent": par}
        for pid in kids.get(self.vigild.pid, []):
            cl = procs.cmdline(pid)
            for role in ("control", "logger", "monitor"):
                if cl.startswith("vigild: " + role):
                    fig = self.proc_fig(pid)
                    if fig is None:
                        continue
                    fig["t"] = t
                    row[role] = fig
                    self.lives.setdefault((role, pid), []).append(fig)
        # Zombies among vigild's children: one seen in two samples in a
        # row stays (a passing zombie is just not reaped yet).
        zs = set()
        for pid in kids.get(self.vigild.pid, []):
            st = procs.read_stat(pid)
            if st is not None and st[1] == "Z":
                zs.add(pid)
        self.zombies |= (zs & set(self.zombie_seen))
        self.zombie_seen = dict.fromkeys(zs)
        _, ms = self.ctl("status", ok=(0, 3))
        row["status_ms"] = ms
        row["state_files"] = self.count_files(self.statedir)
        row["log_files"] = self.count_files(self.logdir)
        row["running"] = self.running_count()
        self.samples.append(row)
        self.fd_diff(par["fdmap"], t)
        log("%4.0f s  parent fds %d pss %d KiB; status %.1f ms; "
            "%d commands, %d kills, %d failed" % (
                t, par["fds"], par["pss"], ms, sum(self.cmds.values()),
                self.kills, len(self.failed)))

    def running_count(self):
        p, _ = self.ctl("-j", "status", ok=(0, 3))
        if p is None:
            return -1
        text = p.stdout.decode(errors="replace")
        states = re.findall(r'"name": "([^"]+)",[^{}]*?"state": "([A-Z]+)"',
                            text, re.S)
        t = now()
        n = 0
        for name, st in states:
            if st == "RUNNING":
                n += 1
            if st in ("STARTING", "STOPPING") and \
                    not name.startswith(("crash", "sick")):
                self.stuck_since.setdefault((name, st), t)
            else:
                for k in [k for k in self.stuck_since if k[0] == name]:
                    del self.stuck_since[k]
        return n

    def fd_diff(self, fdmap, t):
        """What changed in the parent's descriptor table, apart from the
        per-process pipes that come and go with services."""
        if self.fdsets:
            old = self.fdsets[-1]
            gone = {k: v for k, v in old.items() if fdmap.get(k) != v}
            new = {k: v for k, v in fdmap.items() if old.get(k) != v}
            if len(fdmap) != len(old):
                self.fd_diffs.append((t, len(old), len(fdmap), gone, new))
        self.fdsets.append(fdmap)

    # -------------------------------------------------- run

    def start(self):
        for b in (VIGILD, VIGILCTL, os.path.join(TOOLS, "vigil-lines"),
                  os.path.join(TOOLS, "vigil-testprog"),
                  os.path.join(TOOLS, "vigil-httpd"),
                  os.path.join(TOOLS, "vigil-seqcheck")):
            if not os.access(b, os.X_OK):
                raise SystemExit("soak: %s is not built (make all tools)"
                                 % b)
        self.write_conf(False)
        self.vlogf = open(self.vlog, "ab")
        self.vigild = subprocess.Popen(
            [VIGILD, "-d", "-f", self.conf, "-p",
             os.path.join(self.dir, "vigild.pid")],
            stdout=self.vlogf, stderr=subprocess.STDOUT,
            start_new_session=True)
        if not procs.wait_until(lambda: all(
                self.helper_pid(r) for r in ("control", "logger",
                                             "monitor")), 15) or \
                not procs.wait_until(lambda: os.path.exists(self.sock), 15):
            raise RuntimeError("vigild did not start: see %s" % self.vlog)

    def run(self):
        self.t0 = now()
        self.last_kill = -1e9
        end = self.t0 + self.minutes * 60
        next_sample = self.t0 + min(5, self.sample_s)
        next_kill = self.t0 + self.kill_s
        next_cmd = self.t0 + 2
        while True:
            t = now()
            if t >= next_sample:
                self.sample()
                next_sample = max(next_sample + self.sample_s, t + 1)
                if t >= end:
                    break
            if t >= next_kill:
                self.kill_helper()
                next_kill += self.kill_s
            if t >= next_cmd:
                self.one_command()
                next_cmd = now() + self.rng.uniform(2, 4)
            self.reap_follow()
            if self.vigild.poll() is not None:
                raise RuntimeError("vigild exited with %d" %
                                   self.vigild.returncode)
            time.sleep(max(0.05, min(next_sample, next_cmd, next_kill) -
                           now()))
        self.reap_follow(force=True)

    def stop(self):
        """A clean shutdown, then make sure with SIGKILL."""
        if self.vigild is None:
            return None
        rc = None
        if self.vigild.poll() is None:
            self.vigild.send_signal(signal.SIGTERM)
            try:
                rc = self.vigild.wait(60)
            except subprocess.TimeoutExpired:
                self.failed.append("vigild did not exit within 60 s of "
                                   "SIGTERM")
        return rc

    def cleanup(self):
        for p, _, _ in self.follow:
            if p.poll() is None:
                p.kill()
            p.wait()
        self.follow = []
        if self.vigild is not None:
            if self.vigild.poll() is None:
                self.vigild.send_signal(signal.SIGTERM)
                try:
                    self.vigild.wait(30)
                except subprocess.TimeoutExpired:
                    pass
            # vigild and everything below it, and anything that mentions
            # our directory (services that escaped their session).
            for pid in procs.descendants(self.vigild.pid):
                procs.kill(pid, signal.SIGKILL)
            try:
                self.vigild.wait(10)
            except subprocess.TimeoutExpired:
                pass
            for pid in procs.all_pids():
                if pid != os.getpid() and self.dir in procs.cmdline(pid):
                    procs.kill(pid, signal.SIGKILL)
            cg = "/sys/fs/cgroup/vigil/%d" % self.vigild.pid
            if os.path.isdir(cg):
                for d, _, _ in sorted(os.walk(cg), reverse=True):
                    try:
                        os.rmdir(d)
                    except OSError:
                        pass
        if os.environ.get("SOAK_KEEP"):
            log("kept %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    # -------------------------------------------------- checks

    def check_lines(self):
        """Every counted writer's files, oldest first: each number from 0
        to the last one written exactly once."""
        seq = os.path.join(TOOLS, "vigil-seqcheck")
        total = bad = 0
        out = []
        for i in range(N_WRITERS):
            base = os.path.join(self.logdir, "wr%d.log" % i)
            rot = []
            for f in os.listdir(self.logdir):
                m = re.fullmatch(r"wr%d\.log\.(\d+)" % i, f)
                if m:
                    rot.append((int(m.group(1)), f))
            files = [os.path.join(self.logdir, f)
                     for _, f in sorted(rot, reverse=True)] + [base]
            last = -1
            with open(base, "rb") as f:
                f.seek(0, 2)
                f.seek(max(0, f.tell() - 4096))
                for line in f.read().splitlines():
                    m = re.match(rb"wr%d (\d+)$" % i, line)
                    if m:
                        last = int(m.group(1))
            # vigil-seqcheck takes the number at the start of a line.
            p = subprocess.run(
                "sed 's/^wr%d //' %s | %s %d /dev/stdin" % (
                    i, " ".join(files), seq, last + 1),
                shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            res = p.stdout.decode().strip()
            m = re.search(r"missing (\d+) duplicate (\d+)", res)
            miss, dup = (int(m.group(1)), int(m.group(2))) if m else (-1, -1)
            total += last + 1
            if p.returncode != 0:
                bad += 1
                out.append("wr%d: %s" % (i, res or p.stderr.decode()))
        return total, bad, out

    def warnings(self):
        groups = collections.Counter()
        try:
            with open(self.vlog, errors="replace") as f:
                for line in f:
                    m = re.match(r"vigild\[\d+\]: (\w+): (.*)", line)
                    if not m:
                        continue
                    msg = m.group(2)
                    # What the workload makes happen on purpose.
                    if "->" in msg or re.search(
                            r"^(\S+: )?(health |READY=1|restarting|Bad exit"
                            r"|Killed by |Exited with|received |reloading|"
                            r"reload|reopen|log files reopened|started|"
                            r"all autostart|stopping|exiting|added|removed|"
                            r"lost child|starting|stopped|vigilctl )", msg):
                        continue
                    key = re.sub(r"\d+", "N", msg)
                    groups["%s: %s" % (m.group(1), key)] += 1
        except OSError:
            pass
        return groups

    # -------------------------------------------------- report

    def report(self, rc_vigild):
        out = []
        w = out.append
        mins = (self.samples[-1]["t"] if self.samples else 0) / 60
        w("vigil soak: %.1f minutes, %d services, %d samples, seed %s" % (
            mins, 5 * N_SLEEP + N_WRITERS + N_ROTATE + N_CRASH + N_UNHEALTHY +
            N_NOTIFY, len(self.samples), self.seed))
        w("")
        w("  min  par.rss par.pss par.fd par.cpu | ctl.pss ctl.fd log.pss "
          "log.fd mon.pss mon.fd mon.cpu | status  run state log")
        w("       KiB     KiB            s       | KiB            KiB"
          "            KiB            s       | ms")
        for r in self.samples:
            p = r["parent"]
            cells = ["%5.1f" % (r["t"] / 60), "%7d" % p["rss"],
                     "%7d" % p["pss"], "%6d" % p["fds"],
                     "%7.1f" % p["cpu"], "|"]
            for role in ("control", "logger", "monitor"):
                h = r.get(role)
                cells.append("%7s" % (h["pss"] if h else "-"))
                cells.append("%6s" % (h["fds"] if h else "-"))
                if role == "monitor":
                    cells.append("%7s" % ("%.1f" % h["cpu"] if h else "-"))
            cells += ["|", "%6.1f" % r["status_ms"], "%4d" % r["running"],
                      "%5d" % r["state_files"], "%4d" % r["log_files"]]
            w(" ".join(cells))
        w("")
        fails = []
        # The parent: over the whole run, after the first minute.
        body = [r for r in self.samples if r["t"] >= 60] or self.samples
        if len(body) >= 4:
            q = max(1, len(body) // 4)
            hours = max((body[-1]["t"] - body[0]["t"]) / 3600, 1e-9)

            def med(rows, f):
                xs = sorted(f(r) for r in rows)
                return xs[len(xs) // 2]
            for name, f, tol in (
                    ("parent Pss KiB", lambda r: r["parent"]["pss"], 1024),
                    ("parent Rss KiB", lambda r: r["parent"]["rss"], 2048),
                    ("parent fds", lambda r: r["parent"]["fds"], 2),
                    ("state_dir files", lambda r: r["state_files"], 0),
                    ("status ms", lambda r: r["status_ms"], None)):
                a, b = med(body[:q], f), med(body[-q:], f)
                grow = (f(body[-1]) - f(body[0])) / hours
                verdict = ""
                if tol is not None and b - a > max(tol, a * 0.10):
                    verdict = "  GROWS"
                    fails.append("%s grew from %s to %s" % (name, a, b))
                w("growth %-16s %+10.1f /h  (first quarter median %.1f, "
                  "last %.1f)%s" % (name, grow, a, b, verdict))
            cpu = body[-1]["parent"]["cpu"] - body[0]["parent"]["cpu"]
            w("parent CPU: %.1f s in %.1f min (%.2f %%)" % (
                cpu, hours * 60, cpu / (hours * 36)))
        w("")
        w("helper lives (growth within each life, per hour):")
        for (role, pid), figs in self.lives.items():
            if len(figs) < 2:
                w("  %-8s pid %-7d %d sample" % (role, pid, len(figs)))
                continue
            h = max((figs[-1]["t"] - figs[0]["t"]) / 3600, 1e-9)
            dpss = figs[-1]["pss"] - figs[0]["pss"]
            dfd = figs[-1]["fds"] - figs[0]["fds"]
            dcpu = figs[-1]["cpu"] - figs[0]["cpu"]
            w("  %-8s pid %-7d %2d samples  pss %6d -> %6d KiB (%+.0f/h)  "
              "fds %3d -> %3d  cpu %.1f s (%.2f %%)" % (
                  role, pid, len(figs), figs[0]["pss"], figs[-1]["pss"],
                  dpss / h, figs[0]["fds"], figs[-1]["fds"], dcpu,
                  dcpu / (h * 36)))
            half = len(figs) // 2
            if len(figs) >= 6 and min(f["fds"] for f in figs[half:]) > \
                    max(f["fds"] for f in figs[:half]) + 4:
                fails.append("%s pid %d: descriptors grew %d -> %d" % (
                    role, pid, figs[0]["fds"], figs[-1]["fds"]))
        w("")
        if len(self.fdsets) >= 2:
            first = self.fdsets[min(2, len(self.fdsets) - 2)]
            lastm = self.fdsets[-1]
            new = {k: v for k, v in lastm.items() if first.get(k) != v}
            gone = {k: v for k, v in first.items() if lastm.get(k) != v}
            w("parent descriptors, last sample against the third: "
              "gone %s; new %s" % (summarize_fds(gone), summarize_fds(new)))
        if self.fd_diffs:
            w("parent descriptor changes between samples (count changed):")
            for t, a, b, gone, new in self.fd_diffs[:40]:
                w("  %5.1f min %d -> %d  gone %s  new %s" % (
                    t / 60, a, b, summarize_fds(gone), summarize_fds(new)))
            w("")
        total, badw, lout = self.check_lines()
        w("lines: %d written by %d counted writers, %d writer(s) with "
          "lost, doubled or reordered lines" % (total, N_WRITERS, badw))
        for line in lout:
            w("  " + line)
        if badw:
            fails.append("lines lost or doubled")
        restarts = 0
        try:
            with open(self.vlog, errors="replace") as f:
                for line in f:
                    if "Bad exit" in line or "restarting:" in line:
                        restarts += 1
        except OSError:
            pass
        w("automatic restarts: %d; helper kills: %d; reloads: %d" % (
            restarts, self.kills, self.reloads))
        lat = []
        for k in sorted(self.cmds):
            xs = sorted(self.lat.get(k, []))
            if xs:
                lat.append("%s %d (median %.1f ms, max %.0f ms)" % (
                    k, self.cmds[k], xs[len(xs) // 2], xs[-1]))
            else:
                lat.append("%s %d" % (k, self.cmds[k]))
        w("commands: %d: %s" % (sum(self.cmds.values()), "; ".join(lat)))
        w("failed commands: %d" % len(self.failed))
        for f in self.failed[:30]:
            w("  " + f)
        if self.failed:
            fails.append("%d failed commands" % len(self.failed))
        w("slow commands (over %d ms): %d" % (SLOW_CMD_MS, len(self.slow)))
        for f in self.slow[:10]:
            w("  " + f)
        w("zombies that stayed: %d" % len(self.zombies))
        if self.zombies:
            fails.append("zombies: %s" % sorted(self.zombies))
        t = now()
        stuck = ["%s %s for %.0f s" % (k[0], k[1], t - s)
                 for k, s in self.stuck_since.items() if t - s > 60]
        w("services stuck in a state (over 60 s): %d %s" % (
            len(stuck), "; ".join(stuck)))
        if stuck:
            fails.append("services stuck")
        w("vigild exit status after SIGTERM: %s" % rc_vigild)
        if rc_vigild != 0:
            fails.append("vigild exited with %s" % rc_vigild)
        left = [f for f in ("vigild.sock", "vigild.pid")
                if os.path.exists(os.path.join(self.dir, f))]
        sd = os.path.join(self.dir, "state")
        left += ["state/" + f for f in sorted(os.listdir(sd))
                 if f.startswith("notify")] if os.path.isdir(sd) else []
        w("left behind after exit: %s" % (", ".join(left) or "nothing"))
        if left:
            fails.append("left behind: %s" % ", ".join(left))
        w("warnings, grouped:")
        for msg, n in self.warnings().most_common(25):
            w("  %6d  %s" % (n, msg[:150]))
        w("")
        w("RESULT: %s" % ("FAIL: " + "; ".join(fails) if fails else "ok"))
        return "\n".join(out), not fails


def summarize_fds(d):
    c = collections.Counter()
    for v in d.values():
        v = re.sub(r" \(deleted\)$", "", v)
        c[re.sub(r"\[\d+\]", "", re.sub(r"\.\d+\.[0-9a-f]+$", ".*", v))] += 1
    return ", ".join("%s x%d" % (k, n) for k, n in sorted(c.items())) or "-"


def main():
    if os.geteuid() != 0:
        print("soak: run as root (vigild drops to nobody)", file=sys.stderr)
        return 2
    minutes = float(os.environ.get("SOAK_MINUTES", "30"))
    sample_s = float(os.environ.get("SOAK_SAMPLE", "30"))
    kill_s = float(os.environ.get("SOAK_KILL", "120"))
    seed = os.environ.get("SOAK_SEED", str(int(time.time())))
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    procs.set_subreaper()
    s = Soak(minutes, sample_s, kill_s, seed)
    s.seed = seed
    rc = 2
    try:
        log("%s: %.1f minutes, vigild %s" % (s.dir, minutes, VIGILD))
        s.start()
        s.run()
        vrc = s.stop()
        text, ok = s.report(vrc)
        print(text)
        if os.environ.get("SOAK_REPORT"):
            with open(os.environ["SOAK_REPORT"], "w") as f:
                f.write(text + "\n")
        rc = 0 if ok else 1
    except Interrupted:
        log("interrupted: cleaning up")
        rc = 130
    except (RuntimeError, procs.Timeout) as e:
        log("error: %s" % e)
        rc = 2
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        s.cleanup()
    return rc


if __name__ == "__main__":
    sys.exit(main())
