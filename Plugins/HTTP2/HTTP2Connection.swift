public import NacosTransport

/// An HTTP/2 connection (RFC 9113) over one byte stream, in the server or the client role: a
/// `NacosStreamHandler` to install on a stream (or to hand an accepted stream to, replaying bytes already read).
///
/// It parses frames, keeps every stream's state and both directions' flow-control windows, answers SETTINGS
/// and PING, applies the peer's settings, turns protocol violations into the RFC's stream errors (RST_STREAM)
/// and connection errors (GOAWAY, then close), guards against rapid resets and PING, SETTINGS and CONTINUATION
/// floods, and reports complete header blocks and DATA to its delegate. Frames produced while one read batch
/// is processed go out in one write; calls made outside a read are written at the end of the call.
///
/// Every method and property must be used on the stream's event loop.
public final class HTTP2Connection: NacosStreamHandler {
    /// The settings a peer starts with (RFC 9113 §6.5.2 defaults).
    private struct PeerSettings {
        var headerTableSize = 4096
        var maxConcurrentStreams = Int.max
        var initialWindowSize = 65_535
        var maxFrameSize = 16_384
        var maxHeaderListSize = Int.max
    }

    /// A header block being received in HEADERS + CONTINUATION frames.
    private struct HeaderBlock {
        let streamID: UInt32
        let endStream: Bool
        var fragments: NacosByteBuffer
        var count: Int
    }

    private enum Phase {
        case idle
        case awaitingPreface
        case awaitingSettings
        case open
        case closed
    }

    private static let defaultWindow = 65_535
    private static let maxWindow = Int(Int32.max)

    private let role: HTTP2Role
    private let configuration: HTTP2Configuration
    private let logger: NacosLogger
    private var delegate: (any HTTP2ConnectionDelegate)?
    private var output: (any NacosStreamOutput)?
    private var phase = Phase.idle
    private var inbound = NacosByteBuffer()
    private var outbound = NacosByteBuffer()
    private var outboundCompletions: [NacosWriteCompletion] = []
    private var inRead = false
    private var encoder: HPACKEncoder
    private var decoder: HPACKDecoder
    private var peer = PeerSettings()
    private var streams: [UInt32: HTTP2Stream] = [:]
    private var headerBlock: HeaderBlock?
    private var highestPeerStreamID: UInt32 = 0
    private var nextLocalStreamID: UInt32
    private var sendWindow = HTTP2Connection.defaultWindow
    private var receiveWindow = HTTP2Connection.defaultWindow
    private var unacknowledged = 0
    private var bufferedOutboundBytes = 0
    private var goAwaySent = false
    private var goAwayReceived = false
    private var resets: HTTP2TokenBucket
    private var pings: HTTP2TokenBucket
    private var settingsFrames: HTTP2TokenBucket
    private var timer: NacosScheduledTask?
    private var wasWritable = true
    /// Set by a connection error: no more input is processed.
    private var failedInput = false
    /// Open streams the peer opened (our MAX_CONCURRENT_STREAMS bounds them), kept with `streams`.
    private var peerStreamCount = 0

    /// Creates the connection; the delegate is held until the connection closes.
    public init(
        role: HTTP2Role,
        configuration: HTTP2Configuration = HTTP2Configuration(),
        logger: NacosLogger,
        delegate: any HTTP2ConnectionDelegate
    ) {
        self.role = role
        self.configuration = configuration
        self.logger = logger
        self.delegate = delegate
        self.encoder = HPACKEncoder()
        self.decoder = HPACKDecoder(maxDynamicTableSize: configuration.headerTableSize, maxHeaderListSize: configuration.maxHeaderListSize)
        self.nextLocalStreamID = role == .client ? 1 : 2
        self.resets = HTTP2TokenBucket(burst: configuration.resetBurst, perSecond: configuration.resetsPerSecond)
        self.pings = HTTP2TokenBucket(burst: configuration.pingBurst, perSecond: configuration.pingsPerSecond)
        self.settingsFrames = HTTP2TokenBucket(burst: configuration.settingsBurst, perSecond: configuration.settingsPerSecond)
    }

    // MARK: - State

    /// The stream's event loop, once active.
    public var eventLoop: NacosEventLoop? { self.output?.eventLoop }
    /// The local address, if the stream has one.
    public var localAddress: NacosSocketAddress? { self.output?.localAddress }
    /// The peer's address, if the stream has one.
    public var remoteAddress: NacosSocketAddress? { self.output?.remoteAddress }
    /// The ALPN protocol the stream negotiated, if any.
    public var negotiatedApplicationProtocol: String? { self.output?.negotiatedApplicationProtocol }
    /// Whether queued bytes are below the stream's high watermark and DATA waiting for window is under half
    /// of `maxBufferedOutboundBytes`.
    public var isWritable: Bool {
        (self.output?.isWritable ?? false) && self.bufferedOutboundBytes <= self.configuration.maxBufferedOutboundBytes / 2
    }
    /// Whether the connection is open.
    public var isOpen: Bool { self.phase != .closed && self.phase != .idle && (self.output?.isOpen ?? false) }
    /// The number of streams open or half closed.
    public var openStreamCount: Int { self.streams.count }

    // MARK: - Outbound API

