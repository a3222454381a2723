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
 * vigilctl -- control vigild: the command line, where the socket is, and
 * the table of commands.  Invoked as "supervisorctl" it also takes
 * supervisorctl's options, so that tools written for supervisord work.
 */

#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "vigilctl.h"

/*
 * A command either parses its own arguments (run), or takes the options
 * opts names (vctl_parse(): l, r, t, w) and gets the rest as targets
 * (act, through vctl_run_parsed()).  ctl: the request it makes, if one.
 */
struct vctl_cmddef;
typedef int	(*vctl_act_fn)(struct vctl *, const struct vctl_cmddef *,
		    struct vctl_args *);

struct vctl_cmddef {
	const char	*name;
	const char	*alias_of;	/* an alias: the command it runs */
	int		(*run)(struct vctl *, int, char **);
	vctl_act_fn	 act;
	const char	*opts;
	uint32_t	 ctl;
	const char	*args;		/* usage after the name */
	const char	*help;
};

static int	act_status(struct vctl *, const struct vctl_cmddef *,
		    struct vctl_args *);
static int	act_action(struct vctl *, const struct vctl_cmddef *,
		    struct vctl_args *);
static int	act_signal(struct vctl *, const struct vctl_cmddef *,
		    struct vctl_args *);
static int	act_pid(struct vctl *, const struct vctl_cmddef *,
		    struct vctl_args *);
static int	act_reload(struct vctl *, const struct vctl_cmddef *,
		    struct vctl_args *);
static int	act_addremove(struct vctl *, const struct vctl_cmddef *,
		    struct vctl_args *);
static int	act_info(struct vctl *, const struct vctl_cmddef *,
		    struct vctl_args *);
static int	act_shutdown(struct vctl *, const struct vctl_cmddef *,
		    struct vctl_args *);
static int	act_version(struct vctl *, const struct vctl_cmddef *,
		    struct vctl_args *);
static int	run_help(struct vctl *, int, char **);
static int	run_import(struct vctl *, int, char **);
static int	run_export(struct vctl *, int, char **);
static int	run_avail(struct vctl *, int, char **);
static const char *vctl_sock_url(struct vctl *, const char *);

/* The middle of an entry: run, act, opts, ctl (an alias: up to help). */
#define ACT(f, o, ctl)	NULL, f, o, ctl
#define RUN(f)		f, NULL, NULL, CTL_CMD_NONE
#define ALIAS(n)	n, NULL, NULL, NULL, CTL_CMD_NONE, NULL, NULL

