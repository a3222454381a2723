/*
 * vigild's web console (control/control_console.c serves it with the
 * pages): live states from GET /api/v1/events, the actions with the
 * bearer token, and a service's log followed.  No framework, nothing
 * from elsewhere: the pages' Content-Security-Policy allows this file
 * and the style sheet, both from vigild, and fetches to vigild only.
 *
 * The token is asked once and kept in this tab's sessionStorage; it is
 * sent as an Authorization header, never as a cookie, so another site
 * cannot make the browser act with it.
 */
(function () {
	"use strict";

	var KEY = "vigil.token";
	var page = document.body.getAttribute("data-page");
	var pageName = document.body.getAttribute("data-name");
	var msg = document.getElementById("msg");
	var live = document.getElementById("live");
	var form = document.getElementById("tokenform");
	var input = document.getElementById("token");
	var forget = document.getElementById("forget");
	var waiting = null;	/* an action asked before the token */
	var refreshTimer = null;
	var logAbort = null;

	function getToken() {
		try {
			return sessionStorage.getItem(KEY) || "";
		} catch (e) {
			return "";
		}
	}

	function setToken(t) {
		try {
			if (t)
				sessionStorage.setItem(KEY, t);
			else
				sessionStorage.removeItem(KEY);
		} catch (e) {
			/* storage refused: the token lasts until the page goes */
		}
		showToken();
	}

	function showToken() {
		var has = getToken() !== "";
		input.placeholder = has ? "kept for this tab" : "";
		forget.hidden = !has;
	}

	function say(text, kind) {
		msg.textContent = text;
		msg.className = "msg" + (kind ? " " + kind : "");
	}

	function enc(name) {
		return encodeURIComponent(name);
	}

	/* ---- the token ---- */

	function askToken(why) {
		say(why, "bad");
		input.focus();
	}

	form.addEventListener("submit", function (ev) {
		var t = input.value.trim(), w;

		ev.preventDefault();
		if (t === "") {
			askToken("Enter the token of vigild's http.token_file.");
			return;
		}
		input.value = "";
		setToken(t);
		say("Token kept for this tab.", "ok");
		startLog();
		if (waiting !== null) {
			w = waiting;
			waiting = null;
			act(w.act, w.name, w.sig);
		}
	});

	forget.addEventListener("click", function () {
		setToken("");
		stopLog("The log needs the API token.");
		say("Token forgotten.", "");
	});

	function refused() {
		setToken("");
		askToken("The token was refused (401 Unauthorized): enter the " +
		    "right one.");
	}

	/* ---- actions ---- */

	function describe(what, name, body) {
		if (what === "reload") {
			if (body.ok)
				return "Configuration reloaded" +
				    (body.changes && body.changes.length ?
				    ": " + body.changes.join("; ") :
				    ": nothing changed") + ".";
			return "Reload refused: " + (body.errors || []).join("; ");
		}
		if (body.ok)
			return name + ": " + (body.result || "done") + ".";
		return what + " " + name + ": " + (body.error || "failed") + ".";
	}

	function act(what, name, sig) {
		var t = getToken(), url;

		if (t === "") {
			waiting = { act: what, name: name, sig: sig };
			askToken("Enter the API token: " + what +
			    (name ? " " + name : "") + " runs then.");
			return;
		}
		if (what === "reload")
			url = "/api/v1/reload";
		else
			url = "/api/v1/services/" + enc(name) + "/" + what;
		if (what === "signal" && sig)
			url += "?signal=" + enc(sig);
		say(what + (name ? " " + name : "") + "...", "");
		fetch(url, {
			method: "POST",
			headers: { "Authorization": "Bearer " + t },
			credentials: "omit",
			cache: "no-store"
		}).then(function (r) {
			return r.json().catch(function () {
				return {};
			}).then(function (body) {
				if (r.status === 401) {
					waiting = { act: what, name: name, sig: sig };
					refused();
					return;
				}
				say(describe(what, name, body), r.ok ? "ok" : "bad");
				refreshSoon();
			});
		}).catch(function (e) {
			say("vigild did not answer: " + e.message, "bad");
		});
	}

	document.addEventListener("click", function (ev) {
		var b = ev.target.closest("button[data-act]"), sel, name;

		if (b === null)
			return;
		name = b.getAttribute("data-name");
		sel = null;
		if (b.getAttribute("data-act") === "signal")
			document.querySelectorAll("select[data-sig]").forEach(
			    function (s) {
				if (s.getAttribute("data-sig") === name)
					sel = s;
			});
		act(b.getAttribute("data-act"), name,
		    sel !== null ? sel.value : "");
	});

	/* ---- live states ---- */

	function uptime(s) {
		var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
		    m = Math.floor(s % 3600 / 60), x = s % 60, t;

		t = h + ":" + (m < 10 ? "0" : "") + m + ":" + (x < 10 ? "0" : "") +
		    x;
		return d > 0 ? d + " day" + (d === 1 ? "" : "s") + ", " + t : t;
	}

	function bytes(n) {
		var u = "KMGTPE", i = -1;

		if (n < 1024)
			return String(n);
		while (n >= 1024 && i < u.length - 1) {
			n /= 1024;
			i++;
		}
		return n.toFixed(1) + u.charAt(i);
	}

	/* The elements that show the process name. */
	function holders(name) {
		var out = [];

		document.querySelectorAll("tr[data-name], section[data-name]")
		    .forEach(function (e) {
			if (e.getAttribute("data-name") === name)
				out.push(e);
		});
		return out;
	}

	function field(holder, f) {
		return holder.querySelectorAll("[data-f='" + f + "']");
	}

	function setField(holder, f, text, cls) {
		field(holder, f).forEach(function (e) {
			e.textContent = text;
			if (cls !== undefined)
				e.className = cls;
		});
	}

	/* state, health, pid: what an event says. */
	function applyState(h, d) {
		setField(h, "state", d.state, "state s-" + d.state);
		setField(h, "health", d.health || "-",
		    d.health ? "h-" + d.health : "");
		setField(h, "pid", d.pid ? String(d.pid) : "-",
		    h.tagName === "TR" ? "n" : undefined);
	}

	function applyRecord(h, s) {
		applyState(h, s);
		if (h.tagName !== "TR")
			return;
		setField(h, "uptime", s.uptime !== null ? uptime(s.uptime) :
		    "-");
		setField(h, "restarts", String(s.restarts));
		setField(h, "cpu", s.cpu_percent !== null ?
		    s.cpu_percent.toFixed(1) + "%" : "-");
		setField(h, "memory", s.memory !== null ? bytes(s.memory) : "-");
		setField(h, "description", s.description);
	}

	function cell(tr, f, cls) {
		var td = document.createElement("td");

		td.setAttribute("data-f", f);
		if (cls)
			td.className = cls;
		tr.appendChild(td);
		return td;
	}

	function newRow(s) {
		var tr = document.createElement("tr"), a, td;

		tr.setAttribute("data-name", s.name);
		a = document.createElement("a");
		a.href = "/service/" + s.name;
		a.textContent = s.name;
		cell(tr, "name").appendChild(a);
		cell(tr, "state");
		cell(tr, "health");
		cell(tr, "pid", "n");
		cell(tr, "uptime", "n");
		cell(tr, "restarts", "n");
		cell(tr, "cpu", "n wide");
		cell(tr, "memory", "n wide");
		cell(tr, "description", "wide");
		td = document.createElement("td");
		td.className = "js acts";
		["start", "stop", "restart"].forEach(function (w) {
			var b = document.createElement("button");

			b.type = "button";
			b.setAttribute("data-act", w);
			b.setAttribute("data-name", s.name);
			b.textContent = w;
			td.appendChild(b);
			td.appendChild(document.createTextNode(" "));
		});
		tr.appendChild(td);
		return tr;
	}

	/* The list again: cells in place, rows added or removed if needed. */
	function refresh() {
		fetch("/api/v1/services", { cache: "no-store",
		    credentials: "omit" }).then(function (r) {
			return r.json();
		}).then(function (list) {
			var tbody = document.querySelector("#services tbody");
			var rows, same, count;

			if (tbody !== null) {
				rows = tbody.querySelectorAll("tr[data-name]");
				same = rows.length === list.length;
				list.forEach(function (s, i) {
					same = same && rows[i].getAttribute(
					    "data-name") === s.name;
				});
				if (!same) {
					tbody.textContent = "";
					list.forEach(function (s) {
						tbody.appendChild(newRow(s));
					});
				}
				count = document.getElementById("count");
				if (count !== null)
					count.textContent = list.length +
					    " process" +
					    (list.length === 1 ? "" : "es");
			}
			list.forEach(function (s) {
				holders(s.name).forEach(function (h) {
					applyRecord(h, s);
				});
			});
		}).catch(function () {
			/* the event stream says when vigild is back */
		});
	}

	function refreshSoon() {
		if (refreshTimer !== null)
			return;
		refreshTimer = setTimeout(function () {
			refreshTimer = null;
			refresh();
		}, 300);
	}

	function setLive(on) {
		live.textContent = on ? "live" : "reconnecting...";
		live.className = "live " + (on ? "on" : "off");
	}

	function listen() {
		var es = new EventSource("/api/v1/events");

		es.onopen = function () {
			setLive(true);
			refresh();
		};
		es.onerror = function () {
			setLive(false);
		};
		["state", "health", "exit"].forEach(function (type) {
			es.addEventListener(type, function (ev) {
				var d;

				try {
					d = JSON.parse(ev.data);
				} catch (e) {
					return;
				}
				holders(d.name).forEach(function (h) {
					applyState(h, d);
				});
				if (holders(d.name).length === 0 &&
				    page === "index")
					refreshSoon();
			});
		});
	}

	/* ---- a service's log ---- */

	var logEl = document.getElementById("log");
	var logState = document.getElementById("logstate");
	var logStream = document.getElementById("logstream");
	var LOGMAX = 256 * 1024;

	function stopLog(why) {
		if (logAbort !== null)
			logAbort.abort();
		logAbort = null;
		if (logState !== null && why)
			logState.textContent = why;
	}

	function appendLog(text) {
		var atEnd = logEl.scrollTop + logEl.clientHeight >=
		    logEl.scrollHeight - 4;
		var all = logEl.textContent + text;

		if (all.length > LOGMAX)
			all = all.slice(all.indexOf("\n",
			    all.length - LOGMAX) + 1);
		logEl.textContent = all;
		if (atEnd)
			logEl.scrollTop = logEl.scrollHeight;
	}

	function startLog() {
		var t = getToken(), ctl, url;

		if (logEl === null || pageName === null)
			return;
		stopLog();
		if (t === "") {
			logState.textContent = "The log needs the API token.";
			return;
		}
		ctl = new AbortController();
		logAbort = ctl;
		logEl.textContent = "";
		url = "/api/v1/services/" + enc(pageName) +
		    "/log?lines=100&follow=1&stream=" + enc(logStream.value);
		logState.textContent = "connecting...";
		fetch(url, {
			headers: { "Authorization": "Bearer " + t },
			credentials: "omit",
			cache: "no-store",
			signal: ctl.signal
		}).then(function (r) {
			var reader, dec;

			if (r.status === 401) {
				logState.textContent = "The token was refused.";
				refused();
				return;
			}
			if (!r.ok)
				return r.json().then(function (j) {
					logState.textContent = "No log: " +
					    j.error;
				});
			logState.textContent = "following (the last 100 " +
			    "lines, then new ones)";
			reader = r.body.getReader();
			dec = new TextDecoder();
			function pump() {
				return reader.read().then(function (x) {
					if (x.done) {
						logState.textContent = "the " +
						    "stream ended";
						return;
					}
					appendLog(dec.decode(x.value,
					    { stream: true }));
					return pump();
				});
			}
			return pump();
		}).catch(function (e) {
			if (e.name !== "AbortError")
				logState.textContent = "lost: " + e.message;
		});
	}

	/* ---- start ---- */

	document.querySelectorAll(".js").forEach(function (e) {
		e.hidden = false;
	});
	form.hidden = false;
	showToken();
	if (logStream !== null)
		logStream.addEventListener("change", startLog);
	listen();
	startLog();
	setInterval(function () {
		if (!document.hidden)
			refresh();
	}, 5000);
}());
