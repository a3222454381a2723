"""One driver per supervisor.  Each runs as an ordinary program that the
harness starts and stops, with its own configuration in a private temporary
directory, never as init and never touching a system-wide instance.

A driver knows how to write the configuration for a list of services, start
the supervisor, name its root process, query status, stop all services and
shut everything down.  The harness (bench.py) does the timing."""

import glob
import json
import os
import re
import shlex
import signal
import subprocess
import time

import procs as P
from install import which


class Unavailable(Exception):
    """The system cannot be benchmarked (not installed, not built, fails to
    start).  The message says why."""


class Svc:
    """One supervised service: vigil-testprog with args, extra environment,
    log handling (None: the system's default; "raw"; "ts": with timestamps)
    and readiness notification on fd 3 (s6)."""

    def __init__(self, name, args, env=None, log=None, notify=False):
        self.name, self.args = name, list(args)
        self.env = dict(env or {})
        self.log, self.notify = log, notify


def _write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def _sh_script(prog, svc, svc_env, extra=""):
    env = dict(svc_env)
    env.update(svc.env)
    if svc.notify:
        env["VIGIL_TESTPROG_NOTIFY_FD"] = "3"
    exports = "".join("export %s=%s\n" % (k, shlex.quote(v))
                      for k, v in sorted(env.items()))
    return "#!/bin/sh\n%s%sexec %s\n" % (
        exports, extra, " ".join(shlex.quote(a) for a in [prog] + svc.args))


class System:
    name = "?"
    notes = []

    def __init__(self, ctx):
        self.ctx = ctx
        self.p = None           # the Popen of the start command
        self.d = None
        self.svcs = []

    # -- to override
    def check(self):
        return None

    def version(self):
        return "?"

    def prepare(self, d, svcs):
        raise NotImplementedError

    def start(self):
        raise NotImplementedError

    def root(self):
        return self.p.pid if self.p is not None else None

    def dead(self):
        """Why the supervisor is gone, or None while it runs."""
        if self.p is not None and self.p.poll() is not None:
            return "%s exited with status %s%s" % (
                self.name, self.p.returncode, self._tail())
        return None

    def status_argv(self):
        raise NotImplementedError

    def status_ok(self, rc):
        return rc == 0

    def stop_all_argv(self):
        raise NotImplementedError

    def cmd_env(self):
        """Environment for the status and stop commands."""
        return self.ctx.base_env

    def client_missing(self):
        """Why the status/stop client cannot run, or None."""
        return None

    def shutdown(self):
        """Stop the supervisor and every service; once, bounded."""
        if self.p is None:
            return
        try:
            self._shutdown()
        finally:
            self.p = None

    def _shutdown(self):
        raise NotImplementedError

    def log_files(self, svc):
        raise NotImplementedError

    # -- helpers
    def _out(self):
        return open(os.path.join(self.d, "supervisor.out"), "ab")

    def _tail(self):
        try:
            with open(os.path.join(self.d, "supervisor.out"), "rb") as f:
                lines = f.read()[-2000:].decode(errors="replace").strip()
            lines = lines.splitlines()[-3:]
            return (": " + " | ".join(lines)) if lines else ""
        except OSError:
            return ""

    def _term_and_wait(self, pid, sig=signal.SIGTERM, timeout=30):
        tree = P.descendants(pid) if pid else []
        if pid:
            P.kill(pid, sig)
        P.wait_until(lambda: not any(P.is_alive(x) for x in tree), timeout,
                     0.05, self.ctx.procs)
        P.kill_tree(pid, self.ctx.procs, grace=2)
        # Services in their own sessions, orphaned by a killed supervisor.
        for x in tree:
            P.kill(x, signal.SIGKILL)
        self.ctx.procs.reap()


# ------------------------------------------------------------------ vigild

def _yq(s):
    return json.dumps(s)        # a JSON string is a YAML flow scalar


