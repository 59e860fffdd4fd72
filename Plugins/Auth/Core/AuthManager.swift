public import NacosRemote
public import NacosTransport
import Synchronization

/// Nacos's auth plugin on one node: logs users in, verifies tokens, decides what a request may do, and
/// changes users, roles and permissions through the directory.
///
/// Token checks are cheap after the first per token (a cache of verified tokens), and decisions read a
/// per-user cache of grants that any change to the directory invalidates.
public final class AuthManager: Sendable {
    /// The users, roles and permissions.
    public let directory: AuthDirectory
    /// The settings.
    public let configuration: AuthConfiguration

    /// What one user may do, as read from the directory at one generation.
    struct Grants: Sendable {
        /// Whether the user has `ROLE_ADMIN`.
        var globalAdmin: Bool
        /// The permissions of the user's roles.
        var permissions: [AuthPermission]

        /// Whether these grants allow `action` on `resource`: a global administrator may do everything,
        /// others what one of the permissions allows.
        func allow(_ action: AuthAction, _ resource: AuthResource) -> Bool {
            if self.globalAdmin { return true }
            guard !self.permissions.isEmpty else { return false }
            let subject = Array(resource.description.utf8)
            return self.permissions.contains { $0.action.allows(action) && $0.resource.matches(utf8: subject) }
        }

        /// Whether these grants meet `requirement` for an authenticated user (never for `.server`, which
        /// only a server identity meets).
        func allow(_ requirement: AuthRequirement) -> Bool {
            switch requirement {
            case .open, .authenticated: true
            case .admin: self.globalAdmin
            case .resource(let action, let resource): self.allow(action, resource)
            case .server: false
            }
        }
    }

    private let signer: AuthTokenSigner
    private let hasher: PasswordHasher
    private let throttle: LoginThrottle
    private let tokens: AuthTokenCache
    private let hashing: AuthHashingQueue
    private let clock: any NacosClock
    private let logger: NacosLogger
    private let grantsCache = Mutex<(generation: UInt64, byUser: [String: Grants])>((0, [:]))
    private let counters = Mutex(AuthCounters())
    private let adminCreation = Mutex(false)

    /// Creates the manager; `open()` the directory before serving.
    ///
    /// - Precondition: with auth on, `configuration.secretKey` has at least
    ///   `AuthConfiguration.minimumSecretKeyBytes` bytes (the server checks this at start).
    public init(configuration: AuthConfiguration, directory: AuthDirectory, clock: any NacosClock, logger: NacosLogger) {
        self.configuration = configuration
        self.directory = directory
        self.clock = clock
        self.logger = logger
        let now = clock.nowMillis() / 1000
        let overlap = Int64(configuration.previousSecretKeyOverlapSeconds ?? configuration.tokenTTLSeconds)
        // With auth off and no key, tokens are still issued (users can be managed before auth is turned
        // on) under a random key of this run.
        let key = configuration.secretKey.count >= AuthConfiguration.minimumSecretKeyBytes ? configuration.secretKey : AuthCrypto.randomBytes(32)
        self.signer = AuthTokenSigner(
            secretKey: key,
            ttlSeconds: configuration.tokenTTLSeconds,
            previousKey: configuration.previousSecretKey,
            previousKeyAcceptedUntil: configuration.previousSecretKey == nil ? 0 : now + overlap
        )
        self.hasher = PasswordHasher(iterations: configuration.passwordIterations)
        self.throttle = LoginThrottle(configuration: configuration.throttle)
        self.tokens = AuthTokenCache(capacity: configuration.tokenCacheCapacity)
        self.hashing = AuthHashingQueue(threads: 2, maxPending: configuration.maxPendingLogins)
    }

    /// Whether requests must carry a token.
    public var isEnabled: Bool { self.configuration.enabled }

