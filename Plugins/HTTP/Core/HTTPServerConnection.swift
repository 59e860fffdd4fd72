import NacosTransport

/// The server side of one HTTP/1.1 connection: parses requests as bytes arrive, answers them one at a
/// time and in order, and enforces the timeouts and limits of the server's configuration.
///
/// Life of a connection: requests are parsed on the loop and queued (at most `maxPipelinedRequests`
/// parsed but unanswered; beyond that reading pauses); the head of the queue goes to the responder in a
/// task (which by default prefers the loop as its executor), and its response is written back on the loop. A connection that must close after a response
/// half-closes, then reads and drops whatever the client still sends until it closes too (or
/// `lingerTimeout` passes), so the client reads the response instead of a reset.
internal final class HTTPServerConnection: NacosStreamHandler, @unchecked Sendable {
    // Sendable: every mutable field is confined to `eventLoop`; other threads reach the connection only
    // through `eventLoop.execute` (responses from the responder's task, shutdown).

    private enum Item {
        case request(HTTPRequest, keepAlive: Bool)
        case failure(HTTPError)
    }

    /// How long a closing connection waits for the client to close its side before closing anyway.
    static let lingerTimeout: Duration = .seconds(2)
    /// An inbound buffer larger than this is dropped rather than kept once it is empty.
    private static let retainedInboundCapacity = 16 * 1024

    let eventLoop: NacosEventLoop
    private let shared: HTTPServerShared
    private let maxPipelined: Int
    private let requestTimeout: UInt64
    private let idleTimeout: UInt64
    private let timerPeriod: UInt64
    /// Runs responder tasks on `eventLoop` (when `respondsOnEventLoop`).
    private let executor: HTTPEventLoopExecutor?

    // Loop-confined state.
    private var output: (any NacosStreamOutput)?
    private var remoteAddress: NacosSocketAddress?
    private var localAddress: NacosSocketAddress?
    private var parser: HTTPRequestParser
    private var inbound = NacosByteBuffer.emptyHTTPBuffer
    private var queue: [Item] = []
    private var inFlight = false
    private var admitted = false
    private var closed = false
    private var readingPaused = false
    /// False once no further request will be read: after one that closes the connection, an error, a timeout.
    private var acceptingRequests = true
    private var inputClosed = false
    private var draining = false
    private var lingering = false
    private var lingerDeadline: UInt64 = 0
    private var requestStartedAt: UInt64?
    private var idleSince: UInt64 = 0
    private var timer: NacosScheduledTask?
    private var pumping = false
    private var writing = false

    init(eventLoop: NacosEventLoop, shared: HTTPServerShared) {
        self.eventLoop = eventLoop
        self.shared = shared
        let configuration = shared.configuration
        self.maxPipelined = configuration.maxPipelinedRequests
        self.requestTimeout = HTTPMonotonicClock.nanoseconds(configuration.requestTimeout)
        self.idleTimeout = HTTPMonotonicClock.nanoseconds(configuration.idleTimeout)
        self.timerPeriod = min(self.requestTimeout, self.idleTimeout)
        self.parser = HTTPRequestParser(configuration: configuration)
        self.executor = configuration.respondsOnEventLoop ? HTTPEventLoopExecutor(eventLoop: eventLoop) : nil
    }

    private var peer: String { self.remoteAddress.map { "\($0)" } ?? "?" }

    private var pipelineHasRoom: Bool { self.queue.count + (self.inFlight ? 1 : 0) < self.maxPipelined }

    // MARK: - NacosStreamHandler

    func streamActive(_ output: any NacosStreamOutput) {
        self.output = output
        self.remoteAddress = output.remoteAddress
        self.localAddress = output.localAddress
        switch self.shared.admit(self, remote: output.remoteAddress) {
        case .admitted:
            break
        case .overLimit:
            output.close(flush: false, error: nil)
            return
        case .draining:
            self.shared.logger.debug("closing HTTP connection from \(self.peer): the server is shutting down")
            output.close(flush: false, error: nil)
            return
        }
        self.admitted = true
        self.idleSince = HTTPMonotonicClock.now()
        output.setReadingEnabled(true)
        self.scheduleTimer(in: self.timerPeriod)
    }

    func streamRead(_ bytes: inout NacosByteBuffer) {
        defer { bytes.moveReaderIndex(to: bytes.writerIndex) }
        guard self.admitted, !self.closed, !self.lingering, self.acceptingRequests else { return }
        if self.inbound.readableBytes == 0 && !self.readingPaused {
            // Fast path: parse straight from the read buffer and keep only an incomplete tail.
            self.parseAvailable(&bytes)
            if bytes.readableBytes > 0 && self.acceptingRequests {
                self.inbound.writeBuffer(&bytes)
            }
        } else {
            self.inbound.writeBuffer(&bytes)
            if !self.readingPaused {
                self.parseInbound()
            }
        }
        self.afterParsing()
        self.pump()
    }

    func streamWritabilityChanged(_ isWritable: Bool) {
        // A change reported from inside our own write is picked up by the pump that follows it.
        if isWritable && !self.writing { self.pump() }
    }

