import NacosTransport

/// A server end that answers each request head with a fixed byte string chosen by the request's path, for
/// testing the client against responses `NacosHTTPServer` never sends; a response without framing fields
/// (`HTTP/1.0`, no length) is followed by a close.
final class CannedHTTPServer: NacosStreamHandler {
    private let responses: [(path: String, bytes: String)]
    private var output: (any NacosStreamOutput)?
    private var pending: [UInt8] = []

    init(responses: [(String, String)]) {
        self.responses = responses.map { (path: $0.0, bytes: $0.1) }
    }

    func streamActive(_ output: any NacosStreamOutput) {
        self.output = output
        output.setReadingEnabled(true)
    }

    func streamRead(_ bytes: inout NacosByteBuffer) {
        self.pending.append(contentsOf: bytes.readableBytesArray)
        bytes.moveReaderIndex(to: bytes.writerIndex)
        while let end = self.headEnd() {
            let head = String(decoding: self.pending[..<end], as: UTF8.self)
            self.pending.removeFirst(end)
            let path = head.split(separator: " ").dropFirst().first.map(String.init) ?? ""
            let answer = self.responses.first { $0.path == path }?.bytes ?? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
            self.output?.write(NacosByteBuffer(string: answer), completion: nil)
            self.output?.flush()
            if answer.hasPrefix("HTTP/1.0") || answer.hasPrefix("NOT") {
                self.output?.close(flush: true, error: nil)
            }
        }
    }

    func streamWritabilityChanged(_ isWritable: Bool) {}

    func streamInputClosed() {
        self.output?.close(flush: true, error: nil)
    }

    func streamClosed(_ error: (any Error)?) {}

    private func headEnd() -> Int? {
        guard self.pending.count >= 4 else { return nil }
        for index in 0...(self.pending.count - 4)
        where self.pending[index] == 13 && self.pending[index + 1] == 10 && self.pending[index + 2] == 13 && self.pending[index + 3] == 10 {
            return index + 4
        }
        return nil
    }
}
