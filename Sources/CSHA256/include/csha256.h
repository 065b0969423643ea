#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// The 64 round constants K of FIPS 180-4 (shared by the hardware and the portable path).
const uint32_t *csha256_round_constants(void);

/// Whether this CPU has the SHA-256 instructions (x86-64 SHA extensions) that
/// `csha256_compress_hardware` uses. 0 elsewhere.
int csha256_hardware_available(void);

/// The SHA-256 compression function over `blocks` consecutive 64-byte blocks at `data`,
/// updating `state` (h0...h7) in place, with the CPU's SHA instructions. Call only when
/// `csha256_hardware_available()` is nonzero.
void csha256_compress_hardware(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
