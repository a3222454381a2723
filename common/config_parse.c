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
 * Value parsers: durations, sizes, signals, command splitting and ${...}
 * expansion.  No YAML here; these are used by the loader, the spawner
 * and the tests.
 */

#include <sys/types.h>

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "log.h"

#define DURATION_MAX_MS	(365ULL * 24 * 3600 * 1000)

/* Leading decimal digits of s into *v; returns their count, -1 on overflow. */
static int
parse_digits(const char *s, uint64_t *v)
{
	int	n = 0;

	*v = 0;
	while (isdigit((unsigned char)s[n])) {
		if (*v > (UINT64_MAX - 9) / 10)
			return (-1);
		*v = *v * 10 + (s[n] - '0');
		n++;
	}
	return (n);
}

/*
 * "250ms", "10s", "5m", "1h", "2d", "1m30s", or a bare number of seconds.
 */
int
config_parse_duration(const char *s, uint64_t *ms, const char **errstr)
{
	uint64_t	 total = 0, v, mult;
	const char	*p = s;
	int		 n;

	if (*s == '\0') {
		*errstr = "empty value";
		return (-1);
	}
	if (*s == '-') {
		*errstr = "negative";
		return (-1);
	}
	while (*p != '\0') {
		if ((n = parse_digits(p, &v)) == -1)
			goto toolarge;
		if (n == 0) {
			*errstr = "expected a number followed by ms, s, m, "
			    "h or d";
			return (-1);
		}
		p += n;
		if (*p == '\0' && p - n == s) {
			mult = 1000;		/* bare number: seconds */
		} else if (strncmp(p, "ms", 2) == 0) {
			mult = 1;
			p += 2;
		} else if (*p == 's') {
			mult = 1000;
			p++;
		} else if (*p == 'm') {
			mult = 60 * 1000;
			p++;
		} else if (*p == 'h') {
			mult = 3600 * 1000;
			p++;
		} else if (*p == 'd') {
			mult = 24 * 3600 * 1000;
			p++;
		} else if (*p == '\0') {
			*errstr = "a unit is missing (ms, s, m, h or d)";
			return (-1);
		} else if (*p == '.' || *p == ',') {
			*errstr = "use a whole number (1500ms, not 1.5s)";
			return (-1);
		} else {
			*errstr = "unknown unit (use ms, s, m, h or d)";
			return (-1);
		}
		if (v > DURATION_MAX_MS / mult)
			goto toolarge;
		total += v * mult;
		if (total > DURATION_MAX_MS)
			goto toolarge;
	}
	*ms = total;
	return (0);
 toolarge:
	*errstr = "too large (at most 365d)";
	return (-1);
}

/*
 * "512K", "64M", "1G", "2T" (powers of 1024; "KB", "KiB", "k" are the
 * same), "100B", or a bare number of bytes.
 */
int
config_parse_size(const char *s, uint64_t *bytes, const char **errstr)
{
	uint64_t	 v, mult = 1;
	const char	*p;
	int		 n;

	if (*s == '\0') {
		*errstr = "empty value";
		return (-1);
	}
	if (*s == '-') {
		*errstr = "negative";
		return (-1);
	}
	if ((n = parse_digits(s, &v)) == -1)
		goto toolarge;
	if (n == 0) {
		*errstr = "expected a number optionally followed by K, M, G "
		    "or T";
		return (-1);
	}
	p = s + n;
	if (*p == '.' || *p == ',') {
		*errstr = "use a whole number (1536M, not 1.5G)";
		return (-1);
	}
	switch (toupper((unsigned char)*p)) {
	case '\0':
		break;
	case 'B':
		p++;
		break;
	case 'K':
		mult = 1ULL << 10;
		p++;
		break;
	case 'M':
		mult = 1ULL << 20;
		p++;
		break;
	case 'G':
		mult = 1ULL << 30;
		p++;
		break;
	case 'T':
		mult = 1ULL << 40;
		p++;
		break;
	default:
		goto badunit;
	}
	if (mult != 1 && (strcmp(p, "B") == 0 || strcmp(p, "iB") == 0 ||
	    strcmp(p, "b") == 0))
		p += strlen(p);
	if (*p != '\0')
		goto badunit;
	if (v > UINT64_MAX / mult || v * mult == CONFIG_UNLIMITED)
		goto toolarge;
	*bytes = v * mult;
	return (0);
 badunit:
	*errstr = "unknown unit (use K, M, G or T)";
	return (-1);
 toolarge:
	*errstr = "too large";
	return (-1);
}

