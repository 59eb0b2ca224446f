// SPDX-License-Identifier: MIT
/*
 * panic(): the last words of the kernel. Interrupts go off, the message is printed as
 * "PANIC: <reason>" on every printk sink (serial and, once it exists, the screen, switched
 * to its highlighted panic colours), followed by the caller's backtrace with symbol names
 * and whatever the info hook adds (firmware, console mode, memory). Then the CPU halts; it
 * never reboots. A panic during a panic (in a hook, or a fault while the report is
 * printed) prints a report of its own without calling the hooks again (one of them may be
 * what failed); a panic during that one only halts.
 */
#include <lios/arch.h>
#include <lios/panic.h>
#include <lios/ksyms.h>
#include <lios/printk.h>

static panic_info_fn info_hook;
static panic_info_fn screen_hook;
static volatile int panic_depth;

/* Hooks from above (kmain hands them down: core never calls up). Boot context. */
void panic_set_info_hook(panic_info_fn fn) { info_hook = fn; }
void panic_set_screen_hook(panic_info_fn fn) { screen_hook = fn; }

/* panic_begin - the start of every panic report (panic(), the exception handlers):
 * interrupts off, the nesting counted (the third level halts here), the screen switched
 * on the first, held messages out. Any context. */
void panic_begin(void)
{
	arch_irq_save();
	if (panic_depth++ > 1)
		arch_halt();
	if (panic_depth == 1 && screen_hook)
		screen_hook(); /* interrupts off: the console switches to its panic colours */
	/* held messages (the shell's line editor) first, and a message whose append the panic
	 * interrupted finished and shown, then ours */
	printk_panic();
}

/* panic_end - the info hook's lines (first level only), the last line, the halt. */
__noreturn void panic_end(void)
{
	if (panic_depth == 1 && info_hook)
		info_hook();
	printk("System halted. Please photograph this screen for a bug report.\n");
	arch_halt();
}

/* panic - see <lios/panic.h>: "PANIC: <reason>" (cut to 255 bytes), the registers and
 * the caller's backtrace, then halt. Any context. */
void panic(const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	panic_begin();
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("\n" PANIC_COLOR "PANIC: %s" PANIC_RESET "\n", msg);
	arch_print_registers();
	printk("Backtrace:\n");
	arch_backtrace((uintptr_t)__builtin_frame_address(0), 16);
	panic_end();
}
