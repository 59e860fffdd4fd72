import NacosNaming
import NacosRemote

/// The v2 client views (`/nacos/v2/ns/client/*`, Nacos's `ClientInfoControllerV2`): every client id, one
/// client's detail, what it publishes and subscribes to, and which clients publish or subscribe to a service.
struct V2ClientRoutes: Sendable {
    /// The path prefix.
    static let prefix = "/nacos/v2/ns/client"

    let context: OpenAPIContext

    /// Adds the client routes to `router`.
    func install(into router: inout HTTPRouter) {
        let clients = self.context.registry.clientInfo
        let prefix = Self.prefix

        router.add(.get, "\(prefix)/list", OpenAPIResponses.v2 { _ in
            let ids = clients.clientIds
            return { writer in
                writer.array { writer in
                    for id in ids { writer.string(id) }
                }
            }
        })
        router.add(.get, prefix, OpenAPIResponses.v2 { request in
            let detail = try clients.detail(of: try OpenAPIParameters(request).required("clientId"))
            return { Self.detail(detail, to: &$0) }
        })
        router.add(.get, "\(prefix)/publish/list", OpenAPIResponses.v2 { request in
            let publications = try clients.publications(of: try OpenAPIParameters(request).required("clientId"))
            return { writer in
                writer.array { writer in
                    for publication in publications {
                        writer.object { writer in
                            Self.service(publication.service, to: &writer)
                            writer.key("registeredInstance")
                            writer.object { writer in
                                writer.key("ip")
                                writer.string(publication.instance.ip)
                                writer.key("port")
                                writer.integer(publication.instance.port)
                                writer.key("cluster")
                                writer.string(publication.instance.cluster)
                            }
                        }
                    }
                }
            }
        })
        router.add(.get, "\(prefix)/subscribe/list", OpenAPIResponses.v2 { request in
            let subscriptions = try clients.subscriptions(of: try OpenAPIParameters(request).required("clientId"))
            return { writer in
                writer.array { writer in
                    for subscription in subscriptions {
                        writer.object { writer in
                            Self.service(subscription.service, to: &writer)
                            writer.key("subscriberInfo")
                            writer.object { writer in
                                writer.key("app")
                                writer.string(subscription.subscriber.app)
                                writer.key("agent")
                                writer.string(subscription.subscriber.agent)
                                writer.key("addr")
                                writer.string(subscription.subscriber.address)
                            }
                        }
                    }
                }
            }
        })
        router.add(.get, "\(prefix)/service/publisher/list", OpenAPIResponses.v2 { request in
            let (service, ip, port) = try Self.serviceFilter(request)
            let publications = clients.publishers(of: service, ip: ip, port: port)
            return { writer in
                writer.array { writer in
                    for publication in publications {
                        Self.clientAddress(publication.clientId, publication.instance.ip, publication.instance.port, to: &writer)
                    }
                }
            }
        })
        router.add(.get, "\(prefix)/service/subscriber/list", OpenAPIResponses.v2 { request in
            let (service, ip, port) = try Self.serviceFilter(request)
            let subscriptions = clients.subscribers(of: service, ip: ip, port: port)
            return { writer in
                writer.array { writer in
                    for subscription in subscriptions {
                        Self.clientAddress(subscription.clientId, subscription.subscriber.ip, subscription.subscriber.port, to: &writer)
                    }
                }
            }
        })
    }

    private static func serviceFilter(_ request: HTTPRequest) throws -> (Service, String?, Int?) {
        let parameters = OpenAPIParameters(request)
        let service = try parameters.service(ephemeral: try parameters.bool("ephemeral", default: true))
        let port = parameters.optional("port") == nil ? nil : try parameters.int("port", default: 0, range: 0...65535)
        return (service, parameters.optional("ip"), port)
    }

    private static func service(_ service: Service, to writer: inout NacosJSONWriter) {
        writer.key("namespace")
        writer.string(service.namespace)
        writer.key("group")
        writer.string(service.group)
        writer.key("serviceName")
        writer.string(service.name)
    }

    private static func clientAddress(_ clientId: String, _ ip: String, _ port: Int, to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.key("clientId")
            writer.string(clientId)
            writer.key("ip")
            writer.string(ip)
            writer.key("port")
            writer.integer(port)
        }
    }

    private static func detail(_ detail: ClientDetail, to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.key("clientId")
            writer.string(detail.clientId)
            writer.key("ephemeral")
            writer.bool(detail.ephemeral)
            writer.key("lastUpdatedTime")
            writer.integer(detail.lastUpdatedTime)
            writer.key("clientType")
            writer.string(detail.kind.rawValue)
            if let ip = detail.clientIp {
                writer.key("clientIp")
                writer.string(ip)
            }
            if let port = detail.clientPort {
                writer.key("clientPort")
                writer.string(port)
            }
            if let meta = detail.connection {
                writer.key("connectType")
                writer.string(meta.connectType)
                writer.key("appName")
                writer.string(meta.appName)
                writer.key("version")
                writer.string(meta.version)
            }
        }
    }
}
