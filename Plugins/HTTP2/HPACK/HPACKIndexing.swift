/// How a header field may be stored by the decoder (RFC 7541 §6.2).
public enum HPACKIndexing: Sendable, Hashable {
    /// The field may be added to the dynamic table (literal with incremental indexing, or an indexed field).
    case indexable
    /// The field is sent as a literal without indexing; it is not added to the dynamic table.
    case nonIndexable
    /// The field is sent as a never-indexed literal, which intermediaries must keep literal too (§7.1.3).
    case neverIndexed
}
