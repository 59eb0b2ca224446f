/* SPDX-License-Identifier: MIT */
/*
 * xHCI register, TRB and context layouts, named as in the eXtensible Host Controller
 * Interface specification rev. 1.2 (chapter 5 registers, 6.2 contexts, 6.4 TRBs, 7 extended
 * capabilities). Private to src/drivers/usb/. Offsets are bytes from the start of their
 * register block; every access is an aligned 32-bit one (QEMU accepts nothing else).
 */
#ifndef LIOS_XHCI_REGS_H
#define LIOS_XHCI_REGS_H

/* Capability registers (5.3), from the BAR's start. */
#define XHCI_CAPLENGTH 0x00        /* bits 7:0 CAPLENGTH, 31:16 HCIVERSION */
#define XHCI_HCSPARAMS1 0x04
#define XHCI_HCSPARAMS2 0x08
#define XHCI_HCSPARAMS3 0x0c
#define XHCI_HCCPARAMS1 0x10
#define XHCI_DBOFF 0x14
#define XHCI_RTSOFF 0x18
#define XHCI_HCS1_MAX_SLOTS(v) ((v) & 0xff)
#define XHCI_HCS1_MAX_INTRS(v) (((v) >> 8) & 0x7ff)
#define XHCI_HCS1_MAX_PORTS(v) ((v) >> 24)
#define XHCI_HCS2_ERST_MAX(v) (((v) >> 4) & 0xf)
#define XHCI_HCS2_SCRATCHPADS(v) ((((v) >> 21) & 0x1f) << 5 | ((v) >> 27))
#define XHCI_HCC1_AC64 (1u << 0)
#define XHCI_HCC1_CSZ (1u << 2)    /* 64-byte contexts */
#define XHCI_HCC1_XECP(v) ((v) >> 16) /* first extended capability, in dwords */

/* Operational registers (5.4), from CAPLENGTH. */
#define XHCI_USBCMD 0x00
#define XHCI_USBSTS 0x04
#define XHCI_PAGESIZE 0x08
#define XHCI_DNCTRL 0x14
#define XHCI_CRCR 0x18             /* 64-bit */
#define XHCI_DCBAAP 0x30           /* 64-bit */
#define XHCI_CONFIG 0x38
#define XHCI_PORTSC(n) (0x400 + 0x10 * ((n) - 1)) /* ports count from 1 */
#define XHCI_CMD_RUN (1u << 0)
#define XHCI_CMD_HCRST (1u << 1)
#define XHCI_CMD_INTE (1u << 2)
#define XHCI_STS_HCH (1u << 0)     /* halted */
#define XHCI_STS_HSE (1u << 2)     /* host system error */
#define XHCI_STS_EINT (1u << 3)
#define XHCI_STS_PCD (1u << 4)
#define XHCI_STS_CNR (1u << 11)    /* controller not ready */
#define XHCI_STS_HCE (1u << 12)    /* host controller error */
#define XHCI_CRCR_RCS (1u << 0)
#define XHCI_CRCR_CA (1u << 2)     /* command abort */
#define XHCI_CRCR_CRR (1u << 3)    /* command ring running (read-only) */

/* PORTSC (5.4.8). RW1C change bits and PED must not be written back as read. */
#define XHCI_PORTSC_CCS (1u << 0)
#define XHCI_PORTSC_PED (1u << 1)
#define XHCI_PORTSC_OCA (1u << 3)   /* over-current active (read-only) */
#define XHCI_PORTSC_PR (1u << 4)
#define XHCI_PORTSC_PLS(v) (((v) >> 5) & 0xf)
#define XHCI_PORTSC_PP (1u << 9)
#define XHCI_PORTSC_SPEED(v) (((v) >> 10) & 0xf)
#define XHCI_PORTSC_PIC_MASK (3u << 14)
#define XHCI_PORTSC_CSC (1u << 17)
#define XHCI_PORTSC_PEC (1u << 18)
#define XHCI_PORTSC_WRC (1u << 19)
#define XHCI_PORTSC_OCC (1u << 20)
#define XHCI_PORTSC_PRC (1u << 21)
#define XHCI_PORTSC_PLC (1u << 22)
#define XHCI_PORTSC_CEC (1u << 23)
#define XHCI_PORTSC_WAKE_MASK (7u << 25)
#define XHCI_PORTSC_WPR (1u << 31)  /* warm port reset (USB 3) */
#define XHCI_PORTSC_CHANGES (XHCI_PORTSC_CSC | XHCI_PORTSC_PEC | XHCI_PORTSC_WRC | \
			     XHCI_PORTSC_OCC | XHCI_PORTSC_PRC | XHCI_PORTSC_PLC | XHCI_PORTSC_CEC)