    /// Client role: reserves the next stream id, or `nil` when ids are exhausted, the peer's
    /// MAX_CONCURRENT_STREAMS is reached, or a GOAWAY was sent or received.
    public func makeStreamID() -> UInt32? {
        guard self.role == .client, self.phase == .open || self.phase == .awaitingSettings, !self.goAwaySent, !self.goAwayReceived,
            self.nextLocalStreamID < 0x7fff_ffff,
            self.localStreamCount < self.peer.maxConcurrentStreams
        else { return nil }
        let id = self.nextLocalStreamID
        self.nextLocalStreamID += 2
        self.streams[id] = HTTP2Stream(sendWindow: self.peer.initialWindowSize, receiveWindow: self.configuration.initialStreamWindowSize)
        return id
    }

    /// Sends a header block (HEADERS + CONTINUATION as the peer's max frame size needs), after any DATA
    /// still queued on the stream; a no-op on a stream that is closed or unknown.
    public func sendHeaders(_ headers: [HPACKHeader], streamID: UInt32, endStream: Bool) {
        guard self.isOpen, var stream = self.streams[streamID], !stream.endQueued else { return }
        stream.endQueued = endStream
        if stream.queue.isEmpty {
            // Nothing waits ahead of it: write it now (the common case of every response).
            self.writeHeaderBlock(headers, streamID: streamID, endStream: endStream)
            if endStream { stream.localOpen = false }
            self.store(stream, streamID)
        } else {
            stream.queue.append(.headers(headers, endStream: endStream))
            self.streams[streamID] = stream
            self.drain(streamID)
        }
        self.flushUnlessReading()
    }

    /// Queues DATA, sent as the peer's windows allow; `completion` runs once its last byte was handed to the
    /// stream, or with `.connectionClosed` when the stream or connection ended first (`.writeBufferFull` past
    /// `maxBufferedOutboundBytes`).
    public func sendData(_ data: NacosByteBuffer, streamID: UInt32, endStream: Bool, completion: NacosWriteCompletion?) {
        guard self.isOpen, var stream = self.streams[streamID], !stream.endQueued else {
            completion?(.failure(NacosTransportError(.connectionClosed, "HTTP/2 stream \(streamID) is closed")))
            return
        }
        guard self.bufferedOutboundBytes + data.readableBytes <= self.configuration.maxBufferedOutboundBytes else {
            completion?(.failure(NacosTransportError(.writeBufferFull, "HTTP/2 connection has \(self.bufferedOutboundBytes) bytes waiting for flow control")))
            return
        }
        stream.endQueued = endStream
        let length = data.readableBytes
        if stream.queue.isEmpty, length <= min(stream.sendWindow, self.sendWindow, self.peer.maxFrameSize) {
            // It fits the windows in one frame: write it now, without queueing.
            HTTP2FrameWriter.writeFrame(
                type: HTTP2FrameType.data.rawValue, flags: endStream ? HTTP2Flag.endStream : 0, streamID: streamID, payload: data,
                into: &self.outbound
            )
            stream.sendWindow -= length
            self.sendWindow -= length
            if let completion { self.outboundCompletions.append(completion) }
            if endStream { stream.localOpen = false }
            self.store(stream, streamID)
            self.flushUnlessReading()
            return
        }
        self.bufferedOutboundBytes += length
        stream.queue.append(.data(data, endStream: endStream, completion: completion))
        self.streams[streamID] = stream
        self.drain(streamID)
        self.flushUnlessReading()
        self.checkWritability()
    }

    /// Sends RST_STREAM and forgets the stream (its queued DATA fails).
    public func resetStream(_ streamID: UInt32, errorCode: HTTP2ErrorCode) {
        guard self.isOpen else { return }
        HTTP2FrameWriter.writeResetStream(streamID: streamID, errorCode: errorCode, into: &self.outbound)
        self.forget(streamID)
        self.flushUnlessReading()
    }

    /// Graceful shutdown: GOAWAY with the last peer stream id processed; new peer streams are refused, and the
    /// connection closes once every stream has finished, or after `timeout`.
    public func goAway(errorCode: HTTP2ErrorCode = .noError, debugData: String = "", timeout: Duration = .seconds(5)) {
        guard self.isOpen else { return }
        if !self.goAwaySent {
            self.goAwaySent = true
            HTTP2FrameWriter.writeGoAway(lastStreamID: self.highestPeerStreamID, errorCode: errorCode, debugData: debugData, into: &self.outbound)
        }
        self.flushUnlessReading()
        if self.streams.isEmpty {
            self.closeOutput(error: nil)
            return
        }
        if let loop = self.eventLoop {
            let reference = NacosLoopBoundReference(self, eventLoop: loop)
            self.timer?.cancel()
            self.timer = loop.scheduleTask(in: timeout) { reference.value?.closeOutput(error: nil) }
        }
    }

    /// Closes the connection at once, after writing what is queued (open streams are reported reset).
    public func close() {
        guard self.output != nil, self.phase != .closed else { return }
        self.closeOutput(error: nil)
    }

    /// Runs `body` (which sends headers and data) with writes held back, then writes what it produced at
    /// once: one system call for a whole response instead of one per frame.
    public func batchingWrites(_ body: () -> Void) {
        guard !self.inRead else { return body() }
        self.inRead = true
        body()
        self.inRead = false
        self.flush()
    }

    /// Writes what was queued.
    public func flush() {
        guard let output = self.output, self.outbound.readableBytes > 0 else { return }
        let completions = self.outboundCompletions
        self.outboundCompletions = []
        output.write(self.outbound, completion: completions.isEmpty ? nil : { result in
            for completion in completions { completion(result) }
        })
        self.outbound = NacosByteBuffer()
        output.flush()
    }

