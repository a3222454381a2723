"""Install the peer supervisors the benchmark compares vigild with, only when
they are missing: supervisord, runit and s6 from Debian packages, PM2 from
npm into a private prefix.  A peer that cannot be installed is reported as
missing; that is not a failure of the benchmark.

Installing a Debian package that ships a service may start it (supervisor
does, through invoke-rc.d).  While we install, /usr/sbin/policy-rc.d denies
every service start (we create one only when there is none, and remove only
the one we created); afterwards any system supervisord that appeared anyway
is stopped, and the package's boot-time start is disabled, since we
installed it only to run it as an ordinary program."""

import os
import shutil
import signal
import subprocess

import procs as P

SBIN = "/usr/local/sbin:/usr/sbin:/sbin"

# peer -> (Debian package, binaries that must be there afterwards)
DEBIAN = {
    "supervisord": ("supervisor", ["supervisord", "supervisorctl"]),
    "runit": ("runit", ["runsvdir", "runsv", "sv", "svlogd"]),
    "s6": ("s6", ["s6-svscan", "s6-supervise", "s6-svc", "s6-svstat",
                  "s6-log", "s6-svscanctl"]),
}

POLICY = "/usr/sbin/policy-rc.d"


def which(name):
    return shutil.which(name, path=os.environ.get("PATH", "") + ":" + SBIN)


def have_all(bins):
    return all(which(b) for b in bins)


def _sudo():
    if os.geteuid() == 0:
        return []
    if which("sudo") and subprocess.call(
            ["sudo", "-n", "true"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL) == 0:
        return ["sudo", "-n"]
    return None


def _system_supervisords():
    out = set()
    for pid in P.all_pids():
        c = P.cmdline(pid)
        if "supervisord" in c and "/etc/supervisor" in c and \
                P.is_alive(pid):
            out.add(pid)
    return out


def _apt_install(pkgs, log, sudo):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = sudo + ["apt-get", "install", "-y", "-q",
                  "--no-install-recommends"] + pkgs
    made_policy = False
    try:
        if not os.path.lexists(POLICY):
            try:
                if sudo:
                    subprocess.run(sudo + ["sh", "-c",
                                   "printf '#!/bin/sh\\nexit 101\\n' > %s && "
                                   "chmod 755 %s" % (POLICY, POLICY)],
                                   check=True, timeout=30)
                else:
                    with open(POLICY, "w") as f:
                        f.write("#!/bin/sh\n# vigil bench: no service "
                                "starts while installing peers\nexit 101\n")
                    os.chmod(POLICY, 0o755)
                made_policy = True
            except (OSError, subprocess.SubprocessError) as e:
                log("bench: cannot write %s (%s); installing anyway"
                    % (POLICY, e))
        for attempt in (1, 2):
            log("bench: %s" % " ".join(cmd))
            try:
                r = subprocess.run(cmd, env=env, timeout=900,
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
            except subprocess.TimeoutExpired:
                return "apt-get install timed out"
            if r.returncode == 0:
                return None
            if attempt == 1:
                log("bench: install failed; apt-get update, then again")
                try:
                    subprocess.run(sudo + ["apt-get", "update", "-q"],
                                   env=env, timeout=600,
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
                except subprocess.TimeoutExpired:
                    pass
        tail = r.stdout.decode(errors="replace").strip().splitlines()[-3:]
        return "apt-get install %s failed: %s" % (" ".join(pkgs),
                                                   " | ".join(tail))
    finally:
        if made_policy:
            try:
                if sudo:
                    subprocess.run(sudo + ["rm", "-f", POLICY], timeout=30)
                else:
                    os.unlink(POLICY)
            except (OSError, subprocess.SubprocessError):
                pass


def _disable_boot_start(service, log, sudo):
    """The package enabled its system service for the next boot; we only
    wanted the programs."""
    cmds = []
    if os.path.isdir("/run/systemd/system") and which("systemctl"):
        cmds.append(["systemctl", "disable", "--quiet", service])
    elif which("update-rc.d") and os.path.exists("/etc/init.d/" + service):
        cmds.append(["update-rc.d", service, "disable"])
    for cmd in cmds:
        try:
            subprocess.run(sudo + cmd, timeout=60, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            pass
    if cmds:
        log("bench: disabled the boot-time start of the system %s service "
            "that the package enabled" % service)


def ensure_debian(peer, log, no_install=False):
    """None when the peer's programs are there (installing them if need be),
    else the reason it is missing."""
    pkg, bins = DEBIAN[peer]
    if have_all(bins):
        return None
    if no_install:
        return "not installed (Debian package %s)" % pkg
    if not which("apt-get"):
        return "not installed and no apt-get to install %s" % pkg
    sudo = _sudo()
    if sudo is None:
        return "not installed; installing %s needs root or sudo" % pkg
    before = _system_supervisords() if peer == "supervisord" else set()
    err = _apt_install([pkg], log, sudo)
    if peer == "supervisord":
        # Never leave a system-wide supervisord that we caused.
        new = _system_supervisords() - before
        for pid in new:
            log("bench: stopping system supervisord pid %d started by the "
                "package install" % pid)
            P.kill(pid, signal.SIGTERM)
        if new:
            P.wait_until(lambda: not any(P.is_alive(p) for p in new), 15, 0.1)
            for pid in new:
                P.kill(pid, signal.SIGKILL)
        if err is None:
            _disable_boot_start("supervisor", log, sudo)
    if err is not None:
        return err
    if not have_all(bins):
        return "package %s installed but %s missing" % (
            pkg, ", ".join(b for b in bins if not which(b)))
    return None


def pm2_paths(prefix):
    return os.path.join(prefix, "node_modules", ".bin", "pm2"), \
        os.path.join(prefix, "node_modules", "pm2", "package.json")


def ensure_pm2(prefix, log, no_install=False):
    """PM2 from npm into prefix (build/bench/pm2).  Returns (pm2 path or
    None, reason)."""
    pm2, _ = pm2_paths(prefix)
    if os.access(pm2, os.X_OK) and which("node"):
        return pm2, None
    if no_install:
        return None, "not installed (npm package pm2 in %s)" % prefix
    if not which("npm") or not which("node"):
        sudo = _sudo()
        if sudo is None or not which("apt-get"):
            return None, "node/npm missing and cannot be installed"
        err = _apt_install(["nodejs", "npm"], log, sudo)
        if err or not which("npm"):
            return None, err or "npm missing after install"
    os.makedirs(prefix, exist_ok=True)
    cmd = ["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund",
           "--loglevel=error", "pm2"]
    log("bench: %s" % " ".join(cmd))
    try:
        r = subprocess.run(cmd, timeout=900, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except subprocess.TimeoutExpired:
        return None, "npm install pm2 timed out"
    if r.returncode != 0 or not os.access(pm2, os.X_OK):
        tail = r.stdout.decode(errors="replace").strip().splitlines()[-3:]
        return None, "npm install pm2 failed: %s" % " | ".join(tail)
    return pm2, None


if __name__ == "__main__":
    # Manual use: python3 install.py [build/bench/pm2]
    import sys
    for peer in DEBIAN:
        print(peer, ensure_debian(peer, print) or "ok")
    print("pm2", ensure_pm2(sys.argv[1] if len(sys.argv) > 1
                            else "build/bench/pm2", print))
