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
 * config_print(): what it prints of a file loads into the same model --
 * every service equal by config_svc_equal() (the comparison reload uses),
 * the global keys equal -- and printing that model again gives the same
 * text.  A key the printer forgot shows up here as a difference.
 */

#include <sys/types.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "unit.h"

static int
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

static char *
print(const struct vigil_conf *conf, size_t *len)
{
	FILE	*fp;
	char	*buf = NULL;

	if ((fp = open_memstream(&buf, len)) == NULL) {
		perror("open_memstream");
		exit(2);
	}
	config_print(conf, fp);
	fclose(fp);
	return (buf);
}

static void
roundtrip(const char *name)
{
	char			 path[PATH_MAX];
	struct config_errors	 errs;
	struct vigil_conf	*a, *b;
	struct config_svc	*sa, *sb;
	char			*text, *text2;
	size_t			 len, len2, n = 0;
	int			 same = 1;

	/* Absolute, as vigild loads it: paths in it come out absolute. */
	if (realpath(name, path) == NULL) {
		perror(name);
		exit(2);
	}
	config_errors_init(&errs);
	a = config_load(path, CONFIG_NO_RESOLVE, &errs);
	check(a != NULL, "%s loads", path);
	if (a == NULL) {
		config_errors_print(&errs, stderr);
		config_errors_free(&errs);
		return;
	}
	text = print(a, &len);
	b = config_load_buffer(path, text, len, CONFIG_NO_RESOLVE, &errs);
	check(b != NULL, "%s: what config_print printed loads", path);
	if (b == NULL) {
		config_errors_print(&errs, stderr);
		fputs(text, stderr);
		goto done;
	}
	check(streq(a->user, b->user) && streq(a->socket_path,
	    b->socket_path) && a->socket_mode == b->socket_mode &&
	    streq(a->socket_group, b->socket_group) &&
	    streq(a->log_dir, b->log_dir) && streq(a->state_dir, b->state_dir),
	    "%s: user, socket, log_dir, state_dir", path);
	check(a->http_enabled == b->http_enabled &&
	    streq(a->http_listen, b->http_listen) &&
	    streq(a->http_token_file, b->http_token_file), "%s: http", path);
	check(a->nservices == b->nservices, "%s: %zu services", path,
	    a->nservices);
	sb = TAILQ_FIRST(&b->services);
	TAILQ_FOREACH(sa, &a->services, entry) {
		if (sb == NULL || !streq(sa->name, sb->name) ||
		    !config_svc_equal(sa, sb)) {
			same = 0;
			fprintf(stderr, "# %s: service %s differs\n", path,
			    sa->name);
		}
		if (sb != NULL)
			sb = TAILQ_NEXT(sb, entry);
		n++;
	}
	check(same && n == b->nservices, "%s: every service the same", path);
	text2 = print(b, &len2);
	/* The header names the file: compare from the first key on. */
	check(strcmp(strstr(text, "\n#") ? strchr(strstr(text, "\n#") + 1,
	    '\n') : text, strstr(text2, "\n#") ? strchr(strstr(text2, "\n#") +
	    1, '\n') : text2) == 0, "%s: printed twice, the same text", path);
	free(text2);
	config_free(b);
 done:
	free(text);
	config_free(a);
	config_errors_free(&errs);
}

int
main(void)
{
	roundtrip("regress/config/good-minimal.conf");
	roundtrip("regress/config/good-full.conf");
	roundtrip("etc/vigild.conf.sample");
	return (nfail != 0);
}