    private func flushUnlessReading() {
        if !self.inRead { self.flush() }
    }

    /// Open streams we opened (the peer's MAX_CONCURRENT_STREAMS bounds them).
    private var localStreamCount: Int { self.streams.count - self.peerStreamCount }

    // MARK: - Sending queued frames

    /// Sends what the windows allow of `streamID`'s queue.
    private func drain(_ streamID: UInt32) {
        guard var stream = self.streams[streamID] else { return }
        while let first = stream.queue.first {
            switch first {
            case .headers(let headers, let endStream):
                self.writeHeaderBlock(headers, streamID: streamID, endStream: endStream)
                stream.queue.removeFirst()
                if endStream { stream.localOpen = false }
            case .data(var data, let endStream, let completion):
                let allowed = min(stream.sendWindow, self.sendWindow, self.peer.maxFrameSize)
                if data.readableBytes > 0 && allowed <= 0 {
                    self.streams[streamID] = stream
                    return
                }
                let length = min(allowed, data.readableBytes)
                let chunk = data.readSlice(length: length) ?? NacosByteBuffer()
                let last = data.readableBytes == 0
                HTTP2FrameWriter.writeHeader(
                    length: length, type: HTTP2FrameType.data.rawValue, flags: last && endStream ? HTTP2Flag.endStream : 0,
                    streamID: streamID, into: &self.outbound
                )
                self.outbound.writeImmutableBuffer(chunk)
                stream.sendWindow -= length
                self.sendWindow -= length
                self.bufferedOutboundBytes -= length
                if last {
                    stream.queue.removeFirst()
                    if let completion { self.outboundCompletions.append(completion) }
                    if endStream { stream.localOpen = false }
                } else {
                    stream.queue[0] = .data(data, endStream: endStream, completion: completion)
                }
            }
        }
        self.store(stream, streamID)
    }

    /// Drains every stream with something queued (after the connection window grew).
    private func drainAll() {
        for id in self.streams.keys.sorted() where !(self.streams[id]?.queue.isEmpty ?? true) {
            self.drain(id)
            if self.sendWindow <= 0 { break }
        }
        self.checkWritability()
    }

    private func writeHeaderBlock(_ headers: [HPACKHeader], streamID: UInt32, endStream: Bool) {
        var block = NacosByteBuffer()
        self.encoder.encode(headers, into: &block)
        var type = HTTP2FrameType.headers.rawValue
        var flags: UInt8 = endStream ? HTTP2Flag.endStream : 0
        repeat {
            let length = min(block.readableBytes, self.peer.maxFrameSize)
            let fragment = block.readSlice(length: length) ?? NacosByteBuffer()
            if block.readableBytes == 0 { flags |= HTTP2Flag.endHeaders }
            HTTP2FrameWriter.writeFrame(type: type, flags: flags, streamID: streamID, payload: fragment, into: &self.outbound)
            type = HTTP2FrameType.continuation.rawValue
            flags = 0
        } while block.readableBytes > 0
    }

    /// Puts a stream back, or removes it once both sides are closed.
    private func store(_ stream: HTTP2Stream, _ streamID: UInt32) {
        if stream.isClosed {
            self.removeStream(streamID)
            self.streamFinished()
        } else {
            self.streams[streamID] = stream
        }
    }

    /// Takes a stream out of the table, keeping the count of peer-opened streams.
    @discardableResult
    private func removeStream(_ streamID: UInt32) -> HTTP2Stream? {
        guard let stream = self.streams.removeValue(forKey: streamID) else { return nil }
        if self.isPeerInitiated(streamID) { self.peerStreamCount -= 1 }
        return stream
    }

    /// Removes a stream, failing its queued DATA, and tells the delegate it was reset.
    private func forget(_ streamID: UInt32, report errorCode: HTTP2ErrorCode? = nil) {
        guard let stream = self.removeStream(streamID) else { return }
        let failure = NacosTransportError(.connectionClosed, "HTTP/2 stream \(streamID) was reset")
        for item in stream.queue {
            if case .data(let data, _, let completion) = item {
                self.bufferedOutboundBytes -= data.readableBytes
                completion?(.failure(failure))
            }
        }
        if let errorCode { self.delegate?.http2Connection(self, streamReset: streamID, errorCode: errorCode) }
        self.streamFinished()
        self.checkWritability()
    }

    /// After a stream ended: a draining connection closes once none is left.
    private func streamFinished() {
        if self.goAwaySent, self.streams.isEmpty, self.phase != .closed {
            self.flush()
            self.closeOutput(error: nil)
        }
    }

    private func checkWritability() {
        let writable = self.isWritable
        guard writable != self.wasWritable else { return }
        self.wasWritable = writable
        self.delegate?.http2Connection(self, writabilityChanged: writable)
    }

    // MARK: - NacosStreamHandler

