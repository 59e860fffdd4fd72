import NacosTransport
@testable import NacosHTTP

/// Drives the internal request parser the way a connection does, for unit tests.
struct ParserProbe {
    /// What the parser produced for one input.
    struct Outcome: Equatable {
        var requests: [Summary] = []
        var continues = 0
        var errorStatus: Int?
    }

    /// The parts of a request the tests compare.
    struct Summary: Equatable, CustomStringConvertible {
        var method: String
        var target: String
        var path: String
        var query: String
        var versionMinor: Int
        var headers: [String]
        var body: [UInt8]
        var keepAlive: Bool

        var description: String {
            "\(self.method) \(self.target) 1.\(self.versionMinor) \(self.headers) body=\(self.body.count)B keepAlive=\(self.keepAlive)"
        }
    }

    var configuration = HTTPServerConfiguration()

    /// Feeds `chunks` one after the other, keeping unconsumed bytes as the connection does.
    func run(_ chunks: [[UInt8]]) -> Outcome {
        var parser = HTTPRequestParser(configuration: self.configuration)
        var outcome = Outcome()
        var buffer = NacosByteBuffer()
        for chunk in chunks {
            buffer.writeBytes(chunk)
            while true {
                switch parser.next(&buffer) {
                case .success(nil):
                    break
                case .success(.continueExpected):
                    outcome.continues += 1
                    continue
                case .success(.request(let request, let keepAlive)):
                    outcome.requests.append(
                        Summary(
                            method: request.method.rawValue,
                            target: request.target,
                            path: request.path,
                            query: request.query,
                            versionMinor: request.versionMinor,
                            headers: request.headers.map { "\($0.name)=\($0.value)" },
                            body: request.body,
                            keepAlive: keepAlive
                        )
                    )
                    continue
                case .failure(let error):
                    outcome.errorStatus = error.status.code
                    return outcome
                }
                break
            }
            buffer.discardReadBytes()
        }
        return outcome
    }

    /// Feeds `bytes` in one piece.
    func run(_ bytes: [UInt8]) -> Outcome {
        self.run([bytes])
    }

    /// Feeds `text` in one piece.
    func run(_ text: String) -> Outcome {
        self.run([Array(text.utf8)])
    }

    /// The status the parser fails `text` with, or `nil` when it does not fail.
    func errorStatus(_ text: String) -> Int? {
        self.run(text).errorStatus
    }
}
