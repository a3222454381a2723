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
 * The one bridge between OpenBSD-style code and Linux/glibc + libbsd.
 * Logic files include this and never test __linux__ themselves.
 */

#ifndef VIGIL_COMPAT_H
#define VIGIL_COMPAT_H

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
#endif

#ifndef nitems
#define nitems(_a)	(sizeof((_a)) / sizeof((_a)[0]))
#endif

#ifndef __unused
#define __unused	__attribute__((__unused__))
#endif

/*
 * Code a new child runs between its fork and its exec.  A child with its
 * own copy of the parent's memory has no page tables for the program's
 * text yet, and takes a page fault for each 64 KiB of it that it runs:
 * the compiler puts "hot" functions together (.text.hot), so the child's
 * code is one or two of them instead of one per function.
 */
#define CHILD_TEXT	__attribute__((__hot__))

#if !defined(__OpenBSD__)
#define pledge(p, e)	0
#define unveil(p, f)	0
#endif

#endif /* VIGIL_COMPAT_H */
