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
 * What control clients read: the status record (status, pid, the HTTP
 * API's GET /api/v1/services), everything `info` shows -- the resolved
 * configuration, history and log paths -- and the version.  The values
 * of `environment` and `env_file` never leave the parent: only their
 * names do.
 */

#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_format.h"
#include "ctl_status.h"
#include "log.h"
#include "msg_ctl.h"
#include "parent.h"
#include "parent_control.h"
#include "svc.h"

static void	pctl_kv(uint32_t, const char *, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));

void
parent_control_status(struct svc *s, struct ctl_status *st)
{
	struct config_svc	*sc = s->grp->conf;
	char		 buf[16];
	size_t		 i;

	memset(st, 0, sizeof(*st));
	strlcpy(st->id, s->id, sizeof(st->id));
	strlcpy(st->group, sc->name, sizeof(st->group));
	strlcpy(st->state, svc_state_name(s->state), sizeof(st->state));
	strlcpy(st->health, svc_health_name(s->health), sizeof(st->health));
	if (s->port > 0)
		snprintf(st->ports, sizeof(st->ports), "%d", s->port);
	for (i = 0; i < sc->nlisten; i++) {
		if (sc->listen[i].type == LISTEN_TCP)
			snprintf(buf, sizeof(buf), "%u", sc->listen[i].port);
		else
			strlcpy(buf, "unix", sizeof(buf));
		if (st->ports[0] != '\0')
			strlcat(st->ports, ",", sizeof(st->ports));
		strlcat(st->ports, buf, sizeof(st->ports));
	}
	strlcpy(st->reason, svc_reason(s), sizeof(st->reason));
	strlcpy(st->status_text, svc_status_text(s), sizeof(st->status_text));
	strlcpy(st->health_reason, svc_health_reason(s),
	    sizeof(st->health_reason));
	st->instance = s->instance;
	st->ninstances = s->grp->ninst;
	st->pid = s->pid;
	st->restarts = s->restarts;
	st->uptime_ms = s->pid != 0 ? svc_uptime_ms(s) : 0;
	st->start_wall = s->pid != 0 ? (int64_t)s->start_wall : 0;
	st->stop_wall = (int64_t)s->stop_wall;
	st->ever_started = s->ever_started;
	st->want_up = s->want_up;
	st->cpu_permille = s->cpu_permille;
	st->nprocs = s->nprocs;
	st->rss = s->rss;
	st->nfds = s->nfds;
	st->sampled_ok = s->sampled != 0 && s->pid != 0;
	st->sampled = (int64_t)s->sampled;
}

/*
 * Status records for one client, packed (common/ctl_status.h) into
 * frames of CTL_STATUS_BATCHMAX bytes: a status of 10,000 services is
 * about a hundred messages instead of 10,000.
 */
struct pctl_stbatch {
	uint32_t	 peerid;
	size_t		 len;
	uint8_t		 buf[CTL_STATUS_BATCHMAX];
};

static void
pctl_stbatch_flush(struct pctl_stbatch *b)
{
	if (b->len == 0)
		return;
	(void)parent_control_send(b->peerid, IMSG_CTL_STATUS, b->buf, b->len);
	b->len = 0;
}

static void
pctl_stbatch_add(struct pctl_stbatch *b, struct svc *s)
{
	struct ctl_status	 st;
	size_t			 n;

	parent_control_status(s, &st);
	n = ctl_status_pack(&st, b->buf + b->len, sizeof(b->buf) - b->len);
	if (n == 0) {
		pctl_stbatch_flush(b);
		if ((n = ctl_status_pack(&st, b->buf, sizeof(b->buf))) == 0)
			fatalx("%s: %s: no status record", __func__, st.id);
	}
	b->len += n;
}