/* What a write keeps of the value read: the RW bits only. */
#define XHCI_PORTSC_KEEP (XHCI_PORTSC_PP | XHCI_PORTSC_PIC_MASK | XHCI_PORTSC_WAKE_MASK)
#define XHCI_PLS_U0 0
#define XHCI_PLS_RXDETECT 5
#define XHCI_PLS_INACTIVE 6        /* SS.Inactive: the link failed, only a warm reset leaves it */
#define XHCI_PLS_COMPLIANCE 10     /* Compliance Mode: likewise */
#define XHCI_PLS_POLLING 7

/* Runtime registers (5.5): interrupter n at 0x20 + 32 n. */
#define XHCI_IR(n) (0x20 + 0x20 * (n))
#define XHCI_IMAN 0x00
#define XHCI_IMOD 0x04
#define XHCI_ERSTSZ 0x08
#define XHCI_ERSTBA 0x10           /* 64-bit */
#define XHCI_ERDP 0x18             /* 64-bit */
#define XHCI_IMOD_INTERVAL_40US 160  /* IMODI counts 250 ns */
#define XHCI_IMAN_IP (1u << 0)
#define XHCI_IMAN_IE (1u << 1)
#define XHCI_ERDP_EHB (1u << 3)

/* Extended capabilities (7). */
#define XHCI_XCAP_ID(v) ((v) & 0xff)
#define XHCI_XCAP_NEXT(v) (((v) >> 8) & 0xff) /* in dwords, 0 ends the list */
#define XHCI_XCAP_LEGACY 1
#define XHCI_XCAP_PROTOCOL 2
#define XHCI_LEGSUP_BIOS_OWNED (1u << 16)
#define XHCI_LEGSUP_OS_OWNED (1u << 24)
#define XHCI_LEGSUP_OS_OWNED_BYTE 3    /* byte offset of the OS Owned semaphore */
#define XHCI_LEGCTLSTS 0x04
#define XHCI_LEGCTLSTS_SMI_ENABLES 0x0000e011u /* bits 0, 4, 13, 14, 15: SMI on ... enables */
#define XHCI_LEGCTLSTS_SMI_EVENTS 0xe0000000u  /* bits 29-31: RW1C SMI on OS/PCI/BAR events */
#define XHCI_PROTO_MAJOR(v) ((v) >> 24) /* dword 0 */
#define XHCI_PROTO_PORT_OFFSET(v) ((v) & 0xff) /* dword 2 */
#define XHCI_PROTO_PORT_COUNT(v) (((v) >> 8) & 0xff)

/* TRBs (6.4): 16 bytes, the cycle bit in bit 0 of the control dword. */
struct xhci_trb {
	uint32_t d[4];
};
#define TRB_CYCLE (1u << 0)
#define TRB_ENT (1u << 1)
#define TRB_LINK_TC (1u << 1)      /* Link TRB: toggle cycle */
#define TRB_ISP (1u << 2)
#define TRB_IOC (1u << 5)
#define TRB_IDT (1u << 6)
#define TRB_BSR (1u << 9)          /* Address Device: block SET_ADDRESS */
#define TRB_TYPE(t) ((uint32_t)(t) << 10)
#define TRB_GET_TYPE(d3) (((d3) >> 10) & 0x3f)
#define TRB_SLOT(s) ((uint32_t)(s) << 24)
#define TRB_GET_SLOT(d3) ((d3) >> 24)
#define TRB_EP(e) ((uint32_t)(e) << 16)
#define TRB_GET_EP(d3) (((d3) >> 16) & 0x1f)
#define TRB_DIR_IN (1u << 16)      /* Data and Status stage */
#define TRB_TRT_NONE (0u << 16)    /* Setup stage transfer type */
#define TRB_TRT_OUT (2u << 16)
#define TRB_TRT_IN (3u << 16)
#define TRB_GET_CC(d2) ((d2) >> 24)
#define TRB_GET_LEN(d2) ((d2) & 0xffffff)
#define TRB_GET_XFER_LEN(d2) ((d2) & 0x1ffff) /* a transfer TRB's TRB Transfer Length */

