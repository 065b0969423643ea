#ifndef HEALTHCAL_CLIBPQ_SHIM_H
#define HEALTHCAL_CLIBPQ_SHIM_H
// PostgreSQL's C client library (Debian: libpq-dev; pkg-config libpq).
#include <libpq-fe.h>
#endif
