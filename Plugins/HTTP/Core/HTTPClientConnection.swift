import NacosTransport
import Synchronization

/// The client side of one HTTP/1.1 connection for `NacosHTTPClient`: one exchange (request, then its
/// response) at a time, with a deadline per exchange.
internal final class HTTPClientConnection: NacosStreamHandler, @unchecked Sendable {
    // Sendable: `usable` is atomic and `connectWaiter` a Mutex; every other mutable field is confined to
    // `eventLoop`, which other threads reach through `execute`.

    let eventLoop: NacosEventLoop
    private let timeout: Duration
    private let timeoutNanos: UInt64
    private let maxResponseBytes: Int
    private let usable = Atomic<Bool>(false)
    private let connectWaiter: Mutex<CheckedContinuation<HTTPClientConnection, any Error>?>

    // Loop-confined state.
    private var output: (any NacosStreamOutput)?
    private var exchangeWaiter: CheckedContinuation<HTTPResponse, any Error>?
    private var parser: HTTPResponseParser?
    private var inbound = NacosByteBuffer.emptyHTTPBuffer
    private var exchangeStartedAt: UInt64 = 0
    private var timer: NacosScheduledTask?
    private var closed = false

    /// Creates the handler; `connectWaiter` is resumed with it once the stream is active, or with the
    /// reason it failed.
    init(
        eventLoop: NacosEventLoop,
        timeout: Duration,
        maxResponseBytes: Int,
        connectWaiter: CheckedContinuation<HTTPClientConnection, any Error>
    ) {
        self.eventLoop = eventLoop
        self.timeout = timeout
        self.timeoutNanos = max(HTTPMonotonicClock.nanoseconds(timeout), 1)
        self.maxResponseBytes = maxResponseBytes
        self.connectWaiter = Mutex(connectWaiter)
    }

    /// Whether the connection is open and may carry another request (a snapshot from any thread).
    var isUsable: Bool { self.usable.load(ordering: .relaxed) }

    /// Fails a connect that never reached the loop (the transport refused it up front).
    func failConnect(_ error: any Error) {
        self.resumeConnect(.failure(error))
    }

