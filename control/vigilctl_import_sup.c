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
 * supervisord configuration -> vigild.conf.  Each [program:x] becomes a
 * service; supervisord's defaults that differ from vigil's go into
 * `defaults:`; every key that does not map is kept as a comment.
 */

#include <sys/queue.h>
#include <sys/types.h>

#include <ctype.h>
#include <err.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "config.h"
#include "vigilctl_import.h"
#include "vigilctl_import_ini.h"

/* supervisord's own defaults, where vigil's differ. */
#define SUP_LOG_MAXBYTES	(50ULL * 1024 * 1024)
#define SUP_LOG_BACKUPS		10

struct envpair {
	char	*name;
	char	*value;			/* ready for vigild: ${...} */
};

struct sup {
	struct ini		 ini;
	struct imp_ctx		*ctx;
	struct imp_node		*notes;		/* top-level comments */
	struct envpair		*genv;		/* [supervisord] environment */
	size_t			 ngenv;
};

/* Keys that have no equivalent, with the reason given in the comment. */
static const struct {
	const char	*key;
	const char	*why;
} reasons[] = {
	{ "serverurl", "vigil has no XML-RPC interface" },
	{ "stdout_capture_maxbytes", "vigil has no capture mode" },
	{ "stderr_capture_maxbytes", "vigil has no capture mode" },
	{ "stdout_events_enabled", "vigil has no event listeners "
	    "(GET /api/v1/events streams state changes)" },
	{ "stderr_events_enabled", "vigil has no event listeners "
	    "(GET /api/v1/events streams state changes)" },
	{ "logfile", "vigild logs to syslog, or to stderr with -d" },
	{ "logfile_maxbytes", "vigild logs to syslog, or to stderr with -d" },
	{ "logfile_backups", "vigild logs to syslog, or to stderr with -d" },
	{ "loglevel", "vigild -v logs more" },
	{ "pidfile", "vigild -p FILE (default /var/run/vigild.pid)" },
	{ "nodaemon", "vigild -d stays in the foreground" },
	{ "silent", "vigild -d logs to stderr, otherwise to syslog" },
	{ "nocleanup", "vigil keeps no AUTO log files to clean up" },
	{ "strip_ansi", "vigil logs output as the programs write it" },
	{ "identifier", "no equivalent" },
	{ "username", "vigil checks local clients by their credentials "
	    "(socket group) and HTTP clients by a token (http token_file)" },
	{ "password", "vigil checks local clients by their credentials "
	    "(socket group) and HTTP clients by a token (http token_file)" },
	{ "prompt", "vigilctl has no interactive mode" },
	{ "history_file", "vigilctl has no interactive mode" },
};

static void	 unsupported(struct sup *, struct imp_node *, struct ini_sec *,
		    const char *);
static char	*oneline(const char *);
static char	*sup_get(struct sup *, struct ini_sec *, const char *,
		    const struct ini_exp *, struct ini_kv **);
static int	 sup_bool(struct sup *, struct ini_kv *, const char *, int *);
static int	 sup_int(struct sup *, struct ini_kv *, const char *,
		    long long, long long, long long *);
static int	 sup_bytes(struct sup *, struct ini_kv *, const char *,
		    uint64_t *);
static int	 sup_env(struct sup *, struct ini_kv *, const char *,
		    struct envpair **, size_t *);
static void	 env_free(struct envpair *, size_t);
static int	 sup_main(struct sup *, struct ini_sec *);
static int	 sup_unix(struct sup *, struct ini_sec *);
static int	 sup_inet(struct sup *, struct ini_sec *);
static int	 sup_log(struct sup *, struct ini_sec *, struct imp_node *,
		    const struct ini_exp *);
static int	 sup_program(struct sup *, struct ini_sec *, const char *);
static const char *sup_group_of(struct sup *, const char *,
		    struct ini_sec **);
static int	 sup_groups(struct sup *);

