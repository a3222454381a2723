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
 * The compact status record (common/ctl_status.h): encoder and strict
 * decoder, driven by one table of the fields.  Pure: no I/O, so the
 * fuzzer (regress/fuzz/fuzz_ctl_status.c) drives it directly.
 */

#include <sys/types.h>

#include <stddef.h>
#include <string.h>

#include "ctl_status.h"

enum cst_kind {
	CST_STR,
	CST_U32,
	CST_I32,
	CST_U64,
	CST_I64
};

struct cst_field {
	enum cst_kind	 kind;
	size_t		 off;
	size_t		 size;		/* of the array, for CST_STR */
};

#define CST_S(f)	{ CST_STR, offsetof(struct ctl_status, f), \
			    sizeof(((struct ctl_status *)0)->f) }
#define CST_N(k, f)	{ k, offsetof(struct ctl_status, f), 0 }

/* Bit i of the mask is cst_fields[i]: part of the protocol. */
static const struct cst_field cst_fields[CTL_STATUS_NFIELDS] = {
	CST_S(id),
	CST_S(group),
	CST_S(state),
	CST_S(health),
	CST_S(ports),
	CST_S(reason),
	CST_S(status_text),
	CST_S(health_reason),
	CST_N(CST_U32, instance),
	CST_N(CST_U32, ninstances),
	CST_N(CST_I32, pid),
	CST_N(CST_U32, restarts),
	CST_N(CST_U64, uptime_ms),
	CST_N(CST_I64, start_wall),
	CST_N(CST_I64, stop_wall),
	CST_N(CST_U32, ever_started),
	CST_N(CST_U32, want_up),
	CST_N(CST_U32, cpu_permille),
	CST_N(CST_U32, nprocs),
	CST_N(CST_U64, rss),
	CST_N(CST_U32, nfds),
	CST_N(CST_U32, sampled_ok),
	CST_N(CST_I64, sampled)
};

#define CST_ID		0
#define CST_GROUP	1
#define CST_STATE	2
#define CST_MASK_ALL	((1U << CTL_STATUS_NFIELDS) - 1)
#define CST_VARINTMAX	10

_Static_assert(CTL_STATUS_RECMAX <= 0xffff, "len is a u16");
_Static_assert(2 + CTL_STATUS_RECMAX <= CTL_STATUS_BATCHMAX,
    "a record fits in a frame");

/* The group an id implies: "web:3" -> "web", "web" -> "web". */
static size_t
cst_implied_group(const char *id)
{
	const char	*c;

	if ((c = strchr(id, ':')) != NULL)
		return ((size_t)(c - id));
	return (strlen(id));
}

static uint64_t
cst_get(const struct ctl_status *st, const struct cst_field *f)
{
	const char	*p = (const char *)st + f->off;
	uint32_t	 u32;
	int32_t		 i32;
	uint64_t	 u64;
	int64_t		 i64;

	switch (f->kind) {
	case CST_U32:
		memcpy(&u32, p, sizeof(u32));
		return (u32);
	case CST_I32:
		memcpy(&i32, p, sizeof(i32));
		return ((uint32_t)(((uint32_t)i32 << 1) ^ (uint32_t)(i32 >> 31)));
	case CST_U64:
		memcpy(&u64, p, sizeof(u64));
		return (u64);
	case CST_I64:
		memcpy(&i64, p, sizeof(i64));
		return (((uint64_t)i64 << 1) ^ (uint64_t)(i64 >> 63));
	default:
		return (0);
	}
}

/* 0, or -1 when v is out of the field's range. */
static int
cst_set(struct ctl_status *st, const struct cst_field *f, uint64_t v)
{
	char		*p = (char *)st + f->off;
	uint32_t	 u32;
	int32_t		 i32;
	int64_t		 i64;

	switch (f->kind) {
	case CST_U32:
		if (v > UINT32_MAX)
			return (-1);
		u32 = (uint32_t)v;
		memcpy(p, &u32, sizeof(u32));
		return (0);
	case CST_I32:
		if (v > UINT32_MAX)
			return (-1);
		u32 = (uint32_t)v;
		i32 = (int32_t)((u32 >> 1) ^ (0U - (u32 & 1)));
		memcpy(p, &i32, sizeof(i32));
		return (0);
	case CST_U64:
		memcpy(p, &v, sizeof(v));
		return (0);
	case CST_I64:
		i64 = (int64_t)((v >> 1) ^ (0ULL - (v & 1)));
		memcpy(p, &i64, sizeof(i64));
		return (0);
	default:
		return (-1);
	}
}

