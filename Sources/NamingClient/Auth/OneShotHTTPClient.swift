import NacosTransport
import Synchronization

/// One HTTP/1.1 exchange over a fresh stream of a transport: it writes a whole request (which should say
/// `Connection: close`), reads the response — bounded by `maxResponseBytes` and by a timeout — and closes
/// the stream. It is the SDK's login client; the SDK does not link the server's HTTP module.
final class OneShotHTTPClient: NacosStreamHandler, @unchecked Sendable {
    // Sendable: `waiter` is a Mutex; every other mutable field is confined to `eventLoop` (the stream
    // calls the handler there, and the timer runs there).

    /// The most response bytes read by default (64 KiB).
    static let defaultMaxResponseBytes = 64 * 1024

    private let eventLoop: NacosEventLoop
    private let request: NacosByteBuffer
    private let timeout: Duration
    private let deadline: ContinuousClock.Instant
    private let maxResponseBytes: Int
    private let waiter: Mutex<CheckedContinuation<OneShotHTTPResponse, any Error>?>

    // Loop-confined state.
    private var output: (any NacosStreamOutput)?
    private var received: [UInt8] = []
    private var timer: NacosScheduledTask?

    private init(
        eventLoop: NacosEventLoop,
        request: NacosByteBuffer,
        timeout: Duration,
        maxResponseBytes: Int,
        waiter: CheckedContinuation<OneShotHTTPResponse, any Error>
    ) {
        self.eventLoop = eventLoop
        self.request = request
        self.timeout = timeout
        self.deadline = ContinuousClock.now.advanced(by: timeout)
        self.maxResponseBytes = maxResponseBytes
        self.waiter = Mutex(waiter)
    }

    /// Connects to `address` over `transport`, sends `request` and returns the response.
    ///
    /// - Parameter timeout: bounds the connect and, from the start, the whole exchange.
    /// - Throws: the transport's connect error, or `OneShotHTTPError`.
    static func send(
        _ request: NacosByteBuffer,
        to address: NacosSocketAddress,
        over transport: any NacosStreamTransport,
        timeout: Duration,
        maxResponseBytes: Int = OneShotHTTPClient.defaultMaxResponseBytes
    ) async throws -> OneShotHTTPResponse {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<OneShotHTTPResponse, any Error>) in
            var created: OneShotHTTPClient?
            do {
                try transport.connectStream(to: address, timeout: timeout) { loop in
                    let client = OneShotHTTPClient(
                        eventLoop: loop,
                        request: request,
                        timeout: timeout,
                        maxResponseBytes: maxResponseBytes,
                        waiter: continuation
                    )
                    created = client
                    return client
                }
            } catch {
                if let created {
                    created.finish(.failure(error))
                } else {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Resumes the caller once (later outcomes are dropped), stops the timer and closes the stream.
    private func finish(_ result: Result<OneShotHTTPResponse, any Error>) {
        let waiter = self.waiter.withLock { waiter in
            defer { waiter = nil }
            return waiter
        }
        guard let waiter else { return }
        self.timer?.cancel()
        self.timer = nil
        self.output?.close(flush: false, error: nil)
        waiter.resume(with: result)
    }

    private func parse(atEndOfStream: Bool) {
        do {
            if let response = try OneShotHTTPResponseParser.parse(self.received, atEndOfStream: atEndOfStream) {
                self.finish(.success(response))
            }
        } catch {
            self.finish(.failure(error))
        }
    }

    // MARK: - NacosStreamHandler

    func streamActive(_ output: any NacosStreamOutput) {
        self.output = output
        let remaining = ContinuousClock.now.duration(to: self.deadline)
        guard remaining > .zero else {
            self.finish(.failure(OneShotHTTPError("no response within \(self.timeout)")))
            return
        }
        self.timer = self.eventLoop.scheduleTask(in: remaining) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.finish(.failure(OneShotHTTPError("no complete response within \(self.timeout)")))
        }
        output.setReadingEnabled(true)
        output.write(self.request) { [weak self] result in
            guard case .failure(let error) = result, let self else { return }
            self.finish(.failure(OneShotHTTPError("the request could not be sent: \(error)")))
        }
        output.flush()
    }

    func streamRead(_ bytes: inout NacosByteBuffer) {
        let count = bytes.readableBytes
        guard self.received.count + count <= self.maxResponseBytes else {
            bytes.moveReaderIndex(to: bytes.writerIndex)
            self.finish(.failure(OneShotHTTPError("the response is larger than \(self.maxResponseBytes) bytes")))
            return
        }
        self.received.append(contentsOf: bytes.readableBytesArray)
        bytes.moveReaderIndex(to: bytes.writerIndex)
        self.parse(atEndOfStream: false)
    }

    func streamWritabilityChanged(_ isWritable: Bool) {}

    func streamInputClosed() {
        self.parse(atEndOfStream: true)
    }

    func streamClosed(_ error: (any Error)?) {
        if self.waiter.withLock({ $0 != nil }) {
            // A close before the end of stream was seen (reset, TLS failure, connect failure).
            if error == nil, !self.received.isEmpty {
                self.parse(atEndOfStream: true)
            }
            let reason = error.map { "\($0)" } ?? "closed"
            let what = self.output == nil ? "could not connect" : "the connection closed before the response was complete"
            self.finish(.failure(OneShotHTTPError("\(what): \(reason)")))
        }
        self.output = nil
    }
}
