/* SPDX-License-Identifier: MIT */
/* Between kmain (main.c) and the list of the command line's options (cmdline_options.c). */
#ifndef KERNEL_INIT_CMDLINE_OPTIONS_H
#define KERNEL_INIT_CMDLINE_OPTIONS_H

#include <lios/cmdline.h>

/* Every option some part of LiOS reads, for cmdline_check; *count gets their number. */
const struct cmdline_option *kernel_cmdline_options(size_t *count);

#endif