/* A value on one line, for a comment. */
static char *
oneline(const char *s)
{
	char	*d, *p;

	d = imp_strdup(s);
	for (p = d; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return d;
}

/* Every key of sec that the mapping did not use, as a comment in m. */
static void
unsupported(struct sup *sup, struct imp_node *m, struct ini_sec *sec,
    const char *why)
{
	struct ini_kv	*kv;
	const char	*r;
	char		*v;
	size_t		 i;

	TAILQ_FOREACH(kv, &sec->kvs, entry) {
		if (kv->used)
			continue;
		kv->used = 1;
		r = why;
		for (i = 0; r == NULL && i < nitems(reasons); i++)
			if (strcmp(kv->key, reasons[i].key) == 0)
				r = reasons[i].why;
		v = oneline(kv->val);
		imp_note(m, "unsupported: %s%s%s%s = %s%s%s%s",
		    m == sup->notes ? "[" : "", m == sup->notes ? sec->name : "",
		    m == sup->notes ? "] " : "", kv->key, v,
		    r != NULL ? " (" : "", r != NULL ? r : "",
		    r != NULL ? ")" : "");
		free(v);
	}
}

/*
 * The expanded value of key in sec (or [DEFAULT]); NULL if absent or on an
 * error (then ctx->nerr grows).
 */
static char *
sup_get(struct sup *sup, struct ini_sec *sec, const char *key,
    const struct ini_exp *exp, struct ini_kv **kvp)
{
	struct ini_kv	*kv;

	*kvp = NULL;
	if ((kv = ini_kv(&sup->ini, sec, key)) == NULL)
		return NULL;
	*kvp = kv;
	return ini_expand(&sup->ini, kv, exp);
}

/* supervisord's boolean: true/yes/on/1 or false/no/off/0. */
static int
sup_bool(struct sup *sup, struct ini_kv *kv, const char *v, int *b)
{
	static const char *const t[] = { "true", "yes", "on", "1" };
	static const char *const f[] = { "false", "no", "off", "0" };
	size_t	i;

	for (i = 0; i < nitems(t); i++) {
		if (strcasecmp(v, t[i]) == 0) {
			*b = 1;
			return 0;
		}
		if (strcasecmp(v, f[i]) == 0) {
			*b = 0;
			return 0;
		}
	}
	imp_err(sup->ctx, kv->file->path, kv->line, 0,
	    "%s: not a boolean: \"%s\"", kv->key, v);
	return -1;
}

static int
sup_int(struct sup *sup, struct ini_kv *kv, const char *v, long long min,
    long long max, long long *n)
{
	const char	*e;

	*n = strtonum(v, min, max, &e);
	if (e != NULL) {
		imp_err(sup->ctx, kv->file->path, kv->line, 0,
		    "%s: \"%s\" is %s (%lld..%lld)", kv->key, v, e, min, max);
		return -1;
	}
	return 0;
}

/* supervisord's byte_size: a number, optionally with KB, MB or GB. */
static int
sup_bytes(struct sup *sup, struct ini_kv *kv, const char *v, uint64_t *n)
{
	const char	*e;

	if (strspn(v, "0123456789") == strlen(v) && *v != '\0') {
		*n = strtonum(v, 0, LLONG_MAX, &e);
		if (e == NULL)
			return 0;
	} else if (config_parse_size(v, n, &e) == 0)
		return 0;
	imp_err(sup->ctx, kv->file->path, kv->line, 0,
	    "%s: not a size: \"%s\"", kv->key, v);
	return -1;
}

static void
env_free(struct envpair *e, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].value);
	}
	free(e);
}

/*
 * supervisord's environment= value, KEY=val,KEY2="v a l": split the way
 * supervisord does it (Python's shlex in non-POSIX mode, words of
 * letters, digits and _/.+-():, quoted strings kept whole), then taken
 * three tokens at a time, KEY = VALUE, with the separator after each;
 * quotes are stripped off the ends of the value.  Pairs are appended to
 * (or replace same-named ones in) *ep.
 */
static int
sup_env(struct sup *sup, struct ini_kv *kv, const char *s,
    struct envpair **ep, size_t *np)
{
	char		**tok = NULL, *v, *w;
	size_t		 ntok = 0, i, j, n, len;
	const char	*p, *q;
	int		 rv = -1;

#define WORDCHAR(c)	(isalnum((unsigned char)(c)) || (c) == '_' || \
	    strchr("/.+-():\001\002", (c)) != NULL || (unsigned char)(c) >= 0x80)

	for (p = s; *p != '\0'; ) {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (*p == '#') {
			p += strcspn(p, "\n");
			continue;
		}
		if (*p == '"' || *p == '\'') {
			if ((q = strchr(p + 1, *p)) == NULL) {
				imp_err(sup->ctx, kv->file->path, kv->line, 0,
				    "environment: no closing quotation");
				goto out;
			}
			len = q - p + 1;
		} else if (WORDCHAR(*p)) {
			for (q = p; *q != '\0' && (WORDCHAR(*q) ||
			    *q == '"' || *q == '\''); q++)
				;
			len = q - p;
		} else
			len = 1;
		if ((tok = reallocarray(tok, ntok + 1, sizeof(*tok))) == NULL)
			err(1, NULL);
		if ((tok[ntok] = strndup(p, len)) == NULL)
			err(1, NULL);
		ntok++;
		p += len;
	}
