/// Decodes a `Transfer-Encoding: chunked` body incrementally (RFC 9112 §7.1): chunk extensions are skipped,
/// trailer fields are read and dropped, line ends may be CRLF or a bare LF.
internal struct HTTPChunkedDecoder {
    private enum State {
        case size
        case sizeWhitespace
        case chunkExtension
        case sizeLF
        case data
        case dataCR
        case dataLF
        case trailerLineStart
        case trailerLine
        case finalLF
        case done
    }

    /// The most bytes of one chunk-size line, extensions included.
    static let maxSizeLineBytes = 4096

    private var state = State.size
    private var chunkRemaining = 0
    private var sawDigit = false
    private var lineBytes = 0
    private var trailerBytes = 0
    /// The body bytes decoded so far.
    private(set) var total = 0
    private let maxBodyBytes: Int
    private let maxTrailerBytes: Int
    private let tooLargeStatus: HTTPStatus

    /// Creates a decoder that fails once the body passes `maxBodyBytes` (with `tooLargeStatus`) or the
    /// trailer section passes `maxTrailerBytes`.
    init(maxBodyBytes: Int, maxTrailerBytes: Int, tooLargeStatus: HTTPStatus = .payloadTooLarge) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTrailerBytes = maxTrailerBytes
        self.tooLargeStatus = tooLargeStatus
    }

    /// Whether the last chunk and the trailer section have been read.
    var isDone: Bool { self.state == .done }

    /// Consumes bytes of `raw`, appending chunk data to `body`, and returns how many it consumed (it stops
    /// right after the body's end), or the error for malformed or oversized input.
    mutating func decode(_ raw: UnsafeRawBufferPointer, into body: inout [UInt8]) -> Result<Int, HTTPError> {
        var index = 0
        let count = raw.count
        while index < count {
            let byte = raw[index]
            switch self.state {
            case .done:
                return .success(index)
            case .data:
                let take = min(self.chunkRemaining, count - index)
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[index..<(index + take)]))
                self.chunkRemaining -= take
                index += take
                if self.chunkRemaining == 0 { self.state = .dataCR }
                continue
            case .size:
                if let digit = HTTPASCII.hexValue(byte) {
                    self.sawDigit = true
                    let shifted = self.chunkRemaining.multipliedReportingOverflow(by: 16)
                    let next = shifted.partialValue.addingReportingOverflow(Int(digit))
                    self.chunkRemaining = next.partialValue
                    if shifted.overflow || next.overflow || self.chunkRemaining > self.maxBodyBytes - self.total {
                        return .failure(HTTPError(self.tooLargeStatus, "Chunked body exceeds \(self.maxBodyBytes) bytes"))
                    }
                } else {
                    guard self.sawDigit else { return .failure(Self.malformed("chunk size")) }
                    if let error = self.endOfSize(byte) { return .failure(error) }
                }
            case .sizeWhitespace:
                if !HTTPASCII.isWhitespace(byte), let error = self.endOfSize(byte) { return .failure(error) }
            case .chunkExtension:
                if byte == HTTPASCII.lf {
                    self.finishSizeLine()
                } else if byte == HTTPASCII.cr {
                    self.state = .sizeLF
                } else if byte < 0x20 && byte != HTTPASCII.tab || byte == 0x7F {
                    return .failure(Self.malformed("chunk extension"))
                }
            case .sizeLF:
                guard byte == HTTPASCII.lf else { return .failure(Self.malformed("chunk size line end")) }
                self.finishSizeLine()
            case .dataCR:
                if byte == HTTPASCII.cr {
                    self.state = .dataLF
                } else if byte == HTTPASCII.lf {
                    self.state = .size
                } else {
                    return .failure(Self.malformed("chunk data end"))
                }
            case .dataLF:
                guard byte == HTTPASCII.lf else { return .failure(Self.malformed("chunk data end")) }
                self.state = .size
            case .trailerLineStart:
                if byte == HTTPASCII.cr {
                    self.state = .finalLF
                } else if byte == HTTPASCII.lf {
                    self.state = .done
                } else {
                    self.state = .trailerLine
                }
            case .trailerLine:
                if byte == HTTPASCII.lf { self.state = .trailerLineStart }
            case .finalLF:
                guard byte == HTTPASCII.lf else { return .failure(Self.malformed("chunked body end")) }
                self.state = .done
            }
            switch self.state {
            case .size, .sizeWhitespace, .chunkExtension, .sizeLF:
                self.lineBytes += 1
                if self.lineBytes > Self.maxSizeLineBytes {
                    return .failure(HTTPError(.badRequest, "Chunk size line longer than \(Self.maxSizeLineBytes) bytes"))
                }
            case .trailerLine, .trailerLineStart, .finalLF:
                self.trailerBytes += 1
                if self.trailerBytes > self.maxTrailerBytes {
                    return .failure(HTTPError(.requestHeaderFieldsTooLarge, "Trailer section exceeds \(self.maxTrailerBytes) bytes"))
                }
            case .data, .dataCR, .dataLF, .done:
                break
            }
            index += 1
        }
        return .success(index)
    }

    /// Handles the byte after a chunk size's digits (or after whitespace following them).
    private mutating func endOfSize(_ byte: UInt8) -> HTTPError? {
        switch byte {
        case HTTPASCII.space, HTTPASCII.tab: self.state = .sizeWhitespace
        case HTTPASCII.semicolon: self.state = .chunkExtension
        case HTTPASCII.cr: self.state = .sizeLF
        case HTTPASCII.lf: self.finishSizeLine()
        default: return Self.malformed("chunk size")
        }
        return nil
    }

    private mutating func finishSizeLine() {
        self.lineBytes = 0
        self.sawDigit = false
        if self.chunkRemaining == 0 {
            self.state = .trailerLineStart
        } else {
            self.total += self.chunkRemaining
            self.state = .data
        }
    }

    private static func malformed(_ what: String) -> HTTPError {
        HTTPError(.badRequest, "Malformed chunked body: bad \(what)")
    }
}