    func streamInputClosed() {
        self.inputClosed = true
        if self.lingering {
            self.output?.close(flush: true, error: nil)
            return
        }
        self.pump()
    }

    func streamClosed(_ error: (any Error)?) {
        self.closed = true
        self.timer?.cancel()
        self.timer = nil
        self.queue.removeAll()
        self.inbound = NacosByteBuffer.emptyHTTPBuffer
        if let error {
            self.shared.logger.trace("HTTP connection from \(self.peer) closed: \(error)")
        }
        if self.admitted {
            self.shared.remove(self)
        }
    }

    // MARK: - Parsing

    /// Parses complete requests out of `buffer` while the pipeline has room.
    private func parseAvailable(_ buffer: inout NacosByteBuffer) {
        while self.acceptingRequests && self.pipelineHasRoom {
            switch self.parser.next(&buffer) {
            case .success(nil):
                return
            case .success(.continueExpected):
                if !self.inFlight && self.queue.isEmpty, let output = self.output, output.isOpen {
                    output.write(HTTPResponseEncoder.continueResponse, completion: nil)
                    output.flush()
                }
            case .success(.request(var request, let keepAlive)):
                request.remoteAddress = self.remoteAddress
                request.localAddress = self.localAddress
                self.queue.append(.request(request, keepAlive: keepAlive))
                self.requestStartedAt = nil
                if !keepAlive { self.stopAccepting() }
            case .failure(let error):
                self.shared.logger.debug("bad HTTP request from \(self.peer): \(error)")
                self.queue.append(.failure(error))
                self.requestStartedAt = nil
                self.stopAccepting()
            }
        }
        if self.acceptingRequests && !self.pipelineHasRoom && !self.readingPaused {
            self.readingPaused = true
            self.output?.setReadingEnabled(false)
        }
    }

    /// Parses what the inbound buffer holds (taken out while parsing, so nothing else can touch it).
    private func parseInbound() {
        var buffer = self.inbound
        self.inbound = NacosByteBuffer.emptyHTTPBuffer
        self.parseAvailable(&buffer)
        if self.acceptingRequests {
            self.inbound = buffer
        }
    }

    /// Tidies the inbound buffer and starts the request clock when a new request has begun to arrive.
    private func afterParsing() {
        if !self.acceptingRequests {
            self.inbound = NacosByteBuffer.emptyHTTPBuffer
        } else if self.inbound.readableBytes == 0 {
            if self.inbound.capacity > Self.retainedInboundCapacity {
                self.inbound = NacosByteBuffer.emptyHTTPBuffer
            } else if self.inbound.readerIndex > 0 {
                self.inbound.clear()
            }
        } else if self.inbound.readerIndex > self.inbound.capacity / 2 {
            self.inbound.discardReadBytes()
        }
        if self.acceptingRequests && (self.parser.hasPartialRequest || self.inbound.readableBytes > 0) {
            if self.requestStartedAt == nil { self.requestStartedAt = HTTPMonotonicClock.now() }
        } else {
            self.requestStartedAt = nil
        }
    }

    private func stopAccepting() {
        self.acceptingRequests = false
    }

    // MARK: - Answering

    /// Moves the connection forward: resumes reading when the pipeline has room again, hands the next
    /// queued request to the responder, and closes a connection that has nothing left to do.
    private func pump() {
        guard !self.pumping else { return }
        self.pumping = true
        defer { self.pumping = false }
        while !self.closed && !self.lingering, let output = self.output {
            if self.readingPaused && self.pipelineHasRoom {
                self.readingPaused = false
                self.requestStartedAt = nil
                self.parseInbound()
                self.afterParsing()
                if !self.readingPaused { output.setReadingEnabled(true) }
            }
            guard !self.inFlight, !self.queue.isEmpty, output.isWritable else { break }
            switch self.queue.removeFirst() {
            case .failure(let error):
                self.write(HTTPResponse.text(error.message, status: error.status), headOnly: false, persistence: .close)
                self.closeAfterResponse()
                return
            case .request(let request, let keepAlive):
                self.dispatch(request, keepAlive: keepAlive)
            }
        }
        guard !self.closed, !self.lingering, !self.inFlight, self.queue.isEmpty else { return }
        if self.inputClosed {
            self.output?.close(flush: true, error: nil)
        } else if self.draining && !self.parser.hasPartialRequest && self.inbound.readableBytes == 0 {
            self.output?.close(flush: true, error: nil)
        }
    }

    private func dispatch(_ request: HTTPRequest, keepAlive: Bool) {
        self.inFlight = true
        let responder = self.shared.responder
        let headOnly = request.method == .head
        let versionMinor = request.versionMinor
        let body: @Sendable () async -> Void = {
            let response = await responder.respond(to: request)
            if self.eventLoop.inEventLoop {
                self.finish(response, headOnly: headOnly, versionMinor: versionMinor, keepAlive: keepAlive)
            } else {
                self.eventLoop.execute {
                    self.finish(response, headOnly: headOnly, versionMinor: versionMinor, keepAlive: keepAlive)
                }
            }
        }
        if let executor = self.executor {
            Task(executorPreference: executor, operation: body)
        } else {
            Task(operation: body)
        }
    }

