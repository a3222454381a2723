#!/usr/bin/env python3
"""Drive headless Chromium over the DevTools protocol through vigild's web
console, as a person would: regress/e2e/http_browser.sh runs it.

Only the standard library: a minimal WebSocket client (RFC 6455 text
frames, client masking, ping/pong, fragments) is below.  Debian's
python3-websocket would do too, but it installs into Debian's python3 and
the tests run whichever python3 is first in PATH; nothing to install.

  browser.py URL TOKEN SCREENSHOT CTL...

URL is vigild's API, TOKEN its bearer token, SCREENSHOT the PNG to write,
CTL the vigilctl command line (its -s included) used to make the service
"talk" write a line.  Services expected: talk (traps USR1: prints
got-usr1), web, db:0, db:1, idle (not started).  Prints what it checked;
exits 1 with the reason on the first failure.
"""

import base64
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request


DEBUG = []


def fail(msg):
    print("FAIL: " + msg, flush=True)
    for d in DEBUG:
        for e in d.events[-40:]:
            if e["method"].startswith("Network.") and \
                    "eventSource" not in e["method"]:
                print("  event: " + json.dumps(e)[:300], flush=True)
    sys.exit(1)


def note(msg):
    print("  " + msg, flush=True)


class WebSocket:
    """A WebSocket client for one ws:// URL, enough for DevTools."""

    def __init__(self, url, timeout=30):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port),
                                             timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        path = u.path + ("?" + u.query if u.query else "")
        self.sock.sendall((
            "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
            % (path, u.hostname, u.port, key)).encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("websocket: closed during the handshake")
            buf += data
        head, self.buf = buf.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n")[0]
        if b" 101 " not in status + b" ":
            raise EOFError("websocket: %r" % status)

    def _frame(self, opcode, data):
        hdr = bytearray([0x80 | opcode])
        n = len(data)
        if n < 126:
            hdr.append(0x80 | n)
        elif n < 65536:
            hdr.append(0x80 | 126)
            hdr += struct.pack(">H", n)
        else:
            hdr.append(0x80 | 127)
            hdr += struct.pack(">Q", n)
        mask = os.urandom(4)
        hdr += mask
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(bytes(hdr) + body)

    def send(self, text):
        self._frame(0x1, text.encode())

    def _read(self, n):
        while len(self.buf) < n:
            data = self.sock.recv(1 << 16)
            if not data:
                raise EOFError("websocket: closed")
            self.buf += data
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        msg = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if opcode == 0x8:
                raise EOFError("websocket: closed by the browser")
            if opcode == 0x9:
                self._frame(0xA, data)
                continue
            if opcode == 0xA:
                continue
            msg += data
            if b0 & 0x80:
                return msg.decode()

    def close(self):
        try:
            self._frame(0x8, b"")
        except OSError:
            pass
        self.sock.close()


class DevTools:
    """Calls and events of one page target."""

    def __init__(self, ws):
        self.ws = ws
        self.next = 0
        self.events = []

    def call(self, method, **params):
        self.next += 1
        me = self.next
        self.ws.send(json.dumps({"id": me, "method": method,
                                 "params": params}))
        while True:
            m = json.loads(self.ws.recv())
            if m.get("id") == me:
                if "error" in m:
                    fail("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr,
                      returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            fail("script %r: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def wait(self, expr, secs, what):
        """Poll expr until it is true; its value, or fail after secs."""
        end = time.monotonic() + secs
        while True:
            v = self.js(expr)
            if v:
                return v
            if time.monotonic() > end:
                fail("%s (not within %g s)" % (what, secs))
            time.sleep(0.05)

    def key(self, key, code, vk, text=""):
        for t in ("keyDown", "keyUp"):
            p = {"type": t, "key": key, "code": code,
                 "windowsVirtualKeyCode": vk}
            if t == "keyDown" and text:
                p["text"] = text
            self.call("Input.dispatchKeyEvent", **p)

    def enter(self):
        self.key("Enter", "Enter", 13, "\r")

    def type(self, text):
        self.call("Input.insertText", text=text)

    def goto(self, url):
        self.call("Page.navigate", url=url)
        self.wait("document.readyState === 'complete' && "
                  "document.getElementById('live') !== null && "
                  "document.getElementById('live').textContent === 'live'",
                  10, "%s did not load and go live" % url)


def start_chromium(tmp):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        fail("no chromium")
    profile = os.path.join(tmp, "chromium")
    os.makedirs(profile, exist_ok=True)
    # As root Chromium needs --no-sandbox; its own profile, here only.
    proc = subprocess.Popen(
        [exe, "--headless=new", "--no-sandbox", "--disable-gpu",
         "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
         "--user-data-dir=" + profile, "--window-size=1000,620",
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp,
                                                            "chromium.log"),
                                               "w"),
        start_new_session=True)
    portfile = os.path.join(profile, "DevToolsActivePort")
    end = time.monotonic() + 30
    while not os.path.exists(portfile) or os.path.getsize(portfile) == 0:
        if proc.poll() is not None or time.monotonic() > end:
            stop_chromium(proc)
            fail("chromium did not start: " +
                 open(os.path.join(tmp, "chromium.log")).read()[-2000:])
        time.sleep(0.05)
    port = int(open(portfile).read().split()[0])
    return proc, port


def stop_chromium(proc):
    """Its whole process group (it was started in a session of its own)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def page_target(port):
    end = time.monotonic() + 10
    while time.monotonic() < end:
        with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port,
                                    timeout=5) as r:
            for t in json.load(r):
                if t.get("type") == "page":
                    return t["webSocketDebuggerUrl"]
        time.sleep(0.1)
    fail("chromium shows no page")


def rows(dt):
    return dt.js("Array.from(document.querySelectorAll('#services tbody tr'))"
                 ".map(r => r.getAttribute('data-name') + '=' + "
                 "r.querySelector('[data-f=state]').textContent)")


def state_of(name):
    return ("(function(){var r = Array.from(document.querySelectorAll("
            "'#services tbody tr')).find(r => r.getAttribute('data-name') "
            "=== %s); return r ? r.querySelector('[data-f=state]')"
            ".textContent : null;})()" % json.dumps(name))


def focus_button(dt, act, name):
    ok = dt.js("(function(){var b = Array.from(document.querySelectorAll("
               "'button[data-act]')).find(b => b.getAttribute('data-act') "
               "=== %s && b.getAttribute('data-name') === %s); if (!b || "
               "b.offsetParent === null) return false; b.focus(); return "
               "document.activeElement === b;})()"
               % (json.dumps(act), json.dumps(name)))
    if not ok:
        fail("no visible %s button for %s to focus" % (act, name))


def main():
    url, token, shot = sys.argv[1], sys.argv[2], sys.argv[3]
    ctl = sys.argv[4:]
    tmp = tempfile.mkdtemp(prefix="vigil-browser.",
                           dir=os.environ.get("T") or None)
    t0 = time.monotonic()
    proc, port = start_chromium(tmp)
    try:
        ws = WebSocket(page_target(port))
        dt = DevTools(ws)
        DEBUG.append(dt)
        dt.call("Page.enable")
        dt.call("Runtime.enable")
        dt.call("Network.enable")
        note("chromium up in %.1f s" % (time.monotonic() - t0))

        # Every service, in its state, in words.
        dt.goto(url + "/")
        want = ["db:0", "db:1", "idle", "talk", "web"]
        got = dt.wait("(function(){var r = Array.from(document."
                      "querySelectorAll('#services tbody tr')).map(r => "
                      "r.getAttribute('data-name')); return r.length === 5 "
                      "? r : null;})()", 5, "the page does not list 5 "
                      "services: %s" % rows(dt))
        if got != want:
            fail("services %s, want %s" % (got, want))
        dt.wait(state_of("web") + " === 'RUNNING'", 5, "web not RUNNING")
        if dt.js(state_of("idle")) != "STOPPED":
            fail("idle is %s, not STOPPED" % dt.js(state_of("idle")))
        note("listed: %s" % ", ".join(rows(dt)))
        # The script came from vigild, and nothing was blocked by the CSP.
        bad = [e for e in dt.events if e["method"] ==
               "Runtime.exceptionThrown" or (e["method"] ==
               "Runtime.consoleAPICalled" and e["params"]["type"] ==
               "error")]
        if bad:
            fail("errors in the page: %s" % bad[:3])

        # From now on the page's fetches of the list never answer:
        # whatever changes a row comes from the event stream.
        dt.js("window.realFetch = window.fetch; window.fetch = function "
              "(u, o) { return u === '/api/v1/services' ? new Promise("
              "function () {}) : window.realFetch(u, o); }; true")

        # Stop web, by keyboard: no token yet, so the page asks for one.
        focus_button(dt, "stop", "web")
        dt.enter()
        dt.wait("document.activeElement.id === 'token' && "
                "document.getElementById('msg').textContent.indexOf("
                "'Enter the API token') === 0", 5,
                "no token asked for: %r" % dt.js(
                    "document.getElementById('msg').textContent"))
        # A wrong token: refused, said so, and web still runs.
        dt.type("not-the-token")
        dt.enter()
        dt.wait("document.getElementById('msg').textContent.indexOf("
                "'The token was refused (401') === 0", 5,
                "a wrong token was not refused: %r" % dt.js(
                    "document.getElementById('msg').textContent"))
        if dt.js("sessionStorage.getItem('vigil.token')") is not None:
            fail("a refused token was kept")
        if dt.js(state_of("web")) != "RUNNING":
            fail("web is %s after a refused stop" % dt.js(state_of("web")))
        note("a wrong token: %s" %
             dt.js("document.getElementById('msg').textContent"))
        # The right one: the stop asked for runs, and the row turns
        # STOPPED from the event stream within 2 seconds.
        dt.type(token)
        t1 = time.monotonic()
        dt.enter()
        dt.wait(state_of("web") + " === 'STOPPED'", 2,
                "web's row did not turn STOPPED from the event stream")
        note("web's row STOPPED %.2f s after the token was entered" %
             (time.monotonic() - t1))
        if dt.js("sessionStorage.getItem('vigil.token')") != token:
            fail("the token is not kept in sessionStorage")
        if dt.js("document.cookie") != "":
            fail("a cookie was set: %r" % dt.js("document.cookie"))
        sse = [e for e in dt.events
               if e["method"] == "Network.eventSourceMessageReceived"
               and '"name":"web"' in e["params"]["data"]
               and '"to":"STOPPED"' in e["params"]["data"]]
        if not sse:
            fail("no event said web STOPPED")
        # Started again, by a click this time; then the list may load.
        dt.js("window.fetch = window.realFetch; true")
        dt.js("Array.from(document.querySelectorAll('button[data-act="
              "start]')).find(b => b.getAttribute('data-name') === 'web')"
              ".click()")
        dt.wait(state_of("web") + " === 'RUNNING'", 10,
                "web did not run again")

        # A service's page follows its log.
        dt.goto(url + "/service/talk")
        dt.wait("document.getElementById('logstate').textContent"
                ".indexOf('following') === 0", 5, "the log is not followed: "
                "%r" % dt.js("document.getElementById('logstate')"
                             ".textContent"))
        dt.wait("document.getElementById('log').textContent.indexOf("
                "'tick') >= 0", 5, "no lines of talk's log shown")
        if dt.js("document.getElementById('log').textContent.indexOf("
                 "'got-usr1') >= 0"):
            fail("got-usr1 is in the log before the signal")
        r = subprocess.run(ctl + ["signal", "USR1", "talk"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            fail("vigilctl signal: %s" % r.stderr)
        dt.wait("document.getElementById('log').textContent.indexOf("
                "'got-usr1') >= 0", 5, "the new line did not come")
        info = dt.js("document.querySelector('main').textContent")
        if "hunter2" in info:
            fail("the service page shows an environment value")
        if "SECRET_VALUE" not in info:
            fail("the service page does not show the environment's names")
        note("talk's page followed its log to a new line")

        # The screenshot for the README: the list, with a token kept.
        dt.goto(url + "/")
        dt.wait(state_of("idle") + " === 'STOPPED' && " + state_of("web") +
                " === 'RUNNING'", 5, "the list is not settled")
        dt.call("Emulation.setDeviceMetricsOverride", width=1180,
                height=500, deviceScaleFactor=1, mobile=False)
        png = base64.b64decode(dt.call("Page.captureScreenshot",
                                       format="png")["data"])
        with open(shot, "wb") as f:
            f.write(png)
        note("screenshot %s, %d bytes" % (shot, len(png)))

        # Without script: the same table, states in words, reloaded by
        # the page itself (the noscript refresh), and no dead buttons.
        dt.call("Emulation.setDeviceMetricsOverride", width=1000,
                height=620, deviceScaleFactor=1, mobile=False)
        dt.call("Emulation.setScriptExecutionDisabled", value=True)
        loads = len([e for e in dt.events
                     if e["method"] == "Page.loadEventFired"])
        dt.call("Page.navigate", url=url + "/")
        dt.wait("document.readyState === 'complete' && document."
                "querySelectorAll('#services tbody tr').length === 5", 10,
                "without script the list does not load")
        if dt.js("document.getElementById('live').textContent") != "not live":
            fail("without script the page says it is live")
        if dt.js(state_of("web")) != "RUNNING":
            fail("without script web is %s" % dt.js(state_of("web")))
        shown = dt.js("Array.from(document.querySelectorAll('button'))"
                      ".filter(b => b.offsetParent !== null).length")
        if shown != 0:
            fail("without script %d buttons show" % shown)
        end = time.monotonic() + 12
        while len([e for e in dt.events if e["method"] ==
                   "Page.loadEventFired"]) < loads + 2:
            if time.monotonic() > end:
                fail("without script the page does not reload itself")
            dt.js("1")
            time.sleep(0.2)
        dt.call("Emulation.setScriptExecutionDisabled", value=False)
        note("without script: the list, in words, reloaded by the page")

        # A phone: nothing wider than the screen but the table's own
        # scroller, the wide columns gone, buttons big enough to tap.
        dt.call("Emulation.setDeviceMetricsOverride", width=390,
                height=844, deviceScaleFactor=2, mobile=True)
        dt.goto(url + "/")
        phone = dt.js("(function(){var b = document.querySelector("
                      "'button[data-act=stop]'); return {page: document."
                      "documentElement.scrollWidth, screen: window."
                      "innerWidth, wide: getComputedStyle(document."
                      "querySelector('td.wide')).display, tap: b."
                      "getBoundingClientRect().height};})()")
        if phone["page"] > phone["screen"] + 1:
            fail("on a phone the page is %d px wide for %d" %
                 (phone["page"], phone["screen"]))
        if phone["wide"] != "none":
            fail("on a phone the wide columns show")
        if phone["tap"] < 30:
            fail("on a phone a button is %.0f px high" % phone["tap"])
        note("phone: %d px wide, buttons %.0f px high" %
             (phone["page"], phone["tap"]))
        ws.close()
    finally:
        stop_chromium(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    note("%.1f s in all" % (time.monotonic() - t0))


if __name__ == "__main__":
    main()
