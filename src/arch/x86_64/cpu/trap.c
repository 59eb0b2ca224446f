// SPDX-License-Identifier: MIT
/*
 * trap_dispatch: every interrupt and exception arrives here from isr_common. Vectors 32 and
 * up go to the interrupt layer (irq.c). An exception is fatal: it prints
 * "PANIC: <name> (vector N)", the error code, for page faults CR2 and the decoded cause, all
 * general registers and a symbolized backtrace of the interrupted code, then halts. An NMI is
 * reported and the machine goes on (nmi.c), unless `nmi=panic` asks for the panic. The other
 * exception is the self-test hook: while a fault is expected, the handler records it and
 * resumes the test (arch_fault_recovery_arm); an NMI or a machine check is the machine's
 * event, not the test's fault, and is never taken for one. One fault is expected anywhere:
 * a #GP of rdmsr_safe's RDMSR or wrmsr_safe's WRMSR (an MSR the CPU lacks, or a value it
 * refuses) resumes at that function's fixup, which returns -EIO to the caller, and so does a
 * #PF or #GP of read64_safe's load (-EFAULT: the backtrace's reads of frames). Vector
 * VEC_CALL runs arch_call_in_interrupt's function. trap_depth counts the handlers running
 * (arch_in_interrupt), the recovery's jump back to the test included.
 */
#include <arch/cpu.h>
#include <arch/trap.h>
#include <lios/arch.h>
#include <lios/panic.h>
#include <lios/printk.h>
#include <lios/selftest.h>
#include "mce_internal.h"
#include "nmi.h"

static const char *const exception_names[32] = {
	"Divide error", "Debug", "Non-maskable interrupt", "Breakpoint", "Overflow",
	"BOUND range exceeded", "Invalid opcode", "Device not available", "Double fault",
	"Coprocessor segment overrun", "Invalid TSS", "Segment not present",
	"Stack-segment fault", "General protection fault", "Page fault", "Reserved (15)",
	"x87 floating-point error", "Alignment check", "Machine check", "SIMD floating-point error",
	"Virtualization exception", "Control protection exception", "Reserved (22)",
	"Reserved (23)", "Reserved (24)", "Reserved (25)", "Reserved (26)", "Reserved (27)",
	"Hypervisor injection exception", "VMM communication exception", "Security exception",
	"Reserved (31)",
};

/* fault_recovery.S: rdmsr_safe's RDMSR and wrmsr_safe's WRMSR, and where each goes on
 * when it raised #GP */
extern const char rdmsr_safe_insn[], rdmsr_safe_fixup[];
extern const char wrmsr_safe_insn[], wrmsr_safe_fixup[];
/* fault_recovery.S: read64_safe's load, and where it goes on when it raised #PF or #GP */
extern const char read64_safe_insn[], read64_safe_fixup[];

uint32_t trap_depth; /* handlers running (arch/irqflags.h) */
static struct arch_jmpbuf *recovery_jb;
static struct fault_info *recovery_info;
static uint32_t recovery_depth; /* trap_depth where the test armed: restored by the jump */

void arch_fault_recovery_arm(struct arch_jmpbuf *jb, struct fault_info *info)
{
	recovery_info = info;
	recovery_depth = trap_depth;
	recovery_jb = jb;
}

void arch_fault_recovery_disarm(void) { recovery_jb = NULL; }

void trap_print_frame(const struct trap_frame *tf)
{
	printk("RIP %016lx %pS\n", tf->rip, (void *)tf->rip);
	printk("RSP %016lx RFLAGS %016lx CS %04lx SS %04lx\n", tf->rsp, tf->rflags, tf->cs, tf->ss);
	printk("RAX %016lx RBX %016lx RCX %016lx\n", tf->rax, tf->rbx, tf->rcx);
	printk("RDX %016lx RSI %016lx RDI %016lx\n", tf->rdx, tf->rsi, tf->rdi);
	printk("RBP %016lx R8  %016lx R9  %016lx\n", tf->rbp, tf->r8, tf->r9);
	printk("R10 %016lx R11 %016lx R12 %016lx\n", tf->r10, tf->r11, tf->r12);
	printk("R13 %016lx R14 %016lx R15 %016lx\n", tf->r13, tf->r14, tf->r15);
	printk("CR0 %016lx CR3 %016lx CR4 %016lx\n", read_cr0(), read_cr3(), read_cr4());
}

