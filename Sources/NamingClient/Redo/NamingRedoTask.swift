/// One piece of work the redo task found: which record, and what to do with it.
package enum NamingRedoTask: Sendable, Equatable {
    /// Re-send (or undo) the registration under `key` (a grouped service name).
    case instance(key: String, type: NamingRedoType)
    /// Re-send (or undo) the subscription under `key` (`group@@service@@clusters`).
    case subscriber(key: String, type: NamingRedoType)
}
