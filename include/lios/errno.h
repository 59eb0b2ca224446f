/* SPDX-License-Identifier: MIT */
/* Error codes: actions return 0 or one of these, negated. */
#ifndef LIOS_ERRNO_H
#define LIOS_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENOSYS 38
#define ENOTSUP 95
#define ETIMEDOUT 110
#define EINPROGRESS 115
#define EAGAIN 11

#endif
