/// The fuzz targets of the gRPC stack: HTTP/2, HPACK, protobuf and the gRPC message framing.
enum WireFuzzTargets {
    /// The targets this file's group adds.
    static let list: [any FuzzTarget.Type] = [HTTP2FuzzTarget.self, HPACKFuzzTarget.self, ProtobufFuzzTarget.self]
}
