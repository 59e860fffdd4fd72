import NacosAuth
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosStore
import NacosTransport
import Synchronization

/// Nacos's `DistroFilter` for the instance write endpoints: a write whose instance (`ip:port`, the tag of
/// reference §7.1) belongs to another member is sent on to that member over a pooled keep-alive client,
/// and its answer relayed as it is.
///
/// A forwarded request carries `X-Nacos-Distro-Forwarded` (naming the forwarding member) and is always
/// handled where it arrives, so that two members that disagree about the member list never bounce a
/// request between them (Nacos answers such a request 400; handling it is kinder to the client).
///
/// Read-your-writes: when the member answers an ephemeral write with success, the forwarder hands the
/// write to `OpenAPIForwarding.catchUp` before it relays the answer, so that this node already shows the
/// write when the client reads here next. Persistent writes (`ephemeral=false`) and a beat the member did
/// not know (code 20404) are relayed at once.
final class DistroForwarder: Sendable {
    /// The header that marks a forwarded request; its value is the forwarding member's `ip:port`.
    static let forwardedHeader = "X-Nacos-Distro-Forwarded"
    /// The most members that keep pooled clients; a new member beyond it closes another's clients.
    static let maxPooledMembers = 256

    /// How a failed forward is answered: v1 text or the v2 envelope.
    enum ErrorStyle: Sendable {
        /// A 500 with the message as plain text.
        case v1
        /// A 500 with `{code: 30000, message: "server error", data: message}`.
        case v2
    }

    /// The clients of one member, used round-robin.
    private struct MemberClients {
        var clients: [NacosHTTPClient] = []
        var next = 0
    }

    private let selfAddress: String
    /// Where the server identity a forwarded request carries comes from.
    private let auth: AuthManager?
    private let responsibleServer: @Sendable (String) -> String
    private let forwarding: OpenAPIForwarding?
    private let switches: NamingSwitches
    /// Whether every member writes durable data to one shared store (PostgreSQL).
    private let storeIsShared: Bool
    private let pool = Mutex<[String: MemberClients]>([:])

    /// Creates the filter of the node described by `context`.
    init(context: OpenAPIContext) {
        self.selfAddress = context.selfAddress
        self.auth = context.auth
        self.responsibleServer = context.responsibleServer
        self.forwarding = context.forwarding
        self.switches = context.registry.switches
        self.storeIsShared = context.registry.store.isShared
    }

    /// `handler`, preceded by the forwarding check when forwarding is configured; a forwarded ephemeral
    /// write the member answered with success is caught up with (`OpenAPIForwarding.catchUp`) before its
    /// answer is returned.
    func filter(_ style: ErrorStyle, _ handler: @escaping HTTPRouter.Handler) -> HTTPRouter.Handler {
        guard self.forwarding != nil else { return handler }
        return { request in
            if let member = self.responsibleMember(for: request) {
                let response = await self.forward(request, to: member, style: style)
                if let catchUp = self.forwarding?.catchUp, let write = self.ephemeralWrite(request, answeredBy: member, with: response) {
                    await catchUp(write)
                }
                return response
            }
            return try await handler(request)
        }
    }

    /// What the forwarded `request` wrote when `member` answered it with `response`: `nil` unless the
    /// answer is a success (2xx, and for a beat code 10200) of an ephemeral instance write. `ephemeral`
    /// defaults as the endpoints read it: the switch `defaultInstanceEphemeral` for register and update,
    /// `true` for deregister and patch; a beat is always ephemeral.
    func ephemeralWrite(_ request: HTTPRequest, answeredBy member: String, with response: HTTPResponse) -> OpenAPIForwarding.ForwardedWrite? {
        guard (200..<300).contains(response.status.code), let address = Self.tag(of: request) else { return nil }
        let parameters = OpenAPIParameters(request)
        let kind: OpenAPIForwarding.ForwardedWrite.Kind
        let defaultEphemeral: Bool
        switch request.method {
        case .put where request.path.hasSuffix("/instance/beat"):
            guard Self.beatCode(of: response) != BeatResult.resourceNotFoundCode else { return nil }
            return OpenAPIForwarding.ForwardedWrite(kind: .beat(light: Self.nonBlank(request.parameters["beat"]) == nil), address: address, member: member)
        case .post:
            kind = .register
            defaultEphemeral = self.switches.defaultInstanceEphemeral
        case .delete:
            kind = .deregister
            defaultEphemeral = true
        case .put:
            kind = .update
            defaultEphemeral = self.switches.defaultInstanceEphemeral
        case .patch:
            kind = .update
            defaultEphemeral = true
        default:
            return nil
        }
        guard (try? parameters.bool("ephemeral", default: defaultEphemeral)) == true else { return nil }
        return OpenAPIForwarding.ForwardedWrite(kind: kind, address: address, member: member)
    }

