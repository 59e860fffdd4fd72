package import NacosTransport
import Synchronization
import Testing

// The echo scenario every transport must pass: TCP and in-memory run it in NacosTransportTests, TLS in
// NacosTLSTests. Call `runEchoScenario(transport:listenAddress:)` with a transport whose event loop group
// the caller owns.

/// Runs the echo scenario over `transport`: listens on `listenAddress`, connects three clients, echoes
/// frames of mixed sizes (empty through 1 MiB) in order, checks addresses, completions, orderly closes from
/// both sides, and that the closed listener refuses new connections.
package func runEchoScenario(transport: any NacosTransport, listenAddress: NacosSocketAddress) async throws {
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
    var clients: [(connection: any NacosConnection, collector: FrameCollector)] = []
    for index in 0..<3 {
        let connection = try await transport.connect(to: bound)
        let collector = FrameCollector()
        connection.start(collector)
        clients.append((connection, collector))
        try await waitUntil("accepted connection \(index)") { server.count == index + 1 }
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
        try await waitUntil(timeout: .seconds(30), "\(sizes.count) echoes on client \(client)") {
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
    try await waitUntil("send completions") { completionsBox.value.withLock { $0.count } == 3 * sizes.count }
    let failures = completionsBox.value.withLock { $0.filter { if case .failure = $0 { true } else { false } } }
    #expect(failures.isEmpty, "failed sends: \(failures)")

    // The client closes: both sides see an orderly close.
    clients[0].connection.close(flush: true)
    #expect(await clients[0].connection.closed() == nil)
    #expect(!clients[0].connection.isOpen)
    try await waitUntil("server side of client 0 to close") { server.collector(0).isClosed }
    #expect(server.collector(0).closeError == nil)
    #expect(clients[0].collector.isClosed)
    #expect(clients[0].collector.closeError == nil)

    // The other clients are unaffected.
    for entry in clients[1...] {
        entry.connection.send(NacosByteBuffer(string: "still here"))
        try await waitUntil("an echo after another client closed") { entry.collector.frames.count == sizes.count + 1 }
        #expect(entry.collector.frames.last == NacosByteBuffer(string: "still here"))
    }

    // The server closes: the client sees an orderly close.
    server.connection(1).close(flush: true)
    try await waitUntil("client 1 to see the server close") { clients[1].collector.isClosed }
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
    try await waitUntil("an echo after the listener closed") { clients[2].collector.frames.count == sizes.count + 2 }
    clients[2].connection.close(flush: true)
    #expect(await clients[2].connection.closed() == nil)
    try await waitUntil("server side of client 2 to close") { server.collector(2).isClosed }
}

/// Accepts connections and echoes every frame back.
package final class EchoScenarioServer: Sendable {
    /// Creates a server with no connections yet.
    package init() {}

    private let accepted = Mutex<[(any NacosConnection, FrameCollector)]>([])

    /// The acceptor to pass to `listen`.
    package var accept: @Sendable (any NacosConnection) -> Void {
        { connection in
            let collector = FrameCollector(echo: true)
            self.accepted.withLock { $0.append((connection, collector)) }
            connection.start(collector)
        }
    }

    /// Connections accepted so far.
    package var count: Int { self.accepted.withLock { $0.count } }
    /// The `index`th accepted connection.
    package func connection(_ index: Int) -> any NacosConnection { self.accepted.withLock { $0[index].0 } }
    /// The collector of the `index`th accepted connection.
    package func collector(_ index: Int) -> FrameCollector { self.accepted.withLock { $0[index].1 } }
}

/// Holds a non-copyable value by reference for escaping closures.
package final class EchoScenarioBox<Value: ~Copyable>: @unchecked Sendable {
    /// The boxed value.
    package let value: Value
    /// Boxes `value`.
    package init(_ value: consuming Value) { self.value = value }
}
