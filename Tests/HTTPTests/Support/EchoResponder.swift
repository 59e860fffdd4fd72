import NacosHTTP

/// Answers every request with a line describing it: `METHOD path ?query [body]`, plus the `Host` it saw.
struct EchoResponder: HTTPResponder {
    func respond(to request: HTTPRequest) async -> HTTPResponse {
        var response = HTTPResponse.text(EchoResponder.describe(request))
        response.headers.add(name: "X-Seen-Host", value: request.headers["Host"] ?? "")
        return response
    }

    /// The text the responder answers `request` with.
    static func describe(_ request: HTTPRequest) -> String {
        "\(request.method) \(request.path) ?\(request.query) [\(String(decoding: request.body, as: UTF8.self))]"
    }
}