    /// Whether `request` writes what the store keeps: an overlay (`PUT`/`PATCH /instance`) or a persistent
    /// instance (`ephemeral=false`, defaulted as the endpoints do).
    private func writesDurableData(_ request: HTTPRequest) -> Bool {
        guard !request.path.hasSuffix("/beat") else { return false }
        let parameters = OpenAPIParameters(request)
        switch request.method {
        case .put, .patch: return true
        case .post: return (try? parameters.bool("ephemeral", default: self.switches.defaultInstanceEphemeral)) == false
        case .delete: return (try? parameters.bool("ephemeral", default: true)) == false
        default: return false
        }
    }

    /// The `code` of a beat answer (`{"clientBeatInterval":…,"code":10200,…}`), or `nil`.
    private static func beatCode(of response: HTTPResponse) -> Int? {
        guard let object = try? NacosJSONParser.parseObject(NacosByteBuffer(bytes: response.body)) else { return nil }
        return (try? object.integer("code", as: Int.self)) ?? nil
    }

    /// The member `request` must be forwarded to, or `nil` when this node handles it: forwarding is off,
    /// the request was forwarded already, it names no instance, this node is responsible, or it writes
    /// durable data (a persistent instance, an overlay) into a store every member shares — any member
    /// commits that itself, and so reads it back at once.
    func responsibleMember(for request: HTTPRequest) -> String? {
        guard self.forwarding != nil, !request.headers.contains(name: Self.forwardedHeader), let tag = Self.tag(of: request) else {
            return nil
        }
        if self.storeIsShared, self.writesDurableData(request) { return nil }
        let member = self.responsibleServer(tag)
        return member == self.selfAddress ? nil : member
    }

    /// The instance's `ip:port` as Nacos's `DistroIpPortTagGenerator` reads it: the `ip` and `port`
    /// parameters; without `ip`, the `ip` and `port` of the `beat` JSON; a missing port is 0. `nil` when
    /// no ip is given at all (the endpoint then answers its own 400 here).
    static func tag(of request: HTTPRequest) -> String? {
        let parameters = request.parameters
        var ip = Self.nonBlank(parameters["ip"])
        var port = Self.nonBlank(parameters["port"])
        if ip == nil, let beat = Self.nonBlank(parameters["beat"]),
            let object = try? NacosJSONParser.parseObject(NacosByteBuffer(string: beat))
        {
            ip = Self.nonBlank((try? object.string("ip")) ?? nil)
            port = String(((try? object.integer("port", as: Int.self)) ?? nil) ?? 0)
        }
        guard let ip else { return nil }
        return "\(ip):\(port ?? "0")"
    }

    /// Sends `request` to `member` and relays its answer; a failure is a 500 naming the member.
    func forward(_ request: HTTPRequest, to member: String, style: ErrorStyle) async -> HTTPResponse {
        guard let forwarding = self.forwarding else {
            return Self.failure("no forwarding is configured for the responsible server \(member)", style: style)
        }
        guard let client = self.client(for: member, forwarding) else {
            return Self.failure("failed to forward the request to the responsible server \(member): its address is unknown", style: style)
        }
        var headers = Self.endToEnd(request.headers)
        headers.add(name: Self.forwardedHeader, value: self.selfAddress)
        if let auth = self.auth, let key = auth.serverIdentityKey {
            headers.remove(name: key)
            headers.add(name: key, value: auth.configuration.serverIdentityValue)
        }
        let outbound = HTTPRequest(method: request.method, target: Self.originForm(request.target), headers: headers, body: request.body)
        do {
            let response = try await client.send(outbound)
            return HTTPResponse(status: response.status, headers: Self.endToEnd(response.headers), body: response.body)
        } catch {
            return Self.failure("failed to forward the request to the responsible server \(member): \(error)", style: style)
        }
    }

