/// A role given to a user (Nacos's `RoleInfo`); `ROLE_ADMIN` makes the user a global administrator.
public struct AuthRoleBinding: Sendable, Hashable {
    /// The role name.
    public var role: String
    /// The user that has it.
    public var username: String

    /// The role of global administrators, allowed everything.
    public static let globalAdminRole = "ROLE_ADMIN"

    /// Creates a binding.
    public init(role: String, username: String) {
        self.role = role
        self.username = username
    }
}
