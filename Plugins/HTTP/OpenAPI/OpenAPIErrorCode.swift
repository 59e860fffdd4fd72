/// The error codes of Nacos's v2 Open API envelope (`api.model.v2.ErrorCode`) that the naming endpoints use.
public struct OpenAPIErrorCode: Sendable, Hashable {
    /// The numeric code in the envelope's `code`.
    public let code: Int
    /// The abstract in the envelope's `message`.
    public let abstract: String

    /// Creates a code.
    public init(code: Int, abstract: String) {
        self.code = code
        self.abstract = abstract
    }

    /// `0 success`.
    public static let success = OpenAPIErrorCode(code: 0, abstract: "success")
    /// `10000 parameter missing`.
    public static let parameterMissing = OpenAPIErrorCode(code: 10000, abstract: "parameter missing")
    /// `10001 access denied`.
    public static let accessDenied = OpenAPIErrorCode(code: 10001, abstract: "access denied")
    /// `20002 parameter validate error`.
    public static let parameterValidateError = OpenAPIErrorCode(code: 20002, abstract: "parameter validate error")
    /// `20004 resource not found`.
    public static let resourceNotFound = OpenAPIErrorCode(code: 20004, abstract: "resource not found")
    /// `21000 service name error`.
    public static let serviceNameError = OpenAPIErrorCode(code: 21000, abstract: "service name error")
    /// `21001 weight error`.
    public static let weightError = OpenAPIErrorCode(code: 21001, abstract: "weight error")
    /// `21002 instance metadata error`.
    public static let instanceMetadataError = OpenAPIErrorCode(code: 21002, abstract: "instance metadata error")
    /// `21003 instance not found`.
    public static let instanceNotFound = OpenAPIErrorCode(code: 21003, abstract: "instance not found")
    /// `21004 instance error`.
    public static let instanceError = OpenAPIErrorCode(code: 21004, abstract: "instance error")
    /// `21006 selector error`.
    public static let selectorError = OpenAPIErrorCode(code: 21006, abstract: "selector error")
    /// `21007 service already exist`.
    public static let serviceAlreadyExist = OpenAPIErrorCode(code: 21007, abstract: "service already exist")
    /// `21008 service not exist`.
    public static let serviceNotExist = OpenAPIErrorCode(code: 21008, abstract: "service not exist")
    /// `21009 service delete failure`.
    public static let serviceDeleteFailure = OpenAPIErrorCode(code: 21009, abstract: "service delete failure")
    /// `30000 server error`.
    public static let serverError = OpenAPIErrorCode(code: 30000, abstract: "server error")
    /// A namespace id or name that is not allowed.
    public static let illegalNamespace = OpenAPIErrorCode(code: 22000, abstract: "illegal namespace")
    /// The namespace does not exist.
    public static let namespaceNotExist = OpenAPIErrorCode(code: 22001, abstract: "namespace not exist")
    /// The namespace exists already.
    public static let namespaceAlreadyExist = OpenAPIErrorCode(code: 22002, abstract: "namespace already exist")
}
