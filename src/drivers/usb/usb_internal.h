/* SPDX-License-Identifier: MIT */
/*
 * The USB stack's private structures, shared by the files of src/drivers/usb/:
 *   xhci_takeover.c  controller takeover from firmware (a step at a time: usb.c runs a
 *                slow one from the tick)
 *   xhci.c       setup, stop, the register primitives (host-tested with xhci_takeover.c:
 *                test_xhci.c, and with
 *                xhci_ring.c, usb_enum.c, usb_kbd.c in test_usb_ep0.c, on xhci_sim.c)
 *   xhci_ring.c  TRB rings, contexts, commands, control and interrupt transfers, events
 *   xhci_port.c  root ports: power, reset / link training, connect and disconnect
 *   xhci_mmio.c  the register accessors over the mapped BAR (kernel only)
 *   usb_enum.c   a device from Enable Slot to configured, and its removal, with
 *                usb_enum_cmd.c (the commands it sends, their input contexts, and the
 *                recovery of a halted endpoint 0)
 *   usb_intr.c   interrupt IN endpoints that halt: reset and polled again
 *   usb_hub.c    the hub class driver (USB 2 hubs, any depth the route string allows),
 *                with usb_hub_port.c (one port's life) and usb_hub.h (their private state);
 *                host-tested with the rest of the stack in test_usb_hub2.c, test_usb_hub3.c,
 *                test_usb_hub_retry.c
 *   usb_kbd.c    the HID boot keyboard into the kernel keyboard: its setup and requests,
 *                with usb_kbd_desc.c (a keyboard read through its report descriptor),
 *                usb_kbd_report.c (its interrupt reports) and usb_kbd_internal.h
 *   usb_list.c   the record of refused devices and the `usb` listing's devices (host-tested
 *                in test_usb_hub3.c)
 *   usb.c        PCI probe, MSI-X/MSI, the tick that drives everything, the `usb` listing's
 *                controllers and root ports (host-tested in test_usb_probe.c: the probe and
 *                its refusals, on xhci_sim.c and pci_sim.c)
 *
 * Concurrency: everything after usb_init runs from the timer tick or the controller's
 * MSI/MSI-X handler (both with interrupts off, so never at the same time), one step at a
 * time; thread context (the `usb` and `kbd` commands, LED requests) only reads,
 * or sets request flags, with interrupts disabled.
 */
#ifndef LIOS_USB_INTERNAL_H
#define LIOS_USB_INTERNAL_H

#include <lios/compiler.h>
#include "hid_kbd.h"
#include "usb_desc.h"
#include "xhci_regs.h"

/* Register access, so the host tests can run the driver on a simulated register file.
 * off is a byte offset from the BAR's start; every access is aligned 32-bit except write8
 * (the legacy-support OS Owned byte). */
struct xhci_mmio {
	uint32_t (*read32)(void *ctx, uint32_t off);
	void (*write32)(void *ctx, uint32_t off, uint32_t v);
	void (*write8)(void *ctx, uint32_t off, uint8_t v);
	void *ctx;
};

struct xhci_ring {
	struct xhci_trb *trb;   /* a kmalloc'd page: XHCI_RING_TRBS, the last one a Link */
	uint64_t phys;
	unsigned int enq;       /* producer: next TRB to write */
	uint32_t cycle;         /* producer cycle state */
};
#define XHCI_RING_TRBS 256      /* one 4 KiB page */
/*
 * Interrupt IN transfers: XHCI_INTR_QUEUED kept queued, on consecutive TRBs of the ring. Each
 * reads into a slot of its device's buffer (intr_buf): TRB i's is slot i % XHCI_INTR_SLOTS
 * (xhci_intr_data). The ring's usable TRBs (all but the Link) are a multiple of the slots,
 * so consecutive TRBs take consecutive slots across the ring's wrap too, and with more slots
 * than transfers queued no two queued transfers share one; a slot is read in the completion
 * before the transfer put back in its place is queued. A slot is a power of two from
 * XHCI_INTR_LEN_DEFAULT to XHCI_INTR_LEN_MAX bytes, the longest transfer the device asks
 * for, in a page-aligned buffer (xhci_intr_buf_alloc): no slot crosses a page, nor the
 * 64 KiB boundary a TRB's data buffer may not cross.
 */
