/// The fuzz targets of the native protocol, HTTP/1.1 and the configuration files.
enum TextFuzzTargets {
    /// The targets this file's group adds.
    static let list: [any FuzzTarget.Type] = [NativeFrameFuzzTarget.self, HTTP1FuzzTarget.self, ConfigFuzzTarget.self]
}
