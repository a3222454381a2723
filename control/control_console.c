/*
 * Copyright (c) 2026 The vigil developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * The web console: GET / (every process) and GET /service/NAME (one, as
 * `vigilctl info` shows it), rendered here from the parent's answer so
 * that they work without script (the list reloads itself every 5
 * seconds then), and the script and style sheet that make them live
 * (control/console/console.js and console.css, compiled in by the
 * Makefile: control is chrooted and reads no file).  The pages load
 * nothing but those two from the same origin; CHTTP_CSP says so to the
 * browser.  Everything from the parent is HTML-escaped.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat.h"
#include "control_http.h"
#include "ctl_format.h"
#include "msg_ctl.h"

/* build/gen/control_console_assets.c, from control/console/. */
extern const unsigned char	 chttp_console_js[];
extern const size_t		 chttp_console_js_len;
extern const unsigned char	 chttp_console_css[];
extern const size_t		 chttp_console_css_len;

int
chttp_console_asset(int asset, const char **type, const unsigned char **data,
    size_t *len)
{
	switch (asset) {
	case CTL_HTTP_ASSET_JS:
		*type = "text/javascript; charset=utf-8";
		*data = chttp_console_js;
		*len = chttp_console_js_len;
		return (0);
	case CTL_HTTP_ASSET_CSS:
		*type = "text/css; charset=utf-8";
		*data = chttp_console_css;
		*len = chttp_console_css_len;
		return (0);
	}
	return (-1);
}

static int
chttp_status_cmp(const void *a, const void *b)
{
	const struct ctl_status	*sa = a, *sb = b;

	return (strcmp(sa->id, sb->id));
}

static void
chttp_html(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '&':
			fputs("&amp;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
}

/* <td data-f="FIELD" class="CLS">TEXT</td> */
static void
chttp_td(FILE *fp, const char *field, const char *cls, const char *s)
{
	fprintf(fp, "<td data-f=\"%s\"", field);
	if (cls != NULL) {
		fputs(" class=\"", fp);
		chttp_html(fp, cls);
		fputc('"', fp);
	}
	fputc('>', fp);
	chttp_html(fp, s);
	fputs("</td>", fp);
}

static void
chttp_head(FILE *fp, const char *title, const char *page, const char *name)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "\n<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>", fp);
	chttp_html(fp, title);
	fputs("</title>\n<link rel=\"stylesheet\" href=\"/console.css\">\n"
	    "<script src=\"/console.js\" defer></script>\n", fp);
	if (strcmp(page, "index") == 0)
		fputs("<noscript><meta http-equiv=\"refresh\" content=\"5\">"
		    "</noscript>\n", fp);
	fprintf(fp, "</head>\n<body data-page=\"%s\"", page);
	if (name != NULL) {
		fputs(" data-name=\"", fp);
		chttp_html(fp, name);
		fputc('"', fp);
	}
	fputs(">\n<header><h1><a href=\"/\">vigild</a></h1>"
	    "<span id=\"live\" class=\"live off\" role=\"status\">"
	    "not live</span></header>\n"
	    "<form id=\"tokenform\" class=\"token\" hidden>"
	    "<label for=\"token\">API token</label> "
	    "<input id=\"token\" type=\"password\" autocomplete=\"off\" "
	    "spellcheck=\"false\"> <button type=\"submit\">Use token</button> "
	    "<button type=\"button\" id=\"forget\">Forget token</button>"
	    "</form>\n<p id=\"msg\" class=\"msg\" role=\"status\" "
	    "aria-live=\"polite\"></p>\n<main>\n", fp);
}

/* The buttons of a process (or "all"), shown by the script. */
static void
chttp_buttons(FILE *fp, const char *name)
{
	static const char	*acts[] = { "start", "stop", "restart" };
	size_t			 i;

	for (i = 0; i < nitems(acts); i++) {
		fprintf(fp, "<button type=\"button\" data-act=\"%s\" "
		    "data-name=\"", acts[i]);
		chttp_html(fp, name);
		fprintf(fp, "\">%s</button> ", acts[i]);
	}
}

