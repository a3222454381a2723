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
 * The vigilctl commands that talk to vigild: each builds one request,
 * handles the answer messages as they stream in, and turns END into the
 * exit code of vigilctl(8), EXIT STATUS.
 */

#include <sys/types.h>

#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_format.h"
#include "log.h"
#include "vigilctl.h"

struct vctl_ctx {
	uint32_t		 cmd;
	int			 sup_rc;	/* supervisorctl's exit code */
	struct vctl_statuses	 sts;
	int			 nosuch;
	int			 nresults;
	int			 json_open;
	int			 info_section;	/* 0 status, 1 config, 2 exits */
	int			 ninfo;
	char			**out;		/* reload: lines, for JSON */
	size_t			 nout;
	char			**err;
	size_t			 nerr;
};

static void
vctl_ctx_free(struct vctl_ctx *c)
{
	size_t	 i;

	free(c->sts.v);
	for (i = 0; i < c->nout; i++)
		free(c->out[i]);
	for (i = 0; i < c->nerr; i++)
		free(c->err[i]);
	free(c->out);
	free(c->err);
}

static void
vctl_push(char ***v, size_t *n, const char *s)
{
	if ((*v = reallocarray(*v, *n + 1, sizeof(**v))) == NULL ||
	    ((*v)[*n] = strdup(s)) == NULL)
		fatal(NULL);
	(*n)++;
}

static void
vctl_req_init(struct ctl_request *req, uint32_t cmd,
    const struct vctl_args *a)
{
	memset(req, 0, sizeof(*req));
	req->cmd = cmd;
	if (a == NULL)
		return;
	if (a->longfmt)
		req->flags |= CTL_F_LONG;
	if (a->wait)
		req->flags |= CTL_F_WAIT;
	if (a->rolling)
		req->flags |= CTL_F_ROLLING;
	req->timeout_ms = a->timeout_ms;
}

/* END to an exit code; prints its message for refusals. */
int
vctl_end_exit(struct vctl *v, const struct ctl_end *end)
{
	switch (end->result) {
	case CTL_RES_OK:
		return (VCTL_EXIT_OK);
	case CTL_RES_DENIED:
		fprintf(stderr, "%s: %s\n", v->progname, end->msg);
		return (VCTL_EXIT_DENIED);
	case CTL_RES_USAGE:
		fprintf(stderr, "%s: %s\n", v->progname, end->msg);
		return (VCTL_EXIT_USAGE);
	case CTL_RES_NOSUCH:
		return (VCTL_EXIT_NOSUCH);
	default:
		return (VCTL_EXIT_FAIL);
	}
}

/*
 * supervisorctl's words for a RESULT, all on stdout, and its exit code
 * (the last failure's, as it sets them).
 */
static int
vctl_sup_result(struct vctl_ctx *c, const struct ctl_result *r)
{
	char	 why[CTL_RESULTMAX];
	int	 rc;

	if ((rc = vctl_sup_rc(c->cmd, r->result, r->name, r->text)) != 0)
		c->sup_rc = rc;
	if (r->result == CTL_RES_OK) {
		printf("%s: %s\n", r->name, r->text);
		fflush(stdout);
		return (0);
	}
	switch (c->cmd) {
	case CTL_CMD_PID:
		printf("No such process %s\n", r->name);
		break;
	case CTL_CMD_ADD:
		if (r->result == CTL_RES_NOSUCH)
			printf("ERROR: no such process/group: %s\n", r->name);
		else if (strcmp(r->text, "already active") == 0)
			printf("ERROR: process group already active\n");
		else
			printf("ERROR: %s: %s\n", r->name, r->text);
		break;
	case CTL_CMD_REMOVE:
		if (r->result == CTL_RES_NOSUCH)
			printf("ERROR: no such process/group: %s\n", r->name);
		else if (strcmp(r->text, "still running") == 0)
			printf("ERROR: process/group still running: %s\n",
			    r->name);
		else
			printf("ERROR: %s: %s\n", r->name, r->text);
		break;
	default:
		vctl_sup_reason(r->name, r->result, r->text, why,
		    sizeof(why));
		printf("%s: ERROR (%s)\n", r->name, why);
		break;
	}
	fflush(stdout);
	return (0);
}

