// SPDX-License-Identifier: MIT
/*
 * The real exception dispatch and report (src/arch/x86_64/cpu/trap.c) on the host, with a
 * trap frame built by hand: the panic's first lines (name, vector, error code, the page
 * fault's decoded cause), and which events the self-test hook may take as the fault a
 * test expects, the #GP of rdmsr_safe and wrmsr_safe and the #PF or #GP of read64_safe
 * resumed at their fixups.
 * panic_end and the hook's arch_longjmp come back into the test through C longjmp; CR2,
 * the NMI handler, the machine-check report and the safe accesses' addresses
 * (fault_recovery.S) are simulated.
 */
#include <arch/trap.h>
#include <lios/arch.h>
#include <lios/panic.h>
#include <lios/printk.h>
#include <lios/selftest.h>
#include <setjmp.h>
#include <string.h>
#include "../../../unit.h"
#include "../../../../support/log_capture.h"
#include "mce_internal.h"
#include "nmi.h"

#define FAULT_ADDR 0xffffc90000123000ull

/* stand-ins for fault_recovery.S's labels: only their addresses matter */
const char rdmsr_safe_insn[1], rdmsr_safe_fixup[1];
const char wrmsr_safe_insn[1], wrmsr_safe_fixup[1];
const char read64_safe_insn[1], read64_safe_fixup[1];

static jmp_buf panicked;  /* panic_end comes back here */
static jmp_buf recovered; /* the self-test hook's arch_longjmp comes back here */
static uint64_t cr2;
static bool nmi_goes_on; /* what nmi_handle answers: false under nmi=panic */
static unsigned panics, mce_reports, irqs;

uint64_t read_cr0(void) { return 0x80050033; }
uint64_t read_cr2(void) { return cr2; }
uint64_t read_cr3(void) { return 0x1000; }
uint64_t read_cr4(void) { return 0x6a0; }
void irq_dispatch(struct trap_frame *tf) { irqs++; }
bool nmi_handle(uint64_t rip) { return nmi_goes_on; }

void mce_print_banks(void)
{
	mce_reports++;
	printk("mce: bank 4: uncorrected error\n");
}

void panic_begin(void) { panics++; }
void panic_end(void) { longjmp(panicked, 1); }
void arch_longjmp(struct arch_jmpbuf *jb, int v) { longjmp(recovered, v); }

enum outcome { RETURNED, PANICKED, RECOVERED };

/* Hands tf to trap_dispatch and says how it ended. */
static enum outcome deliver(struct trap_frame *tf)
{
	if (setjmp(panicked))
		return PANICKED;
	if (setjmp(recovered))
		return RECOVERED;
	trap_dispatch(tf);
	return RETURNED;
}

static struct trap_frame frame(uint64_t vector, uint64_t error_code)
{
	struct trap_frame tf;

	memset(&tf, 0, sizeof(tf));
	tf.vector = vector;
	tf.error_code = error_code;
	tf.rip = 0xffffffff80101234ull;
	tf.cs = 0x08;
	return tf;
}

static void reset(void)
{
	arch_fault_recovery_disarm();
	cr2 = FAULT_ADDR;
	nmi_goes_on = true;
	panics = mce_reports = irqs = 0;
	log_capture_clear();
}

/* The page fault's cause as the error code gives it: not present, a write to a read-only
 * page, an instruction fetch from an NX page; each names CR2. */
static void test_page_fault_causes(void)
{
	struct trap_frame tf;

	reset();
	tf = frame(VEC_PF, 0);
	CHECK_EQ(deliver(&tf), PANICKED);
	CHECK(log_captured("PANIC: Page fault (vector 14)"));
	CHECK(log_captured("CR2 ffffc90000123000 (read page not present, kernel)"));
	reset();
	tf = frame(VEC_PF, PF_PRESENT | PF_WRITE);
	CHECK_EQ(deliver(&tf), PANICKED);
	CHECK(log_captured("(write protection violation, kernel)"));
	reset();
	tf = frame(VEC_PF, PF_PRESENT | PF_INSTR);
	CHECK_EQ(deliver(&tf), PANICKED);
	CHECK(log_captured("(instruction fetch protection violation, kernel)"));
}