/* Every command, in the order `vigilctl help' lists them. */
static const struct vctl_cmddef vctl_cmds[] = {
	{ "status", NULL, ACT(act_status, "l", CTL_CMD_STATUS),
	    "[-l] [target ...]",
	    "one line per process (supervisorctl's format); -l: a table" },
	{ "list", ALIAS("status") },
	{ "ls", ALIAS("status") },
	{ "start", NULL, ACT(act_action, "wt", CTL_CMD_START),
	    "[--no-wait] [--timeout sec] target ...",
	    "start processes, wait until RUNNING and ready" },
	{ "stop", NULL, ACT(act_action, "wt", CTL_CMD_STOP),
	    "[--no-wait] [--timeout sec] target ...",
	    "stop processes, wait until down" },
	{ "restart", NULL, ACT(act_action, "wrt", CTL_CMD_RESTART),
	    "[--no-wait | --rolling] [--timeout sec] target ...",
	    "stop, then start processes; --rolling: one at a time" },
	{ "signal", NULL, ACT(act_signal, "", CTL_CMD_SIGNAL),
	    "[sig] target ...",
	    "send a signal (default: each service's reload_signal)" },
	{ "pid", NULL, ACT(act_pid, "", CTL_CMD_PID), "[target ...]",
	    "the pid of vigild, or of processes" },
	{ "reload", NULL, ACT(act_reload, "w", CTL_CMD_RELOAD), "[--wait]",
	    "re-read the configuration and apply the difference" },
	{ "update", ALIAS("reload") },
	{ "reread", NULL, ACT(act_reload, "", CTL_CMD_REREAD), "",
	    "show what reload would change, change nothing" },
	{ "add", NULL, ACT(act_addremove, "", CTL_CMD_ADD), "name",
	    "start a service that is new in the configuration" },
	{ "remove", NULL, ACT(act_addremove, "w", CTL_CMD_REMOVE),
	    "[--wait] name",
	    "stop and forget a service gone from the configuration" },
	{ "info", NULL, ACT(act_info, "", CTL_CMD_INFO), "target ...",
	    "configuration, state, history, limits and logs of processes" },
	{ "tail", NULL, RUN(vctl_run_tail),
	    "[-f] [-n lines] target [stdout | stderr]",
	    "the last lines of a process's log" },
	{ "logs", NULL, RUN(vctl_run_logs), "[-f] [-n lines] [target ...]",
	    "the logs of all (or some) processes, interleaved" },
	{ "monit", NULL, RUN(vctl_run_monit), "[-d interval] [-n count]",
	    "a live table of every process, like top" },
	{ "reopen", NULL, RUN(vctl_run_reopen), "", "reopen every log file" },
	{ "clear", NULL, RUN(vctl_run_clear), "target ...",
	    "empty the log files" },
	{ "shutdown", NULL, ACT(act_shutdown, "t", CTL_CMD_SHUTDOWN),
	    "[--timeout sec]", "stop every service, then vigild" },
	{ "upgrade", NULL, ACT(act_shutdown, "t", CTL_CMD_UPGRADE),
	    "[--timeout sec]",
	    "re-execute vigild from its binary, the services untouched" },
	{ "import", NULL, RUN(run_import), "file",
	    "print a vigild.conf made from a supervisord or PM2 file" },
	{ "export", NULL, RUN(run_export), "systemd target",
	    "print systemd units for services" },
	{ "version", NULL, ACT(act_version, "", CTL_CMD_VERSION), "",
	    "the versions of vigilctl and vigild" },
	{ "avail", NULL, RUN(run_avail), "",
	    "every configured process: in use or not, autostart, priority" },
	{ "maintail", NULL, RUN(vctl_run_maintail), "[-f | -bytes]",
	    "vigild's own recent log: the last 1600 bytes, or -bytes; -f "
	    "follows" },
	{ "help", NULL, RUN(run_help), "[command]", "this help" },
};

static const struct vctl_cmddef *
vctl_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(vctl_cmds); i++)
		if (strcmp(vctl_cmds[i].name, name) == 0)
			return (&vctl_cmds[i]);
	return (NULL);
}

static const struct vctl_cmddef *
vctl_real(const struct vctl_cmddef *c)
{
	return (c->alias_of != NULL ? vctl_find(c->alias_of) : c);
}

static void
vctl_usage_line(FILE *fp, struct vctl *v)
{
	fprintf(fp, "usage: %s [-j] [-c config] [-s socket] command "
	    "[argument ...]\n", v->progname);
}

static void
vctl_cmd_usage(FILE *fp, struct vctl *v, const struct vctl_cmddef *c)
{
	c = vctl_real(c);
	fprintf(fp, "usage: %s %s%s%s\n", v->progname, c->name,
	    c->args[0] != '\0' ? " " : "", c->args);
}

static int
vctl_usage_error(struct vctl *v, const struct vctl_cmddef *c,
    const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", v->progname);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	if (c != NULL)
		vctl_cmd_usage(stderr, v, c);
	else
		vctl_usage_line(stderr, v);
	return (VCTL_EXIT_USAGE);
}

static int
run_help(struct vctl *v, int argc, char **argv)
{
	const struct vctl_cmddef	*c;
	char				 buf[128];
	size_t				 i;

	if (argc > 1) {
		if ((c = vctl_find(argv[1])) == NULL)
			return (vctl_usage_error(v, NULL,
			    "no such command: %s", argv[1]));
		vctl_cmd_usage(stdout, v, c);
		printf("  %s\n", vctl_real(c)->help);
		return (VCTL_EXIT_OK);
	}
	vctl_usage_line(stdout, v);
	printf("\ncommands (target: name, name:N, name:*, a glob, or all):"
	    "\n");
	for (i = 0; i < nitems(vctl_cmds); i++) {
		c = &vctl_cmds[i];
		if (c->alias_of != NULL)
			continue;
		snprintf(buf, sizeof(buf), "%s %s", c->name, c->args);
		printf("  %-52s %s\n", buf, c->help);
	}
	printf("\naliases: list, ls = status; update = reload\n"
	    "options: -j  JSON output; -c FILE  take the socket from this "
	    "configuration;\n         -s PATH  the control socket (also "
	    "unix:///PATH, or $VIGIL_SOCKET)\n"
	    "exit codes: 0 ok, 1 failed, 2 usage, 3 (status) not all "
	    "RUNNING,\n            4 permission denied (status: unknown name "
	    "or no vigild),\n            5 no such process, 7 vigild not "
	    "running\n");
	return (VCTL_EXIT_OK);
}