    /// Sends `request` and waits for its response.
    func exchange(_ request: NacosByteBuffer, headOnly: Bool) async throws -> HTTPResponse {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
            self.eventLoop.execute {
                self.begin(request, headOnly: headOnly, continuation: continuation)
            }
        }
    }

    /// Closes the connection, failing an exchange in progress.
    func close() {
        self.usable.store(false, ordering: .relaxed)
        self.eventLoop.execute {
            self.output?.close(flush: false, error: nil)
        }
    }

    private func resumeConnect(_ result: Result<HTTPClientConnection, any Error>) {
        let waiter = self.connectWaiter.withLock { waiter in
            defer { waiter = nil }
            return waiter
        }
        waiter?.resume(with: result)
    }

    // MARK: - Exchange

    private func begin(_ request: NacosByteBuffer, headOnly: Bool, continuation: CheckedContinuation<HTTPResponse, any Error>) {
        guard !self.closed, let output = self.output, output.isOpen, self.exchangeWaiter == nil else {
            var error = HTTPClientError(.connectionClosed, "the connection closed before the request was sent")
            error.requestWritten = false
            if self.exchangeWaiter == nil { self.usable.store(false, ordering: .relaxed) }
            continuation.resume(throwing: error)
            return
        }
        self.exchangeWaiter = continuation
        self.parser = HTTPResponseParser(maxResponseBytes: self.maxResponseBytes, headOnly: headOnly)
        self.exchangeStartedAt = HTTPMonotonicClock.now()
        if self.timer == nil {
            self.scheduleTimer(in: self.timeoutNanos)
        }
        output.write(request) { [weak self] result in
            guard case .failure(let error) = result, let self else { return }
            self.fail(HTTPClientError(.connectionClosed, "the request could not be sent: \(error)"))
        }
        output.flush()
    }

    private func succeed(_ response: HTTPResponse, keepAlive: Bool) {
        self.parser = nil
        let waiter = self.exchangeWaiter
        self.exchangeWaiter = nil
        if !keepAlive || self.inbound.readableBytes > 0 {
            // The server closes after this response (or sent bytes nobody asked for).
            self.usable.store(false, ordering: .relaxed)
            self.output?.close(flush: false, error: nil)
        }
        waiter?.resume(returning: response)
    }

    /// Fails the exchange in progress and closes the connection.
    private func fail(_ error: HTTPClientError) {
        self.usable.store(false, ordering: .relaxed)
        self.parser = nil
        let waiter = self.exchangeWaiter
        self.exchangeWaiter = nil
        self.output?.close(flush: false, error: nil)
        waiter?.resume(throwing: error)
    }

    private func parseInbound() {
        guard var parser = self.parser else { return }
        var buffer = self.inbound
        self.inbound = NacosByteBuffer.emptyHTTPBuffer
        let result = parser.next(&buffer)
        self.parser = parser
        self.inbound = buffer
        switch result {
        case .success(nil):
            if self.inbound.readableBytes == 0 { self.inbound.clear() }
        case .success(let (response, keepAlive)?):
            self.succeed(response, keepAlive: keepAlive)
        case .failure(let error):
            self.fail(error)
        }
    }

    // MARK: - NacosStreamHandler

    func streamActive(_ output: any NacosStreamOutput) {
        self.output = output
        self.usable.store(true, ordering: .relaxed)
        output.setReadingEnabled(true)
        self.resumeConnect(.success(self))
    }

    func streamRead(_ bytes: inout NacosByteBuffer) {
        guard self.parser != nil else {
            // Bytes nobody asked for: the connection cannot be trusted for the next request.
            bytes.moveReaderIndex(to: bytes.writerIndex)
            self.usable.store(false, ordering: .relaxed)
            self.output?.close(flush: false, error: nil)
            return
        }
        self.inbound.writeBuffer(&bytes)
        self.parseInbound()
    }

    func streamWritabilityChanged(_ isWritable: Bool) {}

    func streamInputClosed() {
        self.usable.store(false, ordering: .relaxed)
        if var parser = self.parser {
            switch parser.finishAtEndOfStream() {
            case .success(let response): self.succeed(response, keepAlive: false)
            case .failure(let error): self.fail(error)
            }
        }
        self.output?.close(flush: false, error: nil)
    }

    func streamClosed(_ error: (any Error)?) {
        self.closed = true
        self.usable.store(false, ordering: .relaxed)
        self.timer?.cancel()
        self.timer = nil
        self.resumeConnect(.failure(HTTPClientError(.connectFailed, "could not connect: \(error.map { "\($0)" } ?? "closed")")))
        if let parser = self.parser {
            var failure = HTTPClientError(.connectionClosed, "the connection closed before the response was complete\(error.map { ": \($0)" } ?? "")")
            failure.responseStarted = parser.started
            self.fail(failure)
        }
    }

    // MARK: - Timeout

    // One lazily re-armed timer, as in HTTPServerConnection: armed for at most `timeout` when an exchange
    // starts without one pending, so it never fires after an exchange's deadline.

    private func scheduleTimer(in nanoseconds: UInt64) {
        self.timer = self.eventLoop.scheduleTask(in: .nanoseconds(Int64(min(nanoseconds, UInt64(Int64.max))))) { [weak self] in
            self?.timerFired()
        }
    }

    private func timerFired() {
        self.timer = nil
        guard !self.closed, self.parser != nil else { return }
        let deadline = self.exchangeStartedAt &+ self.timeoutNanos
        let now = HTTPMonotonicClock.now()
        if now >= deadline {
            self.fail(HTTPClientError(.timeout, "no complete response within \(self.timeout)"))
        } else {
            self.scheduleTimer(in: deadline - now)
        }
    }
}
