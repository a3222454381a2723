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
 * The HTTP API's bodies, from the parent's answer: JSON (the service
 * records of common/ctl_json.c, as `vigilctl -j status -l`), the
 * Prometheus text format, the status page, and server-sent events.
 * Nothing here comes from the network but the service name of the route,
 * which control_http_route() checked; everything from the parent is escaped
 * for its format.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "control_http.h"
#include "ctl_format.h"
#include "ctl_json.h"
#include "msg_ctl.h"

static const char *chttp_states[] = { "STOPPED", "STARTING", "RUNNING",
    "BACKOFF", "STOPPING", "EXITED", "FATAL", "UNKNOWN" };
static const char *chttp_healths[] = { "starting", "healthy", "unhealthy" };

static int
chttp_status_cmp(const void *a, const void *b)
{
	const struct ctl_status	*sa = a, *sb = b;

	return (strcmp(sa->id, sb->id));
}

static void
chttp_sort(struct chttp_answer *a)
{
	if (a->nsts > 1)
		qsort(a->sts, a->nsts, sizeof(*a->sts), chttp_status_cmp);
}

void
chttp_out_error(FILE *fp, const char *msg, const char *name)
{
	struct ctl_json	 j;

	ctl_json_init(&j, fp);
	ctl_json_open(&j, NULL, '{');
	if (name != NULL)
		ctl_json_str(&j, "name", name);
	ctl_json_str(&j, "error", msg);
	ctl_json_finish(&j);
}

int
chttp_out_services(FILE *fp, struct chttp_answer *a)
{
	struct ctl_json	 j;
	size_t		 i;

	chttp_sort(a);
	ctl_json_init(&j, fp);
	ctl_json_open(&j, NULL, '[');
	for (i = 0; i < a->nsts; i++)
		ctl_json_status(&j, NULL, &a->sts[i]);
	ctl_json_finish(&j);
	return (200);
}

/* One instance: its record; a service of several: the list of them. */
int
chttp_out_service(FILE *fp, struct chttp_answer *a)
{
	struct ctl_json	 j;

	if (a->nsts == 0 || a->end.result == CTL_RES_NOSUCH) {
		chttp_out_error(fp, "no such process", a->route.name);
		return (404);
	}
	if (a->nsts > 1)
		return (chttp_out_services(fp, a));
	ctl_json_init(&j, fp);
	ctl_json_status(&j, NULL, &a->sts[0]);
	ctl_json_finish(&j);
	return (200);
}

/*
 * start, stop, restart: 200 done; 404 no such process; 409 nothing to do
 * (already started, not running); 400 a bad request; 500 it failed.
 */
int
chttp_out_action(FILE *fp, struct chttp_answer *a)
{
	struct ctl_json		 j;
	const struct ctl_result	*r, *ok = NULL, *bad = NULL;
	size_t			 i;
	int			 code, nosuch = 0, fail = 0, noop = 0;

	for (i = 0; i < a->nres; i++) {
		r = &a->res[i];
		if (r->result == CTL_RES_OK)
			ok = r;
		else if (bad == NULL)
			bad = r;
		nosuch |= r->result == CTL_RES_NOSUCH;
		fail |= r->result == CTL_RES_FAIL;
		noop |= r->result == CTL_RES_NOOP;
	}
	if (a->end.result == CTL_RES_USAGE)
		code = 400;
	else if (a->end.result == CTL_RES_DENIED)
		code = 403;
	else if (nosuch || a->end.result == CTL_RES_NOSUCH)
		code = 404;
	else if (fail || a->end.result != CTL_RES_OK)
		code = 500;
	else if (noop && ok == NULL)
		code = 409;
	else
		code = 200;

	ctl_json_init(&j, fp);
	ctl_json_open(&j, NULL, '{');
	ctl_json_str(&j, "name", a->route.name);
	ctl_json_bool(&j, "ok", code == 200);
	if (code == 200)
		ctl_json_str(&j, "result", ok != NULL ? ok->text : "");
	else
		ctl_json_str(&j, "error", bad != NULL ? bad->text :
		    a->end.msg[0] != '\0' ? a->end.msg : "failed");
	ctl_json_open(&j, "results", '[');
	for (i = 0; i < a->nres; i++) {
		r = &a->res[i];
		ctl_json_open(&j, NULL, '{');
		ctl_json_str(&j, "name", r->name);
		ctl_json_bool(&j, "ok", r->result == CTL_RES_OK);
		ctl_json_str(&j, r->result == CTL_RES_OK ? "result" : "error",
		    r->text);
		ctl_json_close(&j);
	}
	ctl_json_finish(&j);
	return (code);
}

