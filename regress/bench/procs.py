"""Process helpers for the vigil benchmark: /proc readers, spawning with
bounded waits, a child reaper (the harness is a child subreaper, so every
process it starts, even a daemonized one, stays below it), and the cleanup
that makes sure nothing is left behind."""

import ctypes
import os
import signal
import subprocess
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Timeout(Exception):
    pass


def set_subreaper():
    """Orphans of everything we start are re-parented to us, not to init:
    we can find them, reap them and stop them."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except OSError:
        return False


# ---------------------------------------------------------------- /proc

def all_pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def read_stat(pid):
    """(comm, state, ppid, pgid, utime+stime ticks) or None."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            s = f.read()
    except OSError:
        return None
    lp, rp = s.find(b"("), s.rfind(b")")
    comm = s[lp + 1:rp].decode(errors="replace")
    f = s[rp + 2:].split()
    return comm, f[0].decode(), int(f[1]), int(f[2]), int(f[11]) + int(f[12])


def is_alive(pid):
    """Running and not a zombie."""
    st = read_stat(pid)
    return st is not None and st[1] not in ("Z", "X")


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            raw = f.read().replace(b"\0", b" ")
        return raw.decode(errors="replace").strip()
    except OSError:
        return ""


def exe(pid):
    try:
        return os.readlink("/proc/%d/exe" % pid)
    except OSError:
        return None


def children_map():
    kids = {}
    for pid in all_pids():
        st = read_stat(pid)
        if st is None:
            continue
        kids.setdefault(st[2], []).append(pid)
    return kids


def descendants(root, kids=None):
    """root and everything below it (not zombies)."""
    if kids is None:
        kids = children_map()
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        if is_alive(p):
            out.append(p)
        todo.extend(kids.get(p, []))
    return out


def supervisor_pids(root, service_exe):
    """The supervisor's own processes: root and its descendants, less the
    supervised services (whose executable is service_exe) and whatever
    they started."""
    if root is None or not is_alive(root):
        return []
    kids = children_map()
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        if exe(p) == service_exe:
            continue
        if is_alive(p):
            out.append(p)
        todo.extend(kids.get(p, []))
    return sorted(out)


def mem_kib(pids):
    """(sum of Rss, sum of Pss) in KiB from smaps_rollup."""
    rss = pss = 0
    for pid in pids:
        try:
            with open("/proc/%d/smaps_rollup" % pid) as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def cpu_ns(pids):
    """CPU time used so far by pids (all threads), in ns.  schedstat has ns
    resolution; fall back to the 10 ms ticks of stat."""
    total = 0
    for pid in pids:
        got = False
        try:
            for tid in os.listdir("/proc/%d/task" % pid):
                with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                    total += int(f.read().split()[0])
                got = True
        except (OSError, ValueError, IndexError):
            got = False
        if not got:
            st = read_stat(pid)
            if st is not None:
                total += st[4] * (1000000000 // CLK_TCK)
    return total


def has_env(pid, marker):
    try:
        with open("/proc/%d/environ" % pid, "rb") as f:
            return marker in f.read().split(b"\0")
    except OSError:
        return False


# ---------------------------------------------------------------- spawning

class Procs:
    """Everything the harness spawns goes through here."""

    def __init__(self):
        self.tracked = {}       # pid -> Popen we still have to reap

    def spawn(self, argv, env=None, cwd=None, stdout=None, stderr=None,
              pass_fds=()):
        """Start argv in its own session (own process group)."""
        if stdout is None:
            stdout = subprocess.DEVNULL
        if stderr is None:
            stderr = subprocess.STDOUT if stdout != subprocess.DEVNULL \
                else subprocess.DEVNULL
        p = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=stdout, stderr=stderr,
                             start_new_session=True, close_fds=True,
                             pass_fds=pass_fds)
        self.tracked[p.pid] = p
        return p

    def run(self, argv, timeout, env=None, cwd=None, capture=False):
        """Run to completion; (rc, output, seconds).  On timeout the whole
        process group is killed and Timeout raised."""
        t0 = time.monotonic()
        p = self.spawn(argv, env=env, cwd=cwd,
                       stdout=subprocess.PIPE if capture else None)
        try:
            out, _ = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            killpg(p.pid, signal.SIGKILL)
            try:
                p.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self.tracked.pop(p.pid, None)
            raise Timeout("%s: no answer within %gs" % (argv[0], timeout))
        self.tracked.pop(p.pid, None)
        dt = time.monotonic() - t0
        text = out.decode(errors="replace") if out else ""
        return p.returncode, text, dt

    def timed(self, argv, timeout, env=None, outfile=None):
        """Run argv with its output to outfile and time it precisely: a
        blocking wait (no polling), bounded by a watchdog that kills the
        process group.  (rc, seconds)."""
        out = open(outfile or os.devnull, "wb")
        try:
            t0 = time.monotonic()
            p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True, close_fds=True)
            self.tracked[p.pid] = p
            dog = threading.Timer(timeout, killpg, (p.pid, signal.SIGKILL))
            dog.start()
            try:
                p.wait()
            finally:
                dog.cancel()
            dt = time.monotonic() - t0
        finally:
            out.close()
        self.tracked.pop(p.pid, None)
        if p.returncode == -signal.SIGKILL and dt >= timeout:
            raise Timeout("%s: no answer within %gs" % (argv[0], timeout))
        return p.returncode, dt

    def reap(self):
        """Collect every dead child: ours through their Popen (which keeps the
        exit status), orphans re-parented to us directly."""
        for _ in range(10000):
            try:
                r = os.waitid(os.P_ALL, 0,
                              os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            if r is None or r.si_pid == 0:
                return
            pid = r.si_pid
            p = self.tracked.pop(pid, None)
            if p is not None:
                p.poll()
            else:
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass


def killpg(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def kill(pid, sig):
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def count_lines(path):
    """Lines in a file (a stamp file the services append to); 0 if none."""
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except OSError:
        return 0


def wait_until(cond, timeout, interval=0.01, reaper=None):
    """Poll cond() until true or timeout; returns cond's last value."""
    deadline = time.monotonic() + timeout
    while True:
        if reaper is not None:
            reaper.reap()
        v = cond()
        if v or time.monotonic() >= deadline:
            return v
        time.sleep(interval)


def kill_tree(root, procs, grace=5.0):
    """SIGTERM root's whole tree, then SIGKILL what is left after grace."""
    pids = descendants(root) if root else []
    if not pids:
        return
    for p in pids:
        kill(p, signal.SIGTERM)
    wait_until(lambda: not any(is_alive(p) for p in pids), grace, 0.02, procs)
    for p in descendants(root) + pids:
        kill(p, signal.SIGKILL)
    wait_until(lambda: not any(is_alive(p) for p in pids), 5, 0.02, procs)


def kill_everything_below_us(procs, marker, timeout=10.0):
    """Last line of defence: SIGKILL every process below the harness and any
    process carrying our marker in its environment.  Returns the pids that
    could not be stopped."""
    me = os.getpid()

    def ours():
        found = set(p for p in descendants(me) if p != me)
        for pid in all_pids():
            if pid != me and pid not in found and has_env(pid, marker) \
                    and is_alive(pid):
                found.add(pid)
        return found

    deadline = time.monotonic() + timeout
    left = ours()
    while left and time.monotonic() < deadline:
        for p in left:
            kill(p, signal.SIGKILL)
        time.sleep(0.05)
        procs.reap()
        left = ours()
    procs.reap()
    return sorted(left)
