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
 * The value parsers of common/config_parse.c: durations, sizes, signals,
 * command splitting, ${...} expansion.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "unit.h"

static void
dur_ok(const char *s, uint64_t want)
{
	const char	*errstr = NULL;
	uint64_t	 ms = 0;
	int		 r;

	r = config_parse_duration(s, &ms, &errstr);
	check(r == 0 && ms == want, "duration \"%s\" = %llu ms (got %d, %llu, "
	    "%s)", s, (unsigned long long)want, r, (unsigned long long)ms,
	    r ? errstr : "");
}

static void
dur_bad(const char *s, const char *want)
{
	const char	*errstr = NULL;
	uint64_t	 ms = 0;
	int		 r;

	r = config_parse_duration(s, &ms, &errstr);
	check(r == -1 && strcmp(errstr, want) == 0, "duration \"%s\" "
	    "refused: %s", s, r == -1 ? errstr : "accepted");
}

static void
size_ok(const char *s, uint64_t want)
{
	const char	*errstr = NULL;
	uint64_t	 b = 0;
	int		 r;

	r = config_parse_size(s, &b, &errstr);
	check(r == 0 && b == want, "size \"%s\" = %llu (got %llu %s)", s,
	    (unsigned long long)want, (unsigned long long)b, r ? errstr : "");
}

static void
size_bad(const char *s, const char *want)
{
	const char	*errstr = NULL;
	uint64_t	 b;
	int		 r;

	r = config_parse_size(s, &b, &errstr);
	check(r == -1 && strcmp(errstr, want) == 0, "size \"%s\" refused: %s",
	    s, r == -1 ? errstr : "accepted");
}

static void
sig_ok(const char *s, int want)
{
	const char	*errstr = NULL;
	int		 sig = 0, r;

	r = config_parse_signal(s, &sig, &errstr);
	check(r == 0 && sig == want, "signal \"%s\" = %d (got %d)", s, want,
	    sig);
}

static void
sig_bad(const char *s)
{
	const char	*errstr = NULL;
	int		 sig, r;

	r = config_parse_signal(s, &sig, &errstr);
	check(r == -1, "signal \"%s\" refused: %s", s,
	    r == -1 ? errstr : "accepted");
}

/* want: the words separated by '|' */
static void
split_ok(const char *s, const char *want)
{
	const char	*errstr = NULL;
	char		**argv = NULL, got[1024];
	size_t		  argc = 0, i;
	int		  r;

	got[0] = '\0';
	r = config_split_command(s, &argv, &argc, &errstr);
	if (r == 0) {
		for (i = 0; i < argc; i++) {
			if (i > 0)
				strlcat(got, "|", sizeof(got));
			strlcat(got, argv[i], sizeof(got));
		}
		if (argv[argc] != NULL)
			r = -2;
	}
	check(r == 0 && strcmp(got, want) == 0, "split [%s] = [%s] (got [%s]"
	    " %s)", s, want, got, r == -1 ? errstr : "");
	config_free_argv(argv);
}

static void
split_bad(const char *s, const char *want)
{
	const char	*errstr = NULL;
	char		**argv = NULL;
	size_t		  argc;
	int		  r;

	r = config_split_command(s, &argv, &argc, &errstr);
	check(r == -1 && strcmp(errstr, want) == 0, "split [%s] refused: %s",
	    s, r == -1 ? errstr : "accepted");
	if (r == 0)
		config_free_argv(argv);
}

static struct config_env	test_env[] = {
	{ "FOO", "foo-value" },
	{ "HOME", "/service/home" },	/* overrides vigild's own */
	{ "EMPTY", "" },
};

static void
expand_ok(const char *s, int port, const char *want)
{
	struct config_expand_ctx	 ctx;
	char				 err[256] = "", *r;

	ctx.name = "web";
	ctx.instance = 3;
	ctx.port = port;
	ctx.env = test_env;
	ctx.nenv = 3;
	r = config_expand(s, &ctx, err, sizeof(err));
	check(r != NULL && strcmp(r, want) == 0, "expand [%s] = [%s] (got "
	    "[%s] %s)", s, want, r ? r : "NULL", err);
	free(r);
}

static void
expand_bad(const char *s, int port, const char *want)
{
	struct config_expand_ctx	 ctx;
	char				 err[256] = "", *r;

	ctx.name = "web";
	ctx.instance = 0;
	ctx.port = port;
	ctx.env = test_env;
	ctx.nenv = 3;
	r = config_expand(s, &ctx, err, sizeof(err));
	check(r == NULL && strcmp(err, want) == 0, "expand [%s] refused: %s",
	    s, r == NULL ? err : r);
	free(r);
}

