/// Maps request type names to the handlers that answer them, plus the filters that run before every
/// handler: the analogue of Java's `RequestHandlerRegistry`.
///
/// Build it before the server starts; it is a value and is read without locks while serving.
public struct NacosRequestHandlerRegistry: Sendable {
    /// A registered handler, erased to the payload level.
    public struct Entry: Sendable {
        /// The request type.
        public let requestType: any NacosRequest.Type
        /// The response type the handler returns (what filters build their refusals from).
        public let responseType: any NacosResponse.Type
        /// Runs the handler on an already-decoded request of `requestType`.
        public let handle: @Sendable (any NacosRequest, NacosRequestMeta) async throws -> any NacosResponse
        /// The same handler as a synchronous call the server may run on the connection's event loop
        /// (registered with `registerImmediate`), saving a task switch per request.
        public let handleImmediately: (@Sendable (any NacosRequest, NacosRequestMeta) throws -> any NacosResponse)?
        /// The request type's slot in the server's request metrics, set when a server is built.
        internal var metricsSlot = 0
    }

    private var entries: [String: Entry] = [:]
    /// The filters, run in order before each handler.
    public private(set) var filters: [any NacosRequestFilter] = []

    /// Creates an empty registry.
    public init() {}

    /// Registers `handler` for its request type, replacing an earlier handler of that type.
    public mutating func register<Handler: NacosRequestHandler>(_ handler: Handler) {
        self.entries[Handler.Request.typeName] = Entry(
            requestType: Handler.Request.self,
            responseType: Handler.Response.self,
            handle: { request, meta in
                guard let typed = request as? Handler.Request else {
                    throw NacosRemoteError(.typeMismatch, "handler for \(Handler.Request.typeName) got \(request.typeName)")
                }
                return try await handler.handle(typed, meta: meta)
            },
            handleImmediately: nil
        )
    }

    /// Registers a closure handling `requestType` and answering `responseType`.
    public mutating func register<Request: NacosRequest, Response: NacosResponse>(
        _ requestType: Request.Type,
        responseType: Response.Type,
        _ handle: @escaping @Sendable (Request, NacosRequestMeta) async throws -> Response
    ) {
        self.entries[Request.typeName] = Entry(
            requestType: Request.self,
            responseType: Response.self,
            handle: { request, meta in
                guard let typed = request as? Request else {
                    throw NacosRemoteError(.typeMismatch, "handler for \(Request.typeName) got \(request.typeName)")
                }
                return try await handle(typed, meta)
            },
            handleImmediately: nil
        )
    }

    /// Registers a synchronous closure for `requestType` that the server runs directly on the connection's
    /// event loop when no filter is installed; it must be quick and never block (HealthCheckRequest).
    public mutating func registerImmediate<Request: NacosRequest, Response: NacosResponse>(
        _ requestType: Request.Type,
        responseType: Response.Type,
        _ handle: @escaping @Sendable (Request, NacosRequestMeta) throws -> Response
    ) {
        let immediate: @Sendable (any NacosRequest, NacosRequestMeta) throws -> any NacosResponse = { request, meta in
            guard let typed = request as? Request else {
                throw NacosRemoteError(.typeMismatch, "handler for \(Request.typeName) got \(request.typeName)")
            }
            return try handle(typed, meta)
        }
        self.entries[Request.typeName] = Entry(
            requestType: Request.self,
            responseType: Response.self,
            handle: { request, meta in try immediate(request, meta) },
            handleImmediately: immediate
        )
    }

    /// Appends a filter; filters run in the order they were added.
    public mutating func addFilter(_ filter: any NacosRequestFilter) {
        self.filters.append(filter)
    }

    /// Stamps every entry with the slot `slot(typeName)` of the server's request metrics.
    internal mutating func assignMetricsSlots(_ slot: (String) -> Int) {
        for typeName in Array(self.entries.keys) {
            self.entries[typeName]?.metricsSlot = slot(typeName)
        }
    }

    /// The handler for `typeName`, or `nil`.
    public func entry(for typeName: String) -> Entry? {
        self.entries[typeName]
    }

    /// The request type names that have a handler.
    public var handledTypeNames: Set<String> { Set(self.entries.keys) }
}