/* Command options anywhere among the arguments; the rest are targets. */
static int
vctl_parse_error(struct vctl *v, const struct vctl_cmddef *c,
    struct vctl_args *a, const char *fmt, const char *arg)
{
	free(a->targets);
	a->targets = NULL;
	return (vctl_usage_error(v, c, fmt, arg));
}

static int
vctl_parse(struct vctl *v, const struct vctl_cmddef *c, int argc,
    char **argv, const char *allowed, struct vctl_args *a)
{
	const char	*opt, *val, *errstr;
	uint64_t	 ms;
	int		 i, dashdash = 0;

	memset(a, 0, sizeof(*a));
	if ((a->targets = reallocarray(NULL, argc + 1,
	    sizeof(*a->targets))) == NULL)
		err(1, NULL);
	for (i = 1; i < argc; i++) {
		opt = argv[i];
		if (dashdash || opt[0] != '-' || opt[1] == '\0') {
			a->targets[a->ntargets++] = argv[i];
			continue;
		}
		if (strcmp(opt, "--") == 0) {
			dashdash = 1;
		} else if (strcmp(opt, "-j") == 0 ||
		    strcmp(opt, "--json") == 0) {
			v->json = 1;
		} else if (strchr(allowed, 'l') != NULL &&
		    (strcmp(opt, "-l") == 0 || strcmp(opt, "--long") == 0)) {
			a->longfmt = 1;
		} else if (strchr(allowed, 'w') != NULL &&
		    (strcmp(opt, "-w") == 0 || strcmp(opt, "--wait") == 0)) {
			a->wait = 1;
		} else if (strchr(allowed, 'w') != NULL &&
		    strcmp(opt, "--no-wait") == 0) {
			a->nowait = 1;
		} else if (strchr(allowed, 'r') != NULL &&
		    strcmp(opt, "--rolling") == 0) {
			a->rolling = 1;
		} else if (strchr(allowed, 't') != NULL &&
		    (strcmp(opt, "-t") == 0 || strcmp(opt, "--timeout") == 0 ||
		    strncmp(opt, "--timeout=", 10) == 0)) {
			if (strncmp(opt, "--timeout=", 10) == 0)
				val = opt + 10;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return (vctl_parse_error(v, c, a,
				    "%s needs a number of seconds", opt));
			if (config_parse_duration(val, &ms, &errstr) == -1 ||
			    ms == 0 || ms > CTL_TIMEOUT_MAX_MS)
				return (vctl_parse_error(v, c, a,
				    "bad timeout \"%s\" (seconds, or 500ms, "
				    "5m)", val));
			a->timeout_ms = (uint32_t)ms;
		} else
			return (vctl_parse_error(v, c, a, "unknown option %s",
			    opt));
	}
	return (VCTL_EXIT_OK);
}

/*
 * A command of the table that takes vctl_parse()'s options: c is the
 * entry named (an alias's own, so the act knows what was typed).
 */
static int
vctl_run_parsed(struct vctl *v, const struct vctl_cmddef *c, int argc,
    char **argv)
{
	const struct vctl_cmddef	*real = vctl_real(c);
	struct vctl_args		 a;
	int				 rc;

	if ((rc = vctl_parse(v, c, argc, argv, real->opts, &a)) !=
	    VCTL_EXIT_OK)
		return (rc);
	rc = real->act(v, c, &a);
	free(a.targets);
	return (rc);
}

static int
act_status(struct vctl *v, const struct vctl_cmddef *c, struct vctl_args *a)
{
	return (vctl_cmd_status(v, a));
}

static int
act_action(struct vctl *v, const struct vctl_cmddef *c, struct vctl_args *a)
{
	if (v->supctl) {
		a->wait = !a->nowait;
		return (vctl_sup_action(v, c->ctl, a));
	}
	if (a->ntargets == 0)
		return (vctl_usage_error(v, c, "%s needs a target (a name, or "
		    "all)", c->name));
	if (a->nowait && (a->wait || a->rolling))
		return (vctl_usage_error(v, c, "%s", "--no-wait contradicts "
		    "--wait and --rolling"));
	/* They wait unless told not to; --rolling waits. */
	a->wait = !a->nowait && !a->rolling;
	return (vctl_cmd_action(v, c->ctl, 0, a));
}

