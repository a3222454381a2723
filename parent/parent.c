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
 * vigild: the privileged parent.  Parses the flags and the configuration,
 * prepares what needs root, starts the three helpers (or becomes one of
 * them when re-executed with -P), and runs the services.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libutil.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "msg_ctl.h"
#include "parent.h"
#include "parent_control.h"
#include "proc.h"
#include "svc.h"
#include "xmalloc.h"

extern char		**environ;

static struct parent_env	 parent_env;
struct parent_env		*penv = &parent_env;

static struct pidfh		*parent_pidfh;
static pid_t			 parent_mainpid;

static void
parent_pidfile_atexit(void)
{
	if (parent_pidfh != NULL && getpid() == parent_mainpid) {
		pidfile_remove(parent_pidfh);
		parent_pidfh = NULL;
	}
}

/*
 * No configuration where it is looked for by default: where to put one,
 * and the smallest that works, rather than "No such file or directory".
 */
static void
parent_no_config(const char *path)
{
	fprintf(stderr, "vigild: no configuration file at %s\n"
	    "Create one there (or give -f FILE); the smallest that works:\n"
	    "\n"
	    "    mkdir -p \"$(dirname %s)\"\n"
	    "    cat > %s <<'EOF'\n"
	    "    services:\n"
	    "      hello:\n"
	    "        command: /bin/sleep 3600\n"
	    "    EOF\n"
	    "\n"
	    "then start vigild again; see vigild.conf(5).\n", path, path, path);
	exit(1);
}
static struct event		 ev_sigterm, ev_sigint, ev_sighup, ev_sigusr1,
				 ev_sigchld;

static int			 parent_ready_sent;
static volatile int		 parent_loop_done;

static __dead void	usage(void);
static void		parent_sig(int, short, void *);
static void		parent_startup_listener(struct svc *, enum svc_state);
static void		parent_loop(void);
static void		parent_reap(void);
static int		parent_mkdir(const char *, mode_t, uid_t, gid_t);
static void		parent_prepare_dirs(void);
static void		parent_self_path(const char *);