/* 200 with the change lines; 422 with the errors of a refused file. */
int
chttp_out_reload(FILE *fp, struct chttp_answer *a)
{
	struct ctl_json	 j;
	size_t		 i, nerr = 0;
	int		 code;

	for (i = 0; i < a->nlines; i++)
		nerr += a->lines[i].stream == CTL_LINE_ERR;
	if (a->end.result == CTL_RES_OK)
		code = 200;
	else if (a->end.result == CTL_RES_FAIL && nerr > 0)
		code = 422;
	else
		code = 500;
	ctl_json_init(&j, fp);
	ctl_json_open(&j, NULL, '{');
	ctl_json_bool(&j, "ok", code == 200);
	ctl_json_open(&j, "changes", '[');
	for (i = 0; i < a->nlines; i++)
		if (a->lines[i].stream != CTL_LINE_ERR)
			ctl_json_str(&j, NULL, a->lines[i].text);
	ctl_json_close(&j);
	ctl_json_open(&j, "errors", '[');
	for (i = 0; i < a->nlines; i++)
		if (a->lines[i].stream == CTL_LINE_ERR)
			ctl_json_str(&j, NULL, a->lines[i].text);
	if (code != 200 && nerr == 0)
		ctl_json_str(&j, NULL, a->end.msg);
	ctl_json_close(&j);
	ctl_json_str(&j, "message", a->end.msg);
	ctl_json_finish(&j);
	return (code);
}

/* A Prometheus label value: backslash, double quote and newline escaped. */
static void
chttp_prom_label(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', fp);
		if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
}