/* The page fault's cause after the access kind: a reserved bit (RSVD, with P also set)
 * means a malformed paging entry (a corrupted table, an address above MAXPHYADDR), not a
 * permission the access lacked. */
static const char *page_fault_cause(uint64_t error_code)
{
	if (error_code & PF_RSVD)
		return ", reserved bit set in a paging entry";
	return error_code & PF_PRESENT ? " protection violation" : " page not present";
}

static __noreturn void exception_panic(struct trap_frame *tf)
{
	panic_begin();
	printk("\n" PANIC_COLOR "PANIC: %s (vector %lu)" PANIC_RESET "\n",
	       exception_names[tf->vector], tf->vector);
	printk("error code %#lx", tf->error_code);
	if (tf->vector == VEC_PF) {
		printk(", CR2 %016lx (%s%s, %s)", read_cr2(),
		       tf->error_code & PF_INSTR ? "instruction fetch" :
		       tf->error_code & PF_WRITE ? "write" : "read",
		       page_fault_cause(tf->error_code), tf->error_code & PF_USER ? "user" : "kernel");
	}
	printk("\n");
	if (tf->vector == VEC_MC)
		mce_print_banks();
	trap_print_frame(tf);
	printk("Backtrace:\n  %pS\n", (void *)tf->rip);
	arch_backtrace(tf->rbp, 16);
	panic_end();
}

/* arch_call_in_interrupt's function while its software interrupt is raised, else NULL. */
static void (*call_fn)(void *ctx);
static void *call_ctx;

/* See <lios/arch.h>: `int VEC_CALL` enters through the IDT's interrupt gate (interrupts
 * off) and trap_dispatch, like any device's interrupt, without an EOI to send. Interrupts
 * stay masked around it (INT is not masked by IF), so no device's vector 0xe0 (an LVT the
 * firmware left programmed) can find call_fn set. */
void arch_call_in_interrupt(void (*fn)(void *ctx), void *ctx)
{
	uint64_t irq = arch_irq_save();

	call_ctx = ctx;
	call_fn = fn;
	__asm__ volatile("int %0" : : "i"(VEC_CALL) : "memory");
	call_fn = NULL;
	arch_irq_restore(irq);
}

/* See <lios/arch.h>. */
void arch_interrupt_context_reset(void) { trap_depth = 0; }

static void trap_handle(struct trap_frame *tf)
{
	if (tf->vector == VEC_CALL && call_fn) {
		call_fn(call_ctx);
		return;
	}
	if (tf->vector >= VEC_IRQ_BASE) {
		irq_dispatch(tf);
		return;
	}
	/* an NMI is no fault of the code it interrupts (nmi.c); first, so that a self-test
	 * expecting a fault does not take it for one */
	if (tf->vector == VEC_NMI && nmi_handle(tf->rip))
		return;
	/* an MSR access that may fault: before the hook, so a test's window does not take it */
	if (tf->vector == VEC_GP && tf->rip == (uintptr_t)rdmsr_safe_insn) {
		tf->rip = (uintptr_t)rdmsr_safe_fixup;
		return;
	}
	if (tf->vector == VEC_GP && tf->rip == (uintptr_t)wrmsr_safe_insn) {
		tf->rip = (uintptr_t)wrmsr_safe_fixup;
		return;
	}
	/* a backtrace's read of a frame pointer it cannot trust: a panic report's too */
	if ((tf->vector == VEC_PF || tf->vector == VEC_GP) &&
	    tf->rip == (uintptr_t)read64_safe_insn) {
		tf->rip = (uintptr_t)read64_safe_fixup;
		return;
	}
	/* neither is a machine check, nor an NMI that nmi=panic makes fatal: they panic with
	 * their report even while a test expects a fault */
	if (recovery_jb && tf->vector != VEC_NMI && tf->vector != VEC_MC) {
		struct arch_jmpbuf *jb = recovery_jb;

		recovery_jb = NULL;
		recovery_info->vector = (int)tf->vector;
		recovery_info->error_code = tf->error_code;
		recovery_info->rip = tf->rip;
		recovery_info->cr2 = tf->vector == VEC_PF ? read_cr2() : 0;
		trap_depth = recovery_depth; /* the test resumes in its own context */
		arch_longjmp(jb, 1);
	}
	exception_panic(tf);
}

/* Every vector's way in from isr_common. trap_depth counts the handlers running (a panic
 * never returns: what runs after it is in a handler's context). */
void trap_dispatch(struct trap_frame *tf)
{
	trap_depth++;
	trap_handle(tf);
	trap_depth--;
}