static const struct {
	const char	*name;
	int		 sig;
} signames[] = {
	{ "HUP",	SIGHUP },
	{ "INT",	SIGINT },
	{ "QUIT",	SIGQUIT },
	{ "ILL",	SIGILL },
	{ "TRAP",	SIGTRAP },
	{ "ABRT",	SIGABRT },
	{ "BUS",	SIGBUS },
	{ "FPE",	SIGFPE },
	{ "KILL",	SIGKILL },
	{ "USR1",	SIGUSR1 },
	{ "SEGV",	SIGSEGV },
	{ "USR2",	SIGUSR2 },
	{ "PIPE",	SIGPIPE },
	{ "ALRM",	SIGALRM },
	{ "TERM",	SIGTERM },
	{ "CHLD",	SIGCHLD },
	{ "CONT",	SIGCONT },
	{ "STOP",	SIGSTOP },
	{ "TSTP",	SIGTSTP },
	{ "TTIN",	SIGTTIN },
	{ "TTOU",	SIGTTOU },
	{ "URG",	SIGURG },
	{ "XCPU",	SIGXCPU },
	{ "XFSZ",	SIGXFSZ },
	{ "VTALRM",	SIGVTALRM },
	{ "PROF",	SIGPROF },
	{ "WINCH",	SIGWINCH },
	{ "IO",		SIGIO },
	{ "SYS",	SIGSYS },
	{ "IOT",	SIGABRT },	/* aliases after the main names */
	{ "CLD",	SIGCHLD },
	{ "POLL",	SIGIO },
};

/* "TERM", "SIGTERM", "term", or a number 1..NSIG-1. */
int
config_parse_signal(const char *s, int *sig, const char **errstr)
{
	const char	*e;
	size_t		 i;
	long long	 n;

	if (*s == '\0') {
		*errstr = "empty value";
		return (-1);
	}
	if (isdigit((unsigned char)*s)) {
		n = strtonum(s, 1, NSIG - 1, &e);
		if (e != NULL) {
			*errstr = "not a signal number";
			return (-1);
		}
		*sig = (int)n;
		return (0);
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < nitems(signames); i++) {
		if (strcasecmp(s, signames[i].name) == 0) {
			*sig = signames[i].sig;
			return (0);
		}
	}
	*errstr = "unknown signal";
	return (-1);
}

const char *
config_signame(int sig)
{
	size_t	i;

	for (i = 0; i < nitems(signames); i++)
		if (signames[i].sig == sig)
			return (signames[i].name);
	return (NULL);
}

/*
 * A growable string.
 */
