public import NacosStore

/// How a `NacosPostgresStore` reaches PostgreSQL; the server fills it from `db.url.0`, `db.user.0`,
/// `db.password.0` and `db.pool.config.maximumPoolSize`.
public struct NacosPostgresConfiguration: Sendable {
    /// PostgreSQL's address: `postgresql://[user[:password]@]host[:port][,host2[:port2]]/database[?key=value&…]`,
    /// `postgres://…`, or Nacos's JDBC form `jdbc:postgresql://host:port/database?…` (`db.url.0`).
    public var url: String
    /// The user to log in as (`db.user.0`); `nil` takes the URL's user.
    public var user: String?
    /// The user's password (`db.password.0`); `nil` takes the URL's password.
    public var password: String?
    /// Connections kept open for commits (`db.pool.config.maximumPoolSize`).
    public var poolSize: Int
    /// How long one connection attempt may take before it counts as failed.
    public var connectTimeout: Duration
    /// The delay before the first reconnection attempt after a loss; it doubles per failed attempt.
    public var reconnectBackoff: Duration
    /// The longest delay between reconnection attempts.
    public var maxReconnectBackoff: Duration
    /// Commits that may wait for a transaction; beyond that, commits fail at once with `.unavailable`.
    public var maxPendingCommits: Int
    /// How often the change feed reads what changed even without a notification (the safety net for a lost one).
    public var catchUpInterval: Duration
    /// The `application_name` PostgreSQL shows for this node's connections, unless the URL sets one.
    public var applicationName: String

    /// Creates a configuration for `url` with the default pool (4 connections), timeouts and backoff.
    public init(url: String, user: String? = nil, password: String? = nil, poolSize: Int = 4) {
        self.url = url
        self.user = user
        self.password = password
        self.poolSize = poolSize
        self.connectTimeout = .seconds(3)
        self.reconnectBackoff = .milliseconds(100)
        self.maxReconnectBackoff = .seconds(5)
        self.maxPendingCommits = 10_000
        self.catchUpInterval = .seconds(5)
        self.applicationName = "nacos-server"
    }

    /// The libpq connection keywords and values this configuration connects with, in order (the password included).
    ///
    /// - Throws: `NacosStoreError` `.invalidConfiguration` naming the key (`db.url.0`, …) of a bad setting.
    public func connectionParameters() throws(NacosStoreError) -> [(String, String)] {
        guard self.poolSize >= 1 else {
            throw NacosStoreError(.invalidConfiguration, "db.pool.config.maximumPoolSize: must be at least 1, got \(self.poolSize)")
        }
        guard self.maxPendingCommits >= 1 else {
            throw NacosStoreError(.invalidConfiguration, "maxPendingCommits: must be at least 1, got \(self.maxPendingCommits)")
        }
        guard self.connectTimeout > .zero, self.reconnectBackoff > .zero, self.catchUpInterval > .zero else {
            throw NacosStoreError(.invalidConfiguration, "connectTimeout, reconnectBackoff and catchUpInterval must be positive")
        }
        var parameters = try Self.parse(self.url)
        func set(_ keyword: String, _ value: String) {
            parameters.removeAll { $0.0 == keyword }
            parameters.append((keyword, value))
        }
        func setDefault(_ keyword: String, _ value: String) {
            if !parameters.contains(where: { $0.0 == keyword }) { parameters.append((keyword, value)) }
        }
        if let user = self.user, !user.isEmpty { set("user", user) }
        if let password = self.password { set("password", password) }
        let seconds = self.connectTimeout.components.seconds + (self.connectTimeout.components.attoseconds > 0 ? 1 : 0)
        setDefault("connect_timeout", String(max(2, seconds)))
        setDefault("client_encoding", "UTF8")
        setDefault("application_name", self.applicationName)
        setDefault("keepalives", "1")
        setDefault("keepalives_idle", "10")
        setDefault("keepalives_interval", "3")
        setDefault("keepalives_count", "3")
        return parameters
    }