int
main(void)
{
	/* durations */
	dur_ok("250ms", 250);
	dur_ok("10s", 10000);
	dur_ok("5m", 300000);
	dur_ok("1h", 3600000);
	dur_ok("2d", 2ULL * 86400000);
	dur_ok("30", 30000);
	dur_ok("0", 0);
	dur_ok("0s", 0);
	dur_ok("1m30s", 90000);
	dur_ok("1h1m1s1ms", 3661001);
	dur_ok("365d", 365ULL * 86400000);
	dur_bad("", "empty value");
	dur_bad("10x", "unknown unit (use ms, s, m, h or d)");
	dur_bad("10 s", "unknown unit (use ms, s, m, h or d)");
	dur_bad("-1s", "negative");
	dur_bad("s", "expected a number followed by ms, s, m, h or d");
	dur_bad("1.5s", "use a whole number (1500ms, not 1.5s)");
	dur_bad("10s5", "a unit is missing (ms, s, m, h or d)");
	dur_bad("366d", "too large (at most 365d)");
	dur_bad("99999999999999999999999", "too large (at most 365d)");
	dur_bad("18446744073709551615ms", "too large (at most 365d)");

	/* sizes */
	size_ok("512K", 512 * 1024);
	size_ok("64M", 64ULL << 20);
	size_ok("1G", 1ULL << 30);
	size_ok("2T", 2ULL << 40);
	size_ok("1000", 1000);
	size_ok("0", 0);
	size_ok("100B", 100);
	size_ok("10k", 10240);
	size_ok("10KB", 10240);
	size_ok("10KiB", 10240);
	size_ok("3mb", 3ULL << 20);
	size_bad("", "empty value");
	size_bad("12Q", "unknown unit (use K, M, G or T)");
	size_bad("12 M", "unknown unit (use K, M, G or T)");
	size_bad("1.5G", "use a whole number (1536M, not 1.5G)");
	size_bad("M", "expected a number optionally followed by K, M, G or T");
	size_bad("-5", "negative");
	size_bad("16777216T", "too large");
	size_bad("18446744073709551615", "too large");
	size_bad("99999999999999999999999", "too large");

	/* signals */
	sig_ok("TERM", SIGTERM);
	sig_ok("SIGTERM", SIGTERM);
	sig_ok("term", SIGTERM);
	sig_ok("HUP", SIGHUP);
	sig_ok("SIGKILL", SIGKILL);
	sig_ok("USR1", SIGUSR1);
	sig_ok("WINCH", SIGWINCH);
	sig_ok("9", 9);
	sig_ok("15", 15);
	sig_bad("");
	sig_bad("FOO");
	sig_bad("SIG");
	sig_bad("0");
	sig_bad("65");
	sig_bad("15x");
	check(strcmp(config_signame(SIGTERM), "TERM") == 0, "signame TERM");
	check(strcmp(config_signame(SIGHUP), "HUP") == 0, "signame HUP");
	check(strcmp(config_signame(SIGABRT), "ABRT") == 0, "signame ABRT");
	check(config_signame(0) == NULL, "signame 0 is NULL");

	/* command splitting */
	split_ok("/bin/echo hello", "/bin/echo|hello");
	split_ok("  a   b\tc  ", "a|b|c");
	split_ok("a 'b c' d", "a|b c|d");
	split_ok("a \"b c\" d", "a|b c|d");
	split_ok("a 'it''s'", "a|its");
	split_ok("a \"it's\"", "a|it's");
	split_ok("a 'x\\y'", "a|x\\y");
	split_ok("a \"q\\\"uote\\\\\"", "a|q\"uote\\");
	split_ok("a \"\\n\"", "a|\\n");
	split_ok("a b\\ c", "a|b c");
	split_ok("a \\'b", "a|'b");
	split_ok("a ''", "a|");
	split_ok("a \"\" b", "a||b");
	split_ok("x=\"1 2\"y", "x=1 2y");
	split_ok("a 'p|q' \"r;s\" t\\&u", "a|p|q|r;s|t&u");
	split_ok("/srv/app --port ${PORT}", "/srv/app|--port|${PORT}");
	split_ok("a \\\n b", "a|b");
	split_bad("", "empty command");
	split_bad("   ", "empty command");
	split_bad("a 'b", "unterminated single quote");
	split_bad("a \"b", "unterminated double quote");
	split_bad("a \"b\\\"", "unterminated double quote");
	split_bad("a b\\", "backslash at the end");
	split_bad("a | b",
	    "shell operator outside quotes (quote it, or set shell: true)");
	split_bad("a; b",
	    "shell operator outside quotes (quote it, or set shell: true)");
	split_bad("a > f",
	    "shell operator outside quotes (quote it, or set shell: true)");
	split_bad("a && b",
	    "shell operator outside quotes (quote it, or set shell: true)");
	split_bad("echo $(id)",
	    "shell operator outside quotes (quote it, or set shell: true)");
	split_bad("echo `id`",
	    "shell operator outside quotes (quote it, or set shell: true)");

	/* expansion */
	setenv("VIGIL_TEST_OWN", "own", 1);
	setenv("HOME", "/vigild/home", 1);
	unsetenv("VIGIL_TEST_UNDEFINED");
	expand_ok("plain", -1, "plain");
	expand_ok("", -1, "");
	expand_ok("${NAME}", -1, "web");
	expand_ok("${NAME}-${INSTANCE}", -1, "web-3");
	expand_ok("--port=${PORT}", 8003, "--port=8003");
	expand_ok("${FOO}/${VIGIL_TEST_OWN}", -1, "foo-value/own");
	expand_ok("${HOME}", -1, "/service/home");
	expand_ok("[${EMPTY}]", -1, "[]");
	expand_ok("$$ $HOME $ $$${NAME}", -1, "$ $HOME $ $web");
	expand_ok("a$", -1, "a$");
	expand_bad("${PORT}", -1, "${PORT} used but the service has no port");
	expand_bad("${VIGIL_TEST_UNDEFINED}", -1,
	    "undefined variable ${VIGIL_TEST_UNDEFINED}");
	expand_bad("x ${NAME", -1, "unterminated ${");
	expand_bad("${}", -1,
	    "bad variable name in ${...} (use letters, digits and _)");
	expand_bad("${A-B}", -1,
	    "bad variable name in ${...} (use letters, digits and _)");
	expand_bad("${1A}", -1,
	    "bad variable name in ${...} (use letters, digits and _)");

	if (nfail) {
		printf("%d failed\n", nfail);
		return 1;
	}
	return 0;
}