/* A reserved bit set in a paging entry (a corrupted page table, a physical address above
 * MAXPHYADDR, NX without EFER.NXE): the CPU sets P and RSVD. The report says the entry is
 * malformed, not that a protection check refused the access, which would send the reader
 * looking at page permissions instead of at a corrupted table. */
static void test_page_fault_reserved_bit(void)
{
	struct trap_frame tf;

	reset();
	tf = frame(VEC_PF, PF_PRESENT | PF_RSVD);
	CHECK_EQ(deliver(&tf), PANICKED);
	CHECK(log_captured("CR2 ffffc90000123000"));
	CHECK(log_captured("reserved bit set in a paging entry"));
	CHECK(!log_captured("protection violation"));
	reset();
	tf = frame(VEC_PF, PF_PRESENT | PF_RSVD | PF_WRITE);
	CHECK_EQ(deliver(&tf), PANICKED);
	CHECK(log_captured("(write, reserved bit set in a paging entry, kernel)"));
}

/* Armed for a test's expected fault: a page fault or a double fault is recorded (vector,
 * error code, RIP, CR2 for #PF) and the test resumes, once: the hook disarms itself. An
 * interrupt (vector >= 32) and an NMI the machine goes on from are no fault of the test and
 * leave the hook armed. */
static void test_expected_fault_recovered(void)
{
	static struct arch_jmpbuf jb;
	struct fault_info fi = { .vector = -1 };
	struct trap_frame tf;

	reset();
	arch_fault_recovery_arm(&jb, &fi);
	tf = frame(VEC_IRQ_BASE + 1, 0);
	CHECK_EQ(deliver(&tf), RETURNED);
	CHECK_EQ(irqs, 1u);
	tf = frame(VEC_NMI, 0);
	CHECK_EQ(deliver(&tf), RETURNED);
	CHECK_EQ(fi.vector, -1);
	tf = frame(VEC_PF, PF_WRITE);
	CHECK_EQ(deliver(&tf), RECOVERED);
	CHECK_EQ(fi.vector, VEC_PF);
	CHECK_EQ(fi.error_code, PF_WRITE);
	CHECK_EQ(fi.rip, 0xffffffff80101234ull);
	CHECK_EQ(fi.cr2, FAULT_ADDR);
	CHECK_EQ(panics, 0u);
	/* disarmed: the next fault is a panic */
	CHECK_EQ(deliver(&tf), PANICKED);
	reset();
	fi.vector = -1;
	arch_fault_recovery_arm(&jb, &fi);
	tf = frame(VEC_DF, 0);
	CHECK_EQ(deliver(&tf), RECOVERED);
	CHECK_EQ(fi.vector, VEC_DF);
	CHECK_EQ(fi.cr2, 0u);
}

/* A machine check is the hardware's report, not the fault a test provoked, even when it
 * arrives while a test expects one (the shell's `selftest` on a real machine): it panics
 * with the banks listed. Taken by the hook, the test would have failed on a "wrong
 * vector", the banks' report would be lost, and MCG_STATUS.MCIP, left set without the
 * panic that halts, would turn the next machine check into a silent shutdown. The hook
 * stays armed for the test's own fault. */
static void test_machine_check_not_taken_for_expected_fault(void)
{
	static struct arch_jmpbuf jb;
	struct fault_info fi = { .vector = -1 };
	struct trap_frame tf;

	reset();
	arch_fault_recovery_arm(&jb, &fi);
	tf = frame(VEC_MC, 0);
	CHECK_EQ(deliver(&tf), PANICKED);
	CHECK_EQ(mce_reports, 1u);
	CHECK(log_captured("PANIC: Machine check (vector 18)"));
	CHECK(log_captured("mce: bank 4: uncorrected error"));
	CHECK_EQ(fi.vector, -1);
}

/* nmi=panic: the NMI's panic is what the user asked for (a BMC's diagnostic button, a
 * watchdog), so a test expecting a fault does not swallow it either. */
static void test_nmi_panic_not_taken_for_expected_fault(void)
{
	static struct arch_jmpbuf jb;
	struct fault_info fi = { .vector = -1 };
	struct trap_frame tf;

	reset();
	nmi_goes_on = false;
	arch_fault_recovery_arm(&jb, &fi);
	tf = frame(VEC_NMI, 0);
	CHECK_EQ(deliver(&tf), PANICKED);
	CHECK(log_captured("PANIC: Non-maskable interrupt (vector 2)"));
	CHECK_EQ(fi.vector, -1);
}

