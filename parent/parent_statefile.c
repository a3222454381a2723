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
 * The state file's text (see parent_state.h): encode, and decode what
 * may be truncated, corrupted or hostile.  The decoder copies the input
 * into a terminated buffer, checks the sum before anything else, then
 * reads every field with a range; one thing out of place refuses the
 * whole file.  No other dependency, so the unit test and the fuzz
 * target link this file alone.
 */

#include <sys/types.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parent_state.h"

#define PSTATE_MAGIC	"vigild-state "

uint64_t
pstate_hash(const void *p, size_t len, uint64_t h)
{
	const unsigned char	*c = p;
	size_t			 i;

	for (i = 0; i < len; i++) {
		h ^= c[i];
		h *= 0x100000001b3ULL;
	}
	return (h);
}

struct pbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 err;
};

static void
pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*np;
	size_t	 ncap;
	int	 n;

	if (b->err)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->err = 1;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += n;
			return;
		}
		ncap = b->cap * 2 + n + 1;
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->err = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
}

/* A token is printable, without spaces; else it is not written. */
static const char *
pstate_token(const char *s)
{
	const unsigned char	*p;

	if (*s == '\0')
		return ("-");
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return ("-");
	return (s);
}

char *
pstate_encode(const struct pstate *st, size_t *lenp)
{
	const struct pstate_svc	*s;
	struct pbuf		 b;
	size_t			 i;

	memset(&b, 0, sizeof(b));
	b.cap = 256;
	if ((b.p = malloc(b.cap)) == NULL)
		return (NULL);
	b.p[0] = '\0';
	pbuf_printf(&b, PSTATE_MAGIC "%u\ninstance %s\n", PSTATE_VERSION,
	    pstate_token(st->instance));
	for (i = 0; i < st->nsvc; i++) {
		s = &st->svc[i];
		pbuf_printf(&b, "svc %s %d %" PRIu64 " %u %u %" PRId64 " %u "
		    "%u %u %" PRIu64 " %016" PRIx64 " %s\n",
		    pstate_token(s->id), (int)s->pid, s->starttime, s->state,
		    s->restarts, s->start_ms, s->health, s->port,
		    s->stop_signal, s->stop_timeout_ms, s->fingerprint,
		    pstate_token(s->cgroup));
	}
	for (i = 0; i < st->nlisten; i++) {
		const struct pstate_listen	*l = &st->listen[i];
		uint32_t			 j;

		if (l->n == 0 || l->n > PSTATE_LISTENMAX ||
		    strcmp(pstate_token(l->name), "-") == 0)
			continue;
		pbuf_printf(&b, "listen %s", l->name);
		for (j = 0; j < l->n; j++)
			pbuf_printf(&b, " %" PRIu64, l->ino[j]);
		pbuf_printf(&b, "\n");
	}
	if (!b.err)
		pbuf_printf(&b, "sum %016" PRIx64 "\n",
		    pstate_hash(b.p, b.len, PSTATE_HASH_INIT));
	if (b.err) {
		free(b.p);
		errno = ENOMEM;
		return (NULL);
	}
	*lenp = b.len;
	return (b.p);
}

void
pstate_free(struct pstate *st)
{
	free(st->svc);
	free(st->listen);
	memset(st, 0, sizeof(*st));
}

/* The next space-separated field of *sp, or NULL at the end. */
static char *
pstate_field(char **sp)
{
	char	*s = *sp, *f;

	if (s == NULL || *s == '\0')
		return (NULL);
	f = s;
	if ((s = strchr(s, ' ')) != NULL) {
		*s++ = '\0';
		if (*s == '\0' || *s == ' ')
			return (NULL);		/* "a  b", "a " */
	}
	*sp = s;
	return (f);
}

