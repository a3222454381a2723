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
 * vigilctl under the name supervisorctl (vigilctl(8), SUPERVISORCTL
 * COMPATIBILITY):
 * what a script driving supervisorctl 4.2.5 can tell apart.  Its
 * arguments are one line split again on white space; every action and
 * error line goes to stdout; each name is one request, in order, and
 * restart is a stop of every name, then a start of every name; the exit
 * code is the last failure's, in its numbers; -c may name a supervisord
 * configuration; avail exists (maintail: vigilctl_logs.c); update and
 * reread print its lines in its order; update ends once what it stops
 * is gone, and remove takes a stopped group as supervisord does.
 */

#include <sys/types.h>

#include <ctype.h>
#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "vigilctl.h"

static int
sup_starts(const char *s, const char *prefix)
{
	return (strncmp(s, prefix, strlen(prefix)) == 0);
}

/* "web:*": a group to it; "web" and "web:0" are process names. */
static int
sup_group(const char *name)
{
	size_t	 len = strlen(name);

	return (len >= 2 && strcmp(name + len - 2, ":*") == 0);
}

/* The reason as supervisorctl words it: no detail after its fault name. */
void
vctl_sup_reason(const char *name, int result, const char *text, char *buf,
    size_t len)
{
	if (result == CTL_RES_NOSUCH)
		strlcpy(buf, sup_group(name) ? "no such group" :
		    "no such process", len);
	else if (sup_starts(text, "spawn error: can't find command"))
		strlcpy(buf, "no such file", len);	/* it checks first */
	else if (sup_starts(text, "spawn error: can't exec") &&
	    strstr(text, "Permission denied") != NULL)
		strlcpy(buf, "file is not executable", len);
	else if (sup_starts(text, "spawn error") ||
	    sup_starts(text, "abnormal termination"))
		/* it calls an exit within startsecs a spawn error too */
		strlcpy(buf, "spawn error", len);
	else
		strlcpy(buf, text, len);
}

/* supervisorctl's exit code for one result; 0: none to set. */
int
vctl_sup_rc(uint32_t cmd, int result, const char *name, const char *text)
{
	int	 dead;

	if (result == CTL_RES_OK)
		return (0);
	/* the checks it makes before a spawn: NO_FILE, NOT_EXECUTABLE */
	if (sup_starts(text, "spawn error: can't find command") ||
	    (sup_starts(text, "spawn error: can't exec") &&
	    strstr(text, "Permission denied") != NULL))
		return (1);
	dead = sup_starts(text, "spawn error") ||
	    sup_starts(text, "abnormal termination") ||
	    sup_starts(text, "not running");
	switch (cmd) {
	case CTL_CMD_START:
		if (result == CTL_RES_NOOP)
			return (0);
		if (result == CTL_RES_NOSUCH)
			return (sup_group(name) ? 2 : 1);
		return (dead ? 7 : 1);
	case CTL_CMD_STOP:
		return (result == CTL_RES_NOOP ? 0 : 1);
	case CTL_CMD_SIGNAL:
		return (result != CTL_RES_NOSUCH && dead ? 7 : 1);
	case CTL_CMD_STATUS:
		return (result == CTL_RES_NOSUCH ? 4 : 1);
	case CTL_CMD_ADD:
		return (strcmp(text, "already active") == 0 ? 0 : 1);
	default:
		return (1);
	}
}

/* One request a name, in order; "all" anywhere: one request for all. */
static int
sup_phase(struct vctl *v, uint32_t cmd, int signo, struct vctl_args *a)
{
	struct vctl_args	 one = *a;
	char			*all[1] = { "all" };
	size_t			 i;
	int			 r, rc = 0;

	for (i = 0; i < a->ntargets; i++)
		if (strcmp(a->targets[i], "all") == 0)
			break;
	if (i < a->ntargets) {
		one.targets = all;
		one.ntargets = 1;
		rc = vctl_cmd_action(v, cmd, signo, &one);
		vctl_close(v);
		return (rc);
	}
	for (i = 0; i < a->ntargets; i++) {
		one.targets = &a->targets[i];
		one.ntargets = 1;
		r = vctl_cmd_action(v, cmd, signo, &one);
		if (!v->connected)	/* vigild unreachable: said once */
			return (r);
		vctl_close(v);
		if (r != 0)
			rc = r;
	}
	return (rc);
}

