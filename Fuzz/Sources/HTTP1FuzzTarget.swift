@testable import NacosHTTP
import NacosTransport

/// The HTTP/1.1 request parser with the server's default limits, fed in chunks (the first byte chooses
/// their sizes) as a connection's reads: pipelined requests are parsed until an error, a request that
/// closes the connection, or the end of the input. Each request's parameters (query, then form body) are
/// read the way the Open API reads them.
///
/// Checked on the way: every event but `100 Continue` consumes bytes (no busy loop), a body stays within
/// `maxBodyBytes`, and parsing the same bytes in one piece gives the same requests.
enum HTTP1FuzzTarget: FuzzTarget {
    static let name = "http1"

    static let configuration = HTTPServerConfiguration()

    /// What a parse produced, compared across chunkings.
    struct Summary: Equatable {
        var requests: [String] = []
        var failed = false
    }

    static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let input = Array(bytes.dropFirst())
        // Two alternating chunk sizes: 1…16 bytes (splits inside lines) and 1…1921 bytes (across requests).
        let sizes = [Int(first & 0x0F) + 1, Int(first >> 4) * 128 + 1]
        let chunked = Self.parse(input, chunkSizes: sizes)
        let whole = Self.parse(input, chunkSizes: [max(input.count, 1)])
        precondition(chunked == whole, "chunked parsing differs from one-piece parsing: \(chunked) vs \(whole)")
    }

    static func parse(_ input: [UInt8], chunkSizes: [Int]) -> Summary {
        var parser = HTTPRequestParser(configuration: Self.configuration)
        var summary = Summary()
        var buffer = NacosByteBuffer()
        var offset = 0
        var turn = 0
        feeding: while offset < input.count {
            let length = min(chunkSizes[turn % chunkSizes.count], input.count - offset)
            turn += 1
            buffer.writeBytes(input[offset..<(offset + length)])
            offset += length
            var continueWithoutProgress = false
            while true {
                let before = buffer.readableBytes
                switch parser.next(&buffer) {
                case .failure:
                    summary.failed = true
                    break feeding
                case .success(nil):
                    precondition(buffer.readableBytes == 0 || parser.hasPartialRequest, "the parser stopped with a complete-looking tail")
                    break
                case .success(.continueExpected):
                    precondition(!continueWithoutProgress, "two 100 Continue events without progress")
                    continueWithoutProgress = true
                    continue
                case .success(.request(let request, let keepAlive)):
                    precondition(buffer.readableBytes < before, "a request event consumed no bytes")
                    precondition(request.body.count <= Self.configuration.maxBodyBytes, "a body of \(request.body.count) bytes passed the limit")
                    summary.requests.append(Self.inspect(request))
                    if !keepAlive { break feeding }
                    continueWithoutProgress = false
                    continue
                }
                break
            }
            if buffer.readableBytes == 0 {
                buffer.clear()
            } else if buffer.readerIndex > buffer.capacity / 2 {
                buffer.discardReadBytes()
            }
        }
        return summary
    }

    /// Reads the request as a route would, and summarises it.
    static func inspect(_ request: HTTPRequest) -> String {
        let parameters = OpenAPIParameters(request)
        var reads = 0
        // A route reads a handful of names; reading every one of thousands would make the harness quadratic.
        for name in parameters.raw.names.prefix(32) {
            _ = parameters.raw.values(for: name)
            if parameters.optional(name) != nil { reads += 1 }
            _ = try? parameters.int(name, default: 0)
            _ = try? parameters.bool(name, default: false)
            _ = try? parameters.double(name, default: nil)
        }
        _ = parameters.namespace
        _ = parameters.cluster
        _ = try? parameters.service()
        _ = try? parameters.metadata()
        _ = request.queryParameters.count
        _ = request.formParameters.count
        _ = request.headers["Host"]
        return "\(request.method.rawValue) \(request.target) \(request.path) \(request.headers.count) \(request.body.count) \(parameters.raw.count) \(reads)"
    }
}