/* A RESULT: "NAME: text" on stdout, or "NAME: ERROR (text)" on stderr. */
static int
vctl_on_result(struct vctl *v, struct imsg *imsg, struct vctl_ctx *c)
{
	struct ctl_result	 r;

	if (vctl_get_result(imsg, &r) == -1)
		return (-1);
	c->nresults++;
	if (r.result == CTL_RES_NOSUCH)
		c->nosuch = 1;
	if (v->supctl)
		return (vctl_sup_result(c, &r));
	if (v->json && c->json_open) {
		json_open(NULL, '{');
		json_str("name", r.name);
		json_bool("ok", r.result == CTL_RES_OK ||
		    r.result == CTL_RES_NOOP);
		json_str(r.result == CTL_RES_OK ? "result" : "error", r.text);
		json_close();
		fflush(stdout);
	}
	if (r.result == CTL_RES_OK) {
		if (!v->json) {
			printf("%s: %s\n", r.name, r.text);
			fflush(stdout);
		}
	} else
		vctl_err(r.name, r.text);
	return (0);
}


/* Does target t name this process (as supervisorctl splits names)? */
static int
vctl_sup_match(const char *t, const struct ctl_status *st)
{
	size_t	 gl = strlen(st->group);

	return (strcmp(t, "all") == 0 || strcmp(t, st->id) == 0 ||
	    strcmp(t, st->group) == 0 || (strncmp(t, st->group, gl) == 0 &&
	    strcmp(t + gl, ":*") == 0));
}

/*
 * supervisorctl shows named processes in the order of the names (each
 * name's in name order); vctl_print_status keeps an order it is given
 * when it is sorted, so sort by (first matching target, name) here and
 * mark the array sorted by leaving it as is.
 */
static const struct vctl_args	*vctl_sup_args;

static size_t
vctl_sup_rank(const struct ctl_status *st)
{
	size_t	 i;

	for (i = 0; i < vctl_sup_args->ntargets; i++)
		if (vctl_sup_match(vctl_sup_args->targets[i], st))
			return (i);
	return (i);
}

static int
vctl_sup_cmp(const void *a, const void *b)
{
	const struct ctl_status	*x = a, *y = b;
	size_t			 rx = vctl_sup_rank(x), ry = vctl_sup_rank(y);

	if (rx != ry)
		return (rx < ry ? -1 : 1);
	return (strcmp(x->id, y->id));
}

static void
vctl_sup_order(struct vctl_statuses *sts, const struct vctl_args *a)
{
	vctl_sup_args = a;
	if (sts->n > 1)		/* none: v may be NULL, which qsort may not */
		qsort(sts->v, sts->n, sizeof(*sts->v), vctl_sup_cmp);
	sts->ordered = 1;
}

static int
vctl_status_cb(struct vctl *v, struct imsg *imsg, void *arg)
{
	struct vctl_ctx		*c = arg;
	struct ctl_status_iter	 it;
	struct ctl_status	*st;
	int			 r;

	switch (imsg->hdr.type) {
	case IMSG_CTL_STATUS:
		if (vctl_get_status(imsg, &it) == -1)
			return (-1);
		for (;;) {
			st = vctl_statuses_slot(&c->sts);
			if ((r = ctl_status_next(&it, st)) != 1)
				return (r);
			c->sts.n++;
		}
	case IMSG_CTL_RESULT:
		return (vctl_on_result(v, imsg, c));
	default:
		return (-1);
	}
}

