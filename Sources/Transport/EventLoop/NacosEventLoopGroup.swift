import CLinuxSys
import Synchronization

/// A fixed set of event loops, one thread each, handed out round-robin.
///
/// Create one per process (or use `shared`) and shut it down with `shutdownGracefully()`, which closes
/// every socket its loops own and stops their threads.
public final class NacosEventLoopGroup: Sendable {
    /// The group's loops.
    public let loops: [NacosEventLoop]
    private let nextIndex = Atomic<Int>(0)
    private let shutDown = Atomic<Bool>(false)

    /// A process-wide group with one loop per core, started on first use and never shut down.
    public static let shared: NacosEventLoopGroup = {
        do {
            return try NacosEventLoopGroup()
        } catch {
            fatalError("cannot start the shared event loop group: \(error)")
        }
    }()

    /// The number of online processors, the default loop count.
    public static var coreCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Creates and starts `numberOfThreads` loops (one per core by default).
    ///
    /// - Throws: `NacosTransportError` if the kernel refuses an epoll, eventfd or timerfd descriptor.
    public init(numberOfThreads: Int = NacosEventLoopGroup.coreCount, logger: NacosLogger = NacosLogger(label: "nacos.eventloop")) throws(NacosTransportError) {
        precondition(numberOfThreads > 0, "an event loop group needs at least one thread")
        CLinuxSys_ignoreSIGPIPE()
        var loops: [NacosEventLoop] = []
        for index in 0..<numberOfThreads {
            loops.append(try NacosEventLoop(index: index, logger: logger))
        }
        self.loops = loops
        for loop in loops {
            loop.startThread()
        }
    }

    /// The next loop in round-robin order.
    public func next() -> NacosEventLoop {
        let index = self.nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        return self.loops[(index % self.loops.count + self.loops.count) % self.loops.count]
    }

    /// Whether `shutdownGracefully()` has been called.
    public var isShutDown: Bool {
        self.shutDown.load(ordering: .acquiring)
    }

    /// Closes every socket on every loop, lets their close callbacks run, and stops the threads.
    ///
    /// Calling it again waits for the same shutdown.
    public func shutdownGracefully() async {
        if !self.shutDown.exchange(true, ordering: .acquiringAndReleasing) {
            for loop in self.loops {
                loop.initiateShutdown()
            }
        }
        for loop in self.loops {
            await loop.waitUntilTerminated()
        }
    }
}
