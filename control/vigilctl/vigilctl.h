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
 * vigilctl: the client.  It never touches services or their files: every
 * command is a request over the control socket (common/msg_ctl.h).
 */

#ifndef VIGILCTL_H
#define VIGILCTL_H

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>

#include "imsg.h"
#include "ctl_status.h"
#include "msg_ctl.h"
#include "vigilctl_supconf.h"

/* Exit codes (vigilctl(8), EXIT STATUS). */
#define VCTL_EXIT_OK		0
#define VCTL_EXIT_FAIL		1
#define VCTL_EXIT_USAGE		2
#define VCTL_EXIT_NOTRUNNING	3	/* status: one is not RUNNING */
#define VCTL_EXIT_DENIED	4	/* status: unknown name/unreachable */
#define VCTL_EXIT_NOSUCH	5
#define VCTL_EXIT_UNREACHABLE	7

#define VCTL_ANSWER_TIMEOUT_MS	30000	/* vigild answers within this */
#define VCTL_WAIT_DEFAULT_SEC	60
#define VCTL_READ_SIZE		65536	/* imsg buffer: 2x this */
#define VCTL_NO_DEADLINE	UINT32_MAX	/* vctl_request wait_ms: a
					   stream (tail -f) may last */

struct vctl {
	const char	*progname;	/* "vigilctl" or "supervisorctl" */
	int		 supctl;	/* invoked as supervisorctl: its
					   output and exit codes */
	const char	*sockurl;	/* supctl: the socket as it names it */
	int		 json;
	const char	*sock;		/* the control socket */
	const char	*config;	/* -c */
	const char	*sopt;		/* -s */
	int		 fd;
	struct imsgbuf	 ibuf;
	char		 daemon_version[CTL_VERSIONMAX];
	int		 connected;
};

/* Parsed command line of one command. */
struct vctl_args {
	char		**targets;
	size_t		  ntargets;
	int		  longfmt;	/* -l */
	int		  wait;		/* --wait (the default) */
	int		  nowait;	/* --no-wait */
	int		  rolling;	/* --rolling */
	uint32_t	  timeout_ms;	/* --timeout; 0: default */
};

/* A handler of each answer message but END; -1: malformed. */
typedef int	(*vctl_answer_cb)(struct vctl *, struct imsg *, void *);

/* control/vigilctl/vigilctl_conn.c */
int	vctl_connect(struct vctl *, int);
int	vctl_request(struct vctl *, struct ctl_request *,
	    const struct vctl_args *, vctl_answer_cb, void *,
	    struct ctl_end *, uint32_t);
int	vctl_wait_eof(struct vctl *, uint32_t);
void	vctl_close(struct vctl *);

/* control/vigilctl/vigilctl_cmd.c: the commands that talk to vigild */
int	vctl_cmd_status(struct vctl *, const struct vctl_args *);
int	vctl_cmd_action(struct vctl *, uint32_t, int,
	    const struct vctl_args *);
int	vctl_sup_rc(uint32_t, int, const char *, const char *);
void	vctl_sup_reason(const char *, int, const char *, char *, size_t);
int	vctl_cmd_pid(struct vctl *, const struct vctl_args *);
int	vctl_cmd_reload(struct vctl *, uint32_t, const char *, uint32_t);
int	vctl_cmd_info(struct vctl *, const struct vctl_args *);
int	vctl_cmd_shutdown(struct vctl *, const struct vctl_args *);
int	vctl_cmd_upgrade(struct vctl *, const struct vctl_args *);
int	vctl_cmd_version(struct vctl *);
const char *vctl_cmd_confpath(struct vctl *, const char *);
int	vctl_end_exit(struct vctl *, const struct ctl_end *);

/* control/vigilctl/vigilctl_out.c: text and JSON output */
struct vctl_statuses {
	struct ctl_status	*v;
	size_t			 n;
	size_t			 cap;
	int			 ordered;	/* keep this order */
};
/* Room for one more at v[n] (n is not advanced). */
struct ctl_status *vctl_statuses_slot(struct vctl_statuses *);
void	vctl_print_status(struct vctl *, struct vctl_statuses *, int);
void	vctl_json_status(const char *, const struct ctl_status *);
void	vctl_print_info_status(const struct ctl_status *);
void	vctl_print_kv(struct vctl *, const struct ctl_kv *);
void	vctl_print_exit(struct vctl *, const struct ctl_exit *, int);
void	vctl_err(const char *, const char *);
extern int vctl_err_stdout;

/* control/vigilctl/vigilctl_json.c: a tiny JSON emitter on stdout */
void	json_open(const char *, int);		/* key or NULL; '{' or '[' */
void	json_close(void);
void	json_str(const char *, const char *);
void	json_int(const char *, long long);
void	json_bool(const char *, int);
void	json_null(const char *);
void	json_num(const char *, double);
void	json_finish(void);			/* newline, reset */
void	json_escape(FILE *, const char *);

/* Answer checks: exact size and terminated strings (common/msg.h). */
/*
 * A STATUS holds packed records: vctl_get_status opens them, and
 * ctl_status_next (common/ctl_status.h) gives each one.
 */
int	vctl_get_status(struct imsg *, struct ctl_status_iter *);
int	vctl_get_result(struct imsg *, struct ctl_result *);
int	vctl_get_line(struct imsg *, struct ctl_line *);
int	vctl_get_kv(struct imsg *, struct ctl_kv *);

/* control/vigilctl/vigilctl_sup.c: the supervisorctl name */
int	vctl_sup_action(struct vctl *, uint32_t, struct vctl_args *);
int	vctl_sup_avail(struct vctl *, int, char **);
int	vctl_sup_reload_print(struct vctl *, uint32_t, char **, size_t,
	    char **, size_t, const struct ctl_end *, int);

/* control/vigilctl/vigilctl_monit.c: monit, a live table */
int	vctl_run_monit(struct vctl *, int, char **);

/* control/vigilctl/vigilctl_logs.c: tail, logs, clear, reopen */
int	vctl_run_tail(struct vctl *, int, char **);
int	vctl_run_logs(struct vctl *, int, char **);
int	vctl_run_clear(struct vctl *, int, char **);
int	vctl_run_reopen(struct vctl *, int, char **);
int	vctl_run_maintail(struct vctl *, int, char **);

/* The commands served elsewhere (control/vigilctl/import/). */
int	vigilctl_import(int, char *[]);
int	vigilctl_export(int, char *[], const char *);

#endif /* VIGILCTL_H */