#define XHCI_INTR_QUEUED 8
#define XHCI_INTR_SLOTS 15
#define XHCI_INTR_LEN_DEFAULT 64 /* a transfer's length when no report length is known: its
				  * max packet up to this (a boot keyboard sends 8, a hub 1-2) */
#define XHCI_INTR_LEN_MAX 1024   /* the longest transfer asked for (HID_INPUT_REPORT_MAX) */
static_assert((XHCI_RING_TRBS - 1) % XHCI_INTR_SLOTS == 0 && XHCI_INTR_SLOTS > XHCI_INTR_QUEUED,
	      "queued interrupt transfers never share a buffer slot");
static_assert(!(XHCI_INTR_LEN_DEFAULT & (XHCI_INTR_LEN_DEFAULT - 1)) &&
		      !(XHCI_INTR_LEN_MAX & (XHCI_INTR_LEN_MAX - 1)) && XHCI_INTR_LEN_MAX <= 4096,
	      "interrupt buffer slots are powers of two within a page");
#define XHCI_EVENT_TRBS 256     /* event ring segment: QEMU takes 16-4096 */

enum xhci_port_state {
	PORT_EMPTY,        /* nothing connected (or not yet seen) */
	PORT_DEBOUNCE,     /* connected: waiting 100 ms before the reset (USB 2.0 7.1.7.3) */
	PORT_RESETTING,    /* PR set (USB 2) or link training (USB 3): waiting for PED */
	PORT_RECOVERY,     /* 10 ms reset recovery before the first request */
	PORT_DEVICE,       /* a device is attached (enumerating or running) */
	PORT_FAILED,       /* refused: waits for a disconnect */
	PORT_OVERCURRENT,  /* over-current: unpowered until it is gone, then 100 ms more */
	PORT_OFF,          /* over-current came back too often: left unpowered */
	PORT_WARM_RESET,   /* USB 3 link in SS.Inactive or Compliance Mode: WPR set, waiting */
};

struct usb_dev;

/* Over-currents in a row on one port, root or hub port alike (xhci_port.c, usb_hub.c): one
 * less than USB_OC_FORGET_US after the last counts on, a later one starts again from 1;
 * the port is powered again USB_OC_REPOWER_US after the condition ends, and left unpowered
 * when the count passes USB_OC_MAX_TRIES. */
#define USB_OC_REPOWER_US 100000
#define USB_OC_MAX_TRIES 3
#define USB_OC_FORGET_US 10000000
struct usb_oc_count {
	unsigned int n;  /* over-currents in a row */
	uint64_t forget; /* when n starts again from 0 */
};
/* Counts an over-current now; true when the port is to be left unpowered (xhci_port.c). */
bool usb_oc_give_up(struct usb_oc_count *c);

struct xhci_port {
	enum xhci_port_state state;
	uint8_t major;          /* 2 or 3, from the Supported Protocol capability (0: unknown) */
	uint64_t deadline;
	struct usb_dev *dev;
	struct usb_oc_count oc;
	unsigned int warm_resets; /* since a device was found there, or unplugged once given up */
	unsigned int resets;    /* USB 2 port resets (PR) for the connection being debounced */
	unsigned int disables;  /* port errors under this connection's device (PEC) */
	unsigned int enum_fails; /* enumerations of this connection's device that failed */
};

/* Enumerations of one connection's device, root or hub port alike: a device refused for a
 * request that failed before its class driver (usb_dev_ok) is enumerated again, after a
 * new port reset, until this many have failed (Linux's hub driver makes 4 tries: a
 * transaction error or a device slow to answer right after the reset is common on real
 * hubs and keyboards, and without a try more the device stays dead until replugged). */
#define USB_ENUM_TRIES 3

#define XHCI_MAX_PORTS 255 /* HCSPARAMS1 MaxPorts is 8 bits: every port a controller can have */

/* xhci_quirks.c: Intel's shared USB 2/3 ports and shutdown quirks (7-9 series, Bay Trail),
 * Renesas's firmware */
