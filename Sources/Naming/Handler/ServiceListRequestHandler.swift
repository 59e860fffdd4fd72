public import NacosNamingAPI
public import NacosRemote

/// Lists the service names of a namespace and group a page at a time (reference §3.6). Names come
/// sorted, so pages are stable (Nacos pages an unordered set).
public struct ServiceListRequestHandler: NacosRequestHandler {
    private let services: ServiceManager
    private let maxPageSize: Int

    /// Creates the handler over the service manager; pages are capped at `maxPageSize`.
    public init(services: ServiceManager, maxPageSize: Int) {
        self.services = services
        self.maxPageSize = maxPageSize
    }

    /// Answers one page and the total count.
    public func handle(_ request: ServiceListRequest, meta: NacosRequestMeta) async throws -> ServiceListResponse {
        guard request.pageNo >= 1 else {
            return NamingResponses.invalid(ServiceListResponse.self, "Param 'pageNo' must be at least 1.")
        }
        guard request.pageSize >= 1, request.pageSize <= self.maxPageSize else {
            return NamingResponses.invalid(ServiceListResponse.self, "Param 'pageSize' must be between 1 and \(self.maxPageSize).")
        }
        let namespace = NamingDefaults.namespace(request.namespace)
        let group = request.effectiveGroupName
        let names = self.services.services(inNamespace: namespace).filter { $0.group == group }.map(\.name).sorted()
        let (start, overflow) = (request.pageNo - 1).multipliedReportingOverflow(by: request.pageSize)
        let page = overflow || start >= names.count ? [] : Array(names[start..<min(names.count, start + request.pageSize)])
        return ServiceListResponse(count: names.count, serviceNames: page)
    }
}