    /// Sends our preface (a client's magic, then SETTINGS and the connection window) and starts reading.
    public func streamActive(_ output: any NacosStreamOutput) {
        self.output = output
        self.wasWritable = output.isWritable
        if self.role == .client {
            self.outbound.writeBytes(HTTP2FrameWriter.clientPreface)
        }
        var settings: [(UInt16, UInt32)] = [
            (HTTP2SettingID.maxConcurrentStreams.rawValue, UInt32(self.configuration.maxConcurrentStreams)),
            (HTTP2SettingID.initialWindowSize.rawValue, UInt32(self.configuration.initialStreamWindowSize)),
            (HTTP2SettingID.maxFrameSize.rawValue, UInt32(self.configuration.maxFrameSize)),
            (HTTP2SettingID.maxHeaderListSize.rawValue, UInt32(self.configuration.maxHeaderListSize)),
        ]
        if self.configuration.headerTableSize != 4096 {
            settings.append((HTTP2SettingID.headerTableSize.rawValue, UInt32(self.configuration.headerTableSize)))
        }
        if self.role == .client {
            settings.append((HTTP2SettingID.enablePush.rawValue, 0))
        }
        HTTP2FrameWriter.writeSettings(settings, into: &self.outbound)
        let growth = self.configuration.connectionWindowSize - Self.defaultWindow
        if growth > 0 {
            HTTP2FrameWriter.writeWindowUpdate(streamID: 0, increment: UInt32(growth), into: &self.outbound)
            self.receiveWindow += growth
        }
        if self.role == .client {
            self.phase = .awaitingSettings
            self.flush()
            self.delegate?.http2ConnectionActive(self)
        } else {
            self.phase = .awaitingPreface
            self.flush()
            let reference = NacosLoopBoundReference(self, eventLoop: output.eventLoop)
            let timeout = self.configuration.prefaceTimeout
            self.timer = output.eventLoop.scheduleTask(in: timeout) {
                guard let connection = reference.value, connection.phase == .awaitingPreface || connection.phase == .awaitingSettings else { return }
                connection.logger.notice("closing HTTP/2 connection from \(connection.remoteAddress.map { "\($0)" } ?? "peer"): no preface within \(timeout)")
                connection.closeOutput(error: HTTP2ConnectionError(.settingsTimeout, "no client preface within \(timeout)"))
            }
        }
        // Last: a transport may deliver bytes that already arrived (the peer's preface) from inside this
        // call, and they must meet the phase set above, not `.idle`.
        output.setReadingEnabled(true)
    }

    /// Parses and handles every whole frame that arrived.
    public func streamRead(_ bytes: inout NacosByteBuffer) {
        guard self.phase != .closed, !self.failedInput else {
            bytes.moveReaderIndex(forwardBy: bytes.readableBytes)
            return
        }
        self.inRead = true
        defer {
            self.inRead = false
            self.flush()
        }
        if self.inbound.readableBytes == 0 {
            self.inbound = bytes
        } else {
            self.inbound.writeBuffer(&bytes)
        }
        bytes.moveReaderIndex(forwardBy: bytes.readableBytes)
        do {
            try self.processInbound()
        } catch {
            self.connectionError(error)
        }
        if self.inbound.readableBytes == 0 {
            self.inbound = NacosByteBuffer()
        } else if self.inbound.readerIndex > 0 {
            var rest = NacosByteBuffer(capacity: self.inbound.readableBytes)
            rest.writeImmutableBuffer(self.inbound)
            self.inbound = rest
        }
    }

    /// Forwards writability changes.
    public func streamWritabilityChanged(_ isWritable: Bool) {
        self.checkWritability()
    }

    /// The peer stopped sending: close.
    public func streamInputClosed() {
        self.closeOutput(error: nil)
    }

    /// Reports every open stream reset, then the close.
    public func streamClosed(_ error: (any Error)?) {
        guard self.phase != .closed else { return }
        self.phase = .closed
        self.timer?.cancel()
        self.timer = nil
        for id in self.streams.keys.sorted() {
            self.forget(id, report: .cancel)
        }
        let delegate = self.delegate
        self.delegate = nil
        delegate?.http2ConnectionClosed(self, error: error)
    }

    private func closeOutput(error: (any Error)?) {
        guard let output = self.output else { return }
        self.flush()
        output.close(flush: true, error: error)
    }

    // MARK: - Errors

    private func connectionError(_ error: HTTP2ConnectionError) {
        guard self.phase != .closed else { return }
        self.logger.notice("HTTP/2 connection error with \(self.remoteAddress.map { "\($0)" } ?? "peer"): \(error)")
        if !self.goAwaySent {
            self.goAwaySent = true
            HTTP2FrameWriter.writeGoAway(lastStreamID: self.highestPeerStreamID, errorCode: error.code, debugData: error.message, into: &self.outbound)
        }
        self.inbound = NacosByteBuffer()
        self.failedInput = true
        self.closeOutput(error: error)
    }

    /// A stream error (RFC 9113 §5.4.2): RST_STREAM, the stream forgotten and reported reset.
    private func streamError(_ streamID: UInt32, _ code: HTTP2ErrorCode, _ message: String) throws(HTTP2ConnectionError) {
        self.logger.debug("HTTP/2 stream error on stream \(streamID): \(code) \(message)")
        HTTP2FrameWriter.writeResetStream(streamID: streamID, errorCode: code, into: &self.outbound)
        try self.countReset()
        self.forget(streamID, report: code)
    }

    /// Counts a reset against the rapid-reset guard.
    private func countReset() throws(HTTP2ConnectionError) {
        guard self.resets.take() else {
            throw HTTP2ConnectionError(.enhanceYourCalm, "too many stream resets")
        }
    }

    // MARK: - Inbound frames