    /// Opens the directory and, when an initial administrator password is configured and there is no
    /// administrator yet, creates `nacos` with it.
    ///
    /// - Throws: `NacosException` when the store cannot be read or the administrator cannot be written.
    public func open() async throws(NacosException) {
        do {
            try await self.directory.open()
        } catch {
            throw NacosException(.serverError, "the auth directory cannot open: \(error)")
        }
        if let password = self.configuration.initialAdminPassword, !self.directory.hasGlobalAdmin {
            _ = try await self.createAdmin(password: password)
            self.logger.info("auth: created administrator '\(AuthConfiguration.adminUsername)' from the configured initial password")
        }
    }

    // MARK: - Login and tokens

    /// Checks `username` and `password` from `ip` and returns a token.
    ///
    /// - Throws: `AuthLoginError` for unknown users and wrong passwords alike, for throttled attempts, and
    ///   when too many password checks are waiting.
    public func login(username: String, password: String, ip: String) async throws(AuthLoginError) -> AuthLoginResult {
        // No user has a longer name; the throttle's tables are keyed by a bounded one.
        let username = String(decoding: username.utf8.prefix(Self.maxNameLength + 1), as: UTF8.self)
        let now = self.clock.nowMillis()
        if case .refused(let seconds) = self.throttle.admit(username: username, ip: ip, nowMillis: now) {
            self.counters.withLock { $0.loginThrottled += 1 }
            self.logger.warning("auth: login of '\(Self.printable(username))' from \(ip) throttled for \(seconds) s")
            throw .throttled(retryAfterSeconds: seconds)
        }
        let stored = self.directory.user(username)
        let hasher = self.hasher
        let verified = await self.hashing.run { () -> Bool in
            guard let stored else {
                hasher.burnVerification(password)
                return false
            }
            return hasher.verify(password, against: stored.passwordHash)
        }
        guard let verified else { throw .busy }
        let finished = self.clock.nowMillis()
        guard verified else {
            self.throttle.recordFailure(username: username, ip: ip, nowMillis: finished)
            self.counters.withLock { $0.loginFailures += 1 }
            self.logger.warning("auth: login of '\(Self.printable(username))' from \(ip) refused (unknown user or wrong password)")
            throw .badCredentials
        }
        self.throttle.recordSuccess(username: username, ip: ip, nowMillis: finished)
        self.counters.withLock { $0.loginSuccesses += 1 }
        let (token, claims) = self.signer.issue(username: username, now: finished / 1000)
        self.tokens.insert(token, username: username, expiresAt: claims.expiresAt)
        return AuthLoginResult(
            accessToken: token,
            tokenTTLSeconds: self.signer.ttlSeconds,
            globalAdmin: self.directory.isGlobalAdmin(username),
            username: username
        )
    }

    /// The user a token belongs to: it must be signed by this cluster's key, unexpired, and its user must
    /// still exist.
    public func authenticate(_ token: String?) -> Result<String, AuthRefusal> {
        guard let token, !token.isEmpty else { return .failure(.userNotFound) }
        let now = self.clock.nowMillis() / 1000
        if let cached = self.tokens.lookup(token), cached.expiresAt > now {
            return self.directory.user(cached.username) == nil ? .failure(.userNotFound) : .success(cached.username)
        }
        switch self.signer.verify(token, now: now) {
        case .success(let claims):
            guard self.directory.user(claims.username) != nil else { return .failure(.userNotFound) }
            self.tokens.insert(token, username: claims.username, expiresAt: claims.expiresAt)
            return .success(claims.username)
        case .failure(.expired):
            return .failure(.tokenExpired)
        case .failure:
            return .failure(.tokenInvalid)
        }
    }

    /// Now by the manager's clock, in epoch seconds: the time token expiry is judged against.
    var nowSeconds: Int64 { self.clock.nowMillis() / 1000 }

    /// When `token` expires (epoch seconds) if it is among the tokens already verified, else `nil`.
    func verifiedExpiry(of token: String) -> Int64? {
        self.tokens.lookup(token)?.expiresAt
    }

