import NacosRemote
import NacosStore
import NacosTransport

/// The auth records of the store: their kinds, keys (JSON arrays of their parts, so that no name can make
/// two keys collide) and JSON values.
enum AuthStoreCodec {
    /// A user with its password hash, keyed by user name.
    static let userKind = "auth-user"
    /// A role given to a user, keyed by role and user.
    static let roleKind = "auth-role"
    /// A permission of a role, keyed by role, resource and action.
    static let permissionKind = "auth-permission"
    /// Every kind the directory owns.
    static let kinds: Set<String> = [Self.userKind, Self.roleKind, Self.permissionKind]

    /// A record as read back.
    enum Record: Equatable {
        case user(AuthUser)
        case role(AuthRoleBinding)
        case permission(AuthPermission)
    }

    static func put(_ user: AuthUser) -> NacosStoreMutation {
        .put(Self.userKind, Self.key([user.username]), Self.encode { json in
            json.field("username", user.username)
            json.field("password", user.passwordHash)
        })
    }

    static func deleteUser(_ username: String) -> NacosStoreMutation {
        .delete(Self.userKind, Self.key([username]))
    }

    static func put(_ binding: AuthRoleBinding) -> NacosStoreMutation {
        .put(Self.roleKind, Self.key([binding.role, binding.username]), Self.encode { json in
            json.field("role", binding.role)
            json.field("username", binding.username)
        })
    }

    static func delete(_ binding: AuthRoleBinding) -> NacosStoreMutation {
        .delete(Self.roleKind, Self.key([binding.role, binding.username]))
    }

    static func put(_ permission: AuthPermission) -> NacosStoreMutation {
        .put(Self.permissionKind, Self.permissionKey(permission), Self.encode { json in
            json.field("role", permission.role)
            json.field("resource", permission.resource.text)
            json.field("action", permission.action.rawValue)
        })
    }

    static func delete(_ permission: AuthPermission) -> NacosStoreMutation {
        .delete(Self.permissionKind, Self.permissionKey(permission))
    }

    /// Reads a record's value, or, for a removal, what its key names.
    static func decode(_ mutation: NacosStoreMutation) throws(NacosRemoteError) -> (record: Record, removed: Bool) {
        guard let value = mutation.value else {
            return (try Self.record(fromKey: mutation.key), true)
        }
        let object = try NacosJSONParser.parseObject(NacosByteBuffer(bytes: value))
        switch mutation.key.kind {
        case Self.userKind:
            return (.user(AuthUser(username: try Self.required(object, "username"), passwordHash: try Self.required(object, "password"))), false)
        case Self.roleKind:
            return (.role(AuthRoleBinding(role: try Self.required(object, "role"), username: try Self.required(object, "username"))), false)
        case Self.permissionKind:
            return (.permission(try Self.permission(role: try Self.required(object, "role"), resource: try Self.required(object, "resource"), action: try Self.required(object, "action"))), false)
        default:
            throw NacosRemoteError(.malformedBody, "not an auth record kind: \(mutation.key.kind)")
        }
    }

    private static func record(fromKey key: NacosStoreKey) throws(NacosRemoteError) -> Record {
        let parts = try Self.parts(key.key)
        switch (key.kind, parts.count) {
        case (Self.userKind, 1): return .user(AuthUser(username: parts[0], passwordHash: ""))
        case (Self.roleKind, 2): return .role(AuthRoleBinding(role: parts[0], username: parts[1]))
        case (Self.permissionKind, 3): return .permission(try Self.permission(role: parts[0], resource: parts[1], action: parts[2]))
        default: throw NacosRemoteError(.malformedBody, "unreadable auth key \(key)")
        }
    }

    private static func permission(role: String, resource: String, action: String) throws(NacosRemoteError) -> AuthPermission {
        guard let pattern = AuthResourcePattern(resource), let action = AuthAction(parameter: action) else {
            throw NacosRemoteError(.malformedBody, "unreadable permission \(role) \(resource) \(action)")
        }
        return AuthPermission(role: role, resource: pattern, action: action)
    }

    private static func permissionKey(_ permission: AuthPermission) -> String {
        Self.key([permission.role, permission.resource.text, permission.action.rawValue])
    }

    private static func required(_ object: NacosJSONObject, _ name: String) throws(NacosRemoteError) -> String {
        guard let value = try object.string(name) else { throw NacosRemoteError(.malformedBody, "field \(name) missing") }
        return value
    }

    private static func key(_ parts: [String]) -> String {
        var writer = NacosJSONWriter(capacity: 64)
        writer.array { list in
            for part in parts { list.string(part) }
        }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private static func parts(_ key: String) throws(NacosRemoteError) -> [String] {
        guard case .array(let values) = try NacosJSONParser.parse(NacosByteBuffer(bytes: Array(key.utf8))) else {
            throw NacosRemoteError(.malformedBody, "auth key is not an array: \(key)")
        }
        var parts: [String] = []
        for value in values {
            guard case .string(let part) = value else { throw NacosRemoteError(.malformedBody, "auth key part is not a string: \(key)") }
            parts.append(part)
        }
        return parts
    }

    private static func encode(_ body: (inout NacosJSONWriter) -> Void) -> [UInt8] {
        var writer = NacosJSONWriter(capacity: 160)
        writer.object(body)
        return writer.bytes
    }
}