/*
 * A fault of the given vector at a guarded access (insn: an MSR access with ECX = msr, or
 * read64_safe's load) goes on at fixup. Expected: the handler returns with RIP at the fixup
 * (which makes the stub return its error), nothing else in the frame changed, no panic, and
 * a test's armed hook is neither taken nor disarmed (the access happens in code a test
 * calls). The same vector anywhere else, a vector the access is not guarded for
 * (other_vector) at that instruction, and the vector at the fixup itself still panic.
 * Before: every such fault panicked, so a probe of an MSR the CPU lacks ended the boot, and
 * a backtrace through a corrupt frame pointer cut its panic report short.
 */
static void check_fixup(const char *insn, const char *fixup, uint64_t vector, uint32_t msr,
			uint64_t other_vector)
{
	static struct arch_jmpbuf jb;
	struct fault_info fi = { .vector = -1 };
	struct trap_frame tf, was;

	reset();
	arch_fault_recovery_arm(&jb, &fi);
	tf = frame(vector, 0);
	tf.rip = (uintptr_t)insn;
	tf.rcx = msr;
	was = tf;
	CHECK_EQ(deliver(&tf), RETURNED);
	CHECK_EQ(tf.rip, (uintptr_t)fixup);
	was.rip = tf.rip;
	CHECK(memcmp(&tf, &was, sizeof(tf)) == 0);
	CHECK_EQ(panics, 0u);
	CHECK_EQ(fi.vector, -1);
	/* still armed: the test's own fault is recovered */
	tf = frame(vector, 0);
	CHECK_EQ(deliver(&tf), RECOVERED);
	CHECK_EQ(fi.vector, (int)vector);

	reset();
	tf = frame(vector, 0);
	CHECK_EQ(deliver(&tf), PANICKED);
	CHECK(log_captured(vector == VEC_GP ? "PANIC: General protection fault (vector 13)"
					    : "PANIC: Page fault (vector 14)"));
	reset();
	tf = frame(other_vector, 0);
	tf.rip = (uintptr_t)insn;
	CHECK_EQ(deliver(&tf), PANICKED);
	reset();
	tf = frame(vector, 0);
	tf.rip = (uintptr_t)fixup;
	CHECK_EQ(deliver(&tf), PANICKED);
}

/* An MSR the CPU does not have (C001_0055 asked of an AMD family that has it, on a CPU or
 * hypervisor that does not): its RDMSR in rdmsr_safe raises #GP. */
static void test_rdmsr_safe_gp_resumes_at_fixup(void)
{
	check_fixup(rdmsr_safe_insn, rdmsr_safe_fixup, VEC_GP, 0xc0010055, VEC_PF);
}

/* The write before the microcode revision is read (0 into IA32_BIOS_SIGN_ID, MSR 0x8b), on
 * a CPU or hypervisor that refuses it: its WRMSR in wrmsr_safe raises #GP. */
static void test_wrmsr_safe_gp_resumes_at_fixup(void)
{
	check_fixup(wrmsr_safe_insn, wrmsr_safe_fixup, VEC_GP, 0x8b, VEC_PF);
}

/* A backtrace following a corrupt frame pointer: read64_safe's load raises #PF (a guard
 * page, a hole in the direct map) or #GP (a non-canonical address); an invalid opcode
 * there is still a panic. */
static void test_read64_safe_faults_resume_at_fixup(void)
{
	check_fixup(read64_safe_insn, read64_safe_fixup, VEC_PF, 0, VEC_UD);
	check_fixup(read64_safe_insn, read64_safe_fixup, VEC_GP, 0, VEC_UD);
}

int main(void)
{
	printk_add_sink(log_capture_sink, false);
	RUN(test_page_fault_causes);
	RUN(test_page_fault_reserved_bit);
	RUN(test_expected_fault_recovered);
	RUN(test_machine_check_not_taken_for_expected_fault);
	RUN(test_nmi_panic_not_taken_for_expected_fault);
	RUN(test_rdmsr_safe_gp_resumes_at_fixup);
	RUN(test_wrmsr_safe_gp_resumes_at_fixup);
	RUN(test_read64_safe_faults_resume_at_fixup);
	return unit_summary();
}