/* status: 0 all RUNNING, 3 one is not, 4 unknown name or no daemon. */
int
vctl_cmd_status(struct vctl *v, const struct vctl_args *a)
{
	struct ctl_request	 req;
	struct ctl_end		 end;
	struct vctl_ctx		 c;
	size_t			 i;
	int			 r, rc = VCTL_EXIT_OK;

	if (vctl_connect(v, 0) != VCTL_EXIT_OK)
		return (VCTL_EXIT_DENIED);
	memset(&c, 0, sizeof(c));
	c.cmd = CTL_CMD_STATUS;
	vctl_req_init(&req, CTL_CMD_STATUS, a);
	if ((r = vctl_request(v, &req, a, vctl_status_cb, &c, &end, 0)) < 0) {
		vctl_ctx_free(&c);
		return (r == -2 ? VCTL_EXIT_USAGE : VCTL_EXIT_DENIED);
	}
	if (end.result == CTL_RES_USAGE || end.result == CTL_RES_DENIED) {
		vctl_ctx_free(&c);
		(void)vctl_end_exit(v, &end);
		return (end.result == CTL_RES_USAGE ? VCTL_EXIT_USAGE :
		    VCTL_EXIT_DENIED);
	}
	if (v->supctl && a->ntargets > 0)
		vctl_sup_order(&c.sts, a);
	vctl_print_status(v, &c.sts, a->longfmt);
	/*
	 * 3 only for one that is down: STARTING, BACKOFF and STOPPING are
	 * on their way.  supervisorctl counts UNKNOWN too, and lets a
	 * stopped one win over an unknown name.
	 */
	if (c.nosuch)
		rc = VCTL_EXIT_DENIED;
	for (i = 0; i < c.sts.n; i++)
		if (strcmp(c.sts.v[i].state, "STOPPED") == 0 ||
		    strcmp(c.sts.v[i].state, "EXITED") == 0 ||
		    strcmp(c.sts.v[i].state, "FATAL") == 0 ||
		    (v->supctl && strcmp(c.sts.v[i].state, "UNKNOWN") == 0)) {
			if (!c.nosuch || v->supctl)
				rc = VCTL_EXIT_NOTRUNNING;
		}
	vctl_ctx_free(&c);
	return (rc);
}

static int
vctl_action_cb(struct vctl *v, struct imsg *imsg, void *arg)
{
	struct vctl_ctx	*c = arg;

	if (imsg->hdr.type != IMSG_CTL_RESULT)
		return (-1);
	if (v->json && !c->json_open) {
		json_open(NULL, '[');
		c->json_open = 1;
	}
	return (vctl_on_result(v, imsg, c));
}

/* start, stop, restart, signal. */
int
vctl_cmd_action(struct vctl *v, uint32_t cmd, int signo,
    const struct vctl_args *a)
{
	struct ctl_request	 req;
	struct ctl_end		 end;
	struct vctl_ctx		 c;
	uint32_t		 wait_ms = 0;
	int			 r, rc;

	if ((rc = vctl_connect(v, 0)) != VCTL_EXIT_OK)
		return (rc);
	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	vctl_req_init(&req, cmd, a);
	req.signo = signo;
	/*
	 * Without --timeout vigild waits as long as the services' own
	 * times say; it ends the answer itself when they pass.
	 */
	if (a->wait || a->rolling)
		wait_ms = req.timeout_ms != 0 ? req.timeout_ms :
		    CTL_TIMEOUT_MAX_MS;
	if ((r = vctl_request(v, &req, a, vctl_action_cb, &c, &end,
	    wait_ms)) < 0) {
		if (c.json_open)
			json_finish();
		return (r == -2 ? VCTL_EXIT_USAGE : VCTL_EXIT_UNREACHABLE);
	}
	if (v->json && (c.json_open || end.result == CTL_RES_OK)) {
		if (!c.json_open)
			json_open(NULL, '[');
		json_finish();
	}
	/* A refusal of the whole request ("an upgrade is under way") */
	if (end.result == CTL_RES_FAIL && c.nresults == 0 &&
	    end.msg[0] != '\0' && !v->supctl)
		fprintf(stderr, "%s: %s\n", v->progname, end.msg);
	if (v->supctl && end.result != CTL_RES_USAGE &&
	    end.result != CTL_RES_DENIED)
		return (c.sup_rc);
	return (vctl_end_exit(v, &end));
}

