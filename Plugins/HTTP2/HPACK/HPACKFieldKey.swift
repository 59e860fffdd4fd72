/// A (name, value) pair used as a dictionary key by the encoder's table lookups.
internal struct HPACKFieldKey: Hashable, Sendable {
    /// The field name.
    var name: String
    /// The field value.
    var value: String
}