#undef WORDCHAR

	for (i = 0; i < ntok; i += 4) {
		if (i + 2 >= ntok || strcmp(tok[i + 1], "=") != 0) {
			imp_err(sup->ctx, kv->file->path, kv->line, 0,
			    "environment: unexpected end of key/value pairs "
			    "in \"%s\"", kv->val);
			goto out;
		}
		w = tok[i + 2];
		w += strspn(w, "\"'");
		len = strlen(w);
		while (len > 0 && (w[len - 1] == '"' || w[len - 1] == '\''))
			len--;
		w[len] = '\0';
		v = ini_vigil(w);
		for (j = 0; j < *np; j++)
			if (strcmp((*ep)[j].name, tok[i]) == 0)
				break;
		if (j < *np) {
			free((*ep)[j].value);
			(*ep)[j].value = v;
			continue;
		}
		n = *np + 1;
		if ((*ep = reallocarray(*ep, n, sizeof(**ep))) == NULL)
			err(1, NULL);
		(*ep)[j].name = imp_strdup(tok[i]);
		(*ep)[j].value = v;
		*np = n;
	}
	rv = 0;
 out:
	for (i = 0; i < ntok; i++)
		free(tok[i]);
	free(tok);
	return rv;
}

/* [supervisord]: what supervisord itself does for all its children. */
static int
sup_main(struct sup *sup, struct ini_sec *sec)
{
	struct imp_ctx	*ctx = sup->ctx;
	struct ini_exp	 exp;
	struct ini_kv	*kv;
	long long	 n;
	char		*v, *d;
	mode_t		 um;

	memset(&exp, 0, sizeof(exp));
	if ((v = sup_get(sup, sec, "childlogdir", &exp, &kv)) != NULL)
		imp_str(ctx->root, "log_dir", v);
	free(v);
	if ((v = sup_get(sup, sec, "user", &exp, &kv)) != NULL) {
		imp_note(ctx->defaults, "[supervisord] user: supervisord "
		    "ran as this user, and so did every program");
		imp_str(ctx->defaults, "user", v);
	}
	free(v);
	if ((v = sup_get(sup, sec, "umask", &exp, &kv)) != NULL) {
		um = (mode_t)strtol(v, NULL, 8);
		if (strspn(v, "01234567") != strlen(v) || *v == '\0' ||
		    strlen(v) > 4)
			imp_err(ctx, kv->file->path, kv->line, 0,
			    "umask: not an octal number: \"%s\"", v);
		else if (um != 022) {
			free(v);
			v = imp_printf("%03o", (unsigned int)um);
			imp_str(ctx->defaults, "umask", v);
		}
	}
	free(v);
	if ((v = sup_get(sup, sec, "directory", &exp, &kv)) != NULL) {
		imp_note(ctx->defaults, "[supervisord] directory: "
		    "supervisord's working directory, which programs "
		    "without a directory inherit");
		free(v);
		exp.vigil = 1;
		if ((v = sup_get(sup, sec, "directory", &exp, &kv)) != NULL) {
			d = ini_vigil(v);
			imp_str(ctx->defaults, "directory", d);
			free(d);
		}
	}
	free(v);
	exp.vigil = 0;
	if ((v = sup_get(sup, sec, "minfds", &exp, &kv)) != NULL &&
	    sup_int(sup, kv, v, 1, LLONG_MAX, &n) == 0) {
		imp_note(ctx->defaults, "[supervisord] minfds, minprocs: "
		    "supervisord raised its own limits, which programs "
		    "inherit");
		imp_raw(imp_map(ctx->defaults, "limits"), "nofile", "%lld",
		    n);
	}
	free(v);
	if ((v = sup_get(sup, sec, "minprocs", &exp, &kv)) != NULL &&
	    sup_int(sup, kv, v, 1, LLONG_MAX, &n) == 0)
		imp_raw(imp_map(ctx->defaults, "limits"), "nproc", "%lld", n);
	free(v);
	exp.vigil = 1;
	if ((v = sup_get(sup, sec, "environment", &exp, &kv)) != NULL &&
	    sup_env(sup, kv, v, &sup->genv, &sup->ngenv) == 0 &&
	    sup->ngenv > 0)
		imp_note(sup->notes, "[supervisord] environment is set in "
		    "every service");
	free(v);
	unsupported(sup, sup->notes, sec, NULL);
	return 0;
}

