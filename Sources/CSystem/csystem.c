#define _GNU_SOURCE
#include "csystem.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

// The raw system call: older C libraries lack the renameat2 wrapper.
static int rename2(const char *from, const char *to, unsigned int flags) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
}
int hc_rename_exchange(const char *from, const char *to) { return rename2(from, to, RENAME_EXCHANGE); }
int hc_rename_noreplace(const char *from, const char *to) { return rename2(from, to, RENAME_NOREPLACE); }

#elif defined(__APPLE__)
int hc_rename_exchange(const char *from, const char *to) { return renamex_np(from, to, RENAME_SWAP); }
int hc_rename_noreplace(const char *from, const char *to) { return renamex_np(from, to, RENAME_EXCL); }

#else
int hc_rename_exchange(const char *from, const char *to) { (void)from; (void)to; errno = ENOSYS; return -1; }
int hc_rename_noreplace(const char *from, const char *to) { (void)from; (void)to; errno = ENOSYS; return -1; }
#endif