/* SIGxxx, an upper-case word, or a number: meant as a signal. */
static int
vctl_looks_like_signal(const char *s)
{
	size_t	 i;

	if (strncmp(s, "SIG", 3) == 0)
		return (1);
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' &&
		    s[i] <= '9')))
			return (0);
	return (i > 0);
}

static int
act_signal(struct vctl *v, const struct vctl_cmddef *c, struct vctl_args *a)
{
	const char	*errstr;
	int		 rc, sig = 0;

	if (v->supctl)
		return (vctl_sup_action(v, CTL_CMD_SIGNAL, a));
	/*
	 * A first word that looks like a signal but is none (SIGFOO, 99)
	 * is a usage error, and nothing is sent.
	 */
	if (a->ntargets >= 2 && vctl_looks_like_signal(a->targets[0]) &&
	    config_parse_signal(a->targets[0], &sig, &errstr) == -1)
		return (vctl_usage_error(v, c, "unknown signal \"%s\" (a name "
		    "like HUP or SIGUSR1, or a number)", a->targets[0]));
	/* "signal HUP web" or, with each service's reload_signal, "signal web" */
	if (a->ntargets >= 2 &&
	    config_parse_signal(a->targets[0], &sig, &errstr) == 0) {
		a->targets++;
		a->ntargets--;
		rc = vctl_cmd_action(v, CTL_CMD_SIGNAL, sig, a);
		a->targets--;
		return (rc);
	}
	if (a->ntargets == 0 || (a->ntargets == 1 &&
	    config_parse_signal(a->targets[0], &sig, &errstr) == 0))
		return (vctl_usage_error(v, c, "%s", "signal needs a target"));
	return (vctl_cmd_action(v, CTL_CMD_SIGNAL, 0, a));
}

static int
act_pid(struct vctl *v, const struct vctl_cmddef *c, struct vctl_args *a)
{
	return (vctl_cmd_pid(v, a));
}

static int
act_reload(struct vctl *v, const struct vctl_cmddef *c, struct vctl_args *a)
{
	const struct vctl_cmddef	*real = vctl_real(c);
	uint32_t			 flags;

	/*
	 * --wait: END once what it stops is gone; supervisorctl's update
	 * always waits ("NAME: stopped" is printed after the stop).
	 */
	flags = a->wait || (v->supctl && strcmp(c->name, "update") == 0) ?
	    CTL_F_WAIT : 0;
	/* supervisorctl's "update all" is an update */
	if (v->supctl && strcmp(c->name, "update") == 0 && a->ntargets == 1 &&
	    strcmp(a->targets[0], "all") == 0)
		a->ntargets = 0;
	if (v->supctl && a->ntargets > 0) {
		printf("Error: %s accepts no arguments here (add and remove "
		    "act on one group)\n", c->name);
		return (VCTL_EXIT_FAIL);
	}
	if (a->ntargets > 0)
		return (vctl_usage_error(v, c, "%s takes no argument (add and "
		    "remove act on one service)", real->name));
	return (vctl_cmd_reload(v, real->ctl, NULL, flags));
}

static int
act_addremove(struct vctl *v, const struct vctl_cmddef *c,
    struct vctl_args *a)
{
	size_t		 i;
	uint32_t	 flags = 0;
	int		 rc = VCTL_EXIT_OK, r;

	/*
	 * supervisorctl's remove takes a stopped group, in the file or not,
	 * and refuses a running one; vigil's stops one gone from the file
	 * (--wait: until it is gone) and refuses one still in it.
	 */
	if (v->supctl && c->ctl == CTL_CMD_REMOVE)
		flags = CTL_F_SUPERVISOR;
	else if (a->wait)
		flags = CTL_F_WAIT;
	if (a->ntargets == 0 && !v->supctl)
		rc = vctl_usage_error(v, c, "%s needs a service name",
		    c->name);
	/* supervisorctl takes several names: one request each. */
	for (i = 0; i < a->ntargets; i++) {
		r = vctl_cmd_reload(v, c->ctl, a->targets[i], flags);
		vctl_close(v);
		if (r > rc)
			rc = r;
	}
	return (rc);
}

