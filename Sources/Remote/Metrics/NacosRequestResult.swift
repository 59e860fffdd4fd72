/// How a request the server answered ended, as request metrics count it: success, a failure with a Nacos
/// error code, or a failure without one.
public enum NacosRequestResult: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The response's `resultCode` was 200.
    case success
    /// The response failed with this non-zero `errorCode` (300, 400, 503, …).
    case failure(errorCode: Int)
    /// The response failed with `errorCode` 0.
    case error

    /// The result of a response with `resultCode` and `errorCode`.
    public init(resultCode: Int, errorCode: Int) {
        if resultCode == NacosResponseCode.success {
            self = .success
        } else if errorCode != 0 {
            self = .failure(errorCode: errorCode)
        } else {
            self = .error
        }
    }

    /// The result of `response`.
    public init(_ response: some NacosResponse) {
        self.init(resultCode: response.resultCode, errorCode: response.errorCode)
    }

    /// The metric label: `success`, the error code (`400`), or `error`.
    public var label: String {
        switch self {
        case .success: "success"
        case .failure(let errorCode): String(errorCode)
        case .error: "error"
        }
    }

    /// The label.
    public var description: String { self.label }

    /// Success first, then failures by error code, then `error`.
    public static func < (lhs: NacosRequestResult, rhs: NacosRequestResult) -> Bool {
        switch (lhs, rhs) {
        case (.failure(let left), .failure(let right)): left < right
        default: lhs.rank < rhs.rank
        }
    }

    private var rank: Int {
        switch self {
        case .success: 0
        case .failure: 1
        case .error: 2
        }
    }
}