    // MARK: - Decisions

    /// Decides a request: `token` is its access token, `serverIdentity` the value of its server identity
    /// header if it has one. A right server identity allows everything; a wrong one refuses. With auth off
    /// everything is allowed and nothing is counted.
    public func evaluate(_ requirement: AuthRequirement, token: String?, serverIdentity: String?) -> Result<AuthIdentity?, AuthRefusal> {
        guard self.configuration.enabled else { return .success(nil) }
        let result = self.decide(requirement, token: token, serverIdentity: serverIdentity)
        if case .failure(let refusal) = result {
            self.counters.withLock { $0.refusals[refusal, default: 0] += 1 }
        }
        return result
    }

    private func decide(_ requirement: AuthRequirement, token: String?, serverIdentity: String?) -> Result<AuthIdentity?, AuthRefusal> {
        if let serverIdentity {
            return self.isServerIdentity(serverIdentity) ? .success(.server) : .failure(.serverIdentity)
        }
        switch requirement {
        case .open:
            return .success(nil)
        case .server:
            return .failure(.serverIdentity)
        case .authenticated:
            return self.authenticate(token).map { .user($0) }
        case .admin:
            return self.authenticate(token).flatMap { user in
                self.grants(of: user).globalAdmin ? .success(.user(user)) : .failure(.forbidden)
            }
        case .resource(let action, let resource):
            return self.authenticate(token).flatMap { user in
                self.isAllowed(user, action, resource) ? .success(.user(user)) : .failure(.forbidden)
            }
        }
    }

    /// Whether `username` may do `action` on `resource`: a global administrator may do everything, others
    /// what a permission of one of their roles allows.
    public func isAllowed(_ username: String, _ action: AuthAction, _ resource: AuthResource) -> Bool {
        self.grants(of: username).allow(action, resource)
    }

    /// Whether `username` is a global administrator.
    public func isGlobalAdmin(_ username: String) -> Bool {
        self.grants(of: username).globalAdmin
    }

    /// The name of the header cluster members identify themselves with, or `nil` when none is configured.
    public var serverIdentityKey: String? {
        self.configuration.serverIdentityKey.isEmpty ? nil : self.configuration.serverIdentityKey
    }

    /// Whether `value` is this cluster's server identity (compared in constant time).
    public func isServerIdentity(_ value: String) -> Bool {
        guard !self.configuration.serverIdentityValue.isEmpty else { return false }
        return AuthCrypto.constantTimeEqual(Array(value.utf8), Array(self.configuration.serverIdentityValue.utf8))
    }

    /// What `username` may do, from the per-user cache when it is of the directory's current generation;
    /// read at that generation or a later one.
    func grants(of username: String) -> Grants {
        let generation = self.directory.generation
        if let cached = self.grantsCache.withLock({ cache -> Grants? in
            if cache.generation != generation {
                cache = (generation, [:])
                return nil
            }
            return cache.byUser[username]
        }) {
            return cached
        }
        let read = self.directory.grants(of: username)
        let grants = Grants(globalAdmin: read.globalAdmin, permissions: read.permissions)
        self.grantsCache.withLock { cache in
            guard cache.generation == read.generation else { return }
            if cache.byUser.count >= 65_536 { cache.byUser = [:] }
            cache.byUser[username] = grants
        }
        return grants
    }

    // MARK: - Metrics

    /// The counters since start.
    public var statistics: AuthCounters { self.counters.withLock { $0 } }

    // MARK: - Management

    /// Creates user `username` with `password`.
    ///
    /// - Throws: `NacosException` 400 for a bad name or password, or a user that exists; 503 when the store
    ///   cannot take the write.
    public func createUser(username: String, password: String) async throws(NacosException) {
        try Self.checkName(username, what: "username")
        try Self.checkPassword(password)
        guard self.directory.user(username) == nil else { throw NacosException(.invalidParam, "user '\(username)' already exist!") }
        let hash = await self.hash(password)
        try await self.directory.commit([AuthStoreCodec.put(AuthUser(username: username, passwordHash: hash))])
    }