/* GET /: every process; live with the script, reloaded without. */
int
chttp_out_index(FILE *fp, struct chttp_answer *a)
{
	const struct ctl_status	*st;
	char			 buf[256];
	size_t			 i;

	if (a->nsts > 1)
		qsort(a->sts, a->nsts, sizeof(*a->sts), chttp_status_cmp);
	chttp_head(fp, "vigild", "index", NULL);
	fputs("<div class=\"global js\" hidden>"
	    "<button type=\"button\" data-act=\"restart\" data-name=\"all\">"
	    "Restart all</button> <button type=\"button\" "
	    "data-act=\"reload\">Reload configuration</button></div>\n"
	    "<div class=\"scroll\"><table id=\"services\">\n<thead><tr>"
	    "<th scope=\"col\">Name</th><th scope=\"col\">State</th>"
	    "<th scope=\"col\">Health</th><th scope=\"col\" class=\"n\">PID"
	    "</th><th scope=\"col\" class=\"n\">Uptime</th>"
	    "<th scope=\"col\" class=\"n\">Restarts</th>"
	    "<th scope=\"col\" class=\"n wide\">CPU</th>"
	    "<th scope=\"col\" class=\"n wide\">Memory</th>"
	    "<th scope=\"col\" class=\"wide\">Description</th>"
	    "<th scope=\"col\" class=\"js\" hidden>Actions</th></tr></thead>"
	    "\n<tbody>\n", fp);
	for (i = 0; i < a->nsts; i++) {
		st = &a->sts[i];
		fputs("<tr data-name=\"", fp);
		chttp_html(fp, st->id);
		fputs("\"><td data-f=\"name\"><a href=\"/service/", fp);
		chttp_html(fp, st->id);
		fputs("\">", fp);
		chttp_html(fp, st->id);
		fputs("</a></td>", fp);
		snprintf(buf, sizeof(buf), "state s-%s", st->state);
		chttp_td(fp, "state", buf, st->state);
		snprintf(buf, sizeof(buf), "h-%s", st->health);
		chttp_td(fp, "health", st->health[0] != '\0' ? buf : NULL,
		    st->health[0] != '\0' ? st->health : "-");
		if (st->pid != 0) {
			snprintf(buf, sizeof(buf), "%d", (int)st->pid);
			chttp_td(fp, "pid", "n", buf);
			chttp_td(fp, "uptime", "n", ctl_fmt_uptime(
			    st->uptime_ms / 1000, buf, sizeof(buf)));
		} else {
			chttp_td(fp, "pid", "n", "-");
			chttp_td(fp, "uptime", "n", "-");
		}
		snprintf(buf, sizeof(buf), "%u", st->restarts);
		chttp_td(fp, "restarts", "n", buf);
		if (st->sampled_ok) {
			snprintf(buf, sizeof(buf), "%.1f%%",
			    st->cpu_permille / 10.0);
			chttp_td(fp, "cpu", "n wide", buf);
			chttp_td(fp, "memory", "n wide", ctl_fmt_bytes(st->rss,
			    buf, sizeof(buf)));
		} else {
			chttp_td(fp, "cpu", "n wide", "-");
			chttp_td(fp, "memory", "n wide", "-");
		}
		chttp_td(fp, "description", "wide", ctl_fmt_description(st,
		    buf, sizeof(buf)));
		fputs("<td class=\"js acts\" hidden>", fp);
		chttp_buttons(fp, st->id);
		fputs("</td></tr>\n", fp);
	}
	fprintf(fp, "</tbody></table></div>\n<p class=\"foot\"><span id=\"count\">"
	    "%zu process%s</span>. <a href=\"/api/v1/services\">JSON</a> "
	    "&middot; <a href=\"/metrics\">metrics</a></p>\n"
	    "<noscript><p>Without script this page reloads every 5 seconds "
	    "and cannot act: use vigilctl.</p></noscript>\n"
	    "</main></body></html>\n", a->nsts, a->nsts == 1 ? "" : "es");
	return (200);
}

static void
chttp_dl(FILE *fp, const char *key, const char *value, const char *field)
{
	fputs("<dt>", fp);
	chttp_html(fp, key);
	fputs("</dt><dd", fp);
	if (field != NULL)
		fprintf(fp, " data-f=\"%s\"", field);
	fputc('>', fp);
	chttp_html(fp, value);
	fputs("</dd>\n", fp);
}