/* pid: the daemon's, or each named process's (0 when not running). */
int
vctl_cmd_pid(struct vctl *v, const struct vctl_args *a)
{
	struct ctl_request	 req;
	struct ctl_end		 end;
	struct vctl_ctx		 c;
	size_t			 i;
	int			 r, rc;

	if ((rc = vctl_connect(v, 0)) != VCTL_EXIT_OK)
		return (rc);
	memset(&c, 0, sizeof(c));
	c.cmd = CTL_CMD_PID;
	vctl_req_init(&req, CTL_CMD_PID, a);
	if ((r = vctl_request(v, &req, a, vctl_status_cb, &c, &end, 0)) < 0) {
		vctl_ctx_free(&c);
		return (r == -2 ? VCTL_EXIT_USAGE : VCTL_EXIT_UNREACHABLE);
	}
	if ((rc = vctl_end_exit(v, &end)) == VCTL_EXIT_DENIED ||
	    rc == VCTL_EXIT_USAGE) {
		vctl_ctx_free(&c);
		return (rc);
	}
	if (a->ntargets == 0) {
		if (v->json) {
			json_open(NULL, '{');
			json_int("pid", end.daemon_pid);
			json_finish();
		} else
			printf("%d\n", (int)end.daemon_pid);
		vctl_ctx_free(&c);
		return (VCTL_EXIT_OK);
	}
	if (v->json)
		json_open(NULL, '[');
	for (i = 0; i < c.sts.n; i++) {
		if (c.sts.v[i].pid == 0 && rc == VCTL_EXIT_OK)
			rc = VCTL_EXIT_FAIL;
		if (c.sts.v[i].pid == 0 && v->supctl)
			c.sup_rc = VCTL_EXIT_UNREACHABLE;	/* 7 */
		if (v->json) {
			json_open(NULL, '{');
			json_str("name", c.sts.v[i].id);
			json_int("pid", c.sts.v[i].pid);
			json_close();
		} else
			printf("%d\n", (int)c.sts.v[i].pid);
	}
	if (v->json)
		json_finish();
	vctl_ctx_free(&c);
	if (v->supctl)
		return (c.sup_rc);
	return (c.nosuch ? VCTL_EXIT_NOSUCH : rc);
}

static int
vctl_reload_cb(struct vctl *v, struct imsg *imsg, void *arg)
{
	struct vctl_ctx	*c = arg;
	struct ctl_line	 l;

	if (imsg->hdr.type == IMSG_CTL_RESULT)
		return (vctl_on_result(v, imsg, c));
	if (vctl_get_line(imsg, &l) == -1)
		return (-1);
	if (v->supctl)
		vctl_push(l.stream == CTL_LINE_ERR ? &c->err : &c->out,
		    l.stream == CTL_LINE_ERR ? &c->nerr : &c->nout, l.text);
	else if (l.stream == CTL_LINE_ERR) {
		if (v->json)
			vctl_push(&c->err, &c->nerr, l.text);
		fprintf(stderr, "%s\n", l.text);
	} else if (v->json)
		vctl_push(&c->out, &c->nout, l.text);
	else {
		printf("%s\n", l.text);
		fflush(stdout);
	}
	return (0);
}

