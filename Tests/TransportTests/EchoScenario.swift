import NacosTransport
import Synchronization
import Testing

// The echo scenario every transport must pass. This file is self-contained (it needs only NacosTransport,
// Synchronization and Testing) so another test target can copy it as it is: call
// `runEchoScenario(transport:listenAddress:)` with a transport whose event loop group the caller owns.

/// Runs the echo scenario over `transport`: listens on `listenAddress`, connects three clients, echoes
/// frames of mixed sizes (empty through 1 MiB) in order, checks addresses, completions, orderly closes from
/// both sides, and that the closed listener refuses new connections.
func runEchoScenario(transport: any NacosTransport, listenAddress: NacosSocketAddress) async throws {
    let server = EchoScenarioServer()
    let listener = try await transport.listen(on: listenAddress, acceptor: server.accept)
    let bound = listener.localAddress
    #expect(bound.family == listenAddress.family)
    if listenAddress.family != .inMemory {
        #expect(bound.host == listenAddress.host)
        #expect(bound.port != 0)
        if listenAddress.port != 0 { #expect(bound.port == listenAddress.port) }
    }

    // Connect one at a time so accepted connection i belongs to client i.
    var clients: [(connection: any NacosConnection, collector: EchoScenarioCollector)] = []
    for index in 0..<3 {
        let connection = try await transport.connect(to: bound)
        let collector = EchoScenarioCollector()
        connection.start(collector)
        clients.append((connection, collector))
        try await echoScenarioWait("accepted connection \(index)") { server.count == index + 1 }
        let accepted = server.connection(index)
        #expect(connection.isOpen)
        #expect(connection.remoteAddress == bound)
        #expect(connection.localAddress != nil)
        #expect(accepted.remoteAddress == connection.localAddress)
        #expect(accepted.localAddress == bound)
        #expect(accepted.id != connection.id)
    }
    #expect(Set(clients.map(\.connection.id)).count == 3)

    // Mixed sizes around every boundary the frame layer has (header, coalescing limit, read chunk),
    // interleaved with runs of small frames.
    let sizes = [0, 1, 3, 4, 100, 1000, 16_383, 16_384, 16_385, 65_536, 70_000, 1_048_576] + (0..<200).map { $0 % 50 }
    // Payloads are slices of one pattern at offsets that differ per client and frame (cheap to build and
    // to compare, even in debug builds).
    var patternBytes = [UInt8](repeating: 0, count: sizes.max()! + 4096)
    var state: UInt32 = 2_463_534_242
    for i in patternBytes.indices {
        state ^= state << 13
        state ^= state >> 17
        state ^= state << 5
        patternBytes[i] = UInt8(truncatingIfNeeded: state)
    }
    let pattern = NacosByteBuffer(bytes: patternBytes)
    func payload(client: Int, index: Int) -> NacosByteBuffer {
        pattern.getSlice(at: (client &* 1031 &+ index &* 13) % 4096, length: sizes[index])!
    }
    let completionsBox = EchoScenarioBox(Mutex<[Result<Void, NacosTransportError>]>([]))
    for (client, entry) in clients.enumerated() {
        for index in sizes.indices {
            entry.connection.send(payload(client: client, index: index)) { result in
                completionsBox.value.withLock { $0.append(result) }
            }
        }
    }
    for (client, entry) in clients.enumerated() {
        try await echoScenarioWait(timeout: .seconds(30), "\(sizes.count) echoes on client \(client)") {
            entry.collector.frames.count >= sizes.count
        }
        let frames = entry.collector.frames
        #expect(frames.count == sizes.count)
        for index in sizes.indices where index < frames.count {
            if frames[index] != payload(client: client, index: index) {
                Issue.record("client \(client) frame \(index): \(frames[index].readableBytes) bytes, expected \(sizes[index])")
                break
            }
        }
        #expect(entry.collector.callbacksOffLoop == 0, "handler callbacks must run on the connection's loop")
    }
    try await echoScenarioWait("send completions") { completionsBox.value.withLock { $0.count } == 3 * sizes.count }
    let failures = completionsBox.value.withLock { $0.filter { if case .failure = $0 { true } else { false } } }
    #expect(failures.isEmpty, "failed sends: \(failures)")

    // The client closes: both sides see an orderly close.
    clients[0].connection.close(flush: true)
    #expect(await clients[0].connection.closed() == nil)
    #expect(!clients[0].connection.isOpen)
    try await echoScenarioWait("server side of client 0 to close") { server.collector(0).isClosed }
    #expect(server.collector(0).closeError == nil)
    #expect(clients[0].collector.isClosed)
    #expect(clients[0].collector.closeError == nil)

    // The other clients are unaffected.
    for entry in clients[1...] {
        entry.connection.send(NacosByteBuffer(string: "still here"))
        try await echoScenarioWait("an echo after another client closed") { entry.collector.frames.count == sizes.count + 1 }
        #expect(entry.collector.frames.last == NacosByteBuffer(string: "still here"))
    }

    // The server closes: the client sees an orderly close.
    server.connection(1).close(flush: true)
    try await echoScenarioWait("client 1 to see the server close") { clients[1].collector.isClosed }
    #expect(clients[1].collector.closeError == nil)
    #expect(await clients[1].connection.closed() == nil)

    // A closed listener refuses new connections; accepted ones stay open.
    await listener.close()
    do {
        let late = try await transport.connect(to: bound, timeout: .seconds(2))
        late.close(flush: false)
        Issue.record("connect to a closed listener succeeded")
    } catch {
        #expect((error as? NacosTransportError)?.code == .connectionRefused, "\(error)")
    }
    clients[2].connection.send(NacosByteBuffer(string: "after listener close"))
    try await echoScenarioWait("an echo after the listener closed") { clients[2].collector.frames.count == sizes.count + 2 }
    clients[2].connection.close(flush: true)
    #expect(await clients[2].connection.closed() == nil)
    try await echoScenarioWait("server side of client 2 to close") { server.collector(2).isClosed }
}

/// Accepts connections and echoes every frame back.
final class EchoScenarioServer: Sendable {
    private let accepted = Mutex<[(any NacosConnection, EchoScenarioCollector)]>([])

    var accept: @Sendable (any NacosConnection) -> Void {
        { connection in
            let collector = EchoScenarioCollector(echo: true)
            self.accepted.withLock { $0.append((connection, collector)) }
            connection.start(collector)
        }
    }

    var count: Int { self.accepted.withLock { $0.count } }
    func connection(_ index: Int) -> any NacosConnection { self.accepted.withLock { $0[index].0 } }
    func collector(_ index: Int) -> EchoScenarioCollector { self.accepted.withLock { $0[index].1 } }
}

/// Records frames (copied) and the close of one connection; optionally echoes frames back.
final class EchoScenarioCollector: NacosConnectionHandler {
    private struct State {
        var frames: [NacosByteBuffer] = []
        var closed = false
        var closeError: (any Error)?
        var callbacksOffLoop = 0
    }

    private let state = Mutex(State())
    private let echo: Bool

    init(echo: Bool = false) {
        self.echo = echo
    }

    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        let copy = NacosByteBuffer(bytes: frame.readableBytesArray)
        let onLoop = connection.eventLoop.inEventLoop
        self.state.withLock {
            $0.frames.append(copy)
            if !onLoop { $0.callbacksOffLoop += 1 }
        }
        if self.echo {
            connection.send(frame)
        }
    }

    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {
        let onLoop = connection.eventLoop.inEventLoop
        self.state.withLock {
            $0.closed = true
            $0.closeError = error
            if !onLoop { $0.callbacksOffLoop += 1 }
        }
    }

    var frames: [NacosByteBuffer] { self.state.withLock { $0.frames } }
    var isClosed: Bool { self.state.withLock { $0.closed } }
    var closeError: (any Error)? { self.state.withLock { $0.closeError } }
    var callbacksOffLoop: Int { self.state.withLock { $0.callbacksOffLoop } }
}

/// Holds a non-copyable value by reference for escaping closures.
final class EchoScenarioBox<Value: ~Copyable>: @unchecked Sendable {
    let value: Value
    init(_ value: consuming Value) { self.value = value }
}

struct EchoScenarioTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(self.what)" }
}

/// Polls `condition` until it holds or `timeout` passes; never a fixed sleep.
func echoScenarioWait(timeout: Duration = .seconds(10), _ what: String, _ condition: () -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while !condition() {
        guard clock.now < deadline else { throw EchoScenarioTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(2))
    }
}
