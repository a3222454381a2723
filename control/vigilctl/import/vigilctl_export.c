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
 * vigilctl export systemd TARGET ...: a systemd unit for each service of
 * the configuration file (read here, not asked of vigild, so it works
 * without a running daemon and shows the file, not what runs).  A
 * service with instances becomes a template, NAME@.service, its instance
 * number being %i.  Whatever has no systemd equivalent is a comment.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "config.h"
#include "vigilctl_import.h"

struct sb {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

/* What ${...} may turn into: in ExecStart=, or in a literal value. */
enum xl_ctx {
	XL_EXEC,
	XL_LITERAL
};

struct unit {
	FILE			*fp;
	struct vigil_conf	*conf;
	struct config_svc	*svc;
	int			 tmpl;		/* NAME@.service */
	int			 port_note;	/* ${PORT} needs a note */
};

static void	 sb_addn(struct sb *, const char *, size_t);
static void	 sb_adds(struct sb *, const char *);
static void	 sb_addc(struct sb *, char);
static const char *env_lookup(struct config_svc *, const char *, size_t);
static char	*xlate(struct unit *, const char *, enum xl_ctx);
static char	*exec_word(const char *);
static char	*quoted(const char *);
static const char *sd_time(uint64_t);
static void	 unit_deps(struct unit *);
static void	 unit_exec(struct unit *);
static void	 unit_env(struct unit *);
static void	 unit_restart(struct unit *);
static void	 unit_limits(struct unit *);
static void	 unit_log(struct unit *);
static void	 unit_print(FILE *, struct vigil_conf *, struct config_svc *);
static int	 export_usage(void);

static void
sb_addn(struct sb *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if ((b->s = realloc(b->s, b->cap)) == NULL)
			err(1, NULL);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
sb_adds(struct sb *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

static void
sb_addc(struct sb *b, char c)
{
	sb_addn(b, &c, 1);
}

static const char *
env_lookup(struct config_svc *svc, const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < svc->nenv; i++)
		if (strlen(svc->env[i].name) == len &&
		    strncmp(svc->env[i].name, name, len) == 0)
			return (svc->env[i].value);
	return (NULL);
}

/*
 * vigil's ${...} in systemd's terms.  ${NAME} is the name, ${INSTANCE}
 * %i (or 0), ${PORT} the port of a service without instances.  In
 * ExecStart= other variables stay ${VAR} (systemd substitutes them from
 * Environment=); in literal values they are replaced by the service's own
 * value.  `$$` is vigil's literal `$`; `%` is doubled, systemd's `%%`.
 */
static char *
xlate(struct unit *u, const char *s, enum xl_ctx ctx)
{
	struct config_svc	*svc = u->svc;
	struct sb	 b = { NULL, 0, 0 };
	const char	*p, *e, *v;
	char		 num[16];
	size_t		 n;

	sb_adds(&b, "");
	for (p = s; *p != '\0'; p++) {
		if (*p == '%') {
			sb_adds(&b, "%%");
			continue;
		}
		if (*p != '$') {
			sb_addc(&b, *p);
			continue;
		}
		if (p[1] == '$' || p[1] != '{' ||
		    (e = strchr(p + 2, '}')) == NULL) {
			/* A literal $. */
			sb_adds(&b, ctx == XL_EXEC ? "$$" : "$");
			if (p[1] == '$')
				p++;
			continue;
		}
		n = e - p - 2;
		if (n == 4 && strncmp(p + 2, "NAME", 4) == 0)
			sb_adds(&b, svc->name);
		else if (n == 8 && strncmp(p + 2, "INSTANCE", 8) == 0)
			sb_adds(&b, u->tmpl ? "%i" : "0");
		else if (n == 4 && strncmp(p + 2, "PORT", 4) == 0 &&
		    !u->tmpl && svc->port.type == PORT_FIXED) {
			snprintf(num, sizeof(num), "%u", svc->port.lo);
			sb_adds(&b, num);
		} else if (n == 4 && strncmp(p + 2, "PORT", 4) == 0) {
			u->port_note = 1;
			sb_adds(&b, ctx == XL_EXEC ? "${PORT}" : "");
		} else if (ctx == XL_EXEC)
			sb_addn(&b, p, n + 3);
		else if ((v = env_lookup(svc, p + 2, n)) != NULL) {
			for (; *v != '\0'; v++) {
				if (*v == '%')
					sb_addc(&b, '%');
				sb_addc(&b, *v);
			}
		} else
			fprintf(u->fp, "# ${%.*s} comes from vigild's "
			    "environment: left empty here\n", (int)n, p + 2);
		p = e;
	}
	return (b.s);
}

/*
 * One word of ExecStart=, already translated: quoted when it holds
 * spaces, quotes, backslashes or control characters, or is empty; a lone
 * ";" (systemd's command separator) escaped.
 */
static char *
exec_word(const char *s)
{
	if (strcmp(s, ";") == 0)
		return (imp_strdup("\\;"));
	if (*s != '\0' && strpbrk(s, " \t\n\r\"'\\") == NULL) {
		const unsigned char *p;

		for (p = (const unsigned char *)s; *p != '\0'; p++)
			if (*p < 0x20 || *p == 0x7f)
				break;
		if (*p == '\0')
			return (imp_strdup(s));
	}
	return (quoted(s));
}

/* "s" with C escapes, as systemd reads a double-quoted string. */
static char *
quoted(const char *s)
{
	struct sb		 b = { NULL, 0, 0 };
	const unsigned char	*p;
	char			 x[8];

	sb_addc(&b, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			sb_addc(&b, '\\');
			sb_addc(&b, *p);
		} else if (*p == '\n')
			sb_adds(&b, "\\n");
		else if (*p == '\t')
			sb_adds(&b, "\\t");
		else if (*p < 0x20 || *p == 0x7f) {
			snprintf(x, sizeof(x), "\\x%02x", *p);
			sb_adds(&b, x);
		} else
			sb_addc(&b, *p);
	}
	sb_addc(&b, '"');
	return (b.s);
}

/* A systemd time span; the result lives until the next call. */
static const char *
sd_time(uint64_t ms)
{
	static char	buf[32];

	if (ms % 1000 != 0)
		snprintf(buf, sizeof(buf), "%llums", (unsigned long long)ms);
	else
		snprintf(buf, sizeof(buf), "%llus",
		    (unsigned long long)(ms / 1000));
	return (buf);
}

/* depends_on: start after (and stop before) each; instances: all of them. */
static void
unit_deps(struct unit *u)
{
	struct config_svc	*svc = u->svc, *dep;
	struct sb	 b = { NULL, 0, 0 };
	char		 name[160];
	size_t		 i;
	unsigned int	 j;

	for (i = 0; i < svc->ndepends_on; i++) {
		dep = config_find(u->conf, svc->depends_on[i]);
		if (dep == NULL || dep->instances <= 1) {
			snprintf(name, sizeof(name), " %s.service",
			    svc->depends_on[i]);
			sb_adds(&b, name);
			continue;
		}
		for (j = 0; j < dep->instances; j++) {
			snprintf(name, sizeof(name), " %s@%u.service",
			    dep->name, j);
			sb_adds(&b, name);
		}
	}
	if (b.s != NULL) {
		fprintf(u->fp, "After=%s\nRequires=%s\n", b.s + 1, b.s + 1);
		for (i = 0; i < svc->ndepends_on; i++)
			if ((dep = config_find(u->conf, svc->depends_on[i])) !=
			    NULL && dep->ready != READY_NOTIFY &&
			    dep->ready != READY_STARTED)
				fprintf(u->fp, "# %s is ready when %s in vigil; "
				    "systemd waits only for it to start\n",
				    dep->name, dep->ready == READY_HEALTHY ?
				    "healthy" : "it accepts connections");
	}
	free(b.s);
}

static void
unit_exec(struct unit *u)
{
	struct config_svc	*svc = u->svc;
	char		*w, *q;
	size_t		 i;
	const char	*sig;

	switch (svc->ready) {
	case READY_NOTIFY:
		fprintf(u->fp, "Type=notify\nNotifyAccess=all\n");
		break;
	case READY_HEALTHY:
		fprintf(u->fp, "# ready: healthy: systemd has no health "
		    "checks; it counts the service ready once started\n");
		fprintf(u->fp, "Type=exec\n");
		break;
	case READY_TCP:
		fprintf(u->fp, "# ready: tcp://%s: systemd counts the "
		    "service ready once started\n", svc->ready_target);
		fprintf(u->fp, "Type=exec\n");
		break;
	default:
		fprintf(u->fp, "Type=exec\n");
		break;
	}
	fprintf(u->fp, "ExecStart=");
	if (svc->shell) {
		w = xlate(u, svc->command_str, XL_EXEC);
		q = quoted(w);
		fprintf(u->fp, "/bin/sh -c %s", q);
		free(q);
		free(w);
	} else
		for (i = 0; i < svc->argc; i++) {
			w = xlate(u, svc->argv[i], XL_EXEC);
			q = exec_word(w);
			if (i == 0 && strchr("@-:+!", q[0]) != NULL)
				fprintf(u->fp, "%s", "./");
			fprintf(u->fp, "%s%s", i > 0 ? " " : "", q);
			free(q);
			free(w);
		}
	fputc('\n', u->fp);
	if ((sig = config_signame(svc->reload_signal)) != NULL)
		fprintf(u->fp, "ExecReload=/bin/kill -%s $MAINPID\n", sig);
	if (svc->user != NULL)
		fprintf(u->fp, "User=%s\n", svc->user);
	if (svc->group != NULL)
		fprintf(u->fp, "Group=%s\n", svc->group);
	if (svc->directory != NULL) {
		w = xlate(u, svc->directory, XL_LITERAL);
		fprintf(u->fp, "WorkingDirectory=%s\n", w);
		free(w);
	}
	fprintf(u->fp, "UMask=%04o\n", (unsigned int)svc->umask);
}

static void
unit_env(struct unit *u)
{
	struct config_svc	*svc = u->svc;
	char		*v, *a, *q;
	size_t		 i;

	fprintf(u->fp, "Environment=VIGIL_SERVICE=%s VIGIL_INSTANCE=%s\n",
	    svc->name, u->tmpl ? "%i" : "0");
	if (!u->tmpl && svc->port.type == PORT_FIXED)
		fprintf(u->fp, "Environment=PORT=%u\n", svc->port.lo);
	for (i = 0; i < svc->nenv; i++) {
		v = xlate(u, svc->env[i].value, XL_LITERAL);
		a = imp_printf("%s=%s", svc->env[i].name, v);
		q = quoted(a);
		fprintf(u->fp, "Environment=%s\n", q);
		free(q);
		free(a);
		free(v);
	}
	if (svc->env_file != NULL)
		fprintf(u->fp, "EnvironmentFile=%s\n", svc->env_file);
	if (svc->inherit_environment)
		fprintf(u->fp, "# inherit_environment: systemd gives a "
		    "service its own small environment, not vigild's\n");
	if (u->port_note || (u->tmpl && svc->port.type != PORT_NONE)) {
		if (svc->port.type == PORT_FIXED)
			fprintf(u->fp, "# port: each instance has its own "
			    "PORT (%s@N: %u + N): set it with `systemctl "
			    "edit %s@N` and Environment=PORT=...\n",
			    svc->name, svc->port.lo, svc->name);
		else if (svc->port.type == PORT_AUTO)
			fprintf(u->fp, "# port: auto:%u-%u: systemd does not "
			    "pick ports: set Environment=PORT=...\n",
			    svc->port.lo, svc->port.hi);
		else
			fprintf(u->fp, "# ${PORT}: the service has no port\n");
	}
}

static void
unit_restart(struct unit *u)
{
	struct config_svc	*svc = u->svc;
	const char	*sig;
	int		 c, any = 0;

	switch (svc->restart) {
	case RESTART_ALWAYS:
		fprintf(u->fp, "Restart=always\n");
		break;
	case RESTART_NEVER:
		fprintf(u->fp, "Restart=no\n");
		break;
	default:
		fprintf(u->fp, "Restart=on-failure\n");
		break;
	}
	for (c = 1; c < 256; c++)
		if (config_svc_exit_expected(svc, c)) {
			fprintf(u->fp, "%s%d", any ? " " : "SuccessExitStatus=",
			    c);
			any = 1;
		}
	if (any)
		fputc('\n', u->fp);
	if (!config_svc_exit_expected(svc, 0))
		fprintf(u->fp, "# exit_codes without 0: systemd always counts "
		    "exit 0 as a success\n");
	fprintf(u->fp, "RestartSec=%s\n", sd_time(svc->backoff.initial_ms));
	if (svc->backoff.factor > 1.0)
		fprintf(u->fp, "# backoff: factor %g up to %s: on systemd 254 "
		    "and later, RestartSteps= and RestartMaxDelaySec=\n",
		    svc->backoff.factor, sd_time(svc->backoff.max_ms));
	fprintf(u->fp, "# start_seconds %s, start_retries %u: no "
	    "equivalent; systemd limits starts per interval ([Unit] "
	    "StartLimit*)\n", sd_time(svc->start_seconds_ms),
	    svc->start_retries);
	if ((sig = config_signame(svc->stop_signal)) != NULL)
		fprintf(u->fp, "KillSignal=SIG%s\n", sig);
	fprintf(u->fp, "TimeoutStopSec=%s\n", sd_time(svc->stop_timeout_ms));
}

static void
unit_limits(struct unit *u)
{
	static const struct {
		const char	*key;
		size_t		 off;
	} rl[] = {
		{ "LimitNOFILE", offsetof(struct config_limits, nofile) },
		{ "LimitNPROC", offsetof(struct config_limits, nproc) },
		{ "LimitCORE", offsetof(struct config_limits, core) },
		{ "LimitSTACK", offsetof(struct config_limits, stack) },
		{ "LimitAS", offsetof(struct config_limits, as) },
	};
	struct config_svc		*svc = u->svc;
	const struct config_rlimit	*r;
	size_t				 i;

	for (i = 0; i < nitems(rl); i++) {
		r = (const struct config_rlimit *)((const char *)&svc->limits +
		    rl[i].off);
		if (!r->set)
			continue;
		if (r->value == CONFIG_UNLIMITED)
			fprintf(u->fp, "%s=infinity\n", rl[i].key);
		else if (i < 2)
			fprintf(u->fp, "%s=%llu\n", rl[i].key,
			    (unsigned long long)r->value);
		else
			fprintf(u->fp, "%s=%s\n", rl[i].key,
			    imp_size(r->value));
	}
	if (svc->limits.memory != 0) {
		fprintf(u->fp, "# limits.memory: vigil restarts the service "
		    "above it; systemd's OOM killer kills it (then "
		    "Restart= applies)\n");
		fprintf(u->fp, "MemoryMax=%s\n", imp_size(svc->limits.memory));
	}
	if (svc->limits.cpu != 0)
		fprintf(u->fp, "CPUQuota=%u%%\n", svc->limits.cpu);
	if (!svc->cgroup)
		fprintf(u->fp, "# cgroup: false: systemd always runs a "
		    "service in its own cgroup\n");
}

static const char *
sd_output(enum config_log_dest d)
{
	switch (d) {
	case LOGDEST_NONE:
		return ("null");
	case LOGDEST_MERGE:
		return ("inherit");
	default:
		return ("journal");
	}
}

static void
unit_log(struct unit *u)
{
	struct config_svc	*svc = u->svc;

	fprintf(u->fp, "StandardOutput=%s\nStandardError=%s\n",
	    sd_output(svc->log.out), sd_output(svc->log.err));
	if (svc->log.out == LOGDEST_FILE || svc->log.err == LOGDEST_FILE ||
	    svc->log.out == LOGDEST_SYSLOG || svc->log.err == LOGDEST_SYSLOG)
		fprintf(u->fp, "# log: to the journal (journalctl -u %s%s), "
		    "which rotates on its own and forwards to syslog where "
		    "configured; max_size %s, keep %u%s do not apply\n",
		    svc->name, u->tmpl ? "@N" : "", imp_size(svc->log.max_size),
		    svc->log.keep, svc->log.timestamps ? ", timestamps" : "");
}

static void
unit_print(FILE *fp, struct vigil_conf *conf, struct config_svc *svc)
{
	struct unit	 u;
	size_t		 i;

	memset(&u, 0, sizeof(u));
	u.fp = fp;
	u.conf = conf;
	u.svc = svc;
	u.tmpl = svc->instances > 1;

	fprintf(fp, "# %s%s.service: made by `vigilctl export systemd %s` "
	    "from %s:%zu\n", svc->name, u.tmpl ? "@" : "", svc->name,
	    svc->pos.file, svc->pos.line);
	if (u.tmpl)
		fprintf(fp, "# instances: %u: systemctl enable --now "
		    "%s@{0..%u}.service\n", svc->instances, svc->name,
		    svc->instances - 1);
	fprintf(fp, "[Unit]\nDescription=vigil service %s%s\n", svc->name,
	    u.tmpl ? ":%i" : "");
	unit_deps(&u);
	if (svc->restart_limit.count > 0)
		fprintf(fp, "StartLimitIntervalSec=%s\nStartLimitBurst=%u\n",
		    sd_time(svc->restart_limit.window_ms),
		    svc->restart_limit.count);
	if (svc->priority != 999)
		fprintf(fp, "# priority %d: systemd orders only by After=\n",
		    svc->priority);

	fprintf(fp, "\n[Service]\n");
	unit_exec(&u);
	unit_env(&u);
	unit_restart(&u);
	unit_limits(&u);
	unit_log(&u);
	for (i = 0; i < svc->nlisten; i++)
		fprintf(fp, "# listen: %s: socket activation, a %s.socket "
		    "unit with ListenStream=%s\n", svc->listen[i].url,
		    svc->name, svc->listen[i].type == LISTEN_UNIX ?
		    svc->listen[i].path : svc->listen[i].url + 6);
	if (svc->health.type == HEALTH_GRPC)
		fprintf(fp, "# health: grpc %s: not carried over; systemd has "
		    "no health checks (a service can ping its watchdog, "
		    "WatchdogSec=, sd_notify WATCHDOG=1)\n", svc->health.target);
	else if (svc->health.type != HEALTH_NONE)
		fprintf(fp, "# health: no equivalent; a service can ping "
		    "systemd's watchdog (WatchdogSec=, sd_notify "
		    "WATCHDOG=1)\n");

	if (svc->autostart)
		fprintf(fp, "\n[Install]\nWantedBy=multi-user.target\n");
	else
		fprintf(fp, "\n# autostart: false: no [Install], started "
		    "with systemctl start only\n");
}

static int
export_usage(void)
{
	fprintf(stderr, "usage: vigilctl export systemd [-o directory] "
	    "target ...\n");
	return (2);
}

int
vigilctl_export(int argc, char *argv[], const char *config_path)
{
	struct config_errors	 errs;
	struct vigil_conf	*conf;
	struct config_svc	*svc;
	const char		*dir = NULL;
	char			 pat[256], *colon, *path;
	FILE			*fp;
	int			*done, i, n, rv = 0, first = 1, matched, fd;

	if (argc < 2 || strcmp(argv[1], "systemd") != 0) {
		if (argc >= 2)
			fprintf(stderr, "vigilctl export: %s: only systemd "
			    "units can be made\n", argv[1]);
		return (export_usage());
	}
	for (i = 2; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else
			return (export_usage());
	}
	if (i == argc)
		return (export_usage());

	if (config_path == NULL)
		config_path = config_default_path();
	config_errors_init(&errs);
	if ((conf = config_load(config_path, CONFIG_NO_RESOLVE,
	    &errs)) == NULL) {
		config_errors_print(&errs, stderr);
		config_errors_free(&errs);
		return (1);
	}
	config_errors_free(&errs);
	if ((done = calloc(conf->nservices + 1, sizeof(*done))) == NULL)
		err(1, NULL);

	for (; i < argc; i++) {
		/* name:N and name:* select the whole template. */
		strlcpy(pat, argv[i], sizeof(pat));
		if ((colon = strchr(pat, ':')) != NULL)
			*colon = '\0';
		matched = 0;
		n = 0;
		TAILQ_FOREACH(svc, &conf->services, entry) {
			if (strcmp(pat, "all") == 0 ||
			    fnmatch(pat, svc->name, 0) == 0) {
				matched = 1;
				if (!done[n]) {
					done[n] = 1;
					if (dir != NULL) {
						path = imp_printf("%s/%s%s."
						    "service", dir, svc->name,
						    svc->instances > 1 ? "@" :
						    "");
						if ((fd = open(path, O_WRONLY |
						    O_CREAT | O_TRUNC, 0644)) ==
						    -1 || (fp = fdopen(fd,
						    "w")) == NULL) {
							warn("export: %s", path);
							free(path);
							rv = 1;
							n++;
							continue;
						}
						unit_print(fp, conf, svc);
						if (fclose(fp) == EOF) {
							warn("export: %s",
							    path);
							rv = 1;
						} else
							printf("%s\n", path);
						free(path);
					} else {
						if (!first)
							putchar('\n');
						unit_print(stdout, conf, svc);
					}
					first = 0;
				}
			}
			n++;
		}
		if (!matched) {
			fprintf(stderr, "%s: ERROR (no such process)\n",
			    argv[i]);
			if (rv == 0)
				rv = 5;
		}
	}
	free(done);
	config_free(conf);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("export: stdout");
		return (1);
	}
	return (rv);
}
