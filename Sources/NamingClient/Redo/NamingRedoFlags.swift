/// The three flags of a redo record (Java's `RedoData`) and the redo type they call for.
package struct NamingRedoFlags: Sendable, Hashable {
    /// Whether the application wants the record on the server.
    package var expectedRegistered: Bool
    /// Whether the server acknowledged the record on the current connection.
    package var registered: Bool
    /// Whether a deregistration was started.
    package var unregistering: Bool

    /// Creates flags; a fresh record is expected, not yet registered and not unregistering.
    package init(expectedRegistered: Bool = true, registered: Bool = false, unregistering: Bool = false) {
        self.expectedRegistered = expectedRegistered
        self.registered = registered
        self.unregistering = unregistering
    }

    /// The redo type of reference §8.4: registered and not unregistering → NONE (UNREGISTER if no longer
    /// expected); registered and unregistering → UNREGISTER; neither → REGISTER; unregistering but not
    /// registered → REGISTER if expected, else REMOVE.
    package var redoType: NamingRedoType {
        switch (self.registered, self.unregistering) {
        case (true, false): self.expectedRegistered ? .none : .unregister
        case (true, true): .unregister
        case (false, false): .register
        case (false, true): self.expectedRegistered ? .register : .remove
        }
    }
}
