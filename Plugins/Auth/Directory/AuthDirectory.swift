import NacosRemote
public import NacosStore
public import NacosTransport
import Synchronization

/// The users, roles and permissions, kept in memory and in the node's store.
///
/// Memory follows the store's change feed only, in revision order, as the naming registry does: a write
/// is a `commit`, and it is visible here when the commit returns. On a shared store (PostgreSQL) other
/// nodes' writes arrive through the same feed, so every node enforces the same rules.
public final class AuthDirectory: Sendable {
    /// The record kinds the directory keeps in its store.
    public static let storeKinds = AuthStoreCodec.kinds

    private struct State {
        var users: [String: AuthUser] = [:]
        /// Role names by user.
        var rolesByUser: [String: Set<String>] = [:]
        /// Permissions by role.
        var permissionsByRole: [String: Set<AuthPermission>] = [:]
        /// Bumped by every applied change, so that caches of decisions know to start again.
        var generation: UInt64 = 0
        var unreadable: UInt64 = 0
    }

    private let store: any NacosStore
    private let logger: NacosLogger
    private let state = Mutex(State())

    /// Creates a directory over `store` (the auth partition of the node's store); call `open()` before use.
    public init(store: any NacosStore, logger: NacosLogger) {
        self.store = store
        self.logger = logger
    }

    /// Loads every auth record of the store and follows its change feed from then on.
    ///
    /// - Throws: `NacosStoreError` when the store cannot be opened.
    public func open() async throws(NacosStoreError) {
        let snapshot = try await self.store.open()
        for (key, value) in snapshot.records.sorted(by: { $0.key.kind < $1.key.kind }) where AuthStoreCodec.kinds.contains(key.kind) {
            self.apply(NacosStoreMutation(key: key, value: value))
        }
        self.store.startChangeFeed(after: snapshot.revision) { [weak self] changes in
            guard let self else { return }
            for change in changes { self.apply(change.mutation) }
        }
    }

    /// Commits `mutations`; they are applied here when this returns.
    ///
    /// - Throws: `NacosException` 503 when the store cannot take the write.
    func commit(_ mutations: [NacosStoreMutation]) async throws(NacosException) {
        guard !mutations.isEmpty else { return }
        do {
            try await self.store.commit(mutations)
        } catch {
            throw NacosException(.overThreshold, "the \(self.store.kind) store cannot take the write: \(error)")
        }
    }

    // MARK: - Reads

    /// The user named `username`, or `nil`.
    public func user(_ username: String) -> AuthUser? {
        self.state.withLock { $0.users[username] }
    }

    /// Every user, by name.
    public var users: [AuthUser] {
        self.state.withLock { Array($0.users.values) }.sorted { $0.username < $1.username }
    }

    /// Every role binding, by role then user.
    public var roleBindings: [AuthRoleBinding] {
        self.state.withLock { state in
            state.rolesByUser.flatMap { user, roles in roles.map { AuthRoleBinding(role: $0, username: user) } }
        }.sorted { ($0.role, $0.username) < ($1.role, $1.username) }
    }

    /// Every permission, by role, resource and action.
    public var permissions: [AuthPermission] {
        self.state.withLock { state in state.permissionsByRole.values.flatMap { $0 } }
            .sorted { ($0.role, $0.resource.text, $0.action.rawValue) < ($1.role, $1.resource.text, $1.action.rawValue) }
    }

    /// The roles of `username`.
    public func roles(of username: String) -> Set<String> {
        self.state.withLock { $0.rolesByUser[username] ?? [] }
    }

    /// Whether role `role` is given to anyone.
    public func roleExists(_ role: String) -> Bool {
        self.state.withLock { state in state.rolesByUser.values.contains { $0.contains(role) } }
    }

    /// Whether `username` has `ROLE_ADMIN`.
    public func isGlobalAdmin(_ username: String) -> Bool {
        self.state.withLock { $0.rolesByUser[username]?.contains(AuthRoleBinding.globalAdminRole) ?? false }
    }

    /// Whether any user has `ROLE_ADMIN`.
    public var hasGlobalAdmin: Bool {
        self.state.withLock { state in state.rolesByUser.values.contains { $0.contains(AuthRoleBinding.globalAdminRole) } }
    }

    /// What `username` may do: whether it is a global administrator and the permissions of its roles,
    /// with the directory's generation they were read at.
    public func grants(of username: String) -> (globalAdmin: Bool, permissions: [AuthPermission], generation: UInt64) {
        self.state.withLock { state in
            let roles = state.rolesByUser[username] ?? []
            let admin = state.users[username] != nil && roles.contains(AuthRoleBinding.globalAdminRole)
            return (admin, roles.flatMap { state.permissionsByRole[$0] ?? [] }, state.generation)
        }
    }

    /// Bumped by every change applied; a decision cached at an older generation is stale.
    public var generation: UInt64 { self.state.withLock { $0.generation } }

    /// Records that could not be read (logged with their key).
    public var unreadableRecords: UInt64 { self.state.withLock { $0.unreadable } }

    // MARK: - Applying the feed

    private func apply(_ mutation: NacosStoreMutation) {
        let decoded: (record: AuthStoreCodec.Record, removed: Bool)
        do {
            decoded = try AuthStoreCodec.decode(mutation)
        } catch {
            self.state.withLock { $0.unreadable += 1 }
            self.logger.error("auth record \(mutation.key) cannot be read and was not applied: \(error)")
            return
        }
        self.state.withLock { state in
            state.generation &+= 1
            switch decoded.record {
            case .user(let user):
                if decoded.removed {
                    state.users[user.username] = nil
                } else {
                    state.users[user.username] = user
                }
            case .role(let binding):
                if decoded.removed {
                    state.rolesByUser[binding.username]?.remove(binding.role)
                    if state.rolesByUser[binding.username]?.isEmpty == true { state.rolesByUser[binding.username] = nil }
                } else {
                    state.rolesByUser[binding.username, default: []].insert(binding.role)
                }
            case .permission(let permission):
                if decoded.removed {
                    state.permissionsByRole[permission.role]?.remove(permission)
                    if state.permissionsByRole[permission.role]?.isEmpty == true { state.permissionsByRole[permission.role] = nil }
                } else {
                    state.permissionsByRole[permission.role, default: []].insert(permission)
                }
            }
        }
    }
}