    /// Creates the first administrator, `nacos`, with `password` (a random one when `nil`), once: it fails
    /// when an administrator exists. Returns the user name and the password.
    ///
    /// - Throws: `NacosException` 409 when an administrator exists, 400 for a bad password, 503 when the
    ///   store cannot take the write.
    public func createAdmin(password: String?) async throws(NacosException) -> (username: String, password: String) {
        let password = password ?? Base64URL.encode(AuthCrypto.randomBytes(12))
        try Self.checkPassword(password)
        let claimed = self.adminCreation.withLock { busy -> Bool in
            guard !busy else { return false }
            busy = true
            return true
        }
        guard claimed, !self.directory.hasGlobalAdmin else {
            if claimed { self.adminCreation.withLock { $0 = false } }
            throw NacosException(NacosErrorCode(rawValue: 409), "have admin user cannot use it")
        }
        defer { self.adminCreation.withLock { $0 = false } }
        let username = AuthConfiguration.adminUsername
        let hash = await self.hash(password)
        try await self.directory.commit([
            AuthStoreCodec.put(AuthUser(username: username, passwordHash: hash)),
            AuthStoreCodec.put(AuthRoleBinding(role: AuthRoleBinding.globalAdminRole, username: username)),
        ])
        return (username, password)
    }

    /// Deletes user `username` and its roles; an unknown user is not an error (as Nacos).
    ///
    /// - Throws: `NacosException` 400 for a global administrator, 503 when the store cannot take the write.
    public func deleteUser(username: String) async throws(NacosException) {
        if self.directory.isGlobalAdmin(username) { throw NacosException(.invalidParam, "cannot delete admin: \(username)") }
        guard self.directory.user(username) != nil else { return }
        let bindings = self.directory.roles(of: username).map { AuthStoreCodec.delete(AuthRoleBinding(role: $0, username: username)) }
        try await self.directory.commit(bindings + [AuthStoreCodec.deleteUser(username)])
    }

    /// Sets the password of `username`.
    ///
    /// - Throws: `NacosException` 400 for an unknown user or a bad password, 503 when the store cannot
    ///   take the write.
    public func changePassword(username: String, newPassword: String) async throws(NacosException) {
        try Self.checkPassword(newPassword)
        guard self.directory.user(username) != nil else { throw NacosException(.invalidParam, "user \(username) not exist!") }
        let hash = await self.hash(newPassword)
        try await self.directory.commit([AuthStoreCodec.put(AuthUser(username: username, passwordHash: hash))])
    }

    /// Gives `role` to `username`.
    ///
    /// - Throws: `NacosException` 400 for `ROLE_ADMIN`, a bad role name, an unknown user or a binding that
    ///   exists; 503 when the store cannot take the write.
    public func addRole(_ role: String, to username: String) async throws(NacosException) {
        try Self.checkName(role, what: "role")
        if role == AuthRoleBinding.globalAdminRole {
            throw NacosException(.invalidParam, "role '\(AuthRoleBinding.globalAdminRole)' is not permitted to create!")
        }
        guard self.directory.user(username) != nil else { throw NacosException(.invalidParam, "user '\(username)' not found!") }
        guard !self.directory.roles(of: username).contains(role) else {
            throw NacosException(.invalidParam, "user '\(username)' already bound to the role '\(role)'!")
        }
        try await self.directory.commit([AuthStoreCodec.put(AuthRoleBinding(role: role, username: username))])
    }

