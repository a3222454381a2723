#!/usr/bin/env python3
"""W3 (respawn) for two or more vigild builds side by side.

    regress/bench/respawn_pair.py [--kills 50] [--gap 1.2] [--no-cgroup]
                                  NAME=BUILD_DIR NAME=BUILD_DIR ...

Each build runs its own vigild with one `stamp` service, all at the same
time; the kills go to each in turn (the order reversed every round), so
every build is measured under the same load, a second apart.  A kill
comes GAP seconds after the last start; the figure is, as in W3, from
the kill to the new process's start stamp.  Prints each build's median,
quartiles and its ratio to the first.  Root only (services in cgroups);
everything it starts is stopped on the way out.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def stamps(path):
    try:
        with open(path) as f:
            return [ln.split() for ln in f.read().splitlines() if ln.strip()]
    except OSError:
        return []


def wait_for(cond, timeout, step=0.0002):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


def start(name, bdir, prog, top, cgroup):
    d = os.path.join(top, name)
    os.makedirs(d, mode=0o755)
    stampf = os.path.join(d, "stamps")
    open(stampf, "w").close()
    conf = os.path.join(d, "vigild.conf")
    with open(conf, "w") as f:
        f.write("user: nobody\n"
                "socket: { path: %s/sock }\n"
                "log_dir: %s/log\n"
                "state_dir: %s/state\n"
                "services:\n"
                "  stamp:\n"
                "    command: [%s, stamp, %s]\n"
                "    restart: always\n"
                "    start_seconds: 0\n"
                "    restart_limit: { count: 100000, window: 60s }\n"
                "%s" % (d, d, d, prog, stampf,
                        "" if cgroup else "    cgroup: false\n"))
    p = subprocess.Popen([os.path.join(bdir, "vigild"), "-d", "-f", conf,
                          "-p", os.path.join(d, "pid")],
                         stdout=open(os.path.join(d, "out"), "w"),
                         stderr=subprocess.STDOUT)
    return {"name": name, "p": p, "stamps": stampf, "lat": []}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--gap", type=float, default=1.2)
    ap.add_argument("--no-cgroup", action="store_true")
    ap.add_argument("builds", nargs="+", metavar="NAME=BUILD_DIR")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("respawn_pair: run as root", file=sys.stderr)
        return 2
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    testprog = os.path.join(os.environ.get("BUILD", os.path.join(root,
                            "build")), "regress", "vigil-testprog")
    top = tempfile.mkdtemp(prefix="vigil-pair.")
    os.chmod(top, 0o755)
    prog = os.path.join(top, "vigil-testprog")
    shutil.copy2(testprog, prog)
    ds = []
    try:
        for spec in a.builds:
            name, _, bdir = spec.partition("=")
            if not name or not os.access(os.path.join(bdir, "vigild"),
                                         os.X_OK):
                print("respawn_pair: %s: no vigild there" % spec,
                      file=sys.stderr)
                return 2
            ds.append(start(name, os.path.abspath(bdir), prog, top,
                            not a.no_cgroup))
        for x in ds:
            if not wait_for(lambda: stamps(x["stamps"]), 10, 0.01):
                print("respawn_pair: %s: no start" % x["name"],
                      file=sys.stderr)
                return 1
        for k in range(a.kills):
            for x in (ds if k % 2 == 0 else ds[::-1]):
                st = stamps(x["stamps"])
                n = len(st)
                wait = int(st[-1][0]) / 1e9 + a.gap - time.time()
                if wait > 0:
                    time.sleep(wait)
                tk = time.time_ns()
                os.kill(int(st[-1][1]), signal.SIGKILL)
                if not wait_for(lambda: len(stamps(x["stamps"])) > n, 10):
                    print("respawn_pair: %s: no respawn in 10 s"
                          % x["name"], file=sys.stderr)
                    return 1
                x["lat"].append((int(stamps(x["stamps"])[n][0]) - tk) / 1e6)
        first = statistics.median(ds[0]["lat"])
        print("respawn, %d kills each, %.1f s apart, %s; load %s"
              % (a.kills, a.gap, "no cgroup" if a.no_cgroup else "cgroup",
                 " ".join("%.2f" % v for v in os.getloadavg())))
        for x in ds:
            lat = sorted(x["lat"])
            med = statistics.median(lat)
            print("  %-12s median %.3f ms  p25 %.3f  p75 %.3f  %.2fx"
                  % (x["name"], med, lat[len(lat) // 4],
                     lat[3 * len(lat) // 4], med / first))
        return 0
    finally:
        for x in ds:
            if x["p"].poll() is None:
                x["p"].send_signal(signal.SIGTERM)
                try:
                    x["p"].wait(30)
                except subprocess.TimeoutExpired:
                    x["p"].kill()
                    x["p"].wait()
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
