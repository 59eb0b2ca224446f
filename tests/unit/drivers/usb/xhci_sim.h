/* SPDX-License-Identifier: MIT */
/*
 * A simulated xHCI for host tests (test_xhci, test_usb_ep0): a register file behind the
 * driver's struct xhci_mmio, with the firmware states and faults QEMU never shows (USB
 * Legacy Support with a BIOS that lets go or not, CNR stuck, HCHalted never set,
 * scratchpads, 64-byte contexts, page sizes), and a command ring and endpoint 0 executed
 * on doorbell writes in the host's simulated physical memory (src/arch/host/phys_host.c),
 * with one scripted device per slot that answers, stalls or never answers a request, and
 * commands that hang until aborted (CRCR.CA: Command Aborted, then Command Ring Stopped),
 * complete late, or an abort that does not stop the ring. Stop Endpoint leaves a request
 * the device never answered with a Stopped Transfer Event before (or after) its completion,
 * or finds the endpoint halted or stopped already (Context State Error). A program links both halves:
 * xhci_sim.c (the register file, DMA memory, the captured log) and xhci_sim_ring.c (the
 * command ring, endpoint 0 and the event ring).
 * Register layout: capabilities at 0, operational at 0x20, runtime at 0x600, doorbells at
 * 0x800, USB Legacy Support at 0x1000 then two Supported Protocol capabilities (ports 1-4
 * USB 3, 5-8 USB 2, as QEMU).
 */
#ifndef LIOS_XHCI_SIM_H
#define LIOS_XHCI_SIM_H

#include <lios/types.h>
#include "../../../../src/drivers/usb/usb_internal.h"

#define SIM_OP 0x20
#define SIM_RT 0x600
#define SIM_DB 0x800
#define SIM_XCAP 0x1000
#define SIM_SIZE 0x2000
#define SIM_PORTS 8
#define SIM_SLOTS 8

/* What a device does with one control request: answer, STALL, stay silent, lose it on
 * the wire (a USB Transaction Error after the controller's retries), or babble (send past
 * its packet: Babble Detected); the last two halt endpoint 0 as a STALL does (xHCI
 * 4.10.2). */
enum sim_answer { SIM_ANSWER, SIM_STALL, SIM_SILENT, SIM_XACT_ERROR, SIM_BABBLE };

struct sim_setup {
	uint8_t type, req;
	uint16_t value, index, length;
};

struct xhci_sim;
/* Answer a request on slot: fill data (up to setup->length bytes, *len), or stall, or
 * stay silent. */
typedef enum sim_answer (*sim_device_fn)(struct xhci_sim *s, unsigned int slot, const struct sim_setup *setup,
					 uint8_t *data, size_t *len);
/* What Address Device of slot does, given its input slot context (dwords 0-2: route and
 * speed, root port, TT): the completion code (XHCI_CC_SUCCESS: addressed). */
typedef uint32_t (*sim_address_fn)(struct xhci_sim *s, unsigned int slot, const uint32_t ctx[3]);

struct sim_ep0 {
	uint64_t deq;           /* physical address of the next TRB */
	uint32_t dcs;
	bool halted;
	bool silent;            /* a request went unanswered: the endpoint is stuck on it */
};