class Vigild(System):
    name = "vigild"
    notes = ["restart: always, start_seconds: 0, restart_limit raised; "
             "log max_size 2G (no rotation)"]

    @property
    def vigild(self):
        return self.ctx.vigild

    @property
    def vigilctl(self):
        return self.ctx.vigilctl

    def check(self):
        if not os.access(self.vigild, os.X_OK):
            return "not available (%s not built: run make)" % self.vigild
        return None

    def client_missing(self):
        if not os.access(self.vigilctl, os.X_OK):
            return "%s not built" % self.vigilctl
        return None

    def version(self):
        return self.ctx.vigil_version

    def prepare(self, d, svcs):
        self.d, self.svcs = d, svcs
        c = self.ctx
        self.conf = os.path.join(d, "vigild.conf")
        self.sock = os.path.join(d, "vigild.sock")
        self.pidfile = os.path.join(d, "vigild.pid")
        self.logdir = os.path.join(d, "vlog")
        y = []
        if os.geteuid() == 0:
            y.append("user: nobody")
        y.append("socket: { path: %s }" % _yq(self.sock))
        y.append("log_dir: %s" % _yq(self.logdir))
        y.append("state_dir: %s" % _yq(os.path.join(d, "vstate")))
        y.append("services:")
        for s in svcs:
            env = dict(c.svc_env)
            env.update(s.env)
            y.append("  %s:" % s.name)
            y.append("    command: [%s]" % ", ".join(
                _yq(a) for a in [c.prog] + s.args))
            y.append("    restart: always")
            y.append("    start_seconds: 0")
            y.append("    restart_limit: { count: 100000, window: 60s }")
            y.append("    environment: { %s }" % ", ".join(
                "%s: %s" % (k, _yq(v)) for k, v in sorted(env.items())))
            if s.log is not None:
                y.append("    log: { stdout: file, stderr: merge, "
                         "max_size: 2G, keep: 1, timestamps: %s }"
                         % ("true" if s.log == "ts" else "false"))
        _write(self.conf, "\n".join(y) + "\n", 0o644)
        # The configuration test catches a daemon that is not ready yet
        # with a clear reason, before any timing.
        try:
            rc, out, _ = c.procs.run([self.vigild, "-n", "-f", self.conf], 30,
                                     capture=True)
        except P.Timeout as e:
            raise Unavailable("not available (vigild -n: %s)" % e)
        if rc != 0:
            msg = " | ".join(out.strip().splitlines()[-3:]) or "no output"
            raise Unavailable("not available (vigild -n -f CONF exit %d: %s)"
                              % (rc, msg))

    def start(self):
        c = self.ctx
        self.p = c.procs.spawn([self.vigild, "-d", "-f", self.conf,
                                "-p", self.pidfile], env=c.base_env,
                               cwd=self.d, stdout=self._out())

    def status_argv(self):
        return [self.vigilctl, "-s", self.sock, "status"]

    def status_ok(self, rc):
        return rc in (0, 3)

    def stop_all_argv(self):
        return [self.vigilctl, "-s", self.sock, "stop", "all"]

    def _shutdown(self):
        self._term_and_wait(self.p.pid, signal.SIGTERM, 30)

    def log_files(self, svc):
        base = os.path.join(self.logdir, svc.name + ".log")
        rotated = glob.glob(base + ".*")

        def key(p):
            m = re.search(r"\.(\d+)(\.gz)?$", p)
            return -int(m.group(1)) if m else 0
        return sorted(rotated, key=key) + [base]

    def helper(self, title):
        """pid of the helper titled 'vigild: TITLE'."""
        for pid in P.supervisor_pids(self.root(), self.ctx.prog):
            if P.cmdline(pid).startswith("vigild: " + title):
                return pid
        return None


class Baseline(Vigild):
    """Another build of vigild (--baseline DIR), run in the same runs as
    this one so that a change is judged under the same conditions."""
    name = "baseline"

    @property
    def vigild(self):
        return self.ctx.base_vigild

    @property
    def vigilctl(self):
        return self.ctx.base_vigilctl

    def version(self):
        return self.ctx.base_version


