import NacosTestKit
import NacosTransport

@testable import NacosTLS

/// Two TLS engines wired back to back in memory: what one writes for the network, the other consumes.
///
/// Like NIOSSL's `interactInMemory()`, `handshake()` keeps stepping both sides and moving bytes until
/// both are done or neither makes progress (a failure, with its alert delivered to the other side).
final class EnginePair {
    let client: TLSEngine
    let server: TLSEngine
    private(set) var clientDone = false
    private(set) var serverDone = false
    private(set) var clientError: NacosTransportError?
    private(set) var serverError: NacosTransportError?

    init(clientContext: TLSContext, serverContext: TLSContext, serverName: String? = "localhost") throws {
        self.client = try TLSEngine(context: clientContext, serverName: serverName)
        self.server = try TLSEngine(context: serverContext, serverName: nil)
    }

    convenience init(
        client: NacosTLSConfiguration,
        server: NacosTLSConfiguration,
        serverName: String? = "localhost",
        clientLegacyRange: TLSContext.LegacyProtocolRange? = nil
    ) throws {
        try self.init(
            clientContext: TLSContext(configuration: client, side: .client, legacyProtocolRange: clientLegacyRange),
            serverContext: TLSContext(configuration: server, side: .server),
            serverName: serverName
        )
    }

    /// Moves pending ciphertext in both directions; returns whether anything moved.
    @discardableResult
    func pump() -> Bool {
        var moved = false
        if var bytes = self.client.readDataForNetwork() {
            self.server.consumeDataFromNetwork(&bytes)
            moved = true
        }
        if var bytes = self.server.readDataForNetwork() {
            self.client.consumeDataFromNetwork(&bytes)
            moved = true
        }
        return moved
    }

    /// Runs both handshakes to completion or failure.
    func handshake() {
        for _ in 0..<100 {
            var progress = false
            progress = self.step(client: true) || progress
            progress = self.pump() || progress
            progress = self.step(client: false) || progress
            progress = self.pump() || progress
            if self.clientDone && self.serverDone { return }
            if !progress { return }
        }
    }

    /// One handshake step on one side; returns whether its state changed.
    private func step(client: Bool) -> Bool {
        let engine = client ? self.client : self.server
        let finished =
            client ? (self.clientDone || self.clientError != nil) : (self.serverDone || self.serverError != nil)
        guard !finished else { return false }
        switch engine.doHandshake() {
        case .incomplete:
            return false
        case .complete:
            if client { self.clientDone = true } else { self.serverDone = true }
        case .failed(let error):
            if client { self.clientError = error } else { self.serverError = error }
        case .closed:
            let error = NacosTransportError(.tlsHandshakeFailed, "closed")
            if client { self.clientError = error } else { self.serverError = error }
        }
        return true
    }

    /// Reads all plaintext `engine` can decrypt now; reports `.closed` or a failure through `end`.
    func readAll(_ engine: TLSEngine) -> (bytes: [UInt8], end: TLSOperationResult<Int>) {
        var buffer = NacosByteBuffer()
        while true {
            let result = engine.readPlaintext(into: &buffer)
            switch result {
            case .complete:
                continue
            case .incomplete, .closed, .failed:
                return (buffer.readableBytesArray, result)
            }
        }
    }
}

extension TLSOperationResult {
    var isClosed: Bool {
        if case .closed = self { return true }
        return false
    }

    var failure: NacosTransportError? {
        if case .failed(let error) = self { return error }
        return nil
    }
}
