/// The settings of the hidden `nacos-bench restart-load` child (started by `restart`, not by hand): which
/// store to open a fresh registry over, and how many instances it must find there.
struct RestartLoadOptions: Sendable {
    /// `sqlite` or `postgres`.
    var backend = PersistentBackend.sqlite
    /// The SQLite file (for `sqlite`).
    var path = ""
    /// The PostgreSQL URL (for `postgres`).
    var url = ""
    /// Instances the registry must hold once open.
    var expectedInstances = 0
    /// The PostgreSQL postmaster, whose CPU (and its backends') counts as the store's, not as noise.
    var serverPid: Int32?
}
