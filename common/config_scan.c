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
 * The events of a plain configuration file without libyaml: libyaml's
 * scanner and parser take 60 ms of CPU for the 3 MB of 10,000 services,
 * most of it in a general machinery (UTF-8 decoding a character at a
 * time, a token queue, a malloc per scalar) that a file of plain keys
 * and values does not need.  This reads only a narrow subset of YAML,
 * a line at a time, and gives exactly the events libyaml gives for it
 * (types, values, styles and marks):
 *
 *	- printable ASCII, lines ending in '\n', no tab, one document
 *	  without markers, directives, tags, anchors or aliases;
 *	- block mappings of plain one-line keys ("key:" or "key: value",
 *	  the nested block on the lines below more indented) and block
 *	  sequences ("- value", more indented than their key);
 *	- values on one line: plain scalars, quoted scalars without
 *	  escapes, flow mappings and sequences of those;
 *	- blank lines and comments.
 *
 * Anything else (or anything it is not sure of) and config_scan_next()
 * says 0: the composer then begins again with libyaml from the first
 * byte, so the document and every error are libyaml's as before.
 * regress/unit/test_config_slices.c and regress/fuzz/fuzz_config_scan.c
 * hold it to libyaml's documents.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "log.h"

enum {
	SC_START,
	SC_BODY,
	SC_DONE
};

#define SC_KEYMAX	1000	/* libyaml's simple keys: under 1024 */
#define SC_FLOWMAX	16	/* flow collections, one in another */

/* A printable ASCII character (no tab, no line break). */
#define SC_PRINT(c)	((unsigned char)(c) >= 0x20 && \
			    (unsigned char)(c) < 0x7f)
#define SC_ALNUM(c)	(((c) >= 'a' && (c) <= 'z') || \
			    ((c) >= 'A' && (c) <= 'Z') || \
			    ((c) >= '0' && (c) <= '9'))

/* The characters inside a word of a plain scalar (':' aside). */
static unsigned char	 sc_in[256];

void
config_scan_init(struct config_scan *sc, const void *buf, size_t len)
{
	const char	*p;
	int		 c;

	if (!sc_in['a']) {
		for (c = 0; c < 256; c++)
			sc_in[c] = SC_ALNUM(c);
		for (p = "_-./+=~$@%^()!?&*<>|;"; *p != '\0'; p++)
			sc_in[(unsigned char)*p] = 1;
	}
	memset(sc, 0, sizeof(*sc));
	sc->buf = buf;
	sc->len = len;
	sc->state = SC_START;
}

void
config_scan_free(struct config_scan *sc)
{
	free(sc->q);
	memset(sc, 0, sizeof(*sc));
}

static yaml_mark_t
sc_mark(struct config_scan *sc, size_t pos)
{
	yaml_mark_t	 m;

	m.index = pos;
	m.line = sc->line;
	m.column = pos - sc->lstart;
	return (m);
}

static yaml_event_t *
sc_push(struct config_scan *sc, yaml_event_type_t type, yaml_mark_t start,
    yaml_mark_t end)
{
	yaml_event_t	*q;

	if (sc->nq == sc->maxq) {
		sc->maxq = sc->maxq == 0 ? 64 : sc->maxq * 2;
		if ((q = reallocarray(sc->q, sc->maxq, sizeof(*q))) == NULL)
			fatal("%s", __func__);
		sc->q = q;
	}
	q = &sc->q[sc->nq++];
	memset(q, 0, sizeof(*q));
	q->type = type;
	q->start_mark = start;
	q->end_mark = end;
	return (q);
}

static void
sc_scalar(struct config_scan *sc, size_t start, size_t end, size_t vstart,
    size_t vend, yaml_scalar_style_t style)
{
	yaml_event_t	*e;

	e = sc_push(sc, YAML_SCALAR_EVENT, sc_mark(sc, start),
	    sc_mark(sc, end));
	e->data.scalar.value = (yaml_char_t *)(sc->buf + vstart);
	e->data.scalar.length = vend - vstart;
	e->data.scalar.style = style;
	e->data.scalar.plain_implicit = style == YAML_PLAIN_SCALAR_STYLE;
	e->data.scalar.quoted_implicit = style != YAML_PLAIN_SCALAR_STYLE;
}

static void
sc_start(struct config_scan *sc, int seq, int flow, size_t pos)
{
	yaml_event_t	*e;
	yaml_mark_t	 m = sc_mark(sc, pos);

	e = sc_push(sc, seq ? YAML_SEQUENCE_START_EVENT :
	    YAML_MAPPING_START_EVENT, m, flow ? sc_mark(sc, pos + 1) : m);
	e->data.mapping_start.implicit = 1;	/* same place in both */
	if (seq)
		e->data.sequence_start.style = flow ?
		    YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE;
	else
		e->data.mapping_start.style = flow ?
		    YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE;
}

static int
sc_at(struct config_scan *sc, size_t pos)
{
	return (pos < sc->lend ? sc->buf[pos] : '\n');
}