static void
pctl_kv(uint32_t peerid, const char *key, const char *fmt, ...)
{
	struct ctl_kv	 kv;
	va_list		 ap;
	int		 n;

	memset(&kv, 0, sizeof(kv));
	strlcpy(kv.key, key, sizeof(kv.key));
	va_start(ap, fmt);
	n = vsnprintf(kv.value, sizeof(kv.value), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(kv.value))
		memcpy(kv.value + sizeof(kv.value) - 4, "...", 4);
	(void)parent_control_send(peerid, IMSG_CTL_KV, &kv, sizeof(kv));
}

/* As the configuration says it; console with where that goes. */
static const char *
pctl_logdest(enum config_log_dest d)
{
	if (d == LOGDEST_CONSOLE)
		return ("console (vigild's stdout)");
	return (config_logdest_name(d));
}

static const char *
pctl_rlimit(const struct config_rlimit *rl, int bytes, char *buf, size_t len)
{
	if (!rl->set)
		return ("(inherited)");
	if (rl->value == CONFIG_UNLIMITED)
		return ("unlimited");
	if (bytes)
		return (ctl_fmt_bytes(rl->value, buf, len));
	snprintf(buf, len, "%llu", (unsigned long long)rl->value);
	return (buf);
}

/* A list of strings joined by spaces, bounded. */
static void
pctl_join(char *buf, size_t len, char **v, size_t n)
{
	size_t	 i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strlcat(buf, " ", len);
		strlcat(buf, v[i], len);
	}
}

#define PCTL_HIDDEN	" (arguments shown to root and socket.group only)"

/* The program of a command line, without its arguments. */
static void
pctl_program(char *buf, size_t len, const char *cmd)
{
	size_t	 n;

	n = strcspn(cmd, " \t");
	if (n >= len)
		n = len - 1;
	memcpy(buf, cmd, n);
	buf[n] = '\0';
}

static void
pctl_info_health(uint32_t peerid, const struct config_health *h, int full)
{
	char	 a[32], b[32], c[32], what[CTL_TEXTMAX];

	switch (h->type) {
	case HEALTH_NONE:
		pctl_kv(peerid, "health_check", "none");
		return;
	case HEALTH_HTTP:
		snprintf(what, sizeof(what), "http %s", h->target);
		break;
	case HEALTH_TCP:
		snprintf(what, sizeof(what), "tcp %s", h->target);
		break;
	case HEALTH_GRPC:
		snprintf(what, sizeof(what), "grpc %s service \"%s\"",
		    h->target, h->service != NULL ? h->service : "");
		break;
	case HEALTH_EXEC:
		strlcpy(what, "exec ", sizeof(what));
		if (full || h->exec_argc <= 1)
			pctl_join(what + 5, sizeof(what) - 5, h->exec_argv,
			    h->exec_argc);
		else {
			pctl_join(what + 5, sizeof(what) - 5, h->exec_argv, 1);
			strlcat(what, PCTL_HIDDEN, sizeof(what));
		}
		break;
	}
	pctl_kv(peerid, "health_check", "%s, every %s, timeout %s, retries %u, "
	    "start_period %s, on_unhealthy %s", what,
	    ctl_fmt_duration(h->interval_ms, a, sizeof(a)),
	    ctl_fmt_duration(h->timeout_ms, b, sizeof(b)), h->retries,
	    ctl_fmt_duration(h->start_period_ms, c, sizeof(c)),
	    h->on_unhealthy == UNHEALTHY_RESTART ? "restart" : "none");
}

/*
 * The command as a shell would read it back: an empty argument or one
 * with blanks or quotes in double quotes, so that none is lost to the
 * eye (the list is run as is, without a shell).
 */
