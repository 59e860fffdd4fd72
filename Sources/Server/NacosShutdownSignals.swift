import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Waits for SIGINT or SIGTERM through Dispatch signal sources, so that the server can shut down
/// gracefully instead of being killed.
///
/// `install()` returns only once both sources are registered with the kernel: a Linux signal source
/// registers asynchronously, and a signal sent before that would still get the default disposition
/// (terminate). Report the process ready after `install()` returns.
public final class NacosShutdownSignals: Sendable {
    private struct State {
        var received: [String] = []
        var waiters: [CheckedContinuation<String, Never>] = []
    }

    /// The sources, kept alive while the watcher lives (Dispatch objects may be used from any thread).
    private let sources: Mutex<[RetainedSignalSource]>
    private let state = Mutex(State())

    private init() {
        self.sources = Mutex([])
    }

    /// Starts watching SIGINT and SIGTERM and returns once both are registered.
    public static func install() async -> NacosShutdownSignals {
        let signals = NacosShutdownSignals()
        let queue = DispatchQueue(label: "nacos.signals")
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            #if os(macOS)
            signal(number, SIG_IGN)
            #endif
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { @Sendable in signals.deliver(name) }
            await withCheckedContinuation { (registered: CheckedContinuation<Void, Never>) in
                source.setRegistrationHandler { @Sendable in registered.resume() }
                source.resume()
            }
            let retained = RetainedSignalSource(source: source)
            signals.sources.withLock { $0.append(retained) }
        }
        return signals
    }

    /// Waits for the next SIGINT or SIGTERM and returns its name.
    public func next() async -> String {
        await withCheckedContinuation { continuation in
            let ready = self.state.withLock { state -> String? in
                if !state.received.isEmpty { return state.received.removeFirst() }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func deliver(_ name: String) {
        let waiter = self.state.withLock { state -> CheckedContinuation<String, Never>? in
            if state.waiters.isEmpty {
                state.received.append(name)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: name)
    }
}

/// Keeps a Dispatch signal source alive; Dispatch objects are thread-safe, which the type system cannot see.
private struct RetainedSignalSource: @unchecked Sendable {
    let source: any DispatchSourceSignal
}