int
vctl_sup_action(struct vctl *v, uint32_t cmd, struct vctl_args *a)
{
	const char	*errstr, *what;
	int		 r, rc, sig;

	what = cmd == CTL_CMD_START ? "start" : cmd == CTL_CMD_STOP ? "stop" :
	    cmd == CTL_CMD_RESTART ? "restart" : "signal";
	if (cmd == CTL_CMD_SIGNAL) {
		if (a->ntargets < 2) {
			printf("Error: signal requires a signal name and a "
			    "process name\n");
			return (VCTL_EXIT_FAIL);
		}
		if (config_parse_signal(a->targets[0], &sig, &errstr) == -1) {
			/* Nothing is sent for a signal it does not know. */
			printf("%s: ERROR (bad signal name)\n", a->targets[1]);
			return (VCTL_EXIT_FAIL);
		}
		a->targets++;
		a->ntargets--;
		rc = sup_phase(v, cmd, sig, a);
		a->targets--;
		a->ntargets++;
		return (rc);
	}
	if (a->ntargets == 0) {
		printf("Error: %s requires a process name\n", what);
		return (cmd == CTL_CMD_START ? VCTL_EXIT_USAGE :
		    VCTL_EXIT_FAIL);
	}
	if (cmd != CTL_CMD_RESTART)
		return (sup_phase(v, cmd, 0, a));
	/* supervisorctl's restart: stop them all, then start them all. */
	rc = sup_phase(v, CTL_CMD_STOP, 0, a);
	if (!v->connected && rc == VCTL_EXIT_UNREACHABLE)
		return (rc);
	r = sup_phase(v, CTL_CMD_START, 0, a);
	return (r != 0 ? r : rc);
}

static int
sup_strcmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* "NAME: what" lines of one kind, names only, sorted. */
static size_t
sup_pick(char **lines, size_t n, const char *what, char **names)
{
	size_t	 i, k = 0, nl, wl = strlen(what);
	char	*colon;

	for (i = 0; i < n; i++) {
		if ((colon = strstr(lines[i], ": ")) == NULL ||
		    strncmp(colon + 2, what, wl) != 0)
			continue;
		nl = colon - lines[i];
		if ((names[k] = strndup(lines[i], nl)) == NULL)
			err(1, NULL);
		k++;
	}
	qsort(names, k, sizeof(*names), sup_strcmp);
	return (k);
}

static void
sup_print(char **names, size_t n, const char *first, const char *then)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (first != NULL)
			printf("%s: %s\n", names[i], first);
		if (then != NULL)
			printf("%s: %s\n", names[i], then);
		free(names[i]);
	}
}

/*
 * reread: "NAME: available|changed|disappeared" sorted by name, or "No
 * config updates to processes".  update: for each removed group
 * "stopped", "removed process group"; each changed one "stopped",
 * "updated process group"; each added one "added process group";
 * nothing when nothing changed.  add, remove: their lines.  A refused
 * file: its errors as CANT_REREAD.
 */