static void
chttp_prom_head(FILE *fp, const char *name, const char *type,
    const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
chttp_prom_labels(FILE *fp, const char *metric, const struct ctl_status *st)
{
	fprintf(fp, "%s{name=\"", metric);
	chttp_prom_label(fp, st->group);
	fprintf(fp, "\",instance=\"%u\"", st->instance);
}

int
chttp_out_metrics(FILE *fp, struct chttp_answer *a)
{
	const struct ctl_status	*st;
	size_t			 i, k;

	chttp_sort(a);
	chttp_prom_head(fp, "vigil_up", "gauge", "1: vigild answers.");
	fprintf(fp, "vigil_up 1\n");
	chttp_prom_head(fp, "vigil_services", "gauge",
	    "Service instances vigild supervises.");
	fprintf(fp, "vigil_services %zu\n", a->nsts);

	chttp_prom_head(fp, "vigil_service_state", "gauge", "1 for the "
	    "state the instance is in (STOPPED, STARTING, RUNNING, BACKOFF, "
	    "STOPPING, EXITED, FATAL, UNKNOWN), 0 for the others.");
	for (i = 0; i < a->nsts; i++) {
		st = &a->sts[i];
		for (k = 0; k < nitems(chttp_states); k++) {
			chttp_prom_labels(fp, "vigil_service_state", st);
			fprintf(fp, ",state=\"%s\"} %d\n", chttp_states[k],
			    strcmp(st->state, chttp_states[k]) == 0);
		}
	}
	chttp_prom_head(fp, "vigil_service_up", "gauge",
	    "1 if the instance has a process.");
	for (i = 0; i < a->nsts; i++) {
		chttp_prom_labels(fp, "vigil_service_up", &a->sts[i]);
		fprintf(fp, "} %d\n", a->sts[i].pid != 0);
	}
	chttp_prom_head(fp, "vigil_service_restarts_total", "counter",
	    "Automatic restarts of the instance since vigild started.");
	for (i = 0; i < a->nsts; i++) {
		chttp_prom_labels(fp, "vigil_service_restarts_total",
		    &a->sts[i]);
		fprintf(fp, "} %u\n", a->sts[i].restarts);
	}
	chttp_prom_head(fp, "vigil_service_uptime_seconds", "gauge",
	    "Seconds since the instance's process started (0: none).");
	for (i = 0; i < a->nsts; i++) {
		chttp_prom_labels(fp, "vigil_service_uptime_seconds",
		    &a->sts[i]);
		fprintf(fp, "} %llu\n", a->sts[i].pid != 0 ?
		    (unsigned long long)(a->sts[i].uptime_ms / 1000) : 0ULL);
	}
	chttp_prom_head(fp, "vigil_service_cpu_percent", "gauge",
	    "CPU use of the instance's process tree, percent of one core "
	    "(only while it runs and has been sampled).");
	for (i = 0; i < a->nsts; i++) {
		if (!a->sts[i].sampled_ok)
			continue;
		chttp_prom_labels(fp, "vigil_service_cpu_percent",
		    &a->sts[i]);
		fprintf(fp, "} %.1f\n", a->sts[i].cpu_permille / 10.0);
	}
	chttp_prom_head(fp, "vigil_service_memory_bytes", "gauge",
	    "Resident memory of the instance's process tree.");
	for (i = 0; i < a->nsts; i++) {
		if (!a->sts[i].sampled_ok)
			continue;
		chttp_prom_labels(fp, "vigil_service_memory_bytes",
		    &a->sts[i]);
		fprintf(fp, "} %llu\n", (unsigned long long)a->sts[i].rss);
	}
	chttp_prom_head(fp, "vigil_service_processes", "gauge",
	    "Processes in the instance's tree.");
	for (i = 0; i < a->nsts; i++) {
		if (!a->sts[i].sampled_ok)
			continue;
		chttp_prom_labels(fp, "vigil_service_processes", &a->sts[i]);
		fprintf(fp, "} %u\n", a->sts[i].nprocs);
	}
	chttp_prom_head(fp, "vigil_service_health", "gauge", "1 for the "
	    "instance's health (starting, healthy, unhealthy), 0 for the "
	    "others; only instances with a health check.");
	for (i = 0; i < a->nsts; i++) {
		st = &a->sts[i];
		if (st->health[0] == '\0')
			continue;
		for (k = 0; k < nitems(chttp_healths); k++) {
			chttp_prom_labels(fp, "vigil_service_health", st);
			fprintf(fp, ",health=\"%s\"} %d\n", chttp_healths[k],
			    strcmp(st->health, chttp_healths[k]) == 0);
		}
	}
	return (200);
}

/*
 * GET /api/v1/services/NAME/info: what `vigilctl -j info` shows (never
 * an environment value: the parent sends the names only).  One object,
 * or a list of them for a service of several instances.
 */
int
chttp_out_info(FILE *fp, struct chttp_answer *a)
{
	struct ctl_json	 j;
	size_t		 i, k;
	char		 buf[128];

	if (a->nsts == 0) {
		chttp_out_error(fp, a->end.result == CTL_RES_NOSUCH ?
		    "no such process" : a->end.msg[0] != '\0' ? a->end.msg :
		    "failed", a->route.name);
		return (a->end.result == CTL_RES_NOSUCH ? 404 : 500);
	}
	ctl_json_init(&j, fp);
	if (a->nsts > 1)
		ctl_json_open(&j, NULL, '[');
	for (k = 0; k < a->nsts; k++) {
		ctl_json_open(&j, NULL, '{');
		ctl_json_status(&j, "status", &a->sts[k]);
		ctl_json_open(&j, "config", '{');
		for (i = 0; i < a->nkvs; i++)
			if (a->kvs[i].st == k)
				ctl_json_str(&j, a->kvs[i].kv.key,
				    a->kvs[i].kv.value);
		ctl_json_close(&j);
		ctl_json_open(&j, "exits", '[');
		for (i = 0; i < a->nexits; i++) {
			if (a->exits[i].st != k)
				continue;
			ctl_json_open(&j, NULL, '{');
			ctl_json_int(&j, "time", (long long)a->exits[i].ex.when);
			ctl_json_int(&j, "pid", a->exits[i].ex.pid);
			ctl_json_str(&j, "exit", ctl_fmt_exit(
			    a->exits[i].ex.status, a->exits[i].ex.spawn_errno,
			    buf, sizeof(buf)));
			ctl_json_int(&j, "uptime_ms",
			    (long long)a->exits[i].ex.uptime_ms);
			ctl_json_close(&j);
		}
		ctl_json_close(&j);
		ctl_json_close(&j);
	}
	ctl_json_finish(&j);
	return (200);
}

/*
 * GET /api/v1/services/NAME/log: the lines as the logger wrote them,
 * text/plain; an error as JSON (control_http.c picks the type).
 */
int
chttp_out_log(FILE *fp, struct chttp_answer *a)
{
	if (a->end.result != CTL_RES_OK) {
		chttp_out_error(fp, a->end.msg[0] != '\0' ? a->end.msg :
		    a->end.result == CTL_RES_NOSUCH ? "no such process" :
		    "failed", a->route.name);
		switch (a->end.result) {
		case CTL_RES_NOSUCH:
			return (404);
		case CTL_RES_USAGE:
			return (400);
		case CTL_RES_DENIED:
			return (403);
		default:
			return (500);
		}
	}
	if (a->loglen > 0)
		fwrite(a->log, 1, a->loglen, fp);
	if (a->logskipped > 0)
		fprintf(fp, "[vigild: %llu more bytes left out: an answer "
		    "holds %d at most]\n", (unsigned long long)a->logskipped,
		    CHTTP_MAXLOG);
	return (200);
}

/* "event: state\ndata: {...}\n\n", the JSON on one line. */
void
chttp_out_event(FILE *fp, const struct ctl_event *ev)
{
	struct ctl_json	 j;
	char		 buf[128];

	fprintf(fp, "event: %s\ndata: ", ev->type);
	ctl_json_init(&j, fp);
	j.compact = 1;
	ctl_json_open(&j, NULL, '{');
	ctl_json_str(&j, "name", ev->id);
	ctl_json_str(&j, "group", ev->group);
	ctl_json_int(&j, "instance", ev->instance);
	if (strcmp(ev->type, "state") == 0)
		ctl_json_str(&j, "from", ev->from);
	ctl_json_str(&j, "to", ev->to);
	ctl_json_str(&j, "state", ev->to);
	if (ev->health[0] != '\0')
		ctl_json_str(&j, "health", ev->health);
	else
		ctl_json_null(&j, "health");
	if (ev->pid != 0)
		ctl_json_int(&j, "pid", ev->pid);
	else
		ctl_json_null(&j, "pid");
	if (strcmp(ev->type, "exit") == 0) {
		ctl_json_str(&j, "exit", ctl_fmt_exit(ev->status, 0, buf,
		    sizeof(buf)));
		if (ev->status != -1 && WIFEXITED(ev->status))
			ctl_json_int(&j, "code", WEXITSTATUS(ev->status));
		else
			ctl_json_null(&j, "code");
	}
	ctl_json_str(&j, "reason", ev->reason);
	ctl_json_int(&j, "time", (long long)ev->time);
	ctl_json_close(&j);
	fputs("\n\n", fp);
}
