/// Something registered with an event loop's epoll set: a socket, a listener.
///
/// Confined to its loop; `handleEvents` is called by the loop with the ready epoll flags.
internal protocol Selectable: AnyObject {
    /// Handles readiness flags (`EPOLLIN`, `EPOLLOUT`, `EPOLLERR`, `EPOLLHUP`, `EPOLLRDHUP`).
    func handleEvents(_ events: UInt32)

    /// Closes at once because the loop is shutting down.
    func closeForShutdown()
}