struct xhci_sim {
	uint32_t reg[SIM_SIZE / 4];
	/* knobs, set before use */
	bool legacy;            /* a USB Legacy Support capability */
	bool bios_owned;        /* BIOS Owned set at start */
	bool bios_lets_go;      /* BIOS Owned clears after OS Owned is set */
	bool cnr_stuck;         /* Controller Not Ready never clears */
	uint64_t cnr_for_us;    /* Controller Not Ready set at sim_init, clears once this many
				 * microseconds of the host clock (<lios/time.h>) passed (0: as
				 * cnr_stuck says); a reset within them leaves it set */
	uint64_t bios_lets_go_us; /* with bios_owned: BIOS Owned clears this many microseconds
				 * of the host clock after OS Owned is set (0: as bios_lets_go
				 * says) */
	bool never_halts;       /* HCHalted never set */
	bool never_runs;        /* Run/Stop set, HCHalted stays set (a controller that does
				 * not start) */
	bool reset_stuck;       /* HCRST never clears */
	uint64_t reset_for_us;  /* HCRST clears no sooner than this many microseconds of the host
				 * clock after it is written (0: at once, on the second read) */
	bool running;           /* firmware left it running (SeaBIOS) */
	bool csz;               /* 64-byte contexts */
	uint32_t scratch_hi, scratch_lo; /* HCSPARAMS2 Max Scratchpad Bufs Hi/Lo */
	uint32_t pagesize;      /* PAGESIZE register (bit n: 2^(n+12) bytes) */
	bool hold_commands;     /* doorbell 0 runs nothing until sim_run_commands */
	bool warm_reset_fails;  /* a warm reset completes but the link stays where it was */
	bool warm_reset_hangs;  /* a warm reset never completes: PR stays set, no WRC or PRC */
	unsigned int stuck_port_resets; /* the next port resets (PR) never end: PR stays set, the
				 * port disabled (UINT_MAX: every one) */
	unsigned int unenabled_port_resets; /* the next port resets end (PRC) with the port
				 * not enabled */
	uint32_t window;        /* the BAR size sim_attach tells the driver (0: SIM_SIZE); the
				 * accesses at or past it are counted in outside */
	uint8_t enable_slot_id; /* Enable Slot answers this slot id (0: the next unused one) */
	bool no_slots;          /* Enable Slot answers No Slots Available, as a controller whose
				 * every slot is taken */
	uint8_t hang_cmd;       /* the next command of this TRB type hangs (the ring stays on it,
				 * CRCR.CRR set) until aborted or sim_complete_hung; 0: none */
	bool abort_waits;       /* CA does not stop the ring at once: it stops once the hung
				 * command completes (sim_complete_hung), never without */
	bool abort_on_trb;      /* CA stops the ring on the hung command without completing it:
				 * Command Ring Stopped names its TRB, the next doorbell runs it */
	bool abort_no_event;    /* ... and posts no event at all: only CRCR.CRR says it stopped */
	uint8_t disable_slot_cc; /* Disable Slot fails with this code, the slot left enabled (0:
				  * it works) */
	bool setup_events;      /* a SETUP stage the device took posts a Transfer Event of its
				 * own, success, though its TRB asked for none (no IOC) */
	/* Stop Endpoint of an endpoint 0 stuck on a request the device never answered: a
	 * Transfer Event of code stop_cc (0: Stopped) names the request's TRB, posted before
	 * the command's completion, or after it when stop_event_late; the endpoint is Stopped
	 * until a Set TR Dequeue Pointer (its doorbell ignored meanwhile) */
	bool stop_event_late;
	uint32_t stop_cc;
	bool stop_finds_halted; /* ... the request halts just then (USB Transaction Error, its
				 * event posted): the command ends in Context State Error */
	bool stop_finds_stopped; /* ... the endpoint was Stopped already: Context State Error,
				 * no event */
	sim_device_fn device;
	sim_address_fn address; /* NULL: every Address Device succeeds */
	/* what the driver did */
	unsigned int byte_writes, reset_count;
	int bios_release_reads; /* reads of LEGSUP before BIOS Owned clears (-1: never) */
	int reset_reads;        /* reads of USBCMD before HCRST clears */
	uint64_t cnr_until;     /* cnr_for_us: the deadline (deadline_us) CNR clears at */
	uint64_t reset_until;   /* reset_for_us: the deadline HCRST may clear at (0: none) */
	uint64_t bios_until;    /* bios_lets_go_us: the deadline BIOS Owned clears at (0: OS
				 * Owned not set yet) */
	unsigned int warm_resets;   /* PORTSC writes with WPR */
	unsigned int port_resets[SIM_PORTS + 1]; /* PORTSC writes with PR, per port */
	unsigned int outside;       /* accesses past the window: past the mapping, a fault */
	uint64_t cmd_deq;
	uint32_t ccs;
	bool crr;               /* command ring running: doorbell 0 rung, not stopped since */
	bool abort_pending;     /* CA written, the ring not yet stopped (abort_waits) */
	uint64_t hung;          /* the hung command's TRB (0: none) */
	bool slot_on[SIM_SLOTS + 1]; /* slots enabled (Enable Slot) and not disabled since */
	unsigned int aborts;        /* CA writes while the ring ran */
	uint64_t ev_base;
	unsigned int ev_size, ev_enq;
	uint32_t pcs;
	unsigned int next_slot;
	struct sim_ep0 ep0[SIM_SLOTS + 1];
	uint8_t plugged[SIM_PORTS + 1]; /* speed of the device plugged into each port, 0 none */
	unsigned int commands[64];  /* how many of each command TRB type were executed */
	uint64_t last_set_deq;      /* the pointer of the last Set TR Dequeue Pointer */
	uint32_t last_stop_d3;      /* the control dword of the last Stop Endpoint */
	uint64_t stopped_late;      /* stop_event_late: the TRB its event names, posted after the
				     * completion (0: none) */
	unsigned int stopped_late_slot;
	uint32_t addr_icc_add;      /* Address Device: input control context Add flags */
	uint32_t addr_slot_dw0;     /* ... slot context dword 0 (at 1 x ctx size) */
	uint32_t cfg_slot[3];       /* Configure Endpoint: slot context dwords 0-2 */
	uint32_t cfg_icc_add;       /* ... input control context Add flags */
	uint32_t cfg_ep[5];         /* ... dwords 0-4 of the endpoint context it adds (the
				     * highest Add flag, at (1 + DCI) x ctx size), 0 when none */
	uint32_t eval_icc_add;      /* Evaluate Context: input control context Add flags */
	uint32_t eval_ep0[5];       /* ... endpoint 0 context dwords 0-4 (at 2 x ctx size) */
	uint64_t addr_ep0_deq;      /* ... endpoint 0 context TR Dequeue (at 2 x ctx size) */
	uint32_t addr_slot[3];      /* ... slot context dwords 0-2 (route, speed; root port;
				     * TT hub slot, TT port), of the last Address Device */
	bool intr_halted[SIM_SLOTS + 1];   /* a non-control endpoint of the slot halted
					    * (sim_intr_halt) and not yet reset */
	unsigned int intr_resets[SIM_SLOTS + 1]; /* Reset Endpoint of a halted non-control one */
	uint64_t intr_set_deq[SIM_SLOTS + 1];   /* last Set TR Dequeue Pointer of one, 0 none */
	/* the last endpoint 0 OUT data stage a device took (a SET_REPORT's LED report): its
	 * request, and the bytes the driver sent (the first sizeof(out_data) kept) */
	struct sim_setup out_setup;
	uint8_t out_data[64];
	size_t out_len;             /* bytes of the data stage, as its TRB asked */
	unsigned int out_stages;    /* OUT data stages taken so far */
	struct xhci_mmio mmio;
};