#define XHCI_INTEL_XUSB2PR 0xd0     /* PCI configuration offsets of the xHCI function */
#define XHCI_INTEL_XUSB2PRM 0xd4
#define XHCI_INTEL_USB3_PSSEN 0xd8
#define XHCI_INTEL_USB3PRM 0xdc

struct pci_dev;
enum xhci_route { XHCI_ROUTE_NOT_SHARED, XHCI_ROUTE_KEPT, XHCI_ROUTE_SWITCHED, XHCI_ROUTE_STUCK };

struct xhci_route_regs {
	uint32_t usb3_mask, usb3_before, usb3_after;
	uint32_t usb2_mask, usb2_before, usb2_after;
};

/* A device's name: controller number, root port, then the hub port of each hub on the way
 * ("1-5", "1-5.2"). Room for the longest one possible: any controller number (an int),
 * root port 255 (MaxPorts is 8 bits), five hubs deep (USB 2.0 4.1.1, usb_enum.c refuses a
 * sixth) with hub ports up to 15 (usb_parse_hub_desc). */
#define USB_DEV_NAME_SIZE 32
static_assert(sizeof("2147483647-255.15.15.15.15.15") <= USB_DEV_NAME_SIZE, "USB name room");

/* The devices a controller refused, and ports given up, most recent last (usb_list.c): at
 * most USB_REFUSED_MAX, one per name (a device refused again on the same port replaces its
 * entry), the oldest dropped and counted. */
#define USB_REFUSED_MAX 8
#define USB_REFUSED_WHY_SIZE 128 /* the longest reason whole: test_usb_ep0.c */
struct usb_refused {
	char name[USB_DEV_NAME_SIZE];  /* "1-5.2" */
	uint16_t vendor, product;      /* both 0: not known */
	unsigned int times;            /* refusals under this name */
	char why[USB_REFUSED_WHY_SIZE];
};
struct usb_refused_log {
	struct usb_refused e[USB_REFUSED_MAX]; /* [0] the oldest */
	unsigned int n;
	unsigned int dropped;          /* entries pushed out so far */
};

/* The takeover from firmware (xhci.c): what it waits for now. */
enum xhci_takeover {
	XHCI_TAKEOVER_NONE,   /* none under way: taken, failed, cancelled or never begun */
	XHCI_TAKEOVER_CNR,    /* Controller Not Ready to clear: 5 s from the begin */
	XHCI_TAKEOVER_BIOS,   /* OS Owned set, BIOS Owned to clear: 1 s, then overruled */
	XHCI_TAKEOVER_HALT,   /* Run/Stop cleared, HCHalted to be set: 32 ms */
	XHCI_TAKEOVER_RESET,  /* HCRST written: untouched 1 ms, then HCRST and CNR to clear: 10 s */
};

/* Recovery from a controller error (xhci_health.c). */
enum xhci_recovery { XHCI_RECOVERY_NONE, XHCI_RECOVERY_DRAIN, XHCI_RECOVERY_RESET };
#define XHCI_MAX_RECOVERIES 3