static __dead void
usage(void)
{
	extern char	*__progname;

	fprintf(stderr, "usage: %s [-dnv] [-f file] [-p pidfile] "
	    "[-s socket] [-X state,protocol]\n", __progname);
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct config_errors	 errs;
	struct proc_opts	 opts;
	struct passwd		*pw;
	const char		*role = NULL, *user = NULL, *root = NULL;
	const char		*upgrade_check = NULL;
	int			 ch, noaction = 0, flags, upgraded = 0;
	pid_t			 otherpid;

	compat_proctitle_init(argc, argv);
	setproctitle_init(argc, argv, environ);
	memset(penv, 0, sizeof(*penv));
	penv->notify_fd = -1;

	while ((ch = getopt(argc, argv, "df:np:P:R:s:U:vX:")) != -1) {
		switch (ch) {
		case 'd':
			penv->debug = 1;
			break;
		case 'f':
			penv->conf_path = xstrdup(optarg);
			break;
		case 'n':
			noaction = 1;
			break;
		case 'p':
			penv->pidfile = xstrdup(optarg);
			break;
		case 'P':
			role = xstrdup(optarg);
			break;
		case 'R':
			root = xstrdup(optarg);
			break;
		case 's':
			penv->sock_override = xstrdup(optarg);
			break;
		case 'U':
			user = xstrdup(optarg);
			break;
		case 'v':
			penv->verbose++;
			break;
		case 'X':
			upgrade_check = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0)
		usage();

	if (role != NULL) {
		/* A helper, re-executed by the parent. */
		memset(&opts, 0, sizeof(opts));
		if (proc_byname(role, &opts.role) == -1 ||
		    opts.role == PROC_PARENT)
			errx(1, "unknown process role %s", role);
		opts.debug = penv->debug;
		opts.verbose = penv->verbose;
		opts.user = user;
		opts.root = root;
		switch (opts.role) {
		case PROC_CONTROL:
			control_main(&opts);
		case PROC_LOGGER:
			logger_main(&opts);
		case PROC_MONITOR:
			monitor_main(&opts);
		default:
			break;
		}
		errx(1, "unknown process role %s", role);
	}

	log_init(1, LOG_DAEMON);
	log_setverbose(penv->verbose);
	log_procinit("parent");
	parent_mainlog_init();		/* maintail's ring */
	penv->is_root = geteuid() == 0;

	if (penv->conf_path == NULL) {
		penv->conf_path = xstrdup(config_default_path());
		if (access(penv->conf_path, F_OK) == -1 && errno == ENOENT)
			parent_no_config(penv->conf_path);
	}
	if (penv->pidfile == NULL)
		penv->pidfile = xstrdup(config_default_pidfile());

	/*
	 * The daemon moves to "/" and reloads read the file again: keep its
	 * absolute path.  -n shows names as they were typed.
	 */
	if (!noaction) {
		char	 abs[PATH_MAX];

		if (realpath(penv->conf_path, abs) != NULL) {
			free((char *)penv->conf_path);
			penv->conf_path = xstrdup(abs);
		}
	}
	config_errors_init(&errs);
	flags = penv->is_root ? CONFIG_CHECK_OWNER : 0;
	/*
	 * The daemon leaves names to its monitor; -n checks them here, as
	 * root in a child dropped to the helpers' user.
	 */
	if (!noaction)
		flags |= CONFIG_NO_DNS;
	else if (penv->is_root)
		parent_conf_dns_init();
	penv->conf = config_load(penv->conf_path, flags, &errs);
	if (penv->conf != NULL && parent_conf_check(penv->conf, &errs) == -1) {
		config_free(penv->conf);
		penv->conf = NULL;
	}
	if (penv->conf == NULL) {
		config_errors_print(&errs, stderr);
		config_errors_free(&errs);
		if (noaction && penv->is_root)
			(void)parent_conf_dns_end(penv->conf_path);
		exit(1);
	}
	config_errors_free(&errs);
	if (noaction && penv->is_root &&
	    parent_conf_dns_end(penv->conf_path) == -1)
		exit(1);
	compat_heap_release();		/* the YAML document is gone */
	if (penv->sock_override != NULL) {
		free(penv->conf->socket_path);
		penv->conf->socket_path = xstrdup(penv->sock_override);
	}
	if (upgrade_check != NULL && parent_upgrade_check(upgrade_check) ==
	    -1)
		exit(1);
	/*
	 * As root the helpers' user must exist and not be root: -n finds
	 * what a start would refuse (the default _vigil, which a named
	 * user:, checked at load, is not).
	 */
	if (penv->is_root) {
		if ((pw = getpwnam(penv->conf->user)) == NULL) {
			fprintf(stderr, "%s: user %s does not exist; create it "
			    "with: useradd -r -M -d /var/empty -s "
			    "/usr/sbin/nologin -U %s\n", noaction ?
			    penv->conf_path : "vigild", penv->conf->user,
			    penv->conf->user);
			exit(1);
		}
		if (pw->pw_uid == 0) {
			fprintf(stderr, "%s: user %s is root: the helpers must "
			    "run unprivileged\n", noaction ? penv->conf_path :
			    "vigild", penv->conf->user);
			exit(1);
		}
	}
	if (noaction) {
		if (penv->verbose)
			config_print(penv->conf, stdout);
		else
			printf("configuration OK\n");
		config_free(penv->conf);
		exit(0);
	}

	if (penv->is_root)
		penv->helper_user = xstrdup(penv->conf->user);
	else
		log_warnx("running as uid %u, not root: the helpers are "
		    "neither chrooted nor privilege separated",
		    (unsigned int)getuid());

	penv->log_dir = xstrdup(penv->conf->log_dir);
	penv->socket_path = xstrdup(penv->conf->socket_path);
	parent_self_path(argv[-optind]);
	parent_prepare_dirs();

	parent_pidfh = pidfile_open(penv->pidfile, 0644, &otherpid);
	if (parent_pidfh == NULL) {
		if (errno == EEXIST)
			errx(1, "vigild is already running, pid %d (%s)",
			    (int)otherpid, penv->pidfile);
		err(1, "pid file %s", penv->pidfile);
	}
	if (parent_instance_init() == -1) {	/* logged why */
		pidfile_remove(parent_pidfh);
		exit(1);
	}

	/* Re-executed for an upgrade: the same process, daemon already. */
	if (getenv("VIGIL_UPGRADE") != NULL) {
		upgraded = 1;
		(void)unsetenv("VIGIL_UPGRADE");
	}
	if (!penv->debug && !upgraded) {
		if (daemon(0, 0) == -1)
			err(1, "daemon");
		log_init(0, LOG_DAEMON);
	}
	if (pidfile_write(parent_pidfh) == -1)
		log_warn("pid file %s", penv->pidfile);
	/* A start refused from here on (fatal, errx) leaves no pid file. */
	parent_mainpid = getpid();
	atexit(parent_pidfile_atexit);

	compat_proctitle("parent");
	if (compat_set_subreaper() == -1)
		log_warn("cannot become a child subreaper");
	/* Our own children, the services, start with a clean mask. */
	signal(SIGPIPE, SIG_IGN);

	event_init();
	signal_set(&ev_sigterm, SIGTERM, parent_sig, NULL);
	signal_set(&ev_sigint, SIGINT, parent_sig, NULL);
	signal_set(&ev_sighup, SIGHUP, parent_sig, NULL);
	signal_set(&ev_sigusr1, SIGUSR1, parent_sig, NULL);
	signal_set(&ev_sigchld, SIGCHLD, parent_sig, NULL);
	signal_add(&ev_sigterm, NULL);
	signal_add(&ev_sigint, NULL);
	signal_add(&ev_sighup, NULL);
	signal_add(&ev_sigusr1, NULL);
	signal_add(&ev_sigchld, NULL);
	svc_launch_init();

	parent_proc_init();
	parent_control_init();
	parent_logger_init();
	parent_monitor_init();
	parent_adopt_load();
	penv->confref = svc_confref_new(penv->conf);
	(void)parent_limits_check(penv->conf);
	svc_init(penv->confref);
	parent_monitor_notify_access();
	parent_state_init();
	parent_adopt_apply();
	parent_proc_start_all();
	log_info("%s, pid %d, %zu services, configuration %s",
	    upgraded ? "re-executed for an upgrade" : "started",
	    (int)getpid(), penv->conf->nservices, penv->conf_path);
	svc_add_listener(parent_startup_listener);
	svc_start_all();
	parent_startup_listener(NULL, SVC_STOPPED);
	parent_watch_apply();

	parent_loop();

	parent_logger_shutdown();
	penv->shutting_down = 1;
	parent_proc_stop_all();
	parent_control_shutdown();
	parent_monitor_shutdown();
	parent_state_remove();
	svc_free_all();
	if (parent_pidfh != NULL)
		pidfile_remove(parent_pidfh);
	parent_pidfh = NULL;
	svc_confref_release(penv->confref);
	log_info("exiting");
	return (0);
}

/*
 * Heap pages freed by a burst of work (start-up's spawns and the
 * messages they queued for the helpers, a reload, a status of 10,000
 * services) stay with malloc until it is told to give them back: at
 * 10,000 services, 27 MB free beside 21 MB in use.  A turn of a
 * millisecond or more (re)arms a timer; PARENT_TRIM_SEC after the last
 * such turn, the free pages go back to the system.
 */
#define PARENT_TRIM_SEC	1

static struct event	 parent_trim_ev;
static int		 parent_trim_init;

static void
parent_trim(int fd, short ev, void *arg)
{
	compat_heap_release();
}

static void
parent_trim_later(void)
{
	struct timeval	 tv = { PARENT_TRIM_SEC, 0 };

	if (!parent_trim_init) {
		evtimer_set(&parent_trim_ev, parent_trim, NULL);
		parent_trim_init = 1;
	}
	evtimer_add(&parent_trim_ev, &tv);
}

/*
 * The event loop, one turn at a time, each turn timed in CPU time (the
 * wait for events costs none): a turn of a millisecond or more is logged
 * at -v (make bench's W8 reads them).  A turn is what delays every other
 * client and child: this is the figure to keep small at scale.  The
 * thread's clock, not the process's: the parent has one thread, and
 * the process clock only moves at the scheduler's ticks (it showed
 * turns of 0 and then of 50 ms where there were two of 25).
 */
static struct timespec	parent_turn_t0;	/* CPU time at the turn's start */
static unsigned long	parent_turn_n;	/* turns so far */

/* Which turn of the loop this is: work done in the same one has the same. */
unsigned long
parent_turn_id(void)
{
	return (parent_turn_n);
}

/* 1 once this turn has used PARENT_TURN_SLICE_MS of CPU. */
int
parent_turn_busy(void)
{
	struct timespec	 t1;
	long long	 ns;

	(void)clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	ns = (t1.tv_sec - parent_turn_t0.tv_sec) * 1000000000LL +
	    (t1.tv_nsec - parent_turn_t0.tv_nsec);
	return (ns >= PARENT_TURN_SLICE_MS * 1000000LL);
}

/*
 * Each SIGCHLD that finds the parent running is a delivery: a signal
 * frame, libevent's handler and its write, a sigreturn.  Stopping 10,000
 * services, the exits came while the parent was still sending the
 * signals that caused them, and one in five was delivered alone.  Held
 * during such a slice, they are one when it ends (the reaper looks for
 * every exit anyway).  The children vigild starts set their own mask.
 */
static unsigned int	parent_sigchld_held;

void
parent_sigchld_hold(void)
{
	sigset_t	 set;

	if (parent_sigchld_held++ > 0)
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &set, NULL);
}