# ------------------------------------------------------------- supervisord

class Supervisord(System):
    name = "supervisord"
    notes = ["startsecs=0, autorestart=true; supervisord's main loop adds up "
             "to ~1 s to a respawn whatever the settings; minfds sized to "
             "the service count (each spawn closes fds up to minfds); "
             "loglevel=warn"]

    def check(self):
        if not (which("supervisord") and which("supervisorctl")):
            return "missing (supervisord)"
        return None

    def version(self):
        try:
            out = subprocess.run(["supervisord", "--version"],
                                 capture_output=True, timeout=30,
                                 text=True).stdout.strip()
            return "supervisord " + out
        except (OSError, subprocess.SubprocessError):
            return "supervisord ?"

    def prepare(self, d, svcs):
        self.d, self.svcs = d, svcs
        c = self.ctx
        self.conf = os.path.join(d, "supervisord.conf")
        sock = os.path.join(d, "supervisor.sock")
        minfds = max(1024, 4 * len(svcs) + 256)
        t = ["[unix_http_server]", "file=%s" % sock, "",
             "[supervisord]", "nodaemon=true",
             "logfile=%s" % os.path.join(d, "supervisord.log"),
             "pidfile=%s" % os.path.join(d, "supervisord.pid"),
             "childlogdir=%s" % os.path.join(d, "childlogs"),
             "loglevel=warn", "minfds=%d" % minfds, "",
             "[rpcinterface:supervisor]",
             "supervisor.rpcinterface_factory = "
             "supervisor.rpcinterface:make_main_rpcinterface", "",
             "[supervisorctl]", "serverurl=unix://%s" % sock, ""]
        os.makedirs(os.path.join(d, "childlogs"))
        for s in svcs:
            env = dict(c.svc_env)
            env.update(s.env)
            t += ["[program:%s]" % s.name,
                  "command=%s" % " ".join(shlex.quote(a)
                                          for a in [c.prog] + s.args),
                  "autostart=true", "autorestart=true", "startsecs=0",
                  "startretries=1000", "stopwaitsecs=10",
                  "environment=%s" % ",".join(
                      '%s="%s"' % (k, v) for k, v in sorted(env.items()))]
            if s.log is not None:
                t += ["redirect_stderr=true",
                      "stdout_logfile=%s" % os.path.join(d, s.name + ".log"),
                      "stdout_logfile_maxbytes=0"]
            t.append("")
        _write(self.conf, "\n".join(t))

    def start(self):
        c = self.ctx
        self.p = c.procs.spawn(["supervisord", "-n", "-c", self.conf],
                               env=c.base_env, cwd=self.d,
                               stdout=self._out())

    def status_argv(self):
        return ["supervisorctl", "-c", self.conf, "status"]

    def status_ok(self, rc):
        return rc in (0, 3)

    def stop_all_argv(self):
        return ["supervisorctl", "-c", self.conf, "stop", "all"]

    def _shutdown(self):
        self._term_and_wait(self.p.pid, signal.SIGTERM, 30)

    def log_files(self, svc):
        return [os.path.join(self.d, svc.name + ".log")]


# ------------------------------------------------------------------- runit