int
vctl_sup_reload_print(struct vctl *v, uint32_t cmd, char **out, size_t nout,
    char **errs, size_t nerr, const struct ctl_end *end, int sup_rc)
{
	char	**names;
	size_t	  i, n, k = 0;

	if (end->result == CTL_RES_DENIED || end->result == CTL_RES_USAGE)
		return (vctl_end_exit(v, end));
	if (nerr > 0) {
		for (i = 0; i < nerr; i++)
			printf("ERROR: CANT_REREAD: %s\n", errs[i]);
		return (VCTL_EXIT_FAIL);
	}
	if ((names = calloc(nout + 1, sizeof(*names))) == NULL)
		err(1, NULL);
	switch (cmd) {
	case CTL_CMD_REREAD:
		for (i = 0; i < nout; i++)
			if (strstr(out[i], ": ") != NULL)
				names[k++] = out[i];
		qsort(names, k, sizeof(*names), sup_strcmp);
		for (i = 0; i < k; i++)
			printf("%s\n", names[i]);
		if (k == 0)
			printf("No config updates to processes\n");
		break;
	case CTL_CMD_RELOAD:
		n = sup_pick(out, nout, "removed process group", names);
		sup_print(names, n, "stopped", "removed process group");
		n = sup_pick(out, nout, "updated process group", names);
		sup_print(names, n, "stopped", "updated process group");
		n = sup_pick(out, nout, "added process group", names);
		sup_print(names, n, NULL, "added process group");
		break;
	default:
		for (i = 0; i < nout; i++)
			printf("%s\n", out[i]);
		break;
	}
	free(names);
	fflush(stdout);
	if (end->result != CTL_RES_OK && sup_rc == 0 &&
	    !(cmd == CTL_CMD_ADD && end->result == CTL_RES_FAIL))
		sup_rc = VCTL_EXIT_FAIL;
	return (sup_rc);
}

struct sup_avail {
	char	 id[VIGIL_IDNAMEMAX];
	char	 group[VIGIL_NAMEMAX];
	int	 inuse;
	int	 autostart;	/* -1: unknown */
	int	 priority;
};

struct sup_avail_ctx {
	struct sup_avail	*v;
	size_t			 n;
	size_t			 cap;
	ssize_t			 cur;		/* info: the instance described */
	char			 conf[PATH_MAX];	/* from defined_at */
};

static struct sup_avail *
sup_avail_add(struct sup_avail_ctx *c, const char *id, const char *group)
{
	struct sup_avail	*a;

	if (c->n == c->cap) {
		c->cap = c->cap == 0 ? 32 : c->cap * 2;
		if ((c->v = reallocarray(c->v, c->cap, sizeof(*c->v))) == NULL)
			err(1, NULL);
	}
	a = &c->v[c->n++];
	memset(a, 0, sizeof(*a));
	strlcpy(a->id, id, sizeof(a->id));
	strlcpy(a->group, group, sizeof(a->group));
	a->autostart = -1;
	return (a);
}

static int
sup_avail_cb(struct vctl *v, struct imsg *imsg, void *arg)
{
	struct sup_avail_ctx	*c = arg;
	struct ctl_status_iter	 it;
	struct ctl_status	 st;
	struct ctl_kv		 kv;
	struct ctl_line		 l;
	const char		*errstr;
	char			*colon;
	size_t			 i;
	int			 r;

	switch (imsg->hdr.type) {
	case IMSG_CTL_STATUS:
		/*
		 * status: several records a frame; info: one a service, its
		 * KVs after it (they go to the last one seen).
		 */
		if (vctl_get_status(imsg, &it) == -1)
			return (-1);
		while ((r = ctl_status_next(&it, &st)) == 1) {
			c->cur = -1;
			for (i = 0; i < c->n; i++)
				if (strcmp(c->v[i].id, st.id) == 0)
					c->cur = i;
			if (c->cur == -1) {
				sup_avail_add(c, st.id, st.group)->inuse = 1;
				c->cur = c->n - 1;
			}
		}
		return (r);
	case IMSG_CTL_KV:
		if (vctl_get_kv(imsg, &kv) == -1 || c->cur < 0)
			return (-1);
		if (strcmp(kv.key, "autostart") == 0)
			c->v[c->cur].autostart = strcmp(kv.value, "true") == 0;
		else if (strcmp(kv.key, "priority") == 0)
			c->v[c->cur].priority = strtonum(kv.value, INT_MIN,
			    INT_MAX, &errstr);
		else if (strcmp(kv.key, "defined_at") == 0 &&
		    c->conf[0] == '\0') {
			strlcpy(c->conf, kv.value, sizeof(c->conf));
			if ((colon = strrchr(c->conf, ':')) != NULL)
				*colon = '\0';
		}
		return (0);
	case IMSG_CTL_LINE:
		/* reread: "NAME: available" is in the file, not in use */
		if (vctl_get_line(imsg, &l) == -1)
			return (-1);
		if ((colon = strstr(l.text, ": available")) != NULL &&
		    colon[11] == '\0') {
			*colon = '\0';
			sup_avail_add(c, l.text, l.text);
		}
		return (0);
	case IMSG_CTL_EXIT:
	case IMSG_CTL_RESULT:
		return (0);
	default:
		return (-1);
	}
}

