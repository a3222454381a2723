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
 * The JSON emitter shared by vigilctl -j and the HTTP API (ctl_json.h).
 * fatalx() on misuse (nesting too deep, closing what is not open): a
 * programming error, never the data's fault.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_format.h"
#include "ctl_json.h"
#include "log.h"

void
ctl_json_init(struct ctl_json *j, FILE *fp)
{
	memset(j, 0, sizeof(*j));
	j->fp = fp;
}

static void
ctl_json_indent(struct ctl_json *j)
{
	int	 i;

	if (j->compact)
		return;
	fputc('\n', j->fp);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->fp);
}

/* Length of the valid UTF-8 sequence at s, 0 if it is not one. */
static size_t
ctl_json_utf8_len(const unsigned char *s)
{
	size_t		 n, i;
	unsigned int	 cp;

	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return (0);
	return (n);
}

void
ctl_json_escape(FILE *fp, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n;

	fputc('"', fp);
	while (*s != '\0') {
		/* A run that needs no escape goes out in one write. */
		for (n = 0; s[n] >= 0x20 && s[n] < 0x7f && s[n] != '"' &&
		    s[n] != '\\'; n++)
			;
		if (n > 0) {
			fwrite(s, 1, n, fp);
			s += n;
			continue;
		}
		switch (*s) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		case '\b':
			fputs("\\b", fp);
			break;
		case '\f':
			fputs("\\f", fp);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(fp, "\\u%04x", *s);
				break;
			}
			if ((n = ctl_json_utf8_len(s)) == 0) {
				fputs("\\ufffd", fp);
				break;
			}
			fwrite(s, 1, n, fp);
			s += n;
			continue;
		}
		s++;
	}
	fputc('"', fp);
}

/* Separator, indentation and key of the next member. */
static void
ctl_json_member(struct ctl_json *j, const char *key)
{
	if (j->depth == 0)
		return;
	if (!j->first[j->depth - 1])
		fputc(',', j->fp);
	j->first[j->depth - 1] = 0;
	ctl_json_indent(j);
	if (j->type[j->depth - 1] == '{') {
		ctl_json_escape(j->fp, key != NULL ? key : "");
		fputs(j->compact ? ":" : ": ", j->fp);
	}
}

void
ctl_json_open(struct ctl_json *j, const char *key, int type)
{
	if (j->depth >= CTL_JSON_MAXDEPTH)
		fatalx("%s: too deep", __func__);
	ctl_json_member(j, key);
	fputc(type, j->fp);
	j->type[j->depth] = (char)type;
	j->first[j->depth] = 1;
	j->depth++;
}

void
ctl_json_close(struct ctl_json *j)
{
	if (j->depth == 0)
		fatalx("%s: nothing open", __func__);
	j->depth--;
	if (!j->first[j->depth])
		ctl_json_indent(j);
	fputc(j->type[j->depth] == '{' ? '}' : ']', j->fp);
}

void
ctl_json_str(struct ctl_json *j, const char *key, const char *val)
{
	ctl_json_member(j, key);
	ctl_json_escape(j->fp, val);
}

void
ctl_json_int(struct ctl_json *j, const char *key, long long val)
{
	ctl_json_member(j, key);
	fprintf(j->fp, "%lld", val);
}

void
ctl_json_bool(struct ctl_json *j, const char *key, int val)
{
	ctl_json_member(j, key);
	fputs(val ? "true" : "false", j->fp);
}

void
ctl_json_num(struct ctl_json *j, const char *key, double val)
{
	ctl_json_member(j, key);
	fprintf(j->fp, "%.1f", val);
}

void
ctl_json_null(struct ctl_json *j, const char *key)
{
	ctl_json_member(j, key);
	fputs("null", j->fp);
}

void
ctl_json_finish(struct ctl_json *j)
{
	while (j->depth > 0)
		ctl_json_close(j);
	if (!j->compact)
		fputc('\n', j->fp);
}

void
ctl_json_status(struct ctl_json *j, const char *key,
    const struct ctl_status *st)
{
	char		 desc[256], *end;
	const char	*p;
	long		 port;

	ctl_fmt_description(st, desc, sizeof(desc));
	ctl_json_open(j, key, '{');
	ctl_json_str(j, "name", st->id);
	ctl_json_str(j, "group", st->group);
	ctl_json_int(j, "instance", st->instance);
	ctl_json_str(j, "state", st->state);
	ctl_json_str(j, "description", desc);
	if (st->health[0] != '\0')
		ctl_json_str(j, "health", st->health);
	else
		ctl_json_null(j, "health");
	if (st->pid != 0) {
		ctl_json_int(j, "pid", st->pid);
		ctl_json_int(j, "uptime", (long long)(st->uptime_ms / 1000));
		ctl_json_int(j, "started_at", (long long)st->start_wall);
	} else {
		ctl_json_null(j, "pid");
		ctl_json_null(j, "uptime");
		ctl_json_null(j, "started_at");
	}
	if (st->stop_wall != 0)
		ctl_json_int(j, "stopped_at", (long long)st->stop_wall);
	else
		ctl_json_null(j, "stopped_at");
	ctl_json_int(j, "restarts", st->restarts);
	if (st->sampled_ok) {
		ctl_json_num(j, "cpu_percent", st->cpu_permille / 10.0);
		ctl_json_int(j, "memory", (long long)st->rss);
		ctl_json_int(j, "processes", st->nprocs);
	} else {
		ctl_json_null(j, "cpu_percent");
		ctl_json_null(j, "memory");
		ctl_json_null(j, "processes");
	}
	/* "8000" or "80,443": a list of numbers, [] when there is none */
	ctl_json_open(j, "ports", '[');
	for (p = st->ports; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		port = strtol(p, &end, 10);
		if (end == p)
			break;
		ctl_json_int(j, NULL, port);
	}
	ctl_json_close(j);
	ctl_json_str(j, "reason", st->reason);
	ctl_json_str(j, "status_text", st->status_text);
	ctl_json_str(j, "health_reason", st->health_reason);
	ctl_json_close(j);
}