    /// Takes `role` from `username`, or, with no user, deletes the role: every binding and its permissions.
    ///
    /// - Throws: `NacosException` 400 for `ROLE_ADMIN`, 503 when the store cannot take the write.
    public func deleteRole(_ role: String, username: String?) async throws(NacosException) {
        if role == AuthRoleBinding.globalAdminRole {
            throw NacosException(.invalidParam, "role '\(AuthRoleBinding.globalAdminRole)' cannot be deleted")
        }
        if let username {
            try await self.directory.commit([AuthStoreCodec.delete(AuthRoleBinding(role: role, username: username))])
            return
        }
        let bindings = self.directory.roleBindings.filter { $0.role == role }.map(AuthStoreCodec.delete)
        let permissions = self.directory.permissions.filter { $0.role == role }.map(AuthStoreCodec.delete)
        try await self.directory.commit(bindings + permissions)
    }

    /// Grants `action` on `resource` to `role`.
    ///
    /// - Throws: `NacosException` 400 for an unknown role, a bad resource or action, or a permission that
    ///   exists; 503 when the store cannot take the write.
    public func addPermission(role: String, resource: String, action: String) async throws(NacosException) {
        let permission = try Self.permission(role: role, resource: resource, action: action)
        guard self.directory.roleExists(role) else { throw NacosException(.invalidParam, "role \(role) not found!") }
        guard !self.directory.permissions.contains(permission) else { throw NacosException(.invalidParam, "permission already exist!") }
        try await self.directory.commit([AuthStoreCodec.put(permission)])
    }

    /// Revokes `action` on `resource` from `role`; an unknown permission is not an error.
    ///
    /// - Throws: `NacosException` 400 for a bad resource or action, 503 when the store cannot take the write.
    public func deletePermission(role: String, resource: String, action: String) async throws(NacosException) {
        let permission = try Self.permission(role: role, resource: resource, action: action)
        try await self.directory.commit([AuthStoreCodec.delete(permission)])
    }

    // MARK: - Checks

    private func hash(_ password: String) async -> String {
        let hasher = self.hasher
        // Management writes are admin-only and rare; when the queue is full they hash here rather than fail.
        if let hash = await self.hashing.run({ hasher.hash(password) }) { return hash }
        return hasher.hash(password)
    }

    private static func permission(role: String, resource: String, action: String) throws(NacosException) -> AuthPermission {
        try Self.checkName(role, what: "role")
        guard let pattern = AuthResourcePattern(resource) else {
            throw NacosException(.invalidParam, "resource '\(resource)' is not namespace:group:type/name (for example dev:*:*)")
        }
        guard let parsed = AuthAction(parameter: action) else { throw NacosException(.invalidParam, "action must be r, w or rw, not '\(action)'") }
        return AuthPermission(role: role, resource: pattern, action: parsed)
    }

    /// The longest user or role name accepted.
    public static let maxNameLength = 64

    /// User and role names: 1 to 64 of letters, digits, `_`, `-`, `.` and `@`.
    static func checkName(_ name: String, what: String) throws(NacosException) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "@")
        }
        guard !name.isEmpty, name.utf8.count <= Self.maxNameLength, allowed else {
            throw NacosException(.invalidParam, "\(what) must be 1 to \(Self.maxNameLength) letters, digits, '_', '-', '.' or '@'")
        }
    }

    /// The shortest password accepted.
    public static let minPasswordLength = 8
    /// The longest password accepted.
    public static let maxPasswordLength = 256

    static func checkPassword(_ password: String) throws(NacosException) {
        let length = password.utf8.count
        guard length >= Self.minPasswordLength, length <= Self.maxPasswordLength else {
            throw NacosException(.invalidParam, "password must be \(Self.minPasswordLength) to \(Self.maxPasswordLength) bytes")
        }
    }

    /// A user name as logs show it: at most 64 printable characters.
    static func printable(_ name: String) -> String {
        String(name.unicodeScalars.prefix(64).map { $0.value >= 0x20 && $0.value != 0x7F ? Character($0) : "?" })
    }
}