void
parent_sigchld_release(void)
{
	sigset_t	 set;

	if (parent_sigchld_held == 0)
		fatalx("%s: not held", __func__);
	if (--parent_sigchld_held > 0)
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void
parent_loop(void)
{
	struct timespec	 t1;
	long long	 ns;

	while (!parent_loop_done) {
		(void)clock_gettime(CLOCK_THREAD_CPUTIME_ID, &parent_turn_t0);
		parent_turn_n++;
		if (event_loop(EVLOOP_ONCE) != 0)
			break;
		(void)clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
		ns = (t1.tv_sec - parent_turn_t0.tv_sec) * 1000000000LL +
		    (t1.tv_nsec - parent_turn_t0.tv_nsec);
		if (ns >= 1000000) {
			log_debug("event loop: one turn took %lld.%03lld ms "
			    "of CPU", ns / 1000000, ns / 1000 % 1000);
			parent_trim_later();
		}
	}
}

/* READY=1 for systemd once start-up has settled (see svc_all_settled). */
static void
parent_startup_listener(struct svc *s, enum svc_state old)
{
	if (parent_ready_sent || svc_stopping_all() || !svc_all_settled())
		return;
	parent_ready_sent = 1;
	log_info("all autostart services started");
	/* The heap start-up freed goes back with parent_trim, not here. */
	parent_sd_notify("READY=1");
}

/* Before an upgrade's exec: the new image locks the pid file again. */
void
parent_pidfile_close(void)
{
	if (parent_pidfh != NULL)
		(void)pidfile_close(parent_pidfh);
	parent_pidfh = NULL;
}

/* Every service is down after a SIGTERM: end the loop. */
void
parent_shutdown_done(void)
{
	parent_loop_done = 1;
	event_loopexit(NULL);
}

static void
parent_sig(int sig, short ev, void *arg)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		if (svc_stopping_all())
			return;
		log_info("received %s, stopping every service",
		    sig == SIGTERM ? "SIGTERM" : "SIGINT");
		parent_sd_notify("STOPPING=1");
		svc_shutdown();
		break;
	case SIGHUP:
		log_info("received SIGHUP, reloading %s", penv->conf_path);
		parent_reload_queue();
		break;
	case SIGUSR1:
		log_info("received SIGUSR1, reopening log files");
		parent_logger_reopen();
		break;
	case SIGCHLD:
		parent_reap();
		break;
	}
}

