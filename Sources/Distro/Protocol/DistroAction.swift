/// What `DistroStateMachine` asks its shell to do.
public enum DistroAction: Sendable, Equatable {
    /// Send the task's operation for its client to its target (ADD and CHANGE send the client's data as it
    /// is at send time, DELETE its removal), then report the outcome with `syncFinished`.
    case sync(DistroDelayTask)
    /// Send the target the (clientId, revision) pairs of every client this node is responsible for.
    case verify(target: String)
    /// Ask the member for a snapshot of all its data, apply it, then report with `loadFinished`.
    case loadSnapshot(from: String)
    /// The start-up load finished (or there was no peer to load from): this node serves reads as complete.
    case initialized
}
