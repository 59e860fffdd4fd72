/// What the redo task must do for one registration or subscription (Java's `RedoData.RedoType`).
package enum NamingRedoType: String, Sendable, Hashable, CaseIterable {
    /// The server already has what the client wants.
    case none = "NONE"
    /// Send the registration (or subscription) again.
    case register = "REGISTER"
    /// Send the deregistration (or unsubscription) again.
    case unregister = "UNREGISTER"
    /// Forget the record: the server no longer has it and the client no longer wants it.
    case remove = "REMOVE"
}
