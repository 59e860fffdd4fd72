/// Maps method and exact path to a handler.
///
/// - Paths match exactly after percent-decoding, except that trailing slashes are ignored (`/a/` is `/a`).
/// - An unknown path is answered `404`; a known path with another method `405` with an `Allow` header.
/// - `HEAD` falls back to the `GET` handler (the server drops the body).
/// - A thrown `HTTPError` becomes its status with its message as `text/plain`; any other error becomes
///   `500` with the error's description.
public struct HTTPRouter: HTTPResponder {
    /// A route's handler.
    public typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse

    private var routes: [String: [HTTPMethod: Handler]] = [:]

    /// Creates a router without routes.
    public init() {}

    /// Routes `method` on `path` to `handler`, replacing an earlier handler for the same pair.
    public mutating func add(_ method: HTTPMethod, _ path: String, _ handler: @escaping Handler) {
        self.routes[Self.normalized(path), default: [:]][method] = handler
    }

    /// The registered paths (normalized), sorted.
    public var paths: [String] { self.routes.keys.sorted() }

    /// Every routed method and path (normalized), sorted by path then method.
    public var routedPairs: [(method: HTTPMethod, path: String)] {
        self.routes.flatMap { path, methods in methods.keys.map { (method: $0, path: path) } }
            .sorted { ($0.path, $0.method.rawValue) < ($1.path, $1.method.rawValue) }
    }

    /// Whether `method` on `path` has a handler (`HEAD` counts as `GET`).
    public func hasRoute(_ method: HTTPMethod, _ path: String) -> Bool {
        guard let methods = self.routes[Self.normalized(path)] else { return false }
        return methods[method] != nil || (method == .head && methods[.get] != nil)
    }

    /// Dispatches `request` to its route, turning thrown errors into responses.
    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        let path = Self.normalized(request.path)
        guard let methods = self.routes[path] else {
            return .text("No route for \(request.path)", status: .notFound)
        }
        guard let handler = methods[request.method] ?? (request.method == .head ? methods[.get] : nil) else {
            var response = HTTPResponse.text("Request method '\(request.method)' is not supported", status: .methodNotAllowed)
            response.headers.add(name: "Allow", value: Self.allowed(methods.keys))
            return response
        }
        do {
            return try await handler(request)
        } catch let error as HTTPError {
            return .text(error.message, status: error.status)
        } catch {
            return .text(String(describing: error), status: .internalServerError)
        }
    }

    /// `path` without trailing slashes (`/` stays `/`, an empty path becomes `/`).
    static func normalized(_ path: String) -> String {
        var utf8 = path.utf8[...]
        while utf8.count > 1, utf8.last == HTTPASCII.slash { utf8 = utf8.dropLast() }
        if utf8.isEmpty { return "/" }
        return utf8.count == path.utf8.count ? path : String(Substring(utf8))
    }

    /// The `Allow` value for a path's methods: the well-known ones in a fixed order (with `HEAD` when `GET`
    /// is routed), then the others alphabetically.
    private static func allowed(_ methods: Dictionary<HTTPMethod, Handler>.Keys) -> String {
        var set = Set(methods)
        if set.contains(.get) { set.insert(.head) }
        let order: [HTTPMethod] = [.get, .head, .post, .put, .patch, .delete, .options]
        let known = order.filter { set.contains($0) }
        let others = set.subtracting(order).map(\.rawValue).sorted()
        return (known.map(\.rawValue) + others).joined(separator: ", ")
    }
}
