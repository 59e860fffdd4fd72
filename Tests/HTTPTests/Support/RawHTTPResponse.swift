import Foundation

/// A response parsed by the tests' own simple parser (status line, fields, `Content-Length` body), to
/// check the server's bytes independently of the library's client.
struct RawHTTPResponse: Sendable {
    let version: String
    let code: Int
    let reason: String
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    /// The first value of a field, ignoring case.
    func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as text.
    var text: String { String(decoding: self.body, as: UTF8.self) }

    /// Parses every complete response in `bytes`; `rest` counts the bytes of an incomplete last one.
    static func parseAll(_ bytes: [UInt8], headOnly: Set<Int> = []) -> (responses: [RawHTTPResponse], rest: Int) {
        var responses: [RawHTTPResponse] = []
        var index = 0
        while index < bytes.count {
            guard let headEnd = Self.findHeadEnd(bytes, from: index) else { break }
            let headText = String(decoding: bytes[index..<headEnd], as: UTF8.self)
            var lines = headText.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            guard !lines.isEmpty else { break }
            let statusLine = lines.removeFirst()
            let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, let code = Int(parts[1]) else { break }
            let headers = lines.map { line -> (name: String, value: String) in
                let colon = line.firstIndex(of: ":")!
                return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: [" "]))
            }
            let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
            let bodyLength = (code < 200 || headOnly.contains(responses.count)) ? 0 : length
            guard headEnd + bodyLength <= bytes.count else { break }
            let response = RawHTTPResponse(
                version: String(parts[0]),
                code: code,
                reason: parts.count > 2 ? String(parts[2]) : "",
                headers: headers,
                body: Array(bytes[headEnd..<(headEnd + bodyLength)])
            )
            index = headEnd + bodyLength
            if code >= 200 { responses.append(response) }
        }
        return (responses, bytes.count - index)
    }

    private static func findHeadEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 3 < bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                return index + 4
            }
            index += 1
        }
        return nil
    }
}