/* [unix_http_server] -> socket: */
static int
sup_unix(struct sup *sup, struct ini_sec *sec)
{
	struct imp_node	*sock;
	struct ini_exp	 exp;
	struct ini_kv	*kv;
	char		*v, *g;

	memset(&exp, 0, sizeof(exp));
	sock = imp_map(sup->ctx->root, "socket");
	if ((v = sup_get(sup, sec, "file", &exp, &kv)) != NULL)
		imp_str(sock, "path", v);
	free(v);
	if ((v = sup_get(sup, sec, "chmod", &exp, &kv)) != NULL) {
		if (strspn(v, "01234567") != strlen(v) || *v == '\0' ||
		    strlen(v) > 4)
			imp_err(sup->ctx, kv->file->path, kv->line, 0,
			    "chmod: not an octal mode: \"%s\"", v);
		else {
			g = imp_printf("%04o", (unsigned int)strtol(v, NULL,
			    8));
			imp_str(sock, "mode", g);
			free(g);
		}
	} else
		imp_str(sock, "mode", "0700");
	free(v);
	if ((v = sup_get(sup, sec, "chown", &exp, &kv)) != NULL) {
		if ((g = strchr(v, ':')) != NULL && g[1] != '\0')
			imp_str(sock, "group", g + 1);
		imp_note(sock, "note: chown = %s: the socket is owned by "
		    "root%s", kv->val, g != NULL ? " and the group" : "");
	}
	free(v);
	unsupported(sup, sock, sec, NULL);
	return 0;
}

/* [inet_http_server] -> http: */
static int
sup_inet(struct sup *sup, struct ini_sec *sec)
{
	struct imp_node	*http;
	struct ini_exp	 exp;
	struct ini_kv	*kv;
	char		*v, *c, *l;

	memset(&exp, 0, sizeof(exp));
	http = imp_map(sup->ctx->root, "http");
	imp_note(http, "note: vigil's HTTP API is not supervisord's XML-RPC "
	    "(see vigild.conf(5))");
	if ((v = sup_get(sup, sec, "port", &exp, &kv)) != NULL) {
		if ((c = strrchr(v, ':')) == NULL)
			l = imp_printf("0.0.0.0:%s", v);
		else if (c == v || (c == v + 1 && v[0] == '*'))
			l = imp_printf("0.0.0.0%s", c);
		else
			l = imp_strdup(v);
		imp_str(http, "listen", l);
		free(l);
	}
	free(v);
	unsupported(sup, http, sec, NULL);
	return 0;
}

/*
 * stdout_logfile*, stderr_logfile*, *_syslog, redirect_stderr -> log:
 * (supervisord's AUTO files are vigil's files in log_dir).  Only what
 * differs from the defaults written at the top is set.
 */
