/* SPDX-License-Identifier: MIT */
/* Between irq.c and irq_vector.c: dispatch of the dynamic (MSI) vectors. */
#ifndef ARCH_IRQ_VECTOR_H
#define ARCH_IRQ_VECTOR_H

#include <lios/types.h>

/* Run the handler of dynamic vector 'vector' and EOI it; false when not dynamic.
 * Interrupts disabled. */
bool irq_vector_dispatch(unsigned int vector);

#endif