struct xhci {
	const struct xhci_mmio *mmio;
	struct xhci_mmio mmio_store;
	uint64_t mmio_size;     /* bytes mapped at mmio (the BAR): no access reaches past it */
	uint32_t op, rt, db;    /* operational, runtime, doorbell offsets from the BAR */
	uint8_t max_slots, max_ports;
	uint16_t hci_version;
	unsigned int ctx_size;  /* 32 or 64 */
	unsigned int scratchpads;
	uint32_t page_size;
	bool ac64;
	uint64_t *dcbaa;
	uint64_t *scratch_array;
	void **scratch_pages;
	struct xhci_ring cmd;
	struct xhci_trb *ev;    /* event ring segment */
	uint64_t ev_phys;
	uint64_t *erst;
	unsigned int ev_deq;
	uint32_t ev_cycle;
	/* the one command in flight (xhci_ring.c). Its owner waits for it and is not freed
	 * before it ends: completed, or stopped by an abort, or forgotten by forget_devices
	 * (xhci_health.c) once the controller is halted or gone, so a completion, however
	 * late, never reaches a freed device */
	bool cmd_busy;
	uint64_t cmd_trb_phys;
	struct usb_dev *cmd_owner;
	const char *cmd_op;     /* its name, for the timeout line */
	uint64_t cmd_deadline;  /* its timeout; while aborting, the abort's */
	bool cmd_aborting;      /* timed out: CRCR.CA written, Command Ring Stopped awaited */
	bool cmd_ring_stuck;    /* the ring did not stop after the abort: xhci_tick resets hc */
	struct usb_dev *held;   /* devices whose Disable Slot failed, off the device list: the
				 * controller may still write into their memory, kept until it
				 * is halted (usb_dev_free_held) */
	struct xhci_port port[XHCI_MAX_PORTS + 1]; /* [1..max_ports] */
	struct usb_dev **slot_dev;   /* heap, max_slots + 1 */
	uint64_t takeover_us;   /* timer_uptime_us() when usb_init took it */
	enum xhci_takeover takeover;
	uint64_t takeover_deadline; /* the takeover's wait ends (deadline_us) */
	uint64_t takeover_settle;   /* XHCI_TAKEOVER_RESET: not touched before (deadline_us) */
	uint32_t legsup;        /* the USB Legacy Support capability's offset, 0: none */
	uint64_t ticks;
	/* interrupts (usb.c): "MSI-X", "MSI" or NULL (polled only) */
	const char *irq_kind;
	int irq_vector;
	uint64_t irqs;          /* interrupts taken */
	uint64_t irq_events;    /* events the interrupt handler consumed (the tick took the rest) */
	uint64_t tick_events;
	bool dead;              /* gone, stopped on an error, or being recovered: polling stops */
	bool unhalted;          /* stopped on an error without halting: it may still write into
				 * its devices' memory, so none of it is given back */
	enum xhci_recovery recovery;
	unsigned int recoveries; /* resets after an error so far */
	uint64_t recovery_settle, recovery_deadline;
	uint64_t health_ticks;
	char name[24];          /* "xhci 00:04.0" */
	uint16_t vendor, device;
	struct pci_dev *pci;    /* NULL in host tests */
	enum xhci_route routed; /* what xhci_intel_route did, and the registers it saw */
	struct xhci_route_regs route;
	struct usb_refused_log refused; /* what `usb` lists as refused (usb_list.c) */
	int index;
	struct xhci *next;
};

enum usb_driver {
	USB_DRV_NONE,      /* enumerated and left alone */
	USB_DRV_KBD,
	USB_DRV_HUB,
};

struct usb_kbd;
struct usb_hub;