static void
pctl_info_command(const struct config_svc *sc, char *buf, size_t len)
{
	const char	*a, *p;
	char		 c[3];
	size_t		 i;

	if (sc->shell || sc->argv == NULL) {
		strlcpy(buf, sc->command_str, len);
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < sc->argc; i++) {
		a = sc->argv[i];
		if (i > 0)
			strlcat(buf, " ", len);
		if (a[0] != '\0' && strpbrk(a, " \t\n\"'\\$`") == NULL) {
			strlcat(buf, a, len);
			continue;
		}
		strlcat(buf, "\"", len);
		for (p = a; *p != '\0'; p++) {
			c[0] = *p == '"' || *p == '\\' || *p == '$' ||
			    *p == '`' ? '\\' : *p;
			c[1] = c[0] == '\\' ? *p : '\0';
			c[2] = '\0';
			strlcat(buf, c, len);
		}
		strlcat(buf, "\"", len);
	}
}

static void
pctl_info_conf(uint32_t peerid, struct svc *s, int full)
{
	struct config_svc	*sc = s->grp->conf;
	char		 buf[CTL_TEXTMAX], a[32], b[32];
	size_t		 i;
	int		 c, first;
	static const char *restarts[] = { "on-failure", "always", "never" };
	static const char *readies[] = { "started", "notify", "healthy",
	    "tcp" };

	/* Arguments may hold secrets (--password=...): not for everyone. */
	pctl_info_command(sc, buf, sizeof(buf));
	if (full || (sc->argv != NULL && !sc->shell ? sc->argc <= 1 :
	    strcspn(sc->command_str, " \t") == strlen(sc->command_str)))
		pctl_kv(peerid, "command", "%s", buf);
	else {
		if (sc->argv != NULL && !sc->shell)
			strlcpy(buf, sc->argv[0], sizeof(buf));
		else
			pctl_program(buf, sizeof(buf), sc->command_str);
		pctl_kv(peerid, "command", "%s" PCTL_HIDDEN, buf);
	}
	pctl_kv(peerid, "shell", "%s", sc->shell ? "true" : "false");
	pctl_kv(peerid, "user", "%s", sc->user != NULL ? sc->user :
	    "(vigild's own)");
	pctl_kv(peerid, "group", "%s", sc->group != NULL ? sc->group :
	    "(the user's)");
	pctl_kv(peerid, "directory", "%s", sc->directory != NULL ?
	    sc->directory : "/");
	pctl_kv(peerid, "umask", "%03o", (unsigned int)sc->umask);
	buf[0] = '\0';
	for (i = 0; i < sc->nenv; i++) {
		if (i > 0)
			strlcat(buf, " ", sizeof(buf));
		strlcat(buf, sc->env[i].name, sizeof(buf));
	}
	pctl_kv(peerid, "environment", "%s", buf);
	pctl_kv(peerid, "env_file", "%s", sc->env_file != NULL ?
	    sc->env_file : "");
	pctl_kv(peerid, "inherit_environment", "%s",
	    sc->inherit_environment ? "true" : "false");
	pctl_kv(peerid, "autostart", "%s", sc->autostart ? "true" : "false");
	pctl_kv(peerid, "instances", "%u", sc->instances);
	if (sc->port.type == PORT_NONE)
		pctl_kv(peerid, "port", "none");
	else
		pctl_kv(peerid, "port", "%s%u-%u (this one %d)",
		    sc->port.type == PORT_AUTO ? "auto:" : "",
		    sc->port.lo, sc->port.hi, s->port);
	buf[0] = '\0';
	for (i = 0; i < sc->nlisten; i++) {
		if (i > 0)
			strlcat(buf, " ", sizeof(buf));
		strlcat(buf, sc->listen[i].url, sizeof(buf));
	}
	pctl_kv(peerid, "listen", "%s", buf);
	pctl_kv(peerid, "priority", "%d", sc->priority);
	pctl_join(buf, sizeof(buf), sc->depends_on, sc->ndepends_on);
	pctl_kv(peerid, "depends_on", "%s", buf);
	pctl_kv(peerid, "restart", "%s", (unsigned int)sc->restart <
	    nitems(restarts) ? restarts[sc->restart] : "?");
	buf[0] = '\0';
	for (c = 0, first = 1; c < 256; c++) {
		if (!config_svc_exit_expected(sc, c))
			continue;
		snprintf(a, sizeof(a), "%s%d", first ? "" : " ", c);
		strlcat(buf, a, sizeof(buf));
		first = 0;
	}
	pctl_kv(peerid, "exit_codes", "%s", buf);
	pctl_kv(peerid, "start_seconds", "%s",
	    ctl_fmt_duration(sc->start_seconds_ms, a, sizeof(a)));
	pctl_kv(peerid, "start_retries", "%u", sc->start_retries);
	pctl_kv(peerid, "backoff", "initial %s, max %s, factor %g, jitter %u%%",
	    ctl_fmt_duration(sc->backoff.initial_ms, a, sizeof(a)),
	    ctl_fmt_duration(sc->backoff.max_ms, b, sizeof(b)),
	    sc->backoff.factor, sc->backoff.jitter);
	if (sc->restart_limit.count == 0)
		pctl_kv(peerid, "restart_limit", "none");
	else
		pctl_kv(peerid, "restart_limit", "%u in %s",
		    sc->restart_limit.count, ctl_fmt_duration(
		    sc->restart_limit.window_ms, a, sizeof(a)));
	pctl_kv(peerid, "stop_signal", "%s",
	    config_signame(sc->stop_signal) != NULL ?
	    config_signame(sc->stop_signal) : "?");
	pctl_kv(peerid, "stop_timeout", "%s",
	    ctl_fmt_duration(sc->stop_timeout_ms, a, sizeof(a)));
	pctl_kv(peerid, "reload_signal", "%s",
	    config_signame(sc->reload_signal) != NULL ?
	    config_signame(sc->reload_signal) : "?");
	pctl_kv(peerid, "ready", "%s%s%s", (unsigned int)sc->ready <
	    nitems(readies) ? readies[sc->ready] : "?",
	    sc->ready_target != NULL ? " " : "",
	    sc->ready_target != NULL ? sc->ready_target : "");
	pctl_info_health(peerid, &sc->health, full);
	pctl_kv(peerid, "limits.memory", "%s", sc->limits.memory == 0 ?
	    "none" : ctl_fmt_bytes(sc->limits.memory, a, sizeof(a)));
	if (sc->limits.cpu == 0)
		pctl_kv(peerid, "limits.cpu", "none");
	else
		pctl_kv(peerid, "limits.cpu", "%u%%", sc->limits.cpu);
	pctl_kv(peerid, "limits.nofile", "%s",
	    pctl_rlimit(&sc->limits.nofile, 0, a, sizeof(a)));
	pctl_kv(peerid, "limits.nproc", "%s",
	    pctl_rlimit(&sc->limits.nproc, 0, a, sizeof(a)));
	pctl_kv(peerid, "limits.core", "%s",
	    pctl_rlimit(&sc->limits.core, 1, a, sizeof(a)));
	pctl_kv(peerid, "limits.stack", "%s",
	    pctl_rlimit(&sc->limits.stack, 1, a, sizeof(a)));
	pctl_kv(peerid, "limits.as", "%s",
	    pctl_rlimit(&sc->limits.as, 1, a, sizeof(a)));
	pctl_kv(peerid, "cgroup", "%s", s->cgroup != NULL ? s->cgroup :
	    sc->cgroup ? "(none available)" : "false");
}