/* reload, reread, add NAME, remove NAME. */
int
vctl_cmd_reload(struct vctl *v, uint32_t cmd, const char *name,
    uint32_t flags)
{
	struct ctl_request	 req;
	struct ctl_end		 end;
	struct vctl_ctx		 c;
	size_t			 i;
	int			 rc;

	if ((rc = vctl_connect(v, 0)) != VCTL_EXIT_OK)
		return (rc);
	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	vctl_req_init(&req, cmd, NULL);
	req.flags = flags;
	if (name != NULL && strlcpy(req.arg, name, sizeof(req.arg)) >=
	    sizeof(req.arg)) {
		fprintf(stderr, "%s: %s: name too long\n", v->progname, name);
		return (VCTL_EXIT_USAGE);
	}
	/* --wait: vigild ends the answer itself, within the services' times */
	if (vctl_request(v, &req, NULL, vctl_reload_cb, &c, &end,
	    (flags & CTL_F_WAIT) ? CTL_TIMEOUT_MAX_MS : 0) == -1) {
		vctl_ctx_free(&c);
		return (VCTL_EXIT_UNREACHABLE);
	}
	if (v->supctl) {
		rc = vctl_sup_reload_print(v, cmd, c.out, c.nout, c.err,
		    c.nerr, &end, c.sup_rc);
		vctl_ctx_free(&c);
		return (rc);
	}
	if (end.result == CTL_RES_FAIL && c.nresults == 0 &&
	    end.msg[0] != '\0')
		fprintf(stderr, "%s: %s\n", v->progname, end.msg);
	rc = vctl_end_exit(v, &end);
	if (v->json) {
		json_open(NULL, '{');
		json_bool("ok", end.result == CTL_RES_OK);
		json_open("changes", '[');
		for (i = 0; i < c.nout; i++)
			json_str(NULL, c.out[i]);
		json_close();
		json_open("errors", '[');
		for (i = 0; i < c.nerr; i++)
			json_str(NULL, c.err[i]);
		if (end.result != CTL_RES_OK && end.msg[0] != '\0')
			json_str(NULL, end.msg);
		json_close();
		json_finish();
	}
	vctl_ctx_free(&c);
	return (rc);
}

static int
vctl_info_cb(struct vctl *v, struct imsg *imsg, void *arg)
{
	struct vctl_ctx		*c = arg;
	struct ctl_status_iter	 it;
	struct ctl_status	 st;
	struct ctl_kv		 kv;
	struct ctl_exit		 ex;

	switch (imsg->hdr.type) {
	case IMSG_CTL_RESULT:
		return (vctl_on_result(v, imsg, c));
	case IMSG_CTL_STATUS:
		/* info: one record a service, its KVs and EXITs after it */
		if (vctl_get_status(imsg, &it) == -1 ||
		    ctl_status_next(&it, &st) != 1 ||
		    ctl_status_next(&it, &st) != 0)
			return (-1);
		if (v->json) {
			if (c->info_section > 0)
				json_close();	/* config or exits */
			if (c->ninfo > 0)
				json_close();	/* the previous service */
			/* The status fields, then config and exits. */
			json_open(NULL, '{');
			json_str("name", st.id);
			vctl_json_status("status", &st);
		} else {
			if (c->ninfo > 0)
				printf("\n");
			vctl_print_info_status(&st);
		}
		c->info_section = 0;
		c->ninfo++;
		return (0);
	case IMSG_CTL_KV:
		if (c->ninfo == 0 || vctl_get_kv(imsg, &kv) == -1)
			return (-1);
		if (v->json && c->info_section == 0)
			json_open("config", '{');
		c->info_section = 1;
		vctl_print_kv(v, &kv);
		return (0);
	case IMSG_CTL_EXIT:
		if (c->ninfo == 0 || imsg_get_data(imsg, &ex, sizeof(ex)) == -1)
			return (-1);
		if (v->json && c->info_section != 2) {
			if (c->info_section == 1)
				json_close();
			json_open("exits", '[');
		}
		vctl_print_exit(v, &ex, c->info_section != 2);
		c->info_section = 2;
		return (0);
	default:
		return (-1);
	}
}

