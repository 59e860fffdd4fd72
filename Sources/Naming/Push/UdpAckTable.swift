import NacosRemote
import NacosTransport
import Synchronization

/// The UDP pushes waiting for their ack (Nacos's `UdpConnector.ackMap` and callback map), keyed by
/// subscriber address and `lastRefTime`, bounded in count and bytes.
///
/// Each entry remembers its packet for retransmission, how often it was sent, and its timer. Every method
/// takes the entry out under the lock and resumes the waiting push outside it.
internal final class UdpAckTable: Sendable {
    /// What identifies a push's ack: the subscriber's (canonical) address and the packet's `lastRefTime`.
    struct Key: Hashable, Sendable, CustomStringConvertible {
        let address: NacosSocketAddress
        let lastRefTime: Int64

        /// `ip:port:lastRefTime`, the form of Nacos's `AckEntry.getAckKey`.
        var description: String { "\(self.address):\(self.lastRefTime)" }
    }

    /// What to do when an entry's ack timer fires.
    enum TimeoutAction {
        /// Send the packet again (this is transmission `transmission`).
        case retransmit(packet: [UInt8], transmission: Int)
        /// Give up: the push is out of retransmissions.
        case fail(CheckedContinuation<Void, any Error>, transmissions: Int)
        /// Nothing: the entry was acknowledged or failed already.
        case none
    }

    private struct Entry {
        let continuation: CheckedContinuation<Void, any Error>
        let packet: [UInt8]
        /// How often the packet was sent (the first transmission counts).
        var transmissions: Int
        var timer: (any NacosTimer)?
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var closed = false
    }

    private let maxEntries: Int
    private let maxBytes: Int
    private let state = Mutex(State())

    /// Creates a table holding at most `maxEntries` pushes and `maxBytes` bytes of packets.
    init(maxEntries: Int, maxBytes: Int) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// The number of pushes waiting for their ack.
    var count: Int { self.state.withLock { $0.entries.count } }

    /// Adds a push about to be sent for the first time; returns why it was refused (full, shut down), or
    /// `nil` when added.
    func insert(_ key: Key, packet: [UInt8], continuation: CheckedContinuation<Void, any Error>) -> (any Error)? {
        self.state.withLock { state -> (any Error)? in
            if state.closed { return UdpPushError(.shutDown, "the UDP push executor is shut down") }
            if state.entries.count >= self.maxEntries {
                return NacosTransportError(.resourceExhausted, "\(state.entries.count) UDP pushes await acks (maxPendingAcks)")
            }
            if state.bytes + packet.count > self.maxBytes {
                return NacosTransportError(.resourceExhausted, "UDP pushes awaiting acks hold \(state.bytes) bytes (maxPendingAckBytes)")
            }
            // Keys are unique by construction (lastRefTime never repeats); refuse rather than overwrite.
            guard state.entries[key] == nil else { return NacosTransportError(.resourceExhausted, "a push to \(key) is already pending") }
            state.entries[key] = Entry(continuation: continuation, packet: packet, transmissions: 1)
            state.bytes += packet.count
            return nil
        }
    }

    /// Stores the ack timer of transmission `transmission`; cancels it when the entry moved on or is gone.
    func setTimer(_ timer: any NacosTimer, for key: Key, transmission: Int) {
        let stale = self.state.withLock { state -> Bool in
            guard state.entries[key]?.transmissions == transmission else { return true }
            state.entries[key]!.timer = timer
            return false
        }
        if stale { timer.cancel() }
    }

    /// Decides what a timer of transmission `transmission` firing means: retransmit while fewer than
    /// `maxRetransmissions` retransmissions were made, else remove the entry and fail.
    func timedOut(_ key: Key, transmission: Int, maxRetransmissions: Int) -> TimeoutAction {
        self.state.withLock { state -> TimeoutAction in
            guard let entry = state.entries[key], entry.transmissions == transmission else { return .none }
            if entry.transmissions <= maxRetransmissions {
                state.entries[key]!.transmissions += 1
                state.entries[key]!.timer = nil
                return .retransmit(packet: entry.packet, transmission: entry.transmissions + 1)
            }
            state.entries[key] = nil
            state.bytes -= entry.packet.count
            return .fail(entry.continuation, transmissions: entry.transmissions)
        }
    }

    /// Completes the push `key` successfully; `false` when no such push is pending.
    func acknowledge(_ key: Key) -> Bool {
        guard let entry = self.remove(key) else { return false }
        entry.timer?.cancel()
        entry.continuation.resume()
        return true
    }

    /// Fails the push `key` with `error`; `false` when no such push is pending.
    @discardableResult
    func fail(_ key: Key, with error: any Error) -> Bool {
        guard let entry = self.remove(key) else { return false }
        entry.timer?.cancel()
        entry.continuation.resume(throwing: error)
        return true
    }

    /// Refuses new pushes and fails every pending one with `error`; returns how many were failed.
    func close(failingWith error: any Error) -> Int {
        let entries = self.state.withLock { state -> [Entry] in
            state.closed = true
            defer {
                state.entries = [:]
                state.bytes = 0
            }
            return Array(state.entries.values)
        }
        for entry in entries {
            entry.timer?.cancel()
            entry.continuation.resume(throwing: error)
        }
        return entries.count
    }

    private func remove(_ key: Key) -> Entry? {
        self.state.withLock { state -> Entry? in
            guard let entry = state.entries.removeValue(forKey: key) else { return nil }
            state.bytes -= entry.packet.count
            return entry
        }
    }
}