    private func processInbound() throws(HTTP2ConnectionError) {
        while !self.failedInput, self.phase != .closed {
            if self.phase == .awaitingPreface {
                let preface = HTTP2FrameWriter.clientPreface
                let count = min(self.inbound.readableBytes, preface.count)
                guard let seen = self.inbound.getBytes(at: self.inbound.readerIndex, length: count) else { return }
                guard seen.elementsEqual(preface.prefix(count)) else {
                    throw HTTP2ConnectionError(.protocolError, "invalid client preface")
                }
                guard count == preface.count else { return }
                self.inbound.moveReaderIndex(forwardBy: count)
                self.phase = .awaitingSettings
            }
            guard self.inbound.readableBytes >= HTTP2FrameWriter.headerLength,
                let high = self.inbound.getInteger(at: self.inbound.readerIndex, as: UInt8.self),
                let low = self.inbound.getInteger(at: self.inbound.readerIndex + 1, as: UInt16.self),
                let typeByte = self.inbound.getInteger(at: self.inbound.readerIndex + 3, as: UInt8.self),
                let flags = self.inbound.getInteger(at: self.inbound.readerIndex + 4, as: UInt8.self),
                let rawStreamID = self.inbound.getInteger(at: self.inbound.readerIndex + 5, as: UInt32.self)
            else { return }
            let length = Int(high) << 16 | Int(low)
            guard length <= self.configuration.maxFrameSize else {
                throw HTTP2ConnectionError(.frameSizeError, "frame of \(length) bytes exceeds SETTINGS_MAX_FRAME_SIZE \(self.configuration.maxFrameSize)")
            }
            guard self.inbound.readableBytes >= HTTP2FrameWriter.headerLength + length else { return }
            self.inbound.moveReaderIndex(forwardBy: HTTP2FrameWriter.headerLength)
            let payload = self.inbound.readSlice(length: length) ?? NacosByteBuffer()
            let streamID = rawStreamID & 0x7fff_ffff
            let type = HTTP2FrameType(rawValue: typeByte)
            if self.phase == .awaitingSettings {
                guard type == .settings, flags & HTTP2Flag.ack == 0 else {
                    throw HTTP2ConnectionError(.protocolError, "the first frame must be SETTINGS")
                }
            }
            if let block = self.headerBlock, type != .continuation || streamID != block.streamID {
                throw HTTP2ConnectionError(.protocolError, "expected CONTINUATION of stream \(block.streamID)")
            }
            try self.handle(type, typeByte: typeByte, flags: flags, streamID: streamID, payload: payload)
        }
    }

    private func handle(_ type: HTTP2FrameType?, typeByte: UInt8, flags: UInt8, streamID: UInt32, payload: NacosByteBuffer) throws(HTTP2ConnectionError) {
        switch type {
        case .data: try self.receiveData(flags: flags, streamID: streamID, payload: payload)
        case .headers: try self.receiveHeaders(flags: flags, streamID: streamID, payload: payload)
        case .priority:
            guard streamID != 0 else { throw HTTP2ConnectionError(.protocolError, "PRIORITY on stream 0") }
            if payload.readableBytes != 5 { try self.streamError(streamID, .frameSizeError, "PRIORITY of \(payload.readableBytes) bytes") }
        case .rstStream: try self.receiveReset(streamID: streamID, payload: payload)
        case .settings: try self.receiveSettings(flags: flags, streamID: streamID, payload: payload)
        case .pushPromise: throw HTTP2ConnectionError(.protocolError, "PUSH_PROMISE is not allowed (push is disabled)")
        case .ping: try self.receivePing(flags: flags, streamID: streamID, payload: payload)
        case .goAway: try self.receiveGoAway(streamID: streamID, payload: payload)
        case .windowUpdate: try self.receiveWindowUpdate(streamID: streamID, payload: payload)
        case .continuation: try self.receiveContinuation(flags: flags, streamID: streamID, payload: payload)
        case nil: break  // Unknown frame types are ignored (RFC 9113 §4.1).
        }
    }

    /// Whether `streamID` is one the peer opens (odd ids from a client, even from a server).
    private func isPeerInitiated(_ streamID: UInt32) -> Bool {
        (streamID % 2 == 1) == (self.role == .server)
    }

    /// Whether a stream id not in the table was used before (closed) rather than never (idle).
    private func wasUsed(_ streamID: UInt32) -> Bool {
        self.isPeerInitiated(streamID) ? streamID <= self.highestPeerStreamID : streamID < self.nextLocalStreamID
    }

    /// Strips padding (RFC 9113 §6.1, §6.2).
    private func unpadded(_ payload: NacosByteBuffer, flags: UInt8) throws(HTTP2ConnectionError) -> NacosByteBuffer {
        guard flags & HTTP2Flag.padded != 0 else { return payload }
        var body = payload
        guard let padLength = body.readInteger(as: UInt8.self), Int(padLength) <= body.readableBytes else {
            throw HTTP2ConnectionError(.protocolError, "padding longer than the frame")
        }
        return body.readSlice(length: body.readableBytes - Int(padLength)) ?? NacosByteBuffer()
    }