int
vctl_cmd_info(struct vctl *v, const struct vctl_args *a)
{
	struct ctl_request	 req;
	struct ctl_end		 end;
	struct vctl_ctx		 c;
	int			 r, rc;

	if ((rc = vctl_connect(v, 0)) != VCTL_EXIT_OK)
		return (rc);
	memset(&c, 0, sizeof(c));
	vctl_req_init(&req, CTL_CMD_INFO, a);
	if (v->json)
		json_open(NULL, '[');
	if ((r = vctl_request(v, &req, a, vctl_info_cb, &c, &end, 0)) < 0) {
		if (v->json)
			json_finish();
		return (r == -2 ? VCTL_EXIT_USAGE : VCTL_EXIT_UNREACHABLE);
	}
	if (v->json)
		json_finish();
	return (vctl_end_exit(v, &end));
}

/* shutdown: returns when vigild is gone, or says it is on its way. */
int
vctl_cmd_shutdown(struct vctl *v, const struct vctl_args *a)
{
	struct ctl_request	 req;
	struct ctl_end		 end;
	uint32_t		 ms;
	int			 rc, gone;

	if ((rc = vctl_connect(v, 0)) != VCTL_EXIT_OK)
		return (rc);
	vctl_req_init(&req, CTL_CMD_SHUTDOWN, NULL);
	if (vctl_request(v, &req, NULL, NULL, NULL, &end, 0) == -1)
		return (VCTL_EXIT_UNREACHABLE);
	if ((rc = vctl_end_exit(v, &end)) != VCTL_EXIT_OK)
		return (rc);
	ms = a->timeout_ms != 0 ? a->timeout_ms :
	    VCTL_WAIT_DEFAULT_SEC * 1000;
	gone = vctl_wait_eof(v, ms) == 0;
	if (v->json) {
		json_open(NULL, '{');
		json_bool("ok", 1);
		json_bool("stopped", gone);
		json_finish();
	} else if (gone)
		printf("Shut down\n");
	else
		printf("Shutting down: vigild is still stopping services\n");
	return (VCTL_EXIT_OK);
}

#define VCTL_UPGRADE_WAIT_MS	10000	/* the new image answers */
/* vigild's own bounds: 20 s of waiting, 30 s of check, 5 s of logger */
#define VCTL_UPGRADE_STEPS_MS	55000

static uint64_t
vctl_mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * upgrade: vigild checks the binary at its path and re-executes it; this
 * returns once the new image answers (its pid is the same), or says why
 * it refused (exit 1, and nothing changed).
 */
int
vctl_cmd_upgrade(struct vctl *v, const struct vctl_args *a)
{
	struct ctl_request	 req;
	struct ctl_end		 end;
	uint64_t		 t0, deadline;
	uint32_t		 ms;
	int			 rc;
	pid_t			 pid;

	if ((rc = vctl_connect(v, 0)) != VCTL_EXIT_OK)
		return (rc);
	ms = a->timeout_ms != 0 ? a->timeout_ms : VCTL_UPGRADE_WAIT_MS;
	vctl_req_init(&req, CTL_CMD_UPGRADE, NULL);
	if (vctl_request(v, &req, NULL, NULL, NULL, &end,
	    VCTL_UPGRADE_STEPS_MS) == -1)
		return (VCTL_EXIT_UNREACHABLE);
	if (end.result != CTL_RES_OK) {
		if (end.result == CTL_RES_FAIL)
			fprintf(stderr, "%s: upgrade refused: %s\n", v->progname,
			    end.msg);
		return (vctl_end_exit(v, &end));
	}
	pid = end.daemon_pid;
	t0 = vctl_mono_ms();
	deadline = t0 + ms;
	/* The old control goes with the old image. */
	(void)vctl_wait_eof(v, ms);
	vctl_close(v);
	for (;;) {
		if (vctl_connect(v, 1) == VCTL_EXIT_OK) {
			vctl_req_init(&req, CTL_CMD_VERSION, NULL);
			if (vctl_request(v, &req, NULL, NULL, NULL, &end, 0) ==
			    0 && end.result == CTL_RES_OK)
				break;
			vctl_close(v);
		}
		if (vctl_mono_ms() >= deadline) {
			fprintf(stderr, "%s: vigild (pid %d) did not answer "
			    "within %u ms of its re-execution\n", v->progname,
			    (int)pid, ms);
			return (VCTL_EXIT_UNREACHABLE);
		}
		(void)poll(NULL, 0, 10);
	}
	if (v->json) {
		json_open(NULL, '{');
		json_bool("ok", 1);
		json_str("vigild", v->daemon_version);
		json_finish();
	} else
		printf("Upgraded: vigild %s, pid %d, answering again after "
		    "%llu ms\n", v->daemon_version, (int)end.daemon_pid,
		    (unsigned long long)(vctl_mono_ms() - t0));
	return (VCTL_EXIT_OK);
}

