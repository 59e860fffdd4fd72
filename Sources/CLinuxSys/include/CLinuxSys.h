#ifndef C_LINUX_SYS_H
#define C_LINUX_SYS_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <signal.h>
#include <pthread.h>
#include <limits.h>
#include <spawn.h>

/// The thread id of the calling thread (gettid), used for event-loop confinement checks.
int CLinuxSys_gettid(void);

/// Ignores SIGPIPE for the process, so a write to a closed socket returns EPIPE instead of killing us.
void CLinuxSys_ignoreSIGPIPE(void);

/// Names the calling thread (visible in ps, top and perf); names longer than 15 bytes are cut.
void CLinuxSys_setThreadName(const char *name);

/// accept4(2), which needs _GNU_SOURCE and so does not import from the system headers.
int CLinuxSys_accept4(int fd, int flags);

/// epoll event flags as plain integers (the macros import as enum cases of differing types).
static const unsigned int CLinuxSys_EPOLLIN = EPOLLIN;
static const unsigned int CLinuxSys_EPOLLOUT = EPOLLOUT;
static const unsigned int CLinuxSys_EPOLLERR = EPOLLERR;
static const unsigned int CLinuxSys_EPOLLHUP = EPOLLHUP;
static const unsigned int CLinuxSys_EPOLLRDHUP = EPOLLRDHUP;

/// posix_spawn_file_actions_addclosefrom_np(3): the child closes every descriptor from `lowest` on.
int CLinuxSys_spawnCloseFrom(posix_spawn_file_actions_t *actions, int lowest);

/// posix_spawn_file_actions_addchdir_np(3): the child starts in `directory`.
int CLinuxSys_spawnChangeDirectory(posix_spawn_file_actions_t *actions, const char *directory);

#endif