size_t
ctl_status_pack(const struct ctl_status *st, void *buf, size_t len)
{
	uint8_t			*out = buf;
	const struct cst_field	*f;
	const char		*s;
	uint32_t		 mask = 0;
	uint64_t		 v;
	size_t			 pos, n, i, glen;

	if (len < 2 + CTL_STATUS_RECMIN)
		return (0);
	if (memchr(st->id, '\0', sizeof(st->id)) == NULL ||
	    memchr(st->group, '\0', sizeof(st->group)) == NULL ||
	    st->id[0] == '\0' || st->state[0] == '\0')
		return (0);
	glen = cst_implied_group(st->id);
	pos = 2 + 4;
	for (i = 0; i < CTL_STATUS_NFIELDS; i++) {
		f = &cst_fields[i];
		if (f->kind == CST_STR) {
			s = (const char *)st + f->off;
			if ((n = strnlen(s, f->size)) == f->size)
				return (0);	/* not terminated */
			if (n == 0)
				continue;
			if (i == CST_GROUP && n == glen &&
			    memcmp(s, st->id, n) == 0)
				continue;	/* implied */
			if (pos + 1 + n > len)
				return (0);
			out[pos++] = (uint8_t)n;
			memcpy(out + pos, s, n);
			pos += n;
		} else {
			if ((v = cst_get(st, f)) == 0)
				continue;
			do {
				if (pos >= len)
					return (0);
				out[pos++] = (uint8_t)((v & 0x7f) |
				    (v > 0x7f ? 0x80 : 0));
				v >>= 7;
			} while (v != 0);
		}
		mask |= 1U << i;
	}
	/* The implied group of an id with a different, empty group. */
	if (st->group[0] == '\0')
		return (0);
	n = pos - 2;
	out[0] = (uint8_t)(n & 0xff);
	out[1] = (uint8_t)(n >> 8);
	out[2] = (uint8_t)(mask & 0xff);
	out[3] = (uint8_t)((mask >> 8) & 0xff);
	out[4] = (uint8_t)((mask >> 16) & 0xff);
	out[5] = (uint8_t)(mask >> 24);
	return (pos);
}

/* A varint at p (left bytes): its value and size, or -1. */
static int
cst_varint(const uint8_t *p, size_t left, uint64_t *v, size_t *used)
{
	uint64_t	 r = 0;
	size_t		 i;

	for (i = 0; i < CST_VARINTMAX && i < left; i++) {
		if (i == CST_VARINTMAX - 1 && p[i] > 1)
			return (-1);		/* beyond 64 bits */
		r |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if ((p[i] & 0x80) == 0) {
			if (p[i] == 0)
				return (-1);	/* 0, or not shortest */
			*v = r;
			*used = i + 1;
			return (0);
		}
	}
	return (-1);
}

int
ctl_status_unpack(const void *buf, size_t len, size_t *used,
    struct ctl_status *st)
{
	const uint8_t		*in = buf;
	const struct cst_field	*f;
	uint32_t		 mask;
	uint64_t		 v;
	size_t			 rlen, pos, end, n, i;
	char			*s;

	memset(st, 0, sizeof(*st));
	if (len < 2)
		return (-1);
	rlen = (size_t)in[0] | (size_t)in[1] << 8;
	if (rlen < CTL_STATUS_RECMIN || rlen > CTL_STATUS_RECMAX ||
	    rlen > len - 2)
		return (-1);
	end = 2 + rlen;
	mask = (uint32_t)in[2] | (uint32_t)in[3] << 8 |
	    (uint32_t)in[4] << 16 | (uint32_t)in[5] << 24;
	if ((mask & ~CST_MASK_ALL) != 0 || (mask & (1U << CST_ID)) == 0 ||
	    (mask & (1U << CST_STATE)) == 0)
		return (-1);
	pos = 6;
	for (i = 0; i < CTL_STATUS_NFIELDS; i++) {
		if ((mask & (1U << i)) == 0)
			continue;
		f = &cst_fields[i];
		if (f->kind == CST_STR) {
			if (pos >= end)
				return (-1);
			n = in[pos++];
			if (n == 0 || n >= f->size || n > end - pos ||
			    memchr(in + pos, '\0', n) != NULL)
				return (-1);
			s = (char *)st + f->off;
			memcpy(s, in + pos, n);
			s[n] = '\0';
			pos += n;
		} else {
			if (cst_varint(in + pos, end - pos, &v, &n) == -1 ||
			    cst_set(st, f, v) == -1)
				return (-1);
			pos += n;
		}
	}
	if (pos != end)
		return (-1);
	n = cst_implied_group(st->id);
	if (mask & (1U << CST_GROUP)) {
		/* Sent only when it differs from the implied one. */
		if (strlen(st->group) == n && memcmp(st->group, st->id, n) == 0)
			return (-1);
	} else {
		if (n == 0 || n >= sizeof(st->group))
			return (-1);
		memcpy(st->group, st->id, n);
		st->group[n] = '\0';
	}
	*used = end;
	return (0);
}

int
ctl_status_iter_init(struct ctl_status_iter *it, const void *buf,
    size_t len)
{
	it->p = buf;
	it->left = len;
	if (buf == NULL || len == 0 || len > CTL_STATUS_BATCHMAX) {
		it->left = 0;
		return (-1);
	}
	return (0);
}

int
ctl_status_next(struct ctl_status_iter *it, struct ctl_status *st)
{
	size_t	 used;

	if (it->left == 0)
		return (0);
	if (ctl_status_unpack(it->p, it->left, &used, st) == -1) {
		it->left = 0;
		return (-1);
	}
	it->p += used;
	it->left -= used;
	return (1);
}