class Runit(System):
    name = "runit"
    notes = ["runsvdir -P on a scan directory older than 1 s (runsvdir "
             "waits a second after a change); ./run is '#!/bin/sh ... exec "
             "prog'; runsv sleeps 1 s before restarting a run shorter than "
             "1 s (W3 kills come later than that); log: svlogd -b 65536 "
             "with s0 (no rotation)"]

    def check(self):
        for b in ("runsvdir", "runsv", "sv", "svlogd"):
            if not which(b):
                return "missing (%s)" % b
        return None

    def version(self):
        return "runit " + _dpkg_version("runit")

    def prepare(self, d, svcs):
        self.d, self.svcs = d, svcs
        c = self.ctx
        self.scan = os.path.join(d, "sv")
        os.makedirs(self.scan)
        self.dirs = []
        for s in svcs:
            sd = os.path.join(self.scan, s.name)
            self.dirs.append(sd)
            extra = "exec 2>&1\n" if s.log is not None else ""
            _write(os.path.join(sd, "run"),
                   _sh_script(c.prog, s, c.svc_env, extra), 0o755)
            if s.log is not None:
                ld = os.path.join(d, "log-" + s.name)
                os.makedirs(ld)
                _write(os.path.join(ld, "config"), "s0\n")
                _write(os.path.join(sd, "log", "run"),
                       "#!/bin/sh\nexec svlogd -b 65536 %s\n"
                       % shlex.quote(ld), 0o755)
        # runsvdir waits for the next second when the scan directory changed
        # in the current one: as on a real system, the directory is older.
        t = time.time() - 10
        os.utime(self.scan, (t, t))

    def start(self):
        c = self.ctx
        self.p = c.procs.spawn(["runsvdir", "-P", self.scan],
                               env=c.base_env, cwd=self.d,
                               stdout=self._out())

    def status_argv(self):
        return ["sv", "status"] + self.dirs

    def stop_all_argv(self):
        return ["sv", "down"] + self.dirs

    def _shutdown(self):
        # HUP: runsvdir sends TERM to every runsv (each stops its service
        # and exits) and exits itself.
        self._term_and_wait(self.p.pid, signal.SIGHUP, 30)

    def log_files(self, svc):
        ld = os.path.join(self.d, "log-" + svc.name)
        return sorted(glob.glob(os.path.join(ld, "@*"))) + \
            [os.path.join(ld, "current")]


# ---------------------------------------------------------------------- s6

class S6(System):
    name = "s6"
    notes = ["s6-svscan -c above 500 services; a respawn is immediate only "
             "after the service reported readiness (notification-fd 3, "
             "written by vigil-testprog) and stayed ready 1 s, else "
             "s6-supervise waits 1 s; ./run is '#!/bin/sh ... exec prog'; "
             "status and stop run s6-svstat / s6-svc -d once per service "
             "(one directory each); log: s6-log n100 s268435455 (rotation "
             "every 256 MiB, all files read)"]

    def check(self):
        for b in ("s6-svscan", "s6-supervise", "s6-svc", "s6-svstat",
                  "s6-log"):
            if not which(b):
                return "missing (%s)" % b
        return None

    def version(self):
        return "s6 " + _dpkg_version("s6")

    def prepare(self, d, svcs):
        self.d, self.svcs = d, svcs
        c = self.ctx
        self.scan = os.path.join(d, "s6")
        os.makedirs(self.scan)
        nsup = 0
        for s in svcs:
            sd = os.path.join(self.scan, s.name)
            extra = "exec 2>&1\n" if s.log is not None else ""
            _write(os.path.join(sd, "run"),
                   _sh_script(c.prog, s, c.svc_env, extra), 0o755)
            nsup += 1
            if s.notify:
                _write(os.path.join(sd, "notification-fd"), "3\n")
            if s.log is not None:
                ld = os.path.join(d, "log-" + s.name)
                os.makedirs(ld)
                _write(os.path.join(sd, "log", "run"),
                       "#!/bin/sh\nexec s6-log n100 s268435455 %s\n"
                       % shlex.quote(ld), 0o755)
                nsup += 1
        self.maxsvc = nsup + 16 if nsup + 16 > 500 else None

    def start(self):
        c = self.ctx
        argv = ["s6-svscan"]
        if self.maxsvc:
            argv += ["-c", str(self.maxsvc)]
        self.p = c.procs.spawn(argv + [self.scan], env=c.base_env,
                               cwd=self.d, stdout=self._out())

    def status_argv(self):
        return ["sh", "-c", 'for d in "$1"/*/; do s6-svstat "$d" || exit 1;'
                ' done', "sh", self.scan]

    def stop_all_argv(self):
        return ["sh", "-c", 'for d in "$1"/*/; do s6-svc -d "$d" || exit 1;'
                ' done', "sh", self.scan]

    def _shutdown(self):
        # TERM: s6-svscan brings every service down, stops every
        # s6-supervise and exits.
        self._term_and_wait(self.p.pid, signal.SIGTERM, 30)

    def log_files(self, svc):
        ld = os.path.join(self.d, "log-" + svc.name)
        return sorted(glob.glob(os.path.join(ld, "@*"))) + \
            [os.path.join(ld, "current")]


