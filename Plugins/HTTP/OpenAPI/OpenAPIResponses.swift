import NacosRemote

/// How Open API handlers turn results and errors into HTTP responses: v1 answers plain text or bare JSON,
/// v2 wraps everything in the `{code, message, data}` envelope.
enum OpenAPIResponses {
    /// Runs a v1 handler: an `OpenAPIError` or `NacosException` becomes its status with the message as text.
    static func v1(_ body: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) -> HTTPRouter.Handler {
        { request in
            do {
                return try await body(request)
            } catch let error as OpenAPIError {
                return .text(error.message, status: error.status)
            } catch let error as NacosException {
                let mapped = OpenAPIError(error)
                return .text(mapped.message, status: mapped.status)
            }
        }
    }

    /// Runs a v2 handler whose result is written as the envelope's `data`; errors become the envelope with
    /// the error's code, abstract and message (an unexpected error: 500 with code 30000, as Nacos's
    /// `NacosApiExceptionHandler.handleOtherException`).
    static func v2(_ body: @escaping @Sendable (HTTPRequest) async throws -> (inout NacosJSONWriter) -> Void) -> HTTPRouter.Handler {
        { request in
            do {
                let writeData = try await body(request)
                return Self.envelope(status: .ok, code: .success, data: writeData)
            } catch let error as OpenAPIError {
                return Self.envelope(error)
            } catch let error as NacosException {
                return Self.envelope(OpenAPIError(error))
            } catch {
                return Self.envelope(OpenAPIError(.internalServerError, .serverError, String(describing: error)))
            }
        }
    }

    /// The v2 envelope of an error.
    static func envelope(_ error: OpenAPIError) -> HTTPResponse {
        let message = error.message
        return Self.envelope(status: error.status, code: error.code) { $0.string(message) }
    }

    /// `{"code":…,"message":…,"data":…}` with `data` written by `data`.
    static func envelope(status: HTTPStatus, code: OpenAPIErrorCode, data: (inout NacosJSONWriter) -> Void) -> HTTPResponse {
        var writer = NacosJSONWriter()
        writer.object { writer in
            writer.key("code")
            writer.integer(code.code)
            writer.key("message")
            writer.string(code.abstract)
            writer.key("data")
            data(&writer)
        }
        return .json(writer.bytes, status: status)
    }

    /// A JSON response written by `body`.
    static func json(status: HTTPStatus = .ok, _ body: (inout NacosJSONWriter) -> Void) -> HTTPResponse {
        var writer = NacosJSONWriter()
        body(&writer)
        return .json(writer.bytes, status: status)
    }

    /// Writes `value` as a JSON string, the `data` of v2 writes (`"ok"`).
    static func string(_ value: String) -> (inout NacosJSONWriter) -> Void {
        { $0.string(value) }
    }
}
