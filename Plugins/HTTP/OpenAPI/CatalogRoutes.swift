import NacosNaming
import NacosNamingAPI
import NacosRemote

/// The service catalog a console browses (Nacos's `CatalogController`, v1 bare JSON): one page of the
/// services of a namespace with their instance counts and protect-threshold state, and one page of a
/// service's instances including the disabled and unhealthy ones.
///
/// A page of services filters and sorts the service keys only; the counts are read for the services of
/// the page, so a page of 10 out of 10,000 services builds 10 summaries.
struct CatalogRoutes: Sendable {
    /// The catalog path prefix.
    static let prefix = "\(V1NamingRoutes.prefix)/catalog"
    /// The largest page either route serves.
    static let maxPageSize = 500
    /// The page size when none is given.
    static let defaultPageSize = 10

    let context: OpenAPIContext

    /// Adds `GET /catalog/services` and `GET /catalog/instances` to `router`.
    func install(into router: inout HTTPRouter) {
        let context = self.context
        router.add(.get, "\(Self.prefix)/services", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            let (pageNo, pageSize) = try Self.page(parameters)
            let namespace = parameters.namespace
            if let reason = NamingParamCheck.namespace(namespace) {
                throw OpenAPIError.invalid(NamingParamCheck.message(for: reason))
            }
            let nameFilter = parameters.optional("serviceNameParam")?.trimmingBlanks
            let groupFilter = parameters.optional("groupNameParam")?.trimmingBlanks
            let withInstancesOnly = try parameters.bool("hasIpCount", default: false)
            let visibility = ServiceVisibility.of(request, auth: context.auth)
            let registry = context.registry

            var matching = registry.services.services(inNamespace: namespace).filter { service in
                (nameFilter == nil || service.name.contains(nameFilter!))
                    && (groupFilter == nil || service.group.contains(groupFilter!))
                    && (!withInstancesOnly || Self.hasInstances(service, registry: registry))
                    && visibility.allows(service)
            }
            matching.sort { ($0.group, $0.name) < ($1.group, $1.name) }
            let pageItems = Self.slice(matching, pageNo: pageNo, pageSize: pageSize)
            return OpenAPIResponses.json { writer in
                writer.object { writer in
                    writer.field("count", matching.count)
                    writer.key("serviceList")
                    writer.array { writer in
                        for service in pageItems { Self.writeSummary(of: service, registry: registry, to: &writer) }
                    }
                }
            }
        })
        router.add(.get, "\(Self.prefix)/instances", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            let service = try parameters.service()
            let (pageNo, pageSize) = try Self.page(parameters)
            let cluster = parameters.cluster
            if let cluster, let reason = NamingParamCheck.cluster(cluster) {
                throw OpenAPIError.invalid(NamingParamCheck.message(for: reason))
            }
            let registry = context.registry
            guard let singleton = registry.services.existingSingleton(for: service) else {
                throw OpenAPIError(.notFound, .serviceNotExist, "service \(service.groupedServiceName) is not found!")
            }
            var instances = registry.storage.instances(of: singleton)
            if let cluster { instances.removeAll { $0.effectiveClusterName != cluster } }
            instances.sort { ($0.effectiveClusterName, $0.ip, $0.port) < ($1.effectiveClusterName, $1.ip, $1.port) }
            let pageItems = Self.slice(instances, pageNo: pageNo, pageSize: pageSize)
            return OpenAPIResponses.json { writer in
                writer.object { writer in
                    writer.field("count", instances.count)
                    writer.key("list")
                    writer.array { writer in
                        for instance in pageItems { instance.writeJSON(to: &writer) }
                    }
                }
            }
        })
    }

    /// `pageNo` (default 1, at least 1) and `pageSize` (default 10, 1 to 500).
    static func page(_ parameters: OpenAPIParameters) throws(OpenAPIError) -> (pageNo: Int, pageSize: Int) {
        let pageNo = try parameters.int("pageNo", default: 1, range: 1...Int.max)
        let pageSize = try parameters.int("pageSize", default: Self.defaultPageSize, range: 1...Self.maxPageSize)
        return (pageNo, pageSize)
    }

    /// Page `pageNo` (from 1) of `items`, empty past the end.
    static func slice<Element>(_ items: [Element], pageNo: Int, pageSize: Int) -> ArraySlice<Element> {
        let (start, overflow) = (pageNo - 1).multipliedReportingOverflow(by: pageSize)
        guard !overflow, start < items.count else { return [] }
        return items[start..<min(items.count, start + pageSize)]
    }

    /// Whether `service` has at least one instance (publishers first: a service without any is empty
    /// without building its instance list).
    private static func hasInstances(_ service: Service, registry: NamingRegistry) -> Bool {
        !registry.indexes.publishers(of: service).isEmpty && !registry.storage.instances(of: service).isEmpty
    }

    /// One entry of `serviceList` (Nacos's `ServiceView`): `name`, `groupName`, `clusterCount`, `ipCount`,
    /// `healthyInstanceCount` (over every instance, disabled ones included) and `triggerFlag`, `"true"`
    /// when the protect threshold trips and subscribers are served every instance as healthy.
    private static func writeSummary(of service: Service, registry: NamingRegistry, to writer: inout NacosJSONWriter) {
        let instances = registry.storage.instances(of: service)
        var clusters = Set<String>()
        var healthy = 0
        for instance in instances {
            clusters.insert(instance.effectiveClusterName)
            if instance.healthy { healthy += 1 }
        }
        let tripped = registry.storage.reachesProtectThreshold(service)
        writer.object { writer in
            writer.field("name", service.name)
            writer.field("groupName", service.group)
            writer.field("clusterCount", clusters.count)
            writer.field("ipCount", instances.count)
            writer.field("healthyInstanceCount", healthy)
            writer.field("triggerFlag", tripped ? "true" : "false")
        }
    }
}