/* log_dir/NAME.log, NAME-N.log for instances; NAME.err.log for stderr. */
static void
pctl_info_logs(uint32_t peerid, struct svc *s)
{
	struct config_svc	*sc = s->grp->conf;
	char		 base[VIGIL_IDNAMEMAX + 16], a[32];

	if (sc->instances > 1)
		snprintf(base, sizeof(base), "%s-%u", sc->name, s->instance);
	else
		strlcpy(base, sc->name, sizeof(base));
	if (sc->log.out == LOGDEST_FILE)
		pctl_kv(peerid, "log.stdout", "%s/%s.log", penv->log_dir,
		    base);
	else
		pctl_kv(peerid, "log.stdout", "%s", pctl_logdest(sc->log.out));
	if (sc->log.err == LOGDEST_FILE)
		pctl_kv(peerid, "log.stderr", "%s/%s.err.log", penv->log_dir,
		    base);
	else if (sc->log.err == LOGDEST_MERGE && sc->log.out == LOGDEST_FILE)
		pctl_kv(peerid, "log.stderr", "%s/%s.log (merged)",
		    penv->log_dir, base);
	else
		pctl_kv(peerid, "log.stderr", "%s", pctl_logdest(sc->log.err));
	pctl_kv(peerid, "log.max_size", "%s", sc->log.max_size == 0 ?
	    "none" : ctl_fmt_bytes(sc->log.max_size, a, sizeof(a)));
	pctl_kv(peerid, "log.keep", "%u", sc->log.keep);
	pctl_kv(peerid, "log.timestamps", "%s", sc->log.timestamps ?
	    "true" : "false");
}