    /// Writes the responder's answer; runs on the loop, possibly after the connection closed.
    private func finish(_ response: HTTPResponse, headOnly: Bool, versionMinor: Int, keepAlive: Bool) {
        self.inFlight = false
        guard !self.closed, !self.lingering, self.output != nil else { return }
        var response = response
        if !(200...999).contains(response.status.code) {
            // An interim or out-of-range status would leave the client waiting for a final response.
            self.shared.logger.warning("HTTP responder returned status \(response.status.code); answering 500")
            response = .text("The responder returned the invalid status \(response.status.code)", status: .internalServerError)
        }
        let close = !keepAlive || self.draining || response.headers.listContains(name: "Connection", token: "close")
        let persistence: HTTPResponseEncoder.Persistence = close ? .close : versionMinor == 0 ? .keepAliveAnnounced : .keepAlive
        self.write(response, headOnly: headOnly, persistence: persistence)
        if close {
            self.closeAfterResponse()
            return
        }
        if self.queue.isEmpty && self.requestStartedAt == nil {
            self.idleSince = HTTPMonotonicClock.now()
        }
        self.pump()
    }

    private func write(_ response: HTTPResponse, headOnly: Bool, persistence: HTTPResponseEncoder.Persistence) {
        guard let output = self.output else { return }
        let bytes = HTTPResponseEncoder.encode(response, headOnly: headOnly, persistence: persistence)
        self.writing = true
        defer { self.writing = false }
        output.write(bytes) { [weak self] result in
            guard case .failure(let error) = result, let self, !self.closed else { return }
            self.shared.logger.debug("closing HTTP connection from \(self.peer): response not sent: \(error)")
            self.output?.close(flush: false, error: error)
        }
        output.flush()
    }

    /// Half-closes after the last response and drops further input until the client closes or the linger
    /// time passes.
    private func closeAfterResponse() {
        guard !self.lingering, !self.closed, let output = self.output else { return }
        self.lingering = true
        self.stopAccepting()
        self.queue.removeAll()
        self.inbound = NacosByteBuffer.emptyHTTPBuffer
        self.requestStartedAt = nil
        if self.inputClosed {
            output.close(flush: true, error: nil)
            return
        }
        output.shutdownOutput()
        if self.readingPaused {
            self.readingPaused = false
            output.setReadingEnabled(true)
        }
        self.lingerDeadline = HTTPMonotonicClock.now() &+ HTTPMonotonicClock.nanoseconds(Self.lingerTimeout)
        self.timer?.cancel()
        self.scheduleTimer(in: HTTPMonotonicClock.nanoseconds(Self.lingerTimeout))
    }

    // MARK: - Shutdown

    /// Starts a graceful close: an idle connection closes now; a busy one answers the request in progress
    /// (with `Connection: close`) and then closes.
    func drain() {
        guard !self.closed, self.admitted else { return }
        self.draining = true
        self.pump()
    }

    /// Closes at once, dropping whatever is queued.
    func forceClose() {
        guard !self.closed else { return }
        self.output?.close(flush: false, error: nil)
    }

    // MARK: - Timeouts

    // One timer per connection, re-armed only when it fires: it never fires later than `timerPeriod` after
    // it was armed, and every deadline is at least that far from when it was set, so no deadline is missed
    // while requests themselves never touch the timer.

    private func scheduleTimer(in nanoseconds: UInt64) {
        let delay = Duration.nanoseconds(Int64(min(nanoseconds, UInt64(Int64.max))))
        self.timer = self.eventLoop.scheduleTask(in: delay) { [weak self] in
            self?.timerFired()
        }
    }

    private func timerFired() {
        self.timer = nil
        guard !self.closed, let output = self.output else { return }
        let now = HTTPMonotonicClock.now()
        var next = self.timerPeriod
        if self.lingering {
            guard now < self.lingerDeadline else {
                output.close(flush: false, error: nil)
                return
            }
            next = self.lingerDeadline - now
        } else if let started = self.requestStartedAt, !self.readingPaused, self.acceptingRequests {
            let deadline = started &+ self.requestTimeout
            if now >= deadline {
                self.shared.logger.debug("HTTP request from \(self.peer) not complete after \(self.shared.configuration.requestTimeout)")
                self.queue.append(.failure(HTTPError(.requestTimeout, "Request not completed within \(self.shared.configuration.requestTimeout)")))
                self.requestStartedAt = nil
                self.stopAccepting()
                self.inbound = NacosByteBuffer.emptyHTTPBuffer
                self.pump()
            } else {
                next = min(deadline - now, next)
            }
        } else if !self.inFlight && self.queue.isEmpty && self.requestStartedAt == nil {
            let deadline = self.idleSince &+ self.idleTimeout
            guard now < deadline else {
                self.shared.logger.trace("closing idle HTTP connection from \(self.peer)")
                output.close(flush: true, error: nil)
                return
            }
            next = min(deadline - now, next)
        }
        if self.timer == nil && !self.closed {
            self.scheduleTimer(in: next)
        }
    }
}