struct usb_dev {
	struct xhci *hc;
	struct usb_dev *parent;  /* hub, NULL on a root port */
	uint8_t port;            /* port on the parent hub, or the root port */
	uint8_t root_port;
	uint8_t depth;           /* 0 on a root port */
	uint32_t route;
	enum usb_speed speed;
	uint8_t slot;
	uint8_t tt_slot, tt_port; /* transaction translator (LS/FS behind a HS hub) */
	char name[USB_DEV_NAME_SIZE]; /* "1-5" or "1-5.2" (controller index, port path) */
	/* memory (kmalloc pages) */
	uint8_t *in_ctx, *out_ctx, *buf;
	uint64_t in_ctx_phys, out_ctx_phys, buf_phys;
	struct xhci_ring ep0;
	struct xhci_ring intr;
	uint8_t *intr_buf;       /* XHCI_INTR_SLOTS slots of intr_slot bytes (see above) */
	uint64_t intr_buf_phys;
	uint16_t intr_slot;      /* bytes per slot of intr_buf */
	uint8_t intr_dci;
	uint16_t intr_len;       /* bytes per interrupt transfer; 0: its max packet (up to
				  * XHCI_INTR_LEN_DEFAULT) */
	uint16_t intr_len_max;   /* the longest its class driver may ask for later, when that
				  * is more than intr_len: what intr_buf is made for (0: none) */
	unsigned int intr_deq;   /* the interrupt TRB whose completion comes next (a ring
				  * completes in order: any other event is stale or repeated) */
	/* the operation in flight */
	int state;
	bool busy;
	const char *op;          /* for the timeout message */
	uint64_t deadline;
	uint32_t cc;             /* completion code of the last operation, or
				  * USB_CC_TIMED_OUT */
	uint32_t residual;       /* bytes not transferred in its data stage */
	uint64_t data_trb_phys, status_trb_phys;
	uint64_t wait_until;     /* a step that waits for time, not for an event */
	uint8_t ep0_recover;     /* EP0_RECOVER_*: endpoint 0 halted, being reset, or stuck on
				  * a request never answered, being stopped (usb_enum_cmd.c) */
	uint32_t halted_cc;      /* the completion code that halted it (USB_CC_TIMED_OUT: none
				  * came) and the request, given */
	const char *halted_op;   /* back once it is reset */
	unsigned int ep0_stalls; /* recoveries since endpoint 0 last completed a request,
				  * halts and requests never answered (a device that halts or
				  * ignores every request is refused: usb_enum_cmd.c) */
	/* the interrupt IN endpoint halted (a STALL, babble, a transaction or split transaction
	 * error) and being reset (usb_intr.c): the last operation's outcome is kept meanwhile,
	 * and given back to the state that waits for it once the endpoint runs again */
	uint8_t intr_recover;    /* INTR_RECOVER_* */
	unsigned int intr_errors; /* failed interrupt transfers since one last completed */
	uint32_t kept_cc, kept_residual;
	const char *kept_op;
	/* what the device is */
	uint16_t mps0;
	struct usb_device_desc desc;
	struct usb_config_info cfg;
	int iface;               /* index in cfg.iface of the driven interface */
	enum usb_driver driver;
	bool hid_probe;          /* USB_DRV_KBD on a HID interface without boot protocol: a
				  * keyboard only if its report descriptor declares keys */
	struct usb_kbd *kbd;
	struct usb_hub *hub;
	bool gone;               /* unplugged: being torn down */
	bool failed;
	bool retry;              /* refused for a request that failed before its class driver
				  * (usb_dev_ok): its port may enumerate it again */
	struct usb_dev *next;    /* all devices, newest first */
};

/* xhci.c */
#define XHCI_HALT_TIMEOUT_US 32000  /* 16 ms in the spec; Linux waits 32 */
#define XHCI_RESET_TIMEOUT_US 1000000
/* The takeover's reset (xhci_takeover.c), waited for from the tick: as long as Linux gives
 * it at probe (XHCI_RESET_LONG_USEC, raised from 250 ms for a Renesas uPD720201 that took
 * longer), since waiting costs the boot nothing there. The resets that busy-wait (a
 * controller stopped, recovered after an error) keep XHCI_RESET_TIMEOUT_US. */
#define XHCI_TAKEOVER_RESET_TIMEOUT_US 10000000
#define XHCI_RESET_SETTLE_US 1000   /* some Intel parts hang when touched within 1 ms of HCRST */
/* Polls register off until (value & mask) == want: false at deadline dl (deadline_us), or
 * at once when it reads all ones (the device is gone from the bus). xhci_wait_reg: us
 * microseconds from now. Busy-waits. */
bool xhci_wait_until(struct xhci *hc, uint32_t off, uint32_t mask, uint32_t want, uint64_t dl);
bool xhci_wait_reg(struct xhci *hc, uint32_t off, uint32_t mask, uint32_t want, uint64_t us);
/* Stop (Run/Stop and interrupts off, HCHalted awaited), then reset when asked. 0, or -EIO
 * with why filled. Busy-waits (32 ms, then 1 s). */
int xhci_halt_and_reset(struct xhci *hc, bool reset, char *why, size_t n);