/* vigilctl shutdown: as SIGTERM, said by whom. */
void
parent_cmd_shutdown(struct pctl_peer *p)
{
	if (svc_stopping_all()) {
		pctl_finish(p, CTL_RES_OK, "already shutting down");
		return;
	}
	log_info("shutdown requested by uid %u pid %d, stopping every "
	    "service", p->req.uid, p->req.pid);
	parent_sd_notify("STOPPING=1");
	svc_shutdown();
	pctl_finish(p, CTL_RES_OK, "shutting down");
}

/*
 * Reap what has exited, within the turn's budget (parent_turn_busy):
 * when 10,000 services stop at once the rest is reaped in the next turns
 * (the SIGCHLD for them has come already, so a zero timer brings the
 * next slice), and status, control and the helpers are served between.
 */

static void
parent_reap_cb(int fd, short ev, void *arg)
{
	parent_reap();
}

static void
parent_reap(void)
{
	static struct event	 more;
	static int		 more_set;
	struct timeval		 tv = { 0, 0 };
	pid_t			 pid;
	unsigned int		 n = 0;
	int			 status;

	if (!more_set) {
		evtimer_set(&more, parent_reap_cb, NULL);
		more_set = 1;
	}
	evtimer_del(&more);
	parent_sigchld_hold();
	for (;;) {
		if (n++ > 0 && parent_turn_busy()) {
			evtimer_add(&more, &tv);
			break;
		}
		pid = waitpid(-1, &status, WNOHANG);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		if (parent_proc_reaped(pid, status))
			continue;
		if (parent_exec_check_reaped(pid, status))
			continue;
		if (parent_upgrade_reaped(pid, status))
			continue;
		if (svc_reaped(pid, status))
			continue;
		/* An orphan that came back to us as the subreaper. */
		log_debug("reaped orphan pid %d", (int)pid);
	}
	parent_sigchld_release();
}

