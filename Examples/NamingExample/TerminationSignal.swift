import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Waits for SIGINT (Ctrl-C) or SIGTERM.
enum TerminationSignal {
    /// Suspends until the process receives SIGINT or SIGTERM, and returns its name; the signals stay
    /// ignored afterwards, so a second Ctrl-C does not cut the clean-up short.
    static func wait() async -> String {
        let (names, sink) = AsyncStream.makeStream(of: String.self)
        let queue = DispatchQueue(label: "naming-example.signals")
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { sink.yield(name) }
            source.resume()
            sources.append(source)
        }
        var received = "end of input"
        for await name in names {
            received = name
            break
        }
        for source in sources { source.cancel() }
        return received
    }
}