/* xhci_takeover.c */
int xhci_takeover_begin(struct xhci *hc, char *why, size_t n);
int xhci_takeover_step(struct xhci *hc, char *why, size_t n);
int xhci_takeover_cancel(struct xhci *hc, char *why, size_t n);
const char *xhci_takeover_waiting(const struct xhci *hc);
int xhci_takeover(struct xhci *hc, char *why, size_t n);
int xhci_setup(struct xhci *hc, char *why, size_t n);
int xhci_stop(struct xhci *hc, bool reset, char *why, size_t n);
int xhci_abandon(struct xhci *hc);
void xhci_free_memory(struct xhci *hc);
void xhci_irq_on(struct xhci *hc);
/* xhci_mmio.c (kernel only: a host test gives its simulator's accessors instead) */
const struct xhci_mmio *xhci_mmio_bar(struct xhci *hc, void *base);
/* xhci_health.c */
unsigned int xhci_tick(struct xhci *hc);
uint32_t xhci_read(struct xhci *hc, uint32_t off);
void xhci_write(struct xhci *hc, uint32_t off, uint32_t v);
void xhci_write64(struct xhci *hc, uint32_t off, uint64_t v);
void *xhci_ctx(struct xhci *hc, void *ctx, unsigned int index);

/* xhci_quirks.c */
enum xhci_route xhci_intel_route(const struct pci_dev *pd, bool intel_ehci, const char *name,
				 struct xhci_route_regs *r);
void xhci_intel_unroute(const struct pci_dev *pd, const struct xhci_route_regs *r);
bool xhci_intel_wakes_from_s5(const struct pci_dev *pd);
/* A Renesas uPD720201/202 with no ROM and no firmware loaded (it never comes out of reset;
 * LiOS has no firmware to give it); false for any other part. */
bool xhci_renesas_needs_firmware(const struct pci_dev *pd);

/* xhci_ring.c */
int xhci_ring_init(struct xhci_ring *r);
void xhci_ring_free(struct xhci_ring *r);
uint64_t xhci_ring_push(struct xhci_ring *r, uint32_t d0, uint32_t d1, uint32_t d2, uint32_t d3);
bool xhci_command(struct xhci *hc, struct usb_dev *owner, uint32_t d0, uint32_t d1, uint32_t d2,
		  uint32_t d3, const char *op);
void xhci_control(struct usb_dev *d, uint8_t req_type, uint8_t req, uint16_t value, uint16_t index,
		  uint16_t length, const char *op);
int xhci_intr_buf_alloc(struct usb_dev *d, uint16_t max_len);
uint16_t xhci_intr_len(const struct usb_dev *d);
void xhci_intr_queue(struct usb_dev *d);
/* Where the interrupt transfer of TRB i of d's ring reads its data (intr_slot bytes). */
static inline uint8_t *xhci_intr_data(const struct usb_dev *d, unsigned int i)
{
	return d->intr_buf + (size_t)(i % XHCI_INTR_SLOTS) * d->intr_slot;
}
unsigned int xhci_process_events(struct xhci *hc);
void xhci_ring_doorbell(struct xhci *hc, unsigned int slot, unsigned int target);

/* xhci_port.c */
void xhci_ports_start(struct xhci *hc);
void xhci_ports_poll(struct xhci *hc);
void xhci_port_changed(struct xhci *hc, unsigned int port);
void xhci_port_device_failed(struct xhci *hc, unsigned int port);
unsigned int xhci_port_device_retry(struct xhci *hc, unsigned int port);
const char *xhci_port_state_name(enum xhci_port_state s);

/* usb_enum.c */
/* d->cc of a control transfer that got no answer before its deadline, not a controller's
 * code (those are 8 bits): endpoint 0 has been stopped and its ring's dequeue moved past
 * the request (usb_enum_cmd.c), so the device can take the next one; the state that asked
 * decides (usb_dev_timed_out). A command that got no answer (aborted) leaves cc 0. */
#define USB_CC_TIMED_OUT 0x100u
enum { EP0_RECOVER_NONE, EP0_RECOVER_RESET, EP0_RECOVER_DEQUEUE, EP0_RECOVER_DONE,
       EP0_RECOVER_STOP, EP0_RECOVER_STOPPING, EP0_RECOVER_SKIPPING };
enum { INTR_RECOVER_NONE, INTR_RECOVER_RESET, INTR_RECOVER_DEQUEUE, INTR_RECOVER_CLEAR,
       INTR_RECOVER_DONE };
