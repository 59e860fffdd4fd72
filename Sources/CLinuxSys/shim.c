#define _GNU_SOURCE
#include "CLinuxSys.h"
#include <sys/syscall.h>
#include <string.h>

int CLinuxSys_gettid(void) {
    return (int)syscall(SYS_gettid);
}

void CLinuxSys_ignoreSIGPIPE(void) {
    signal(SIGPIPE, SIG_IGN);
}

int CLinuxSys_accept4(int fd, int flags) {
    return accept4(fd, NULL, NULL, flags);
}

void CLinuxSys_setThreadName(const char *name) {
    char shortName[16];
    strncpy(shortName, name, sizeof(shortName) - 1);
    shortName[sizeof(shortName) - 1] = 0;
    pthread_setname_np(pthread_self(), shortName);
}

int CLinuxSys_spawnCloseFrom(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

int CLinuxSys_spawnChangeDirectory(posix_spawn_file_actions_t *actions, const char *directory) {
    return posix_spawn_file_actions_addchdir_np(actions, directory);
}
