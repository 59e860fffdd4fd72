import NacosRemote
import NacosTransport
import Synchronization

/// Logs the service in when the servers have auth on (Java's `SecurityProxy`, Python's `_login`): it
/// posts the username and password to `/nacos/v1/auth/users/login` at each login address in turn, keeps
/// the access token, hands it to the RPC client as header `accessToken`, and logs in again on demand —
/// when the renewal is due, or when the server refused a request's token.
///
/// Logins run one at a time; a caller that saw a token refused does not log in again when another
/// caller already replaced that token.
final class NamingSecurityProxy: Sendable {
    private struct State {
        var token: NamingAccessToken?
        /// Counts successful logins; a refusal names the generation it was sent with.
        var generation = 0
    }

    /// The header the token travels in.
    static let tokenHeader = "accessToken"
    /// The path of the login endpoint.
    static let loginPath = "/nacos/v1/auth/users/login"
    /// The messages with error 403 that mean the token, not the permission, is bad: log in again and retry.
    static let tokenRefusalMessages = ["token expired!", "token invalid!", "user not found!"]

    let username: String
    private let password: String
    /// The HTTP addresses tried in order.
    let addresses: [NacosSocketAddress]
    private let transport: any NacosStreamTransport
    private let timeout: Duration
    private let clock: any NacosClock
    private let logger: NacosLogger
    private let onToken: @Sendable (String) -> Void
    private let state = Mutex(State())
    private let serial = KeyedSerialLock()

    /// Creates a proxy; nothing is sent until `login()`.
    ///
    /// - Parameters:
    ///   - transport: dials the login addresses (the RPC transport, so TLS applies to the login too).
    ///   - timeout: bounds each login attempt.
    ///   - onToken: receives every new token (sets the RPC client's header).
    init(
        username: String,
        password: String,
        addresses: [NacosSocketAddress],
        transport: any NacosStreamTransport,
        timeout: Duration,
        clock: any NacosClock,
        logger: NacosLogger,
        onToken: @escaping @Sendable (String) -> Void
    ) {
        self.username = username
        self.password = password
        self.addresses = addresses
        self.transport = transport
        self.timeout = timeout
        self.clock = clock
        self.logger = logger
        self.onToken = onToken
    }

    /// The current token, if logged in.
    var token: NamingAccessToken? { self.state.withLock { $0.token } }

    /// How many logins succeeded so far; read it before sending a request, pass it to `login(replacing:)`.
    var generation: Int { self.state.withLock { $0.generation } }

    /// How long until the renewal is due (zero when overdue, or when not logged in).
    var timeUntilRenewal: Duration {
        guard let token = self.token else { return .zero }
        return .milliseconds(max(token.renewalDueMillis - self.clock.nowMillis(), 0))
    }

    /// Logs in now.
    ///
    /// - Throws: `NacosException`: 403 when a server refused the username or password, 429 when it
    ///   throttles failed logins, 500 when no login address answered.
    @discardableResult
    func login() async throws -> NamingAccessToken {
        try await self.serial.withLock("login") { try await self.loginLocked() }
    }

    /// Logs in again after a request sent at `generation` had its token refused, unless another login
    /// replaced that token meanwhile.
    ///
    /// - Throws: what `login()` throws.
    func login(replacing generation: Int) async throws {
        try await self.serial.withLock("login") {
            guard self.generation == generation else { return }
            try await self.loginLocked()
        }
    }

    /// Logs in again when the renewal is due; a login meanwhile (after a refusal) postpones it.
    ///
    /// - Throws: what `login()` throws.
    func renewIfDue() async throws {
        try await self.serial.withLock("login") {
            if let token = self.token, self.clock.nowMillis() < token.renewalDueMillis { return }
            try await self.loginLocked()
        }
    }

    /// Whether `error` is a server's refusal of the token (403 with "token expired!", "token invalid!" or
    /// "user not found!"), after which logging in again and retrying once may succeed. "authorization
    /// failed!" (no permission) is not.
    static func isTokenRefusal(_ error: any Error) -> Bool {
        guard let exception = error as? NacosException, exception.errorCode == .noRight else { return false }
        let message = exception.message.lowercased()
        return Self.tokenRefusalMessages.contains { message.contains($0) }
    }

    /// How a failed re-login surfaces as a request's failure: no login address answering is `unreachable`
    /// (redo keeps the record and tries again), a refused login is a `rejected` request.
    static func requestFailure(_ loginError: any Error) -> NamingRequestFailure {
        guard let exception = loginError as? NacosException else { return .unreachable(loginError) }
        return exception.errorCode == .serverError ? .unreachable(exception) : .rejected(exception)
    }

    // MARK: - Login

    @discardableResult
    private func loginLocked() async throws -> NamingAccessToken {
        var failures: [String] = []
        for address in self.addresses {
            let response: OneShotHTTPResponse
            do {
                response = try await OneShotHTTPClient.send(self.loginRequest(for: address), to: address, over: self.transport, timeout: self.timeout)
            } catch {
                self.logger.warning("[naming] login at \(address) failed: \(error)")
                failures.append("\(address): \(error)")
                continue
            }
            switch response.status {
            case 200:
                let token: NamingAccessToken
                do {
                    token = try NamingAccessToken.parse(response.body, loggedInAtMillis: self.clock.nowMillis(), server: address)
                } catch {
                    self.logger.warning("[naming] login at \(address) answered an unreadable body: \(error)")
                    failures.append("\(address): unreadable answer (\(error))")
                    continue
                }
                self.state.withLock { state in
                    state.token = token
                    state.generation += 1
                }
                self.onToken(token.accessToken)
                self.logger.info("[naming] logged in as '\(self.username)' at \(address); token lives \(token.ttlSeconds) s, renewal in \(token.renewalDelay)")
                return token
            case 403:
                let reason = response.bodyText()
                throw NacosException(
                    .noRight,
                    "login as '\(self.username)' failed: the username or password was refused by the server at \(address)\(reason.isEmpty ? "" : " (\(reason))")"
                )
            case 429:
                let retryAfter = response.header("retry-after").map { "; retry after \($0) s" } ?? ""
                throw NacosException(
                    NacosErrorCode(rawValue: 429),
                    "login as '\(self.username)' refused by the server at \(address): too many failed logins\(retryAfter)"
                )
            default:
                let reason = response.bodyText()
                self.logger.warning("[naming] login at \(address) answered HTTP \(response.status) \(reason)")
                failures.append("\(address): HTTP \(response.status)\(reason.isEmpty ? "" : " \(reason)")")
            }
        }
        let tried = failures.isEmpty ? "no login addresses are configured" : failures.joined(separator: "; ")
        throw NacosException(.serverError, "login as '\(self.username)' failed: no login address answered (\(tried))")
    }

    /// The whole login request for `address`: a form post of the percent-encoded username and password.
    private func loginRequest(for address: NacosSocketAddress) -> NacosByteBuffer {
        let body = "username=\(Self.formEncoded(self.username))&password=\(Self.formEncoded(self.password))"
        let head = "POST \(Self.loginPath) HTTP/1.1\r\n"
            + "Host: \(address.family == .inMemory ? address.host : address.description)\r\n"
            + "User-Agent: Nacos-Swift-Client\r\n"
            + "Accept: application/json\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\n"
            + "Content-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n"
        return NacosByteBuffer(string: head + body)
    }

    /// `text` percent-encoded for a form field: every byte but the unreserved `A–Z a–z 0–9 - . _ ~` as `%XX`.
    static func formEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
