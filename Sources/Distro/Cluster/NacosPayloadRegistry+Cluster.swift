import NacosNamingAPI
public import NacosRemote

extension NacosPayloadRegistry {
    /// What a cluster RPC port and the links between members speak: the naming registry's types plus
    /// Distro's data messages and the member reports (all cluster-only).
    public static var cluster: NacosPayloadRegistry {
        var registry = NacosPayloadRegistry.naming
        registry.register(DistroDataRequest.self)
        registry.register(DistroDataResponse.self)
        registry.register(MemberReportRequest.self)
        registry.register(MemberReportResponse.self)
        return registry
    }
}