static int
sup_log(struct sup *sup, struct ini_sec *sec, struct imp_node *svc,
    const struct ini_exp *exp)
{
	static const char *const streams[] = { "stdout", "stderr" };
	struct imp_node	*log;
	struct ini_kv	*kv;
	char		 key[64], *v;
	const char	*dest[2];
	uint64_t	 maxbytes[2] = { SUP_LOG_MAXBYTES, SUP_LOG_MAXBYTES };
	long long	 backups[2] = { SUP_LOG_BACKUPS, SUP_LOG_BACKUPS };
	int		 i, b, redirect = 0, rv = 0;

	log = imp_map(svc, "log");
	if ((v = sup_get(sup, sec, "redirect_stderr", exp, &kv)) != NULL &&
	    sup_bool(sup, kv, v, &redirect) == -1)
		rv = -1;
	free(v);
	for (i = 0; i < 2; i++) {
		dest[i] = "file";
		snprintf(key, sizeof(key), "%s_logfile", streams[i]);
		if ((v = sup_get(sup, sec, key, exp, &kv)) != NULL) {
			if (strcasecmp(v, "NONE") == 0)
				dest[i] = "none";
			else if (strcasecmp(v, "syslog") == 0)
				dest[i] = "syslog";
			else if (strcasecmp(v, "AUTO") != 0 && !(i == 1 &&
			    redirect))
				imp_note(svc, "note: %s = %s: vigil writes %s "
				    "to its own file in log_dir (`vigilctl "
				    "tail NAME %s`); the path is not chosen "
				    "per service", key, v, streams[i],
				    streams[i]);
		}
		free(v);
		snprintf(key, sizeof(key), "%s_syslog", streams[i]);
		if ((v = sup_get(sup, sec, key, exp, &kv)) != NULL &&
		    sup_bool(sup, kv, v, &b) == 0 && b) {
			if (strcmp(dest[i], "file") == 0)
				imp_note(svc, "note: %s = true: vigil sends "
				    "%s to syslog only, not also to a file",
				    key, streams[i]);
			dest[i] = "syslog";
		}
		free(v);
		snprintf(key, sizeof(key), "%s_logfile_maxbytes", streams[i]);
		if ((v = sup_get(sup, sec, key, exp, &kv)) != NULL &&
		    sup_bytes(sup, kv, v, &maxbytes[i]) == -1)
			rv = -1;
		free(v);
		snprintf(key, sizeof(key), "%s_logfile_backups", streams[i]);
		if ((v = sup_get(sup, sec, key, exp, &kv)) != NULL &&
		    sup_int(sup, kv, v, 0, CONF_KEEP_MAX, &backups[i]) == -1)
			rv = -1;
		free(v);
	}
	if (redirect) {
		dest[1] = "merge";
		TAILQ_FOREACH(kv, &sec->kvs, entry)
			if (strncmp(kv->key, "stderr_", 7) == 0 &&
			    strstr(kv->key, "log") != NULL)
				imp_note(svc, "note: %s ignored: "
				    "redirect_stderr = true", kv->key);
	}

	if (strcmp(dest[0], "file") != 0)
		imp_str(log, "stdout", dest[0]);
	if (strcmp(dest[1], "file") != 0)
		imp_str(log, "stderr", dest[1]);
	/* One size and count for both files: stdout's, else stderr's. */
	i = strcmp(dest[0], "file") == 0 || strcmp(dest[1], "file") != 0 ?
	    0 : 1;
	if (maxbytes[i] != SUP_LOG_MAXBYTES)
		imp_raw(log, "max_size", "%s", imp_size(maxbytes[i]));
	if (backups[i] != SUP_LOG_BACKUPS)
		imp_raw(log, "keep", "%lld", backups[i]);
	if (i == 0 && strcmp(dest[1], "file") == 0 &&
	    (maxbytes[1] != maxbytes[0] || backups[1] != backups[0]))
		imp_note(svc, "note: vigil rotates both files at stdout's "
		    "size and count (stderr's: %s, %lld)",
		    imp_size(maxbytes[1]), backups[1]);
	return rv;
}

/* The [group:x] that lists program, and that section. */
static const char *
sup_group_of(struct sup *sup, const char *program, struct ini_sec **gp)
{
	struct ini_sec	*s;
	struct ini_kv	*kv;
	char		*list, *w, *last;
	int		 found;

	TAILQ_FOREACH(s, &sup->ini.secs, entry) {
		if (strncmp(s->name, "group:", 6) != 0)
			continue;
		TAILQ_FOREACH(kv, &s->kvs, entry)
			if (strcmp(kv->key, "programs") == 0)
				break;
		if (kv == NULL)
			continue;
		list = imp_strdup(kv->val);
		found = 0;
		for (w = strtok_r(list, ", \t\n", &last); w != NULL;
		    w = strtok_r(NULL, ", \t\n", &last))
			if (strcmp(w, program) == 0)
				found = 1;
		free(list);
		if (found) {
			*gp = s;
			return s->name + 6;
		}
	}
	*gp = NULL;
	return NULL;
}

/* The [program:x] section of a program name, or NULL. */
static struct ini_sec *
sup_program_sec(struct sup *sup, const char *name)
{
	struct ini_sec	*s;
	const char	*p;
	size_t		 len;

	TAILQ_FOREACH(s, &sup->ini.secs, entry) {
		if (strncmp(s->name, "program:", 8) != 0)
			continue;
		p = s->name + 8;
		p += strspn(p, " \t");
		len = strlen(p);
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		if (len == strlen(name) && strncmp(p, name, len) == 0)
			return s;
	}
	return NULL;
}

/* [group:x]: checked, and listed as a comment (vigil has no groups). */
static int
sup_groups(struct sup *sup)
{
	struct ini_sec	*s;
	struct ini_kv	*kv;
	struct ini_exp	 exp;
	char		*list, *w, *last, *members, *m;
	int		 rv = 0;

	memset(&exp, 0, sizeof(exp));
	TAILQ_FOREACH(s, &sup->ini.secs, entry) {
		if (strncmp(s->name, "group:", 6) != 0)
			continue;
		if ((list = sup_get(sup, s, "programs", &exp, &kv)) == NULL) {
			if (kv == NULL)
				imp_err(sup->ctx, s->file->path, s->line, 0,
				    "[%s] has no programs setting", s->name);
			rv = -1;
			continue;
		}
		members = imp_strdup("");
		for (w = strtok_r(list, ", \t\n", &last); w != NULL;
		    w = strtok_r(NULL, ", \t\n", &last)) {
			if (sup_program_sec(sup, w) == NULL) {
				imp_err(sup->ctx, kv->file->path, kv->line, 0,
				    "[%s] names unknown program %s", s->name,
				    w);
				rv = -1;
			}
			m = imp_printf("%s %s", members, w);
			free(members);
			members = m;
		}
		free(list);
		imp_note(sup->notes, "[%s] (%s:%zu): vigil has no groups; "
		    "name the services together instead: `vigilctl restart"
		    "%s`", s->name, s->file->path, s->line, members);
		free(members);
		unsupported(sup, sup->notes, s, "vigil has no groups");
	}
	return rv;
}