# --------------------------------------------------------------------- PM2

class PM2(System):
    name = "pm2"
    notes = ["fork mode, interpreter none, autorestart, restart_delay 0, "
             "min_uptime 100 ms (PM2 refuses less); start is 'pm2 start "
             "ecosystem.json' with the daemon not yet running; status is "
             "'pm2 jlist'; private PM2_HOME"]

    def check(self):
        if not self.ctx.pm2:
            return "missing (pm2)"
        return None

    def version(self):
        try:
            with open(self.ctx.pm2_package) as f:
                v = json.load(f)["version"]
        except (OSError, ValueError, KeyError):
            v = "?"
        try:
            node = subprocess.run(["node", "--version"], capture_output=True,
                                  text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            node = "?"
        return "pm2 %s (node %s)" % (v, node)

    def _env(self):
        e = dict(self.ctx.base_env)
        e["PM2_HOME"] = self.home
        e["PM2_DISABLE_VERSION_CHECK"] = "true"
        return e

    def prepare(self, d, svcs):
        self.d, self.svcs = d, svcs
        c = self.ctx
        self.home = os.path.join(d, "pm2home")
        os.makedirs(self.home)
        self.daemon = None
        self.eco = os.path.join(d, "ecosystem.json")
        apps = []
        for s in svcs:
            env = dict(c.svc_env)
            env.update(s.env)
            a = {"name": s.name, "script": c.prog, "args": s.args,
                 "interpreter": "none", "exec_mode": "fork",
                 "autorestart": True, "restart_delay": 0,
                 "min_uptime": 100, "max_restarts": 1000000,
                 "watch": False, "vizion": False, "pmx": False,
                 "env": env}
            if s.log is not None:
                a.update({"out_file": os.path.join(d, s.name + ".log"),
                          "error_file": os.path.join(d, s.name + ".log"),
                          "merge_logs": True})
            apps.append(a)
        _write(self.eco, json.dumps({"apps": apps}, indent=1))

    def start(self):
        c = self.ctx
        self.p = c.procs.spawn([c.pm2, "start", self.eco], env=self._env(),
                               cwd=self.d, stdout=self._out())

    def root(self):
        if self.daemon is None or not P.is_alive(self.daemon):
            try:
                with open(os.path.join(self.home, "pm2.pid")) as f:
                    self.daemon = int(f.read().strip())
            except (OSError, ValueError):
                return None
        return self.daemon

    def dead(self):
        if self.p is not None and self.p.poll() not in (None, 0):
            return "pm2 start exited with status %s%s" % (
                self.p.returncode, self._tail())
        if self.p is not None and self.p.poll() == 0:
            r = self.root()
            if r is None or not P.is_alive(r):
                return "the PM2 daemon is not running" + self._tail()
        return None

    def status_argv(self):
        return [self.ctx.pm2, "jlist"]

    def stop_all_argv(self):
        return [self.ctx.pm2, "stop", "all"]

    def cmd_env(self):
        return self._env()

    def _shutdown(self):
        c = self.ctx
        root = self.root()
        try:
            c.procs.run([c.pm2, "kill"], 60, env=self._env())
        except P.Timeout:
            pass
        P.kill_tree(self.p.pid, c.procs, grace=2)
        if root:
            self._term_and_wait(root, signal.SIGTERM, 10)

    def log_files(self, svc):
        return [os.path.join(self.d, svc.name + ".log")]


def _dpkg_version(pkg):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                              capture_output=True, text=True,
                              timeout=30).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


ALL = [Vigild, Baseline, Supervisord, Runit, S6, PM2]
