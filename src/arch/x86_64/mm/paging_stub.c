#include <lios/paging.h>
#include <lios/errno.h>
int paging_unmap(vaddr_t va, size_t n){(void)va;(void)n;return -ENOSYS;}