static void pctl_info_one(uint32_t, struct svc *, int);

void
parent_control_info(uint32_t peerid, struct svc *s)
{
	pctl_info_one(peerid, s, 1);
}

/* full: the arguments of commands too (privileged callers). */
static void
pctl_info_one(uint32_t peerid, struct svc *s, int full)
{
	struct config_svc	*sc = s->grp->conf;
	struct pctl_stbatch	 b;
	struct ctl_exit		 ex;
	const struct svc_exit	*e;
	unsigned int		 n, k;

	b.peerid = peerid;
	b.len = 0;
	pctl_stbatch_add(&b, s);
	pctl_stbatch_flush(&b);
	if (s->adopted)
		pctl_kv(peerid, "adopted", "from a previous vigild: not its "
		    "child, so how it exits will be unknown");
	pctl_kv(peerid, "defined_at", "%s:%zu", sc->pos.file != NULL ?
	    sc->pos.file : "?", sc->pos.line);
	pctl_info_conf(peerid, s, full);
	pctl_info_logs(peerid, s);

	/* The exits remembered, oldest first. */
	n = s->nhistory < SVC_HISTORY ? s->nhistory : SVC_HISTORY;
	for (k = s->nhistory - n; k < s->nhistory; k++) {
		e = &s->history[k % SVC_HISTORY];
		memset(&ex, 0, sizeof(ex));
		ex.when = (int64_t)e->when;
		ex.pid = e->pid;
		ex.status = e->status;
		ex.spawn_errno = e->spawn_errno;
		ex.uptime_ms = e->uptime_ms;
		(void)parent_control_send(peerid, IMSG_CTL_EXIT, &ex,
		    sizeof(ex));
	}
}

/*
 * status -l, -j status -l, /metrics and info show CPU and memory, which
 * are sampled only while someone looks (monitor_sample.c).  After a quiet
 * spell the first answer waits for the first figures (two passes, about
 * a quarter of a second), at most PCTL_SAMPLE_WAIT_MS.
 */
#define PCTL_SAMPLE_WAIT_MS	1500

struct pctl_deferred {
	TAILQ_ENTRY(pctl_deferred) entry;
	uint32_t		 peerid;
	uint32_t		 cmd;
};
static TAILQ_HEAD(, pctl_deferred) pctl_deferred =
    TAILQ_HEAD_INITIALIZER(pctl_deferred);
static struct event		 pctl_defer_ev;
static int			 pctl_defer_init;

static void	pctl_status_answer(struct pctl_peer *);
static void	pctl_info_answer(struct pctl_peer *);

