/// What a role may do (Nacos's `PermissionInfo`): `action` on every resource `resource` matches.
public struct AuthPermission: Sendable, Hashable {
    /// The role granted the permission.
    public var role: String
    /// The resources covered.
    public var resource: AuthResourcePattern
    /// What is allowed on them.
    public var action: AuthAction

    /// Creates a permission.
    public init(role: String, resource: AuthResourcePattern, action: AuthAction) {
        self.role = role
        self.resource = resource
        self.action = action
    }
}
