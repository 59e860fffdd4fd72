import NacosHTTP2
import NacosRemote
import NacosTransport
import Synchronization

/// Process-wide source of gRPC payload connection ids.
private let grpcConnectionIDs = Atomic<UInt64>(0)

/// What the server and client gRPC payload connections share: the thread-safe surface of
/// `NacosPayloadConnection` (the id, addresses, open and writable flags, close waiters) and the hop of
/// sends from any thread onto the HTTP/2 connection's loop, batched through an outbox.
///
/// `@unchecked Sendable`: `shared` is a Mutex and the flags are atomics; `http2` and `handler` are set
/// once on the loop before any other thread can see the connection, and used on the loop only.
internal final class GRPCPayloadConnectionCore: @unchecked Sendable {
    private struct Shared {
        var outbox: [(NacosPayload, NacosByteBuffer, (@Sendable (Result<Void, NacosTransportError>) -> Void)?)] = []
        var closed = false
        var closeError: (any Error)?
        var closeWaiters: [CheckedContinuation<(any Error)?, Never>] = []
    }

    let id: UInt64
    let eventLoop: NacosEventLoop
    let codec: NacosGRPCMessageCodec
    private(set) var localAddress: NacosSocketAddress?
    private(set) var remoteAddress: NacosSocketAddress?
    private let shared = Mutex(Shared())
    private let open = Atomic<Bool>(false)
    private let writable = Atomic<Bool>(true)

    init(eventLoop: NacosEventLoop, codec: NacosGRPCMessageCodec) {
        self.id = grpcConnectionIDs.wrappingAdd(1, ordering: .relaxed).newValue
        self.eventLoop = eventLoop
        self.codec = codec
    }

    var isOpen: Bool { self.open.load(ordering: .relaxed) }
    var isWritable: Bool { self.writable.load(ordering: .relaxed) }

    /// Records the stream's addresses and marks the connection open; on the loop, before it is handed out.
    func opened(local: NacosSocketAddress?, remote: NacosSocketAddress?, writable: Bool) {
        self.localAddress = local
        self.remoteAddress = remote
        self.writable.store(writable, ordering: .relaxed)
        self.open.store(true, ordering: .relaxed)
    }

    /// Records a writability change.
    func writabilityChanged(_ isWritable: Bool) {
        self.writable.store(isWritable, ordering: .relaxed)
    }

    /// Encodes `payload` on the calling thread and hands it to `deliver` on the loop (at once when already
    /// there; otherwise batched with the other sends queued since the loop last drained).
    func send(
        _ payload: NacosPayload,
        completion: (@Sendable (Result<Void, NacosTransportError>) -> Void)?,
        deliver: @escaping @Sendable ([(NacosPayload, NacosByteBuffer, (@Sendable (Result<Void, NacosTransportError>) -> Void)?)]) -> Void
    ) throws(NacosRemoteError) {
        let message = try self.codec.encode(payload)
        if self.eventLoop.inEventLoop {
            deliver([(payload, message, completion)])
            return
        }
        let first = self.shared.withLock { state -> Bool? in
            guard !state.closed else { return nil }
            state.outbox.append((payload, message, completion))
            return state.outbox.count == 1
        }
        switch first {
        case nil:
            completion?(.failure(NacosTransportError(.connectionClosed, "send on a closed gRPC connection")))
        case true?:
            self.eventLoop.execute { [self] in
                let batch = self.shared.withLock { state in
                    defer { state.outbox.removeAll(keepingCapacity: true) }
                    return state.outbox
                }
                deliver(batch)
            }
        case false?:
            break
        }
    }

    /// Marks the connection closed, fails what is still queued and wakes the close waiters.
    func closed(error: (any Error)?) {
        self.open.store(false, ordering: .relaxed)
        let (waiters, outbox) = self.shared.withLock { state in
            state.closed = true
            state.closeError = error
            defer {
                state.closeWaiters.removeAll()
                state.outbox.removeAll()
            }
            return (state.closeWaiters, state.outbox)
        }
        let failure = NacosTransportError(.connectionClosed, "gRPC connection closed before the message was sent")
        for (_, _, completion) in outbox { completion?(.failure(failure)) }
        for waiter in waiters { waiter.resume(returning: error) }
    }

    /// Waits until `closed(error:)` ran.
    func waitUntilClosed() async -> (any Error)? {
        await withCheckedContinuation { continuation in
            let result = self.shared.withLock { state -> (any Error)?? in
                if state.closed { return .some(state.closeError) }
                state.closeWaiters.append(continuation)
                return .none
            }
            if let error = result {
                continuation.resume(returning: error)
            }
        }
    }
}