int
vctl_cmd_version(struct vctl *v)
{
	struct ctl_request	 req;
	struct ctl_end		 end;
	int			 rc;

	if ((rc = vctl_connect(v, 0)) != VCTL_EXIT_OK) {
		if (v->supctl)
			return (rc);
		if (v->json) {
			json_open(NULL, '{');
			json_str("vigilctl", VIGIL_VERSION);
			json_null("vigild");
			json_finish();
		} else
			printf("vigilctl %s\n", VIGIL_VERSION);
		return (rc);
	}
	vctl_req_init(&req, CTL_CMD_VERSION, NULL);
	if (vctl_request(v, &req, NULL, NULL, NULL, &end, 0) == -1) {
		printf("vigilctl %s\n", VIGIL_VERSION);
		return (VCTL_EXIT_UNREACHABLE);
	}
	if (v->supctl)		/* one line, the server's version */
		printf("%s\n", v->daemon_version);
	else if (v->json) {
		json_open(NULL, '{');
		json_str("vigilctl", VIGIL_VERSION);
		json_str("vigild", v->daemon_version);
		json_finish();
	} else {
		printf("vigilctl %s\n", VIGIL_VERSION);
		printf("vigild %s\n", v->daemon_version);
	}
	return (vctl_end_exit(v, &end));
}

static int
vctl_confpath_cb(struct vctl *v, struct imsg *imsg, void *arg)
{
	char		*path = arg, *colon;
	struct ctl_kv	 kv;

	if (imsg->hdr.type != IMSG_CTL_KV)
		return (0);
	if (vctl_get_kv(imsg, &kv) == -1)
		return (-1);
	if (strcmp(kv.key, "defined_at") == 0 && path[0] == '\0') {
		strlcpy(path, kv.value, PATH_MAX);
		if ((colon = strrchr(path, ':')) != NULL)
			*colon = '\0';
	}
	return (0);
}

/*
 * The configuration file the running vigild read target from (info's
 * defined_at), for export with only -s; NULL if it cannot say.
 */
const char *
vctl_cmd_confpath(struct vctl *v, const char *target)
{
	static char		 path[PATH_MAX];
	struct ctl_request	 req;
	struct ctl_end		 end;
	struct vctl_args	 a;
	char			 t[CTL_TARGETMAX], *colon;
	char			*tv[1] = { t };

	strlcpy(t, target, sizeof(t));
	if ((colon = strchr(t, ':')) != NULL)	/* web:1, web:* -> web */
		*colon = '\0';
	memset(&a, 0, sizeof(a));
	a.targets = tv;
	a.ntargets = 1;
	path[0] = '\0';
	if (vctl_connect(v, 0) != VCTL_EXIT_OK)
		return (NULL);
	vctl_req_init(&req, CTL_CMD_INFO, NULL);
	if (vctl_request(v, &req, &a, vctl_confpath_cb, path, &end, 0) != 0 ||
	    end.result != CTL_RES_OK || path[0] != '/') {
		vctl_close(v);
		return (NULL);
	}
	vctl_close(v);
	return (path);
}