/* Decimal, no sign, no leading zeros but "0", at most max. */
static int
pstate_num(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t	 n = 0;
	const char	*p;

	if (s == NULL || *s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return (-1);
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return (-1);
		if (n > max / 10 || (n == max / 10 &&
		    (uint64_t)(*p - '0') > max % 10))
			return (-1);
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*v = n;
	return (0);
}

static int
pstate_hex16(const char *s, uint64_t *v)
{
	uint64_t	 n = 0;
	int		 i, c;

	if (s == NULL || strlen(s) != 16)
		return (-1);
	for (i = 0; i < 16; i++) {
		c = (unsigned char)s[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else
			return (-1);
		n = (n << 4) | (uint64_t)c;
	}
	*v = n;
	return (0);
}

/* A token as written: "-" is empty. */
static int
pstate_str(const char *s, char *dst, size_t len)
{
	const unsigned char	*p;

	if (s == NULL)
		return (-1);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return (-1);
	if (strcmp(s, "-") == 0)
		s = "";
	if (strlcpy(dst, s, len) >= len)
		return (-1);
	return (0);
}

static int
pstate_svc_line(char *rest, struct pstate_svc *s)
{
	uint64_t	 v[10];
	int		 i;
	static const uint64_t	 max[] = { INT_MAX, UINT64_MAX >> 1, 7,
	    UINT32_MAX, (uint64_t)INT64_MAX, 3, 65535, 64, UINT64_MAX >> 1 };

	memset(s, 0, sizeof(*s));
	if (pstate_str(pstate_field(&rest), s->id, sizeof(s->id)) == -1 ||
	    s->id[0] == '\0')
		return (-1);
	for (i = 0; i < 9; i++)
		if (pstate_num(pstate_field(&rest), max[i], &v[i]) == -1)
			return (-1);
	if (v[0] < 2 || pstate_hex16(pstate_field(&rest), &s->fingerprint) ==
	    -1 || pstate_str(pstate_field(&rest), s->cgroup,
	    sizeof(s->cgroup)) == -1 || rest != NULL)
		return (-1);
	s->pid = (pid_t)v[0];
	s->starttime = v[1];
	s->state = (uint32_t)v[2];
	s->restarts = (uint32_t)v[3];
	s->start_ms = (int64_t)v[4];
	s->health = (uint32_t)v[5];
	s->port = (uint32_t)v[6];
	s->stop_signal = (uint32_t)v[7];
	s->stop_timeout_ms = v[8];
	if (s->stop_signal == 0)
		return (-1);
	return (0);
}

static int
pstate_listen_line(char *rest, struct pstate_listen *l)
{
	uint64_t	 v;
	char		*f;

	memset(l, 0, sizeof(*l));
	if (pstate_str(pstate_field(&rest), l->name, sizeof(l->name)) == -1 ||
	    l->name[0] == '\0')
		return (-1);
	while ((f = pstate_field(&rest)) != NULL) {
		if (l->n == PSTATE_LISTENMAX ||
		    pstate_num(f, UINT64_MAX >> 1, &v) == -1 || v == 0)
			return (-1);
		l->ino[l->n++] = v;
	}
	if (l->n == 0 || rest != NULL)
		return (-1);
	return (0);
}

static int
pstate_fail(char *err, size_t errlen, unsigned int line, const char *what)
{
	if (line > 0)
		snprintf(err, errlen, "line %u: %s", line, what);
	else
		snprintf(err, errlen, "%s", what);
	return (-1);
}

int
pstate_decode(const char *in, size_t len, struct pstate *st, char *err,
    size_t errlen)
{
	struct pstate_svc	*v;
	char			*buf, *line, *next, *sum, *rest, *f;
	uint64_t		 want, n;
	unsigned int		 lineno = 0;
	size_t			 i;
	int			 rv = -1;

	memset(st, 0, sizeof(*st));
	if (len == 0)
		return (pstate_fail(err, errlen, 0, "empty"));
	if (len > PSTATE_FILEMAX)
		return (pstate_fail(err, errlen, 0, "too large"));
	if (memchr(in, '\0', len) != NULL)
		return (pstate_fail(err, errlen, 0, "a NUL byte"));
	if (in[len - 1] != '\n')
		return (pstate_fail(err, errlen, 0, "truncated (no final "
		    "newline)"));
	if ((buf = malloc(len + 1)) == NULL)
		return (pstate_fail(err, errlen, 0, "out of memory"));
	memcpy(buf, in, len);
	buf[len] = '\0';

	/* The sum first: the last line, over every byte before it. */
	buf[len - 1] = '\0';
	sum = strrchr(buf, '\n');
	sum = sum == NULL ? buf : sum + 1;
	if (strncmp(sum, "sum ", 4) != 0 ||
	    pstate_hex16(sum + 4, &want) == -1) {
		pstate_fail(err, errlen, 0, "truncated (no sum line)");
		goto done;
	}
	if (pstate_hash(buf, sum - buf, PSTATE_HASH_INIT) != want) {
		pstate_fail(err, errlen, 0, "checksum mismatch");
		goto done;
	}
	if (sum == buf) {
		pstate_fail(err, errlen, 0, "no header");
		goto done;
	}
	sum[-1] = '\0';

	for (line = buf; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		rest = line;
		f = pstate_field(&rest);
		if (lineno == 1) {
			if (f == NULL || strcmp(f, "vigild-state") != 0 ||
			    pstate_num(pstate_field(&rest), UINT32_MAX, &n) ==
			    -1 || rest != NULL) {
				pstate_fail(err, errlen, lineno, "not a vigild "
				    "state file");
				goto done;
			}
			if (n != PSTATE_VERSION) {
				pstate_fail(err, errlen, lineno, "unknown "
				    "version");
				goto done;
			}
			st->version = (uint32_t)n;
			continue;
		}
		if (lineno == 2) {
			if (f == NULL || strcmp(f, "instance") != 0 ||
			    pstate_str(pstate_field(&rest), st->instance,
			    sizeof(st->instance)) == -1 || rest != NULL) {
				pstate_fail(err, errlen, lineno, "bad instance "
				    "line");
				goto done;
			}
			continue;
		}
		if (f != NULL && strcmp(f, "listen") == 0) {
			struct pstate_listen	*lv;

			if (st->nlisten >= PSTATE_MAXSVC ||
			    (lv = reallocarray(st->listen, st->nlisten + 1,
			    sizeof(*lv))) == NULL) {
				pstate_fail(err, errlen, lineno, "too many "
				    "listen lines");
				goto done;
			}
			st->listen = lv;
			if (pstate_listen_line(rest,
			    &st->listen[st->nlisten]) == -1) {
				pstate_fail(err, errlen, lineno, "bad listen "
				    "line");
				goto done;
			}
			st->nlisten++;
			continue;
		}
		if (f == NULL || strcmp(f, "svc") != 0) {
			pstate_fail(err, errlen, lineno, "unknown line");
			goto done;
		}
		if (st->nsvc >= PSTATE_MAXSVC) {
			pstate_fail(err, errlen, lineno, "too many services");
			goto done;
		}
		if ((v = reallocarray(st->svc, st->nsvc + 1,
		    sizeof(*v))) == NULL) {
			pstate_fail(err, errlen, lineno, "out of memory");
			goto done;
		}
		st->svc = v;
		if (pstate_svc_line(rest, &st->svc[st->nsvc]) == -1) {
			pstate_fail(err, errlen, lineno, "bad service line");
			goto done;
		}
		for (i = 0; i < st->nsvc; i++)
			if (strcmp(st->svc[i].id, st->svc[st->nsvc].id) == 0)
				break;
		if (i < st->nsvc) {
			pstate_fail(err, errlen, lineno, "an instance twice");
			goto done;
		}
		st->nsvc++;
	}
	if (lineno < 2) {
		pstate_fail(err, errlen, lineno, "no instance line");
		goto done;
	}
	rv = 0;
 done:
	if (rv == -1)
		pstate_free(st);
	free(buf);
	return (rv);
}