/* May a plain scalar begin with this character (and the next)? */
static int
sc_plain_first(struct config_scan *sc, size_t p)
{
	int	 c = sc_at(sc, p);

	if (SC_ALNUM(c) || c == '/' || c == '_' || c == '$' || c == '~')
		return (1);
	if (c == '.' || c == '-')
		return (SC_ALNUM(sc_at(sc, p + 1)));
	return (0);
}

static int
sc_plain_in(int c)
{
	return (sc_in[(unsigned char)c]);
}

/*
 * A plain scalar from p: words of sc_plain_in characters (a ':' only
 * before another such character), single spaces or more between them.
 * Its end; the caller looks at what follows.
 */
static size_t
sc_plain(struct config_scan *sc, size_t p)
{
	size_t	 e = p, t;
	int	 c;

	for (;;) {
		for (;;) {
			c = sc_at(sc, e);
			if (c == ':' && sc_plain_in(sc_at(sc, e + 1)) &&
			    sc_at(sc, e + 1) != ':')
				e++;
			else if (c != ':' && sc_plain_in(c))
				e++;
			else
				break;
		}
		for (t = e; sc_at(sc, t) == ' '; t++)
			;
		if (t == e || !sc_plain_first(sc, t))
			return (e);
		e = t;
	}
}

/* A quoted scalar without escapes from p (the quote); its end, or 0. */
static size_t
sc_quoted(struct config_scan *sc, size_t p)
{
	int	 q = sc->buf[p], c;
	size_t	 e;

	for (e = p + 1; (c = sc_at(sc, e)) != q; e++)
		if (c == '\n' || (q == '"' && c == '\\'))
			return (0);
	if (q == '\'' && sc_at(sc, e + 1) == '\'')
		return (0);			/* '' in a single quote */
	return (e + 1);
}

static size_t	sc_flow(struct config_scan *, size_t, int);

/* A value from p in flow (or block) context; its end, or 0. */
static size_t
sc_value(struct config_scan *sc, size_t p, int flow, int depth)
{
	size_t	 e;
	int	 c = sc_at(sc, p);

	if (c == '"' || c == '\'') {
		if ((e = sc_quoted(sc, p)) == 0)
			return (0);
		sc_scalar(sc, p, e, p + 1, e - 1, c == '"' ?
		    YAML_DOUBLE_QUOTED_SCALAR_STYLE :
		    YAML_SINGLE_QUOTED_SCALAR_STYLE);
		return (e);
	}
	if (c == '{' || c == '[')
		return (depth >= SC_FLOWMAX ? 0 : sc_flow(sc, p, depth + 1));
	if (!sc_plain_first(sc, p))
		return (0);
	e = sc_plain(sc, p);
	sc_scalar(sc, p, e, p, e, YAML_PLAIN_SCALAR_STYLE);
	return (e);
}

static size_t
sc_spaces(struct config_scan *sc, size_t p)
{
	while (sc_at(sc, p) == ' ')
		p++;
	return (p);
}

/* A flow mapping or sequence from p (its bracket), on one line. */
static size_t
sc_flow(struct config_scan *sc, size_t p, int depth)
{
	int	 seq = sc->buf[p] == '[', close = seq ? ']' : '}';
	size_t	 e;

	sc_start(sc, seq, 1, p);
	p = sc_spaces(sc, p + 1);
	if (sc_at(sc, p) != close) {
		for (;;) {
			if (!seq) {
				if (!sc_plain_first(sc, p))
					return (0);
				e = sc_plain(sc, p);
				if (e - p > SC_KEYMAX || sc_at(sc, e) != ':' ||
				    sc_at(sc, e + 1) != ' ')
					return (0);
				sc_scalar(sc, p, e, p, e,
				    YAML_PLAIN_SCALAR_STYLE);
				p = sc_spaces(sc, e + 1);
			}
			if ((e = sc_value(sc, p, 1, depth)) == 0)
				return (0);
			p = sc_spaces(sc, e);
			if (sc_at(sc, p) == close)
				break;
			if (sc_at(sc, p) != ',')
				return (0);
			p = sc_spaces(sc, p + 1);
			if (sc_at(sc, p) == close)
				return (0);		/* a trailing comma */
		}
	}
	sc_push(sc, seq ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT,
	    sc_mark(sc, p), sc_mark(sc, p + 1));
	return (p + 1);
}

/* After a value: spaces, then the end of the line or a comment. */
static int
sc_line_end(struct config_scan *sc, size_t p)
{
	size_t	 t = sc_spaces(sc, p);

	return (t == sc->lend || (t > p && sc->buf[t] == '#'));
}

/* Ends the collections open deeper than indent, at mark m. */
static void
sc_unwind(struct config_scan *sc, size_t indent, yaml_mark_t m)
{
	while (sc->nlv > 0 && sc->lv[sc->nlv - 1].indent > indent) {
		sc->nlv--;
		sc_push(sc, sc->lv[sc->nlv].seq ? YAML_SEQUENCE_END_EVENT :
		    YAML_MAPPING_END_EVENT, m, m);
	}
}

