public import NacosRemote

/// Builds the failed responses naming handlers answer invalid input with (reference §3.9): the
/// handler's own response type, `resultCode` 500 and `errorCode` 400.
public enum NamingResponses {
    /// A `Response` marked failed with error 400 and `message`.
    public static func invalid<Response: NacosResponse>(_ type: Response.Type, _ message: String) -> Response {
        var response = Response()
        response.setErrorInfo(.invalidParam, message: message)
        return response
    }

    /// A `Response` marked failed with `exception`'s code and message (resultCode 500).
    public static func failed<Response: NacosResponse>(_ type: Response.Type, _ exception: NacosException) -> Response {
        var response = Response()
        response.setErrorInfo(exception.errorCode, message: exception.message)
        return response
    }
}