    /// libpq keywords a URL's query may set (the others are JDBC or MySQL settings, ignored).
    private static let libpqKeywords: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding", "connect_timeout",
        "client_encoding", "options", "application_name", "fallback_application_name", "keepalives", "keepalives_idle",
        "keepalives_interval", "keepalives_count", "tcp_user_timeout", "sslmode", "sslcompression", "sslcert", "sslkey",
        "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer", "ssl_min_protocol_version",
        "ssl_max_protocol_version", "gssencmode", "krbsrvname", "gsslib", "service", "target_session_attrs",
        "load_balance_hosts",
    ]

    private static func invalid(_ url: String, _ problem: String) -> NacosStoreError {
        NacosStoreError(
            .invalidConfiguration,
            "db.url.0: \(problem) in '\(Self.redacted(url))'; expected postgresql://host:port/database or jdbc:postgresql://host:port/database"
        )
    }

    /// `url` without the password of its user information.
    private static func redacted(_ url: String) -> String {
        guard let slash = url.firstIndex(of: "/"), url[slash...].hasPrefix("//") else { return url }
        let start = url.index(slash, offsetBy: 2)
        guard let at = url[start...].firstIndex(of: "@") else { return url }
        let userInfo = url[start..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        var result = url
        result.replaceSubrange(colon..<at, with: ":…")
        return result
    }

    /// Parses the URL forms into libpq keywords (host, port, dbname, user, password and the query's libpq keywords).
    private static func parse(_ url: String) throws(NacosStoreError) -> [(String, String)] {
        var rest = Substring(url.trimmingCharacters(in: " \t\r\n"))
        guard !rest.isEmpty else { throw Self.invalid(url, "empty") }
        var isJDBC = false
        if rest.lowercased().hasPrefix("jdbc:") {
            isJDBC = true
            rest = rest.dropFirst(5)
        }
        let lowered = rest.lowercased()
        if lowered.hasPrefix("postgresql://") {
            rest = rest.dropFirst("postgresql://".count)
        } else if lowered.hasPrefix("postgres://") {
            rest = rest.dropFirst("postgres://".count)
        } else {
            throw Self.invalid(url, "the scheme is not postgresql://, postgres:// or jdbc:postgresql://")
        }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var parameters: [(String, String)] = []
        var authority = rest
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            let user = userInfo.firstIndex(of: ":").map { userInfo[..<$0] } ?? userInfo
            guard let decodedUser = Self.percentDecoded(user) else { throw Self.invalid(url, "a bad %-escape in the user") }
            if !decodedUser.isEmpty { parameters.append(("user", decodedUser)) }
            if let colon = userInfo.firstIndex(of: ":") {
                guard let password = Self.percentDecoded(userInfo[userInfo.index(after: colon)...]) else {
                    throw Self.invalid(url, "a bad %-escape in the password")
                }
                parameters.append(("password", password))
            }
        }
        var hosts: [String] = []
        var ports: [String] = []
        if !authority.isEmpty {
            for entry in authority.split(separator: ",", omittingEmptySubsequences: false) {
                var host = entry
                var port: Substring?
                if host.hasPrefix("[") {
                    guard let close = host.firstIndex(of: "]") else { throw Self.invalid(url, "an unclosed [ in the host") }
                    let after = host[host.index(after: close)...]
                    if after.hasPrefix(":") { port = after.dropFirst() } else if !after.isEmpty { throw Self.invalid(url, "junk after ]") }
                    host = host[host.index(after: host.startIndex)..<close]
                } else if let colon = host.lastIndex(of: ":") {
                    port = host[host.index(after: colon)...]
                    host = host[..<colon]
                }
                guard !host.isEmpty, let decoded = Self.percentDecoded(host) else { throw Self.invalid(url, "an empty or badly escaped host") }
                if let port {
                    guard let number = Int(port), (1...65_535).contains(number) else {
                        throw Self.invalid(url, "the port '\(port)' is not a number from 1 to 65535")
                    }
                    ports.append(String(number))
                } else {
                    ports.append("5432")
                }
                hosts.append(decoded)
            }
        } else if isJDBC {
            hosts = ["localhost"]
            ports = ["5432"]
        }
        if !hosts.isEmpty {
            parameters.append(("host", hosts.joined(separator: ",")))
            parameters.append(("port", ports.joined(separator: ",")))
        }
        if !path.isEmpty {
            guard let database = Self.percentDecoded(path), !database.contains("/") else { throw Self.invalid(url, "a bad database name") }
            parameters.append(("dbname", database))
        }
        var sslRequested = false
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let name = pair.firstIndex(of: "=").map { pair[..<$0] } ?? pair
            let rawValue = pair.firstIndex(of: "=").map { pair[pair.index(after: $0)...] } ?? ""
            guard let key = Self.percentDecoded(name), let value = Self.percentDecoded(rawValue) else {
                throw Self.invalid(url, "a bad %-escape in the query")
            }
            var keyword = key
            switch key {
            case "connectTimeout": keyword = "connect_timeout"
            case "ApplicationName", "applicationName": keyword = "application_name"
            case "ssl": sslRequested = value.lowercased() == "true"
            default: break
            }
            guard Self.libpqKeywords.contains(keyword) else { continue }
            parameters.removeAll { $0.0 == keyword }
            parameters.append((keyword, value))
        }
        if sslRequested, !parameters.contains(where: { $0.0 == "sslmode" }) { parameters.append(("sslmode", "require")) }
        return parameters
    }

    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters of `set`.
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return slice
    }
}