static int
act_info(struct vctl *v, const struct vctl_cmddef *c, struct vctl_args *a)
{
	if (a->ntargets == 0)
		return (vctl_usage_error(v, c, "%s needs a target", c->name));
	return (vctl_cmd_info(v, a));
}

static int
act_shutdown(struct vctl *v, const struct vctl_cmddef *c,
    struct vctl_args *a)
{
	if (a->ntargets > 0)
		return (vctl_usage_error(v, c, "%s takes no argument",
		    c->name));
	if (c->ctl == CTL_CMD_UPGRADE)
		return (vctl_cmd_upgrade(v, a));
	return (vctl_cmd_shutdown(v, a));
}

static int
act_version(struct vctl *v, const struct vctl_cmddef *c, struct vctl_args *a)
{
	return (vctl_cmd_version(v));
}

static int
run_avail(struct vctl *v, int argc, char **argv)
{
	if (argc > 1) {
		if (v->supctl) {
			printf("Error: avail accepts no arguments\n");
			return (VCTL_EXIT_FAIL);
		}
		return (vctl_usage_error(v, vctl_find(argv[0]), "%s takes no "
		    "argument", argv[0]));
	}
	return (vctl_sup_avail(v, argc, argv));
}

static int
run_import(struct vctl *v, int argc, char **argv)
{
	return (vigilctl_import(argc, argv));
}

/*
 * export reads a configuration: -c's; with only -s (or $VIGIL_SOCKET),
 * the file the vigild there runs, not the default one.
 */
static int
run_export(struct vctl *v, int argc, char **argv)
{
	const char	*conf = v->config, *env;
	int		 i;

	env = getenv("VIGIL_SOCKET");
	if (conf == NULL && (v->sopt != NULL || (env != NULL &&
	    *env != '\0'))) {
		v->sock = vctl_sock_url(v, v->sopt != NULL ? v->sopt : env);
		for (i = 2; i < argc && argv[i][0] == '-'; i++)
			if (strcmp(argv[i], "-o") == 0)
				i++;
		if (i < argc && (conf = vctl_cmd_confpath(v, argv[i])) ==
		    NULL) {
			fprintf(stderr, "%s: export: vigild at %s cannot say "
			    "where %s is defined; give -c FILE\n",
			    v->progname, v->sock, argv[i]);
			return (VCTL_EXIT_FAIL);
		}
	}
	return (vigilctl_export(argc, argv, conf));
}

/* "unix:///run/x.sock" -> "/run/x.sock"; other URLs are refused. */
static const char *
vctl_sock_url(struct vctl *v, const char *s)
{
	if (strncmp(s, "unix://", 7) == 0)
		return (s + 7);
	if (strstr(s, "://") != NULL)
		errx(VCTL_EXIT_USAGE, "%s: vigild is reached through its unix "
		    "socket, not %s (use -s /path or unix:///path)",
		    v->progname, s);
	return (s);
}

/* The socket path from a configuration file, or NULL. */
static const char *
vctl_conf_socket(const char *path, int quiet)
{
	static char		 sock[PATH_MAX];
	struct config_errors	 errs;
	struct vigil_conf	*conf;

	config_errors_init(&errs);
	conf = config_load(path, CONFIG_NO_RESOLVE, &errs);
	if (conf == NULL) {
		/* An unreadable include must not hide the socket. */
		config_errors_free(&errs);
		config_errors_init(&errs);
		conf = config_load(path, CONFIG_NO_RESOLVE |
		    CONFIG_NO_INCLUDE, &errs);
	}
	if (conf == NULL) {
		if (!quiet)
			config_errors_print(&errs, stderr);
		config_errors_free(&errs);
		return (NULL);
	}
	config_errors_free(&errs);
	if (strlcpy(sock, conf->socket_path, sizeof(sock)) >= sizeof(sock)) {
		config_free(conf);
		return (NULL);
	}
	config_free(conf);
	return (sock);
}

/*
 * vigilctl(8), FILES: -s, then -c, then $VIGIL_SOCKET, then the socket of
 * the default configuration file if there is one, then the default.
 */