static int
sc_open(struct config_scan *sc, size_t indent, int seq, size_t p)
{
	if (sc->nlv == CONFIG_SCAN_DEPTH)
		return (0);
	sc->lv[sc->nlv].indent = indent;
	sc->lv[sc->nlv].seq = seq;
	sc->nlv++;
	sc_start(sc, seq, 0, p);
	return (1);
}

/* One line with content, its first character at p: 0 to give up. */
static int
sc_line(struct config_scan *sc, size_t p)
{
	size_t	 indent = p - sc->lstart, e;
	int	 seq = sc->buf[p] == '-' && sc_at(sc, p + 1) == ' ';

	if (indent == 0 && sc->lend - p >= 3 &&
	    (memcmp(sc->buf + p, "---", 3) == 0 ||
	    memcmp(sc->buf + p, "...", 3) == 0))
		return (0);
	if (sc->state == SC_START) {
		if (seq)
			return (0);
		sc_push(sc, YAML_DOCUMENT_START_EVENT, sc_mark(sc, p),
		    sc_mark(sc, p))->data.document_start.implicit = 1;
		if (!sc_open(sc, indent, 0, p))
			return (0);
		sc->state = SC_BODY;
	} else if (sc->pending) {
		sc->pending = 0;
		if (indent <= sc->lv[sc->nlv - 1].indent ||
		    !sc_open(sc, indent, seq, p))
			return (0);
	} else {
		sc_unwind(sc, indent, sc_mark(sc, p));
		if (sc->nlv == 0 || sc->lv[sc->nlv - 1].indent != indent)
			return (0);
	}
	if (sc->lv[sc->nlv - 1].seq) {
		if (!seq)
			return (0);
		p = sc_spaces(sc, p + 1);
		if ((e = sc_value(sc, p, 0, 0)) == 0)
			return (0);
		return (sc_line_end(sc, e));
	}
	if (seq || !sc_plain_first(sc, p))
		return (0);
	e = sc_plain(sc, p);
	if (e - p > SC_KEYMAX || sc_at(sc, e) != ':')
		return (0);
	sc_scalar(sc, p, e, p, e, YAML_PLAIN_SCALAR_STYLE);
	p = e + 1;
	if (sc_line_end(sc, p) || sc_at(sc, p) == '\n') {
		sc->pending = 1;		/* the value is below */
		return (1);
	}
	if (sc_at(sc, p) != ' ')
		return (0);
	if ((e = sc_value(sc, sc_spaces(sc, p), 0, 0)) == 0)
		return (0);
	return (sc_line_end(sc, e));
}

/* The end of the input: every collection, the document, the stream. */
static int
sc_end(struct config_scan *sc)
{
	yaml_mark_t	 m;

	if (sc->state == SC_START || sc->pending)
		return (0);		/* no document, or a null value */
	m.index = sc->len;
	m.line = sc->line;		/* every line ends in '\n' */
	m.column = 0;
	while (sc->nlv > 0)
		sc_push(sc, sc->lv[--sc->nlv].seq ? YAML_SEQUENCE_END_EVENT :
		    YAML_MAPPING_END_EVENT, m, m);
	sc_push(sc, YAML_DOCUMENT_END_EVENT, m, m)->data.document_end.implicit
	    = 1;
	sc_push(sc, YAML_STREAM_END_EVENT, m, m);
	sc->state = SC_DONE;
	return (1);
}

/* The events of the next line with content (or of the end). */
static int
sc_fill(struct config_scan *sc)
{
	const char	*nl;
	size_t		 p, i;

	for (;;) {
		if (sc->pos >= sc->len)
			return (sc_end(sc));
		sc->lstart = sc->pos;
		nl = memchr(sc->buf + sc->pos, '\n', sc->len - sc->pos);
		sc->lend = nl != NULL ? (size_t)(nl - sc->buf) : sc->len;
		for (i = sc->lstart; i < sc->lend; i++)
			if (!SC_PRINT(sc->buf[i]))
				return (0);
		if (nl == NULL)
			return (0);	/* libyaml's last line: not worth it */
		sc->pos = sc->lend + 1;
		p = sc_spaces(sc, sc->lstart);
		if (p < sc->lend && sc->buf[p] != '#') {
			if (!sc_line(sc, p))
				return (0);
			sc->line++;
			return (1);
		}
		sc->line++;
	}
}

/*
 * The next event, as yaml_parser_parse() would give it (the scalar's
 * value points into the input and is not NUL-terminated; nothing to
 * delete), or 0: not in the subset read here.
 */
int
config_scan_next(struct config_scan *sc, yaml_event_t *ev)
{
	if (!sc->stream_given) {
		if (sc->len == 0)
			return (0);
		memset(ev, 0, sizeof(*ev));
		ev->type = YAML_STREAM_START_EVENT;
		ev->data.stream_start.encoding = YAML_UTF8_ENCODING;
		sc->stream_given = 1;
		return (1);
	}
	if (sc->iq == sc->nq) {
		sc->iq = sc->nq = 0;
		if (sc->state == SC_DONE || !sc_fill(sc)) {
			sc->state = SC_DONE;
			sc->nq = 0;
			return (0);
		}
	}
	*ev = sc->q[sc->iq++];
	return (1);
}
