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
 * vigilctl's output of service records: supervisorctl's status lines,
 * the status -l table, info, and their JSON forms.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_format.h"
#include "log.h"
#include "vigilctl.h"

static int
vctl_status_cmp(const void *a, const void *b)
{
	const struct ctl_status	*sa = a, *sb = b;

	return (strcmp(sa->id, sb->id));
}

struct ctl_status *
vctl_statuses_slot(struct vctl_statuses *sts)
{
	size_t	 ncap;

	if (sts->n == sts->cap) {
		ncap = sts->cap == 0 ? 64 : sts->cap * 2;
		if ((sts->v = reallocarray(sts->v, ncap, sizeof(*sts->v))) ==
		    NULL)
			fatal(NULL);
		sts->cap = ncap;
	}
	return (&sts->v[sts->n]);
}

/* Under the name supervisorctl, error lines go to stdout as it puts them. */
int	vctl_err_stdout;

/* Error lines, supervisorctl's way: "NAME: ERROR (reason)". */
void
vctl_err(const char *name, const char *reason)
{
	fprintf(vctl_err_stdout ? stdout : stderr, "%s: ERROR (%s)\n", name,
	    reason);
}

static void
vctl_print_long(struct vctl_statuses *sts, size_t longest)
{
	struct ctl_status	*st;
	char			 up[64], cpu[16], mem[16], pid[16];
	size_t			 i;
	int			 w;

	w = (int)(longest < 4 ? 4 : longest) + 2;
	printf("%-*s%-10s%-10s%-9s%-17s%-10s%-8s%-9s%s\n", w, "NAME",
	    "STATE", "HEALTH", "PID", "UPTIME", "RESTARTS", "CPU", "MEM",
	    "PORTS");
	for (i = 0; i < sts->n; i++) {
		st = &sts->v[i];
		if (st->pid != 0) {
			snprintf(pid, sizeof(pid), "%d", (int)st->pid);
			ctl_fmt_uptime(st->uptime_ms / 1000, up, sizeof(up));
		} else {
			strlcpy(pid, "-", sizeof(pid));
			strlcpy(up, "-", sizeof(up));
		}
		if (st->sampled_ok) {
			snprintf(cpu, sizeof(cpu), "%.1f%%",
			    st->cpu_permille / 10.0);
			ctl_fmt_bytes(st->rss, mem, sizeof(mem));
		} else {
			strlcpy(cpu, "-", sizeof(cpu));
			strlcpy(mem, "-", sizeof(mem));
		}
		printf("%-*s%-10s%-10s%-9s%-17s%-10u%-8s%-9s%s", w, st->id,
		    st->state, st->health[0] != '\0' ? st->health : "-", pid,
		    up, st->restarts, cpu, mem,
		    st->ports[0] != '\0' ? st->ports : "-");
		/* Why unhealthy, after the table's last column. */
		if (st->health_reason[0] != '\0')
			printf("  (%s)", st->health_reason);
		printf("\n");
	}
}

/* Sorted by name; supervisorctl's lines, the -l table, or JSON. */
void
vctl_print_status(struct vctl *v, struct vctl_statuses *sts, int longfmt)
{
	char	 line[512], desc[256];
	size_t	 i, longest = 0;

	/*
	 * The daemon sends them in order: a check spares qsort's copy of
	 * the whole array (half a megabyte at 1,000 services).
	 */
	for (i = 1; i < sts->n && !sts->ordered; i++)
		if (vctl_status_cmp(&sts->v[i - 1], &sts->v[i]) > 0)
			break;
	if (i < sts->n && !sts->ordered)
		qsort(sts->v, sts->n, sizeof(*sts->v), vctl_status_cmp);
	if (v->json) {
		json_open(NULL, '[');
		for (i = 0; i < sts->n; i++)
			vctl_json_status(NULL, &sts->v[i]);
		json_finish();
		return;
	}
	for (i = 0; i < sts->n; i++)
		if (strlen(sts->v[i].id) > longest)
			longest = strlen(sts->v[i].id);
	if (longfmt) {
		vctl_print_long(sts, longest);
		return;
	}
	for (i = 0; i < sts->n; i++) {
		ctl_fmt_description(&sts->v[i], desc, sizeof(desc));
		printf("%s\n", ctl_fmt_status_line(ctl_status_width(longest),
		    sts->v[i].id, sts->v[i].state, desc, line, sizeof(line)));
	}
}

/* info: the head of one service's block. */
void
vctl_print_info_status(const struct ctl_status *st)
{
	char	 desc[256], up[64], mem[16], when[64];

	ctl_fmt_description(st, desc, sizeof(desc));
	printf("%s\n", st->id);
	printf("  %-20s %s%s%s\n", "state:", st->state,
	    desc[0] != '\0' ? ", " : "", desc);
	printf("  %-20s %s%s%s%s\n", "health:", st->health[0] != '\0' ?
	    st->health : "(no check)", st->health_reason[0] != '\0' ?
	    " (" : "", st->health_reason, st->health_reason[0] != '\0' ?
	    ")" : "");
	if (st->pid != 0) {
		printf("  %-20s %d\n", "pid:", (int)st->pid);
		printf("  %-20s %s\n", "uptime:", ctl_fmt_uptime(
		    st->uptime_ms / 1000, up, sizeof(up)));
	}
	printf("  %-20s %u\n", "restarts:", st->restarts);
	if (st->reason[0] != '\0')
		printf("  %-20s %s\n", "reason:", st->reason);
	if (st->status_text[0] != '\0')
		printf("  %-20s %s\n", "status:", st->status_text);
	if (st->stop_wall != 0) {
		time_t	 t = (time_t)st->stop_wall;
		struct tm tm;

		if (localtime_r(&t, &tm) != NULL && strftime(when,
		    sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) > 0)
			printf("  %-20s %s\n", "last exit:", when);
	}
	if (st->sampled_ok) {
		printf("  %-20s %.1f%%\n", "cpu:", st->cpu_permille / 10.0);
		printf("  %-20s %s in %u process%s\n", "memory:",
		    ctl_fmt_bytes(st->rss, mem, sizeof(mem)), st->nprocs,
		    st->nprocs == 1 ? "" : "es");
	}
	if (st->ports[0] != '\0')
		printf("  %-20s %s\n", "ports:", st->ports);
}

void
vctl_print_kv(struct vctl *v, const struct ctl_kv *kv)
{
	char	 key[CTL_KEYMAX + 1];

	if (v->json) {
		json_str(kv->key, kv->value);
		return;
	}
	snprintf(key, sizeof(key), "%s:", kv->key);
	if (kv->value[0] == '\0')
		printf("  %s\n", key);
	else
		printf("  %-20s %s\n", key, kv->value);
}

void
vctl_print_exit(struct vctl *v, const struct ctl_exit *e, int first)
{
	char		 when[64], how[128], up[64];
	time_t		 t = (time_t)e->when;
	struct tm	 tm;

	when[0] = '\0';
	if (localtime_r(&t, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	ctl_fmt_exit(e->status, e->spawn_errno, how, sizeof(how));
	if (v->json) {
		json_open(NULL, '{');
		json_int("time", (long long)e->when);
		if (e->pid > 0)
			json_int("pid", e->pid);
		else
			json_null("pid");
		json_str("how", how);
		json_int("uptime", (long long)(e->uptime_ms / 1000));
		json_close();
		return;
	}
	if (first)
		printf("  exits:\n");
	printf("    %s  pid %-7d %s after %s\n", when, (int)e->pid, how,
	    ctl_fmt_uptime(e->uptime_ms / 1000, up, sizeof(up)));
}
