/// A service's instance selector as the service API records it (Nacos's `Selector`): a type and an
/// optional expression. Only `none` is applied (every instance is selected); other types are kept and
/// shown but select everything too.
public struct ServiceSelector: Sendable, Hashable {
    /// The selector type, `none` by default.
    public var type: String
    /// The selector expression, for types that take one (`label`).
    public var expression: String?

    /// Creates a selector.
    public init(type: String = ServiceSelector.noneType, expression: String? = nil) {
        self.type = type
        self.expression = expression
    }

    /// The type of the selector that selects every instance.
    public static let noneType = "none"

    /// The selector that selects every instance.
    public static let none = ServiceSelector()
}
