#ifndef HEALTHCAL_CSYSTEM_H
#define HEALTHCAL_CSYSTEM_H
// The system calls Swift's C library modules do not export: Linux's renameat2 (glibc declares it
// only under _GNU_SOURCE), which puts a whole output folder in place with one atomic rename.

/// Swaps two existing paths atomically (Linux renameat2 RENAME_EXCHANGE, macOS renamex_np
/// RENAME_SWAP). Returns 0, or -1 with errno set (EINVAL or ENOSYS where unsupported).
int hc_rename_exchange(const char *from, const char *to);

/// Renames `from` to `to` only if `to` does not exist (RENAME_NOREPLACE / RENAME_EXCL): the check
/// and the rename are one step. Returns 0, or -1 with errno set (EEXIST when `to` exists).
int hc_rename_noreplace(const char *from, const char *to);

#endif