/* One instance of GET /service/NAME: state, configuration, exits. */
static void
chttp_page_one(FILE *fp, struct chttp_answer *a, size_t k)
{
	const struct ctl_status	*st = &a->sts[k];
	char			 buf[256], when[64];
	struct tm		 tm;
	time_t			 t;
	size_t			 i;

	fputs("<section class=\"svc\" data-name=\"", fp);
	chttp_html(fp, st->id);
	fputs("\"><h2>", fp);
	chttp_html(fp, st->id);
	fprintf(fp, " <span class=\"state s-%s\" data-f=\"state\">%s</span>"
	    "</h2>\n<p class=\"js acts\" hidden>", st->state, st->state);
	chttp_buttons(fp, st->id);
	fputs("<label>signal <select data-sig=\"", fp);
	chttp_html(fp, st->id);
	fputs("\"><option value=\"\">its reload_signal</option>"
	    "<option>HUP</option><option>INT</option><option>TERM</option>"
	    "<option>USR1</option><option>USR2</option><option>KILL</option>"
	    "</select></label> <button type=\"button\" data-act=\"signal\" "
	    "data-name=\"", fp);
	chttp_html(fp, st->id);
	fputs("\">send</button></p>\n<h3>Now</h3>\n<dl>\n", fp);
	chttp_dl(fp, "state", st->state, "state");
	chttp_dl(fp, "health", st->health[0] != '\0' ? st->health : "-",
	    "health");
	snprintf(buf, sizeof(buf), "%d", (int)st->pid);
	chttp_dl(fp, "pid", st->pid != 0 ? buf : "-", "pid");
	chttp_dl(fp, "description", ctl_fmt_description(st, buf, sizeof(buf)),
	    NULL);
	snprintf(buf, sizeof(buf), "%u", st->restarts);
	chttp_dl(fp, "restarts", buf, NULL);
	if (st->sampled_ok) {
		snprintf(buf, sizeof(buf), "%.1f%%, %s, %u processes",
		    st->cpu_permille / 10.0, ctl_fmt_bytes(st->rss, when,
		    sizeof(when)), st->nprocs);
		chttp_dl(fp, "cpu, memory", buf, NULL);
	}
	if (st->ports[0] != '\0')
		chttp_dl(fp, "ports", st->ports, NULL);
	if (st->status_text[0] != '\0')
		chttp_dl(fp, "status", st->status_text, NULL);
	fputs("</dl>\n<h3>Configuration</h3>\n<dl>\n", fp);
	/* Environment: the names only, as the parent sends them. */
	for (i = 0; i < a->nkvs; i++)
		if (a->kvs[i].st == k)
			chttp_dl(fp, a->kvs[i].kv.key, a->kvs[i].kv.value,
			    NULL);
	fputs("</dl>\n<h3>Last exits</h3>\n", fp);
	for (i = 0; i < a->nexits && a->exits[i].st != k; i++)
		;
	if (i == a->nexits) {
		fputs("<p>none</p>\n", fp);
		return;
	}
	fputs("<div class=\"scroll\"><table><thead><tr><th scope=\"col\">When"
	    "</th><th scope=\"col\" class=\"n\">PID</th><th scope=\"col\">"
	    "How</th><th scope=\"col\" class=\"n\">Ran</th></tr></thead>"
	    "<tbody>\n", fp);
	for (; i < a->nexits; i++) {
		if (a->exits[i].st != k)
			continue;
		t = (time_t)a->exits[i].ex.when;
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC",
		    &tm) == 0)
			strlcpy(when, "?", sizeof(when));
		fputs("<tr>", fp);
		chttp_td(fp, "when", NULL, when);
		snprintf(buf, sizeof(buf), "%d", (int)a->exits[i].ex.pid);
		chttp_td(fp, "pid", "n", buf);
		chttp_td(fp, "exit", NULL, ctl_fmt_exit(a->exits[i].ex.status,
		    a->exits[i].ex.spawn_errno, buf, sizeof(buf)));
		chttp_td(fp, "ran", "n", ctl_fmt_duration(
		    a->exits[i].ex.uptime_ms, buf, sizeof(buf)));
		fputs("</tr>\n", fp);
	}
	fputs("</tbody></table></div>\n", fp);
}

/* GET /service/NAME: what `vigilctl info` shows, and the log. */
int
chttp_out_page(FILE *fp, struct chttp_answer *a)
{
	size_t	 k;
	int	 code = 200;

	if (a->nsts == 0) {
		code = a->end.result == CTL_RES_NOSUCH ? 404 : 500;
		chttp_head(fp, "vigild: no such process", "service", NULL);
		fputs("<p>", fp);
		chttp_html(fp, code == 404 ? "No such process: " :
		    "vigild could not answer: ");
		chttp_html(fp, code == 404 ? a->route.name : a->end.msg);
		fputs(".</p>\n<p><a href=\"/\">All processes</a></p>\n"
		    "</main></body></html>\n", fp);
		return (code);
	}
	chttp_head(fp, a->route.name, "service", a->route.name);
	fputs("<p><a href=\"/\">&larr; all processes</a></p>\n", fp);
	for (k = 0; k < a->nsts; k++)
		chttp_page_one(fp, a, k);
	if (a->nsts == 1) {
		fputs("<h3 id=\"loghead\">Log</h3>\n<p class=\"js\" hidden>"
		    "<label>stream <select id=\"logstream\">"
		    "<option>stdout</option><option>stderr</option></select>"
		    "</label> <span id=\"logstate\" role=\"status\"></span></p>\n"
		    "<pre id=\"log\" class=\"log js\" tabindex=\"0\" "
		    "aria-labelledby=\"loghead\" hidden></pre>\n"
		    "<noscript><p>The log needs the API token, which only the "
		    "script sends: use <code>vigilctl tail</code>.</p>"
		    "</noscript>\n", fp);
	}
	fputs("</main></body></html>\n", fp);
	return (code);
}
