import Foundation
import Synchronization

/// One connection's share of the `zk-load` creates: keeps up to `depth` CreateRequests pipelined on its
/// session, taking znode numbers from a shared counter, and times each create from its write to its reply.
struct ZooKeeperLoadLane: Sendable {
    /// What one lane did.
    struct Outcome: Sendable {
        /// Latency of every create, in nanoseconds.
        var samples: [UInt32] = []
        /// Creates answered.
        var completed = 0
        /// Creates answered with an error code.
        var errors = 0
        /// The first error code seen.
        var firstError: Int32?
        /// Why the lane stopped early, if it did.
        var failure: String?
        /// `CLOCK_MONOTONIC` nanoseconds of the last reply.
        var lastReplyNanoseconds: UInt64 = 0
    }

    /// The session.
    let connection: ZooKeeperConnection
    /// The phase's shared counter.
    let counter: SharedCounter
    /// Znodes in the phase, over all lanes.
    let total: Int
    /// Path prefix; the znode number follows it.
    let prefix: String
    /// Each znode's data.
    let data: [UInt8]
    /// Creates in flight on this connection.
    let depth: Int
    /// No create is sent after this `CLOCK_MONOTONIC` time.
    let stopSending: UInt64
    /// The lane gives up waiting for replies after this time.
    let giveUp: UInt64

    /// Runs the lane to completion on the calling thread.
    func run() -> Outcome {
        var outcome = Outcome()
        outcome.samples.reserveCapacity(self.total / max(1, self.depth) + 16)
        var sentAt = [UInt64](repeating: 0, count: self.depth)
        var xids = [Int32](repeating: 0, count: self.depth)
        var head = 0
        var inFlight = 0
        var exhausted = false
        var frame: [UInt8] = []
        frame.reserveCapacity(self.depth * (self.data.count + 96))
        do {
            // Tops the pipeline up to `depth` creates and writes them in one send.
            func refill() throws {
                frame.removeAll(keepingCapacity: true)
                var added = 0
                let now = MonotonicClock.nanoseconds()
                while !exhausted && inFlight + added < self.depth {
                    guard now < self.stopSending else {
                        exhausted = true
                        break
                    }
                    let number = self.counter.take()
                    guard number < self.total else {
                        exhausted = true
                        break
                    }
                    let xid = self.connection.takeXid()
                    ZooKeeperWire.appendCreateRequest(xid: xid, path: self.prefix + String(number), data: self.data, to: &frame)
                    let slot = (head + inFlight + added) % self.depth
                    xids[slot] = xid
                    added += 1
                }
                guard added > 0 else { return }
                let sent = MonotonicClock.nanoseconds()
                for offset in 0..<added { sentAt[(head + inFlight + offset) % self.depth] = sent }
                inFlight += added
                try self.connection.send(frame)
            }
            try refill()
            while inFlight > 0 {
                var received = false
                let arrived = try self.connection.readReplies(until: self.giveUp) { reply in
                    guard reply.xid != ZooKeeperWire.pingXid else { return }
                    guard inFlight > 0, reply.xid == xids[head] else {
                        throw BenchmarkError("zookeeper: reply xid \(reply.xid) out of order (expected \(inFlight > 0 ? String(xids[head]) : "none"))")
                    }
                    let now = MonotonicClock.nanoseconds()
                    outcome.samples.append(UInt32(clamping: now &- sentAt[head]))
                    outcome.lastReplyNanoseconds = now
                    outcome.completed += 1
                    if reply.error != 0 {
                        outcome.errors += 1
                        if outcome.firstError == nil { outcome.firstError = reply.error }
                    }
                    head = (head + 1) % self.depth
                    inFlight -= 1
                    received = true
                }
                guard arrived else { throw BenchmarkError("zookeeper: \(inFlight) create(s) unanswered at the deadline") }
                if received { try refill() }
            }
        } catch {
            outcome.failure = "\(error)"
        }
        return outcome
    }

    /// Runs each lane on its own thread and returns their outcomes, in order, once all have ended.
    static func runAll(_ lanes: [ZooKeeperLoadLane]) async -> [Outcome] {
        guard !lanes.isEmpty else { return [] }
        let results = Mutex<[Int: Outcome]>([:])
        return await withCheckedContinuation { (continuation: CheckedContinuation<[Outcome], Never>) in
            for (index, lane) in lanes.enumerated() {
                let thread = Thread {
                    let outcome = lane.run()
                    let all = results.withLock { results -> [Outcome]? in
                        results[index] = outcome
                        guard results.count == lanes.count else { return nil }
                        return (0..<lanes.count).map { results[$0] ?? Outcome() }
                    }
                    if let all { continuation.resume(returning: all) }
                }
                thread.name = "zk-load-\(index)"
                thread.start()
            }
        }
    }
}