static int
sup_avail_cmp(const void *a, const void *b)
{
	const struct sup_avail	*x = a, *y = b;

	return (strcmp(x->id, y->id));
}

/* Autostart and priority of what is not in use, from the file. */
static void
sup_avail_file(struct vctl *v, struct sup_avail_ctx *c)
{
	struct config_errors	 errs;
	struct vigil_conf	*conf;
	struct config_svc	*sc;
	const char		*path;
	size_t			 i;

	path = c->conf[0] != '\0' ? c->conf : v->config != NULL ?
	    v->config : config_default_path();
	config_errors_init(&errs);
	conf = config_load(path, CONFIG_NO_RESOLVE, &errs);
	config_errors_free(&errs);
	if (conf == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		if (c->v[i].inuse || (sc = config_find(conf, c->v[i].id)) ==
		    NULL)
			continue;
		c->v[i].autostart = sc->autostart;
		c->v[i].priority = sc->priority;
	}
	config_free(conf);
}

/*
 * avail: each process in use (status, then info of each for autostart
 * and priority) and each one the file has that is not (reread's
 * "available"), as supervisorctl lists them.
 */
int
vctl_sup_avail(struct vctl *v, int argc, char **argv)
{
	struct sup_avail_ctx	 c;
	struct ctl_request	 req;
	struct ctl_end		 end;
	struct vctl_args	 a;
	char			*t[CTL_INFO_MAX], pr[32];
	size_t			 i, k, nuse;
	int			 rc;
	static const uint32_t	 cmds[] = { CTL_CMD_STATUS, CTL_CMD_REREAD };

	memset(&c, 0, sizeof(c));
	for (k = 0; k < nitems(cmds); k++) {
		if ((rc = vctl_connect(v, 0)) != VCTL_EXIT_OK)
			return (rc);
		memset(&req, 0, sizeof(req));
		req.cmd = cmds[k];
		rc = vctl_request(v, &req, NULL, sup_avail_cb, &c, &end, 0);
		vctl_close(v);
		if (rc != 0)
			return (VCTL_EXIT_UNREACHABLE);
		if (end.result == CTL_RES_DENIED)
			return (vctl_end_exit(v, &end));
	}
	nuse = c.n;
	for (i = 0; i < nuse; i += k) {
		memset(&a, 0, sizeof(a));
		for (k = 0; k < CTL_INFO_MAX && i + k < nuse; k++)
			t[k] = c.v[i + k].id;
		a.targets = t;
		a.ntargets = k;
		if (vctl_connect(v, 0) != VCTL_EXIT_OK)
			return (VCTL_EXIT_UNREACHABLE);
		memset(&req, 0, sizeof(req));
		req.cmd = CTL_CMD_INFO;
		rc = vctl_request(v, &req, &a, sup_avail_cb, &c, &end, 0);
		vctl_close(v);
		if (rc != 0)
			return (VCTL_EXIT_UNREACHABLE);
	}
	sup_avail_file(v, &c);
	qsort(c.v, c.n, sizeof(*c.v), sup_avail_cmp);
	for (i = 0; i < c.n; i++) {
		if (c.v[i].autostart == -1)
			strlcpy(pr, "?", sizeof(pr));
		else
			snprintf(pr, sizeof(pr), "%d:%d", c.v[i].priority,
			    c.v[i].priority);
		printf("%-32s %-9s %-9s %s\n", c.v[i].id,
		    c.v[i].inuse ? "in use" : "avail",
		    c.v[i].autostart == -1 ? "?" : c.v[i].autostart ?
		    "auto" : "manual", pr);
	}
	free(c.v);
	return (VCTL_EXIT_OK);
}