static void
pctl_defer_flush(void)
{
	struct pctl_deferred	*d;
	struct pctl_peer	*p;

	evtimer_del(&pctl_defer_ev);
	while ((d = TAILQ_FIRST(&pctl_deferred)) != NULL) {
		TAILQ_REMOVE(&pctl_deferred, d, entry);
		/* Gone meanwhile (the client left): nothing to answer. */
		if ((p = pctl_peer_find(d->peerid)) != NULL && p->busy &&
		    p->req.cmd == d->cmd) {
			if (d->cmd == CTL_CMD_INFO)
				pctl_info_answer(p);
			else
				pctl_status_answer(p);
		}
		free(d);
	}
}

static void
pctl_defer_timeout(int fd, short ev, void *arg)
{
	pctl_defer_flush();
}

static void
pctl_defer_sampled(void)
{
	if (!TAILQ_EMPTY(&pctl_deferred) && parent_monitor_watch(0))
		pctl_defer_flush();
}

/* 1: answered later; 0: the figures are fresh, answer now. */
static int
pctl_defer(struct pctl_peer *p)
{
	struct pctl_deferred	*d;
	struct timeval		 tv;

	if (parent_monitor_watch(10))
		return (0);
	if (!pctl_defer_init) {
		evtimer_set(&pctl_defer_ev, pctl_defer_timeout, NULL);
		parent_monitor_add_sample_listener(pctl_defer_sampled);
		pctl_defer_init = 1;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL)
		fatal(NULL);
	d->peerid = p->peerid;
	d->cmd = p->req.cmd;
	TAILQ_INSERT_TAIL(&pctl_deferred, d, entry);
	if (!evtimer_pending(&pctl_defer_ev, NULL)) {
		tv.tv_sec = PCTL_SAMPLE_WAIT_MS / 1000;
		tv.tv_usec = (PCTL_SAMPLE_WAIT_MS % 1000) * 1000;
		evtimer_add(&pctl_defer_ev, &tv);
	}
	return (1);
}

void
pctl_cmd_status(struct pctl_peer *p)
{
	/* status -l shows CPU and memory: sampled first, and a while. */
	if ((p->req.flags & CTL_F_LONG) && pctl_defer(p))
		return;
	pctl_status_answer(p);
}

static void
pctl_status_answer(struct pctl_peer *p)
{
	struct pctl_stbatch	 b;
	struct svc		**v;
	size_t			 n, i;

	v = pctl_resolve(p, 1, &n);
	b.peerid = p->peerid;
	b.len = 0;
	for (i = 0; i < n; i++)
		pctl_stbatch_add(&b, v[i]);
	pctl_stbatch_flush(&b);
	free(v);
	pctl_finish(p, p->result, p->result ? "%s" : NULL, p->failmsg);
}

/* No target: END carries the daemon's pid; else the status records. */
void
pctl_cmd_pid(struct pctl_peer *p)
{
	if (p->ntargets == 0)
		pctl_finish(p, CTL_RES_OK, NULL);
	else
		pctl_cmd_status(p);
}

void
pctl_cmd_info(struct pctl_peer *p)
{
	if (p->ntargets > 0 && pctl_defer(p))
		return;
	pctl_info_answer(p);
}

static void
pctl_info_answer(struct pctl_peer *p)
{
	struct svc	**v;
	size_t		  n, i;

	v = pctl_resolve(p, 0, &n);
	if (p->ntargets == 0) {
		free(v);
		pctl_finish(p, CTL_RES_USAGE, "info needs a target");
		return;
	}
	if (n > CTL_INFO_MAX) {
		free(v);
		pctl_finish(p, CTL_RES_USAGE, "%zu processes match; info "
		    "describes at most %d at once", n, CTL_INFO_MAX);
		return;
	}
	for (i = 0; i < n; i++)
		pctl_info_one(p->peerid, v[i], p->privileged);
	free(v);
	pctl_finish(p, p->result, p->result ? "%s" : NULL, p->failmsg);
}

void
pctl_cmd_version(struct pctl_peer *p)
{
	pctl_finish(p, CTL_RES_OK, "%s", VIGIL_VERSION);
}
