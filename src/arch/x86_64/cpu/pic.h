/* SPDX-License-Identifier: MIT */
/* The two 8259A PICs (pic.c), used only by the interrupt layer (irq.c). */
#ifndef ARCH_PIC_H
#define ARCH_PIC_H

#include <lios/irq_model.h>
#include <lios/types.h>

/* Reinitialise both PICs: master at vector_base, slave at vector_base + 8, all lines
 * masked except the cascade. Interrupts disabled. */
void pic_init(uint8_t vector_base);
/* Set/read the mask of all 16 lines (bit n: line n masked). */
void pic_set_mask(uint16_t mask);
uint16_t pic_get_mask(void);
/* End of interrupt for line irq (the slave's lines also need the master's EOI). */
void pic_eoi(unsigned int irq);
/* True when IRQ 7 or 15 arrived without its in-service bit: a spurious interrupt, which
 * must not get an EOI from its own PIC (IRQ 15 still needs the master's, for the cascade). */
bool pic_is_spurious(unsigned int irq);
/* In-service registers, bit n: line n (for self-tests). */
uint16_t pic_get_isr(void);
/* Whether the firmware's model (NULL: none) makes ISA line irq level-triggered. Pure. */
bool pic_line_level(const struct irq_model *model, unsigned int irq);
/* Set line irq's ELCR bit (*changed: it was clear): 0, or -EINVAL for an edge-only line
 * (0, 1, 2, 8, 13) or irq >= 16. Interrupts disabled. */
int pic_set_level(unsigned int irq, bool *changed);
/* Both ELCRs, bit n: line n level-triggered. */
uint16_t pic_get_elcr(void);

#endif