/* [program:x] -> services: x: */
static int
sup_program(struct sup *sup, struct ini_sec *sec, const char *name)
{
	struct imp_ctx	*ctx = sup->ctx;
	struct imp_node	*svc, *env, *l;
	struct ini_sec	*gsec;
	struct ini_kv	*kv;
	struct ini_exp	 exp;
	struct envpair	*pe = NULL;
	size_t		 npe = 0, i;
	const char	*group, *e;
	char		*v, *w, *last, *c;
	long long	 n;
	int		 b, sig, nerr = ctx->nerr;

	svc = imp_service(ctx, name, sec->file->path, sec->line);
	memset(&exp, 0, sizeof(exp));
	exp.program = name;
	exp.notes = svc;
	exp.numprocs = 1;
	if ((group = sup_group_of(sup, name, &gsec)) != NULL) {
		imp_note(svc, "note: in [group:%s] (supervisorctl called it "
		    "%s:%s)", group, group, name);
		exp.group = group;
	} else
		exp.group = name;

	if ((v = sup_get(sup, sec, "numprocs", &exp, &kv)) != NULL &&
	    sup_int(sup, kv, v, 1, CONF_INSTANCES_MAX, &n) == 0)
		exp.numprocs = (int)n;
	free(v);
	if ((v = sup_get(sup, sec, "numprocs_start", &exp, &kv)) != NULL &&
	    sup_int(sup, kv, v, 0, INT_MAX, &n) == 0) {
		exp.numprocs_start = (int)n;
		if (n != 0 && exp.numprocs > 1)
			imp_note(svc, "note: numprocs_start = %lld: vigil "
			    "numbers instances from 0 (${INSTANCE})", n);
	}
	free(v);

	/* command: split by vigild like a shell, as supervisord does. */
	exp.vigil = 1;
	if ((v = sup_get(sup, sec, "command", &exp, &kv)) == NULL) {
		if (kv == NULL)
			imp_err(ctx, sec->file->path, sec->line, 0,
			    "[%s] has no command", sec->name);
		return -1;
	}
	for (c = v; *c != '\0'; c++)
		if (*c == '\n')
			*c = ' ';
	w = ini_vigil(v);
	imp_str(svc, "command", w);
	free(w);
	free(v);

	exp.vigil = 0;
	if ((v = sup_get(sup, sec, "user", &exp, &kv)) != NULL)
		imp_str(svc, "user", v);
	free(v);
	exp.vigil = 1;
	if ((v = sup_get(sup, sec, "directory", &exp, &kv)) != NULL) {
		w = ini_vigil(v);
		imp_str(svc, "directory", w);
		free(w);
	}
	free(v);
	exp.vigil = 0;
	if ((v = sup_get(sup, sec, "umask", &exp, &kv)) != NULL) {
		if (strspn(v, "01234567") != strlen(v) || *v == '\0' ||
		    strlen(v) > 4)
			imp_err(ctx, kv->file->path, kv->line, 0,
			    "umask: not an octal number: \"%s\"", v);
		else {
			w = imp_printf("%03o",
			    (unsigned int)strtol(v, NULL, 8));
			imp_str(svc, "umask", w);
			free(w);
		}
	}
	free(v);

	/* environment: [supervisord]'s, then the program's over it. */
	for (i = 0; i < sup->ngenv; i++) {
		if ((pe = reallocarray(pe, npe + 1, sizeof(*pe))) == NULL)
			err(1, NULL);
		pe[npe].name = imp_strdup(sup->genv[i].name);
		pe[npe].value = imp_strdup(sup->genv[i].value);
		npe++;
	}
	exp.vigil = 1;
	if ((v = sup_get(sup, sec, "environment", &exp, &kv)) != NULL)
		(void)sup_env(sup, kv, v, &pe, &npe);
	free(v);
	exp.vigil = 0;
	if (npe > 0) {
		env = imp_map(svc, "environment");
		for (i = 0; i < npe; i++) {
			if (!isdigit((unsigned char)pe[i].name[0]) &&
			    strspn(pe[i].name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789_") ==
			    strlen(pe[i].name))
				imp_str(env, pe[i].name, pe[i].value);
			else
				imp_note(svc, "unsupported: environment "
				    "%s=%s (not a valid variable name for "
				    "vigil)", pe[i].name, pe[i].value);
		}
	}
	env_free(pe, npe);

	if ((v = sup_get(sup, sec, "autostart", &exp, &kv)) != NULL &&
	    sup_bool(sup, kv, v, &b) == 0)
		imp_raw(svc, "autostart", "%s", b ? "true" : "false");
	free(v);
	if (exp.numprocs > 1)
		imp_raw(svc, "instances", "%d", exp.numprocs);
	if ((kv = ini_kv(&sup->ini, sec, "process_name")) != NULL) {
		w = oneline(kv->val);
		if (exp.numprocs > 1)
			imp_note(svc, "note: process_name = %s: vigil names "
			    "the instances %s:0 to %s:%d", w, name, name,
			    exp.numprocs - 1);
		else if (strcmp(kv->val, "%(program_name)s") != 0)
			imp_note(svc, "note: process_name = %s: vigil uses "
			    "the service name", w);
		free(w);
	}
	if ((v = sup_get(sup, sec, "priority", &exp, &kv)) != NULL &&
	    sup_int(sup, kv, v, INT_MIN, INT_MAX, &n) == 0)
		imp_raw(svc, "priority", "%lld", n);
	free(v);
	if (gsec != NULL && (kv = ini_kv(&sup->ini, gsec, "priority")) !=
	    NULL)
		imp_note(svc, "note: [group:%s] priority = %s is not "
		    "applied (vigil orders services by their own priority)",
		    group, kv->val);

	if ((v = sup_get(sup, sec, "autorestart", &exp, &kv)) != NULL) {
		if (strcasecmp(v, "unexpected") == 0)
			imp_raw(svc, "restart", "on-failure");
		else if (sup_bool(sup, kv, v, &b) == 0)
			imp_raw(svc, "restart", "%s", b ? "always" : "never");
	}
	free(v);
	if ((v = sup_get(sup, sec, "exitcodes", &exp, &kv)) != NULL) {
		l = imp_list(svc, "exit_codes");
		for (w = strtok_r(v, ", \t\n", &last); w != NULL;
		    w = strtok_r(NULL, ", \t\n", &last)) {
			n = strtonum(w, 0, 255, &e);
			if (e != NULL) {
				imp_err(ctx, kv->file->path, kv->line, 0,
				    "exitcodes: \"%s\" is not an exit code "
				    "(0..255)", w);
				break;
			}
			imp_item(l, w, 1);
		}
	}
	free(v);
	if ((v = sup_get(sup, sec, "startsecs", &exp, &kv)) != NULL &&
	    sup_int(sup, kv, v, 0, INT_MAX, &n) == 0)
		imp_raw(svc, "start_seconds", "%s", imp_dur(n * 1000));
	free(v);
	if ((v = sup_get(sup, sec, "startretries", &exp, &kv)) != NULL &&
	    sup_int(sup, kv, v, 0, INT_MAX, &n) == 0)
		imp_raw(svc, "start_retries", "%lld", n);
	free(v);
	if ((v = sup_get(sup, sec, "stopsignal", &exp, &kv)) != NULL) {
		if (config_parse_signal(v, &sig, &e) == -1 ||
		    config_signame(sig) == NULL)
			imp_err(ctx, kv->file->path, kv->line, 0,
			    "stopsignal: \"%s\": %s", v,
			    e != NULL ? e : "unknown signal");
		else
			imp_raw(svc, "stop_signal", "%s", config_signame(sig));
	}
	free(v);
	if ((v = sup_get(sup, sec, "stopwaitsecs", &exp, &kv)) != NULL &&
	    sup_int(sup, kv, v, 0, INT_MAX, &n) == 0)
		imp_raw(svc, "stop_timeout", "%s", imp_dur(n * 1000));
	free(v);
	for (i = 0; i < 2; i++) {
		c = i == 0 ? "stopasgroup" : "killasgroup";
		if ((v = sup_get(sup, sec, c, &exp, &kv)) != NULL &&
		    sup_bool(sup, kv, v, &b) == 0)
			imp_note(svc, "note: %s = %s: vigil always signals "
			    "the whole process group and kills the whole "
			    "tree", c, v);
		free(v);
	}

	exp.vigil = 0;
	(void)sup_log(sup, sec, svc, &exp);
	if (imp_count(imp_map(svc, "log")) == 0)
		imp_del(svc, "log");

	unsupported(sup, svc, sec, NULL);
	return ctx->nerr > nerr ? -1 : 0;
}

int
imp_supervisord(struct imp_ctx *ctx)
{
	struct sup	 sup;
	struct ini_sec	*s;
	struct ini_kv	*kv;
	struct imp_node	*log;
	char		*name;
	size_t		 len, nprog = 0;
	int		 rv = 0;

	memset(&sup, 0, sizeof(sup));
	sup.ctx = ctx;
	if (ini_load(&sup.ini, ctx, ctx->path) == -1) {
		ini_free(&sup.ini);
		return -1;
	}

	/* The top level, in the order it is printed. */
	imp_str(ctx->root, "log_dir", NULL);
	(void)imp_map(ctx->root, "socket");
	(void)imp_map(ctx->root, "http");
	ctx->defaults = imp_map(ctx->root, "defaults");
	sup.notes = imp_map(ctx->root, "notes");
	ctx->services = imp_map(ctx->root, "services");

	imp_note(ctx->defaults, "supervisord's behaviour, where vigil's "
	    "defaults differ: programs inherit\nsupervisord's environment, "
	    "stderr has its own file, log files rotate\nat 50MB and 10 are "
	    "kept.");
	imp_raw(ctx->defaults, "inherit_environment", "true");
	log = imp_map(ctx->defaults, "log");
	imp_raw(log, "stderr", "file");
	imp_raw(log, "max_size", "%s", imp_size(SUP_LOG_MAXBYTES));
	imp_raw(log, "keep", "%d", SUP_LOG_BACKUPS);

	TAILQ_FOREACH(s, &sup.ini.secs, entry)
		if (strcmp(s->name, "supervisord") == 0)
			rv |= sup_main(&sup, s);
	if (sup_groups(&sup) == -1)
		rv = -1;

	TAILQ_FOREACH(s, &sup.ini.secs, entry) {
		if (strncmp(s->name, "program:", 8) == 0) {
			name = imp_strdup(s->name + 8 + strspn(s->name + 8,
			    " \t"));
			len = strlen(name);
			while (len > 0 && isspace((unsigned char)name[len - 1]))
				name[--len] = '\0';
			if (sup_program(&sup, s, name) == -1)
				rv = -1;
			free(name);
			nprog++;
		} else if (strcmp(s->name, "unix_http_server") == 0)
			rv |= sup_unix(&sup, s);
		else if (strcmp(s->name, "inet_http_server") == 0)
			rv |= sup_inet(&sup, s);
		else if (strcmp(s->name, "include") == 0) {
			(void)ini_kv(&sup.ini, s, "files");
			if (s->file != TAILQ_FIRST(&sup.ini.files))
				imp_note(sup.notes, "note: [include] in %s "
				    "ignored, as supervisord reads [include] "
				    "only from the main file", s->file->path);
			unsupported(&sup, sup.notes, s, NULL);
		} else if (strcmp(s->name, "supervisorctl") == 0)
			unsupported(&sup, sup.notes, s, "vigilctl finds "
			    "the socket itself (-s, VIGIL_SOCKET, -c)");
		else if (strncmp(s->name, "eventlistener:", 14) == 0)
			unsupported(&sup, sup.notes, s, "vigil has no event "
			    "listeners");
		else if (strncmp(s->name, "fcgi-program:", 13) == 0)
			unsupported(&sup, sup.notes, s, "vigil runs no "
			    "FastCGI pools; a service's listen: passes it "
			    "sockets");
		else if (strncmp(s->name, "rpcinterface:", 13) == 0 ||
		    strncmp(s->name, "ctlplugin:", 10) == 0)
			unsupported(&sup, sup.notes, s, "vigil has no "
			    "plugins");
	}
	/* Sections not handled above, and [DEFAULT] keys never used. */
	TAILQ_FOREACH(s, &sup.ini.secs, entry) {
		TAILQ_FOREACH(kv, &s->kvs, entry)
			if (!kv->used)
				break;
		if (kv == NULL)
			continue;
		unsupported(&sup, sup.notes, s, NULL);
	}
	if (nprog == 0 && rv == 0) {
		imp_err(ctx, ctx->path, 0, 0, "no [program:x] section%s",
		    TAILQ_NEXT(TAILQ_FIRST(&sup.ini.files), entry) != NULL ?
		    ", here or in the included files" : "");
		rv = -1;
	}
	env_free(sup.genv, sup.ngenv);
	ini_free(&sup.ini);
	return rv;
}
