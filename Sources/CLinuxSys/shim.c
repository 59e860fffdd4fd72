#define _GNU_SOURCE
#include "CLinuxSys.h"
#include <sys/syscall.h>

int CLinuxSys_gettid(void) {
    return (int)syscall(SYS_gettid);
}

void CLinuxSys_ignoreSIGPIPE(void) {
    signal(SIGPIPE, SIG_IGN);
}

int CLinuxSys_accept4(int fd, int flags) {
    return accept4(fd, NULL, NULL, flags);
}
