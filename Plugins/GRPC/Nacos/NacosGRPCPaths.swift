import NacosHTTP2

/// The HTTP/2 paths and fixed header lists of Nacos's two gRPC services (the proto has no package).
internal enum NacosGRPCPaths {
    /// The unary service: every client request.
    static let unary = "/Request/request"
    /// The bidirectional stream: ConnectionSetupRequest, server pushes and their answers.
    static let biStream = "/BiRequestStream/requestBiStream"

    /// The response headers of every call that is answered with messages.
    static let responseHeaders = [HPACKHeader(":status", "200"), HPACKHeader("content-type", "application/grpc")]

    /// The trailers of a call that ended well.
    static let okTrailers = [HPACKHeader("grpc-status", "0")]

    /// Whether a Nacos message type is a response (every Nacos response type ends in `Response`).
    static func isResponseType(_ type: String) -> Bool {
        type.hasSuffix("Response")
    }

    /// The value of the header named `name` in `headers`, if present.
    static func value(of name: String, in headers: [HPACKHeader]) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// The trailers that end a call with `status`.
    static func trailers(_ status: GRPCStatus) -> [HPACKHeader] {
        var trailers = [HPACKHeader("grpc-status", String(status.code.rawValue))]
        if !status.message.isEmpty {
            trailers.append(HPACKHeader("grpc-message", GRPCStatus.percentEncode(status.message)))
        }
        return trailers
    }
}