static int
parent_mkdir(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	char		 buf[PATH_MAX], *p;
	struct stat	 sb;

	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return (-1);
		*p = '/';
	}
	if (mkdir(buf, mode) == -1) {
		if (errno != EEXIST)
			return (-1);
	} else if (uid != (uid_t)-1 && chown(buf, uid, gid) == -1)
		return (-1);
	if (stat(buf, &sb) == -1)
		return (-1);
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return (-1);
	}
	return (0);
}

/*
 * Can uid (group gid) create files in dir?  Asked of the kernel by a
 * child with those ids: modes, groups and ACLs all count.
 */
static int
parent_user_can_write(const char *dir, uid_t uid, gid_t gid)
{
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1 ||
		    setresuid(uid, uid, uid) == -1)
			_exit(2);
		_exit(access(dir, W_OK | X_OK) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	return (WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * log_dir belongs to the helpers' user when vigild creates it (the
 * logger writes there, chrooted); one that exists keeps its owner, and
 * must let the helpers' user write;
 * state_dir and the empty chroot stay root's.
 */
static void
parent_prepare_dirs(void)
{
	struct vigil_conf	*conf = penv->conf;
	struct passwd		*pw;
	struct stat		 sb;
	uid_t			 uid = (uid_t)-1;
	gid_t			 gid = (gid_t)-1;

	if (penv->helper_user != NULL) {
		if ((pw = getpwnam(penv->helper_user)) == NULL)
			errx(1, "user %s does not exist", penv->helper_user);
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if (parent_mkdir(conf->log_dir, 0750, uid, gid) == -1)
		err(1, "log_dir %s", conf->log_dir);
	if (uid != (uid_t)-1 && !parent_user_can_write(conf->log_dir, uid,
	    gid)) {
		if (stat(conf->log_dir, &sb) == -1)
			err(1, "log_dir %s", conf->log_dir);
		errx(1, "log_dir %s: user %s cannot write there (owner uid "
		    "%u, group gid %u, mode %04o); vigild changes the owner "
		    "only of a log_dir it creates: make it writable for %s, "
		    "or name another", conf->log_dir, penv->helper_user,
		    (unsigned int)sb.st_uid, (unsigned int)sb.st_gid,
		    (unsigned int)(sb.st_mode & 07777), penv->helper_user);
	}
	if (parent_mkdir(conf->state_dir, 0755, (uid_t)-1, (gid_t)-1) == -1)
		err(1, "state_dir %s", conf->state_dir);

	if (!penv->is_root)
		return;
	if (stat("/var/empty", &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    sb.st_uid == 0 && (sb.st_mode & 022) == 0)
		strlcpy(penv->empty_dir, "/var/empty",
		    sizeof(penv->empty_dir));
	else {
		snprintf(penv->empty_dir, sizeof(penv->empty_dir), "%s/empty",
		    conf->state_dir);
		if (parent_mkdir(penv->empty_dir, 0755, 0, 0) == -1)
			err(1, "%s", penv->empty_dir);
		if (chown(penv->empty_dir, 0, 0) == -1 ||
		    chmod(penv->empty_dir, 0755) == -1)
			err(1, "%s", penv->empty_dir);
	}
}

/* The helpers re-execute this very binary: find it by an absolute path. */
static void
parent_self_path(const char *argv0)
{
	if (strchr(argv0, '/') != NULL) {
		if (realpath(argv0, penv->self) == NULL)
			err(1, "%s", argv0);
		return;
	}
	/* Found through PATH: the kernel knows where. */
	if (compat_self_exe(penv->self) == -1)
		err(1, "cannot find my own executable (%s)", argv0);
}

/*
 * systemd's readiness protocol: one datagram to $NOTIFY_SOCKET (a leading
 * '@' is the abstract namespace).  Silent when not under systemd.
 */
void
parent_sd_notify(const char *msg)
{
	struct sockaddr_un	 sun;
	const char		*path;
	socklen_t		 len;
	int			 fd;

	if ((path = getenv("NOTIFY_SOCKET")) == NULL || *path == '\0')
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return;
	memcpy(sun.sun_path, path, strlen(path));
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len) == -1)
		log_debug("sd_notify %s: %s", msg, strerror(errno));
	close(fd);
}