struct sbuf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void
sbuf_addn(struct sbuf *b, const char *s, size_t n)
{
	char	*p;
	size_t	 ncap;

	if (b->len + n + 1 > b->cap) {
		ncap = b->cap ? b->cap : 32;
		while (b->len + n + 1 > ncap)
			ncap *= 2;
		if ((p = realloc(b->s, ncap)) == NULL)
			fatal("%s", __func__);
		b->s = p;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
sbuf_addc(struct sbuf *b, char c)
{
	sbuf_addn(b, &c, 1);
}

void
config_free_argv(char **argv)
{
	size_t	i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

static void
argv_push(char ***argv, size_t *argc, struct sbuf *w)
{
	char	**n;

	if ((n = reallocarray(*argv, *argc + 2, sizeof(*n))) == NULL)
		fatal("%s", __func__);
	*argv = n;
	if (w->s == NULL)
		sbuf_addn(w, "", 0);
	n[(*argc)++] = w->s;
	n[*argc] = NULL;
	memset(w, 0, sizeof(*w));
}

/*
 * Split a command line the way sh(1) splits words, without running a
 * shell: blanks separate words, 'single quotes' keep everything,
 * "double quotes" keep everything but \" \\ \$ \`, a backslash outside
 * quotes escapes the next character.  Shell operators outside quotes
 * (| & ; < > ` $( ) are refused: they need `shell: true`.
 */
int
config_split_command(const char *s, char ***argvp, size_t *argcp,
    const char **errstr)
{
	struct sbuf	 w;
	char		**argv = NULL;
	size_t		 argc = 0;
	int		 inword = 0;
	const char	*p;

	memset(&w, 0, sizeof(w));
	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case ' ':
		case '\t':
		case '\n':
		case '\r':
			if (inword)
				argv_push(&argv, &argc, &w);
			inword = 0;
			continue;
		case '\'':
			inword = 1;
			for (p++; *p != '\'' && *p != '\0'; p++)
				sbuf_addc(&w, *p);
			if (*p == '\0') {
				*errstr = "unterminated single quote";
				goto fail;
			}
			continue;
		case '"':
			inword = 1;
			for (p++; *p != '"' && *p != '\0'; p++) {
				if (*p == '\\' && (p[1] == '"' ||
				    p[1] == '\\' || p[1] == '$' ||
				    p[1] == '`'))
					p++;
				else if (*p == '\\' && p[1] == '\n') {
					p++;
					continue;
				}
				sbuf_addc(&w, *p);
			}
			if (*p == '\0') {
				*errstr = "unterminated double quote";
				goto fail;
			}
			continue;
		case '\\':
			if (p[1] == '\0') {
				*errstr = "backslash at the end";
				goto fail;
			}
			p++;
			if (*p == '\n')		/* line continuation */
				continue;
			inword = 1;
			sbuf_addc(&w, *p);
			continue;
		case '|':
		case '&':
		case ';':
		case '<':
		case '>':
		case '`':
			goto shellop;
		case '$':
			if (p[1] == '(')
				goto shellop;
			break;
		}
		inword = 1;
		sbuf_addc(&w, *p);
	}
	if (inword)
		argv_push(&argv, &argc, &w);
	if (argc == 0) {
		*errstr = "empty command";
		goto fail;
	}
	*argvp = argv;
	*argcp = argc;
	return (0);
 shellop:
	*errstr = "shell operator outside quotes (quote it, or set "
	    "shell: true)";
 fail:
	free(w.s);
	config_free_argv(argv);
	return (-1);
}

/*
 * ${...} syntax.  At *p (a '$'): returns the length of the construct and
 * sets *name and *namelen for a variable; *namelen 0 means a literal "$"
 * (from "$$" or a lone "$").  -1 with errstr on a syntax error.
 */
int
config_var_at(const char *p, const char **name, size_t *namelen,
    const char **errstr)
{
	const char	*e;

	*name = NULL;
	*namelen = 0;
	if (p[1] == '$')
		return (2);
	if (p[1] != '{')
		return (1);
	if ((e = strchr(p + 2, '}')) == NULL) {
		*errstr = "unterminated ${";
		return (-1);
	}
	if (!config_valid_envname(p + 2, e - (p + 2))) {
		*errstr = "bad variable name in ${...} (use letters, digits "
		    "and _)";
		return (-1);
	}
	*name = p + 2;
	*namelen = e - (p + 2);
	return (e - p + 1);
}

static const char *
env_lookup(const struct config_env *env, size_t nenv, const char *name)
{
	size_t	i;

	for (i = 0; i < nenv; i++)
		if (strcmp(env[i].name, name) == 0)
			return (env[i].value);
	return (NULL);
}

char *
config_expand(const char *s, const struct config_expand_ctx *ctx, char *err,
    size_t errlen)
{
	struct sbuf	 b;
	const char	*p, *name, *val, *errstr;
	char		 var[256], num[16];
	size_t		 nlen;
	int		 n;

	memset(&b, 0, sizeof(b));
	sbuf_addn(&b, "", 0);
	for (p = s; *p != '\0'; p += n) {
		if (*p != '$') {
			n = strcspn(p, "$");
			sbuf_addn(&b, p, n);
			continue;
		}
		if ((n = config_var_at(p, &name, &nlen, &errstr)) == -1) {
			snprintf(err, errlen, "%s", errstr);
			goto fail;
		}
		if (nlen == 0) {
			sbuf_addc(&b, '$');
			continue;
		}
		if (nlen >= sizeof(var)) {
			snprintf(err, errlen, "variable name too long");
			goto fail;
		}
		memcpy(var, name, nlen);
		var[nlen] = '\0';
		val = NULL;
		if (strcmp(var, "NAME") == 0)
			val = ctx->name;
		else if (strcmp(var, "INSTANCE") == 0) {
			snprintf(num, sizeof(num), "%u", ctx->instance);
			val = num;
		} else if (strcmp(var, "PORT") == 0) {
			if (ctx->port < 0) {
				snprintf(err, errlen, "${PORT} used but the "
				    "service has no port");
				goto fail;
			}
			snprintf(num, sizeof(num), "%d", ctx->port);
			val = num;
		} else if ((val = env_lookup(ctx->env, ctx->nenv,
		    var)) == NULL)
			val = getenv(var);
		if (val == NULL) {
			snprintf(err, errlen, "undefined variable ${%s}", var);
			goto fail;
		}
		sbuf_addn(&b, val, strlen(val));
	}
	return (b.s);
 fail:
	free(b.s);
	return (NULL);
}