    /// Closes every pooled client.
    func close() async {
        let clients = self.pool.withLock { pool -> [NacosHTTPClient] in
            defer { pool = [:] }
            return pool.values.flatMap(\.clients)
        }
        for client in clients { await client.close() }
    }

    /// The next pooled client of `member` (a new one while the pool is not full), or `nil` when the
    /// member's address cannot be resolved.
    private func client(for member: String, _ forwarding: OpenAPIForwarding) -> NacosHTTPClient? {
        guard let address = forwarding.resolve(member) else { return nil }
        let (client, evicted) = self.pool.withLock { pool -> (NacosHTTPClient, [NacosHTTPClient]) in
            var evicted: [NacosHTTPClient] = []
            if pool[member] == nil, pool.count >= Self.maxPooledMembers, let victim = pool.keys.first {
                evicted = pool.removeValue(forKey: victim)?.clients ?? []
            }
            var entry = pool[member] ?? MemberClients()
            let client: NacosHTTPClient
            if entry.clients.count < forwarding.connectionsPerMember {
                client = NacosHTTPClient(transport: forwarding.transport, address: address, timeout: forwarding.timeout)
                entry.clients.append(client)
            } else {
                entry.next = (entry.next + 1) % entry.clients.count
                client = entry.clients[entry.next]
            }
            pool[member] = entry
            return (client, evicted)
        }
        if !evicted.isEmpty {
            Task {
                for client in evicted { await client.close() }
            }
        }
        return client
    }

    /// The 500 of a failed forward in `style`.
    private static func failure(_ message: String, style: ErrorStyle) -> HTTPResponse {
        switch style {
        case .v1: .text(message, status: .internalServerError)
        case .v2: OpenAPIResponses.envelope(OpenAPIError(.internalServerError, .serverError, message))
        }
    }

    /// `headers` without the hop-by-hop fields (RFC 9110 §7.6.1, and those `Connection` names), the
    /// framing fields the client and server set themselves, and `Expect`.
    static func endToEnd(_ headers: HTTPHeaders) -> HTTPHeaders {
        var named: Set<String> = [
            "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
            "transfer-encoding", "upgrade", "host", "content-length", "expect",
        ]
        for value in headers.values(for: "Connection") {
            for token in value.split(separator: ",") {
                named.insert(String(token).trimmingBlanks.lowercased())
            }
        }
        var kept = HTTPHeaders()
        for field in headers where !named.contains(field.name.lowercased()) {
            kept.add(name: field.name, value: field.value)
        }
        return kept
    }

    /// The origin form (`/path?query`) of a request-target, which may be in absolute form
    /// (`http://host/path?query`).
    static func originForm(_ target: String) -> String {
        guard !target.hasPrefix("/") else { return target }
        let utf8 = Array(target.utf8)
        let colon = UInt8(ascii: ":")
        let slash = UInt8(ascii: "/")
        var index = 0
        while index + 2 < utf8.count, !(utf8[index] == colon && utf8[index + 1] == slash && utf8[index + 2] == slash) {
            index += 1
        }
        guard index + 2 < utf8.count else { return target }
        var start = index + 3
        while start < utf8.count, utf8[start] != slash, utf8[start] != UInt8(ascii: "?") { start += 1 }
        guard start < utf8.count else { return "/" }
        let rest = String(decoding: utf8[start...], as: UTF8.self)
        return utf8[start] == slash ? rest : "/" + rest
    }

    /// `text` unless it is absent or blank, trimmed.
    private static func nonBlank(_ text: String?) -> String? {
        guard let text, !text.isBlank else { return nil }
        return text.trimmingBlanks
    }
}