enum xhci_trb_type {
	TRB_NORMAL = 1, TRB_SETUP = 2, TRB_DATA = 3, TRB_STATUS = 4, TRB_LINK = 6,
	TRB_ENABLE_SLOT = 9, TRB_DISABLE_SLOT = 10, TRB_ADDRESS_DEVICE = 11,
	TRB_CONFIGURE_EP = 12, TRB_EVALUATE_CTX = 13, TRB_RESET_EP = 14, TRB_STOP_EP = 15,
	TRB_SET_TR_DEQUEUE = 16, TRB_NOOP_CMD = 23,
	TRB_EV_TRANSFER = 32, TRB_EV_CMD_COMPLETION = 33, TRB_EV_PORT_STATUS = 34,
	TRB_EV_HOST_CONTROLLER = 37,
};

/* Completion codes (6.4.5). */
#define XHCI_CC_SUCCESS 1
#define XHCI_CC_BABBLE 3
#define XHCI_CC_USB_TRANSACTION 4
#define XHCI_CC_TRB_ERROR 5
#define XHCI_CC_STALL 6
#define XHCI_CC_NO_SLOTS 9 /* No Slots Available Error: Enable Slot, every slot taken */
#define XHCI_CC_SLOT_NOT_ENABLED 11
#define XHCI_CC_SHORT_PACKET 13
#define XHCI_CC_SPLIT_TRANSACTION 18
#define XHCI_CC_CONTEXT_STATE 19 /* the endpoint's state forbids the command (halted, stopped) */
#define XHCI_CC_MISSED_SERVICE 23
#define XHCI_CC_CMD_RING_STOPPED 24
#define XHCI_CC_CMD_ABORTED 25
/* the transfer a Stop Endpoint command caught (4.6.9): its residual valid, not valid, or
 * its data stage ended short */
#define XHCI_CC_STOPPED 26
#define XHCI_CC_STOPPED_LENGTH_INVALID 27
#define XHCI_CC_STOPPED_SHORT_PACKET 28

/* Contexts (6.2): 32 or 64 bytes each (CSZ); the input context has the input control
 * context first, so its slot context is entry 1 and endpoint DCI n is entry n + 1. */
#define XHCI_ICC_DROP 0            /* dword of the input control context */
#define XHCI_ICC_ADD 1
#define XHCI_SLOT_ROUTE(r) ((r) & 0xfffff)
#define XHCI_SLOT_SPEED(s) ((uint32_t)(s) << 20)
#define XHCI_SLOT_MTT (1u << 25)
#define XHCI_SLOT_HUB (1u << 26)
#define XHCI_SLOT_ENTRIES(n) ((uint32_t)(n) << 27)
#define XHCI_SLOT_ROOT_PORT(p) ((uint32_t)(p) << 16) /* dword 1 */
#define XHCI_SLOT_NUM_PORTS(n) ((uint32_t)(n) << 24) /* dword 1 */
#define XHCI_SLOT_TT_HUB(s) ((uint32_t)(s))          /* dword 2 */
#define XHCI_SLOT_TT_PORT(p) ((uint32_t)(p) << 8)    /* dword 2 */
#define XHCI_SLOT_TTT(t) ((uint32_t)(t) << 16)       /* dword 2: a high-speed hub's TT think time */
#define XHCI_EP_INTERVAL(i) ((uint32_t)(i) << 16)    /* dword 0 */
#define XHCI_EP_CERR(c) ((uint32_t)(c) << 1)         /* dword 1 */
#define XHCI_EP_TYPE(t) ((uint32_t)(t) << 3)
#define XHCI_EP_MPS(m) ((uint32_t)(m) << 16)
#define XHCI_EP_AVG_TRB(l) ((uint32_t)(l))           /* dword 4 */
#define XHCI_EP_ESIT_LO(p) ((uint32_t)(p) << 16)
#define XHCI_EP_TYPE_CONTROL 4
#define XHCI_EP_TYPE_INT_IN 7
#define XHCI_DCI_EP0 1

#endif