/* A high-speed HID boot keyboard's device and configuration descriptors (0627:0001, one
 * interface, an 8-byte interrupt IN endpoint 0x81): what the tests' devices answer. */
extern const uint8_t sim_kbd_device_desc[18];
extern const uint8_t sim_kbd_config_desc[34];
extern const uint8_t sim_kbd_report_desc[63]; /* HID 1.11 appendix B's boot keyboard layout */

/* sim_kbd_report_desc in its parts, for the tests that write other keyboards' report
 * descriptors from them: the application collection; the modifier byte (8 bits of usages
 * E0-E7); the reserved byte; five LED bits out (usages 1-5) and three of padding; six 8-bit
 * key slots of usages 0-101; the end of the collection. */
#define SIM_KBD_DESC_OPEN 0x05, 0x01, 0x09, 0x06, 0xa1, 0x01 /* Desktop, Keyboard, Application */
#define SIM_KBD_DESC_MODIFIERS \
	0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, /* modifiers E0-E7, 0..1 */            \
	0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02  /* 8 x 1 bit, Input (Data, Variable) */
#define SIM_KBD_DESC_RESERVED 0x95, 0x01, 0x75, 0x08, 0x81, 0x01 /* 1 x 8 bits, Input (Constant) */
#define SIM_KBD_DESC_LEDS \
	0x95, 0x05, 0x75, 0x01, 0x05, 0x08, 0x19, 0x01, /* 5 x 1 bit of LEDs 1-5 */            \
	0x29, 0x05, 0x91, 0x02,                         /* Output (Data, Variable) */          \
	0x95, 0x01, 0x75, 0x03, 0x91, 0x01              /* 1 x 3 bits, Output (Constant) */
#define SIM_KBD_DESC_KEYS \
	0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65, /* 6 x 8 bits, 0..101 */              \
	0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00  /* keys 0-101, Input (Data, Array) */
