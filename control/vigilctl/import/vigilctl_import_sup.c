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
 * `defaults:`; every key that does not map is kept as a comment.  The
 * other sections are in vigilctl_import_supsec.c, the reader in
 * vigilctl_import_ini.c.
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
#include "vigilctl_import_sup.h"

static int	 sup_log(struct sup *, struct ini_sec *, struct imp_node *,
		    const struct ini_exp *);
static int	 sup_program(struct sup *, struct ini_sec *, const char *);

/* /dev/stdout and its aliases: supervisord's own stdout (or stderr). */
static int
sup_is_console(const char *v)
{
	return (strcmp(v, "/dev/stdout") == 0 ||
	    strcmp(v, "/dev/stderr") == 0 || strcmp(v, "/dev/fd/1") == 0 ||
	    strcmp(v, "/dev/fd/2") == 0 ||
	    strcmp(v, "/proc/self/fd/1") == 0 ||
	    strcmp(v, "/proc/self/fd/2") == 0);
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
	const char	*dest[2], *dev[2] = { NULL, NULL };
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
			else if (sup_is_console(v)) {
				/* the container idiom: supervisord's stdout */
				dev[i] = i == 0 ? "/dev/stdout" : "/dev/stderr";
				dest[i] = i == 0 ? "console" : "merge";
			} else if (strcasecmp(v, "AUTO") != 0 && !(i == 1 &&
			    redirect))
				imp_note(svc, "note: %s = %s: vigil writes %s "
				    "to its own file in log_dir (`vigilctl "
				    "tail %s %s`); the path is not chosen "
				    "per service", key, v, streams[i],
				    imp_name(svc), streams[i]);
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
		    sup_int(sup, kv, v, 0, CONFIG_KEEP_MAX, &backups[i]) == -1)
			rv = -1;
		free(v);
	}
	for (i = 0; i < 2; i++) {
		if (dev[i] == NULL)
			continue;
		if (maxbytes[i] != 0)
			imp_note(svc, "note: %s_logfile = %s with maxbytes "
			    "%s: supervisord cannot rotate it either; vigil "
			    "does not rotate the console", streams[i], dev[i],
			    imp_size(maxbytes[i]));
		maxbytes[i] = SUP_LOG_MAXBYTES;
		backups[i] = SUP_LOG_BACKUPS;
	}
	if (dev[1] != NULL && strcmp(dest[0], "console") != 0) {
		imp_note(svc, "note: stderr_logfile = %s: vigil's console "
		    "is vigild's stdout, for stdout only; stderr goes to the "
		    "stdout log", dev[1]);
	} else if (dev[1] != NULL && !redirect)
		imp_note(svc, "note: stderr_logfile = %s: merged into "
		    "stdout on the console (vigild's stdout; there is no "
		    "stderr console)", dev[1]);
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
	return (rv);
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
	int		 b, sig, nerr = ctx->nerr, used_num = 0;

	svc = imp_service(ctx, name, sec->file->path, sec->line);
	memset(&exp, 0, sizeof(exp));
	exp.program = name;
	exp.notes = svc;
	exp.numprocs = 1;
	exp.used_num = &used_num;
	if ((group = sup_group_of(sup, name, &gsec)) != NULL) {
		imp_note(svc, "note: in [group:%s] (supervisorctl called it "
		    "%s:%s)", group, group, name);
		exp.group = group;
	} else
		exp.group = name;

	if ((v = sup_get(sup, sec, "numprocs", &exp, &kv)) != NULL &&
	    sup_int(sup, kv, v, 1, CONFIG_INSTANCES_MAX, &n) == 0)
		exp.numprocs = (int)n;
	free(v);
	if ((v = sup_get(sup, sec, "numprocs_start", &exp, &kv)) != NULL &&
	    sup_int(sup, kv, v, 0, INT_MAX, &n) == 0) {
		exp.numprocs_start = (int)n;
		if (n != 0 && exp.numprocs > 1 &&
		    n + exp.numprocs - 1 > 65535) {
			imp_err(ctx, kv->file->path, kv->line, 0,
			    "numprocs_start = %lld: vigil counts instances "
			    "from 0 (${INSTANCE}), or from a port (${PORT}, "
			    "at most 65535)", n);
			exp.numprocs_start = 0;
		}
	}
	free(v);

	/* command: split by vigild like a shell, as supervisord does. */
	exp.vigil = 1;
	if ((v = sup_get(sup, sec, "command", &exp, &kv)) == NULL) {
		if (kv == NULL)
			imp_err(ctx, sec->file->path, sec->line, 0,
			    "[%s] has no command", sec->name);
		return (-1);
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
	sup_env_free(pe, npe);

	if ((v = sup_get(sup, sec, "autostart", &exp, &kv)) != NULL &&
	    sup_bool(sup, kv, v, &b) == 0)
		imp_raw(svc, "autostart", "%s", b ? "true" : "false");
	free(v);
	if (exp.numprocs > 1)
		imp_raw(svc, "instances", "%d", exp.numprocs);
	/*
	 * %(process_num)d counts from numprocs_start; vigil's ${INSTANCE}
	 * from 0.  A port range starting there makes ${PORT} that number.
	 */
	if (exp.numprocs > 1 && exp.numprocs_start != 0 && used_num) {
		imp_raw(svc, "port", "%d-%d", exp.numprocs_start,
		    exp.numprocs_start + exp.numprocs - 1);
		imp_note(svc, "note: numprocs_start = %d: %%(process_num) "
		    "became ${PORT}, which counts from %d (port: %d-%d); "
		    "${INSTANCE} counts from 0", exp.numprocs_start,
		    exp.numprocs_start, exp.numprocs_start,
		    exp.numprocs_start + exp.numprocs - 1);
	} else if (exp.numprocs > 1 && exp.numprocs_start != 0)
		imp_note(svc, "note: numprocs_start = %d: vigil numbers the "
		    "instances from 0 (${INSTANCE})", exp.numprocs_start);
	if ((kv = ini_kv(&sup->ini, sec, "process_name")) != NULL) {
		w = sup_oneline(kv->val);
		if (exp.numprocs > 1)
			imp_note(svc, "note: process_name = %s: vigil names "
			    "the instances %s:0 to %s:%d", w, imp_name(svc),
			    imp_name(svc), exp.numprocs - 1);
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

	sup_unsupported(sup, svc, sec, NULL);
	return (ctx->nerr > nerr ? -1 : 0);
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
		return (-1);
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
			TAILQ_FOREACH(kv, &s->kvs, entry) {
				if (kv->file == TAILQ_FIRST(&sup.ini.files) &&
				    strcmp(kv->key, "files") == 0)
					kv->used = 1;
				else if (kv->file !=
				    TAILQ_FIRST(&sup.ini.files)) {
					kv->used = 1;
					imp_note(sup.notes, "note: [include] "
					    "in %s ignored, as supervisord "
					    "reads [include] only from the "
					    "main file", kv->file->path);
				}
			}
			sup_unsupported(&sup, sup.notes, s, NULL);
		} else if (strcmp(s->name, "supervisorctl") == 0)
			sup_unsupported(&sup, sup.notes, s, "vigilctl finds "
			    "the socket itself (-s, VIGIL_SOCKET, -c)");
		else if (strncmp(s->name, "eventlistener:", 14) == 0)
			sup_unsupported(&sup, sup.notes, s, "vigil has no event "
			    "listeners");
		else if (strncmp(s->name, "fcgi-program:", 13) == 0)
			sup_unsupported(&sup, sup.notes, s, "vigil runs no "
			    "FastCGI pools; a service's listen: passes it "
			    "sockets");
		else if (strncmp(s->name, "rpcinterface:", 13) == 0 ||
		    strncmp(s->name, "ctlplugin:", 10) == 0)
			sup_unsupported(&sup, sup.notes, s, "vigil has no "
			    "plugins");
	}
	/* Sections not handled above, and [DEFAULT] keys never used. */
	TAILQ_FOREACH(s, &sup.ini.secs, entry) {
		TAILQ_FOREACH(kv, &s->kvs, entry)
			if (!kv->used)
				break;
		if (kv == NULL)
			continue;
		sup_unsupported(&sup, sup.notes, s, NULL);
	}
	if (nprog == 0 && rv == 0) {
		imp_err(ctx, ctx->path, 0, 0, "no [program:x] section%s",
		    TAILQ_NEXT(TAILQ_FIRST(&sup.ini.files), entry) != NULL ?
		    ", here or in the included files" : "");
		rv = -1;
	}
	sup_env_free(sup.genv, sup.ngenv);
	ini_free(&sup.ini);
	return (rv);
}
