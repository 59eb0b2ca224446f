/* SPDX-License-Identifier: MIT */
/*
 * A simulated PCI configuration space for host tests and the fuzzer: SIM_BUSES buses of 32
 * devices x 8 functions, each present function a 4 KiB array. Absent functions read all
 * ones and drop writes. BAR dwords keep their read-only low bits and accept only the
 * address bits their size allows (bar_mask), as hardware does when sized; a function marked
 * 'mirror' answers for functions 1-7 of its device too (a single-function device that does
 * not decode the function number), and with 'mirror_buses' every bus reads as bus 0. A
 * PM control hook models D3hot -> D0 resets; a byte range can be made read-only (a
 * register firmware locked).
 */
#ifndef PCI_SIM_H
#define PCI_SIM_H

#include <lios/pci.h>

#define SIM_BUSES 256 /* every bus number */

struct sim_fn {
	uint8_t cfg[PCI_CFG_SIZE];
	uint32_t bar_mask[PCI_BARS]; /* writable bits of each BAR dword; 0: read-only */
	bool bar_masked;             /* bar_mask applies (else BAR dwords are plain memory) */
	bool mirror;                 /* function 0 answers for 1-7 */
	uint8_t pm_cap;              /* PM capability offset the hook watches, 0 none */
	bool pm_stuck;               /* writes to the power state are ignored */
	bool pm_resets;              /* D3hot -> D0 clears the BARs and the command register */
	uint16_t ro_lo, ro_hi;       /* bytes [ro_lo, ro_hi) ignore writes (a locked register) */
	unsigned int decode_offs;    /* command register writes that turned memory or I/O
				      * decoding off */
};

struct sim {
	struct sim_fn *fn[SIM_BUSES][32][8];
	unsigned int reads, writes;
	bool mirror_buses;           /* every bus reads as bus 0 (a chipset that ignores the
				      * bus number) */
	unsigned int idle_calls;     /* sim_bus_idle: the walker gave a bus up */
	uint8_t idled[SIM_BUSES / 8]; /* bit per bus given up */
};

extern const struct pci_cfg_ops sim_ops_template;
/* ops bound to sim */
void sim_ops(struct sim *s, struct pci_cfg_ops *ops);
/* pci_scan_segment's idle hook for ctx = the sim: records into idle_calls and idled. */
void sim_bus_idle(void *ctx, uint16_t seg, uint8_t bus);
/* A present function with IDs, class and header type; everything else zero. */
struct sim_fn *sim_add(struct sim *s, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t vendor, uint16_t device,
		       uint8_t class_code, uint8_t subclass, uint8_t header);
void sim_free(struct sim *s);

/* pci_sim_ports.c, for a program that links it: the port I/O functions (arch_pio_*) run
 * configuration mechanism #1 (0xcf8 address, 0xcfc-0xcff data) over cfg from now on, the
 * record of buses read cleared; sim_ports_bus_read says whether the data ports reached
 * bus since then. */
void sim_ports_attach(const struct pci_cfg_ops *cfg);
bool sim_ports_bus_read(unsigned int bus);
/* The chipset's reset control register (port 0xcf9): sim_ports_rcr sets what it reads and
 * clears the record of writes; sim_ports_rcr_log points *log at the values written since,
 * in order (the first 8), and returns how many writes there were. */
void sim_ports_rcr(uint8_t v);
unsigned int sim_ports_rcr_log(const uint8_t **log);
/* Little-endian helpers on a function's array. */
void sim_w8(struct sim_fn *f, uint16_t off, uint8_t v);
void sim_w16(struct sim_fn *f, uint16_t off, uint16_t v);
void sim_w32(struct sim_fn *f, uint16_t off, uint32_t v);
uint32_t sim_r32(const struct sim_fn *f, uint16_t off);
/* A capability 'id' at offset 'at', linked at the head of f's list (the list's status bit
 * set): its body, after the ID and next bytes, is the caller's. */
void sim_cap(struct sim_fn *f, uint8_t at, uint8_t id);
/* A memory or I/O BAR: value (address | type bits) and size (power of two). */
void sim_bar(struct sim_fn *f, unsigned int i, uint32_t value, uint32_t size);
void sim_bar64(struct sim_fn *f, unsigned int i, uint64_t value, uint64_t size);

#endif
