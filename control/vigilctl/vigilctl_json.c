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
 * vigilctl -j: the JSON emitter of common/ctl_json.c on stdout, and the
 * service record the HTTP API shows too.
 */

#include <stdio.h>

#include "ctl_json.h"
#include "vigilctl.h"

static struct ctl_json	 vctl_json;

static struct ctl_json *
vctl_json_out(void)
{
	if (vctl_json.fp == NULL)
		ctl_json_init(&vctl_json, stdout);
	return (&vctl_json);
}

void
json_escape(FILE *fp, const char *str)
{
	ctl_json_escape(fp, str);
}

void
json_open(const char *key, int type)
{
	ctl_json_open(vctl_json_out(), key, type);
}

void
json_close(void)
{
	ctl_json_close(vctl_json_out());
}

void
json_str(const char *key, const char *val)
{
	ctl_json_str(vctl_json_out(), key, val);
}

void
json_int(const char *key, long long val)
{
	ctl_json_int(vctl_json_out(), key, val);
}

void
json_bool(const char *key, int val)
{
	ctl_json_bool(vctl_json_out(), key, val);
}

void
json_num(const char *key, double val)
{
	ctl_json_num(vctl_json_out(), key, val);
}

void
json_null(const char *key)
{
	ctl_json_null(vctl_json_out(), key);
}

void
json_finish(void)
{
	ctl_json_finish(vctl_json_out());
}

void
vctl_json_status(const char *key, const struct ctl_status *st)
{
	ctl_json_status(vctl_json_out(), key, st);
}
