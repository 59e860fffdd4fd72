import CLinuxSys
import Foundation
import Synchronization

/// One thread running a level-triggered epoll loop that owns a set of sockets, plus its task queues.
///
/// Every socket belongs to exactly one loop, and all of its state is touched only on that loop's thread,
/// so it needs no locks. Work reaches a loop from other threads through `execute(_:)` (an eventfd wakes the
/// loop) and `scheduleTask(in:_:)` (a timerfd armed for the earliest deadline).
///
/// Each iteration: wait in `epoll_wait` (not at all if tasks are queued), dispatch ready sockets, run due
/// scheduled tasks, then run the immediate tasks queued so far.
public final class NacosEventLoop: @unchecked Sendable {
    // Sendable: cross-thread state lives in `incoming` (a Mutex) and atomics; everything else is confined to
    // the loop thread, which every loop-confined method checks with `assertInEventLoop()`.

    private struct Registration {
        let id: UInt32
        let selectable: any Selectable
    }

    private struct IncomingState {
        var tasks: [@Sendable () -> Void] = []
        var wakeupPending = false
        var acceptingTasks = true
        var terminationWaiters: [CheckedContinuation<Void, Never>] = []
        var terminated = false
    }

    /// The loop's position in its group, used in its thread name.
    public let index: Int

    private let epollFD: Int32
    private let eventFD: Int32
    private let timerFD: Int32
    private let incoming = Mutex(IncomingState())
    private let threadIdentity = Atomic<UInt>(0)
    private let sequence = Atomic<UInt64>(0)
    private let logger: NacosLogger

    // Loop-confined state.
    private var registrations: [Int32: Registration] = [:]
    /// Streams on this loop that have no descriptor (in-memory pipe ends) but must close on shutdown.
    private var attached: [ObjectIdentifier: any Selectable] = [:]
    private var nextRegistrationID: UInt32 = 1
    private var scheduled = ScheduledTaskQueue()
    private var armedTimerDeadline: UInt64 = .max
    private var stopping = false

    /// A buffer sockets on this loop read into; reused while no frame slice holds on to it.
    internal var sharedReadBuffer = NacosByteBuffer()
    /// Scratch `iovec`s for vectored writes by sockets on this loop.
    internal let ioVectorScratch = UnsafeMutablePointer<iovec>.allocate(capacity: NacosEventLoop.ioVectorLimit)
    /// The most buffers one `writev` call sends.
    internal static let ioVectorLimit = 64