struct usb_dev *usb_dev_new(struct xhci *hc, struct usb_dev *parent, uint8_t port, enum usb_speed speed);
void usb_dev_step(struct usb_dev *d);
void usb_dev_unplug(struct usb_dev *d);
void usb_dev_free_held(struct xhci *hc);
void usb_dev_refuse(struct usb_dev *d, const char *why);
void usb_dev_leave_alone(struct usb_dev *d, const char *why);
bool usb_dev_ok(struct usb_dev *d);
bool usb_dev_timed_out(const struct usb_dev *d);
bool usb_dev_addressed(const struct usb_dev *d);
uint8_t usb_dev_address_of(const struct usb_dev *d);
const char *usb_dev_state_name(const struct usb_dev *d);
struct usb_dev *usb_dev_list(void);

/* usb_enum_cmd.c; usb_ep_reset and usb_ep_skip_to_enqueue restart a halted endpoint (ep0
 * and interrupt IN), usb_ep_stop and usb_ep_skip_to_enqueue one stuck on a request never
 * answered (ep0) */
#define USB_DEV_PAGE 4096 /* bytes of each of a device's contexts and of its buffer */
bool usb_dev_address(struct usb_dev *d);
bool usb_dev_evaluate_mps0(struct usb_dev *d, uint16_t mps);
bool usb_dev_configure_ep(struct usb_dev *d, const struct usb_endpoint_info *ep, const struct usb_hub_info *hub);
bool usb_ep_reset(struct usb_dev *d, unsigned int dci);
bool usb_ep_skip_to_enqueue(struct usb_dev *d, const struct xhci_ring *r, unsigned int dci);
bool usb_ep_stop(struct usb_dev *d, unsigned int dci);
bool usb_dev_ep0_recover_step(struct usb_dev *d);

/* usb_intr.c */
void usb_dev_intr_error(struct usb_dev *d, uint32_t cc);
bool usb_dev_intr_recover_step(struct usb_dev *d);

/* usb_hub.c */
void usb_hub_attach(struct usb_dev *d);
void usb_hub_step(struct usb_dev *d);
void usb_hub_report(struct usb_dev *d, const uint8_t *data, size_t len);
void usb_hub_free(struct usb_dev *d);
void usb_hub_child_gone(struct usb_dev *hub, struct usb_dev *child);
unsigned int usb_hub_child_retry(struct usb_dev *hub, struct usb_dev *child);
void usb_hub_clear_tt(struct usb_dev *d, const struct usb_dev *dev);
bool usb_address0_busy(const struct usb_dev *hub, unsigned int port);
bool usb_hub_settled(const struct usb_dev *d);
unsigned int usb_hub_port_count(const struct usb_dev *d);
const char *usb_hub_port_state(const struct usb_dev *d, unsigned int p, const struct usb_dev **child);

/* usb_list.c */
void usb_refused_note(struct xhci *hc, const char *name, uint16_t vendor, uint16_t product, const char *why);
void usb_refused_port(struct xhci *hc, const struct usb_dev *hub, unsigned int port, const char *why);
void usb_list_devices(const struct xhci *controllers);

/* usb_kbd.c */
void usb_kbd_use_report_protocol(bool on);
void usb_kbd_attach(struct usb_dev *d);
void usb_kbd_step(struct usb_dev *d);
void usb_kbd_report(struct usb_dev *d, const uint8_t *data, size_t len);
void usb_kbd_free(struct usb_dev *d);
void usb_kbd_release_all(struct usb_dev *d);
bool usb_kbd_ready(const struct usb_dev *d);
void usb_kbd_tick(void);
void usb_kbd_controller_stopped(struct xhci *hc);
void usb_kbd_controller_shut_down(struct xhci *hc);
bool usb_kbd_stall_probe(void);
void usb_kbd_probe_result(int *stalled, int *after);

/* usb.c */
extern struct xhci *usb_controllers;
uint64_t usb_now_us(void);
bool usb_wait_settled(uint64_t ms);
unsigned int usb_live_devices(void);
/* set by a self-test boot once it waited for the devices present (usb_init) */
extern bool usb_boot_waited;
extern unsigned int usb_boot_devices; /* usb_live_devices() then */

#endif
