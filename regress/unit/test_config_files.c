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
 * The configuration files themselves: their owner and mode, the golden
 * files of regress/config/ (each bad one gives exactly its .err), and
 * the default paths for root and for a user.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit_config.h"

static void
test_owner(void)
{
	struct config_errors	 e;
	struct vigil_conf	*c;
	char			*want;

	if (getuid() != 0) {
		config_errors_init(&e);
		write_file("own.conf", "");
		chmod("own.conf", 0666);
		check(config_check_owner("own.conf", &e) == 0 && e.nerrs == 0,
		    "config_check_owner: not root, no check");
		config_errors_free(&e);
		return;
	}
	config_errors_init(&e);
	write_file("own.conf", "services:\n  a: { command: /bin/a }\n");
	check(config_check_owner("own.conf", &e) == 0 && e.nerrs == 0,
	    "config_check_owner: root-owned 0644");
	chmod("own.conf", 0664);
	c = config_load("own.conf", CONFIG_CHECK_OWNER, &e);
	check(c == NULL && e.nerrs == 1 && strcmp(e.errs[0], "own.conf: "
	    "refusing configuration file: mode 0664 is writable by group or "
	    "others") == 0, "CONFIG_CHECK_OWNER: group writable");
	config_errors_free(&e);
	c = config_load("own.conf", 0, &e);
	check(c != NULL, "no CONFIG_CHECK_OWNER: no check");
	config_free(c);
	chmod("own.conf", 0602);
	check(config_check_owner("own.conf", &e) == -1 && e.nerrs == 1 &&
	    strcmp(e.errs[0], "own.conf: refusing configuration file: mode "
	    "0602 is writable by group or others") == 0,
	    "config_check_owner: other writable");
	config_errors_free(&e);
	chmod("own.conf", 0644);
	if (chown("own.conf", 1, 1) == 0) {
		check(config_check_owner("own.conf", &e) == -1 &&
		    e.nerrs == 1 && strcmp(e.errs[0], "own.conf: refusing "
		    "configuration file: owned by uid 1, not by root") == 0,
		    "config_check_owner: not owned by root");
		config_errors_free(&e);
		chown("own.conf", 0, 0);
	}

	/* includes are checked too */
	mkdir("own.d", 0755);
	write_file("own.d/x.conf", "services:\n  x: { command: /bin/x }\n");
	chmod("own.d/x.conf", 0666);
	write_file("own2.conf", "include: own.d/*.conf\n");
	c = config_load("own2.conf", CONFIG_CHECK_OWNER, &e);
	want = subst("own.d/x.conf: refusing include: mode 0666 "
	    "is writable by group or others");
	check(c == NULL && e.nerrs == 1 && strcmp(e.errs[0], want) == 0,
	    "CONFIG_CHECK_OWNER: include");
	free(want);
	config_free(c);
	config_errors_free(&e);
}

static char *
slurp(const char *path)
{
	FILE	*fp;
	char	*s;
	long	 len;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	if ((s = calloc(1, len + 1)) == NULL)
		exit(2);
	if (fread(s, 1, len, fp) != (size_t)len)
		len = 0;
	s[len] = '\0';
	fclose(fp);
	return s;
}

/*
 * regress/config/: each bad-*.conf, loaded from that directory by its
 * bare name, gives exactly bad-*.err; each good-*.conf loads.
 */
static void
test_golden(const char *srcdir)
{
	struct config_errors	 e;
	struct vigil_conf	*c;
	struct dirent		*de;
	DIR			*d;
	char			 dir[PATH_MAX], cwd[PATH_MAX];
	char			 err[NAME_MAX + 1];
	char			*want, *got;
	size_t			 len, n = 0;

	if (getcwd(cwd, sizeof(cwd)) == NULL)
		exit(2);
	if (snprintf(dir, sizeof(dir), "%s/regress/config", srcdir) >=
	    (int)sizeof(dir) || chdir(dir) == -1 ||
	    (d = opendir(".")) == NULL) {
		printf("ok - # SKIP golden files: no %s\n", dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		config_errors_init(&e);
		c = config_load(de->d_name, 0, &e);
		got = joined(&e);
		if (strncmp(de->d_name, "good-", 5) == 0) {
			check(c != NULL, "golden %s loads (%s)", de->d_name,
			    got);
		} else if (strncmp(de->d_name, "bad-", 4) == 0) {
			snprintf(err, sizeof(err), "%.*s.err", (int)len - 5,
			    de->d_name);
			want = slurp(err);
			check(c == NULL && want != NULL &&
			    strcmp(want, got) == 0, "golden %s gives %s",
			    de->d_name, err);
			if (want == NULL || strcmp(want, got) != 0)
				printf("# want:\n%s# got:\n%s", want ? want :
				    "(no file)\n", got);
			free(want);
		}
		n++;
		free(got);
		config_free(c);
		config_errors_free(&e);
	}
	closedir(d);
	check(n > 0, "golden files found: %zu", n);
	if (chdir(cwd) == -1)
		exit(2);
}

static void
test_default_paths(void)
{
	char	buf[PATH_MAX];

	if (getuid() == 0) {
		check(strcmp(config_default_path(), "/etc/vigild.conf") == 0 &&
		    strcmp(config_default_socket(), "/var/run/vigild.sock") ==
		    0 && strcmp(config_default_log_dir(), "/var/log/vigil") ==
		    0 && strcmp(config_default_state_dir(), "/var/db/vigil") ==
		    0 && strcmp(config_default_pidfile(),
		    "/var/run/vigild.pid") == 0 &&
		    strcmp(config_default_user(), "_vigil") == 0,
		    "default paths for root");
		return;
	}
	setenv("HOME", "/home/t", 1);
	setenv("XDG_CONFIG_HOME", "/xdg/config", 1);
	setenv("XDG_RUNTIME_DIR", "/run/user/1", 1);
	check(strcmp(config_default_path(), "/xdg/config/vigil/vigild.conf") ==
	    0 && strcmp(config_default_socket(), "/run/user/1/vigild.sock") ==
	    0, "default paths with XDG");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_RUNTIME_DIR");
	check(strcmp(config_default_path(),
	    "/home/t/.config/vigil/vigild.conf") == 0 &&
	    strcmp(config_default_socket(), "/home/t/.vigil/vigild.sock") ==
	    0 && strcmp(config_default_log_dir(), "/home/t/.vigil/log") == 0 &&
	    strcmp(config_default_state_dir(), "/home/t/.vigil/state") == 0 &&
	    strcmp(config_default_pidfile(), "/home/t/.vigil/vigild.pid") == 0,
	    "default paths without XDG");
	snprintf(buf, sizeof(buf), "%s", getpwuid(getuid())->pw_name);
	check(strcmp(config_default_user(), buf) == 0, "default user");
}

int
main(int argc, char *argv[])
{
	char		 srcdir[PATH_MAX];
	const char	*s;

	/* Where regress/config is: $VIGIL_SRCDIR, argv[1], or ".". */
	if ((s = getenv("VIGIL_SRCDIR")) == NULL)
		s = argc > 1 ? argv[1] : ".";
	if (realpath(s, srcdir) == NULL)
		strlcpy(srcdir, s, sizeof(srcdir));

	unit_config_begin("test_config_files");
	test_owner();
	test_golden(srcdir);
	test_default_paths();
	return (unit_config_end());
}