    private func receiveData(flags: UInt8, streamID: UInt32, payload: NacosByteBuffer) throws(HTTP2ConnectionError) {
        guard streamID != 0 else { throw HTTP2ConnectionError(.protocolError, "DATA on stream 0") }
        let length = payload.readableBytes
        guard length <= self.receiveWindow else {
            throw HTTP2ConnectionError(.flowControlError, "DATA of \(length) bytes exceeds the connection window \(self.receiveWindow)")
        }
        self.receiveWindow -= length
        self.acknowledgeConnection(length)
        guard var stream = self.streams[streamID] else {
            guard self.wasUsed(streamID) else { throw HTTP2ConnectionError(.protocolError, "DATA on idle stream \(streamID)") }
            HTTP2FrameWriter.writeResetStream(streamID: streamID, errorCode: .streamClosed, into: &self.outbound)
            return
        }
        guard stream.remoteOpen, stream.receivedHeaders else {
            return try self.streamError(streamID, .streamClosed, "DATA on a half-closed stream")
        }
        guard length <= stream.receiveWindow else {
            return try self.streamError(streamID, .flowControlError, "DATA exceeds the stream window")
        }
        let data = try self.unpadded(payload, flags: flags)
        let endStream = flags & HTTP2Flag.endStream != 0
        stream.receiveWindow -= length
        if endStream {
            stream.remoteOpen = false
        } else {
            stream.unacknowledged += length
            if stream.unacknowledged >= self.configuration.initialStreamWindowSize / 2 {
                HTTP2FrameWriter.writeWindowUpdate(streamID: streamID, increment: UInt32(stream.unacknowledged), into: &self.outbound)
                stream.receiveWindow += stream.unacknowledged
                stream.unacknowledged = 0
            }
        }
        if stream.isClosed {
            self.removeStream(streamID)
        } else {
            self.streams[streamID] = stream
        }
        self.delegate?.http2Connection(self, didReceiveData: data, streamID: streamID, endStream: endStream)
        if stream.isClosed { self.streamFinished() }
    }

    private func acknowledgeConnection(_ length: Int) {
        self.unacknowledged += length
        if self.unacknowledged >= self.configuration.connectionWindowSize / 2 {
            HTTP2FrameWriter.writeWindowUpdate(streamID: 0, increment: UInt32(self.unacknowledged), into: &self.outbound)
            self.receiveWindow += self.unacknowledged
            self.unacknowledged = 0
        }
    }

    private func receiveHeaders(flags: UInt8, streamID: UInt32, payload: NacosByteBuffer) throws(HTTP2ConnectionError) {
        guard streamID != 0 else { throw HTTP2ConnectionError(.protocolError, "HEADERS on stream 0") }
        var fragment = try self.unpadded(payload, flags: flags)
        if flags & HTTP2Flag.priority != 0 {
            guard fragment.readableBytes >= 5 else { throw HTTP2ConnectionError(.frameSizeError, "HEADERS too short for its priority") }
            fragment.moveReaderIndex(forwardBy: 5)
        }
        let block = HeaderBlock(streamID: streamID, endStream: flags & HTTP2Flag.endStream != 0, fragments: fragment, count: 1)
        try self.checkBlockSize(block)
        if flags & HTTP2Flag.endHeaders != 0 {
            try self.completeHeaderBlock(block)
        } else {
            self.headerBlock = block
        }
    }

    private func receiveContinuation(flags: UInt8, streamID: UInt32, payload: NacosByteBuffer) throws(HTTP2ConnectionError) {
        guard var block = self.headerBlock, block.streamID == streamID else {
            throw HTTP2ConnectionError(.protocolError, "CONTINUATION without a header block in progress")
        }
        block.fragments.writeImmutableBuffer(payload)
        block.count += 1
        guard block.count <= self.configuration.maxHeaderBlockFragments else {
            throw HTTP2ConnectionError(.enhanceYourCalm, "more than \(self.configuration.maxHeaderBlockFragments) CONTINUATION frames")
        }
        try self.checkBlockSize(block)
        if flags & HTTP2Flag.endHeaders != 0 {
            self.headerBlock = nil
            try self.completeHeaderBlock(block)
        } else {
            self.headerBlock = block
        }
    }

    /// A compressed block can be no larger than the decoded list plus the framing of its fields.
    private func checkBlockSize(_ block: HeaderBlock) throws(HTTP2ConnectionError) {
        guard block.fragments.readableBytes <= self.configuration.maxHeaderListSize + 16 * 1024 else {
            throw HTTP2ConnectionError(.enhanceYourCalm, "header block of \(block.fragments.readableBytes) bytes")
        }
    }