static void
vctl_find_socket(struct vctl *v, const char *sopt, int supervisorctl)
{
	const char	*env, *def;

	if (sopt != NULL) {
		v->sock = vctl_sock_url(v, sopt);
		return;
	}
	if (v->config != NULL) {
		if ((v->sock = vctl_conf_socket(v->config, supervisorctl)) !=
		    NULL)
			return;
		/* A supervisord.conf: its serverurl or unix_http_server */
		if (supervisorctl &&
		    (v->sock = vctl_sup_conf_socket(v->config)) != NULL)
			return;
		if (!supervisorctl)
			errx(VCTL_EXIT_USAGE, "%s: cannot read the socket path "
			    "from %s", v->progname, v->config);
		fprintf(stderr, "%s: note: %s is not a vigild.conf, ignoring "
		    "-c\n", v->progname, v->config);
	}
	if ((env = getenv("VIGIL_SOCKET")) != NULL && *env != '\0') {
		v->sock = vctl_sock_url(v, env);
		return;
	}
	def = config_default_path();
	if (access(def, R_OK) == 0 &&
	    (v->sock = vctl_conf_socket(def, 1)) != NULL)
		return;
	v->sock = config_default_socket();
}

int
main(int argc, char *argv[])
{
	const struct vctl_cmddef	*c;
	struct vctl			 v;
	const char			*sopt = NULL, *opts, *base;
	char				*sockurl = NULL, **sargv = NULL;
	int				 ch, supervisorctl, rc;

	memset(&v, 0, sizeof(v));
	base = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 :
	    argv[0];
	supervisorctl = strcmp(base, "supervisorctl") == 0;
	v.progname = supervisorctl ? "supervisorctl" : "vigilctl";
	v.supctl = vctl_err_stdout = supervisorctl;
	log_init(1, LOG_USER);
	signal(SIGPIPE, SIG_IGN);

	if (argc > 1 && strcmp(argv[1], "--help") == 0)
		return (run_help(&v, 1, argv));
	/* "+": stop at the command, its options are its own. */
	opts = supervisorctl ? "+c:hijp:r:s:u:" : "+c:hjs:";
	while ((ch = getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'c':
			v.config = optarg;
			break;
		case 'h':
			return (run_help(&v, 1, argv));
		case 'i':
			errx(VCTL_EXIT_USAGE, "-i: the interactive shell is "
			    "not supported; run one command at a time");
		case 'j':
			v.json = 1;
			break;
		case 'p':
		case 'u':
			fprintf(stderr, "%s: note: ignoring -%c: vigild knows "
			    "callers by their uid, no password is needed\n",
			    v.progname, ch);
			break;
		case 'r':
			break;
		case 's':
			sopt = v.sopt = optarg;
			break;
		default:
			vctl_usage_line(stderr, &v);
			return (VCTL_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	/* supervisorctl runs " ".join(args) as one line: split it again. */
	if (supervisorctl)
		argv = sargv = vctl_sup_resplit(argc, argv, &argc);
	if (argc == 0) {
		if (supervisorctl)
			fprintf(stderr, "%s: the interactive shell is not "
			    "supported; give a command\n", v.progname);
		vctl_usage_line(stderr, &v);
		fprintf(stderr, "run \"%s help\" for the commands\n",
		    v.progname);
		rc = VCTL_EXIT_USAGE;
		goto done;
	}
	if ((c = vctl_find(argv[0])) == NULL && supervisorctl) {
		printf("*** Unknown syntax:");
		for (ch = 0; ch < argc; ch++)
			printf(" %s", argv[ch]);
		printf("\n");
		rc = VCTL_EXIT_FAIL;
		goto done;
	}
	if (c == NULL) {
		rc = vctl_usage_error(&v, NULL, "unknown command \"%s\" "
		    "(see help)", argv[0]);
		goto done;
	}
	if (vctl_real(c)->run != run_help && vctl_real(c)->run != run_import &&
	    vctl_real(c)->run != run_export)
		vctl_find_socket(&v, sopt, supervisorctl);
	if (v.sock != NULL && asprintf(&sockurl, "unix://%s", v.sock) == -1)
		err(1, NULL);
	v.sockurl = sockurl;
	if (vctl_real(c)->act != NULL)
		rc = vctl_run_parsed(&v, c, argc, argv);
	else
		rc = vctl_real(c)->run(&v, argc, argv);
	vctl_close(&v);
 done:
	fflush(stdout);
	free(sockurl);
	free(sargv);
	return (rc);
}