    internal init(index: Int, logger: NacosLogger) throws(NacosTransportError) {
        self.index = index
        self.logger = logger
        let epollFD = epoll_create1(CInt(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw SystemCalls.ioError("epoll_create1") }
        let eventFD = eventfd(0, CInt(EFD_CLOEXEC | EFD_NONBLOCK))
        guard eventFD >= 0 else {
            SystemCalls.close(epollFD)
            throw SystemCalls.ioError("eventfd")
        }
        let timerFD = timerfd_create(CLOCK_MONOTONIC, CInt(TFD_CLOEXEC | TFD_NONBLOCK))
        guard timerFD >= 0 else {
            SystemCalls.close(epollFD)
            SystemCalls.close(eventFD)
            throw SystemCalls.ioError("timerfd_create")
        }
        self.epollFD = epollFD
        self.eventFD = eventFD
        self.timerFD = timerFD
        for fd in [eventFD, timerFD] {
            var event = epoll_event()
            event.events = CLinuxSys_EPOLLIN
            event.data.u64 = UInt64(UInt32(bitPattern: fd))
            guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else {
                let error = SystemCalls.ioError("epoll_ctl(ADD)")
                [epollFD, eventFD, timerFD].forEach(SystemCalls.close)
                throw error
            }
        }
    }

    internal func startThread() {
        let thread = Thread { [self] in
            CLinuxSys_setThreadName("nacos-loop-\(self.index)")
            self.run()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    // MARK: - Confinement

    /// Whether the calling thread is this loop's thread.
    public var inEventLoop: Bool {
        self.threadIdentity.load(ordering: .relaxed) == UInt(pthread_self())
    }

    /// Stops the process if called off this loop's thread; use it to guard loop-confined state.
    public func preconditionInEventLoop(file: StaticString = #fileID, line: UInt = #line) {
        precondition(self.inEventLoop, "must be called on event loop \(self.index)", file: file, line: line)
    }

    /// Like `preconditionInEventLoop()`, but only in debug builds.
    @inline(__always)
    internal func assertInEventLoop(file: StaticString = #fileID, line: UInt = #line) {
        assert(self.inEventLoop, "must be called on event loop \(self.index)", file: file, line: line)
    }

    // MARK: - Tasks

    /// Runs `task` on this loop's thread as soon as possible; safe to call from any thread.
    ///
    /// Tasks submitted from one thread run in submission order. Tasks submitted after the loop has shut
    /// down are dropped.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        _ = self.submit(task)
    }

    /// Like `execute(_:)`, but reports whether the task was accepted (`false` once the loop has shut down),
    /// so a caller waiting on the task's result can fail instead of waiting forever.
    internal func submit(_ task: @escaping @Sendable () -> Void) -> Bool {
        let (accepted, needsWakeup) = self.incoming.withLock { state -> (Bool, Bool) in
            guard state.acceptingTasks else { return (false, false) }
            state.tasks.append(task)
            if state.wakeupPending { return (true, false) }
            state.wakeupPending = true
            return (true, true)
        }
        if needsWakeup && !self.inEventLoop {
            _ = eventfd_write(self.eventFD, 1)
        }
        return accepted
    }

    /// Runs `body` on the loop and returns its result; throws `.shutDown` if the loop no longer runs tasks.
    internal func submitAndWait<Result: Sendable>(
        _ body: @escaping @Sendable () throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let accepted = self.submit {
                continuation.resume(with: Swift.Result { try body() })
            }
            if !accepted {
                continuation.resume(throwing: NacosTransportError(.shutDown, "event loop \(self.index) has shut down"))
            }
        }
    }

    /// Runs `task` on this loop after `delay`; safe to call from any thread.
    ///
    /// Tasks fire in deadline order (ties in scheduling order). A task cancelled on the loop before its
    /// deadline never runs.
    @discardableResult
    public func scheduleTask(in delay: Duration, _ task: @escaping @Sendable () -> Void) -> NacosScheduledTask {
        let deadline = SystemCalls.monotonicNanoseconds() &+ SystemCalls.nanoseconds(delay)
        let scheduledTask = NacosScheduledTask(
            deadline: deadline,
            sequence: self.sequence.wrappingAdd(1, ordering: .relaxed).newValue,
            work: task
        )
        if self.inEventLoop {
            self.enqueueScheduled(scheduledTask)
        } else {
            self.execute { self.enqueueScheduled(scheduledTask) }
        }
        return scheduledTask
    }

    private func enqueueScheduled(_ task: NacosScheduledTask) {
        self.assertInEventLoop()
        guard !self.stopping else { return }
        self.scheduled.push(task)
        self.armTimerIfEarlier(task.deadline)
    }

    private func armTimerIfEarlier(_ deadline: UInt64) {
        guard deadline < self.armedTimerDeadline else { return }
        self.armedTimerDeadline = deadline
        let target = max(deadline, 1)
        var spec = itimerspec()
        spec.it_value.tv_sec = Int(target / 1_000_000_000)
        spec.it_value.tv_nsec = Int(target % 1_000_000_000)
        if timerfd_settime(self.timerFD, CInt(TFD_TIMER_ABSTIME), &spec, nil) != 0 {
            self.logger.error("timerfd_settime failed: \(SystemCalls.errnoText(errno))")
        }
    }

    // MARK: - Registration

    /// Adds `fd` to the epoll set with the given interest; returns the registration id that guards against
    /// descriptor reuse.
    internal func register(fd: Int32, interest: UInt32, selectable: any Selectable) throws(NacosTransportError) -> UInt32 {
        self.assertInEventLoop()
        guard !self.stopping else { throw NacosTransportError(.shutDown, "event loop \(self.index) is shutting down") }
        let id = self.nextRegistrationID
        self.nextRegistrationID = self.nextRegistrationID == UInt32.max ? 1 : self.nextRegistrationID + 1
        var event = epoll_event()
        event.events = interest
        event.data.u64 = (UInt64(id) << 32) | UInt64(UInt32(bitPattern: fd))
        guard epoll_ctl(self.epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else {
            throw SystemCalls.ioError("epoll_ctl(ADD)")
        }
        self.registrations[fd] = Registration(id: id, selectable: selectable)
        return id
    }

    /// Changes the interest of a registered descriptor.
    internal func reregister(fd: Int32, registrationID: UInt32, interest: UInt32) {
        self.assertInEventLoop()
        var event = epoll_event()
        event.events = interest
        event.data.u64 = (UInt64(registrationID) << 32) | UInt64(UInt32(bitPattern: fd))
        if epoll_ctl(self.epollFD, EPOLL_CTL_MOD, fd, &event) != 0 {
            self.logger.error("epoll_ctl(MOD) fd \(fd) failed: \(SystemCalls.errnoText(errno))")
        }
    }

    /// Removes a descriptor from the epoll set; call before closing it.
    internal func deregister(fd: Int32) {
        self.assertInEventLoop()
        guard self.registrations.removeValue(forKey: fd) != nil else { return }
        var event = epoll_event()
        _ = epoll_ctl(self.epollFD, EPOLL_CTL_DEL, fd, &event)
    }

    /// Tracks a stream without a descriptor so that shutdown closes it too.
    internal func attach(_ selectable: any Selectable) {
        self.assertInEventLoop()
        self.attached[ObjectIdentifier(selectable)] = selectable
    }

    /// Stops tracking a stream attached with `attach(_:)`.
    internal func detach(_ selectable: any Selectable) {
        self.assertInEventLoop()
        self.attached.removeValue(forKey: ObjectIdentifier(selectable))
    }

    // MARK: - Running

    private func run() {
        self.threadIdentity.store(UInt(pthread_self()), ordering: .releasing)
        let maxEvents = 512
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: maxEvents)
        defer { events.deallocate() }
        var immediate: [@Sendable () -> Void] = []
        immediate.reserveCapacity(256)

        while true {
            let hasTasks = self.incoming.withLock { !$0.tasks.isEmpty }
            let ready = epoll_wait(self.epollFD, events, CInt(maxEvents), hasTasks ? 0 : -1)
            if ready < 0 && errno != EINTR {
                self.logger.log(level: .critical, "epoll_wait failed: \(SystemCalls.errnoText(errno))")
            }
            if ready > 0 {
                for i in 0..<Int(ready) {
                    self.dispatch(events[i])
                }
            }
            self.runDueScheduledTasks()
            self.runImmediateTasks(into: &immediate)
            if self.stopping {
                break
            }
        }
        self.finishShutdown(into: &immediate)
    }

    private func dispatch(_ event: epoll_event) {
        let data = event.data.u64
        let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: data))
        let id = UInt32(truncatingIfNeeded: data >> 32)
        if fd == self.eventFD {
            var value: eventfd_t = 0
            _ = eventfd_read(self.eventFD, &value)
            return
        }
        if fd == self.timerFD {
            var expirations: UInt64 = 0
            _ = read(self.timerFD, &expirations, 8)
            self.armedTimerDeadline = .max
            return
        }
        // A registration whose id no longer matches belongs to a descriptor closed (and perhaps reused)
        // earlier in this batch: drop the stale event.
        guard let registration = self.registrations[fd], registration.id == id else { return }
        registration.selectable.handleEvents(event.events)
    }

    private func runDueScheduledTasks() {
        guard !self.scheduled.isEmpty else { return }
        let now = SystemCalls.monotonicNanoseconds()
        while let first = self.scheduled.first, first.deadline <= now {
            _ = self.scheduled.pop()
            if !first.isCancelled {
                first.work()
            }
        }
        while let first = self.scheduled.first, first.isCancelled {
            _ = self.scheduled.pop()
        }
        if let first = self.scheduled.first {
            if first.deadline < self.armedTimerDeadline || self.armedTimerDeadline <= now {
                self.armedTimerDeadline = .max
                self.armTimerIfEarlier(first.deadline)
            }
        }
    }

    private func runImmediateTasks(into buffer: inout [@Sendable () -> Void]) {
        // Take at most what is queued now; tasks queued by these tasks run in the next iteration, after
        // I/O has had its turn.
        self.incoming.withLock { state in
            swap(&buffer, &state.tasks)
            state.wakeupPending = false
        }
        for task in buffer {
            task()
        }
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: - Shutdown

    /// Closes every registered socket, runs the tasks that closing queues, and stops the thread.
    internal func initiateShutdown() {
        self.execute {
            self.stopping = true
        }
    }

    /// Waits until the loop's thread has finished.
    internal func waitUntilTerminated() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyDone = self.incoming.withLock { state -> Bool in
                if state.terminated { return true }
                state.terminationWaiters.append(continuation)
                return false
            }
            if alreadyDone { continuation.resume() }
        }
    }

    private func finishShutdown(into buffer: inout [@Sendable () -> Void]) {
        for registration in self.registrations.values {
            registration.selectable.closeForShutdown()
        }
        for selectable in self.attached.values {
            selectable.closeForShutdown()
        }
        self.attached.removeAll()
        // Closing queues callbacks (close notifications, failed writes); let them run, a bounded number
        // of rounds so a task that re-queues itself cannot keep the loop alive.
        for _ in 0..<64 {
            self.runImmediateTasks(into: &buffer)
            if self.incoming.withLock({ $0.tasks.isEmpty }) { break }
        }
        // Stop accepting; tasks accepted before that still run (once), so whoever waits on them hears back:
        // with the loop stopping, a connect or bind they attempt fails with `.shutDown`.
        let lastTasks = self.incoming.withLock { state -> [@Sendable () -> Void] in
            state.acceptingTasks = false
            defer { state.tasks.removeAll() }
            return state.tasks
        }
        for task in lastTasks {
            task()
        }
        let waiters = self.incoming.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.terminated = true
            defer { state.terminationWaiters.removeAll() }
            return state.terminationWaiters
        }
        _ = self.scheduled.removeAll()
        self.registrations.removeAll()
        SystemCalls.close(self.timerFD)
        SystemCalls.close(self.eventFD)
        SystemCalls.close(self.epollFD)
        self.ioVectorScratch.deallocate()
        for waiter in waiters {
            waiter.resume()
        }
    }
}

extension NacosEventLoop: CustomStringConvertible {
    /// `NacosEventLoop(index)`.
    public var description: String { "NacosEventLoop(\(self.index))" }
}
