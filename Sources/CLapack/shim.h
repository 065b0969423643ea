#ifndef HEALTHCAL_CLAPACK_SHIM_H
#define HEALTHCAL_CLAPACK_SHIM_H
// OpenBLAS's CBLAS (Debian: libopenblas-dev) and the LAPACKE C interface (liblapacke-dev).
#include <cblas.h>
#include <lapacke.h>
#endif