    private func completeHeaderBlock(_ block: HeaderBlock) throws(HTTP2ConnectionError) {
        self.headerBlock = nil
        let streamID = block.streamID
        let headers: [HPACKHeader]?
        do {
            headers = try self.decoder.decode(block.fragments)
        } catch {
            guard error.code == .headerListTooLarge else {
                throw HTTP2ConnectionError(.compressionError, "\(error)")
            }
            headers = nil
        }
        if var stream = self.streams[streamID] {
            // Trailers, or the response to a stream we opened.
            guard stream.remoteOpen else { return try self.streamError(streamID, .streamClosed, "HEADERS on a half-closed stream") }
            guard let headers else { return try self.streamError(streamID, .protocolError, "header list too large") }
            let trailers = stream.receivedHeaders
            if trailers, !block.endStream { return try self.streamError(streamID, .protocolError, "trailers without END_STREAM") }
            guard Self.isValid(headers, trailers: trailers, request: !trailers && self.role == .server, response: !trailers && self.role == .client) else {
                return try self.streamError(streamID, .protocolError, "malformed header block")
            }
            stream.receivedHeaders = true
            if block.endStream { stream.remoteOpen = false }
            if stream.isClosed { self.removeStream(streamID) } else { self.streams[streamID] = stream }
            self.delegate?.http2Connection(self, didReceiveHeaders: headers, streamID: streamID, endStream: block.endStream)
            if stream.isClosed { self.streamFinished() }
            return
        }
        guard self.isPeerInitiated(streamID) else {
            if self.wasUsed(streamID) { return }
            throw HTTP2ConnectionError(.protocolError, "HEADERS on idle stream \(streamID) that only we may open")
        }
        guard streamID > self.highestPeerStreamID else {
            throw HTTP2ConnectionError(.streamClosed, "HEADERS on closed stream \(streamID)")
        }
        self.highestPeerStreamID = streamID
        if self.goAwaySent {
            HTTP2FrameWriter.writeResetStream(streamID: streamID, errorCode: .refusedStream, into: &self.outbound)
            return
        }
        guard self.peerStreamCount < self.configuration.maxConcurrentStreams else {
            HTTP2FrameWriter.writeResetStream(streamID: streamID, errorCode: .refusedStream, into: &self.outbound)
            return try self.countReset()
        }
        guard let headers else {
            HTTP2FrameWriter.writeResetStream(streamID: streamID, errorCode: .refusedStream, into: &self.outbound)
            return try self.countReset()
        }
        guard Self.isValid(headers, trailers: false, request: self.role == .server, response: false) else {
            HTTP2FrameWriter.writeResetStream(streamID: streamID, errorCode: .protocolError, into: &self.outbound)
            return try self.countReset()
        }
        var stream = HTTP2Stream(sendWindow: self.peer.initialWindowSize, receiveWindow: self.configuration.initialStreamWindowSize)
        stream.receivedHeaders = true
        stream.remoteOpen = !block.endStream
        self.streams[streamID] = stream
        self.peerStreamCount += 1
        self.delegate?.http2Connection(self, didReceiveHeaders: headers, streamID: streamID, endStream: block.endStream)
    }