#define SIM_KBD_DESC_END 0xc0 /* End Collection */

/* Set the knobs first, then sim_init: registers as firmware left them. */
void sim_init(struct xhci_sim *s);
/* A struct xhci ready for xhci_takeover on s. */
void sim_attach(struct xhci_sim *s, struct xhci *hc);
/* The register accessors a driver reaches s through (the ones sim_attach gives hc), for a
 * test where the driver sets its controller up itself (usb.c's probe: xhci_mmio_bar). */
const struct xhci_mmio *sim_mmio(struct xhci_sim *s);
/* sim_init and sim_attach with the knobs already in *s, then the driver's takeover and
 * setup, and a slot table (calloc) in hc->slot_dev: the running controller a test or the
 * fuzzer starts from. Returns the first error (why filled). */
int sim_start(struct xhci_sim *s, struct xhci *hc, char *why, size_t n);
/* Connect a device on port (PORTSC: CCS, PED, speed). */
void sim_connect(struct xhci_sim *s, unsigned int port, unsigned int speed);
/* The device on port is pulled out (PORTSC: CCS, PED and a reset in progress cleared, CSC
 * set). */
void sim_disconnect(struct xhci_sim *s, unsigned int port);

/* Over-current on port begins (active: Port Power, connection and enable clear, OCA set)
 * or ends (OCA clear); OCC set either way, as a controller with port power control does
 * (xHCI 4.19.4). */
void sim_over_current(struct xhci_sim *s, unsigned int port, bool active);

/* A USB 3 port's link fails into link state pls (XHCI_PLS_INACTIVE, XHCI_PLS_COMPLIANCE),
 * with or without a connection showing; a device of speed plugged there (0: none) comes up
 * on the next warm reset (WPR: the link back in U0, enabled, WRC and PRC set). */
void sim_link_fails(struct xhci_sim *s, unsigned int port, unsigned int pls, bool ccs, unsigned int speed);

/* Run the command ring now (after hold_commands), posting each completion. */
void sim_run_commands(struct xhci_sim *s);
/* The hung command completes now, as it would have without hanging (a late completion);
 * then the ring stops if an abort waits for it, or runs on. */
void sim_complete_hung(struct xhci_sim *s);
/* Post an event (its cycle bit added) on the event ring, as the controller does; with
 * interrupter 0 enabled (IMAN.IE) its interrupt pends: IMAN.IP and USBSTS.EINT set. */
void sim_post_event(struct xhci_sim *s, uint64_t ptr, uint32_t d2, uint32_t d3);
/* Post a Transfer Event for endpoint dci of slot naming TRB trb, as a controller does when a
 * transfer completes (or a late, stopped or repeated one: the tests' hostile events). */
void sim_post_transfer(struct xhci_sim *s, unsigned int slot, unsigned int dci, uint64_t trb,
		       uint32_t cc, uint32_t residual);

/* Post a Port Status Change Event naming port (xHCI 6.4.2.3), as a controller does when a
 * change bit of the port's PORTSC is set; any port number, for the tests' hostile events. */
void sim_port_event(struct xhci_sim *s, unsigned int port);

/* The transfer of TRB trb on non-control endpoint dci of slot ends with a code that halts
 * the endpoint (STALL, babble, transaction error): its Transfer Event posted, the endpoint
 * halted until a Reset Endpoint for it (then Set TR Dequeue Pointer is taken). */
void sim_intr_halt(struct xhci_sim *s, unsigned int slot, unsigned int dci, uint64_t trb, uint32_t cc);

/* printk captured: test whether a line containing needle was printed since sim_log_clear. */
void sim_log_clear(void);
bool sim_logged(const char *needle);
void sim_log_start(void);

/* Simulated DMA memory for kzalloc (the host direct map): everything ever allocated. */
uint64_t sim_dma_used(void);
/* kmalloc allocations not yet freed (since the last sim_dma_reset). */
long sim_dma_live(void);
/* The nth kmalloc/kzalloc from now (1: the next) returns NULL, as a kernel out of
 * contiguous frames would; 0: none fails. */
void sim_dma_fail(unsigned int nth);
/* Forget (and zero) every DMA allocation: a fuzzer's next input starts from nothing. */
void sim_dma_reset(void);

#endif