    /// RFC 9113 §8.2–8.3: lower-case names, pseudo-header fields first and only the allowed ones, the required
    /// ones present, no connection-specific fields, `te` only `trailers`.
    static func isValid(_ headers: [HPACKHeader], trailers: Bool, request: Bool, response: Bool) -> Bool {
        var regularSeen = false
        var seen = (method: false, scheme: false, path: false, authority: false, protocol: false, status: false)
        var isConnect = false
        var pathEmpty = false
        for header in headers {
            let name = header.name
            guard let first = name.utf8.first, !name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5a }) else { return false }
            if first == UInt8(ascii: ":") {
                guard !trailers, !regularSeen else { return false }
                var duplicate = false
                switch name {
                case ":method" where request:
                    duplicate = seen.method
                    seen.method = true
                    isConnect = header.value == "CONNECT"
                case ":scheme" where request:
                    duplicate = seen.scheme
                    seen.scheme = true
                case ":path" where request:
                    duplicate = seen.path
                    seen.path = true
                    pathEmpty = header.value.isEmpty
                case ":authority" where request:
                    duplicate = seen.authority
                    seen.authority = true
                case ":protocol" where request:
                    duplicate = seen.protocol
                    seen.protocol = true
                case ":status" where !request:
                    duplicate = seen.status
                    seen.status = true
                default:
                    return false
                }
                if duplicate { return false }
            } else {
                regularSeen = true
                switch name {
                case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade": return false
                case "te" where header.value != "trailers": return false
                default: break
                }
            }
        }
        if request, !isConnect, !(seen.method && seen.scheme && seen.path) || pathEmpty { return false }
        if response, !seen.status { return false }
        return true
    }

    private func receiveReset(streamID: UInt32, payload: NacosByteBuffer) throws(HTTP2ConnectionError) {
        guard streamID != 0 else { throw HTTP2ConnectionError(.protocolError, "RST_STREAM on stream 0") }
        guard payload.readableBytes == 4, let raw = payload.getInteger(at: payload.readerIndex, as: UInt32.self) else {
            throw HTTP2ConnectionError(.frameSizeError, "RST_STREAM of \(payload.readableBytes) bytes")
        }
        guard self.streams[streamID] != nil else {
            if !self.wasUsed(streamID) { throw HTTP2ConnectionError(.protocolError, "RST_STREAM on idle stream \(streamID)") }
            return
        }
        try self.countReset()
        self.forget(streamID, report: HTTP2ErrorCode(rawValue: raw))
    }

    private func receiveSettings(flags: UInt8, streamID: UInt32, payload: NacosByteBuffer) throws(HTTP2ConnectionError) {
        guard streamID == 0 else { throw HTTP2ConnectionError(.protocolError, "SETTINGS on stream \(streamID)") }
        if flags & HTTP2Flag.ack != 0 {
            guard payload.readableBytes == 0 else { throw HTTP2ConnectionError(.frameSizeError, "SETTINGS ACK with a payload") }
            return
        }
        guard payload.readableBytes % 6 == 0 else { throw HTTP2ConnectionError(.frameSizeError, "SETTINGS of \(payload.readableBytes) bytes") }
        guard self.settingsFrames.take() else { throw HTTP2ConnectionError(.enhanceYourCalm, "SETTINGS flood") }
        var body = payload
        while let identifier = body.readInteger(as: UInt16.self), let value = body.readInteger(as: UInt32.self) {
            switch HTTP2SettingID(rawValue: identifier) {
            case .headerTableSize:
                self.peer.headerTableSize = Int(value)
                self.encoder.setMaxDynamicTableSize(Int(value))
            case .enablePush:
                guard value <= 1 else { throw HTTP2ConnectionError(.protocolError, "SETTINGS_ENABLE_PUSH of \(value)") }
                if self.role == .client, value != 0 { throw HTTP2ConnectionError(.protocolError, "a server sent SETTINGS_ENABLE_PUSH 1") }
            case .maxConcurrentStreams:
                self.peer.maxConcurrentStreams = Int(value)
            case .initialWindowSize:
                guard Int(value) <= Self.maxWindow else { throw HTTP2ConnectionError(.flowControlError, "SETTINGS_INITIAL_WINDOW_SIZE of \(value)") }
                let delta = Int(value) - self.peer.initialWindowSize
                self.peer.initialWindowSize = Int(value)
                for id in self.streams.keys {
                    self.streams[id]!.sendWindow += delta
                    if self.streams[id]!.sendWindow > Self.maxWindow {
                        throw HTTP2ConnectionError(.flowControlError, "stream window past 2^31-1")
                    }
                }
            case .maxFrameSize:
                guard (16_384...16_777_215).contains(Int(value)) else { throw HTTP2ConnectionError(.protocolError, "SETTINGS_MAX_FRAME_SIZE of \(value)") }
                self.peer.maxFrameSize = Int(value)
            case .maxHeaderListSize:
                self.peer.maxHeaderListSize = Int(value)
            case nil:
                break  // Unknown settings are ignored.
            }
        }
        HTTP2FrameWriter.writeSettings([], ack: true, into: &self.outbound)
        if self.phase == .awaitingSettings {
            let wasServer = self.role == .server
            self.phase = .open
            if wasServer {
                self.timer?.cancel()
                self.timer = nil
                self.delegate?.http2ConnectionActive(self)
            }
        }
        self.drainAll()
    }

    private func receivePing(flags: UInt8, streamID: UInt32, payload: NacosByteBuffer) throws(HTTP2ConnectionError) {
        guard streamID == 0 else { throw HTTP2ConnectionError(.protocolError, "PING on stream \(streamID)") }
        guard payload.readableBytes == 8, let opaque = payload.getInteger(at: payload.readerIndex, as: UInt64.self) else {
            throw HTTP2ConnectionError(.frameSizeError, "PING of \(payload.readableBytes) bytes")
        }
        guard flags & HTTP2Flag.ack == 0 else { return }
        guard self.pings.take() else { throw HTTP2ConnectionError(.enhanceYourCalm, "PING flood") }
        HTTP2FrameWriter.writePing(opaque, ack: true, into: &self.outbound)
    }

    private func receiveGoAway(streamID: UInt32, payload: NacosByteBuffer) throws(HTTP2ConnectionError) {
        guard streamID == 0 else { throw HTTP2ConnectionError(.protocolError, "GOAWAY on stream \(streamID)") }
        guard payload.readableBytes >= 8,
            let last = payload.getInteger(at: payload.readerIndex, as: UInt32.self),
            let code = payload.getInteger(at: payload.readerIndex + 4, as: UInt32.self)
        else { throw HTTP2ConnectionError(.frameSizeError, "GOAWAY of \(payload.readableBytes) bytes") }
        self.goAwayReceived = true
        let lastStreamID = last & 0x7fff_ffff
        self.delegate?.http2Connection(self, didReceiveGoAway: lastStreamID, errorCode: HTTP2ErrorCode(rawValue: code))
        for id in self.streams.keys.sorted() where !self.isPeerInitiated(id) && id > lastStreamID {
            self.forget(id, report: .refusedStream)
        }
        if self.streams.isEmpty { self.closeOutput(error: nil) }
    }

    private func receiveWindowUpdate(streamID: UInt32, payload: NacosByteBuffer) throws(HTTP2ConnectionError) {
        guard payload.readableBytes == 4, let raw = payload.getInteger(at: payload.readerIndex, as: UInt32.self) else {
            throw HTTP2ConnectionError(.frameSizeError, "WINDOW_UPDATE of \(payload.readableBytes) bytes")
        }
        let increment = Int(raw & 0x7fff_ffff)
        if streamID == 0 {
            guard increment > 0 else { throw HTTP2ConnectionError(.protocolError, "WINDOW_UPDATE of 0 on the connection") }
            self.sendWindow += increment
            guard self.sendWindow <= Self.maxWindow else { throw HTTP2ConnectionError(.flowControlError, "connection window past 2^31-1") }
            self.drainAll()
            return
        }
        guard var stream = self.streams[streamID] else {
            if !self.wasUsed(streamID) { throw HTTP2ConnectionError(.protocolError, "WINDOW_UPDATE on idle stream \(streamID)") }
            return
        }
        guard increment > 0 else { return try self.streamError(streamID, .protocolError, "WINDOW_UPDATE of 0") }
        stream.sendWindow += increment
        guard stream.sendWindow <= Self.maxWindow else { return try self.streamError(streamID, .flowControlError, "stream window past 2^31-1") }
        self.streams[streamID] = stream
        self.drain(streamID)
        self.checkWritability()
    }
}

@available(*, unavailable)
extension HTTP2Connection: Sendable {}
